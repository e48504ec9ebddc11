//! Byte lists: `[0x12, 'a', num(-1):4, repeat(0xff):8, padding:4]`.

use crate::error::{ErrorKind, Span};

/// The most bytes one byte list may evaluate to (1 MiB). The largest list in the
/// suite is a few hundred bytes; the limit keeps `repeat(0):18446744073709551615`
/// from allocating without bound.
pub const MAX_BYTE_LIST_LEN: usize = 1 << 20;

/// One item of a byte list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ByteItemKind {
    /// A plain byte, written `0x12`, `18` or `'a'`.
    Byte(u8),
    /// `num(value):size`: `value` as a `size`-byte little-endian integer (two's
    /// complement when negative).
    Num {
        /// The integer.
        value: i128,
        /// Its width in bytes, `1..=8`.
        size: u8,
    },
    /// `repeat(byte):count`: `byte`, `count` times.
    Repeat {
        /// The repeated byte.
        byte: u8,
        /// How many times.
        count: u64,
    },
    /// `padding:count`: `count` zero bytes that are padding on the wire.
    Padding {
        /// How many bytes.
        count: u64,
    },
}

/// A byte-list item and where it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ByteItem {
    /// The item.
    pub kind: ByteItemKind,
    /// Its source text.
    pub span: Span,
}

impl ByteItemKind {
    /// The number of bytes this item produces, checked against the format's rules.
    fn len(self) -> Result<u64, ErrorKind> {
        match self {
            ByteItemKind::Byte(_) => Ok(1),
            ByteItemKind::Num { value, size } => {
                if !(1..=8).contains(&size) {
                    return Err(ErrorKind::InvalidNumSize(u64::from(size)));
                }
                let bits = 8 * u32::from(size);
                // Unsigned range `0 ..= 2^bits - 1`, or signed range `-2^(bits-1) ..= -1`.
                let fits = if value >= 0 {
                    value < (1i128 << bits)
                } else {
                    value >= -(1i128 << (bits - 1))
                };
                if fits {
                    Ok(u64::from(size))
                } else {
                    Err(ErrorKind::NumOutOfRange { value, size })
                }
            }
            ByteItemKind::Repeat { count, .. } | ByteItemKind::Padding { count } => Ok(count),
        }
    }

    fn write(self, out: &mut Vec<u8>) {
        match self {
            ByteItemKind::Byte(b) => out.push(b),
            ByteItemKind::Num { value, size } => {
                // Two's complement little-endian; `len` has checked that `value` fits.
                let le = value.to_le_bytes();
                out.extend_from_slice(&le[..usize::from(size)]);
            }
            ByteItemKind::Repeat { byte, count } => {
                out.resize(out.len() + count_usize(count), byte);
            }
            ByteItemKind::Padding { count } => {
                out.resize(out.len() + count_usize(count), 0);
            }
        }
    }
}

/// `count` as `usize`; only called after the total was checked against
/// [`MAX_BYTE_LIST_LEN`], so it always fits.
fn count_usize(count: u64) -> usize {
    usize::try_from(count).unwrap_or(usize::MAX)
}

/// Evaluates byte-list items to bytes.
///
/// Errors (with the offending item's span): a `num` whose size is not `1..=8` or whose
/// value does not fit, or a total longer than [`MAX_BYTE_LIST_LEN`].
pub fn evaluate(items: &[ByteItem]) -> Result<Vec<u8>, (Span, ErrorKind)> {
    let mut total: u64 = 0;
    for item in items {
        let len = item.kind.len().map_err(|k| (item.span, k))?;
        total = total.saturating_add(len);
        if total > MAX_BYTE_LIST_LEN as u64 {
            return Err((item.span, ErrorKind::ByteListTooLong));
        }
    }
    let mut out = Vec::with_capacity(count_usize(total));
    for item in items {
        item.kind.write(&mut out);
    }
    Ok(out)
}

/// A parsed byte list: its items and the bytes they evaluate to.
///
/// INVARIANT: `bytes == evaluate(&items)`; the only constructor checks it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ByteList {
    items: Vec<ByteItem>,
    bytes: Vec<u8>,
    span: Span,
}

