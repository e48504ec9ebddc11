//! Vectors, strings and boxes: an inline header whose body lives out of line.

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::{ALLOC_ABSENT, ALLOC_PRESENT, WireU64};

/// The 16-byte inline header of a `vector<T>`: the element count, then a presence
/// marker. A present body of `count` inline elements follows out of line, 8-aligned and
/// zero-padded, and then each element's own out-of-line objects in order.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
pub struct WireVector {
    /// The number of elements (not bytes).
    pub count: WireU64,
    /// [`ALLOC_PRESENT`] or [`ALLOC_ABSENT`] on the wire.
    pub presence: WireU64,
}

impl WireVector {
    /// A header for `count` elements, present.
    pub fn present(count: u64) -> Self {
        Self {
            count: WireU64::new(count),
            presence: WireU64::new(ALLOC_PRESENT),
        }
    }

    /// The element count as written (not yet checked against anything).
    #[inline]
    pub fn count(&self) -> u64 {
        self.count.get()
    }

    /// Whether the presence marker says present (all ones).
    #[inline]
    pub fn is_present(&self) -> bool {
        self.presence.get() == ALLOC_PRESENT
    }

    /// Whether the presence marker says absent (all zeros).
    #[inline]
    pub fn is_absent(&self) -> bool {
        self.presence.get() == ALLOC_ABSENT
    }
}

/// The 16-byte inline header of a `string`: byte count and presence marker, laid out
/// exactly like [`WireVector`] of `uint8`. The body must be valid UTF-8.
pub type WireString = WireVector;

/// An 8-byte presence marker for a `box<T>` (an optional struct): the struct itself, if
/// present, is the next out-of-line object.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(transparent)]
pub struct WireBox {
    /// [`ALLOC_PRESENT`] or [`ALLOC_ABSENT`] on the wire.
    pub presence: WireU64,
}

impl WireBox {
    /// `Some(true)` present, `Some(false)` absent, `None` for any other marker.
    #[inline]
    pub fn presence(&self) -> Option<bool> {
        match self.presence.get() {
            ALLOC_PRESENT => Some(true),
            ALLOC_ABSENT => Some(false),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zerocopy::FromZeros;

    #[test]
    fn vector_header_layout() {
        let v = WireVector::present(0x0102);
        assert_eq!(
            v.as_bytes(),
            &[
                2, 1, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
            ]
        );
        assert!(v.is_present() && !v.is_absent());
        let absent = WireVector::new_zeroed();
        assert!(absent.is_absent() && absent.count() == 0);
        assert_eq!(core::mem::size_of::<WireVector>(), 16);
    }

    #[test]
    fn box_markers() {
        assert_eq!(
            WireBox {
                presence: WireU64::new(u64::MAX)
            }
            .presence(),
            Some(true)
        );
        assert_eq!(
            WireBox {
                presence: WireU64::new(0)
            }
            .presence(),
            Some(false)
        );
        assert_eq!(
            WireBox {
                presence: WireU64::new(1)
            }
            .presence(),
            None
        );
    }
}
