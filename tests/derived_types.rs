//! Round trips and exact bytes of types written with `#[derive(Fidl)]`: tables in unions
//! in vectors, optional handles, boxes, every primitive, enums and bits of each width,
//! the static `MAX_HANDLES` bound, and what decoding does with handles it cannot place.
//!
//! Expected bytes are written as 8-byte rows, the unit of FIDL's wire alignment.
//!
//! Recursive types are in the run-pass program `tests/ui/pass/recursive_types.rs` (run by
//! `tests/derive_ui.rs`), because with the derive as it is they do not compile.

#![allow(
    missing_docs,
    reason = "test fixtures: each mirrors a FIDL declaration its test explains"
)]

use handoff::codec::{Decode, Layout, UNBOUNDED};
use handoff::handle::ObjectType;
use handoff::handle::mem::{MemHandle, MemSpace};
use handoff::{DecodeOptions, Decoded, Error, Fidl, MessageBuf};

#[path = "ui/helpers.rs"]
mod helpers;
use helpers::*;

// ---------------------------------------------------------------------------------------
// Unions in vectors

/// A flexible value union.
#[derive(Debug, Clone, PartialEq, Fidl)]
#[fidl(union, flexible)]
pub enum Choice {
    #[fidl(ordinal = 1, max_len = 8)]
    Name(String),
    #[fidl(ordinal = 2)]
    Count(u64),
    #[fidl(ordinal = 3)]
    Flag(bool),
    #[fidl(unknown)]
    UnknownOrdinal(u64),
}

/// A bounded vector of unions, and an optional union.
#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Bag {
    #[fidl(max_len = 4)]
    pub items: Vec<Choice>,
    pub maybe: Option<Box<Choice>>,
}

#[test]
fn unions_in_a_vector() {
    let bag = Bag {
        items: vec![
            Choice::Name("ab".into()),
            Choice::Count(5),
            Choice::Flag(true),
        ],
        maybe: None,
    };
    let expected = [
        row(3), // 3 items
        FF,
        ZERO, // no `maybe`
        ZERO,
        row(1),            // item 0: ordinal 1
        env(24, 0, false), // string header and body
        row(2),            // item 1: ordinal 2
        env(8, 0, false),  // a u64
        row(3),            // item 2: ordinal 3
        inline_env([1, 0, 0, 0], 0),
        row(2), // item 0's string
        FF,
        *b"ab\0\0\0\0\0\0",
        row(5), // item 1's u64
    ];
    value_round_trip::<Bag>(&bag, &expected);

    let bag = Bag {
        items: vec![],
        maybe: Some(Box::new(Choice::Count(9))),
    };
    let expected = [row(0), FF, row(2), env(8, 0, false), row(9)];
    value_round_trip::<Bag>(&bag, &expected);

    // The view reaches every level in place.
    let bag = Bag {
        items: vec![Choice::Name("xyz".into()), Choice::Flag(false)],
        maybe: None,
    };
    let (bytes, handles) = encode(&bag);
    let msg = Decoded::<Bag, H>::decode(bytes, handles).unwrap();
    let items = msg.view().items();
    assert_eq!(items.len(), 2);
    assert!(
        matches!(items.get(0), Some(ChoiceView::Name("xyz"))),
        "{items:?}"
    );
    assert!(
        matches!(items.get(1), Some(ChoiceView::Flag(false))),
        "{items:?}"
    );
    assert!(msg.view().maybe().is_none());
}

#[test]
fn bounds_of_union_members_are_enforced() {
    let mut buf = MessageBuf::<H>::new();
    let too_many = Bag {
        items: vec![Choice::Count(1); 5],
        maybe: None,
    };
    assert!(matches!(
        buf.encode(&too_many),
        Err(Error::CountExceedsLimit { .. })
    ));
    let long_name = Bag {
        items: vec![Choice::Name("123456789".into())],
        maybe: None,
    };
    assert!(matches!(
        buf.encode(long_name),
        Err(Error::StringTooLong { .. })
    ));
    // The same bytes from a peer that does not check: rejected on decode.
    let mut five = vec![row(5), FF, ZERO, ZERO];
    for _ in 0..5 {
        five.extend([row(2), env(8, 0, false)]);
    }
    five.extend([row(1); 5]);
    assert!(matches!(
        decode::<Bag>(bytes_of(&five), Vec::new()),
        Err(Error::CountExceedsLimit { .. })
    ));
}

/// The next version of [`Choice`]: a variant [`Choice`] does not know.
#[derive(Debug, Clone, PartialEq, Fidl)]
#[fidl(union, flexible)]
pub enum ChoiceV2 {
    #[fidl(ordinal = 2)]
    Count(u64),
    #[fidl(ordinal = 7)]
    Later(Vec<u16>),
    #[fidl(unknown)]
    UnknownOrdinal(u64),
}

#[test]
fn unknown_union_variant_round_trips_as_its_ordinal() {
    let newer = ChoiceV2::Later(vec![1, 2, 3]);
    let expected = [
        row(7),
        env(24, 0, false),
        row(3),
        FF,
        [1, 0, 2, 0, 3, 0, 0, 0],
    ];
    let (bytes, handles) = encode_checked(&newer, &expected, 0);
    assert_eq!(
        decode::<Choice>(bytes, handles).unwrap(),
        Choice::UnknownOrdinal(7)
    );
    // An unknown variant cannot be encoded: its content is gone.
    let mut buf = MessageBuf::<H>::new();
    assert_eq!(
        buf.encode(Choice::UnknownOrdinal(7)),
        Err(Error::FlexibleUnionUnknownField { ordinal: 7 })
    );
    #[allow(
        clippy::needless_borrows_for_generic_args,
        reason = "encoding by reference"
    )]
    let by_ref = buf.encode(&Choice::UnknownOrdinal(7));
    assert_eq!(by_ref, Err(Error::FlexibleUnionUnknownField { ordinal: 7 }));
    assert!(buf.bytes().is_empty());
}

