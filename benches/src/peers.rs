//! The cases every dataset builds the same way: ours (handoff) for value types, and the
//! derive-based peers (rkyv, bincode, postcard) over the very same Rust types. Each is used
//! the way its documentation recommends, into a buffer reused across iterations.

use std::hint::black_box;
use std::rc::Rc;

use handoff::codec::{Decode, Encode};
use handoff::handle::NoHandle;
use handoff::{DecodeOptions, Decoded, MessageBuf};
use rkyv::api::high::{HighDeserializer, HighSerializer, HighValidator};
use rkyv::rancor::Error as RkyvError;
use rkyv::ser::allocator::ArenaHandle;
use rkyv::util::AlignedVec;

use crate::harness::{Case, DECODE, DECODE_READ, ENCODE, NATURAL, OURS, Rearm};

/// What building ours' cases produced besides the cases.
pub struct Ours {
    /// The cases: encode, decode, decode+read, natural.
    pub cases: Vec<Case>,
    /// The encoded message.
    pub wire: Vec<u8>,
    /// The bytes a rearm restores.
    pub rearm_len: usize,
}

/// Decodes `buf` in place as a `T` (a value type), panicking on error: benchmark data
/// is valid by construction.
#[inline]
pub fn decode_in<'b, T: Decode<NoHandle>>(
    buf: &'b mut [u8],
    opts: &DecodeOptions,
) -> Decoded<T, NoHandle, &'b mut [u8]> {
    match Decoded::<T, NoHandle, &mut [u8]>::decode_in(buf, Vec::new(), opts) {
        Ok(d) => d,
        Err(e) => panic!("benchmark message does not decode: {e}"),
    }
}

/// Ours: encode by reference into a reused [`MessageBuf`]; decode in place (validate) to
/// the view; decode and read every field of the view; decode and convert to the natural
/// value.
pub fn ours<T>(dataset: &str, value: Rc<T>, read: for<'a> fn(T::View<'a>) -> u64) -> Ours
where
    T: Decode<NoHandle> + 'static,
    for<'a> &'a T: Encode<NoHandle>,
    for<'a> T::View<'a>: Copy,
{
    let mut cases = Vec::new();
    let mut buf = MessageBuf::<NoHandle>::new();
    if let Err(e) = buf.encode(&*value) {
        panic!("{dataset}: encode failed: {e}");
    }
    let wire = buf.bytes().to_vec();
    let opts = DecodeOptions::default();
    let v = value.clone();
    cases.push(Case::new(dataset, ENCODE, OURS, move || {
        if let Err(e) = buf.encode(black_box(&*v)) {
            panic!("encode failed: {e}");
        }
        black_box(buf.bytes());
    }));
    let learn = |b: &mut [u8]| {
        decode_in::<T>(b, &opts);
    };
    let mut rearm = Rearm::new(&wire, learn);
    let rearm_len = rearm.span_len();
    cases.push(
        Case::new(dataset, DECODE, OURS, move || {
            let msg = decode_in::<T>(rearm.restore(), &opts);
            black_box(msg.view());
        })
        .with_rearm(),
    );
    let mut rearm = Rearm::new(&wire, learn);
    cases.push(
        Case::new(dataset, DECODE_READ, OURS, move || {
            let msg = decode_in::<T>(rearm.restore(), &opts);
            black_box(read(msg.view()));
        })
        .with_rearm(),
    );
    let mut rearm = Rearm::new(&wire, learn);
    cases.push(
        Case::new(dataset, NATURAL, OURS, move || {
            let msg = decode_in::<T>(rearm.restore(), &opts);
            black_box(msg.into_natural());
        })
        .with_rearm(),
    );
    Ours {
        cases,
        wire,
        rearm_len,
    }
}

/// The library name of rkyv with validated access.
pub const RKYV: &str = "rkyv";
/// The library name of rkyv with unvalidated access.
pub const RKYV_UNCHECKED: &str = "rkyv_unchecked";
/// bincode 2 (derive, standard config).
pub const BINCODE: &str = "bincode";
/// postcard (serde).
pub const POSTCARD: &str = "postcard";
/// capnp.
pub const CAPNP: &str = "capnp";
/// flatbuffers.
pub const FLATBUFFERS: &str = "flatbuffers";
/// prost.
pub const PROST: &str = "prost";

