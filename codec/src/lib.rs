//! codec (in progress)
pub mod handle;
