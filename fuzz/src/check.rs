//! The oracles of the fuzz targets: what must hold for any input, beyond "no crash".
//!
//! Shared like `types.rs`: the fuzz crate and the regression tests in `tests/` compile
//! this file, so a crash input replays through exactly these checks. Every check
//! panics (with the input's story) when an invariant of the codec is broken:
//!
//! * **decode** ([`check_decode`]): arbitrary bytes and an arbitrary handle table,
//!   decoded as one of the types of `types.rs`. On error every handle is closed exactly
//!   once. On success the decoded value owns exactly the handles that were not in
//!   unknown members, and re-encoding it gives back the same bytes and the same handles
//!   (by koid) in order: the encoding is canonical. Where the type has flexible members
//!   (tables, flexible unions), unknown members are dropped by design and trailing
//!   absent envelopes disappear, so there the re-encoding may only shrink and lose
//!   handles, and must be a fixed point that decodes to the same value.
//! * **roundtrip** ([`check_roundtrip`]): a natural value encodes, decodes to an equal
//!   value (handles compared by koid, their rights reduced to what each slot declares),
//!   and re-encodes to the same bytes; or its encoding fails with an error its value
//!   explains, having closed every handle.
//! * **header** ([`check_header`]): both header parsers agree with an independent
//!   reading of the spec, valid headers rebuild byte for byte, and decoding a
//!   transactional or persisted message is exactly decoding its body (differentially,
//!   with fresh handles), with every handle closed exactly once either way.
#![allow(dead_code)]

use core::fmt::Debug;

use bytes::{Bytes, BytesMut};
use handoff::codec::{Decode, Encode, Layout};
use handoff::handle::mem::{MemHandle, MemSpace};
use handoff::handle::{Handle, ObjectType, Rights};
use handoff::wire::{HeaderError, PersistedHeader, TransactionHeader};
use handoff::{DecodeOptions, Decoded, Error, Limits, MessageBuf, UnknownHandles};

/// The most handles an input asks for (the count byte is taken modulo this plus one).
pub const MAX_INPUT_HANDLES: u8 = 15;

/// A decode input: which type, which options, which handles, which bytes.
///
/// Layout of the fuzzer's bytes: `[selector, flags, count, (type, rights_lo,
/// rights_hi) * count, message...]`, where `count` is taken modulo
/// `MAX_INPUT_HANDLES + 1`, `type % 3` picks NONE, EVENT or CHANNEL and the rights are
/// the 16 low bits. Flags: bit 0 selects the drop policy for unknown handles in value
/// types (RFC-0137) instead of rejecting them; bit 1 tight limits (depth 6, 3 handles);
/// bits 2-3 the buffer the message arrives in (see [`Buffer`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeInput<'a> {
    /// Picks the type: `selector % types::COUNT`.
    pub selector: u8,
    /// Options (see above).
    pub flags: u8,
    /// The handle table: object type and rights of each handle, in order.
    pub handles: Vec<(ObjectType, Rights)>,
    /// The message.
    pub bytes: &'a [u8],
}

/// How the message buffer is handed to the decoder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Buffer {
    /// `Decoded::decode_with(BytesMut)`.
    BytesMut,
    /// `Decoded::from_bytes` with a uniquely owned `Bytes` (validated in place).
    UniqueBytes,
    /// `Decoded::from_bytes` with a `Bytes` that another handle shares: it must be
    /// copied, never patched under the other owner's feet.
    SharedBytes,
    /// `Decoded::decode_in(Vec<u8>)`.
    Vec,
}

const OBJECT_TYPES: [ObjectType; 3] = [ObjectType::NONE, ObjectType::EVENT, ObjectType::CHANNEL];

impl<'a> DecodeInput<'a> {
    /// Splits fuzzer bytes into an input; `None` if they are too short for the prefix.
    pub fn parse(data: &'a [u8]) -> Option<Self> {
        let (&[selector, flags, count], rest) = data.split_first_chunk::<3>()?;
        let count = usize::from(count % (MAX_INPUT_HANDLES + 1));
        let specs = rest.get(..3 * count)?;
        let handles = specs
            .chunks_exact(3)
            .map(|s| {
                let object_type = OBJECT_TYPES[usize::from(s[0] % 3)];
                (
                    object_type,
                    Rights(u32::from(u16::from_le_bytes([s[1], s[2]]))),
                )
            })
            .collect();
        Some(Self {
            selector,
            flags,
            handles,
            bytes: &rest[3 * count..],
        })
    }