/// rkyv: `to_bytes_in` a reused `AlignedVec`; `access` (validated) and
/// `access_unchecked`; `deserialize` after validated access. Returns the cases and the
/// encoded size.
pub fn rkyv<T>(dataset: &str, value: Rc<T>, read: fn(&T::Archived) -> u64) -> (Vec<Case>, usize)
where
    T: rkyv::Archive
        + for<'a> rkyv::Serialize<HighSerializer<AlignedVec, ArenaHandle<'a>, RkyvError>>
        + 'static,
    T::Archived: for<'a> rkyv::bytecheck::CheckBytes<HighValidator<'a, RkyvError>>
        + rkyv::Deserialize<T, HighDeserializer<RkyvError>>,
{
    let mut cases = Vec::new();
    let encoded = match rkyv::api::high::to_bytes_in::<_, RkyvError>(&*value, AlignedVec::new()) {
        Ok(b) => b,
        Err(e) => panic!("{dataset}: rkyv serialize failed: {e}"),
    };
    let size = encoded.len();
    let mut out = Some(AlignedVec::<16>::with_capacity(size));
    cases.push(Case::new(dataset, ENCODE, RKYV, move || {
        let mut w = out.take().unwrap_or_default();
        w.clear();
        match rkyv::api::high::to_bytes_in::<_, RkyvError>(black_box(&*value), w) {
            Ok(w) => out = Some(black_box(w)),
            Err(e) => panic!("rkyv serialize failed: {e}"),
        }
    }));
    let bytes = Rc::new(encoded);
    fn access<T: rkyv::Archive>(b: &[u8]) -> &T::Archived
    where
        T::Archived: for<'a> rkyv::bytecheck::CheckBytes<HighValidator<'a, RkyvError>>,
    {
        match rkyv::access::<T::Archived, RkyvError>(b) {
            Ok(a) => a,
            Err(e) => panic!("rkyv access failed: {e}"),
        }
    }
    fn access_unchecked<T: rkyv::Archive>(b: &[u8]) -> &T::Archived {
        // SAFETY: `b` is the output of `to_bytes_in` for a `T` (made above, never
        // modified), which is exactly what `access_unchecked` requires.
        unsafe { rkyv::access_unchecked::<T::Archived>(b) }
    }
    let b = bytes.clone();
    cases.push(Case::new(dataset, DECODE, RKYV, move || {
        black_box(access::<T>(black_box(&b)));
    }));
    let b = bytes.clone();
    cases.push(Case::new(dataset, DECODE_READ, RKYV, move || {
        black_box(read(access::<T>(black_box(&b))));
    }));
    let b = bytes.clone();
    cases.push(Case::new(dataset, NATURAL, RKYV, move || {
        let a = access::<T>(black_box(&b));
        match rkyv::deserialize::<T, RkyvError>(a) {
            Ok(v) => {
                black_box(v);
            }
            Err(e) => panic!("rkyv deserialize failed: {e}"),
        }
    }));
    let b = bytes.clone();
    cases.push(Case::new(dataset, DECODE, RKYV_UNCHECKED, move || {
        black_box(access_unchecked::<T>(black_box(&b)));
    }));
    let b = bytes;
    cases.push(Case::new(dataset, DECODE_READ, RKYV_UNCHECKED, move || {
        black_box(read(access_unchecked::<T>(black_box(&b))));
    }));
    (cases, size)
}

/// bincode 2 with its derive and the standard config: `encode_into_slice` a reused
/// buffer; `decode_from_slice` into the owned value (it has no zero-copy access).
pub fn bincode<T>(dataset: &str, value: Rc<T>, read: fn(&T) -> u64) -> (Vec<Case>, usize)
where
    T: bincode::Encode + bincode::Decode<()> + 'static,
{
    let config = bincode::config::standard();
    let encoded = match bincode::encode_to_vec(&*value, config) {
        Ok(b) => b,
        Err(e) => panic!("{dataset}: bincode encode failed: {e}"),
    };
    let size = encoded.len();
    let mut out = vec![0u8; size];
    let mut cases =
        vec![Case::new(
            dataset,
            ENCODE,
            BINCODE,
            move || match bincode::encode_into_slice(black_box(&*value), &mut out, config) {
                Ok(n) => {
                    black_box(&out[..n]);
                }
                Err(e) => panic!("bincode encode failed: {e}"),
            },
        )];
    fn decode<T: bincode::Decode<()>>(b: &[u8]) -> T {
        match bincode::decode_from_slice::<T, _>(b, bincode::config::standard()) {
            Ok((v, _)) => v,
            Err(e) => panic!("bincode decode failed: {e}"),
        }
    }
    let b = encoded.clone();
    cases.push(Case::new(dataset, DECODE_READ, BINCODE, move || {
        black_box(read(&decode::<T>(black_box(&b))));
    }));
    let b = encoded;
    cases.push(Case::new(dataset, NATURAL, BINCODE, move || {
        black_box(decode::<T>(black_box(&b)));
    }));
    (cases, size)
}

