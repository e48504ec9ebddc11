//! Windows HANDLE values and their checked conversion (filled in by the Windows work).
