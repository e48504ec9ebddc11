//! Helpers shared by the integration tests of the core codec: encoding and decoding with
//! the in-memory handle backend, byte-exact comparison in 8-byte rows, and a record of
//! every handle a test mints so that it can assert each was closed exactly once.
//!
//! Each test file includes this module with `mod support;` and uses only part of it.
#![allow(dead_code)]

use std::cell::RefCell;
use std::fmt::{Debug, Write as _};

use bytes::BytesMut;
use handoff::codec::{Decode, Encode};
use handoff::handle::mem::{MemHandle, MemSpace};
use handoff::handle::{Handle, ObjectType, Rights};
use handoff::{DecodeOptions, Decoded, Error, MessageBuf};

/// The handle type of every test.
pub type H = MemHandle;

/// Concatenates 8-byte rows (the way expected bytes are written in these tests).
pub fn rows(rows: &[[u8; 8]]) -> Vec<u8> {
    rows.concat()
}

/// Formats bytes as 8-byte rows of hex with their offsets, for failure messages.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::new();
    for (i, row) in bytes.chunks(8).enumerate() {
        let _ = write!(s, "\n  {:4}:", i * 8);
        for b in row {
            let _ = write!(s, " {b:02x}");
        }
    }
    s
}

/// Asserts two byte strings are equal, printing both as 8-byte hex rows if not.
#[track_caller]
pub fn assert_bytes(actual: &[u8], expected: &[u8]) {
    if actual != expected {
        let first = actual
            .iter()
            .zip(expected)
            .position(|(a, b)| a != b)
            .unwrap_or(actual.len().min(expected.len()));
        panic!(
            "bytes differ (first difference at offset {first}; {} vs {} bytes)\nactual:{}\nexpected:{}",
            actual.len(),
            expected.len(),
            hex(actual),
            hex(expected)
        );
    }
}

/// Encodes `value` into a fresh buffer; panics on error.
#[track_caller]
pub fn encode<T: Encode<H>>(value: T) -> (BytesMut, Vec<H>) {
    let mut buf = MessageBuf::<H>::new();
    if let Err(e) = buf.encode(value) {
        panic!("encode failed: {e:?}");
    }
    buf.take()
}

/// Encodes `value` with raised limits (to build messages deeper or larger than the
/// defaults allow, for decoding them with the defaults).
#[track_caller]
pub fn encode_with_limits<T: Encode<H>>(value: T, limits: handoff::Limits) -> (BytesMut, Vec<H>) {
    let mut buf = MessageBuf::<H>::with_limits(limits);
    if let Err(e) = buf.encode(value) {
        panic!("encode failed: {e:?}");
    }
    buf.take()
}

/// Encodes a value type and returns its bytes (it must carry no handle).
#[track_caller]
pub fn encode_bytes<T: Encode<H>>(value: T) -> Vec<u8> {
    let (bytes, handles) = encode(value);
    assert!(
        handles.is_empty(),
        "a value type encoded {} handles",
        handles.len()
    );
    bytes.to_vec()
}

/// Decodes a copy of `bytes` as a `T` with the default options.
pub fn decode<T: Decode<H>>(bytes: &[u8], handles: Vec<H>) -> Result<Decoded<T, H>, Error> {
    Decoded::<T, H>::decode(BytesMut::from(bytes), handles)
}

/// Decodes a copy of `bytes` as a `T` with `opts`.
pub fn decode_with<T: Decode<H>>(
    bytes: &[u8],
    handles: Vec<H>,
    opts: &DecodeOptions,
) -> Result<Decoded<T, H>, Error> {
    Decoded::<T, H>::decode_with(BytesMut::from(bytes), handles, opts)
}

/// Decodes `bytes` (no handles) as a `T` and returns its natural value; panics on error.
#[track_caller]
pub fn decode_natural<T: Decode<H>>(bytes: &[u8]) -> T {
    match decode::<T>(bytes, Vec::new()) {
        Ok(m) => m.into_natural(),
        Err(e) => panic!("decode failed: {e:?}\nbytes:{}", hex(bytes)),
    }
}

/// Decodes `bytes` (no handles) as a `T`, expecting an error, and returns it.
#[track_caller]
pub fn decode_err<T: Decode<H>>(bytes: &[u8]) -> Error {
    match decode::<T>(bytes, Vec::new()) {
        Ok(m) => panic!(
            "decode succeeded but should fail: {m:?}\nbytes:{}",
            hex(bytes)
        ),
        Err(e) => e,
    }
}

/// The byte-exact check of a value type: `value` encodes (by value and by reference) to
/// exactly `expected`, `expected` decodes back to `value`, and decoding then re-encoding
/// gives `expected` again. Returns the decoded message for view checks.
#[track_caller]
pub fn check_value<T>(value: &T, expected: &[u8]) -> Decoded<T, H>
where
    T: Encode<H> + Decode<H> + Clone + PartialEq + Debug + EncodeRef,
{
    let by_value = encode_bytes(value.clone());
    assert_bytes(&by_value, expected);
    let by_ref = value.encode_ref();
    assert_bytes(&by_ref, expected);
    let natural: T = decode_natural(expected);
    assert_eq!(&natural, value, "decode(bytes) != value");
    let again = encode_bytes(natural);
    assert_bytes(&again, expected);
    match decode::<T>(expected, Vec::new()) {
        Ok(m) => m,
        Err(e) => panic!("decode failed: {e:?}"),
    }
}

