//! handoff facade (filled in below).