impl ByteList {
    /// Evaluates `items` (see [`evaluate`]) and keeps both. `span` covers the list.
    pub fn new(items: Vec<ByteItem>, span: Span) -> Result<ByteList, (Span, ErrorKind)> {
        let bytes = evaluate(&items)?;
        Ok(ByteList { items, bytes, span })
    }

    /// The evaluated bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The items as written.
    pub fn items(&self) -> &[ByteItem] {
        &self.items
    }

    /// The source text of the whole list, brackets included.
    pub fn span(&self) -> Span {
        self.span
    }

    /// The evaluated bytes, consuming the list.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(kind: ByteItemKind) -> ByteItem {
        ByteItem {
            kind,
            span: Span::default(),
        }
    }

    #[test]
    fn evaluates_each_item_kind() {
        let items = [
            item(ByteItemKind::Byte(0x12)),
            item(ByteItemKind::Num { value: -1, size: 2 }),
            item(ByteItemKind::Num {
                value: 0x0102_0304,
                size: 4,
            }),
            item(ByteItemKind::Num {
                value: 0xffff_ffff_ffff_ffff,
                size: 8,
            }),
            item(ByteItemKind::Num {
                value: -686_561_937,
                size: 4,
            }),
            item(ByteItemKind::Num {
                value: 0x10_0000,
                size: 6,
            }),
            item(ByteItemKind::Repeat {
                byte: 0xab,
                count: 3,
            }),
            item(ByteItemKind::Padding { count: 2 }),
        ];
        let bytes = evaluate(&items).unwrap();
        let mut want = vec![0x12, 0xff, 0xff, 0x04, 0x03, 0x02, 0x01];
        want.extend_from_slice(&[0xff; 8]);
        want.extend_from_slice(&(-686_561_937i32).to_le_bytes());
        want.extend_from_slice(&[0x00, 0x00, 0x10, 0x00, 0x00, 0x00]);
        want.extend_from_slice(&[0xab, 0xab, 0xab, 0, 0]);
        assert_eq!(bytes, want);
        assert_eq!(evaluate(&[]).unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn num_range_edges() {
        let num = |value, size| evaluate(&[item(ByteItemKind::Num { value, size })]);
        assert_eq!(num(255, 1).unwrap(), vec![0xff]);
        assert_eq!(num(-128, 1).unwrap(), vec![0x80]);
        assert_eq!(
            num(i128::from(i64::MIN), 8).unwrap(),
            i64::MIN.to_le_bytes()
        );
        assert_eq!(
            num(256, 1).unwrap_err().1,
            ErrorKind::NumOutOfRange {
                value: 256,
                size: 1
            }
        );
        assert_eq!(
            num(-129, 1).unwrap_err().1,
            ErrorKind::NumOutOfRange {
                value: -129,
                size: 1
            }
        );
        assert_eq!(
            num(1i128 << 64, 8).unwrap_err().1,
            ErrorKind::NumOutOfRange {
                value: 1i128 << 64,
                size: 8
            }
        );
        assert_eq!(num(0, 0).unwrap_err().1, ErrorKind::InvalidNumSize(0));
        assert_eq!(num(0, 9).unwrap_err().1, ErrorKind::InvalidNumSize(9));
    }

    #[test]
    fn length_is_bounded_before_allocating() {
        let huge = [item(ByteItemKind::Repeat {
            byte: 0,
            count: u64::MAX,
        })];
        assert_eq!(evaluate(&huge).unwrap_err().1, ErrorKind::ByteListTooLong);
        let many = vec![
            item(ByteItemKind::Padding {
                count: (MAX_BYTE_LIST_LEN / 2) as u64
            });
            3
        ];
        assert_eq!(evaluate(&many).unwrap_err().1, ErrorKind::ByteListTooLong);
        let exact = [item(ByteItemKind::Padding {
            count: MAX_BYTE_LIST_LEN as u64,
        })];
        assert_eq!(evaluate(&exact).unwrap().len(), MAX_BYTE_LIST_LEN);
    }
}
