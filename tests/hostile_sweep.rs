//! Failure accounting sweep: a resource message with handles nested in vectors, a table
//! and unions is truncated at every length, has every byte replaced, every bit of its
//! structural bytes flipped, and its handle table shortened, lengthened and reordered.
//! Every variant is decoded with fresh handles of the original kinds, and:
//!
//! * decoding never panics;
//! * on error, every handle passed in was closed exactly once;
//! * on success, dropping the value closes each exactly once, and re-encoding the value
//!   gives a message that decodes again and re-encodes to the same bytes (the canonical
//!   form is a fixed point). The only re-encode failure allowed is an unknown flexible
//!   union variant, whose data a decoder drops.

// Test types are not an API: their members need no docs.
#![allow(missing_docs)]

mod support;

use std::panic::{AssertUnwindSafe, catch_unwind};

use handoff::handle::{Handle, ObjectType, Rights};
use handoff::{DecodeOptions, Error, Fidl, MessageBuf};
use support::*;

#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct Pair {
    #[fidl(handle(object_type = 5, rights = 0xC003))]
    pub a: H,
    pub b: Option<H>,
}

#[derive(Debug, Fidl)]
#[fidl(union, flexible, resource)]
pub enum Choice {
    #[fidl(ordinal = 1)]
    Num(u32),
    #[fidl(ordinal = 2, handle(object_type = 4, rights = 0x8000_0000))]
    Chan(H),
    #[fidl(ordinal = 3)]
    Pair(Pair),
    #[fidl(ordinal = 4, max_len = 16)]
    Text(String),
    #[fidl(unknown)]
    UnknownOrdinal(u64),
}

#[derive(Debug, Default, Fidl)]
#[fidl(table, resource)]
pub struct Bag {
    #[fidl(ordinal = 1)]
    pub flag: Option<bool>,
    #[fidl(ordinal = 2)]
    pub h: Option<H>,
    #[fidl(
        ordinal = 3,
        max_len = 4,
        elem(handle(object_type = 5, rights = 0x8000_0000))
    )]
    pub hs: Option<Vec<H>>,
    #[fidl(ordinal = 5)]
    pub choice: Option<Choice>,
    #[fidl(ordinal = 6, max_len = 16)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Fidl)]
#[fidl(enum, strict, repr = u8)]
pub enum Color {
    Red = 1,
    Green = 2,
}

#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct Item {
    pub id: u16,
    pub color: Color,
    pub h: Option<H>,
    #[fidl(max_len = 8)]
    pub label: String,
}

#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct Msg {
    pub id: u32,
    #[fidl(handle(object_type = 4, rights = 0xF00E))]
    pub chan: H,
    #[fidl(max_len = 4)]
    pub items: Vec<Item>,
    pub bag: Bag,
    pub choice: Option<Box<Choice>>,
    pub tail: Option<H>,
}

/// The original message: nine handles in slots of every kind.
fn original(t: &Tracker) -> Msg {
    Msg {
        id: 0x1234_5678,
        chan: t.channel(),
        items: vec![
            Item {
                id: 1,
                color: Color::Red,
                h: Some(t.event()),
                label: "one".into(),
            },
            Item {
                id: 2,
                color: Color::Green,
                h: None,
                label: "second!".into(),
            },
        ],
        bag: Bag {
            flag: Some(true),
            h: Some(t.create(ObjectType::VMO, Rights::BASIC)),
            hs: Some(vec![t.event(), t.event()]),
            choice: Some(Choice::Pair(Pair {
                a: t.event(),
                b: Some(t.channel()),
            })),
            name: Some("bag".into()),
        },
        choice: Some(Box::new(Choice::Chan(t.channel()))),
        tail: Some(t.event()),
    }
}

/// The bytes of the original message and the kinds of its handles, in table order.
fn original_message() -> (Vec<u8>, Vec<(ObjectType, Rights)>) {
    let t = Tracker::new();
    let (bytes, handles) = encode(original(&t));
    let shapes = handles.iter().map(shape).collect();
    drop(handles);
    t.assert_all_closed_once();
    (bytes.to_vec(), shapes)
}