// ---------------------------------------------------------------------------------------
// Value tables in unions in vectors

/// A value table with a gap at ordinal 2.
#[derive(Debug, Clone, PartialEq, Default, Fidl)]
#[fidl(table)]
pub struct Settings {
    #[fidl(ordinal = 1)]
    pub volume: Option<u32>,
    #[fidl(ordinal = 3, max_len = 8)]
    pub name: Option<String>,
}

/// A flexible value union holding a table.
#[derive(Debug, Clone, PartialEq, Fidl)]
#[fidl(union, flexible)]
pub enum Entry {
    #[fidl(ordinal = 1)]
    Settings(Settings),
    #[fidl(ordinal = 2)]
    Count(u64),
    #[fidl(unknown)]
    UnknownOrdinal(u64),
}

/// A vector of unions.
#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Journal {
    #[fidl(max_len = 4)]
    pub entries: Vec<Entry>,
}

#[test]
fn tables_in_unions_in_a_vector() {
    let journal = Journal {
        entries: vec![
            Entry::Settings(Settings {
                volume: Some(7),
                name: Some("ab".into()),
            }),
            Entry::Count(5),
            Entry::Settings(Settings::default()),
        ],
    };
    let expected = [
        row(3), // 3 entries
        FF,
        row(1),            // entry 0: ordinal 1
        env(64, 0, false), // table header, 3 envelopes, string header and body
        row(2),            // entry 1: ordinal 2
        env(8, 0, false),  // a u64
        row(1),            // entry 2: ordinal 1
        env(16, 0, false), // an empty table: its header only
        row(3),            // entry 0's table: 3 envelopes
        FF,
        inline_env([7, 0, 0, 0], 0), // volume
        ZERO,                        // ordinal 2: absent
        env(24, 0, false),           // name: string header and body
        row(2),
        FF,
        *b"ab\0\0\0\0\0\0",
        row(5), // entry 1's u64
        row(0), // entry 2's table: no envelopes
        FF,
    ];
    value_round_trip::<Journal>(&journal, &expected);

    // The view reaches every level in place.
    let (bytes, handles) = encode_checked(&journal, &expected, 0);
    let msg = Decoded::<Journal, H>::decode(bytes, handles).unwrap();
    let entries = msg.view().entries();
    assert_eq!(entries.len(), 3);
    match entries.get(0).unwrap() {
        EntryView::Settings(s) => {
            assert_eq!(s.volume(), Some(7));
            assert_eq!(s.name(), Some("ab"));
        }
        other => panic!("entry 0 is {other:?}"),
    }
    assert!(matches!(entries.get(1), Some(EntryView::Count(5))));
    match entries.get(2).unwrap() {
        EntryView::Settings(s) => assert_eq!((s.volume(), s.name()), (None, None)),
        other => panic!("entry 2 is {other:?}"),
    }
}

#[test]
fn bounds_of_nested_members_are_enforced() {
    let too_many = Journal {
        entries: vec![Entry::Count(1); 5],
    };
    let mut buf = MessageBuf::<H>::new();
    assert!(matches!(
        buf.encode(&too_many),
        Err(Error::CountExceedsLimit { .. })
    ));
    let long_name = Journal {
        entries: vec![Entry::Settings(Settings {
            volume: None,
            name: Some("123456789".into()),
        })],
    };
    assert!(matches!(
        buf.encode(&long_name),
        Err(Error::StringTooLong { .. })
    ));
}

/// The next version of [`Entry`]: a variant [`Entry`] does not know, with a table in it.
#[derive(Debug, Clone, PartialEq, Fidl)]
#[fidl(union, flexible)]
pub enum EntryV2 {
    #[fidl(ordinal = 2)]
    Count(u64),
    #[fidl(ordinal = 9)]
    Later(Settings),
    #[fidl(unknown)]
    UnknownOrdinal(u64),
}

#[test]
fn unknown_union_variant_holding_a_table_round_trips_as_its_ordinal() {
    let newer = EntryV2::Later(Settings {
        volume: Some(1),
        name: None,
    });
    let expected = [
        row(9),
        env(24, 0, false),
        row(1),
        FF,
        inline_env([1, 0, 0, 0], 0),
    ];
    let (bytes, handles) = encode_checked(&newer, &expected, 0);
    assert_eq!(
        decode::<Entry>(bytes, handles).unwrap(),
        Entry::UnknownOrdinal(9)
    );
    // Inside the vector of a value struct too.
    let (bytes, handles) = encode(vec![EntryV2::Count(4), newer]);
    let journal = decode::<Journal>(bytes, handles).unwrap();
    assert_eq!(journal.entries, [Entry::Count(4), Entry::UnknownOrdinal(9)]);
}

// ---------------------------------------------------------------------------------------
// Optional handles

/// An optional handle between two numbers, with padding around it.
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct MaybeEvent {
    pub tag: u16,
    #[fidl(handle(object_type = 5, rights = 0x8000_0000))]
    pub event: Option<H>,
    pub after: u32,
}