/// Value types, which also encode by reference. (A bound on `T` rather than on `&T`
/// keeps the trait solver from exploring `&[_]` while `T` is still being inferred.)
pub trait EncodeRef {
    /// Encodes `&self` and returns the bytes.
    fn encode_ref(&self) -> Vec<u8>;
}

impl<T> EncodeRef for T
where
    for<'a> &'a T: Encode<H>,
{
    fn encode_ref(&self) -> Vec<u8> {
        encode_bytes(self)
    }
}

/// Asserts that decoding then re-encoding `bytes` gives `bytes` back (for messages that
/// carry handles, which are minted by `mint` in table order).
#[track_caller]
pub fn assert_canonical<T: Decode<H> + Encode<H>>(bytes: &[u8], handles: Vec<H>) -> Vec<H> {
    let msg = match decode::<T>(bytes, handles) {
        Ok(m) => m,
        Err(e) => panic!("decode failed: {e:?}\nbytes:{}", hex(bytes)),
    };
    let (again, handles) = encode(msg.into_natural());
    assert_bytes(&again, bytes);
    handles
}

/// A [`MemSpace`] that remembers every handle minted through it, so that a test can
/// check that each was closed exactly once.
#[derive(Default)]
pub struct Tracker {
    /// The space the handles live in.
    pub space: MemSpace,
    minted: RefCell<Vec<u32>>,
}

impl Tracker {
    /// A new tracker with an empty space.
    pub fn new() -> Self {
        Self::default()
    }

    fn record(&self, h: H) -> H {
        self.minted.borrow_mut().push(h.raw());
        h
    }

    /// A new event (rights `EVENT_DEFAULT`).
    pub fn event(&self) -> H {
        self.record(self.space.event())
    }

    /// A new channel end (rights `CHANNEL_DEFAULT`).
    pub fn channel(&self) -> H {
        self.record(self.space.channel())
    }

    /// A new handle of the given type and rights.
    pub fn create(&self, object_type: ObjectType, rights: Rights) -> H {
        self.record(self.space.create(object_type, rights))
    }

    /// `n` new events.
    pub fn events(&self, n: usize) -> Vec<H> {
        (0..n).map(|_| self.event()).collect()
    }

    /// The raw values minted so far.
    pub fn minted(&self) -> Vec<u32> {
        self.minted.borrow().clone()
    }

    /// Handles of this space still open (rights reduction mints handles the tracker did
    /// not record; they count here).
    pub fn open(&self) -> usize {
        self.space.open_count()
    }

    /// Asserts every handle minted through the tracker was closed exactly once and no
    /// handle of the space (including handles made by rights reduction) is open.
    #[track_caller]
    pub fn assert_all_closed_once(&self) {
        for &raw in self.minted.borrow().iter() {
            let n = self.space.close_count(raw);
            assert_eq!(n, 1, "handle {raw} was closed {n} times");
        }
        assert_eq!(self.space.open_count(), 0, "handles left open");
    }

    /// Asserts no handle minted through the tracker was closed yet.
    #[track_caller]
    pub fn assert_none_closed(&self) {
        for &raw in self.minted.borrow().iter() {
            assert_eq!(
                self.space.close_count(raw),
                0,
                "handle {raw} was closed early"
            );
        }
    }
}

/// Decodes `bytes` as a `T` with handles minted by `tracker`, expects an error, and
/// checks that every handle the tracker minted was closed exactly once.
#[track_caller]
pub fn decode_err_closing<T: Decode<H>>(
    bytes: &[u8],
    tracker: &Tracker,
    handles: Vec<H>,
    opts: &DecodeOptions,
) -> Error {
    let err = match decode_with::<T>(bytes, handles, opts) {
        Ok(m) => panic!(
            "decode succeeded but should fail: {m:?}\nbytes:{}",
            hex(bytes)
        ),
        Err(e) => e,
    };
    tracker.assert_all_closed_once();
    err
}

/// A handle's identity that survives rights reduction (which mints a new raw value).
pub fn koid(h: &H) -> u64 {
    h.koid()
}

/// The object type and rights of a handle, to mint a look-alike.
pub fn shape(h: &H) -> (ObjectType, Rights) {
    (h.object_type(), h.rights())
}

/// Little-endian `u64` bytes (to write counts and markers in hand-built messages).
pub fn le64(v: u64) -> [u8; 8] {
    v.to_le_bytes()
}

/// Overwrites 8 bytes at `at` with `v`, little-endian.
pub fn put64(bytes: &mut [u8], at: usize, v: u64) {
    bytes[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

/// Overwrites 4 bytes at `at` with `v`, little-endian.
pub fn put32(bytes: &mut [u8], at: usize, v: u32) {
    bytes[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// Overwrites 2 bytes at `at` with `v`, little-endian.
pub fn put16(bytes: &mut [u8], at: usize, v: u16) {
    bytes[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

/// The all-ones presence marker.
pub const PRESENT: [u8; 8] = [0xff; 8];
/// The absent presence marker.
pub const ABSENT: [u8; 8] = [0; 8];