/// Decodes one variant of the message and checks the accounting. Returns whether it
/// decoded.
fn check_variant(
    what: &str,
    bytes: &[u8],
    shapes: &[(ObjectType, Rights)],
    opts: &DecodeOptions,
) -> bool {
    let t = Tracker::new();
    let handles: Vec<H> = shapes.iter().map(|&(ty, r)| t.create(ty, r)).collect();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        decode_with::<Msg>(bytes, handles, opts)
    }));
    let result = match outcome {
        Ok(r) => r,
        Err(_) => panic!("{what}: decode panicked\nbytes:{}", hex(bytes)),
    };
    let msg = match result {
        Err(_) => {
            t.assert_all_closed_once();
            return false;
        }
        Ok(msg) => msg,
    };
    // Views of a decoded message read without panicking.
    let _ = format!("{:?}", msg.view());
    let natural = msg.into_natural();
    let mut buf = MessageBuf::<H>::new();
    match buf.encode(natural) {
        Err(Error::FlexibleUnionUnknownField { .. }) => {}
        Err(e) => panic!(
            "{what}: re-encoding a decoded value failed: {e:?}\nbytes:{}",
            hex(bytes)
        ),
        Ok(()) => {
            let (again, handles) = buf.take();
            let again = again.to_vec();
            let redecoded = match decode::<Msg>(&again, handles) {
                Ok(m) => m,
                Err(e) => panic!(
                    "{what}: the re-encoded message does not decode: {e:?}\nbytes:{}",
                    hex(&again)
                ),
            };
            let (third, handles) = encode(redecoded.into_natural());
            assert_eq!(
                third.as_ref(),
                &again[..],
                "{what}: canonical form is not a fixed point"
            );
            drop(handles);
        }
    }
    assert!(buf.bytes().is_empty() && buf.handles().is_empty());
    t.assert_all_closed_once();
    true
}

#[test]
fn the_original_decodes() {
    let (bytes, shapes) = original_message();
    assert_eq!(shapes.len(), 9);
    assert!(check_variant(
        "original",
        &bytes,
        &shapes,
        &DecodeOptions::default()
    ));
    // It is canonical: decode then encode gives the same bytes.
    let t = Tracker::new();
    let handles: Vec<H> = shapes.iter().map(|&(ty, r)| t.create(ty, r)).collect();
    let back = assert_canonical::<Msg>(&bytes, handles);
    drop(back);
    t.assert_all_closed_once();
}

#[test]
fn truncated_at_every_length() {
    let (bytes, shapes) = original_message();
    for len in 0..bytes.len() {
        let ok = check_variant(
            &format!("truncated to {len}"),
            &bytes[..len],
            &shapes,
            &DecodeOptions::default(),
        );
        assert!(!ok, "a message truncated to {len} bytes decoded");
    }
    // Extended by zeros: trailing bytes.
    for extra in [1, 7, 8, 64] {
        let mut long = bytes.clone();
        long.resize(bytes.len() + extra, 0);
        assert!(!check_variant(
            &format!("extended by {extra}"),
            &long,
            &shapes,
            &DecodeOptions::default()
        ));
    }
}

#[test]
fn every_byte_replaced() {
    let (bytes, shapes) = original_message();
    let mut decoded = 0;
    for at in 0..bytes.len() {
        for f in [
            |b: u8| b ^ 0xff,
            |_| 0x00,
            |_| 0x01,
            |_| 0x80,
            |b: u8| b.wrapping_add(8),
        ] {
            let mut m = bytes.clone();
            m[at] = f(m[at]);
            if m[at] == bytes[at] {
                continue;
            }
            for opts in [
                DecodeOptions::default(),
                DecodeOptions::drop_unknown_handles(),
            ] {
                if check_variant(&format!("byte {at} = {:#04x}", m[at]), &m, &shapes, &opts) {
                    decoded += 1;
                }
            }
        }
    }
    // Data bytes (ids, string contents, the bool) can change and still decode.
    assert!(decoded > 0);
}