#[test]
fn optional_handle_in_a_struct() {
    let space = MemSpace::new();
    let event = space.event();
    let koid = event.koid();
    let present = [
        [0x34, 0x12, 0, 0, 0xff, 0xff, 0xff, 0xff],
        [9, 0, 0, 0, 0, 0, 0, 0],
    ];
    let (bytes, handles) = encode_checked(
        MaybeEvent {
            tag: 0x1234,
            event: Some(event),
            after: 9,
        },
        &present,
        1,
    );
    let back = decode::<MaybeEvent>(bytes, handles).unwrap();
    assert_eq!((back.tag, back.after), (0x1234, 9));
    assert_eq!(back.event.as_ref().map(MemHandle::koid), Some(koid));
    drop(back);

    let absent = [[0x34, 0x12, 0, 0, 0, 0, 0, 0], [9, 0, 0, 0, 0, 0, 0, 0]];
    let (bytes, handles) = encode_checked(
        MaybeEvent {
            tag: 0x1234,
            event: None,
            after: 9,
        },
        &absent,
        0,
    );
    assert!(
        decode::<MaybeEvent>(bytes, handles)
            .unwrap()
            .event
            .is_none()
    );
    assert_eq!(space.open_count(), 0);
}

#[test]
fn handle_of_the_wrong_type_is_rejected_and_closed() {
    let space = MemSpace::new();
    let channel = space.channel();
    let raw = channel.raw();
    let present = [[0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff], ZERO];
    let (bytes, handles) = encode_checked(
        MaybeEvent {
            tag: 0,
            event: Some(channel),
            after: 0,
        },
        &present,
        1,
    );
    let err = decode::<MaybeEvent>(bytes, handles).unwrap_err();
    assert!(
        matches!(
            err,
            Error::IncorrectHandleType {
                offset: 4,
                expected: ObjectType::EVENT,
                found: ObjectType::CHANNEL
            }
        ),
        "{err:?}"
    );
    assert_all_closed_once(&space, &[raw]);
}

/// A resource table with a handle member.
#[derive(Debug, Default, Fidl)]
#[fidl(table, resource)]
pub struct EventTable {
    #[fidl(ordinal = 1, handle(object_type = 5))]
    pub event: Option<H>,
    #[fidl(ordinal = 2)]
    pub label: Option<u8>,
}

#[test]
fn handle_member_of_a_table_present_and_absent() {
    let space = MemSpace::new();
    let event = space.event();
    let koid = event.koid();
    let both = [
        row(2),
        FF,
        inline_env([0xff; 4], 1),
        inline_env([3, 0, 0, 0], 0),
    ];
    let (bytes, handles) = encode_checked(
        EventTable {
            event: Some(event),
            label: Some(3),
        },
        &both,
        1,
    );
    let back = decode::<EventTable>(bytes, handles).unwrap();
    assert_eq!(back.event.as_ref().map(|h| h.koid()), Some(koid));
    assert_eq!(back.label, Some(3));
    drop(back);

    let label_only = [row(2), FF, ZERO, inline_env([3, 0, 0, 0], 0)];
    let (bytes, handles) = encode_checked(
        EventTable {
            event: None,
            label: Some(3),
        },
        &label_only,
        0,
    );
    let back = decode::<EventTable>(bytes, handles).unwrap();
    assert!(back.event.is_none());

    let event_only = [row(1), FF, inline_env([0xff; 4], 1)];
    let (bytes, handles) = encode_checked(
        EventTable {
            event: Some(space.event()),
            label: None,
        },
        &event_only,
        1,
    );
    assert!(
        decode::<EventTable>(bytes, handles)
            .unwrap()
            .event
            .is_some()
    );

    let (bytes, handles) = encode_checked(EventTable::default(), &[row(0), FF], 0);
    assert!(
        decode::<EventTable>(bytes, handles)
            .unwrap()
            .event
            .is_none()
    );
    assert_eq!(space.open_count(), 0);
}

/// A strict resource union with a handle variant.
#[derive(Debug, Fidl)]
#[fidl(union, strict, resource)]
pub enum EventOrCode {
    #[fidl(ordinal = 1, handle(object_type = 5))]
    Event(H),
    #[fidl(ordinal = 2)]
    Code(i32),
}

/// Optional unions, boxed and not (the same wire form).
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct UnionHolder {
    pub boxed: Option<Box<EventOrCode>>,
    pub plain: Option<EventOrCode>,
}

#[test]
fn handle_in_optional_unions() {
    let space = MemSpace::new();
    let (e1, e2) = (space.event(), space.event());
    let (k1, k2) = (e1.koid(), e2.koid());
    let expected = [
        row(1),
        inline_env([0xff; 4], 1),
        row(1),
        inline_env([0xff; 4], 1),
    ];
    let value = UnionHolder {
        boxed: Some(Box::new(EventOrCode::Event(e1))),
        plain: Some(EventOrCode::Event(e2)),
    };
    let (bytes, handles) = encode_checked(value, &expected, 2);
    let back = decode::<UnionHolder>(bytes, handles).unwrap();
    match (back.boxed.as_deref(), back.plain.as_ref()) {
        (Some(EventOrCode::Event(a)), Some(EventOrCode::Event(b))) => {
            assert_eq!((a.koid(), b.koid()), (k1, k2))
        }
        other => panic!("{other:?}"),
    }
    drop(back);

    let expected = [ZERO, ZERO, row(2), inline_env((-2i32).to_le_bytes(), 0)];
    let (bytes, handles) = encode_checked(
        UnionHolder {
            boxed: None,
            plain: Some(EventOrCode::Code(-2)),
        },
        &expected,
        0,
    );
    let back = decode::<UnionHolder>(bytes, handles).unwrap();
    assert!(back.boxed.is_none());
    assert!(matches!(back.plain, Some(EventOrCode::Code(-2))));
    assert_eq!(space.open_count(), 0);
}

