//! GIDL conformance runner (in progress).