#[test]
fn every_bit_of_structural_bytes_flipped() {
    let (bytes, shapes) = original_message();
    // Every bit of every byte in the first 96 bytes (the primary object and the start of
    // the out-of-line objects: counts, markers, handle slots, envelopes).
    for at in 0..bytes.len().min(96) {
        for bit in 0..8 {
            let mut m = bytes.clone();
            m[at] ^= 1 << bit;
            check_variant(
                &format!("byte {at} bit {bit}"),
                &m,
                &shapes,
                &DecodeOptions::default(),
            );
        }
    }
    // Every bit of every 8-byte word that is a count, a marker or an envelope header,
    // found as words that are small counts, all ones, or have a flags field.
    for word in (0..bytes.len()).step_by(8) {
        let w = u64::from_le_bytes(bytes[word..word + 8].try_into().unwrap());
        let envelope_like = (w >> 48) <= 1 && w != 0 && w >> 32 != 0;
        if w == u64::MAX || (1..=64).contains(&w) || envelope_like {
            for bit in 0..64 {
                let mut m = bytes.clone();
                put64(&mut m, word, w ^ (1 << bit));
                check_variant(
                    &format!("word {word} bit {bit}"),
                    &m,
                    &shapes,
                    &DecodeOptions::default(),
                );
            }
        }
    }
}

#[test]
fn handle_table_mutations() {
    let (bytes, shapes) = original_message();
    let opts = DecodeOptions::default();
    // One fewer, none, one more, many more.
    assert!(!check_variant(
        "one handle fewer",
        &bytes,
        &shapes[..shapes.len() - 1],
        &opts
    ));
    assert!(!check_variant("no handles", &bytes, &[], &opts));
    let mut more = shapes.clone();
    more.push((ObjectType::EVENT, Rights::EVENT_DEFAULT));
    assert!(!check_variant("one handle more", &bytes, &more, &opts));
    let mut many = shapes.clone();
    many.resize(70, (ObjectType::EVENT, Rights::EVENT_DEFAULT));
    assert!(!check_variant("70 handles", &bytes, &many, &opts));
    // Every pair swapped: decodes only when the two have the same kind.
    for i in 0..shapes.len() {
        for j in i + 1..shapes.len() {
            let mut swapped = shapes.clone();
            swapped.swap(i, j);
            let ok = check_variant(
                &format!("handles {i} and {j} swapped"),
                &bytes,
                &swapped,
                &opts,
            );
            if shapes[i] == shapes[j] {
                assert!(
                    ok,
                    "swapping two handles of the same kind ({i}, {j}) broke the message"
                );
            }
        }
    }
    // Every handle replaced by one of each other kind, or without rights.
    for i in 0..shapes.len() {
        for kind in [
            (ObjectType::EVENT, Rights::EVENT_DEFAULT),
            (ObjectType::CHANNEL, Rights::CHANNEL_DEFAULT),
            (ObjectType::VMO, Rights::BASIC),
            (ObjectType::NONE, Rights::NONE),
            (ObjectType::UNKNOWN, Rights::SAME_RIGHTS),
        ] {
            let mut m = shapes.clone();
            m[i] = kind;
            check_variant(
                &format!("handle {i} replaced by {kind:?}"),
                &bytes,
                &m,
                &opts,
            );
        }
    }
}

/// The accounting holds for a value dropped without conversion, and for views only.
#[test]
fn dropping_a_decoded_message_closes_its_handles() {
    let (bytes, shapes) = original_message();
    let t = Tracker::new();
    let handles: Vec<H> = shapes.iter().map(|&(ty, r)| t.create(ty, r)).collect();
    let msg = decode::<Msg>(&bytes, handles).unwrap();
    let view = msg.view();
    assert_eq!(view.items().len(), 2);
    assert_eq!(view.items().get(1).map(|i| i.label()), Some("second!"));
    assert_eq!(view.bag().hs().map(|v| v.len()), Some(2));
    let chan = msg.handle(view.chan()).unwrap();
    assert_eq!(
        (chan.object_type(), chan.rights()),
        (ObjectType::CHANNEL, Rights::CHANNEL_DEFAULT)
    );
    // Nine handles open: the event in the pair was replaced by one with the declared
    // rights (its original closed), the rest are the originals.
    assert_eq!(t.open(), 9);
    assert_eq!(t.space.total_closes(), 1);
    drop(msg);
    t.assert_all_closed_once();
}
