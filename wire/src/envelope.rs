//! Envelopes, and the tables and unions built from them.

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::{ALLOC_PRESENT, WireU16, WireU64};

/// An 8-byte envelope: the slot of a table member or a union variant.
///
/// * absent: all eight bytes zero;
/// * inline (flags bit 0 set): a value of at most 4 bytes, zero-padded to 4, then the
///   handle count and the flags;
/// * out of line (flags 0): the byte count of the out-of-line content (a multiple of 8),
///   then the handle count and the flags. The content is the next out-of-line object.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
pub struct WireEnvelope {
    /// Inline: the value bytes. Out of line: the content's byte count, little-endian.
    pub value: [u8; 4],
    /// How many handles the content carries, its own out-of-line objects included.
    pub num_handles: WireU16,
    /// Bit 0: the content is inline. Every other bit must be zero.
    pub flags: WireU16,
}

impl WireEnvelope {
    /// The flag bit that marks an inline envelope.
    pub const INLINE: u16 = 1;
    /// The largest value that an envelope carries inline.
    pub const MAX_INLINE_SIZE: usize = 4;

    /// An inline envelope around `value` (at most 4 bytes, zero-padded).
    pub fn inline(value: [u8; 4], num_handles: u16) -> Self {
        Self {
            value,
            num_handles: WireU16::new(num_handles),
            flags: WireU16::new(Self::INLINE),
        }
    }

    /// An out-of-line envelope of `num_bytes` content bytes.
    pub fn out_of_line(num_bytes: u32, num_handles: u16) -> Self {
        Self {
            value: num_bytes.to_le_bytes(),
            num_handles: WireU16::new(num_handles),
            flags: WireU16::new(0),
        }
    }

    /// All eight bytes zero: no content.
    #[inline]
    pub fn is_absent(&self) -> bool {
        u64::from_le_bytes(zerocopy::transmute!(*self)) == 0
    }

    /// Whether the inline bit is set.
    #[inline]
    pub fn is_inline(&self) -> bool {
        self.flags.get() & Self::INLINE != 0
    }

    /// Whether the flags hold bits other than the inline bit (an invalid envelope).
    #[inline]
    pub fn has_unknown_flags(&self) -> bool {
        self.flags.get() & !Self::INLINE != 0
    }

    /// The out-of-line byte count (meaningful when not inline).
    #[inline]
    pub fn num_bytes(&self) -> u32 {
        u32::from_le_bytes(self.value)
    }

    /// The handle count.
    #[inline]
    pub fn num_handles(&self) -> u16 {
        self.num_handles.get()
    }
}

/// The 16-byte inline part of a table: the number of envelopes (the highest ordinal
/// present, with no trailing absent envelopes when encoded canonically), then a
/// presence marker that must say present. The envelopes follow out of line, ordinal 1
/// first.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
pub struct WireTable {
    /// The number of envelopes.
    pub count: WireU64,
    /// Must be [`ALLOC_PRESENT`] on the wire.
    pub presence: WireU64,
}

impl WireTable {
    /// A table header with `count` envelopes.
    pub fn new(count: u64) -> Self {
        Self {
            count: WireU64::new(count),
            presence: WireU64::new(ALLOC_PRESENT),
        }
    }
}

/// The 16-byte inline part of a union: the 8-byte ordinal of the variant that is set,
/// then its envelope. An optional union that is absent has ordinal 0 and an absent
/// envelope; ordinal 0 with any other envelope is invalid.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
pub struct WireUnion {
    /// The ordinal of the variant that is set (0: absent).
    pub ordinal: WireU64,
    /// The variant's envelope.
    pub envelope: WireEnvelope,
}

#[cfg(test)]
mod tests {
    use super::*;
    use zerocopy::FromZeros;

    #[test]
    fn envelope_forms() {
        let e = WireEnvelope::inline([1, 2, 0, 0], 1);
        assert_eq!(e.as_bytes(), &[1, 2, 0, 0, 1, 0, 1, 0]);
        assert!(e.is_inline() && !e.is_absent() && !e.has_unknown_flags());
        let o = WireEnvelope::out_of_line(24, 2);
        assert_eq!(o.as_bytes(), &[24, 0, 0, 0, 2, 0, 0, 0]);
        assert_eq!(o.num_bytes(), 24);
        assert!(!o.is_inline());
        assert!(WireEnvelope::new_zeroed().is_absent());
        let bad = WireEnvelope::read_from_bytes(&[0, 0, 0, 0, 0, 0, 2, 0]).unwrap();
        assert!(bad.has_unknown_flags());
    }

    #[test]
    fn table_and_union_layout() {
        assert_eq!(core::mem::size_of::<WireTable>(), 16);
        assert_eq!(core::mem::size_of::<WireUnion>(), 16);
        let t = WireTable::new(2);
        assert_eq!(&t.as_bytes()[..8], &[2, 0, 0, 0, 0, 0, 0, 0]);
    }
}
