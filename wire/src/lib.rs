//! FIDL wire format v2 as zero-copy views over little-endian bytes.
//!
//! Every type here is a `#[repr(C)]` layout of byte arrays with alignment 1, built on
//! [`zerocopy`]: a view is a plain reference into a message buffer, whatever that
//! buffer's address alignment is, and reading a field compiles to one load. The crate
//! needs neither `std` nor an allocator.
//!
//! ```
//! use handoff_wire::{WireVector, ALLOC_PRESENT};
//! use zerocopy::FromBytes;
//!
//! // A vector header: 3 elements, body present (out of line).
//! let mut bytes = [0u8; 16];
//! bytes[..8].copy_from_slice(&3u64.to_le_bytes());
//! bytes[8..].copy_from_slice(&ALLOC_PRESENT.to_le_bytes());
//! let header = WireVector::ref_from_bytes(&bytes).unwrap();
//! assert_eq!(header.count(), 3);
//! assert!(header.is_present());
//! ```
//!
//! The byte layout of each type, and the rules a decoder checks, are written down in
//! the repository's `spec/wire-format.md`.
#![no_std]

mod envelope;
mod header;
mod primitives;
mod vector;

pub use envelope::{WireEnvelope, WireTable, WireUnion};
pub use header::{
    AT_REST_FLAG_V2, DYNAMIC_FLAG_FLEXIBLE, HeaderError, MAGIC_NUMBER, PersistedHeader,
    TransactionHeader,
};
pub use primitives::{
    WireBool, WireF32, WireF64, WireHandle, WireI16, WireI32, WireI64, WireU16, WireU32, WireU64,
};
pub use vector::{WireBox, WireString, WireVector};

/// Every out-of-line object starts at a multiple of this many bytes, and so does the
/// message itself; the gap up to it is zero padding.
pub const ALIGNMENT: usize = 8;

/// The presence marker of an out-of-line object that is present (all ones).
pub const ALLOC_PRESENT: u64 = u64::MAX;
/// The presence marker of an absent out-of-line object (all zeros).
pub const ALLOC_ABSENT: u64 = 0;
/// The marker a present handle leaves in its 4-byte slot; the handle itself travels in
/// the message's handle table.
pub const HANDLE_PRESENT: u32 = u32::MAX;
/// The marker of an absent (optional) handle.
pub const HANDLE_ABSENT: u32 = 0;

/// The deepest nesting of out-of-line objects a message may have. The primary object is
/// at depth 0; each out-of-line object is one deeper than the object that points at it.
/// A table counts two levels: its envelope vector and the envelopes' out-of-line content.
pub const MAX_DEPTH: u32 = 32;

/// Rounds `n` up to the next multiple of 8, or `None` on overflow.
#[inline]
pub const fn align8(n: usize) -> Option<usize> {
    match n.checked_add(ALIGNMENT - 1) {
        Some(m) => Some(m & !(ALIGNMENT - 1)),
        None => None,
    }
}

/// Rounds `n` up to a multiple of `align`, a power of two. For compile-time layout
/// computation, where the sizes are small and known.
#[inline]
pub const fn align_up(n: usize, align: usize) -> usize {
    (n + align - 1) & !(align - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn align8_rounds_up_and_detects_overflow() {
        assert_eq!(align8(0), Some(0));
        assert_eq!(align8(1), Some(8));
        assert_eq!(align8(8), Some(8));
        assert_eq!(align8(9), Some(16));
        assert_eq!(align8(usize::MAX), None);
        assert_eq!(align8(usize::MAX - 7), Some(usize::MAX - 7));
        assert_eq!(align_up(5, 4), 8);
        assert_eq!(align_up(5, 1), 5);
    }
}