    /// The fuzzer bytes of this input (for seeds and regression files).
    pub fn to_bytes(&self) -> Vec<u8> {
        assert!(self.handles.len() <= usize::from(MAX_INPUT_HANDLES));
        let mut out = vec![self.selector, self.flags, self.handles.len() as u8];
        for (t, r) in &self.handles {
            let ty = OBJECT_TYPES.iter().position(|o| o == t).unwrap_or(0) as u8;
            let [lo, hi, ..] = r.0.to_le_bytes();
            out.extend_from_slice(&[ty, lo, hi]);
        }
        out.extend_from_slice(self.bytes);
        out
    }

    /// The decode options the flags select.
    pub fn options(&self) -> DecodeOptions {
        let mut opts = DecodeOptions::default();
        if self.flags & 1 != 0 {
            opts.unknown_handles = UnknownHandles::Drop;
        }
        if self.flags & 2 != 0 {
            opts.limits = Limits {
                max_depth: 6,
                max_handles: 3,
                ..Limits::DEFAULT
            };
        }
        opts
    }

    /// The buffer the flags select.
    pub fn buffer(&self) -> Buffer {
        match (self.flags >> 2) & 3 {
            0 => Buffer::BytesMut,
            1 => Buffer::UniqueBytes,
            2 => Buffer::SharedBytes,
            _ => Buffer::Vec,
        }
    }

    /// Creates the handle table in `space`.
    pub fn make_handles(&self, space: &MemSpace) -> Vec<MemHandle> {
        self.handles
            .iter()
            .map(|&(t, r)| space.create(t, r))
            .collect()
    }
}

/// The koids of handles, in order: a handle's identity (rights reduction replaces the
/// handle value but keeps the object).
pub fn koids(handles: &[MemHandle]) -> Vec<u64> {
    handles.iter().map(MemHandle::koid).collect()
}

/// Asserts that every handle `space` ever handed out is closed, each exactly once.
pub fn assert_all_closed_once(space: &MemSpace, what: &str) {
    assert_eq!(space.open_count(), 0, "{what}: handles left open (leak)");
    // Raw values are unique and increase; a fresh handle has the highest one yet, so
    // every handle of the space has a raw value in 1..=probe.
    let probe = space.create(ObjectType::NONE, Rights::NONE);
    let top = probe.raw();
    drop(probe);
    let mut closes = 0u64;
    for raw in 1..=top {
        let n = space.close_count(raw);
        assert!(n <= 1, "{what}: handle {raw} closed {n} times");
        closes += u64::from(n);
    }
    assert_eq!(
        closes,
        space.total_closes(),
        "{what}: closes recorded for unknown handles"
    );
}