#[test]
fn strict_union_rejects_an_unknown_ordinal() {
    let bytes = bytes_of(&[row(3), inline_env([1, 0, 0, 0], 0)]);
    assert_eq!(
        decode::<EventOrCode>(bytes, Vec::new()).unwrap_err(),
        Error::StrictUnionUnknownField {
            offset: 0,
            ordinal: 3
        }
    );
}

// ---------------------------------------------------------------------------------------
// Boxed structs

/// A struct with padding.
#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Point {
    pub x: u64,
    pub y: u32,
}

/// `box<Point>` written both ways.
#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Boxes {
    pub boxed: Option<Box<Point>>,
    pub plain: Option<Point>,
}

#[test]
fn optional_struct_as_option_of_it() {
    let value = Boxes {
        boxed: None,
        plain: Some(Point { x: 3, y: 4 }),
    };
    value_round_trip::<Boxes>(&value, &[ZERO, FF, row(3), row(4)]);
    value_round_trip::<Boxes>(
        &Boxes {
            boxed: None,
            plain: None,
        },
        &[ZERO, ZERO],
    );
}

#[test]
fn optional_struct_as_option_of_box() {
    let value = Boxes {
        boxed: Some(Box::new(Point { x: 1, y: 2 })),
        plain: Some(Point { x: 3, y: 4 }),
    };
    value_round_trip::<Boxes>(&value, &[FF, FF, row(1), row(2), row(3), row(4)]);
    // Each box puts a 16-byte Point out of line.
    assert_eq!(Boxes::MAX_OUT_OF_LINE, 32);
}

// ---------------------------------------------------------------------------------------
// Primitives, enums, bits

/// Every primitive type, in an order that needs padding.
#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Prims {
    pub b: bool,
    pub i_8: i8,
    pub i_16: i16,
    pub i_32: i32,
    pub i_64: i64,
    pub u_8: u8,
    pub u_16: u16,
    pub u_32: u32,
    pub u_64: u64,
    pub f_32: f32,
    pub f_64: f64,
}

const PRIMS: Prims = Prims {
    b: true,
    i_8: -2,
    i_16: -3,
    i_32: -4,
    i_64: -5,
    u_8: 0xab,
    u_16: 0x1234,
    u_32: 0xdead_beef,
    u_64: 0x0102_0304_0506_0708,
    f_32: 1.5,
    f_64: -2.25,
};

const PRIMS_BYTES: [[u8; 8]; 6] = [
    [0x01, 0xfe, 0xfd, 0xff, 0xfc, 0xff, 0xff, 0xff], // b, i_8, i_16, i_32
    [0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // i_64
    [0xab, 0x00, 0x34, 0x12, 0xef, 0xbe, 0xad, 0xde], // u_8, padding, u_16, u_32
    [0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01], // u_64
    [0x00, 0x00, 0xc0, 0x3f, 0x00, 0x00, 0x00, 0x00], // f_32, padding
    [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xc0], // f_64
];

#[test]
fn every_primitive_in_one_struct() {
    assert_eq!(Prims::INLINE_SIZE, 48);
    assert_eq!(Prims::ALIGN, 8);
    value_round_trip::<Prims>(&PRIMS, &PRIMS_BYTES);

    let (bytes, handles) = encode_checked(&PRIMS, &PRIMS_BYTES, 0);
    let msg = Decoded::<Prims, H>::decode(bytes, handles).unwrap();
    let v = msg.view();
    assert!(v.b());
    assert_eq!((v.i_8(), v.i_16(), v.i_32(), v.i_64()), (-2, -3, -4, -5));
    assert_eq!(
        (v.u_8(), v.u_16(), v.u_32(), v.u_64()),
        (0xab, 0x1234, 0xdead_beef, 0x0102_0304_0506_0708)
    );
    assert_eq!((v.f_32(), v.f_64()), (1.5, -2.25));
}

#[test]
fn bad_bool_and_nonzero_padding_are_rejected() {
    let mut bad_bool = PRIMS_BYTES;
    bad_bool[0][0] = 2;
    assert_eq!(
        decode::<Prims>(bytes_of(&bad_bool), Vec::new()),
        Err(Error::InvalidBoolean {
            offset: 0,
            found: 2
        })
    );
    let mut bad_pad = PRIMS_BYTES;
    bad_pad[2][1] = 1;
    assert_eq!(
        decode::<Prims>(bytes_of(&bad_pad), Vec::new()),
        Err(Error::InvalidPaddingByte { offset: 17 })
    );
    let mut bad_tail = PRIMS_BYTES;
    bad_tail[4][7] = 1;
    assert_eq!(
        decode::<Prims>(bytes_of(&bad_tail), Vec::new()),
        Err(Error::InvalidPaddingByte { offset: 39 })
    );
}

macro_rules! strict_enum {
    ($name:ident, $repr:ident, $a:expr, $b:expr) => {
        /// A strict enum of this width.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Fidl)]
        #[fidl(enum, strict, repr = $repr)]
        pub enum $name {
            #[fidl(value = $a)]
            A,
            #[fidl(value = $b)]
            B,
        }
    };
}

strict_enum!(EU8, u8, 1, u8::MAX);
strict_enum!(EU16, u16, 2, u16::MAX);
strict_enum!(EU32, u32, 3, u32::MAX);
strict_enum!(EU64, u64, 4, u64::MAX);
strict_enum!(EI8, i8, -1, i8::MIN);
strict_enum!(EI16, i16, -2, i16::MIN);
strict_enum!(EI32, i32, -3, i32::MIN);
strict_enum!(EI64, i64, -4, i64::MIN);

/// One enum of each width.
#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct AllEnums {
    pub a: EU8,
    pub b: EU16,
    pub c: EU32,
    pub d: EU64,
    pub e: EI8,
    pub f: EI16,
    pub g: EI32,
    pub h: EI64,
}

