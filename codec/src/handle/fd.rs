//! Unix file descriptors as handles (filled in by the fd backend work).
