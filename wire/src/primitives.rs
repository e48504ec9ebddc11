//! Integers, floats, bool and handle slots.

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// A little-endian `u16`.
pub type WireU16 = zerocopy::little_endian::U16;
/// A little-endian `u32`.
pub type WireU32 = zerocopy::little_endian::U32;
/// A little-endian `u64`.
pub type WireU64 = zerocopy::little_endian::U64;
/// A little-endian `i16`.
pub type WireI16 = zerocopy::little_endian::I16;
/// A little-endian `i32`.
pub type WireI32 = zerocopy::little_endian::I32;
/// A little-endian `i64`.
pub type WireI64 = zerocopy::little_endian::I64;
/// A little-endian IEEE 754 `f32`: every bit pattern, NaNs included, is kept as is.
pub type WireF32 = zerocopy::little_endian::F32;
/// A little-endian IEEE 754 `f64`: every bit pattern, NaNs included, is kept as is.
pub type WireF64 = zerocopy::little_endian::F64;

/// A FIDL `bool`: one byte that must be 0 or 1.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(transparent)]
pub struct WireBool(pub u8);

impl WireBool {
    /// The value, or `None` for a byte other than 0 and 1.
    #[inline]
    pub const fn get(self) -> Option<bool> {
        match self.0 {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

/// A handle slot: 4 bytes holding [`HANDLE_PRESENT`](crate::HANDLE_PRESENT) or
/// [`HANDLE_ABSENT`](crate::HANDLE_ABSENT). The handle itself is never in the bytes; it
/// is the next unclaimed entry of the message's handle table.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(transparent)]
pub struct WireHandle(pub WireU32);

impl WireHandle {
    /// `Some(true)` for the present marker, `Some(false)` for absent, `None` otherwise.
    #[inline]
    pub fn presence(&self) -> Option<bool> {
        match self.0.get() {
            crate::HANDLE_PRESENT => Some(true),
            crate::HANDLE_ABSENT => Some(false),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bool_accepts_only_zero_and_one() {
        assert_eq!(WireBool(0).get(), Some(false));
        assert_eq!(WireBool(1).get(), Some(true));
        for b in 2..=255u8 {
            assert_eq!(WireBool(b).get(), None);
        }
    }

    #[test]
    fn handle_presence_markers() {
        assert_eq!(WireHandle(WireU32::new(u32::MAX)).presence(), Some(true));
        assert_eq!(WireHandle(WireU32::new(0)).presence(), Some(false));
        assert_eq!(WireHandle(WireU32::new(1)).presence(), None);
        assert_eq!(WireHandle(WireU32::new(u32::MAX - 1)).presence(), None);
    }

    #[test]
    fn primitives_are_little_endian_and_unaligned() {
        let v = WireU32::new(0x0102_0304);
        assert_eq!(v.as_bytes(), &[4, 3, 2, 1]);
        assert_eq!(core::mem::align_of::<WireU64>(), 1);
        assert_eq!(core::mem::align_of::<WireF64>(), 1);
        let f = WireF32::from_bytes([0, 0, 0x80, 0x3f]);
        assert_eq!(f.get(), 1.0);
    }
}
