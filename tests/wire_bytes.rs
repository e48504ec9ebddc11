//! Byte-exact encoding of every kind of type, with derived test types.
//!
//! Each case writes the expected bytes as 8-byte rows and checks that the value encodes
//! to exactly those bytes (by value and, for value types, by reference), that the bytes
//! decode back to the value, that the view reads the right fields in place, and that
//! decoding then re-encoding gives the same bytes (encoding is canonical).

// Test types are not an API: their members need no docs.
#![allow(missing_docs)]

mod support;

use handoff::codec::wire::TransactionHeader;
use handoff::handle::{ObjectType, Rights};
use handoff::{DecodeOptions, Decoded, Error, Fidl, MessageBuf};
use support::*;

// ---------------------------------------------------------------------------------------
// Types

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Unsigned {
    pub a: u8,
    pub b: u16,
    pub c: u32,
    pub d: u64,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Signed {
    pub a: i8,
    pub b: i16,
    pub c: i32,
    pub d: i64,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Bools {
    pub a: bool,
    pub b: bool,
    pub c: u16,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Floats {
    pub a: f32,
    pub b: f64,
}

/// `a` at 0, 3 padding bytes, `b` at 4, `c` at 8, 2 padding bytes: 12 bytes.
#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Padded {
    pub a: u8,
    pub b: u32,
    pub c: u16,
}

/// `a` at 0, 6 padding bytes, `b` at 8, `c` at 16, 7 padding bytes: 24 bytes.
#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Padded8 {
    pub a: u16,
    pub b: u64,
    pub c: u8,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Empty {}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct WithEmpty {
    pub a: Empty,
    pub b: u8,
    pub c: Empty,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Arrays {
    pub a: [u8; 3],
    pub b: [u16; 3],
    pub c: [Padded; 2],
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct StrArray {
    #[fidl(elem(max_len = 4))]
    pub s: [String; 2],
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Named {
    #[fidl(max_len = 16)]
    pub name: String,
    pub id: u32,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct OptStr {
    pub a: Option<String>,
    pub b: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct OptVec {
    pub a: Option<Vec<u8>>,
    #[fidl(max_len = 4)]
    pub b: Option<Vec<u32>>,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Point {
    pub x: u32,
    pub y: u32,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Boxed {
    pub p: Option<Box<Point>>,
    pub tag: u8,
}

/// The same wire form as [`Boxed`], with `Option<Point>` for the box.
#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct BoxedPlain {
    pub p: Option<Point>,
    pub tag: u8,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Mid {
    pub leaf: Option<Box<Point>>,
    pub n: u16,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Outer {
    pub mid: Option<Box<Mid>>,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct MidPlain {
    pub leaf: Option<Point>,
    pub n: u16,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct OuterPlain {
    pub mid: Option<MidPlain>,
}

#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct Hs {
    pub a: H,
    #[fidl(handle(object_type = 4, rights = 0x8000_0000))]
    pub b: Option<H>,
    pub c: Option<H>,
    pub v: Vec<H>,
    pub ov: Option<Vec<H>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Fidl)]
#[fidl(enum, strict, repr = u8)]
pub enum E8 {
    A = 1,
    B = 2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Fidl)]
#[fidl(enum, strict, repr = i16)]
pub enum EI16 {
    #[fidl(value = -300)]
    Neg,
    #[fidl(value = 5)]
    Pos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Fidl)]
#[fidl(enum, flexible, repr = u32)]
pub enum FU32 {
    #[fidl(value = 1)]
    One,
    #[fidl(value = 0xdead_beef)]
    Big,
    #[fidl(unknown)]
    UnknownValue(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Fidl)]
#[fidl(enum, flexible, repr = i64)]
pub enum FI64 {
    #[fidl(value = -1)]
    MinusOne,
    #[fidl(unknown)]
    UnknownValue(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Fidl)]
#[fidl(enum, strict, repr = u64)]
pub enum E64 {
    #[fidl(value = 0x8000_0000_0000_0000)]
    High,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Fidl)]
#[fidl(enum, strict, repr = i8)]
pub enum EI8 {
    #[fidl(value = -128)]
    Min,
    #[fidl(value = 127)]
    Max,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Enums {
    pub a: E8,
    pub b: EI16,
    pub c: FU32,
    pub d: FI64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Fidl)]
#[fidl(bits, strict, repr = u8, mask = 0x7)]
pub struct SB(pub u8);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Fidl)]
#[fidl(bits, flexible, repr = u32, mask = 0x3)]
pub struct FB(pub u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Fidl)]
#[fidl(bits, strict, repr = u64, mask = 0x8000_0000_0000_0001)]
pub struct SB64(pub u64);

#[derive(Debug, Clone, PartialEq, Default, Fidl)]
pub struct Bitses {
    pub a: SB,
    pub b: FB,
    pub c: SB64,
}

/// 4 bytes with a padding byte: fits inline in an envelope.
#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Small {
    pub x: u8,
    pub y: u16,
}

#[derive(Debug, Clone, PartialEq, Default, Fidl)]
#[fidl(table)]
pub struct Inner {
    #[fidl(ordinal = 1)]
    pub flag: Option<bool>,
    #[fidl(ordinal = 3)]
    pub v: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Default, Fidl)]
#[fidl(table)]
pub struct Tbl {
    #[fidl(ordinal = 1)]
    pub a: Option<u32>,
    #[fidl(ordinal = 2)]
    pub b: Option<u64>,
    #[fidl(ordinal = 4, max_len = 8)]
    pub s: Option<String>,
    #[fidl(ordinal = 5)]
    pub small: Option<Small>,
    #[fidl(ordinal = 6)]
    pub nested: Option<Inner>,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
#[fidl(union, strict)]
pub enum SU {
    #[fidl(ordinal = 1)]
    A(u32),
    #[fidl(ordinal = 2, max_len = 8)]
    B(String),
    #[fidl(ordinal = 3)]
    C(u64),
    #[fidl(ordinal = 4)]
    P(Point),
    #[fidl(ordinal = 5)]
    Flag(bool),
}

#[derive(Debug, Clone, PartialEq, Fidl)]
#[fidl(union, flexible)]
pub enum FU {
    #[fidl(ordinal = 1)]
    A(u32),
    #[fidl(ordinal = 2)]
    B(u64),
    #[fidl(unknown)]
    UnknownOrdinal(u64),
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct HasOptU {
    pub u: Option<Box<SU>>,
    pub tag: u8,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct HasU {
    pub x: u8,
    pub u: FU,
}

// ---------------------------------------------------------------------------------------
// Primitives

#[test]
fn unsigned_all_widths() {
    let v = Unsigned {
        a: 0x01,
        b: 0x0203,
        c: 0x0405_0607,
        d: 0x0809_0a0b_0c0d_0e0f,
    };
    let bytes = rows(&[
        [0x01, 0x00, 0x03, 0x02, 0x07, 0x06, 0x05, 0x04], // a, pad, b, c
        [0x0f, 0x0e, 0x0d, 0x0c, 0x0b, 0x0a, 0x09, 0x08], // d
    ]);
    let msg = check_value(&v, &bytes);
    let view = msg.view();
    assert_eq!(
        (view.a(), view.b(), view.c(), view.d()),
        (0x01, 0x0203, 0x0405_0607, 0x0809_0a0b_0c0d_0e0f)
    );

    let max = Unsigned {
        a: u8::MAX,
        b: u16::MAX,
        c: u32::MAX,
        d: u64::MAX,
    };
    let bytes = rows(&[[0xff, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [0xff; 8]]);
    check_value(&max, &bytes);
    let zero = Unsigned {
        a: 0,
        b: 0,
        c: 0,
        d: 0,
    };
    check_value(&zero, &[0; 16]);
}

#[test]
fn signed_all_widths() {
    let v = Signed {
        a: -1,
        b: -2,
        c: -3,
        d: -4,
    };
    let bytes = rows(&[
        [0xff, 0x00, 0xfe, 0xff, 0xfd, 0xff, 0xff, 0xff],
        [0xfc, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
    ]);
    let msg = check_value(&v, &bytes);
    let view = msg.view();
    assert_eq!((view.a(), view.b(), view.c(), view.d()), (-1, -2, -3, -4));

    let min = Signed {
        a: i8::MIN,
        b: i16::MIN,
        c: i32::MIN,
        d: i64::MIN,
    };
    let bytes = rows(&[
        [0x80, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x80],
        [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80],
    ]);
    check_value(&min, &bytes);
    let max = Signed {
        a: i8::MAX,
        b: i16::MAX,
        c: i32::MAX,
        d: i64::MAX,
    };
    let bytes = rows(&[
        [0x7f, 0x00, 0xff, 0x7f, 0xff, 0xff, 0xff, 0x7f],
        [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f],
    ]);
    check_value(&max, &bytes);
}

#[test]
fn top_level_primitives_are_padded_to_eight() {
    check_value(&0xa5u8, &rows(&[[0xa5, 0, 0, 0, 0, 0, 0, 0]]));
    check_value(&-2i8, &rows(&[[0xfe, 0, 0, 0, 0, 0, 0, 0]]));
    check_value(&0x1234u16, &rows(&[[0x34, 0x12, 0, 0, 0, 0, 0, 0]]));
    check_value(&i16::MIN, &rows(&[[0x00, 0x80, 0, 0, 0, 0, 0, 0]]));
    check_value(
        &0x1234_5678u32,
        &rows(&[[0x78, 0x56, 0x34, 0x12, 0, 0, 0, 0]]),
    );
    check_value(&-2i32, &rows(&[[0xfe, 0xff, 0xff, 0xff, 0, 0, 0, 0]]));
    check_value(
        &(u64::MAX - 1),
        &rows(&[[0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]]),
    );
    check_value(&i64::MIN, &rows(&[[0, 0, 0, 0, 0, 0, 0, 0x80]]));
    check_value(&true, &rows(&[[1, 0, 0, 0, 0, 0, 0, 0]]));
    check_value(&false, &rows(&[[0; 8]]));
    check_value(&1.0f32, &rows(&[[0x00, 0x00, 0x80, 0x3f, 0, 0, 0, 0]]));
    check_value(&-2.5f64, &rows(&[[0, 0, 0, 0, 0, 0, 0x04, 0xc0]]));
}

#[test]
fn bools() {
    let v = Bools {
        a: true,
        b: false,
        c: 0x0102,
    };
    let msg = check_value(&v, &rows(&[[0x01, 0x00, 0x02, 0x01, 0, 0, 0, 0]]));
    assert!(msg.view().a());
    assert!(!msg.view().b());
    assert_eq!(msg.view().c(), 0x0102);
}

#[test]
fn floats() {
    let v = Floats { a: 1.0, b: -2.5 };
    let bytes = rows(&[
        [0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x00], // a, 4 padding bytes
        [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0xc0], // b
    ]);
    let msg = check_value(&v, &bytes);
    assert_eq!(msg.view().a(), 1.0);
    assert_eq!(msg.view().b(), -2.5);
}

/// NaN payloads (quiet and signalling) and negative zero keep their exact bits through
/// encode, decode, view and re-encode. (`PartialEq` cannot check these; bits can.)
#[test]
fn float_bit_patterns_survive() {
    let cases: [(u32, u64); 5] = [
        (0x7fc0_0001, 0xfff8_0000_0000_0001), // quiet NaNs with payloads (f64 negative)
        (0x7f80_0001, 0x7ff0_0000_0000_0001), // signalling NaNs
        (0x8000_0000, 0x8000_0000_0000_0000), // -0.0
        (0x7f80_0000, 0xfff0_0000_0000_0000), // +inf, -inf
        (0x0000_0001, 0x0000_0000_0000_0001), // smallest subnormals
    ];
    for (a_bits, b_bits) in cases {
        let v = Floats {
            a: f32::from_bits(a_bits),
            b: f64::from_bits(b_bits),
        };
        let mut expected = Vec::new();
        expected.extend_from_slice(&a_bits.to_le_bytes());
        expected.extend_from_slice(&[0; 4]);
        expected.extend_from_slice(&b_bits.to_le_bytes());
        assert_bytes(&encode_bytes(v.clone()), &expected);
        assert_bytes(&encode_bytes(&v), &expected);
        let msg = decode::<Floats>(&expected, vec![]).unwrap();
        assert_eq!(msg.view().a().to_bits(), a_bits);
        assert_eq!(msg.view().b().to_bits(), b_bits);
        let natural = msg.into_natural();
        assert_eq!((natural.a.to_bits(), natural.b.to_bits()), (a_bits, b_bits));
        assert_bytes(&encode_bytes(natural), &expected);

        // A vector of floats goes through the one-copy path: same bits.
        let fv = vec![f32::from_bits(a_bits), f32::from_bits(a_bits)];
        let bytes = encode_bytes(&fv);
        let mut expected = rows(&[le64(2), PRESENT]);
        expected.extend_from_slice(&a_bits.to_le_bytes());
        expected.extend_from_slice(&a_bits.to_le_bytes());
        assert_bytes(&bytes, &expected);
        let back = decode_natural::<Vec<f32>>(&bytes);
        assert!(back.iter().all(|f| f.to_bits() == a_bits));
        let dv = vec![f64::from_bits(b_bits)];
        let back = decode_natural::<Vec<f64>>(&encode_bytes(dv));
        assert_eq!(back[0].to_bits(), b_bits);
    }
}

// ---------------------------------------------------------------------------------------
// Structs

#[test]
fn struct_padding_between_fields_and_at_the_end() {
    let v = Padded { a: 1, b: 2, c: 3 };
    let bytes = rows(&[
        [0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00], // a, 3 padding, b
        [0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], // c, 2 padding, 4 to align 8
    ]);
    let msg = check_value(&v, &bytes);
    assert_eq!((msg.view().a(), msg.view().b(), msg.view().c()), (1, 2, 3));

    let v = Padded8 {
        a: 0xaaaa,
        b: 0xbbbb_bbbb_bbbb_bbbb,
        c: 0xcc,
    };
    let bytes = rows(&[
        [0xaa, 0xaa, 0, 0, 0, 0, 0, 0],
        [0xbb; 8],
        [0xcc, 0, 0, 0, 0, 0, 0, 0],
    ]);
    let msg = check_value(&v, &bytes);
    assert_eq!(msg.view().c(), 0xcc);
}

#[test]
fn empty_struct_is_one_zero_byte() {
    let msg = check_value(&Empty {}, &[0; 8]);
    assert_eq!(format!("{:?}", msg.view()), "Empty");
    let v = WithEmpty {
        a: Empty {},
        b: 7,
        c: Empty {},
    };
    check_value(&v, &rows(&[[0x00, 0x07, 0x00, 0, 0, 0, 0, 0]]));
    // A vector of empty structs: one byte each.
    let v = vec![Empty {}, Empty {}, Empty {}];
    check_value(&v, &rows(&[le64(3), PRESENT, [0; 8]]));
}

#[test]
fn arrays() {
    let v = Arrays {
        a: [1, 2, 3],
        b: [0x0102, 0x0304, 0x0506],
        c: [Padded { a: 4, b: 5, c: 6 }, Padded { a: 7, b: 8, c: 9 }],
    };
    let bytes = rows(&[
        [0x01, 0x02, 0x03, 0x00, 0x02, 0x01, 0x04, 0x03], // a[0..3], pad, b[0], b[1]
        [0x06, 0x05, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00], // b[2], pad, c[0].a, pad
        [0x05, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00], // c[0].b, c[0].c, pad
        [0x07, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00], // c[1].a, pad, c[1].b
        [0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], // c[1].c, pad, pad to 40
    ]);
    let msg = check_value(&v, &bytes);
    let view = msg.view();
    assert_eq!(view.a().iter().collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(view.a().wire_bytes(), [1, 2, 3]);
    assert_eq!(view.b().get(2), Some(0x0506));
    assert_eq!(view.b().get(3), None);
    assert_eq!(view.c().get(1).map(|p| p.b()), Some(8));

    let v = StrArray {
        s: ["ab".into(), "cde".into()],
    };
    let bytes = rows(&[
        le64(2),
        PRESENT,
        le64(3),
        PRESENT,
        [b'a', b'b', 0, 0, 0, 0, 0, 0],
        [b'c', b'd', b'e', 0, 0, 0, 0, 0],
    ]);
    let msg = check_value(&v, &bytes);
    assert_eq!(msg.view().s().iter().collect::<Vec<_>>(), ["ab", "cde"]);
}

// ---------------------------------------------------------------------------------------
// Strings and vectors

#[test]
fn strings() {
    let msg = check_value(&String::new(), &rows(&[le64(0), PRESENT]));
    assert_eq!(msg.view(), "");
    let msg = check_value(
        &"hello".to_string(),
        &rows(&[le64(5), PRESENT, [b'h', b'e', b'l', b'l', b'o', 0, 0, 0]]),
    );
    assert_eq!(msg.view(), "hello");
    // Exactly 8 bytes: no padding.
    check_value(
        &"abcdefgh".to_string(),
        &rows(&[le64(8), PRESENT, *b"abcdefgh"]),
    );
    // Multibyte: é (2 bytes), 世 (3), 🎉 (4) = 9 bytes.
    let s = "é世🎉".to_string();
    let bytes = rows(&[
        le64(9),
        PRESENT,
        [0xc3, 0xa9, 0xe4, 0xb8, 0x96, 0xf0, 0x9f, 0x8e],
        [0x89, 0, 0, 0, 0, 0, 0, 0],
    ]);
    let msg = check_value(&s, &bytes);
    assert_eq!(msg.view(), "é世🎉");

    let v = Named {
        name: "hi".into(),
        id: 7,
    };
    let bytes = rows(&[
        le64(2),
        PRESENT,
        [7, 0, 0, 0, 0, 0, 0, 0],
        [b'h', b'i', 0, 0, 0, 0, 0, 0],
    ]);
    let msg = check_value(&v, &bytes);
    assert_eq!(msg.view().name(), "hi");
    assert_eq!(msg.view().id(), 7);
}

#[test]
fn optional_strings() {
    let v = OptStr {
        a: None,
        b: Some(String::new()),
    };
    let msg = check_value(&v, &rows(&[ABSENT, ABSENT, le64(0), PRESENT]));
    assert_eq!(msg.view().a(), None);
    assert_eq!(msg.view().b(), Some(""));
    let v = OptStr {
        a: Some("x".into()),
        b: None,
    };
    let msg = check_value(
        &v,
        &rows(&[
            le64(1),
            PRESENT,
            ABSENT,
            ABSENT,
            [b'x', 0, 0, 0, 0, 0, 0, 0],
        ]),
    );
    assert_eq!(msg.view().a(), Some("x"));
    assert_eq!(msg.view().b(), None);
    check_value(&None::<String>, &[0; 16]);
}

#[test]
fn vectors_of_numbers() {
    let msg = check_value(
        &vec![1u8, 2, 3],
        &rows(&[le64(3), PRESENT, [1, 2, 3, 0, 0, 0, 0, 0]]),
    );
    assert_eq!(msg.view().as_slice(), [1, 2, 3]);
    let msg = check_value(
        &vec![1u32, 2, 3],
        &rows(&[
            le64(3),
            PRESENT,
            [1, 0, 0, 0, 2, 0, 0, 0],
            [3, 0, 0, 0, 0, 0, 0, 0],
        ]),
    );
    assert_eq!(msg.view().iter().collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(msg.view().len(), 3);
    check_value(&Vec::<u64>::new(), &rows(&[le64(0), PRESENT]));
    check_value(
        &vec![-1i16, 2],
        &rows(&[le64(2), PRESENT, [0xff, 0xff, 2, 0, 0, 0, 0, 0]]),
    );
    let msg = check_value(
        &vec![true, false, true],
        &rows(&[le64(3), PRESENT, [1, 0, 1, 0, 0, 0, 0, 0]]),
    );
    assert_eq!(msg.view().iter().collect::<Vec<_>>(), [true, false, true]);
    check_value(
        &vec![E8::B, E8::A],
        &rows(&[le64(2), PRESENT, [2, 1, 0, 0, 0, 0, 0, 0]]),
    );
    check_value(
        &vec![[1u8, 2], [3, 4]],
        &rows(&[le64(2), PRESENT, [1, 2, 3, 4, 0, 0, 0, 0]]),
    );
}

#[test]
fn vectors_of_strings_and_structs() {
    let v = vec!["a".to_string(), "bc".to_string()];
    let bytes = rows(&[
        le64(2),
        PRESENT,
        le64(1),
        PRESENT,
        le64(2),
        PRESENT,
        [b'a', 0, 0, 0, 0, 0, 0, 0], // bodies follow the vector body, depth first
        [b'b', b'c', 0, 0, 0, 0, 0, 0],
    ]);
    let msg = check_value(&v, &bytes);
    assert_eq!(msg.view().iter().collect::<Vec<_>>(), ["a", "bc"]);

    let v = vec![Padded { a: 1, b: 2, c: 3 }, Padded { a: 4, b: 5, c: 6 }];
    let bytes = rows(&[
        le64(2),
        PRESENT,
        [1, 0, 0, 0, 2, 0, 0, 0],
        [3, 0, 0, 0, 4, 0, 0, 0],
        [5, 0, 0, 0, 6, 0, 0, 0],
    ]);
    let msg = check_value(&v, &bytes);
    assert_eq!(
        msg.view().get(1).map(|p| (p.a(), p.b(), p.c())),
        Some((4, 5, 6))
    );

    // Element with its own out-of-line part: the element's string follows the vector body.
    let v = vec![
        Named {
            name: "x".into(),
            id: 1,
        },
        Named {
            name: "yz".into(),
            id: 2,
        },
    ];
    let bytes = rows(&[
        le64(2),
        PRESENT,
        le64(1),
        PRESENT,
        [1, 0, 0, 0, 0, 0, 0, 0],
        le64(2),
        PRESENT,
        [2, 0, 0, 0, 0, 0, 0, 0],
        [b'x', 0, 0, 0, 0, 0, 0, 0],
        [b'y', b'z', 0, 0, 0, 0, 0, 0],
    ]);
    let msg = check_value(&v, &bytes);
    assert_eq!(msg.view().get(1).map(|n| n.name()), Some("yz"));
}

#[test]
fn optional_vectors() {
    let v = OptVec {
        a: None,
        b: Some(vec![]),
    };
    let msg = check_value(&v, &rows(&[ABSENT, ABSENT, le64(0), PRESENT]));
    assert!(msg.view().a().is_none());
    assert_eq!(msg.view().b().map(|b| b.len()), Some(0));
    let v = OptVec {
        a: Some(vec![9]),
        b: None,
    };
    let msg = check_value(
        &v,
        &rows(&[le64(1), PRESENT, ABSENT, ABSENT, [9, 0, 0, 0, 0, 0, 0, 0]]),
    );
    assert_eq!(msg.view().a().map(|a| a.as_slice()), Some(&[9u8][..]));
}

// ---------------------------------------------------------------------------------------
// Boxes

#[test]
fn box_present_and_absent() {
    let v = BoxedPlain {
        p: Some(Point { x: 1, y: 2 }),
        tag: 7,
    };
    let bytes = rows(&[PRESENT, [7, 0, 0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 2, 0, 0, 0]]);
    let msg = check_value(&v, &bytes);
    assert_eq!(msg.view().p().map(|p| (p.x(), p.y())), Some((1, 2)));
    assert_eq!(msg.view().tag(), 7);

    let v = BoxedPlain { p: None, tag: 7 };
    let msg = check_value(&v, &rows(&[ABSENT, [7, 0, 0, 0, 0, 0, 0, 0]]));
    assert!(msg.view().p().is_none());

    // A top-level box, in both spellings.
    let bytes = rows(&[PRESENT, [5, 0, 0, 0, 6, 0, 0, 0]]);
    check_value(&Some(Box::new(Point { x: 5, y: 6 })), &bytes);
    check_value(&Some(Point { x: 5, y: 6 }), &bytes);
    check_value(&None::<Box<Point>>, &rows(&[ABSENT]));
}

#[test]
fn nested_boxes() {
    let v = OuterPlain {
        mid: Some(MidPlain {
            leaf: Some(Point { x: 3, y: 4 }),
            n: 9,
        }),
    };
    let bytes = rows(&[
        PRESENT,                  // Outer.mid
        PRESENT,                  // Mid.leaf (Mid at 8, depth 1)
        [9, 0, 0, 0, 0, 0, 0, 0], // Mid.n, padding
        [3, 0, 0, 0, 4, 0, 0, 0], // Point at 24, depth 2
    ]);
    let msg = check_value(&v, &bytes);
    let leaf = msg
        .view()
        .mid()
        .and_then(|m| m.leaf())
        .map(|p| (p.x(), p.y()));
    assert_eq!(leaf, Some((3, 4)));
    let v = OuterPlain {
        mid: Some(MidPlain { leaf: None, n: 1 }),
    };
    check_value(&v, &rows(&[PRESENT, ABSENT, [1, 0, 0, 0, 0, 0, 0, 0]]));
    check_value(&OuterPlain { mid: None }, &rows(&[ABSENT]));
}

/// `Option<Box<S>>` as a struct member (the documented spelling of `box<S>`) has the
/// same bytes as `Option<S>`. (Regression: the derive once bounded the member's
/// out-of-line size without the boxed struct itself, rejecting every present box.)
#[test]
fn box_member_spelled_option_box() {
    let v = Boxed {
        p: Some(Box::new(Point { x: 1, y: 2 })),
        tag: 7,
    };
    let bytes = rows(&[PRESENT, [7, 0, 0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 2, 0, 0, 0]]);
    let msg = check_value(&v, &bytes);
    assert_eq!(msg.view().p().map(|p| (p.x(), p.y())), Some((1, 2)));
    check_value(
        &Boxed { p: None, tag: 7 },
        &rows(&[ABSENT, [7, 0, 0, 0, 0, 0, 0, 0]]),
    );

    let v = Outer {
        mid: Some(Box::new(Mid {
            leaf: Some(Box::new(Point { x: 3, y: 4 })),
            n: 9,
        })),
    };
    let bytes = rows(&[
        PRESENT,
        PRESENT,
        [9, 0, 0, 0, 0, 0, 0, 0],
        [3, 0, 0, 0, 4, 0, 0, 0],
    ]);
    check_value(&v, &bytes);
}

// ---------------------------------------------------------------------------------------
// Handles

#[test]
fn handles_and_optional_handles() {
    let t = Tracker::new();
    let (a, b, v0, v1) = (t.event(), t.channel(), t.event(), t.event());
    let koids = [a.koid(), b.koid(), v0.koid(), v1.koid()];
    let value = Hs {
        a,
        b: Some(b),
        c: None,
        v: vec![v0, v1],
        ov: None,
    };
    let expected = rows(&[
        [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // a, b present
        [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], // c absent, 4 padding bytes
        le64(2),
        PRESENT,
        ABSENT,
        ABSENT,
        [0xff; 8], // v's two markers
    ]);
    let (bytes, handles) = encode(value);
    assert_bytes(&bytes, &expected);
    assert_eq!(
        handles.iter().map(|h| h.koid()).collect::<Vec<_>>(),
        koids,
        "handle table in traversal order"
    );
    t.assert_none_closed();

    let msg = Decoded::<Hs, H>::decode(bytes, handles).unwrap();
    let view = msg.view();
    assert_eq!(msg.handle_count(), 4);
    assert_eq!(view.a().index(), 0);
    assert_eq!(view.b().map(|r| r.index()), Some(1));
    assert!(view.c().is_none());
    assert!(view.ov().is_none());
    let v: Vec<_> = view.v().iter().map(|r| r.index()).collect();
    assert_eq!(v, [2, 3]);
    assert_eq!(
        msg.handle(view.v().get(1).unwrap()).map(|h| h.koid()),
        Some(koids[3])
    );
    let natural = msg.into_natural();
    assert_eq!(natural.a.koid(), koids[0]);
    assert_eq!(natural.b.as_ref().map(|h| h.koid()), Some(koids[1]));
    assert_eq!(
        natural.v.iter().map(|h| h.koid()).collect::<Vec<_>>(),
        koids[2..]
    );
    t.assert_none_closed();

    // Re-encoding gives the same bytes and the same handles, in the same order.
    let (again, handles) = encode(natural);
    assert_bytes(&again, &expected);
    assert_eq!(handles.iter().map(|h| h.koid()).collect::<Vec<_>>(), koids);
    drop(handles);
    t.assert_all_closed_once();

    // The other shape: optional present, vectors empty and present.
    let t = Tracker::new();
    let value = Hs {
        a: t.event(),
        b: None,
        c: Some(t.event()),
        v: vec![],
        ov: Some(vec![t.event()]),
    };
    let expected = rows(&[
        [0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00],
        [0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00],
        le64(0),
        PRESENT,
        le64(1),
        PRESENT,
        [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
    ]);
    let (bytes, handles) = encode(value);
    assert_bytes(&bytes, &expected);
    let handles = assert_canonical::<Hs>(&bytes, handles);
    assert_eq!(handles.len(), 3);
    drop(handles);
    t.assert_all_closed_once();
}

#[test]
fn vector_of_handles_top_level() {
    let t = Tracker::new();
    let hs = t.events(3);
    let (bytes, handles) = encode(hs);
    assert_bytes(
        &bytes,
        &rows(&[
            le64(3),
            PRESENT,
            [0xff; 8],
            [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
        ]),
    );
    let msg = Decoded::<Vec<H>, H>::decode(bytes, handles).unwrap();
    assert_eq!(
        msg.view().iter().map(|r| r.index()).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    drop(msg);
    t.assert_all_closed_once();
}

// ---------------------------------------------------------------------------------------
// Enums and bits

#[test]
fn enums_of_several_reprs() {
    let v = Enums {
        a: E8::B,
        b: EI16::Neg,
        c: FU32::Big,
        d: FI64::UnknownValue(-5),
    };
    let bytes = rows(&[
        [0x02, 0x00, 0xd4, 0xfe, 0xef, 0xbe, 0xad, 0xde], // a, pad, b = -300, c
        [0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // d = -5 (unknown to FI64)
    ]);
    let msg = check_value(&v, &bytes);
    let view = msg.view();
    assert_eq!(
        (view.a(), view.b(), view.c(), view.d()),
        (E8::B, EI16::Neg, FU32::Big, FI64::UnknownValue(-5))
    );
    assert_eq!(EI16::Neg.into_primitive(), -300);
    assert_eq!(FU32::UnknownValue(9).into_primitive(), 9);

    let v = Enums {
        a: E8::A,
        b: EI16::Pos,
        c: FU32::UnknownValue(7),
        d: FI64::MinusOne,
    };
    let bytes = rows(&[[0x01, 0x00, 0x05, 0x00, 0x07, 0x00, 0x00, 0x00], [0xff; 8]]);
    check_value(&v, &bytes);

    check_value(&E64::High, &rows(&[[0, 0, 0, 0, 0, 0, 0, 0x80]]));
    check_value(&EI8::Min, &rows(&[[0x80, 0, 0, 0, 0, 0, 0, 0]]));
    check_value(&EI8::Max, &rows(&[[0x7f, 0, 0, 0, 0, 0, 0, 0]]));
    check_value(&FU32::One, &rows(&[[1, 0, 0, 0, 0, 0, 0, 0]]));
}

#[test]
fn bits_strict_and_flexible() {
    let v = Bitses {
        a: SB(0b101),
        b: FB(0x8000_0003),
        c: SB64(0x8000_0000_0000_0001),
    };
    let bytes = rows(&[
        [0x05, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x80], // a, pad, b (an unknown bit kept)
        [0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80], // c
    ]);
    let msg = check_value(&v, &bytes);
    assert_eq!(msg.view().b(), FB(0x8000_0003));
    assert_eq!(msg.view().b().unknown_bits(), 0x8000_0000);
    assert_eq!(msg.view().a().unknown_bits(), 0);
    assert_eq!(SB::MASK, 7);
    check_value(&Bitses::default(), &[0; 16]);
}

// ---------------------------------------------------------------------------------------
// Tables

#[test]
fn table_empty() {
    let msg = check_value(&Tbl::default(), &rows(&[le64(0), PRESENT]));
    assert_eq!(msg.view().a(), None);
    assert!(msg.view().nested().is_none());
}

#[test]
fn table_inline_member() {
    let v = Tbl {
        a: Some(5),
        ..Tbl::default()
    };
    let msg = check_value(&v, &rows(&[le64(1), PRESENT, [5, 0, 0, 0, 0, 0, 1, 0]]));
    assert_eq!(msg.view().a(), Some(5));
    // Zero is present, not absent: the inline flag makes the envelope non-zero.
    let v = Tbl {
        a: Some(0),
        ..Tbl::default()
    };
    let msg = check_value(&v, &rows(&[le64(1), PRESENT, [0, 0, 0, 0, 0, 0, 1, 0]]));
    assert_eq!(msg.view().a(), Some(0));
    // A 4-byte struct with a padding byte is inline too.
    let v = Tbl {
        small: Some(Small { x: 1, y: 0x0302 }),
        ..Tbl::default()
    };
    let msg = check_value(
        &v,
        &rows(&[
            le64(5),
            PRESENT,
            ABSENT,
            ABSENT,
            ABSENT,
            ABSENT,
            [1, 0, 2, 3, 0, 0, 1, 0],
        ]),
    );
    assert_eq!(
        msg.view().small().map(|s| (s.x(), s.y())),
        Some((1, 0x0302))
    );
}

#[test]
fn table_out_of_line_member_and_gaps() {
    let v = Tbl {
        a: Some(1),
        b: Some(0x1122_3344_5566_7788),
        ..Tbl::default()
    };
    let bytes = rows(&[
        le64(2),
        PRESENT,
        [1, 0, 0, 0, 0, 0, 1, 0],                         // 1: inline
        [8, 0, 0, 0, 0, 0, 0, 0],                         // 2: 8 bytes out of line
        [0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11], // b
    ]);
    let msg = check_value(&v, &bytes);
    assert_eq!(msg.view().b(), Some(0x1122_3344_5566_7788));

    // Only ordinal 4: three absent envelopes before it (ordinal 3 is not declared).
    let v = Tbl {
        s: Some("hi".into()),
        ..Tbl::default()
    };
    let bytes = rows(&[
        le64(4),
        PRESENT,
        ABSENT,
        ABSENT,
        ABSENT,
        [24, 0, 0, 0, 0, 0, 0, 0], // 16-byte string header + 8-byte body
        le64(2),
        PRESENT,
        [b'h', b'i', 0, 0, 0, 0, 0, 0],
    ]);
    let msg = check_value(&v, &bytes);
    assert_eq!(msg.view().s(), Some("hi"));
    assert_eq!(msg.view().a(), None);
}

#[test]
fn nested_table() {
    let v = Tbl {
        nested: Some(Inner {
            flag: Some(true),
            v: Some(vec![9]),
        }),
        ..Tbl::default()
    };
    let bytes = rows(&[
        le64(6),
        PRESENT,
        ABSENT,
        ABSENT,
        ABSENT,
        ABSENT,
        ABSENT,
        [64, 0, 0, 0, 0, 0, 0, 0], // 6: Inner = 16 + 24 (envelopes) + 24 (v)
        le64(3),                   // Inner: 3 envelopes
        PRESENT,
        [1, 0, 0, 0, 0, 0, 1, 0],  // flag, inline
        ABSENT,                    // ordinal 2
        [24, 0, 0, 0, 0, 0, 0, 0], // v: 16 + 8
        le64(1),
        PRESENT,
        [9, 0, 0, 0, 0, 0, 0, 0],
    ]);
    let msg = check_value(&v, &bytes);
    let nested = msg.view().nested().unwrap();
    assert_eq!(nested.flag(), Some(true));
    assert_eq!(nested.v().map(|v| v.as_slice()), Some(&[9u8][..]));
}

#[test]
fn table_every_member() {
    let v = Tbl {
        a: Some(0xaabb_ccdd),
        b: Some(2),
        s: Some("12345678".into()),
        small: Some(Small { x: 0xff, y: 0xffff }),
        nested: Some(Inner::default()),
    };
    let bytes = rows(&[
        le64(6),
        PRESENT,
        [0xdd, 0xcc, 0xbb, 0xaa, 0, 0, 1, 0],
        [8, 0, 0, 0, 0, 0, 0, 0],
        ABSENT,
        [24, 0, 0, 0, 0, 0, 0, 0],
        [0xff, 0, 0xff, 0xff, 0, 0, 1, 0],
        [16, 0, 0, 0, 0, 0, 0, 0], // an empty table: its header only
        le64(2),                   // b
        le64(8),                   // s
        PRESENT,
        *b"12345678",
        le64(0), // nested: no envelopes
        PRESENT,
    ]);
    let msg = check_value(&v, &bytes);
    assert_eq!(
        format!("{:?}", msg.view().nested()),
        "Some(Inner { flag: None, v: None })"
    );
}

/// A decoder accepts trailing absent envelopes; re-encoding drops them (canonical form).
#[test]
fn table_trailing_absent_envelopes_are_dropped_on_reencode() {
    let bytes = rows(&[le64(3), PRESENT, [5, 0, 0, 0, 0, 0, 1, 0], ABSENT, ABSENT]);
    let v: Tbl = decode_natural(&bytes);
    assert_eq!(
        v,
        Tbl {
            a: Some(5),
            ..Tbl::default()
        }
    );
    assert_bytes(
        &encode_bytes(v),
        &rows(&[le64(1), PRESENT, [5, 0, 0, 0, 0, 0, 1, 0]]),
    );
}

// ---------------------------------------------------------------------------------------
// Unions

#[test]
fn strict_union_inline_and_out_of_line() {
    let msg = check_value(&SU::A(7), &rows(&[le64(1), [7, 0, 0, 0, 0, 0, 1, 0]]));
    assert!(matches!(msg.view(), SUView::A(7)));
    let msg = check_value(&SU::Flag(true), &rows(&[le64(5), [1, 0, 0, 0, 0, 0, 1, 0]]));
    assert!(matches!(msg.view(), SUView::Flag(true)));
    let msg = check_value(
        &SU::B("hey".into()),
        &rows(&[
            le64(2),
            [24, 0, 0, 0, 0, 0, 0, 0],
            le64(3),
            PRESENT,
            [b'h', b'e', b'y', 0, 0, 0, 0, 0],
        ]),
    );
    assert!(matches!(msg.view(), SUView::B("hey")));
    check_value(
        &SU::C(0x0102_0304_0506_0708),
        &rows(&[le64(3), [8, 0, 0, 0, 0, 0, 0, 0], [8, 7, 6, 5, 4, 3, 2, 1]]),
    );
    let msg = check_value(
        &SU::P(Point { x: 1, y: 2 }),
        &rows(&[le64(4), [8, 0, 0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 2, 0, 0, 0]]),
    );
    match msg.view() {
        SUView::P(p) => assert_eq!((p.x(), p.y()), (1, 2)),
        other => panic!("wrong variant {other:?}"),
    }
}

#[test]
fn flexible_union_known_variants() {
    let v = HasU { x: 3, u: FU::A(7) };
    let msg = check_value(
        &v,
        &rows(&[[3, 0, 0, 0, 0, 0, 0, 0], le64(1), [7, 0, 0, 0, 0, 0, 1, 0]]),
    );
    assert_eq!(msg.view().x(), 3);
    assert!(matches!(msg.view().u(), FUView::A(7)));
    let v = HasU {
        x: 3,
        u: FU::B(u64::MAX),
    };
    check_value(
        &v,
        &rows(&[
            [3, 0, 0, 0, 0, 0, 0, 0],
            le64(2),
            [8, 0, 0, 0, 0, 0, 0, 0],
            [0xff; 8],
        ]),
    );
}

#[test]
fn optional_union_absent_and_present() {
    let v = HasOptU { u: None, tag: 7 };
    let msg = check_value(&v, &rows(&[ABSENT, ABSENT, [7, 0, 0, 0, 0, 0, 0, 0]]));
    assert!(msg.view().u().is_none());
    let v = HasOptU {
        u: Some(Box::new(SU::A(9))),
        tag: 7,
    };
    let msg = check_value(
        &v,
        &rows(&[le64(1), [9, 0, 0, 0, 0, 0, 1, 0], [7, 0, 0, 0, 0, 0, 0, 0]]),
    );
    assert!(matches!(msg.view().u(), Some(SUView::A(9))));
    let v = HasOptU {
        u: Some(Box::new(SU::C(1))),
        tag: 0,
    };
    check_value(
        &v,
        &rows(&[le64(3), [8, 0, 0, 0, 0, 0, 0, 0], ABSENT, le64(1)]),
    );
}

#[test]
fn flexible_union_unknown_variant_is_kept_as_its_ordinal() {
    // Out of line: 8 bytes of content nobody reads.
    let bytes = rows(&[
        [3, 0, 0, 0, 0, 0, 0, 0],
        le64(9),
        [8, 0, 0, 0, 0, 0, 0, 0],
        [0xab; 8],
    ]);
    let msg = decode::<HasU>(&bytes, vec![]).unwrap();
    assert!(matches!(msg.view().u(), FUView::UnknownOrdinal(9)));
    let v = msg.into_natural();
    assert_eq!(
        v,
        HasU {
            x: 3,
            u: FU::UnknownOrdinal(9)
        }
    );
    // Its data was dropped, so it cannot be re-encoded.
    let mut buf = MessageBuf::<H>::new();
    assert_eq!(
        buf.encode(&v),
        Err(Error::FlexibleUnionUnknownField { ordinal: 9 })
    );
    assert!(buf.bytes().is_empty());

    // Inline unknown content.
    let bytes = rows(&[
        [3, 0, 0, 0, 0, 0, 0, 0],
        le64(0xffff_ffff_ffff_ffff),
        [1, 2, 3, 4, 0, 0, 1, 0],
    ]);
    let v: HasU = decode_natural(&bytes);
    assert_eq!(v.u, FU::UnknownOrdinal(u64::MAX));
}

// ---------------------------------------------------------------------------------------
// Headers

#[test]
fn transactional_header_and_body() {
    let mut buf = MessageBuf::<H>::new();
    let header = TransactionHeader::new(0x0102_0304, 0x1122_3344_5566_7788, 0x80);
    buf.encode_transactional(header, &Point { x: 1, y: 2 })
        .unwrap();
    let expected = rows(&[
        [0x04, 0x03, 0x02, 0x01, 0x02, 0x00, 0x80, 0x01], // txid, at-rest flags (v2), dynamic flags, magic
        [0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11], // ordinal
        [0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00], // body
    ]);
    assert_bytes(buf.bytes(), &expected);
    let (bytes, handles) = buf.take();
    let (header, msg) =
        Decoded::<Point, H>::decode_transactional(bytes, handles, &DecodeOptions::default())
            .unwrap();
    assert_eq!(header.txid.get(), 0x0102_0304);
    assert_eq!(header.ordinal.get(), 0x1122_3344_5566_7788);
    assert!(header.is_flexible());
    assert_eq!((msg.view().x(), msg.view().y()), (1, 2));

    // A body with out-of-line parts: offsets inside the body count from the body's start.
    let t = Tracker::new();
    let body = Hs {
        a: t.event(),
        b: None,
        c: None,
        v: vec![t.event()],
        ov: None,
    };
    buf.encode_transactional(TransactionHeader::new(0, 5, 0), body)
        .unwrap();
    assert_eq!(buf.bytes().len(), 16 + 48 + 8);
    let (bytes, handles) = buf.take();
    let (header, msg) =
        Decoded::<Hs, H>::decode_transactional(bytes, handles, &DecodeOptions::default()).unwrap();
    assert_eq!(header.ordinal.get(), 5);
    assert!(!header.is_flexible());
    assert_eq!(msg.view().v().get(0).map(|r| r.index()), Some(1));
    drop(msg);
    t.assert_all_closed_once();
}

#[test]
fn persisted_header_and_body() {
    let mut bytes = vec![0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00];
    bytes.extend(encode_bytes(&Point { x: 3, y: 4 }));
    let msg = Decoded::<Point, H>::decode_persisted(
        bytes::BytesMut::from(&bytes[..]),
        vec![],
        &DecodeOptions::default(),
    )
    .unwrap();
    assert_eq!((msg.view().x(), msg.view().y()), (3, 4));
}

// ---------------------------------------------------------------------------------------

/// Handle slots declare types and rights; encoding records them as dispositions.
#[test]
fn handle_dispositions_follow_the_declared_constraints() {
    let t = Tracker::new();
    let value = Hs {
        a: t.event(),
        b: Some(t.channel()),
        c: None,
        v: vec![],
        ov: None,
    };
    let mut buf = MessageBuf::<H>::new();
    buf.encode(value).unwrap();
    let d = buf.dispositions();
    assert_eq!(d.len(), 2);
    assert_eq!(
        (d[0].object_type, d[0].rights),
        (ObjectType::NONE, Rights::SAME_RIGHTS)
    );
    assert_eq!(
        (d[1].object_type, d[1].rights),
        (ObjectType::CHANNEL, Rights::SAME_RIGHTS)
    );
    buf.clear();
    t.assert_all_closed_once();
}

// ---------------------------------------------------------------------------------------
// Small members inline in envelopes

#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct Wrapped {
    pub h: H,
}

#[derive(Debug, Default, Fidl)]
#[fidl(table, resource)]
pub struct SmallMembers {
    #[fidl(ordinal = 1)]
    pub empty: Option<Empty>,
    #[fidl(ordinal = 2)]
    pub wrapped: Option<Wrapped>,
    #[fidl(ordinal = 3)]
    pub one: Option<[H; 1]>,
    #[fidl(ordinal = 4)]
    pub pair: Option<[u16; 2]>,
}

#[derive(Debug, Fidl)]
#[fidl(union, strict, resource)]
pub enum SmallVariants {
    #[fidl(ordinal = 1)]
    Empty(Empty),
    #[fidl(ordinal = 2)]
    Wrapped(Wrapped),
}

/// Structs and arrays of at most 4 bytes go inline in envelopes, handles included: an
/// empty struct is its zero byte with flags 1, a struct of one handle carries it inline.
#[test]
fn structs_and_arrays_inline_in_envelopes() {
    let t = Tracker::new();
    let value = SmallMembers {
        empty: Some(Empty {}),
        wrapped: Some(Wrapped { h: t.event() }),
        one: Some([t.channel()]),
        pair: Some([0x0102, 0x0304]),
    };
    let expected = rows(&[
        le64(4),
        PRESENT,
        [0, 0, 0, 0, 0, 0, 1, 0],
        [0xff, 0xff, 0xff, 0xff, 1, 0, 1, 0],
        [0xff, 0xff, 0xff, 0xff, 1, 0, 1, 0],
        [2, 1, 4, 3, 0, 0, 1, 0],
    ]);
    let (bytes, handles) = encode(value);
    assert_bytes(&bytes, &expected);
    let msg = Decoded::<SmallMembers, H>::decode(bytes, handles).unwrap();
    assert!(msg.view().empty().is_some());
    assert_eq!(msg.view().wrapped().map(|w| w.h().index()), Some(0));
    assert_eq!(
        msg.view().one().and_then(|a| a.get(0)).map(|r| r.index()),
        Some(1)
    );
    assert_eq!(
        msg.view().pair().map(|p| p.iter().collect::<Vec<_>>()),
        Some(vec![0x0102, 0x0304])
    );
    let handles = assert_canonical::<SmallMembers>(&expected, {
        let (_, hs) = encode(msg.into_natural());
        hs
    });
    drop(handles);
    t.assert_all_closed_once();

    // The empty struct's byte must be zero, and so must the rest of its 4 bytes.
    for (at, e) in [
        (
            16,
            Error::InvalidEmptyStruct {
                offset: 16,
                found: 1,
            },
        ),
        (17, Error::InvalidPaddingByte { offset: 17 }),
        (19, Error::InvalidPaddingByte { offset: 19 }),
    ] {
        let mut bad = expected.clone();
        bad[at] = 1;
        let t = Tracker::new();
        let got = decode_err_closing::<SmallMembers>(
            &bad,
            &t,
            vec![t.event(), t.channel()],
            &DecodeOptions::default(),
        );
        assert_eq!(got, e);
    }

    // Union variants.
    let (bytes, handles) = encode(SmallVariants::Empty(Empty {}));
    assert_bytes(&bytes, &rows(&[le64(1), [0, 0, 0, 0, 0, 0, 1, 0]]));
    assert!(handles.is_empty());
    let t = Tracker::new();
    let (bytes, handles) = encode(SmallVariants::Wrapped(Wrapped { h: t.event() }));
    assert_bytes(
        &bytes,
        &rows(&[le64(2), [0xff, 0xff, 0xff, 0xff, 1, 0, 1, 0]]),
    );
    let v = Decoded::<SmallVariants, H>::decode(bytes, handles)
        .unwrap()
        .into_natural();
    assert!(matches!(v, SmallVariants::Wrapped(_)));
    drop(v);
    t.assert_all_closed_once();
}

// ---------------------------------------------------------------------------------------
// Static maximum sizes

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Str4 {
    #[fidl(max_len = 4)]
    pub s: String,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Bounded {
    pub id: u16,
    #[fidl(max_len = 12)]
    pub tag: Option<String>,
    pub shape: SU,
    #[fidl(max_len = 2)]
    pub strs: Vec<Str4>,
    pub arr: StrArray,
    pub boxed: Option<Box<Point>>,
    pub e: Enums,
}

/// A bounded type's largest value fills exactly its static maximum size (inline size
/// padded to 8, plus `MAX_OUT_OF_LINE`), and decodes: the decoder rejects anything
/// longer before reading it, so a bound too small would reject valid messages.
#[test]
fn largest_values_fill_the_static_maximum_exactly() {
    #[track_caller]
    fn fills<T>(value: T)
    where
        T: handoff::codec::Encode<H>
            + handoff::codec::Decode<H>
            + Clone
            + PartialEq
            + std::fmt::Debug,
    {
        let bytes = encode_bytes(value.clone());
        let max = handoff::wire::align8(T::INLINE_SIZE).unwrap() + T::MAX_OUT_OF_LINE as usize;
        assert_eq!(bytes.len(), max, "{value:?}");
        assert_eq!(decode_natural::<T>(&bytes), value);
    }
    fills(Str4 { s: "1234".into() });
    fills(StrArray {
        s: ["abcd".into(), "wxyz".into()],
    });
    fills(Some(Point { x: 1, y: 2 }));
    fills(SU::B("12345678".into()));
    fills(HasOptU {
        u: Some(Box::new(SU::B("12345678".into()))),
        tag: 1,
    });
    let largest = Bounded {
        id: 1,
        tag: Some("twelve bytes".into()),
        shape: SU::B("eight by".into()),
        strs: vec![Str4 { s: "1234".into() }, Str4 { s: "5678".into() }],
        arr: StrArray {
            s: ["abcd".into(), "efgh".into()],
        },
        boxed: Some(Box::new(Point { x: 3, y: 4 })),
        e: Enums {
            a: E8::A,
            b: EI16::Pos,
            c: FU32::One,
            d: FI64::MinusOne,
        },
    };
    fills(largest.clone());
    // One byte more than the maximum is rejected before the walk.
    let mut long = encode_bytes(largest);
    let max = long.len();
    long.extend_from_slice(&[0; 8]);
    let e = decode_err::<Bounded>(&long);
    assert_eq!(
        e,
        Error::TooManyBytesInMessage {
            offset: max,
            extra: 8
        }
    );
}