#[test]
fn enum_of_each_repr() {
    let firsts = AllEnums {
        a: EU8::A,
        b: EU16::A,
        c: EU32::A,
        d: EU64::A,
        e: EI8::A,
        f: EI16::A,
        g: EI32::A,
        h: EI64::A,
    };
    let expected = [
        [1, 0, 2, 0, 3, 0, 0, 0],
        row(4),
        [0xff, 0, 0xfe, 0xff, 0xfd, 0xff, 0xff, 0xff],
        (-4i64).to_le_bytes(),
    ];
    value_round_trip::<AllEnums>(&firsts, &expected);
    let seconds = AllEnums {
        a: EU8::B,
        b: EU16::B,
        c: EU32::B,
        d: EU64::B,
        e: EI8::B,
        f: EI16::B,
        g: EI32::B,
        h: EI64::B,
    };
    let expected = [
        [0xff, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
        FF,
        [0x80, 0, 0x00, 0x80, 0x00, 0x00, 0x00, 0x80],
        i64::MIN.to_le_bytes(),
    ];
    value_round_trip::<AllEnums>(&seconds, &expected);
    assert_eq!(EI64::B.into_primitive(), i64::MIN);
    assert_eq!(EU16::A.into_primitive(), 2);

    // A value no member has: rejected, with the value sign-extended.
    let mut unknown = expected;
    unknown[2][0] = 0x7f;
    assert_eq!(
        decode::<AllEnums>(bytes_of(&unknown), Vec::new()),
        Err(Error::StrictEnumUnknownValue {
            offset: 16,
            value: 0x7f
        })
    );
    let mut unknown = expected;
    unknown[2][4] = 0x01; // -3 + 1 doesn't name a member: 0x8000_0001
    assert_eq!(
        decode::<AllEnums>(bytes_of(&unknown), Vec::new()),
        Err(Error::StrictEnumUnknownValue {
            offset: 20,
            value: i128::from(i32::MIN + 1)
        })
    );
}

/// Enums with CamelCase members.
mod camel_case {
    #![allow(
        non_upper_case_globals,
        reason = "bug: the derive names a const per member `__FIDL_VALUE_<Member>` without \
                  allowing non_upper_case_globals (tests/ui/pass/enum_member_names.rs)"
    )]
    use handoff::Fidl;

    /// A flexible enum with negative values.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Fidl)]
    #[fidl(enum, flexible, repr = i16)]
    pub enum Level {
        #[fidl(value = -100)]
        Low,
        #[fidl(value = 3)]
        High,
        #[fidl(unknown)]
        UnknownValue(i16),
    }

    /// A flexible enum of the widest unsigned repr.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Fidl)]
    #[fidl(enum, flexible, repr = u64)]
    pub enum Wide {
        #[fidl(value = 1)]
        One,
        #[fidl(unknown)]
        UnknownValue(u64),
    }
}
use camel_case::{Level, Wide};

/// Two flexible enums.
#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Flexibles {
    pub level: Level,
    pub wide: Wide,
}

#[test]
fn flexible_enum_keeps_unknown_values() {
    let known = Flexibles {
        level: Level::Low,
        wide: Wide::One,
    };
    value_round_trip::<Flexibles>(&known, &[[0x9c, 0xff, 0, 0, 0, 0, 0, 0], row(1)]);
    let unknown = Flexibles {
        level: Level::UnknownValue(-7),
        wide: Wide::UnknownValue(u64::MAX),
    };
    value_round_trip::<Flexibles>(&unknown, &[[0xf9, 0xff, 0, 0, 0, 0, 0, 0], FF]);
    assert_eq!(Level::UnknownValue(-7).into_primitive(), -7);
    assert_eq!(Level::High.into_primitive(), 3);
    // Bytes of a known value decode as the member, whatever variant wrote them.
    let (bytes, handles) = encode_checked(
        Flexibles {
            level: Level::UnknownValue(3),
            wide: Wide::One,
        },
        &[row(3), row(1)],
        0,
    );
    assert_eq!(
        decode::<Flexibles>(bytes, handles).unwrap().level,
        Level::High
    );
}

/// Strict bits: only bits 0..=2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Fidl)]
#[fidl(bits, strict, repr = u8, mask = 0x7)]
pub struct Perms(pub u8);

/// Flexible bits: bits 0 and 2 declared, any accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Fidl)]
#[fidl(bits, flexible, repr = u32, mask = 0x5)]
pub struct Features(pub u32);

/// Both kinds of bits.
#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct BitsPair {
    pub perms: Perms,
    pub features: Features,
}

#[test]
fn strict_bits_reject_unknown_bits_flexible_bits_keep_them() {
    let v = BitsPair {
        perms: Perms(0b101),
        features: Features(0x8000_0005),
    };
    value_round_trip::<BitsPair>(&v, &[[0b101, 0, 0, 0, 0x05, 0, 0, 0x80]]);
    assert_eq!(Features(0x8000_0005).unknown_bits(), 0x8000_0000);
    assert_eq!(Perms(0b101).unknown_bits(), 0);
    assert_eq!((Perms::MASK, Features::MASK), (0x7, 0x5));

    let mut buf = MessageBuf::<H>::new();
    assert_eq!(
        buf.encode(BitsPair {
            perms: Perms(0b1001),
            features: Features(0)
        }),
        Err(Error::StrictBitsUnknownBit {
            offset: 0,
            bits: 0b1000
        })
    );
    assert_eq!(
        decode::<BitsPair>(bytes_of(&[[0x81, 0, 0, 0, 0, 0, 0, 0]]), Vec::new()),
        Err(Error::StrictBitsUnknownBit {
            offset: 0,
            bits: 0x80
        })
    );
}

