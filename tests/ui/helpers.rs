//! Helpers shared by `tests/derived_types.rs` and the run-pass programs of `tests/ui/pass/`:
//! expected bytes as 8-byte rows, encode-and-compare, decode, handle-close checks.

#![allow(dead_code)]

use handoff::codec::{Decode, Encode};
use handoff::handle::mem::{MemHandle, MemSpace};
use handoff::{Decoded, Error, MessageBuf};

/// The handle type of these tests.
pub type H = MemHandle;

/// A present out-of-line object (or a row of 0xff bytes).
pub const FF: [u8; 8] = [0xff; 8];
/// An absent object (or a row of zeros).
pub const ZERO: [u8; 8] = [0; 8];

/// A little-endian u64 row.
pub const fn row(v: u64) -> [u8; 8] {
    v.to_le_bytes()
}

/// An envelope row: byte count (0 for inline content), handle count, flags.
pub const fn env(num_bytes: u32, num_handles: u16, inline: bool) -> [u8; 8] {
    let b = num_bytes.to_le_bytes();
    let h = num_handles.to_le_bytes();
    [b[0], b[1], b[2], b[3], h[0], h[1], inline as u8, 0]
}

/// An inline envelope holding the 4 bytes `value`.
pub const fn inline_env(value: [u8; 4], num_handles: u16) -> [u8; 8] {
    let h = num_handles.to_le_bytes();
    [value[0], value[1], value[2], value[3], h[0], h[1], 1, 0]
}

/// A message as 8-byte rows.
pub fn rows(bytes: &[u8]) -> Vec<[u8; 8]> {
    assert_eq!(
        bytes.len() % 8,
        0,
        "a message is a whole number of 8-byte rows"
    );
    bytes
        .chunks(8)
        .map(|c| c.try_into().expect("8 bytes"))
        .collect()
}

/// Rows back into a message buffer.
pub fn bytes_of(rows: &[[u8; 8]]) -> bytes::BytesMut {
    bytes::BytesMut::from(rows.concat().as_slice())
}

/// Encodes `value`, checks the bytes and the number of handles moved out of band, and
/// returns the message.
pub fn encode_checked<T: Encode<H>>(
    value: T,
    expected: &[[u8; 8]],
    handles: usize,
) -> (bytes::BytesMut, Vec<H>) {
    let mut buf = MessageBuf::<H>::new();
    buf.encode(value).expect("encodes");
    assert_eq!(rows(buf.bytes()), expected);
    assert_eq!(buf.handles().len(), handles, "handles moved out of band");
    buf.take()
}

/// Encodes `value` without checking the bytes.
pub fn encode<T: Encode<H>>(value: T) -> (bytes::BytesMut, Vec<H>) {
    let mut buf = MessageBuf::<H>::new();
    buf.encode(value).expect("encodes");
    buf.take()
}

/// Decodes a message as a `T` with the default options and converts it.
pub fn decode<T: Decode<H>>(bytes: bytes::BytesMut, handles: Vec<H>) -> Result<T, Error> {
    Decoded::<T, H>::decode(bytes, handles).map(Decoded::into_natural)
}

/// A value type: encoding by reference and by value both give `expected`, no handle
/// moves, and decoding gives the value back. (Call it with the type named,
/// `value_round_trip::<T>(..)`: inferring `T` from `&'a T: Encode` makes rustc walk the
/// slice impls without end.)
pub fn value_round_trip<'a, T>(value: &'a T, expected: &[[u8; 8]])
where
    T: Encode<H> + Decode<H> + Clone + PartialEq + std::fmt::Debug,
    &'a T: Encode<H>,
{
    assert_eq!(T::MAX_HANDLES, 0, "a value type carries no handle");
    assert!(!T::IS_RESOURCE);
    let mut by_ref = MessageBuf::<H>::new();
    by_ref.encode(value).expect("encodes by reference");
    assert_eq!(rows(by_ref.bytes()), expected, "by reference");
    let (bytes, handles) = encode_checked(value.clone(), expected, 0);
    assert_eq!(decode::<T>(bytes, handles).expect("decodes"), *value);
}

/// Every handle of `raws` was closed exactly once, and none of `space` is open.
pub fn assert_all_closed_once(space: &MemSpace, raws: &[u32]) {
    for &raw in raws {
        assert_eq!(space.close_count(raw), 1, "handle {raw} closed once");
    }
    assert_eq!(space.open_count(), 0);
}