/// `Debug` text of a value with every handle replaced by `H(koid)`: values compare
/// equal when their data are equal and their handles refer to the same objects. Text
/// inside string literals is copied as is (a string may well say "MemHandle {").
pub fn normalized_debug(value: &impl Debug) -> String {
    const HANDLE: &str = "MemHandle {";
    let text = format!("{value:?}");
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if in_string {
            // `Debug` escapes `"` and `\` inside strings.
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            out.push(c);
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if text[i..].starts_with(HANDLE) {
            let end = i + text[i..]
                .find('}')
                .expect("MemHandle's Debug closes its brace");
            let koid = text[i..end]
                .split("koid: ")
                .nth(1)
                .and_then(|k| k.split(|c: char| !c.is_ascii_digit()).next())
                .expect("MemHandle's Debug shows the koid");
            out.push_str("H(");
            out.push_str(koid);
            out.push(')');
            // Skip the rest of the handle, up to and including its closing brace.
            for (j, _) in chars.by_ref() {
                if j == end {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn is_subsequence(short: &[u64], long: &[u64]) -> bool {
    let mut it = long.iter();
    short.iter().all(|k| it.any(|l| l == k))
}

/// What the decode checks need of a type.
pub trait Fuzzed: Decode<MemHandle> + Encode<MemHandle> + Debug
where
    for<'a> <Self as Layout>::View<'a>: Debug,
{
}

impl<T> Fuzzed for T
where
    T: Decode<MemHandle> + Encode<MemHandle> + Debug,
    for<'a> <T as Layout>::View<'a>: Debug,
{
}

/// Decodes `bytes` as a `T` through the buffer kind `buffer`, reads the whole view (so
/// every accessor's in-place read runs), and converts to the natural value.
pub fn decode_natural<T: Fuzzed>(
    buffer: Buffer,
    bytes: &[u8],
    handles: Vec<MemHandle>,
    opts: &DecodeOptions,
) -> Result<T, Error>
where
    for<'a> <T as Layout>::View<'a>: Debug,
{
    let count = handles.len();
    fn natural<T: Fuzzed, B: AsRef<[u8]> + AsMut<[u8]>>(
        msg: Decoded<T, MemHandle, B>,
        count: usize,
    ) -> T
    where
        for<'a> <T as Layout>::View<'a>: Debug,
    {
        assert_eq!(msg.handle_count(), count, "the handle table changed size");
        let _ = format!("{:?} {:?}", msg.view(), msg);
        msg.into_natural()
    }
    match buffer {
        Buffer::BytesMut => {
            Decoded::<T, MemHandle>::decode_with(BytesMut::from(bytes), handles, opts)
                .map(|m| natural(m, count))
        }
        Buffer::UniqueBytes => {
            Decoded::<T, MemHandle>::from_bytes(Bytes::from(bytes.to_vec()), handles, opts)
                .map(|m| natural(m, count))
        }
        Buffer::SharedBytes => {
            let shared = Bytes::from(bytes.to_vec());
            let other = shared.clone();
            let result = Decoded::<T, MemHandle>::from_bytes(shared, handles, opts)
                .map(|m| natural(m, count));
            assert_eq!(
                &other[..],
                bytes,
                "decoding patched a buffer shared with another owner"
            );
            result
        }
        Buffer::Vec => Decoded::<T, MemHandle, Vec<u8>>::decode_in(bytes.to_vec(), handles, opts)
            .map(|m| natural(m, count)),
    }
}

/// The decode oracle for one type (see the module docs).
pub fn check_decode<T: Fuzzed>(input: &DecodeInput<'_>)
where
    for<'a> <T as Layout>::View<'a>: Debug,
{
    let space = MemSpace::new();
    let handles = input.make_handles(&space);
    let in_koids = koids(&handles);
    let opts = input.options();
    match decode_natural::<T>(input.buffer(), input.bytes, handles, &opts) {
        Err(e) => {
            let _ = (e.code(), e.to_string());
            assert_all_closed_once(&space, &format!("decode failed with {e:?}"));
        }
        Ok(value) => {
            check_reencode(value, input.bytes, &in_koids, &opts, &space);
            assert_all_closed_once(&space, "decode succeeded");
        }
    }
}

/// Re-encodes a value decoded from `bytes` (whose handle table had the koids
/// `in_koids`) and checks canonical form, or the fixed point where unknown data may
/// have been dropped.
pub fn check_reencode<T: Fuzzed>(
    value: T,
    bytes: &[u8],
    in_koids: &[u64],
    opts: &DecodeOptions,
    space: &MemSpace,
) where
    for<'a> <T as Layout>::View<'a>: Debug,
{
    let owned = space.open_count();
    let natural = normalized_debug(&value);
    let mut buf = MessageBuf::<MemHandle>::new();
    if let Err(e) = buf.encode(value) {
        // The one legitimate failure: a flexible union held an unknown variant, which
        // the natural type keeps only as its ordinal.
        assert!(
            T::HAS_FLEXIBLE_ENVELOPE && matches!(e, Error::FlexibleUnionUnknownField { .. }),
            "re-encoding an accepted message failed: {e:?}\nvalue: {natural}"
        );
        assert!(
            natural.contains("UnknownOrdinal("),
            "FlexibleUnionUnknownField for a value without an unknown variant: {natural}"
        );
        assert_eq!(space.open_count(), 0, "a failed encode leaked handles");
        return;
    }
    let (out, out_handles) = buf.take();
    assert_eq!(
        owned,
        out_handles.len(),
        "the decoded value does not own exactly the handles it encodes"
    );
    assert_eq!(space.open_count(), owned);
    let out_koids = koids(&out_handles);
    if out[..] == *bytes && out_koids == in_koids {
        return;
    }
    assert!(
        T::HAS_FLEXIBLE_ENVELOPE,
        "accepted a non-canonical message of a type without flexible members\n\
         input:   {bytes:02x?} handles {in_koids:?}\nre-encoded: {:02x?} handles {out_koids:?}\n\
         value: {natural}",
        &out[..]
    );
    assert!(
        out.len() <= bytes.len() && is_subsequence(&out_koids, in_koids),
        "re-encoding grew the message or reordered its handles\n\
         input:   {bytes:02x?} handles {in_koids:?}\nre-encoded: {:02x?} handles {out_koids:?}",
        &out[..]
    );
    // Dropping unknown data is idempotent: the re-encoding is canonical.
    let again: T = decode_natural(Buffer::BytesMut, &out, out_handles, opts).unwrap_or_else(|e| {
        panic!(
            "the re-encoding of an accepted message fails to decode: {e:?}\n\
             re-encoded: {:02x?}\nvalue: {natural}",
            &out[..]
        )
    });
    assert_eq!(
        normalized_debug(&again),
        natural,
        "the re-encoding decodes to another value"
    );
    buf.encode(again).expect("a decoded value re-encodes");
    let (fixed, fixed_handles) = buf.take();
    assert_eq!(fixed[..], out[..], "re-encoding is not a fixed point");
    assert_eq!(
        koids(&fixed_handles),
        out_koids,
        "handles not a fixed point"
    );
}

/// Whether an encode error is one a natural value can legitimately cause.
fn encode_error_explained(e: &Error) -> bool {
    matches!(
        e,
        Error::StringTooLong { .. }
            | Error::CountExceedsLimit { .. }
            | Error::ExceededMaxOutOfLineDepth { .. }
            | Error::FlexibleUnionUnknownField { .. }
            | Error::UnionFieldNotSet { .. }
            | Error::StrictBitsUnknownBit { .. }
            | Error::HandleLimitExceeded { .. }
            | Error::MessageTooLarge { .. }
    )
}

/// The roundtrip oracle: `value` (whose handles all come from `space`, which holds no
/// other open handle) encodes, decodes to an equal value and re-encodes identically;
/// or encoding fails for a reason the value explains and closes every handle.
pub fn check_roundtrip<T: Fuzzed>(value: T, space: &MemSpace)
where
    for<'a> <T as Layout>::View<'a>: Debug,
{
    let before = normalized_debug(&value);
    let owned = space.open_count();
    let mut buf = MessageBuf::<MemHandle>::new();
    if let Err(e) = buf.encode(value) {
        assert!(
            encode_error_explained(&e),
            "unexpected encode error {e:?} for {before}"
        );
        if matches!(e, Error::FlexibleUnionUnknownField { .. }) {
            assert!(before.contains("UnknownOrdinal("), "{e:?} for {before}");
        }
        if matches!(e, Error::UnionFieldNotSet { .. }) {
            // Ordinal 0 is "no variant", which a flexible union's unknown variant can hold.
            assert!(before.contains("UnknownOrdinal(0)"), "{e:?} for {before}");
        }
        assert_all_closed_once(space, &format!("encode failed with {e:?}"));
        return;
    }
    let dispositions = buf.dispositions().to_vec();
    let (bytes, handles) = buf.take();
    assert_eq!(bytes.len() % 8, 0, "a message is a multiple of 8 bytes");
    assert_eq!(
        handles.len(),
        owned,
        "the value did not move exactly its handles"
    );
    assert_eq!(dispositions.len(), handles.len());
    let in_koids = koids(&handles);
    let value: T = decode_natural(Buffer::BytesMut, &bytes, handles, &DecodeOptions::default())
        .unwrap_or_else(|e| {
            panic!(
                "an encoded value fails to decode: {e:?}\nbytes: {:02x?}\nvalue: {before}",
                &bytes[..]
            )
        });
    assert_eq!(normalized_debug(&value), before, "decode(encode(v)) != v");
    buf.encode(value).expect("a decoded value re-encodes");
    let (again, again_handles) = buf.take();
    assert_eq!(
        again[..],
        bytes[..],
        "encode(decode(encode(v))) != encode(v)"
    );
    assert_eq!(koids(&again_handles), in_koids, "handle order changed");
    for (h, d) in again_handles.iter().zip(&dispositions) {
        if d.rights != Rights::SAME_RIGHTS {
            assert_eq!(
                h.rights(),
                d.rights,
                "decoding did not reduce rights to the slot's"
            );
        }
        if d.object_type != ObjectType::NONE && h.object_type() != ObjectType::NONE {
            assert_eq!(h.object_type(), d.object_type, "a handle of the wrong type");
        }
    }
    drop(again_handles);
    assert_all_closed_once(space, "roundtrip");
}

/// The roundtrip oracle of a value type: encoding by reference must give what encoding
/// by value gives; then [`check_roundtrip`].
pub fn check_roundtrip_value<T: Fuzzed + Clone>(value: T, space: &MemSpace)
where
    for<'a> <T as Layout>::View<'a>: Debug,
    for<'a> &'a T: Encode<MemHandle>,
{
    let mut by_ref = MessageBuf::<MemHandle>::new();
    let mut by_value = MessageBuf::<MemHandle>::new();
    let (r, v) = (by_ref.encode(&value), by_value.encode(value.clone()));
    assert_eq!(r, v, "encoding by reference and by value disagree");
    assert_eq!(
        by_ref.bytes(),
        by_value.bytes(),
        "encoding by reference differs"
    );
    check_roundtrip(value, space);
}

// ---------------------------------------------------------------------------------------
// Headers

/// What `TransactionHeader::parse` must say about `data`, read from the spec directly.
fn expected_transaction(data: &[u8]) -> Result<(), HeaderError> {
    if data.len() < TransactionHeader::SIZE {
        return Err(HeaderError::TooShort { len: data.len() });
    }
    if data[7] != 1 {
        return Err(HeaderError::BadMagic { found: data[7] });
    }
    if data[4..6] != [2, 0] {
        return Err(HeaderError::UnsupportedWireFormat {
            flags: [data[4], data[5]],
        });
    }
    Ok(())
}

/// What `PersistedHeader::parse` must say about `data`.
fn expected_persisted(data: &[u8]) -> Result<(), HeaderError> {
    if data.len() < PersistedHeader::SIZE {
        return Err(HeaderError::TooShort { len: data.len() });
    }
    if data[0] != 0 || data[4..8] != [0; 4] {
        return Err(HeaderError::NonZeroReserved);
    }
    if data[1] != 1 {
        return Err(HeaderError::BadMagic { found: data[1] });
    }
    if data[2..4] != [2, 0] {
        return Err(HeaderError::UnsupportedWireFormat {
            flags: [data[2], data[3]],
        });
    }
    Ok(())
}

/// The bytes of a transactional header, written from its fields.
pub fn transaction_header_bytes(h: &TransactionHeader) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[..4].copy_from_slice(&h.txid.get().to_le_bytes());
    b[4..6].copy_from_slice(&h.at_rest_flags);
    b[6] = h.dynamic_flags;
    b[7] = h.magic_number;
    b[8..].copy_from_slice(&h.ordinal.get().to_le_bytes());
    b
}

/// The header parsers against the spec.
pub fn check_header_parsers(data: &[u8]) {
    match (TransactionHeader::parse(data), expected_transaction(data)) {
        (Ok((h, rest)), Ok(())) => {
            assert_eq!(
                transaction_header_bytes(h),
                data[..16],
                "header fields misread"
            );
            assert_eq!(rest, &data[16..], "the body is not what follows the header");
            let rebuilt = TransactionHeader::new(h.txid.get(), h.ordinal.get(), h.dynamic_flags);
            assert_eq!(
                &rebuilt, h,
                "a valid header does not rebuild from its fields"
            );
            assert_eq!(h.is_flexible(), data[6] & 0x80 != 0);
            assert_eq!(h.validate(), Ok(()));
        }
        (Err(e), Err(expected)) => assert_eq!(e, expected, "wrong header error"),
        (got, expected) => panic!(
            "TransactionHeader::parse gave {:?}, the spec says {expected:?}",
            got.map(|(h, _)| *h)
        ),
    }
    match (PersistedHeader::parse(data), expected_persisted(data)) {
        (Ok((h, rest)), Ok(())) => {
            assert_eq!(
                *h,
                PersistedHeader::new(),
                "the only valid persisted header"
            );
            assert_eq!(rest, &data[8..]);
        }
        (Err(e), Err(expected)) => assert_eq!(e, expected, "wrong persisted header error"),
        (got, expected) => panic!(
            "PersistedHeader::parse gave {:?}, the spec says {expected:?}",
            got.map(|(h, _)| *h)
        ),
    }
}

/// `decode_transactional` and `decode_persisted` on the input's bytes, against decoding
/// the body alone, each with its own fresh handles.
pub fn check_header<T: Fuzzed>(input: &DecodeInput<'_>)
where
    for<'a> <T as Layout>::View<'a>: Debug,
{
    let data = input.bytes;
    check_header_parsers(data);
    let opts = input.options();

    // Transactional.
    let space = MemSpace::new();
    let got = Decoded::<T, MemHandle>::decode_transactional(
        BytesMut::from(data),
        input.make_handles(&space),
        &opts,
    );
    match expected_transaction(data) {
        Err(e) => {
            assert_eq!(got.err(), Some(Error::InvalidHeader(e)));
        }
        Ok(()) => {
            let body_space = MemSpace::new();
            let body = decode_natural::<T>(
                Buffer::BytesMut,
                &data[16..],
                input.make_handles(&body_space),
                &opts,
            );
            match (got, body) {
                (Err(a), Err(b)) => assert_eq!(a, b, "transactional and body decode disagree"),
                (Ok((header, msg)), Ok(body)) => {
                    assert_eq!(transaction_header_bytes(&header), data[..16]);
                    let value = msg.into_natural();
                    let text = normalized_debug(&value);
                    assert_eq!(
                        text,
                        normalized_debug(&body),
                        "transactional decode differs"
                    );
                    // Encoding a transactional message is the header, then the body.
                    let mut tx = MessageBuf::<MemHandle>::new();
                    let mut plain = MessageBuf::<MemHandle>::new();
                    let (a, b) = (tx.encode_transactional(header, value), plain.encode(body));
                    assert_eq!(a, b, "transactional and body encode disagree");
                    if a.is_ok() {
                        assert_eq!(tx.bytes()[..16], data[..16]);
                        assert_eq!(&tx.bytes()[16..], plain.bytes(), "{text}");
                        // Both spaces made the same handles in the same order.
                        assert_eq!(koids(tx.handles()), koids(plain.handles()));
                    }
                }
                (a, b) => panic!(
                    "transactional decode {:?} but body decode {:?}",
                    a.map(|_| ()),
                    b.map(|_| ())
                ),
            }
            assert_all_closed_once(&body_space, "body decode");
        }
    }
    assert_all_closed_once(&space, "transactional decode");

    // Persisted.
    let space = MemSpace::new();
    let got = Decoded::<T, MemHandle>::decode_persisted(
        BytesMut::from(data),
        input.make_handles(&space),
        &opts,
    );
    match expected_persisted(data) {
        Err(e) => assert_eq!(got.err(), Some(Error::InvalidHeader(e))),
        Ok(()) => {
            let body_space = MemSpace::new();
            let body = decode_natural::<T>(
                Buffer::BytesMut,
                &data[8..],
                input.make_handles(&body_space),
                &opts,
            );
            match (got, body) {
                (Err(a), Err(b)) => assert_eq!(a, b, "persisted and body decode disagree"),
                (Ok(msg), Ok(body)) => assert_eq!(
                    normalized_debug(&msg.into_natural()),
                    normalized_debug(&body),
                    "persisted decode differs"
                ),
                (a, b) => panic!(
                    "persisted decode {:?} but body decode {:?}",
                    a.map(|_| ()),
                    b.map(|_| ())
                ),
            }
            assert_all_closed_once(&body_space, "body decode");
        }
    }
    assert_all_closed_once(&space, "persisted decode");
}

// ---------------------------------------------------------------------------------------
// Dispatch by selector

/// Runs the decode oracle for the type `input.selector` picks.
pub fn decode_input(input: &DecodeInput<'_>) {
    let selector = input.selector % crate::types::COUNT;
    macro_rules! arm {
        ($i:expr, $kind:ident, $t:ty) => {
            if selector == $i {
                return check_decode::<$t>(input);
            }
        };
    }
    crate::for_each_type!(arm);
    unreachable!("selector {selector} has no type");
}

/// Runs the header oracle for the type `input.selector` picks.
pub fn header_input(input: &DecodeInput<'_>) {
    let selector = input.selector % crate::types::COUNT;
    macro_rules! arm {
        ($i:expr, $kind:ident, $t:ty) => {
            if selector == $i {
                return check_header::<$t>(input);
            }
        };
    }
    crate::for_each_type!(arm);
    unreachable!("selector {selector} has no type");
}

/// The decode target's entry point: fuzzer bytes to the decode oracle.
pub fn decode_target(data: &[u8]) {
    if let Some(input) = DecodeInput::parse(data) {
        decode_input(&input);
    }
}

/// The header target's entry point.
pub fn header_target(data: &[u8]) {
    if let Some(input) = DecodeInput::parse(data) {
        header_input(&input);
    } else {
        check_header_parsers(data);
    }
}