// ---------------------------------------------------------------------------------------
// Static handle bounds

/// One handle.
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct OneHandle {
    pub h: H,
}

/// A bounded vector of handles.
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct BoundedHandles {
    #[fidl(max_len = 3)]
    pub hs: Vec<H>,
}

/// Arrays of handles: 2 + 3 * 2.
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct HandleArrays {
    pub two: [H; 2],
    pub grid: [[Option<H>; 2]; 3],
}

/// An unbounded vector of handles.
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct UnboundedHandles {
    pub hs: Vec<H>,
}

/// A sum of everything: 0 + 1 + 2 * 3 + 8 + 4.
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct Mixed {
    pub bytes: Vec<u8>,
    pub one: OneHandle,
    #[fidl(max_len = 2, elem(max_len = 3))]
    pub nested: Vec<Vec<H>>,
    pub arrays: Option<Box<HandleArrays>>,
    #[fidl(max_len = 4)]
    pub maybe: Option<Vec<H>>,
}

/// A strict resource union: the largest variant.
#[derive(Debug, Fidl)]
#[fidl(union, strict, resource)]
pub enum StrictResource {
    #[fidl(ordinal = 1)]
    One(H),
    #[fidl(ordinal = 2)]
    Three(BoundedHandles),
    #[fidl(ordinal = 3)]
    Number(u32),
}

/// A flexible resource union.
#[derive(Debug, Fidl)]
#[fidl(union, flexible, resource)]
pub enum FlexibleResource {
    #[fidl(ordinal = 1)]
    One(H),
    #[fidl(unknown)]
    UnknownOrdinal(u64),
}

/// A resource type with no handle in it yet.
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct ResourceWithoutHandles {
    pub x: u32,
}

/// An explicit bound.
#[derive(Debug, Fidl)]
#[fidl(resource, max_handles = 7)]
pub struct Explicit {
    pub hs: Vec<H>,
}

#[test]
fn max_handles_of_derived_types() {
    // Value types carry none.
    assert_eq!(
        [
            Settings::MAX_HANDLES,
            Entry::MAX_HANDLES,
            Journal::MAX_HANDLES,
            Choice::MAX_HANDLES,
            Bag::MAX_HANDLES,
            ChoiceV2::MAX_HANDLES,
            AllEnums::MAX_HANDLES,
            Flexibles::MAX_HANDLES,
            BitsPair::MAX_HANDLES,
            Prims::MAX_HANDLES,
            EU8::MAX_HANDLES,
            Perms::MAX_HANDLES,
        ],
        [0; 12]
    );
    assert_eq!(OneHandle::MAX_HANDLES, 1);
    assert_eq!(MaybeEvent::MAX_HANDLES, 1);
    assert_eq!(BoundedHandles::MAX_HANDLES, 3);
    assert_eq!(HandleArrays::MAX_HANDLES, 8);
    assert_eq!(UnboundedHandles::MAX_HANDLES, UNBOUNDED);
    assert_eq!(UnboundedHandles::MAX_HANDLES, u32::MAX);
    assert_eq!(Mixed::MAX_HANDLES, 19);
    assert_eq!(UnionHolder::MAX_HANDLES, 2);
    assert_eq!(ResourceWithoutHandles::MAX_HANDLES, 0);
    assert_eq!(Explicit::MAX_HANDLES, 7);
    // Unknown members of resource tables and flexible resource unions may hold any
    // number of handles.
    assert_eq!(EventTable::MAX_HANDLES, UNBOUNDED);
    assert_eq!(FlexibleResource::MAX_HANDLES, UNBOUNDED);
    assert_eq!(StrictResource::MAX_HANDLES, 3);
    assert_eq!(EventOrCode::MAX_HANDLES, 1);
    // Resourceness.
    const {
        assert!(OneHandle::IS_RESOURCE && ResourceWithoutHandles::IS_RESOURCE);
        assert!(EventTable::IS_RESOURCE && FlexibleResource::IS_RESOURCE);
        assert!(!Bag::IS_RESOURCE && !Choice::IS_RESOURCE && !Level::IS_RESOURCE);
        assert!(!Perms::IS_RESOURCE && !Prims::IS_RESOURCE);
    }
}

#[test]
fn too_many_handles_are_rejected_before_the_bytes_are_read() {
    /// Decodes garbage bytes (as many as the primary object, so that the length checks
    /// pass) with `max + 1` handles as a `T`: the handle count decides before any byte
    /// is read, and every handle is closed.
    fn rejects<T: Decode<H> + std::fmt::Debug>(space: &MemSpace, max: u32) {
        assert_eq!(T::MAX_HANDLES, max);
        let count = max as usize + 1;
        let handles: Vec<H> = (0..count).map(|_| space.event()).collect();
        let raws: Vec<u32> = handles.iter().map(MemHandle::raw).collect();
        let garbage = bytes::BytesMut::from(&vec![0xee; T::INLINE_SIZE.next_multiple_of(8)][..]);
        assert_eq!(
            decode::<T>(garbage, handles).unwrap_err(),
            Error::MaxHandlesExceeded { count, max }
        );
        assert_all_closed_once(space, &raws);
    }
    let space = MemSpace::new();
    rejects::<OneHandle>(&space, 1);
    rejects::<BoundedHandles>(&space, 3);
    rejects::<HandleArrays>(&space, 8);
    rejects::<StrictResource>(&space, 3);
    rejects::<Mixed>(&space, 19);
    rejects::<Prims>(&space, 0);
    rejects::<ResourceWithoutHandles>(&space, 0);
}

