//! FIDL front end (in progress).
