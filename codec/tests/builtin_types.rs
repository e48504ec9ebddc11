//! The codec's built-in types on their own (no derive): exact bytes at the top level,
//! the patched form a decoded buffer is left in, the handle table API, and a
//! failure-accounting sweep over nested vectors and optionals of handles. These run with
//! `cargo test -p handoff-codec`, so the engine is checked without the proc macro.

use bytes::BytesMut;
use handoff_codec::handle::mem::{MemHandle, MemSpace};
use handoff_codec::handle::{Handle, ObjectType, Rights};
use handoff_codec::layout::{StringConstraint, VecConstraint};
use handoff_codec::{Decode, DecodeOptions, Decoded, Encode, Error, Layout, MessageBuf};

type H = MemHandle;

fn encode<T: Encode<H>>(value: T) -> (BytesMut, Vec<H>) {
    let mut buf = MessageBuf::<H>::new();
    buf.encode(value).expect("encode");
    buf.take()
}

fn rows(rows: &[[u8; 8]]) -> Vec<u8> {
    rows.concat()
}

fn le64(v: u64) -> [u8; 8] {
    v.to_le_bytes()
}

const P: [u8; 8] = [0xff; 8];
const A: [u8; 8] = [0; 8];

/// `value` encodes to `expected`; `expected` decodes to `value` and re-encodes to itself.
#[track_caller]
fn exact<T>(value: T, expected: &[u8])
where
    T: Encode<H> + Decode<H> + Clone + PartialEq + std::fmt::Debug,
{
    let (bytes, handles) = encode(value.clone());
    assert_eq!(&bytes[..], expected);
    assert!(handles.is_empty());
    let natural = Decoded::<T, H>::decode(bytes, vec![])
        .expect("decode")
        .into_natural();
    assert_eq!(natural, value);
    let (again, _) = encode(natural);
    assert_eq!(&again[..], expected);
}

#[test]
fn built_in_types_have_exact_bytes() {
    exact(0x7fu8, &rows(&[[0x7f, 0, 0, 0, 0, 0, 0, 0]]));
    exact(-1i16, &rows(&[[0xff, 0xff, 0, 0, 0, 0, 0, 0]]));
    exact(
        0xdead_beefu32,
        &rows(&[[0xef, 0xbe, 0xad, 0xde, 0, 0, 0, 0]]),
    );
    exact(i64::MIN, &rows(&[le64(1 << 63)]));
    exact(true, &rows(&[[1, 0, 0, 0, 0, 0, 0, 0]]));
    exact(-0.0f64, &rows(&[le64(1 << 63)]));
    exact([1u16, 2, 3], &rows(&[[1, 0, 2, 0, 3, 0, 0, 0]]));
    exact([[1u8; 3]; 3], &rows(&[[1; 8], [1, 0, 0, 0, 0, 0, 0, 0]]));
    exact(
        String::from("abc"),
        &rows(&[le64(3), P, [b'a', b'b', b'c', 0, 0, 0, 0, 0]]),
    );
    exact(None::<String>, &rows(&[A, A]));
    exact(Some(String::new()), &rows(&[le64(0), P]));
    exact(
        vec![0x0102u16],
        &rows(&[le64(1), P, [2, 1, 0, 0, 0, 0, 0, 0]]),
    );
    exact(
        vec![Some(String::from("x")), None],
        &rows(&[le64(2), P, le64(1), P, A, A, [b'x', 0, 0, 0, 0, 0, 0, 0]]),
    );
    exact(
        Some(vec![vec![7u8]]),
        &rows(&[le64(1), P, le64(1), P, [7, 0, 0, 0, 0, 0, 0, 0]]),
    );
    exact(
        vec![[1u32, 2]; 2],
        &rows(&[
            le64(2),
            P,
            [1, 0, 0, 0, 2, 0, 0, 0],
            [1, 0, 0, 0, 2, 0, 0, 0],
        ]),
    );
}

/// A top-level string or vector takes its bound from `encode_constrained`.
#[test]
fn top_level_bounds() {
    let mut buf = MessageBuf::<H>::new();
    buf.encode_constrained("abcd", StringConstraint { max_len: 4 })
        .unwrap();
    let e = buf
        .encode_constrained("abcde", StringConstraint { max_len: 4 })
        .unwrap_err();
    assert_eq!(
        e,
        Error::StringTooLong {
            offset: 0,
            len: 5,
            limit: 4
        }
    );
    let c = VecConstraint {
        max_len: 1,
        elem: (),
    };
    let e = buf.encode_constrained(vec![1u8, 2], c).unwrap_err();
    assert_eq!(
        e,
        Error::CountExceedsLimit {
            offset: 0,
            count: 2,
            limit: 1
        }
    );
    assert!(buf.bytes().is_empty());
}

