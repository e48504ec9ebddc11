//! The 16-byte transactional header and the 8-byte persisted (at-rest) header.

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::{WireU32, WireU64};

/// The magic number of the current header format.
pub const MAGIC_NUMBER: u8 = 1;
/// Bit of the first at-rest flags byte that says the body is in wire format v2.
pub const AT_REST_FLAG_V2: u8 = 0x02;
/// Dynamic flag: the method is flexible (a peer that does not know it may say so).
pub const DYNAMIC_FLAG_FLEXIBLE: u8 = 0x80;

/// Why a header was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderError {
    /// Fewer bytes than the header's size.
    TooShort {
        /// The bytes available.
        len: usize,
    },
    /// The magic number is not [`MAGIC_NUMBER`].
    BadMagic {
        /// The magic number found.
        found: u8,
    },
    /// The at-rest flags do not say wire format v2, or hold unknown bits.
    UnsupportedWireFormat {
        /// The at-rest flags found.
        flags: [u8; 2],
    },
    /// A reserved byte or the persisted header's disambiguator is not zero.
    NonZeroReserved,
}

/// The 16-byte header that starts every transactional message (a request, a response
/// or an event). The body follows it, starting at an 8-aligned offset.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
pub struct TransactionHeader {
    /// Transaction id: 0 for one-way messages and events, otherwise chosen by the
    /// caller and echoed by the response.
    pub txid: WireU32,
    /// At-rest flags: byte 0 bit 1 ([`AT_REST_FLAG_V2`]) marks wire format v2.
    pub at_rest_flags: [u8; 2],
    /// Dynamic flags: bit 7 ([`DYNAMIC_FLAG_FLEXIBLE`]) marks a flexible method.
    pub dynamic_flags: u8,
    /// [`MAGIC_NUMBER`].
    pub magic_number: u8,
    /// The method ordinal.
    pub ordinal: WireU64,
}

impl TransactionHeader {
    /// The header size in bytes.
    pub const SIZE: usize = 16;

    /// A v2 header for `ordinal` with the given transaction id and dynamic flags.
    pub fn new(txid: u32, ordinal: u64, dynamic_flags: u8) -> Self {
        Self {
            txid: WireU32::new(txid),
            at_rest_flags: [AT_REST_FLAG_V2, 0],
            dynamic_flags,
            magic_number: MAGIC_NUMBER,
            ordinal: WireU64::new(ordinal),
        }
    }

    /// Reads and checks the header at the start of `bytes`: the magic number and the
    /// wire-format flag. Returns the header and the bytes after it.
    pub fn parse(bytes: &[u8]) -> Result<(&Self, &[u8]), HeaderError> {
        let (header, rest) =
            Self::ref_from_prefix(bytes).map_err(|_| HeaderError::TooShort { len: bytes.len() })?;
        header.validate()?;
        Ok((header, rest))
    }

    /// Checks the magic number and the at-rest flags.
    pub fn validate(&self) -> Result<(), HeaderError> {
        if self.magic_number != MAGIC_NUMBER {
            return Err(HeaderError::BadMagic {
                found: self.magic_number,
            });
        }
        if self.at_rest_flags != [AT_REST_FLAG_V2, 0] {
            return Err(HeaderError::UnsupportedWireFormat {
                flags: self.at_rest_flags,
            });
        }
        Ok(())
    }

    /// Whether the method is flexible.
    pub fn is_flexible(&self) -> bool {
        self.dynamic_flags & DYNAMIC_FLAG_FLEXIBLE != 0
    }
}

/// The 8-byte header of a persisted (at-rest) FIDL value: a zero disambiguator (so it
/// cannot be taken for a transactional header), the magic number, the at-rest flags and
/// four reserved zero bytes.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
pub struct PersistedHeader {
    /// Always 0.
    pub disambiguator: u8,
    /// [`MAGIC_NUMBER`].
    pub magic_number: u8,
    /// At-rest flags, as in [`TransactionHeader`].
    pub at_rest_flags: [u8; 2],
    /// Always zero.
    pub reserved: [u8; 4],
}