#[test]
fn bounded_vector_of_handles_at_its_bound() {
    let space = MemSpace::new();
    let hs: Vec<H> = (0..3).map(|_| space.event()).collect();
    let expected = [row(3), FF, [0xff; 8], [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]];
    let (bytes, handles) = encode_checked(BoundedHandles { hs }, &expected, 3);
    assert_eq!(
        decode::<BoundedHandles>(bytes, handles).unwrap().hs.len(),
        3
    );
    let mut buf = MessageBuf::<H>::new();
    let four: Vec<H> = (0..4).map(|_| space.event()).collect();
    assert!(matches!(
        buf.encode(BoundedHandles { hs: four }),
        Err(Error::CountExceedsLimit { .. })
    ));
    assert_eq!(space.open_count(), 0, "a failed encode closes every handle");
}

// ---------------------------------------------------------------------------------------
// Handles in unknown members

/// The next version of [`Settings`]: a resource type with handles in new members.
#[derive(Debug, Default, Fidl)]
#[fidl(table, resource)]
pub struct SettingsV2 {
    #[fidl(ordinal = 1)]
    pub volume: Option<u32>,
    #[fidl(ordinal = 2)]
    pub event: Option<H>,
    #[fidl(ordinal = 3, max_len = 8)]
    pub name: Option<String>,
    #[fidl(ordinal = 4)]
    pub more: Option<Vec<H>>,
}

/// [`SettingsV2`] as a resource type that knows ordinals 1 and 2 only.
#[derive(Debug, Default, Fidl)]
#[fidl(table, resource)]
pub struct SettingsV1Resource {
    #[fidl(ordinal = 1)]
    pub volume: Option<u32>,
    #[fidl(ordinal = 2)]
    pub event: Option<H>,
}

fn settings_v2(space: &MemSpace) -> (SettingsV2, Vec<u32>) {
    let (event, more) = (space.event(), vec![space.event(), space.channel()]);
    let raws = [event.raw(), more[0].raw(), more[1].raw()].to_vec();
    (
        SettingsV2 {
            volume: Some(7),
            event: Some(event),
            name: Some("x".into()),
            more: Some(more),
        },
        raws,
    )
}

/// [`settings_v2`] on the wire.
const SETTINGS_V2_BYTES: [[u8; 8]; 12] = [
    row(4),
    FF,
    inline_env([7, 0, 0, 0], 0),
    inline_env([0xff; 4], 1),
    env(24, 0, false),
    env(24, 2, false), // two handles out of line
    row(1),
    FF,
    *b"x\0\0\0\0\0\0\0",
    row(2), // `more`: two handles
    FF,
    [0xff; 8],
];

#[test]
fn unknown_handles_in_a_resource_table_are_closed() {
    let space = MemSpace::new();
    let (v2, raws) = settings_v2(&space);
    let (bytes, handles) = encode_checked(v2, &SETTINGS_V2_BYTES, 3);
    // Default options: a resource type may carry handles, known or not.
    let v1 = decode::<SettingsV1Resource>(bytes, handles).unwrap();
    assert_eq!(v1.volume, Some(7));
    assert_eq!(v1.event.as_ref().map(MemHandle::raw), Some(raws[0]));
    // Ordinal 4's two handles were closed; ordinal 2's lives on in `v1`.
    assert_eq!(space.open_count(), 1);
    assert_eq!(
        (space.close_count(raws[1]), space.close_count(raws[2])),
        (1, 1)
    );
    drop(v1);
    assert_all_closed_once(&space, &raws);
}

#[test]
fn unknown_handles_in_a_value_table_are_rejected_by_default() {
    let space = MemSpace::new();
    let (v2, raws) = settings_v2(&space);
    let (bytes, handles) = encode_checked(v2, &SETTINGS_V2_BYTES, 3);
    let err = decode::<Settings>(bytes, handles).unwrap_err();
    assert!(
        matches!(err, Error::NonResourceUnknownHandles { .. }),
        "{err:?}"
    );
    assert_all_closed_once(&space, &raws);
}

#[test]
fn unknown_handles_in_a_value_table_are_dropped_on_request() {
    let space = MemSpace::new();
    let (v2, raws) = settings_v2(&space);
    let (bytes, handles) = encode(v2);
    let msg =
        Decoded::<Settings, H>::decode_with(bytes, handles, &DecodeOptions::drop_unknown_handles())
            .unwrap();
    // Closed during validation, before the message is even used.
    assert_all_closed_once(&space, &raws);
    assert_eq!(
        msg.into_natural(),
        Settings {
            volume: Some(7),
            name: Some("x".into())
        }
    );
}

/// The next version of [`Choice`] and [`FlexibleResource`]: a handle in a new variant.
#[derive(Debug, Fidl)]
#[fidl(union, flexible, resource)]
pub enum WithHandle {
    #[fidl(ordinal = 5)]
    Event(H),
    #[fidl(unknown)]
    UnknownOrdinal(u64),
}

/// [`Bag`] with the newer union in its vector.
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct BagV2 {
    #[fidl(max_len = 4)]
    pub items: Vec<WithHandle>,
    pub maybe: Option<Box<Choice>>,
}