/// postcard (serde): `to_slice` a reused buffer; `from_bytes` into the owned value.
pub fn postcard<T>(dataset: &str, value: Rc<T>, read: fn(&T) -> u64) -> (Vec<Case>, usize)
where
    T: serde::Serialize + serde::de::DeserializeOwned + 'static,
{
    let encoded = match postcard::to_stdvec(&*value) {
        Ok(b) => b,
        Err(e) => panic!("{dataset}: postcard serialize failed: {e}"),
    };
    let size = encoded.len();
    let mut out = vec![0u8; size];
    let mut cases = vec![Case::new(
        dataset,
        ENCODE,
        POSTCARD,
        move || match postcard::to_slice(black_box(&*value), &mut out) {
            Ok(s) => {
                black_box(s);
            }
            Err(e) => panic!("postcard serialize failed: {e}"),
        },
    )];
    fn decode<T: serde::de::DeserializeOwned>(b: &[u8]) -> T {
        match postcard::from_bytes::<T>(b) {
            Ok(v) => v,
            Err(e) => panic!("postcard deserialize failed: {e}"),
        }
    }
    let b = encoded.clone();
    cases.push(Case::new(dataset, DECODE_READ, POSTCARD, move || {
        black_box(read(&decode::<T>(black_box(&b))));
    }));
    let b = encoded;
    cases.push(Case::new(dataset, NATURAL, POSTCARD, move || {
        black_box(decode::<T>(black_box(&b)));
    }));
    (cases, size)
}

/// prost: `encode` the prost message into a reused `Vec`; `decode` into the owned
/// prost message (it has no zero-copy access). `value` is already the prost type, as
/// prost's documentation has applications use its generated types directly.
pub fn prost<M>(dataset: &str, value: M, read: fn(&M) -> u64) -> (Vec<Case>, usize)
where
    M: prost::Message + Default + 'static,
{
    let size = value.encoded_len();
    let mut out = Vec::with_capacity(size);
    let encoded = value.encode_to_vec();
    let mut cases = vec![Case::new(dataset, ENCODE, PROST, move || {
        out.clear();
        match black_box(&value).encode(&mut out) {
            Ok(()) => {
                black_box(&out);
            }
            Err(e) => panic!("prost encode failed: {e}"),
        }
    })];
    fn decode<M: prost::Message + Default>(b: &[u8]) -> M {
        match M::decode(b) {
            Ok(v) => v,
            Err(e) => panic!("prost decode failed: {e}"),
        }
    }
    let b = encoded.clone();
    cases.push(Case::new(dataset, DECODE_READ, PROST, move || {
        black_box(read(&decode::<M>(black_box(&b))));
    }));
    let b = encoded;
    cases.push(Case::new(dataset, NATURAL, PROST, move || {
        black_box(decode::<M>(black_box(&b)));
    }));
    (cases, size)
}

/// A capnp message buffer read back as a flat slice, aligned to words as capnp wants.
pub fn capnp_words(bytes: &[u8]) -> Vec<capnp::Word> {
    let mut words = capnp::Word::allocate_zeroed_vec(bytes.len().div_ceil(8));
    capnp::Word::words_to_bytes_mut(&mut words)[..bytes.len()].copy_from_slice(bytes);
    words
}

/// capnp reader options for the benchmark's large messages: no traversal limit (the
/// default 64 MiB limit is per message and would only be hit by repeated reads).
pub fn capnp_options() -> capnp::message::ReaderOptions {
    let mut o = capnp::message::ReaderOptions::new();
    o.traversal_limit_in_words(None);
    o
}