/// Validation patches markers in place: a present marker becomes the offset of its
/// object, a handle slot the handle's index plus one. The patched bytes are not wire bytes.
#[test]
fn decoded_bytes_are_patched() {
    let space = MemSpace::new();
    let value: Vec<Option<String>> = vec![Some("ab".into()), None, Some("c".into())];
    let (bytes, _) = encode(value);
    let wire = bytes.to_vec();
    let msg = Decoded::<Vec<Option<String>>, H>::decode(bytes, vec![]).unwrap();
    let strings: Vec<Option<&str>> = msg.view().iter().collect();
    assert_eq!(strings, [Some("ab"), None, Some("c")]);
    let (patched, _) = msg.into_parts();
    assert_eq!(&patched[8..16], &le64(16)); // the vector body's offset
    assert_eq!(&patched[24..32], &le64(64)); // "ab" at 64
    assert_eq!(&patched[40..48], &A); // absent stays 0
    assert_eq!(&patched[56..64], &le64(72)); // "c" at 72
    assert_ne!(&patched[..], &wire[..]);

    let (bytes, handles) = encode(vec![Some(space.event()), None, Some(space.channel())]);
    let msg = Decoded::<Vec<Option<H>>, H>::decode(bytes, handles).unwrap();
    let refs: Vec<Option<usize>> = msg.view().iter().map(|r| r.map(|r| r.index())).collect();
    assert_eq!(refs, [Some(0), None, Some(1)]);
    assert_eq!(
        msg.handle(msg.view().get(2).unwrap().unwrap())
            .map(Handle::object_type),
        Some(ObjectType::CHANNEL)
    );
    let (patched, mut table) = msg.into_parts();
    assert_eq!(&patched[16..28], &[1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0]);
    assert_eq!(table.len(), 2);
    let first = msg_ref(&patched, 16);
    let taken = table.try_take(first).expect("handle 0");
    assert!(table.try_take(first).is_none(), "a handle is taken once");
    assert!(table.get(first).is_none());
    assert_eq!(table.drain().count(), 1);
    drop(taken);
    assert_eq!(space.open_count(), 0);
}

fn msg_ref(patched: &[u8], at: usize) -> handoff_codec::HandleRef {
    handoff_codec::HandleRef::from_patched(patched, at)
}

/// The sweep over a built-in resource type: `vector<vector<handle>:optional>`.
#[test]
fn sweep_nested_vectors_of_handles() {
    type Msg = Vec<Option<Vec<H>>>;
    let space = MemSpace::new();
    let value: Msg = vec![
        Some(vec![space.event(), space.event()]),
        None,
        Some(vec![]),
        Some(vec![space.channel()]),
    ];
    let (bytes, handles) = encode(value);
    let kinds: Vec<(ObjectType, Rights)> = handles
        .iter()
        .map(|h| (h.object_type(), h.rights()))
        .collect();
    drop(handles);
    let bytes = bytes.to_vec();
    let mut variants: Vec<Vec<u8>> = (0..bytes.len()).map(|n| bytes[..n].to_vec()).collect();
    for at in 0..bytes.len() {
        for f in [|b: u8| b ^ 0xff, |b: u8| b ^ 1, |_| 0] {
            let mut m = bytes.clone();
            m[at] = f(m[at]);
            variants.push(m);
        }
    }
    variants.push(bytes.clone());
    let mut decoded = 0;
    for m in &variants {
        let space = MemSpace::new();
        let handles: Vec<H> = kinds.iter().map(|&(t, r)| space.create(t, r)).collect();
        let raws: Vec<u32> = handles.iter().map(MemHandle::raw).collect();
        match Decoded::<Msg, H>::decode(BytesMut::from(&m[..]), handles) {
            Err(_) => {}
            Ok(msg) => {
                decoded += 1;
                let (again, handles) = encode(msg.into_natural());
                let back = Decoded::<Msg, H>::decode(again.clone(), handles)
                    .expect("re-encoded message decodes");
                let (third, handles) = encode(back.into_natural());
                assert_eq!(third, again);
                drop(handles);
            }
        }
        for raw in raws {
            assert_eq!(space.close_count(raw), 1);
        }
        assert_eq!(space.open_count(), 0);
    }
    assert!(decoded > 1);
}

/// The static facts of the built-in types.
#[test]
fn layouts() {
    assert_eq!(
        (<u16 as Layout>::INLINE_SIZE, <u16 as Layout>::ALIGN),
        (2, 2)
    );
    assert_eq!(<String as Layout>::INLINE_SIZE, 16);
    assert_eq!(<Option<String> as Layout>::INLINE_SIZE, 16);
    assert_eq!(<[u32; 3] as Layout>::INLINE_SIZE, 12);
    assert_eq!(<Vec<H> as Layout>::MAX_HANDLES, handoff_codec::UNBOUNDED);
    assert_eq!(<[H; 3] as Layout>::MAX_HANDLES, 3);
    assert_eq!(<Vec<u8> as Layout>::MAX_HANDLES, 0);
    const { assert!(<Option<H> as Layout>::IS_RESOURCE) };
    const { assert!(!<Vec<String> as Layout>::IS_RESOURCE) };
    assert_eq!(<u64 as Layout>::MAX_OUT_OF_LINE, 0);
    assert_eq!(
        <Vec<u8> as Layout>::MAX_OUT_OF_LINE,
        handoff_codec::UNBOUNDED
    );
}

/// An array of handles: every slot required, claimed in order.
#[test]
fn arrays_of_handles() {
    let space = MemSpace::new();
    let (bytes, handles) = encode([space.event(), space.channel()]);
    assert_eq!(&bytes[..], &[0xff; 8]);
    let msg = Decoded::<[H; 2], H>::decode(bytes, handles).unwrap();
    let [a, b] = msg.into_natural();
    assert_eq!(
        (a.object_type(), b.object_type()),
        (ObjectType::EVENT, ObjectType::CHANNEL)
    );
    drop((a, b));
    // One slot absent: the array's elements are not optional.
    let e = Decoded::<[H; 2], H>::decode(
        BytesMut::from(&[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0][..]),
        vec![space.event()],
    )
    .unwrap_err();
    assert_eq!(e, Error::NonNullableTypeWithNullValue { offset: 4 });
    assert_eq!(space.open_count(), 0);
    let _ = DecodeOptions::default();
}