impl PersistedHeader {
    /// The header size in bytes.
    pub const SIZE: usize = 8;

    /// The header of a wire format v2 value.
    pub fn new() -> Self {
        Self {
            disambiguator: 0,
            magic_number: MAGIC_NUMBER,
            at_rest_flags: [AT_REST_FLAG_V2, 0],
            reserved: [0; 4],
        }
    }

    /// Reads and checks the header at the start of `bytes`; returns the bytes after it.
    pub fn parse(bytes: &[u8]) -> Result<(&Self, &[u8]), HeaderError> {
        let (header, rest) =
            Self::ref_from_prefix(bytes).map_err(|_| HeaderError::TooShort { len: bytes.len() })?;
        if header.disambiguator != 0 || header.reserved != [0; 4] {
            return Err(HeaderError::NonZeroReserved);
        }
        if header.magic_number != MAGIC_NUMBER {
            return Err(HeaderError::BadMagic {
                found: header.magic_number,
            });
        }
        if header.at_rest_flags != [AT_REST_FLAG_V2, 0] {
            return Err(HeaderError::UnsupportedWireFormat {
                flags: header.at_rest_flags,
            });
        }
        Ok((header, rest))
    }
}

impl Default for PersistedHeader {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transaction_header_bytes() {
        let h = TransactionHeader::new(0x1234_5678, 0x0102_0304_0506_0708, DYNAMIC_FLAG_FLEXIBLE);
        assert_eq!(
            h.as_bytes(),
            &[
                0x78, 0x56, 0x34, 0x12, 0x02, 0x00, 0x80, 0x01, 8, 7, 6, 5, 4, 3, 2, 1
            ]
        );
        let mut bytes = [0u8; 20];
        bytes[..16].copy_from_slice(h.as_bytes());
        let (parsed, rest) = TransactionHeader::parse(&bytes).unwrap();
        assert_eq!(parsed, &h);
        assert_eq!(rest.len(), 4);
        assert!(parsed.is_flexible());
    }

    #[test]
    fn transaction_header_rejections() {
        let mut b = [0u8; 16];
        b[..16].copy_from_slice(TransactionHeader::new(1, 2, 0).as_bytes());
        assert_eq!(
            TransactionHeader::parse(&b[..15]),
            Err(HeaderError::TooShort { len: 15 })
        );
        let mut bad = b;
        bad[7] = 0;
        assert_eq!(
            TransactionHeader::parse(&bad),
            Err(HeaderError::BadMagic { found: 0 })
        );
        let mut v1 = b;
        v1[4] = 0;
        assert_eq!(
            TransactionHeader::parse(&v1),
            Err(HeaderError::UnsupportedWireFormat { flags: [0, 0] })
        );
    }

    #[test]
    fn persisted_header_bytes() {
        let h = PersistedHeader::new();
        assert_eq!(h.as_bytes(), &[0, 1, 2, 0, 0, 0, 0, 0]);
        assert!(PersistedHeader::parse(h.as_bytes()).is_ok());
        assert_eq!(
            PersistedHeader::parse(&[1, 1, 2, 0, 0, 0, 0, 0]),
            Err(HeaderError::NonZeroReserved)
        );
        assert_eq!(
            PersistedHeader::parse(&[0, 1, 2, 0, 0, 0, 0, 1]),
            Err(HeaderError::NonZeroReserved)
        );
        assert_eq!(
            PersistedHeader::parse(&[0, 2, 2, 0, 0, 0, 0, 0]),
            Err(HeaderError::BadMagic { found: 2 })
        );
        assert_eq!(
            PersistedHeader::parse(&[0, 1]),
            Err(HeaderError::TooShort { len: 2 })
        );
    }
}