#[test]
fn unknown_handles_in_unions() {
    let space = MemSpace::new();
    let expected = [row(5), inline_env([0xff; 4], 1)];
    let fresh = |space: &MemSpace| {
        let event = space.event();
        let raw = event.raw();
        let (bytes, handles) = encode_checked(WithHandle::Event(event), &expected, 1);
        (bytes, handles, raw)
    };

    // A value union rejects them by default...
    let (bytes, handles, raw) = fresh(&space);
    assert!(matches!(
        decode::<Choice>(bytes, handles),
        Err(Error::NonResourceUnknownHandles { .. })
    ));
    assert_all_closed_once(&space, &[raw]);
    // ...and drops them on request.
    let (bytes, handles, raw) = fresh(&space);
    let msg =
        Decoded::<Choice, H>::decode_with(bytes, handles, &DecodeOptions::drop_unknown_handles())
            .unwrap();
    assert_all_closed_once(&space, &[raw]);
    assert_eq!(msg.into_natural(), Choice::UnknownOrdinal(5));

    // The same inside a vector of a value struct.
    let newer = |space: &MemSpace| {
        let (e1, e2) = (space.event(), space.event());
        let raws = [e1.raw(), e2.raw()];
        let (bytes, handles) = encode(BagV2 {
            items: vec![WithHandle::Event(e1), WithHandle::Event(e2)],
            maybe: None,
        });
        (bytes, handles, raws)
    };
    let (bytes, handles, raws) = newer(&space);
    let err = decode::<Bag>(bytes, handles).unwrap_err();
    assert!(
        matches!(err, Error::NonResourceUnknownHandles { .. }),
        "{err:?}"
    );
    assert_all_closed_once(&space, &raws);
    let (bytes, handles, raws) = newer(&space);
    let bag =
        Decoded::<Bag, H>::decode_with(bytes, handles, &DecodeOptions::drop_unknown_handles())
            .unwrap();
    assert_all_closed_once(&space, &raws);
    assert_eq!(
        bag.into_natural().items,
        [Choice::UnknownOrdinal(5), Choice::UnknownOrdinal(5)]
    );

    // A resource union closes them and decodes.
    let (bytes, handles, raw) = fresh(&space);
    assert!(matches!(
        decode::<FlexibleResource>(bytes, handles),
        Ok(FlexibleResource::UnknownOrdinal(5))
    ));
    assert_all_closed_once(&space, &[raw]);
}

/// A resource struct holding a flexible value union.
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct Carrier {
    pub handle: H,
    pub choice: Choice,
}

/// The next version of [`Carrier`], whose union variant has a handle.
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct CarrierV2 {
    pub handle: H,
    pub choice: WithHandle,
}

#[test]
fn unknown_handles_in_a_value_union_inside_a_resource_struct_follow_the_policy() {
    let space = MemSpace::new();
    let (handle, event) = (space.event(), space.event());
    let raws = [handle.raw(), event.raw()];
    let expected = [
        [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
        row(5),
        inline_env([0xff; 4], 1),
    ];
    let (bytes, handles) = encode_checked(
        CarrierV2 {
            handle,
            choice: WithHandle::Event(event),
        },
        &expected,
        2,
    );
    assert_eq!(Carrier::MAX_HANDLES, 1);
    // One handle is the carrier's, the other is in an unknown variant of the value
    // union, which the RFC-0137 policy drops: the type has no static bound then.
    let opts = DecodeOptions::drop_unknown_handles();
    let carrier =
        Decoded::<Carrier, H>::decode_with(bytes, handles, &opts).map(Decoded::into_natural);
    let carrier = carrier.expect("the unknown variant's handle is dropped");
    assert_eq!(carrier.choice, Choice::UnknownOrdinal(5));
    assert_eq!(carrier.handle.raw(), raws[0]);
    drop(carrier);
    assert_all_closed_once(&space, &raws);

    let (handle, event) = (space.event(), space.event());
    let (bytes, handles) = encode(CarrierV2 {
        handle,
        choice: WithHandle::Event(event),
    });
    // Under the default policy the bound is 1, and a resource type over its bound is
    // rejected before any byte is read (spec section 17).
    let err = decode::<Carrier>(bytes, handles).unwrap_err();
    assert_eq!(err, Error::MaxHandlesExceeded { count: 2, max: 1 });
    assert_eq!(space.open_count(), 0);
}

// ---------------------------------------------------------------------------------------
// By reference and by value

#[test]
fn value_types_encode_the_same_by_reference_and_by_value() {
    // `value_round_trip` compares the two for each value type above; this covers unions
    // and a table at the top level, and a bare enum and bits.
    value_round_trip::<Settings>(
        &Settings {
            volume: None,
            name: Some("hi".into()),
        },
        &[
            row(3),
            FF,
            ZERO,
            ZERO,
            env(24, 0, false),
            row(2),
            FF,
            *b"hi\0\0\0\0\0\0",
        ],
    );
    value_round_trip::<Settings>(&Settings::default(), &[row(0), FF]);
    value_round_trip::<Choice>(&Choice::Count(3), &[row(2), env(8, 0, false), row(3)]);
    value_round_trip::<Choice>(
        &Choice::Name("hi".into()),
        &[row(1), env(24, 0, false), row(2), FF, *b"hi\0\0\0\0\0\0"],
    );
    value_round_trip::<EI16>(&EI16::B, &[[0x00, 0x80, 0, 0, 0, 0, 0, 0]]);
    value_round_trip::<Features>(&Features(9), &[[9, 0, 0, 0, 0, 0, 0, 0]]);
}
