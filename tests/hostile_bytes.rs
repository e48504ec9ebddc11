//! Hostile bytes: one test per rule of the wire format the decoder enforces, each
//! asserting the exact error (variant, offset and details) and its conformance code.
//! Counts are probed at 0, 1, max-1, max, u32::MAX and u64::MAX; padding everywhere;
//! invalid UTF-8 of every kind; depth at the limit and one past it through boxes,
//! vectors, tables, unions and skipped unknown envelopes; tiny inputs that declare huge
//! work.
//!
//! Where spec/wire-format.md fixes the order of checks or an error's offset, the tests
//! follow it.

// Test types are not an API: their members need no docs.
#![allow(missing_docs)]

#[path = "support/chains.rs"]
mod chains;
mod support;

use chains::Build;
use handoff::codec::Decode;
use handoff::{DecodeOptions, Error, ErrorCode, Fidl, Limits, MessageBuf};
use support::*;

// ---------------------------------------------------------------------------------------
// Types

/// `a` at 0, padding 1..4, `b` at 4, `c` at 8, padding 10..12 (and 12..16 in a message).
#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Pad {
    pub a: u8,
    pub b: u32,
    pub c: u16,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Str4 {
    #[fidl(max_len = 4)]
    pub s: String,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Strs {
    pub s: String,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct OptStr {
    pub s: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct V4 {
    #[fidl(max_len = 4)]
    pub v: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Vs {
    pub v: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct OptV {
    pub v: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Bool1 {
    pub b: bool,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Empty {}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct PadVec {
    pub v: Vec<Pad>,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct BoxPad {
    pub p: Option<Pad>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Fidl)]
#[fidl(enum, strict, repr = u16)]
pub enum SE {
    A = 1,
    B = 2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Fidl)]
#[fidl(enum, strict, repr = i8)]
pub enum SEI8 {
    #[fidl(value = -1)]
    M,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Fidl)]
#[fidl(bits, strict, repr = u8, mask = 0x5)]
pub struct SBits(pub u8);

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Enums {
    pub e: SE,
    pub i: SEI8,
    pub b: SBits,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
#[fidl(union, strict)]
pub enum SU {
    #[fidl(ordinal = 1)]
    A(u32),
    #[fidl(ordinal = 2)]
    B(u64),
    #[fidl(ordinal = 3)]
    F(bool),
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct OptSU {
    pub u: Option<Box<SU>>,
}

#[derive(Debug, Clone, PartialEq, Default, Fidl)]
#[fidl(table)]
pub struct Tb {
    #[fidl(ordinal = 1)]
    pub a: Option<u8>,
    #[fidl(ordinal = 2)]
    pub b: Option<u64>,
    #[fidl(ordinal = 3)]
    pub s: Option<String>,
    #[fidl(ordinal = 4)]
    pub f: Option<bool>,
}

/// A resource message with a handle before and after a bounded string, so that errors
/// in the string happen with one handle claimed and one not reached.
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct R {
    pub h: H,
    #[fidl(max_len = 4)]
    pub s: String,
    pub tail: Option<H>,
}

// ---------------------------------------------------------------------------------------
// Helpers

/// Decodes `bytes` as a `T` (no handles) and asserts the exact error and its code.
#[track_caller]
fn check_err<T: Decode<H>>(bytes: &[u8], expected: Error, code: ErrorCode) {
    let e = decode_err::<T>(bytes);
    assert_eq!(e, expected, "bytes:{}", hex(bytes));
    assert_eq!(e.code(), code);
}

/// `count` and the present marker: a string or vector header.
fn header(count: u64) -> Vec<u8> {
    rows(&[le64(count), PRESENT])
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

// ---------------------------------------------------------------------------------------
// Sizes

#[test]
fn too_few_bytes_in_primary_object() {
    check_err::<u64>(
        &[0; 4],
        Error::TooFewBytesInPrimaryObject { size: 8, len: 4 },
        ErrorCode::TooFewBytesInPrimaryObject,
    );
    check_err::<Pad>(
        &[0; 8],
        Error::TooFewBytesInPrimaryObject { size: 16, len: 8 },
        ErrorCode::TooFewBytesInPrimaryObject,
    );
    check_err::<Empty>(
        &[],
        Error::TooFewBytesInPrimaryObject { size: 8, len: 0 },
        ErrorCode::TooFewBytesInPrimaryObject,
    );
    check_err::<String>(
        &[0; 15],
        Error::TooFewBytesInPrimaryObject { size: 16, len: 15 },
        ErrorCode::TooFewBytesInPrimaryObject,
    );
}

/// An out-of-line object that does not fit: the error is at the out-of-line cursor.
#[test]
fn too_few_bytes_for_an_out_of_line_object() {
    // A string of 3 bytes with no body.
    check_err::<Strs>(
        &header(3),
        Error::TooFewBytes {
            offset: 16,
            size: 3,
            len: 16,
        },
        ErrorCode::TooFewBytes,
    );
    // Three u32 (12 bytes, 16 with padding) with 8 bytes of body.
    let bytes = cat(&[&header(3), &[1, 0, 0, 0, 2, 0, 0, 0]]);
    check_err::<Vs>(
        &bytes,
        Error::TooFewBytes {
            offset: 16,
            size: 12,
            len: 24,
        },
        ErrorCode::TooFewBytes,
    );
    // A box with no body.
    check_err::<BoxPad>(
        &PRESENT,
        Error::TooFewBytes {
            offset: 8,
            size: 12,
            len: 8,
        },
        ErrorCode::TooFewBytes,
    );
    // A table of 2 envelopes with one.
    let bytes = cat(&[&header(2), &[1, 0, 0, 0, 0, 0, 1, 0]]);
    check_err::<Tb>(
        &bytes,
        Error::TooFewBytes {
            offset: 16,
            size: 16,
            len: 24,
        },
        ErrorCode::TooFewBytes,
    );
    // The second string of a vector runs out: the cursor is past the first body.
    let bytes = cat(&[
        &header(2),
        &header(1),
        &header(9),
        &[b'a', 0, 0, 0, 0, 0, 0, 0],
    ]);
    check_err::<Vec<String>>(
        &bytes,
        Error::TooFewBytes {
            offset: 56,
            size: 9,
            len: 56,
        },
        ErrorCode::TooFewBytes,
    );
}

#[test]
fn too_many_bytes_in_message() {
    // A bounded type: rejected by the size pre-check, at the type's maximum size.
    check_err::<u32>(
        &[0; 16],
        Error::TooManyBytesInMessage {
            offset: 8,
            extra: 8,
        },
        ErrorCode::TooManyBytesInMessage,
    );
    check_err::<Pad>(
        &[0; 24],
        Error::TooManyBytesInMessage {
            offset: 16,
            extra: 8,
        },
        ErrorCode::TooManyBytesInMessage,
    );
    let bytes = cat(&[&header(1), b"a\0\0\0\0\0\0\0", &[0; 8]]);
    check_err::<Str4>(
        &bytes,
        Error::TooManyBytesInMessage {
            offset: 24,
            extra: 8,
        },
        ErrorCode::TooManyBytesInMessage,
    );
    // An unbounded type: found after the walk, at the first byte no object accounts for.
    let bytes = cat(&[&header(1), &[7, 0, 0, 0, 0, 0, 0, 0], &[0; 8]]);
    check_err::<Vec<u8>>(
        &bytes,
        Error::TooManyBytesInMessage {
            offset: 24,
            extra: 8,
        },
        ErrorCode::TooManyBytesInMessage,
    );
    // Trailing bytes that are not even a multiple of 8.
    let bytes = cat(&[&header(1), &[7, 0, 0, 0, 0, 0, 0, 0], &[0; 3]]);
    check_err::<Vec<u8>>(
        &bytes,
        Error::TooManyBytesInMessage {
            offset: 24,
            extra: 3,
        },
        ErrorCode::TooManyBytesInMessage,
    );
    // An absent optional vector followed by a body nobody claims.
    let bytes = cat(&[&ABSENT, &ABSENT, &[1, 0, 0, 0, 0, 0, 0, 0]]);
    check_err::<OptV>(
        &bytes,
        Error::TooManyBytesInMessage {
            offset: 16,
            extra: 8,
        },
        ErrorCode::TooManyBytesInMessage,
    );
}

#[test]
fn message_too_large() {
    let opts = DecodeOptions {
        limits: Limits {
            max_bytes: 16,
            ..Limits::DEFAULT
        },
        ..DecodeOptions::default()
    };
    let bytes = cat(&[&header(1), &[7, 0, 0, 0, 0, 0, 0, 0]]);
    let e = decode_with::<Vec<u8>>(&bytes, vec![], &opts).unwrap_err();
    assert_eq!(e, Error::MessageTooLarge { len: 24, limit: 16 });
    assert_eq!(e.code(), ErrorCode::TooManyBytesInMessage);
    // At the limit it decodes.
    let opts = DecodeOptions {
        limits: Limits {
            max_bytes: 24,
            ..Limits::DEFAULT
        },
        ..DecodeOptions::default()
    };
    assert_eq!(
        decode_with::<Vec<u8>>(&bytes, vec![], &opts)
            .unwrap()
            .into_natural(),
        [7]
    );
}

// ---------------------------------------------------------------------------------------
// Padding

/// Every byte of a `Pad` message: a non-zero padding byte is an error at that offset,
/// a non-zero data byte is fine.
#[test]
fn padding_every_byte_of_a_struct() {
    let padding = [1, 2, 3, 10, 11, 12, 13, 14, 15];
    for at in 0..16 {
        for value in [0x01u8, 0x80, 0xff] {
            let mut bytes = vec![0u8; 16];
            bytes[at] = value;
            let result = decode::<Pad>(&bytes, vec![]);
            if padding.contains(&at) {
                let e = result.unwrap_err();
                assert_eq!(
                    e,
                    Error::InvalidPaddingByte { offset: at },
                    "byte {at} = {value:#x}"
                );
                assert_eq!(e.code(), ErrorCode::InvalidPaddingByte);
            } else {
                let v = result
                    .unwrap_or_else(|e| panic!("byte {at}: {e:?}"))
                    .into_natural();
                assert_ne!(v, Pad { a: 0, b: 0, c: 0 });
            }
        }
    }
}

#[test]
fn padding_of_top_level_primitives() {
    for at in 1..8 {
        let mut bytes = vec![0u8; 8];
        bytes[at] = 1;
        check_err::<u8>(
            &bytes,
            Error::InvalidPaddingByte { offset: at },
            ErrorCode::InvalidPaddingByte,
        );
        check_err::<bool>(
            &bytes,
            Error::InvalidPaddingByte { offset: at },
            ErrorCode::InvalidPaddingByte,
        );
        check_err::<Empty>(
            &bytes,
            Error::InvalidPaddingByte { offset: at },
            ErrorCode::InvalidPaddingByte,
        );
    }
    for at in 4..8 {
        let mut bytes = vec![0u8; 8];
        bytes[at] = 1;
        check_err::<u32>(
            &bytes,
            Error::InvalidPaddingByte { offset: at },
            ErrorCode::InvalidPaddingByte,
        );
        check_err::<f32>(
            &bytes,
            Error::InvalidPaddingByte { offset: at },
            ErrorCode::InvalidPaddingByte,
        );
    }
}

/// The tail of out-of-line objects: string and vector bodies, box bodies, vector
/// elements' own padding.
#[test]
fn padding_out_of_line() {
    // "abc": bytes 19..24 are padding.
    for at in 19..24 {
        let mut bytes = cat(&[&header(3), b"abc\0\0\0\0\0"]);
        bytes[at] = 0x20;
        check_err::<Strs>(
            &bytes,
            Error::InvalidPaddingByte { offset: at },
            ErrorCode::InvalidPaddingByte,
        );
    }
    // Several padding bytes set: the first is reported.
    let bytes = cat(&[&header(1), &[b'x', 0, 0, 9, 0, 0, 9, 0]]);
    check_err::<Strs>(
        &bytes,
        Error::InvalidPaddingByte { offset: 19 },
        ErrorCode::InvalidPaddingByte,
    );
    // One u32 in a vector: 4 bytes of tail.
    for at in 20..24 {
        let mut bytes = cat(&[&header(1), &[1, 0, 0, 0, 0, 0, 0, 0]]);
        bytes[at] = 1;
        check_err::<Vs>(
            &bytes,
            Error::InvalidPaddingByte { offset: at },
            ErrorCode::InvalidPaddingByte,
        );
    }
    // A box body (Pad is 12 bytes): its padding inside and its tail 20..24.
    for at in [9, 10, 11, 18, 19, 20, 21, 22, 23] {
        let mut bytes = cat(&[&PRESENT, &[0; 16]]);
        bytes[at] = 1;
        check_err::<BoxPad>(
            &bytes,
            Error::InvalidPaddingByte { offset: at },
            ErrorCode::InvalidPaddingByte,
        );
    }
    // Vector elements with padding: the second element's padding.
    let mut bytes = cat(&[&header(2), &[0; 24]]);
    bytes[16 + 12 + 2] = 1; // element 1 starts at 28; its byte 2 is padding
    check_err::<PadVec>(
        &bytes,
        Error::InvalidPaddingByte { offset: 30 },
        ErrorCode::InvalidPaddingByte,
    );
    // The vector's own tail (24 bytes of elements, no tail) vs. one element (12 + 4 tail).
    let mut bytes = cat(&[&header(1), &[0; 16]]);
    bytes[16 + 13] = 1;
    check_err::<PadVec>(
        &bytes,
        Error::InvalidPaddingByte { offset: 29 },
        ErrorCode::InvalidPaddingByte,
    );
}

/// Inline envelope content narrower than 4 bytes: the rest of the 4 bytes are padding.
#[test]
fn padding_inline_envelopes() {
    for at in 17..20 {
        let mut bytes = cat(&[&header(1), &[1, 0, 0, 0, 0, 0, 1, 0]]);
        bytes[at] = 1;
        check_err::<Tb>(
            &bytes,
            Error::InvalidPaddingByte { offset: at },
            ErrorCode::InvalidPaddingByte,
        );
    }
    for at in 9..12 {
        let mut bytes = rows(&[le64(3), [1, 0, 0, 0, 0, 0, 1, 0]]);
        bytes[at] = 1;
        check_err::<SU>(
            &bytes,
            Error::InvalidPaddingByte { offset: at },
            ErrorCode::InvalidPaddingByte,
        );
    }
    // Padding is checked before the value: a bad bool with bad padding is a padding error.
    let bytes = rows(&[le64(3), [7, 1, 0, 0, 0, 0, 1, 0]]);
    check_err::<SU>(
        &bytes,
        Error::InvalidPaddingByte { offset: 9 },
        ErrorCode::InvalidPaddingByte,
    );
}

// ---------------------------------------------------------------------------------------
// Markers and primitives

#[test]
fn invalid_presence_indicators() {
    for found in [
        1u64,
        2,
        0xffff_ffff,
        0xffff_ffff_ffff_fffe,
        0x8000_0000_0000_0000,
    ] {
        let bytes = rows(&[le64(0), le64(found)]);
        check_err::<Strs>(
            &bytes,
            Error::InvalidPresenceIndicator { offset: 8, found },
            ErrorCode::InvalidPresenceIndicator,
        );
        check_err::<OptStr>(
            &bytes,
            Error::InvalidPresenceIndicator { offset: 8, found },
            ErrorCode::InvalidPresenceIndicator,
        );
        check_err::<Vs>(
            &bytes,
            Error::InvalidPresenceIndicator { offset: 8, found },
            ErrorCode::InvalidPresenceIndicator,
        );
        check_err::<OptV>(
            &bytes,
            Error::InvalidPresenceIndicator { offset: 8, found },
            ErrorCode::InvalidPresenceIndicator,
        );
        check_err::<Tb>(
            &bytes,
            Error::InvalidPresenceIndicator { offset: 8, found },
            ErrorCode::InvalidPresenceIndicator,
        );
        let bytes = cat(&[&le64(found), &[0; 16]]);
        check_err::<BoxPad>(
            &bytes,
            Error::InvalidPresenceIndicator { offset: 0, found },
            ErrorCode::InvalidPresenceIndicator,
        );
    }
}

#[test]
fn invalid_booleans() {
    for found in [2u8, 0x10, 0x80, 0xff] {
        check_err::<Bool1>(
            &[found, 0, 0, 0, 0, 0, 0, 0],
            Error::InvalidBoolean { offset: 0, found },
            ErrorCode::InvalidBoolean,
        );
        check_err::<bool>(
            &[found, 0, 0, 0, 0, 0, 0, 0],
            Error::InvalidBoolean { offset: 0, found },
            ErrorCode::InvalidBoolean,
        );
        let bytes = cat(&[&header(3), &[1, 0, found, 0, 0, 0, 0, 0]]);
        check_err::<Vec<bool>>(
            &bytes,
            Error::InvalidBoolean { offset: 18, found },
            ErrorCode::InvalidBoolean,
        );
        let bytes = cat(&[
            &header(4),
            &[1, 0, 0, 0, 0, 0, 1, 0],
            &ABSENT,
            &ABSENT,
            &[found, 0, 0, 0, 0, 0, 1, 0],
        ]);
        check_err::<Tb>(
            &bytes,
            Error::InvalidBoolean { offset: 40, found },
            ErrorCode::InvalidBoolean,
        );
    }
    assert!(decode_natural::<Vec<bool>>(&cat(&[&header(2), &[1, 0, 0, 0, 0, 0, 0, 0]]))[0]);
}

#[test]
fn invalid_empty_struct() {
    for found in [1u8, 0xff] {
        check_err::<Empty>(
            &[found, 0, 0, 0, 0, 0, 0, 0],
            Error::InvalidEmptyStruct { offset: 0, found },
            ErrorCode::InvalidEmptyStruct,
        );
        let bytes = cat(&[&header(3), &[0, 0, found, 0, 0, 0, 0, 0]]);
        check_err::<Vec<Empty>>(
            &bytes,
            Error::InvalidEmptyStruct { offset: 18, found },
            ErrorCode::InvalidEmptyStruct,
        );
    }
}

#[test]
fn absent_values_of_required_types() {
    let nn = |offset| Error::NonNullableTypeWithNullValue { offset };
    let code = ErrorCode::NonNullableTypeWithNullValue;
    check_err::<Strs>(&[0; 16], nn(0), code);
    check_err::<Vs>(&[0; 16], nn(0), code);
    check_err::<Tb>(&[0; 16], nn(0), code);
    check_err::<SU>(&[0; 16], nn(0), code);
    // A variant set, with an empty envelope.
    check_err::<SU>(&rows(&[le64(2), ABSENT]), nn(0), code);
    // Inside a vector: the second string is absent.
    let bytes = cat(&[&header(2), &header(0), &ABSENT, &ABSENT]);
    check_err::<Vec<String>>(&bytes, nn(32), code);
    // The optional forms accept them.
    assert_eq!(decode_natural::<OptStr>(&[0; 16]), OptStr { s: None });
    assert_eq!(decode_natural::<OptV>(&[0; 16]), OptV { v: None });
    assert_eq!(decode_natural::<OptSU>(&[0; 16]), OptSU { u: None });
    assert_eq!(decode_natural::<BoxPad>(&[0; 8]), BoxPad { p: None });
}

#[test]
fn counts_with_absent_bodies() {
    for count in [1u64, 5, u64::from(u32::MAX)] {
        let bytes = rows(&[le64(count), ABSENT]);
        check_err::<OptStr>(
            &bytes,
            Error::NonEmptyStringWithNullBody { offset: 0, count },
            ErrorCode::NonEmptyStringWithNullBody,
        );
        check_err::<OptV>(
            &bytes,
            Error::NonEmptyVectorWithNullBody { offset: 0, count },
            ErrorCode::NonEmptyVectorWithNullBody,
        );
    }
    for count in [1u64, 5] {
        let bytes = rows(&[le64(count), ABSENT]);
        check_err::<Strs>(
            &bytes,
            Error::NonEmptyStringWithNullBody { offset: 0, count },
            ErrorCode::NonEmptyStringWithNullBody,
        );
        check_err::<Vs>(
            &bytes,
            Error::NonEmptyVectorWithNullBody { offset: 0, count },
            ErrorCode::NonEmptyVectorWithNullBody,
        );
    }
}

// ---------------------------------------------------------------------------------------
// Counts at the boundaries

#[test]
fn string_counts_at_the_boundaries() {
    // Bounded at 4: 0, 1, 3, 4 decode; 5 and beyond are too long, whatever the bytes.
    for (count, text) in [(0u64, ""), (1, "a"), (3, "abc"), (4, "abcd")] {
        let mut body = text.as_bytes().to_vec();
        body.resize(handoff::wire::align8(text.len()).unwrap(), 0);
        let bytes = cat(&[&header(count), &body]);
        assert_eq!(decode_natural::<Str4>(&bytes).s, text);
    }
    let bytes = cat(&[&header(5), b"abcde\0\0\0"]);
    check_err::<Str4>(
        &bytes,
        Error::StringTooLong {
            offset: 0,
            len: 5,
            limit: 4,
        },
        ErrorCode::StringTooLong,
    );
    for count in [5u64, u64::from(u32::MAX) - 1, u64::from(u32::MAX)] {
        check_err::<Str4>(
            &header(count),
            Error::StringTooLong {
                offset: 0,
                len: count,
                limit: 4,
            },
            ErrorCode::StringTooLong,
        );
    }
    for count in [u64::from(u32::MAX) + 1, u64::MAX] {
        let e = Error::StringCountExceeds32BitLimit { offset: 0, count };
        check_err::<Str4>(
            &header(count),
            e.clone(),
            ErrorCode::StringCountExceeds32BitLimit,
        );
        check_err::<Strs>(&header(count), e, ErrorCode::StringCountExceeds32BitLimit);
    }
    // Unbounded: a count the bytes cannot hold is TOO_FEW_BYTES, found without reading.
    for count in [1u64, 8, 9, u64::from(u32::MAX) - 1, u64::from(u32::MAX)] {
        let e = Error::TooFewBytes {
            offset: 16,
            size: count as usize,
            len: 16,
        };
        check_err::<Strs>(&header(count), e, ErrorCode::TooFewBytes);
    }
}

#[test]
fn vector_counts_at_the_boundaries() {
    for count in 0..=4u64 {
        let mut bytes = header(count);
        let body: Vec<u8> = (0..count as u32).flat_map(u32::to_le_bytes).collect();
        bytes.extend_from_slice(&body);
        bytes.resize(16 + handoff::wire::align8(body.len()).unwrap(), 0);
        assert_eq!(
            decode_natural::<V4>(&bytes).v,
            (0..count as u32).collect::<Vec<_>>()
        );
    }
    // The bound is checked before the bytes: 5 elements in a message of the type's
    // maximum size (16 bytes of body) are too many, not too few bytes.
    let bytes = cat(&[&header(5), &[0; 16]]);
    check_err::<V4>(
        &bytes,
        Error::CountExceedsLimit {
            offset: 0,
            count: 5,
            limit: 4,
        },
        ErrorCode::CountExceedsLimit,
    );
    // A message longer than the type's maximum size is rejected before it is read.
    let bytes = cat(&[&header(5), &[0; 24]]);
    check_err::<V4>(
        &bytes,
        Error::TooManyBytesInMessage {
            offset: 32,
            extra: 8,
        },
        ErrorCode::TooManyBytesInMessage,
    );
    for count in [5u64, u64::from(u32::MAX) - 1, u64::from(u32::MAX)] {
        check_err::<V4>(
            &header(count),
            Error::CountExceedsLimit {
                offset: 0,
                count,
                limit: 4,
            },
            ErrorCode::CountExceedsLimit,
        );
    }
    for count in [u64::from(u32::MAX) + 1, u64::MAX] {
        let e = Error::VectorCountExceeds32BitLimit { offset: 0, count };
        check_err::<V4>(
            &header(count),
            e.clone(),
            ErrorCode::VectorCountExceeds32BitLimit,
        );
        check_err::<Vs>(&header(count), e, ErrorCode::VectorCountExceeds32BitLimit);
    }
    for count in [1u64, 2, u64::from(u32::MAX) - 1, u64::from(u32::MAX)] {
        let e = Error::TooFewBytes {
            offset: 16,
            size: count as usize * 4,
            len: 16,
        };
        check_err::<Vs>(&header(count), e, ErrorCode::TooFewBytes);
    }
}

#[test]
fn table_counts_at_the_boundaries() {
    assert_eq!(decode_natural::<Tb>(&header(0)), Tb::default());
    let one = cat(&[&header(1), &[9, 0, 0, 0, 0, 0, 1, 0]]);
    assert_eq!(decode_natural::<Tb>(&one).a, Some(9));
    // More envelopes than members: unknown (absent) ones are fine.
    let five = cat(&[&header(5), &[0; 40]]);
    assert_eq!(decode_natural::<Tb>(&five), Tb::default());
    for count in [2u64, 1000, u64::from(u32::MAX)] {
        let e = Error::TooFewBytes {
            offset: 16,
            size: count as usize * 8,
            len: 24,
        };
        check_err::<Tb>(&cat(&[&header(count), &ABSENT]), e, ErrorCode::TooFewBytes);
    }
    for count in [u64::from(u32::MAX) + 1, u64::MAX] {
        let e = Error::TableCountExceeds32BitLimit { offset: 0, count };
        check_err::<Tb>(&header(count), e, ErrorCode::TableCountExceeds32BitLimit);
    }
}

/// Tiny messages that declare billions of elements or bytes: each fails after reading a
/// few bytes, without reserving memory for what it declares (the test completing at all,
/// in a debug build, is the check).
#[test]
fn tiny_inputs_declaring_huge_work_fail_fast() {
    let huge = [
        u64::from(u32::MAX),
        u64::from(u32::MAX) - 7,
        1 << 31,
        1 << 30,
    ];
    for &count in &huge {
        assert!(matches!(
            decode_err::<Vec<u8>>(&header(count)),
            Error::TooFewBytes { offset: 16, .. }
        ));
        assert!(matches!(
            decode_err::<Vec<u64>>(&header(count)),
            Error::TooFewBytes { offset: 16, .. }
        ));
        assert!(matches!(
            decode_err::<Vec<Empty>>(&header(count)),
            Error::TooFewBytes { offset: 16, .. }
        ));
        assert!(matches!(
            decode_err::<Vec<String>>(&header(count)),
            Error::TooFewBytes { offset: 16, .. }
        ));
        assert!(matches!(
            decode_err::<Vec<Vec<Vec<u8>>>>(&header(count)),
            Error::TooFewBytes { offset: 16, .. }
        ));
        assert!(matches!(
            decode_err::<String>(&header(count)),
            Error::TooFewBytes { offset: 16, .. }
        ));
        assert!(matches!(
            decode_err::<Tb>(&header(count)),
            Error::TooFewBytes { offset: 16, .. }
        ));
        // An envelope declaring more bytes than the message has.
        let bytes = rows(&[le64(2), [0xf8, 0xff, 0xff, 0xff, 0, 0, 0, 0]]);
        assert!(matches!(
            decode_err::<SU>(&bytes),
            Error::EnvelopeBytesExceedMessageLength { offset: 8, .. }
        ));
    }
    // A vector of many empty vectors: every element costs 16 bytes of message, so the work
    // is bounded by the message size. 4096 empty vectors decode.
    let n = 4096;
    let mut bytes = header(n);
    for _ in 0..n {
        bytes.extend_from_slice(&header(0));
    }
    assert_eq!(decode_natural::<Vec<Vec<u8>>>(&bytes).len(), n as usize);
    // ...and one count too many fails at once.
    put64(&mut bytes, 0, n + 1);
    assert!(matches!(
        decode_err::<Vec<Vec<u8>>>(&bytes),
        Error::TooFewBytes { .. }
    ));
}

// ---------------------------------------------------------------------------------------
// UTF-8

/// Bodies that are not UTF-8, each in a one-string message. The error carries an offset
/// inside the body.
fn invalid_utf8_cases() -> Vec<(&'static str, Vec<u8>, usize)> {
    vec![
        // (what, body, index of the first byte of the first invalid sequence)
        ("lone continuation byte", vec![0x80], 0),
        ("continuation after ASCII", vec![b'a', b'b', 0xbf], 2),
        ("overlong NUL (2 bytes)", vec![0xc0, 0x80], 0),
        ("overlong '/' (2 bytes)", vec![0xc1, 0xaf], 0),
        ("overlong (3 bytes)", vec![0xe0, 0x80, 0xaf], 0),
        ("overlong (4 bytes)", vec![0xf0, 0x80, 0x80, 0xaf], 0),
        ("surrogate U+D800", vec![0xed, 0xa0, 0x80], 0),
        ("surrogate U+DFFF", vec![0x61, 0xed, 0xbf, 0xbf], 1),
        ("above U+10FFFF", vec![0xf4, 0x90, 0x80, 0x80], 0),
        ("5-byte form", vec![0xf8, 0x88, 0x80, 0x80, 0x80], 0),
        ("6-byte form", vec![0xfc, 0x84, 0x80, 0x80, 0x80, 0x80], 0),
        ("0xfe", vec![0xfe], 0),
        ("0xff", vec![b'x', 0xff], 1),
        ("truncated 2-byte", vec![b'a', 0xc3], 1),
        ("truncated 3-byte", vec![0xe4, 0xb8], 0),
        ("truncated 4-byte", vec![b'o', b'k', 0xf0, 0x9f, 0x8e], 2),
        ("truncated then ASCII", vec![0xe4, b'a', b'b'], 0),
        (
            "valid then invalid",
            "é世".bytes().chain([0x80]).collect(),
            5,
        ),
    ]
}

fn string_message(body: &[u8]) -> Vec<u8> {
    let mut bytes = header(body.len() as u64);
    bytes.extend_from_slice(body);
    bytes.resize(16 + handoff::wire::align8(body.len()).unwrap(), 0);
    bytes
}

#[test]
fn invalid_utf8_is_rejected() {
    for (what, body, _) in invalid_utf8_cases() {
        let bytes = string_message(&body);
        let e = decode_err::<Strs>(&bytes);
        assert!(
            matches!(e, Error::StringNotUtf8 { offset } if (16..16 + body.len()).contains(&offset)),
            "{what}: {e:?}"
        );
        assert_eq!(e.code(), ErrorCode::StringNotUtf8, "{what}");
        assert!(
            matches!(decode_err::<OptStr>(&bytes), Error::StringNotUtf8 { .. }),
            "{what}"
        );
        assert!(
            matches!(decode_err::<String>(&bytes), Error::StringNotUtf8 { .. }),
            "{what}"
        );
    }
    // NUL, U+FEFF, U+FFFF, U+10FFFF and the edges around the surrogates are valid.
    for s in [
        "\0",
        "\u{feff}",
        "\u{ffff}",
        "\u{10ffff}",
        "\u{d7ff}",
        "\u{e000}",
        "\u{7f}\u{80}\u{7ff}\u{800}",
    ] {
        assert_eq!(decode_natural::<Strs>(&string_message(s.as_bytes())).s, s);
    }
}

/// spec/wire-format.md section 9 step 6 (and 15.2): the offset is that of the first byte
/// of the first invalid sequence.
#[test]
fn invalid_utf8_offset_is_the_first_invalid_byte() {
    for (what, body, index) in invalid_utf8_cases() {
        let e = decode_err::<Strs>(&string_message(&body));
        assert_eq!(e, Error::StringNotUtf8 { offset: 16 + index }, "{what}");
    }
}

// ---------------------------------------------------------------------------------------
// Strict enums, bits, unions

#[test]
fn strict_enum_unknown_values() {
    // e at 0 (u16), i at 2 (i8), b at 3 (u8).
    let ok = [1, 0, 0xff, 0x05, 0, 0, 0, 0];
    assert_eq!(
        decode_natural::<Enums>(&ok),
        Enums {
            e: SE::A,
            i: SEI8::M,
            b: SBits(5)
        }
    );
    for value in [0u16, 3, 0x100, 0xffff] {
        let mut bytes = ok;
        bytes[..2].copy_from_slice(&value.to_le_bytes());
        let e = Error::StrictEnumUnknownValue {
            offset: 0,
            value: i128::from(value),
        };
        check_err::<Enums>(&bytes, e, ErrorCode::StrictEnumUnknownValue);
    }
    for value in [0i8, 1, -2, i8::MIN, i8::MAX] {
        let mut bytes = ok;
        bytes[2] = value as u8;
        let e = Error::StrictEnumUnknownValue {
            offset: 2,
            value: i128::from(value),
        };
        check_err::<Enums>(&bytes, e, ErrorCode::StrictEnumUnknownValue);
    }
    // In a vector.
    let bytes = cat(&[&header(3), &[1, 0, 2, 0, 9, 0, 0, 0]]);
    check_err::<Vec<SE>>(
        &bytes,
        Error::StrictEnumUnknownValue {
            offset: 20,
            value: 9,
        },
        ErrorCode::StrictEnumUnknownValue,
    );
}

#[test]
fn strict_bits_unknown_bits() {
    let ok = [1, 0, 0xff, 0x00, 0, 0, 0, 0];
    for (raw, unknown) in [(0x02u8, 0x02u64), (0x07, 0x02), (0x80, 0x80), (0xff, 0xfa)] {
        let mut bytes = ok;
        bytes[3] = raw;
        check_err::<Enums>(
            &bytes,
            Error::StrictBitsUnknownBit {
                offset: 3,
                bits: unknown,
            },
            ErrorCode::StrictBitsUnknownBit,
        );
    }
    for raw in [0u8, 1, 4, 5] {
        let mut bytes = ok;
        bytes[3] = raw;
        assert_eq!(decode_natural::<Enums>(&bytes).b, SBits(raw));
    }
}

#[test]
fn strict_union_unknown_ordinal() {
    for ordinal in [4u64, 0x100, u64::MAX] {
        let bytes = rows(&[le64(ordinal), [1, 0, 0, 0, 0, 0, 1, 0]]);
        check_err::<SU>(
            &bytes,
            Error::StrictUnionUnknownField { offset: 0, ordinal },
            ErrorCode::StrictUnionUnknownField,
        );
        let bytes = rows(&[le64(ordinal), [8, 0, 0, 0, 0, 0, 0, 0], le64(0)]);
        check_err::<SU>(
            &bytes,
            Error::StrictUnionUnknownField { offset: 0, ordinal },
            ErrorCode::StrictUnionUnknownField,
        );
    }
}

#[test]
fn union_field_not_set() {
    // Ordinal 0 with a non-empty envelope, required or optional.
    for env in [
        [7, 0, 0, 0, 0, 0, 1, 0],
        [8, 0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 1, 0, 0, 0],
    ] {
        let bytes = rows(&[le64(0), env]);
        check_err::<SU>(
            &bytes,
            Error::UnionFieldNotSet { offset: 0 },
            ErrorCode::UnionFieldNotSet,
        );
        check_err::<OptSU>(
            &bytes,
            Error::UnionFieldNotSet { offset: 0 },
            ErrorCode::UnionFieldNotSet,
        );
    }
}

// ---------------------------------------------------------------------------------------
// Envelopes

#[test]
fn envelope_inline_bit_must_match_the_member() {
    // u8 member sent out of line.
    let bytes = cat(&[
        &header(1),
        &[8, 0, 0, 0, 0, 0, 0, 0],
        &[1, 0, 0, 0, 0, 0, 0, 0],
    ]);
    check_err::<Tb>(
        &bytes,
        Error::InvalidInlineBitInEnvelope { offset: 16 },
        ErrorCode::InvalidInlineBitInEnvelope,
    );
    // u64 member sent inline.
    let bytes = cat(&[&header(2), &ABSENT, &[1, 0, 0, 0, 0, 0, 1, 0]]);
    check_err::<Tb>(
        &bytes,
        Error::InvalidInlineBitInEnvelope { offset: 24 },
        ErrorCode::InvalidInlineBitInEnvelope,
    );
    // Union variants.
    let bytes = rows(&[le64(1), [8, 0, 0, 0, 0, 0, 0, 0], le64(1)]);
    check_err::<SU>(
        &bytes,
        Error::InvalidInlineBitInEnvelope { offset: 8 },
        ErrorCode::InvalidInlineBitInEnvelope,
    );
    let bytes = rows(&[le64(2), [1, 0, 0, 0, 0, 0, 1, 0]]);
    check_err::<SU>(
        &bytes,
        Error::InvalidInlineBitInEnvelope { offset: 8 },
        ErrorCode::InvalidInlineBitInEnvelope,
    );
}

#[test]
fn envelope_flags_other_than_the_inline_bit() {
    for flags in [2u16, 3, 0x100, 0x8000, 0x8001, 0xffff] {
        let mut env = [1, 0, 0, 0, 0, 0, 0, 0];
        env[6..].copy_from_slice(&flags.to_le_bytes());
        let bytes = cat(&[&header(1), &env]);
        check_err::<Tb>(
            &bytes,
            Error::InvalidInlineMarkerInEnvelope { offset: 16, flags },
            ErrorCode::InvalidInlineMarkerInEnvelope,
        );
        let bytes = rows(&[le64(1), env]);
        check_err::<SU>(
            &bytes,
            Error::InvalidInlineMarkerInEnvelope { offset: 8, flags },
            ErrorCode::InvalidInlineMarkerInEnvelope,
        );
        // Unknown members too (ordinal 7 of a 7-envelope table).
        let mut bytes = cat(&[&header(7), &[0; 48], &env]);
        bytes[16 + 48] = 0;
        check_err::<Tb>(
            &bytes,
            Error::InvalidInlineMarkerInEnvelope { offset: 64, flags },
            ErrorCode::InvalidInlineMarkerInEnvelope,
        );
    }
}

#[test]
fn envelope_byte_counts() {
    // Not a multiple of 8.
    for declared in [1u32, 4, 12, 0xffff_ffff] {
        let mut env = [0u8; 8];
        env[..4].copy_from_slice(&declared.to_le_bytes());
        let bytes = cat(&[&header(2), &ABSENT, &env, &[0; 16]]);
        let e = Error::InvalidNumBytesInEnvelope {
            offset: 24,
            declared,
            actual: declared as usize,
        };
        check_err::<Tb>(&bytes, e, ErrorCode::InvalidNumBytesInEnvelope);
    }
    // A multiple of 8, but not what the content used: more, and less.
    let bytes = cat(&[
        &header(2),
        &ABSENT,
        &[16, 0, 0, 0, 0, 0, 0, 0],
        &le64(5),
        &[0; 8],
    ]);
    let e = Error::InvalidNumBytesInEnvelope {
        offset: 24,
        declared: 16,
        actual: 8,
    };
    check_err::<Tb>(&bytes, e, ErrorCode::InvalidNumBytesInEnvelope);
    let bytes = cat(&[
        &header(3),
        &ABSENT,
        &ABSENT,
        &[8, 0, 0, 0, 0, 0, 0, 0],
        &header(2),
        b"ab\0\0\0\0\0\0",
    ]);
    let e = Error::InvalidNumBytesInEnvelope {
        offset: 32,
        declared: 8,
        actual: 24,
    };
    check_err::<Tb>(&bytes, e, ErrorCode::InvalidNumBytesInEnvelope);
    // More than the message has left (known and unknown members, unions).
    let bytes = cat(&[&header(2), &ABSENT, &[16, 0, 0, 0, 0, 0, 0, 0], &le64(5)]);
    let e = Error::EnvelopeBytesExceedMessageLength {
        offset: 24,
        declared: 16,
        remaining: 8,
    };
    check_err::<Tb>(&bytes, e, ErrorCode::EnvelopeBytesExceedMessageLength);
    let bytes = cat(&[&header(6), &[0; 40], &[0xf8, 0xff, 0xff, 0xff, 0, 0, 0, 0]]);
    let e = Error::EnvelopeBytesExceedMessageLength {
        offset: 56,
        declared: 0xffff_fff8,
        remaining: 0,
    };
    check_err::<Tb>(&bytes, e, ErrorCode::EnvelopeBytesExceedMessageLength);
    let bytes = rows(&[le64(2), [16, 0, 0, 0, 0, 0, 0, 0], le64(1)]);
    let e = Error::EnvelopeBytesExceedMessageLength {
        offset: 8,
        declared: 16,
        remaining: 8,
    };
    check_err::<SU>(&bytes, e, ErrorCode::EnvelopeBytesExceedMessageLength);
}

/// Unknown members are skipped whatever they hold: nothing inside is checked, padding
/// included; the bytes are claimed.
#[test]
fn unknown_envelopes_are_skipped_unread() {
    let bytes = cat(&[
        &header(6),
        &[0; 32],
        &[9, 9, 9, 9, 0, 0, 1, 0],
        &[16, 0, 0, 0, 0, 0, 0, 0],
        &[0xff; 16],
    ]);
    assert_eq!(decode_natural::<Tb>(&bytes), Tb::default());
}

// ---------------------------------------------------------------------------------------
// Depth

/// One level more than a legal message: `inner` (a whole message of the next type in a
/// chain) becomes the out-of-line object of a box, table member 1 or union variant 1.
/// (Built by hand, not by raising the encoder's depth limit: the limit may only be
/// lowered.)
fn wrap_box(inner: &[u8]) -> Vec<u8> {
    cat(&[&PRESENT, inner])
}

fn envelope(inner: &[u8]) -> [u8; 8] {
    let mut env = [0u8; 8];
    env[..4].copy_from_slice(&(inner.len() as u32).to_le_bytes());
    env
}

fn wrap_table(inner: &[u8]) -> Vec<u8> {
    cat(&[&header(1), &envelope(inner), inner])
}

fn wrap_union(inner: &[u8]) -> Vec<u8> {
    cat(&[&le64(1), &envelope(inner), inner])
}

#[track_caller]
fn expect_depth_error<T: Decode<H>>(bytes: &[u8], offset: usize) {
    let e = decode_err::<T>(bytes);
    assert_eq!(e, Error::ExceededMaxOutOfLineDepth { offset, depth: 33 });
    assert_eq!(e.code(), ErrorCode::ExceededMaxOutOfLineDepth);
}

#[test]
fn depth_through_boxes() {
    // 32 boxes: the last struct is at depth 32. Decodes.
    let (ok, _) = encode(chains::B0::build(32));
    let mut expected = vec![0xff; 32 * 8];
    expected.extend_from_slice(&[0; 8]);
    assert_bytes(&ok, &expected);
    assert_eq!(decode_natural::<chains::B0>(&ok), chains::B0::build(32));
    // 33 boxes: the 33rd struct would be at depth 33; the error is at the marker of the
    // struct at depth 32 (offset 256).
    let bad = wrap_box(&encode_bytes(chains::B1::build(32)));
    assert_eq!(bad.len(), ok.len() + 8);
    expect_depth_error::<chains::B0>(&bad, 256);
    // The same bytes under a lower limit.
    let opts = DecodeOptions {
        limits: Limits {
            max_depth: 31,
            ..Limits::DEFAULT
        },
        ..DecodeOptions::default()
    };
    let e = decode_with::<chains::B0>(&ok, vec![], &opts).unwrap_err();
    assert_eq!(
        e,
        Error::ExceededMaxOutOfLineDepth {
            offset: 248,
            depth: 32
        }
    );
}

#[test]
fn depth_through_vectors() {
    // 32 nested vectors: the innermost (empty) body is at depth 32.
    let ok = chains::nested_vec_bytes(32);
    assert_bytes(
        &encode_bytes(<chains::Vec32 as chains::Nest>::nest(32)),
        &ok,
    );
    let v = decode_natural::<chains::Vec32>(&ok);
    assert_eq!(v.len(), 1);
    let (again, _) = encode(v);
    assert_bytes(&again, &ok);
    // 33: the innermost body, even empty, would be at depth 33.
    expect_depth_error::<chains::Vec33>(&chains::nested_vec_bytes(33), 16 * 32);
}

#[test]
fn depth_through_tables_counts_two_levels() {
    // 15 nested tables under the top one: table 15 at depth 30, its envelopes at 31, its
    // out-of-line leaf at 32. Decodes.
    let (ok, _) = encode(chains::T0::build(15));
    assert_eq!(decode_natural::<chains::T0>(&ok), chains::T0::build(15));
    // 16: table 16 at depth 32, its envelope vector would be at 33. Table i's header is
    // at 24 * i (16 bytes of header, then one envelope: `next` is member 1).
    let bad = wrap_table(&encode_bytes(chains::T1::build(15)));
    expect_depth_error::<chains::T0>(&bad, 24 * 16);
}

#[test]
fn depth_through_unions() {
    // 31 `next` variants: union i's content at depth i, the leaf's 8 bytes at 32.
    let (ok, _) = encode(chains::U0::build(31));
    assert_eq!(decode_natural::<chains::U0>(&ok), chains::U0::build(31));
    // 32: the leaf would be at 33; the error is at its envelope (union 32 is at 16 * 32).
    let bad = wrap_union(&encode_bytes(chains::U1::build(31)));
    expect_depth_error::<chains::U0>(&bad, 16 * 32 + 8);
}

#[test]
fn depth_through_skipped_unknown_envelopes() {
    // The same chain with flexible unions, and the leaf's ordinal patched to one the
    // decoder does not know: its content is skipped, but still counts as an object.
    let ok = encode_bytes(chains::F0::build(31));
    let mut ok = ok.to_vec();
    assert_eq!(&ok[16 * 31..16 * 31 + 8], &le64(2));
    put64(&mut ok, 16 * 31, 3);
    let v = decode_natural::<chains::F0>(&ok);
    assert!(matches!(v, chains::F0::Next(_)));
    // Its data was dropped: the value cannot be re-encoded.
    let mut buf = MessageBuf::<H>::new();
    assert_eq!(
        buf.encode(v),
        Err(Error::FlexibleUnionUnknownField { ordinal: 3 })
    );
    // One level deeper: F1's chain of 31 under F0's variant 1.
    let mut inner = encode_bytes(chains::F1::build(31));
    put64(&mut inner, 16 * 31, 3);
    expect_depth_error::<chains::F0>(&wrap_union(&inner), 16 * 32 + 8);
}

/// Recursive types: a box chain, a table of boxed tables, a vector of vectors.
#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct RChain {
    pub next: Option<Box<RChain>>,
}

#[derive(Debug, Clone, PartialEq, Default, Fidl)]
#[fidl(table)]
pub struct RTable {
    #[fidl(ordinal = 1)]
    pub next: Option<Box<RTable>>,
    #[fidl(ordinal = 2)]
    pub leaf: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct RVec {
    pub v: Vec<RVec>,
}

#[test]
fn depth_through_recursive_types() {
    fn chain(n: usize) -> RChain {
        RChain {
            next: (n > 0).then(|| Box::new(chain(n - 1))),
        }
    }
    fn table(n: usize) -> RTable {
        match n {
            0 => RTable {
                next: None,
                leaf: Some(7),
            },
            _ => RTable {
                next: Some(Box::new(table(n - 1))),
                leaf: None,
            },
        }
    }
    fn vecs(n: usize) -> RVec {
        RVec {
            v: if n <= 1 { vec![] } else { vec![vecs(n - 1)] },
        }
    }
    // Boxes: the same bytes as the chain of distinct types.
    let ok = encode_bytes(chain(32));
    assert_bytes(&ok, &encode_bytes(chains::B0::build(32)));
    assert_eq!(decode_natural::<RChain>(&ok), chain(32));
    expect_depth_error::<RChain>(&wrap_box(&ok), 256);
    assert!(matches!(
        MessageBuf::<H>::new().encode(chain(33)),
        Err(Error::ExceededMaxOutOfLineDepth {
            offset: 256,
            depth: 33
        })
    ));
    // Tables.
    let ok = encode_bytes(table(15));
    assert_eq!(decode_natural::<RTable>(&ok), table(15));
    expect_depth_error::<RTable>(&wrap_table(&ok), 24 * 16);
    assert!(matches!(
        MessageBuf::<H>::new().encode(table(16)),
        Err(Error::ExceededMaxOutOfLineDepth { depth: 33, .. })
    ));
    // Vectors.
    let ok = encode_bytes(vecs(32));
    assert_bytes(&ok, &chains::nested_vec_bytes(32));
    assert_eq!(decode_natural::<RVec>(&ok), vecs(32));
    expect_depth_error::<RVec>(&chains::nested_vec_bytes(33), 16 * 32);
    // A long, flat recursive value is not deep: 1000 siblings decode.
    let wide = RVec {
        v: vec![RVec { v: vec![] }; 1000],
    };
    assert_eq!(decode_natural::<RVec>(&encode_bytes(&wide)), wide);
}

/// spec section 18: the depth limit is 32, fixed by the format; `Limits::max_depth` may
/// only lower it. A higher setting must not let a decoder accept, or an encoder write, a
/// message deeper than 32.
#[test]
fn depth_limit_cannot_be_raised() {
    let limits = Limits {
        max_depth: 64,
        ..Limits::DEFAULT
    };
    let bad = wrap_box(&encode_bytes(chains::B1::build(32)));
    let opts = DecodeOptions {
        limits,
        ..DecodeOptions::default()
    };
    let e = decode_with::<chains::B0>(&bad, vec![], &opts).unwrap_err();
    assert_eq!(
        e,
        Error::ExceededMaxOutOfLineDepth {
            offset: 256,
            depth: 33
        }
    );
    let mut buf = MessageBuf::<H>::with_limits(limits);
    let e = buf.encode(chains::B0::build(33)).unwrap_err();
    assert_eq!(
        e,
        Error::ExceededMaxOutOfLineDepth {
            offset: 256,
            depth: 33
        }
    );
}

// ---------------------------------------------------------------------------------------
// Check order (spec/wire-format.md sections 9, 13, 14). When a message has several
// faults, handoff promises to report the first in its documented order.

/// Section 9: the 32-bit count check (step 1) comes before the marker checks (2, 3).
#[test]
fn spec_order_count_limit_before_marker() {
    for marker in [0u64, 5] {
        let bytes = rows(&[le64(u64::MAX), le64(marker)]);
        let e = Error::StringCountExceeds32BitLimit {
            offset: 0,
            count: u64::MAX,
        };
        check_err::<OptStr>(&bytes, e, ErrorCode::StringCountExceeds32BitLimit);
        let e = Error::VectorCountExceeds32BitLimit {
            offset: 0,
            count: u64::MAX,
        };
        check_err::<OptV>(&bytes, e, ErrorCode::VectorCountExceeds32BitLimit);
    }
}

/// Section 13: the table count check (step 1) comes before the marker check (step 2).
#[test]
fn spec_order_table_count_before_marker() {
    for marker in [0u64, 5] {
        let bytes = rows(&[le64(u64::MAX), le64(marker)]);
        let e = Error::TableCountExceeds32BitLimit {
            offset: 0,
            count: u64::MAX,
        };
        check_err::<Tb>(&bytes, e, ErrorCode::TableCountExceeds32BitLimit);
    }
}

/// Section 14: a union's envelope flags (step 2) and byte count (step 4) are checked
/// before its ordinal (steps 5 and 6).
#[test]
fn spec_order_union_envelope_before_ordinal() {
    for ordinal in [0u64, 9] {
        let bytes = rows(&[le64(ordinal), [1, 0, 0, 0, 0, 0, 2, 0]]);
        let e = Error::InvalidInlineMarkerInEnvelope {
            offset: 8,
            flags: 2,
        };
        check_err::<OptSU>(&bytes, e, ErrorCode::InvalidInlineMarkerInEnvelope);
        let bytes = rows(&[le64(ordinal), [3, 0, 0, 0, 0, 0, 0, 0]]);
        let e = Error::InvalidNumBytesInEnvelope {
            offset: 8,
            declared: 3,
            actual: 3,
        };
        check_err::<OptSU>(&bytes, e, ErrorCode::InvalidNumBytesInEnvelope);
    }
}

// ---------------------------------------------------------------------------------------
// Byte errors in a resource message close every handle

/// `R { h, s: string:4, tail }` = "ok" with both handles, and one fault at a time: each
/// error is exact, and both handles (one claimed, one not reached) are closed once.
#[test]
fn byte_errors_in_a_resource_message_close_every_handle() {
    let good = cat(&[
        &[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
        &header(2),
        &[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
        b"ok\0\0\0\0\0\0",
    ]);
    let t = Tracker::new();
    let v = decode::<R>(&good, t.events(2)).unwrap().into_natural();
    assert_eq!((v.s.as_str(), v.tail.is_some()), ("ok", true));
    drop(v);
    t.assert_all_closed_once();

    type Fault = (&'static str, fn(&mut Vec<u8>), Error);
    let faults: [Fault; 12] = [
        (
            "marker",
            |b| put64(b, 16, 5),
            Error::InvalidPresenceIndicator {
                offset: 16,
                found: 5,
            },
        ),
        (
            "null body",
            |b| put64(b, 16, 0),
            Error::NonEmptyStringWithNullBody {
                offset: 8,
                count: 2,
            },
        ),
        (
            "absent",
            |b| {
                put64(b, 8, 0);
                put64(b, 16, 0)
            },
            Error::NonNullableTypeWithNullValue { offset: 8 },
        ),
        (
            "too long",
            |b| put64(b, 8, 5),
            Error::StringTooLong {
                offset: 8,
                len: 5,
                limit: 4,
            },
        ),
        (
            "64-bit count",
            |b| put64(b, 8, u64::MAX),
            Error::StringCountExceeds32BitLimit {
                offset: 8,
                count: u64::MAX,
            },
        ),
        (
            "not UTF-8",
            |b| b[33] = 0x80,
            Error::StringNotUtf8 { offset: 33 },
        ),
        (
            "body padding",
            |b| b[35] = 1,
            Error::InvalidPaddingByte { offset: 35 },
        ),
        (
            "inline padding",
            |b| b[5] = 1,
            Error::InvalidPaddingByte { offset: 5 },
        ),
        (
            "tail padding",
            |b| b[29] = 1,
            Error::InvalidPaddingByte { offset: 29 },
        ),
        (
            "tail marker",
            |b| put32(b, 24, 7),
            Error::InvalidHandlePresenceIndicator {
                offset: 24,
                found: 7,
            },
        ),
        (
            "truncated",
            |b| b.truncate(32),
            Error::TooFewBytes {
                offset: 32,
                size: 2,
                len: 32,
            },
        ),
        (
            "first handle absent",
            |b| put32(b, 0, 0),
            Error::NonNullableTypeWithNullValue { offset: 0 },
        ),
    ];
    for (what, fault, expected) in faults {
        let mut bytes = good.clone();
        fault(&mut bytes);
        let t = Tracker::new();
        let e = decode_err_closing::<R>(&bytes, &t, t.events(2), &DecodeOptions::default());
        assert_eq!(e, expected, "{what}");
    }
}
