//! Encode failures: each returns the right error, closes every handle of the value
//! exactly once (those already moved into the handle table and those not reached yet),
//! and leaves the `MessageBuf` empty and reusable.

// Test types are not an API: their members need no docs.
#![allow(missing_docs)]

#[path = "support/chains.rs"]
mod chains;
mod support;

use chains::{Build, Nest};
use handoff::codec::Encode;
use handoff::codec::layout::StringConstraint;
use handoff::codec::wire::TransactionHeader;
use handoff::{Error, ErrorCode, Fidl, Limits, MessageBuf};
use support::*;

#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct Bounded {
    pub a: H,
    #[fidl(max_len = 4)]
    pub s: String,
    #[fidl(max_len = 2)]
    pub v: Vec<H>,
    pub c: Option<H>,
}

#[derive(Debug, Fidl)]
#[fidl(union, flexible, resource)]
pub enum Choice {
    #[fidl(ordinal = 1)]
    H(H),
    #[fidl(ordinal = 2, max_len = 1)]
    Hs(Vec<H>),
    #[fidl(unknown)]
    UnknownOrdinal(u64),
}

#[derive(Debug, Default, Fidl)]
#[fidl(table, resource)]
pub struct Tbl {
    #[fidl(ordinal = 1)]
    pub h: Option<H>,
    #[fidl(ordinal = 2, max_len = 3)]
    pub name: Option<String>,
    #[fidl(ordinal = 3)]
    pub after: Option<H>,
}

#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct WithChoice {
    pub h: H,
    pub c: Choice,
    pub t: Tbl,
    pub tail: Option<H>,
}

#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct Deep {
    pub h: H,
    pub chain: chains::B0,
    pub tail: Option<H>,
}

#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct DeepUnion {
    pub h: H,
    pub chain: chains::U0,
    pub tail: Vec<H>,
}

#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct DeepTable {
    pub h: H,
    pub chain: chains::T0,
    pub tail: Option<H>,
}

#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct DeepVec {
    pub h: H,
    pub v: chains::Vec33,
    pub tail: Option<H>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Fidl)]
#[fidl(bits, strict, repr = u16, mask = 0x3)]
pub struct SBits(pub u16);

#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct WithBits {
    pub h: H,
    pub b: SBits,
    pub tail: H,
}

/// Encodes `value` into `buf`, expects `expected`, and checks that every handle the
/// tracker minted was closed once and that the buffer is empty.
#[track_caller]
fn expect_failure<T: Encode<H>>(buf: &mut MessageBuf<H>, t: &Tracker, value: T, expected: Error) {
    let e = buf.encode(value).unwrap_err();
    assert_eq!(e, expected);
    assert!(buf.bytes().is_empty(), "bytes left in the buffer");
    assert!(buf.handles().is_empty(), "handles left in the buffer");
    assert!(
        buf.dispositions().is_empty(),
        "dispositions left in the buffer"
    );
    t.assert_all_closed_once();
}

/// The buffer still works: a good value encodes to the right bytes.
#[track_caller]
fn assert_reusable(buf: &mut MessageBuf<H>) {
    let t = Tracker::new();
    buf.encode(Bounded {
        a: t.event(),
        s: "ok".into(),
        v: vec![t.event()],
        c: None,
    })
    .unwrap();
    let expected = rows(&[
        [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
        le64(2),
        PRESENT,
        le64(1),
        PRESENT,
        [0; 8],
        [b'o', b'k', 0, 0, 0, 0, 0, 0],
        [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
    ]);
    assert_bytes(buf.bytes(), &expected);
    assert_eq!(buf.handles().len(), 2);
    buf.clear();
    t.assert_all_closed_once();
}

#[test]
fn string_too_long() {
    let mut buf = MessageBuf::<H>::new();
    let t = Tracker::new();
    let value = Bounded {
        a: t.event(),
        s: "hello".into(),
        v: t.events(2),
        c: Some(t.event()),
    };
    expect_failure(
        &mut buf,
        &t,
        value,
        Error::StringTooLong {
            offset: 8,
            len: 5,
            limit: 4,
        },
    );
    assert_eq!(
        Error::StringTooLong {
            offset: 8,
            len: 5,
            limit: 4
        }
        .code(),
        ErrorCode::StringTooLong
    );
    assert_reusable(&mut buf);
    // A top-level string with a bound.
    let e = buf
        .encode_constrained("hello", StringConstraint { max_len: 4 })
        .unwrap_err();
    assert_eq!(
        e,
        Error::StringTooLong {
            offset: 0,
            len: 5,
            limit: 4
        }
    );
    assert!(buf.bytes().is_empty());
    // Multibyte: the bound counts bytes, not characters.
    let t = Tracker::new();
    let value = Bounded {
        a: t.event(),
        s: "éé€".into(),
        v: vec![],
        c: None,
    };
    expect_failure(
        &mut buf,
        &t,
        value,
        Error::StringTooLong {
            offset: 8,
            len: 7,
            limit: 4,
        },
    );
    assert_reusable(&mut buf);
}

#[test]
fn vector_too_long() {
    let mut buf = MessageBuf::<H>::new();
    let t = Tracker::new();
    let value = Bounded {
        a: t.event(),
        s: "ok".into(),
        v: t.events(3),
        c: Some(t.event()),
    };
    expect_failure(
        &mut buf,
        &t,
        value,
        Error::CountExceedsLimit {
            offset: 24,
            count: 3,
            limit: 2,
        },
    );
    assert_reusable(&mut buf);
    // Inside a union variant: the variant's vector header is the first out-of-line
    // object, at 48 (after the 48-byte primary object); `h` was already moved.
    let t = Tracker::new();
    let value = WithChoice {
        h: t.event(),
        c: Choice::Hs(t.events(2)),
        t: Tbl {
            h: Some(t.event()),
            ..Tbl::default()
        },
        tail: Some(t.event()),
    };
    expect_failure(
        &mut buf,
        &t,
        value,
        Error::CountExceedsLimit {
            offset: 48,
            count: 2,
            limit: 1,
        },
    );
    // Inside a table member, with a handle already moved from the table's first member.
    let t = Tracker::new();
    let value = WithChoice {
        h: t.event(),
        c: Choice::H(t.event()),
        t: Tbl {
            h: Some(t.event()),
            name: Some("four".into()),
            after: Some(t.event()),
        },
        tail: Some(t.event()),
    };
    let e = buf.encode(value).unwrap_err();
    assert!(
        matches!(
            e,
            Error::StringTooLong {
                len: 4,
                limit: 3,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(buf.bytes().is_empty() && buf.handles().is_empty());
    t.assert_all_closed_once();
    assert_reusable(&mut buf);
}

#[test]
fn depth_exceeded() {
    let mut buf = MessageBuf::<H>::new();
    // Boxes: Deep.chain (B0) is inline at 8; B1 at 24, B(i) at 24 + 8 (i - 1); the marker
    // of B32 (depth 32) announces B33, which would be at depth 33.
    let t = Tracker::new();
    let value = Deep {
        h: t.event(),
        chain: chains::B0::build(33),
        tail: Some(t.event()),
    };
    expect_failure(
        &mut buf,
        &t,
        value,
        Error::ExceededMaxOutOfLineDepth {
            offset: 24 + 8 * 31,
            depth: 33,
        },
    );
    // At the limit it encodes.
    let t = Tracker::new();
    buf.encode(Deep {
        h: t.event(),
        chain: chains::B0::build(32),
        tail: Some(t.event()),
    })
    .unwrap();
    buf.clear();
    t.assert_all_closed_once();

    // Unions: the leaf's content would be at depth 33.
    let t = Tracker::new();
    let value = DeepUnion {
        h: t.event(),
        chain: chains::U0::build(32),
        tail: t.events(2),
    };
    let e = buf.encode(value).unwrap_err();
    assert!(
        matches!(e, Error::ExceededMaxOutOfLineDepth { depth: 33, .. }),
        "{e:?}"
    );
    assert!(buf.bytes().is_empty() && buf.handles().is_empty());
    t.assert_all_closed_once();

    // Tables (two levels each).
    let t = Tracker::new();
    let value = DeepTable {
        h: t.event(),
        chain: chains::T0::build(16),
        tail: Some(t.event()),
    };
    let e = buf.encode(value).unwrap_err();
    assert!(
        matches!(e, Error::ExceededMaxOutOfLineDepth { depth: 33, .. }),
        "{e:?}"
    );
    t.assert_all_closed_once();
    let t = Tracker::new();
    buf.encode(DeepTable {
        h: t.event(),
        chain: chains::T0::build(15),
        tail: Some(t.event()),
    })
    .unwrap();
    buf.clear();
    t.assert_all_closed_once();

    // Vectors: 33 nested, the innermost (empty) body at depth 33.
    let v = chains::Vec33::nest(33);
    let t = Tracker::new();
    let e = buf
        .encode(DeepVec {
            h: t.event(),
            v,
            tail: Some(t.event()),
        })
        .unwrap_err();
    assert!(
        matches!(e, Error::ExceededMaxOutOfLineDepth { depth: 33, .. }),
        "{e:?}"
    );
    assert!(buf.bytes().is_empty() && buf.handles().is_empty());
    t.assert_all_closed_once();

    // A lower configured depth limit.
    let mut shallow = MessageBuf::<H>::with_limits(Limits {
        max_depth: 2,
        ..Limits::DEFAULT
    });
    let t = Tracker::new();
    let value = Deep {
        h: t.event(),
        chain: chains::B0::build(3),
        tail: Some(t.event()),
    };
    expect_failure(
        &mut shallow,
        &t,
        value,
        Error::ExceededMaxOutOfLineDepth {
            offset: 32,
            depth: 3,
        },
    );
    assert_reusable(&mut buf);
}

#[test]
fn unknown_flexible_union_variant() {
    let mut buf = MessageBuf::<H>::new();
    let t = Tracker::new();
    let value = WithChoice {
        h: t.event(),
        c: Choice::UnknownOrdinal(5),
        t: Tbl {
            h: Some(t.event()),
            ..Tbl::default()
        },
        tail: Some(t.event()),
    };
    expect_failure(
        &mut buf,
        &t,
        value,
        Error::FlexibleUnionUnknownField { ordinal: 5 },
    );
    assert_eq!(
        Error::FlexibleUnionUnknownField { ordinal: 5 }.code(),
        ErrorCode::FlexibleUnionUnknownField
    );
    assert_reusable(&mut buf);
    // Top level.
    expect_failure(
        &mut buf,
        &Tracker::new(),
        Choice::UnknownOrdinal(u64::MAX),
        Error::FlexibleUnionUnknownField { ordinal: u64::MAX },
    );
}

#[test]
fn strict_bits_unknown_on_encode() {
    let mut buf = MessageBuf::<H>::new();
    let t = Tracker::new();
    let value = WithBits {
        h: t.event(),
        b: SBits(0x8001),
        tail: t.event(),
    };
    expect_failure(
        &mut buf,
        &t,
        value,
        Error::StrictBitsUnknownBit {
            offset: 4,
            bits: 0x8000,
        },
    );
    assert_reusable(&mut buf);
}

#[test]
fn configured_limits_on_encode() {
    // Message size.
    let mut buf = MessageBuf::<H>::with_limits(Limits {
        max_bytes: 32,
        ..Limits::DEFAULT
    });
    let t = Tracker::new();
    let value = Bounded {
        a: t.event(),
        s: "abc".into(),
        v: t.events(1),
        c: Some(t.event()),
    };
    expect_failure(
        &mut buf,
        &t,
        value,
        Error::MessageTooLarge { len: 64, limit: 32 },
    );
    // Handle count.
    let mut buf = MessageBuf::<H>::with_limits(Limits {
        max_handles: 3,
        ..Limits::DEFAULT
    });
    let t = Tracker::new();
    let value = Bounded {
        a: t.event(),
        s: "abc".into(),
        v: t.events(2),
        c: Some(t.event()),
    };
    expect_failure(
        &mut buf,
        &t,
        value,
        Error::HandleLimitExceeded { count: 4, limit: 3 },
    );
    // Within the limits the same buffer encodes.
    let t = Tracker::new();
    buf.encode(Bounded {
        a: t.event(),
        s: "abc".into(),
        v: t.events(1),
        c: Some(t.event()),
    })
    .unwrap();
    assert_eq!(buf.handles().len(), 3);
    buf.clear();
    t.assert_all_closed_once();
}

#[test]
fn transactional_encode_failure_leaves_nothing() {
    let mut buf = MessageBuf::<H>::new();
    let t = Tracker::new();
    let value = Bounded {
        a: t.event(),
        s: "too long".into(),
        v: vec![],
        c: None,
    };
    let e = buf
        .encode_transactional(TransactionHeader::new(1, 2, 0), value)
        .unwrap_err();
    assert!(
        matches!(e, Error::StringTooLong { offset: 24, .. }),
        "{e:?}"
    );
    assert!(buf.bytes().is_empty(), "the header must go too");
    t.assert_all_closed_once();
    let t = Tracker::new();
    buf.encode_transactional(
        TransactionHeader::new(1, 2, 0),
        Bounded {
            a: t.event(),
            s: "ok".into(),
            v: vec![],
            c: None,
        },
    )
    .unwrap();
    assert_eq!(buf.bytes().len(), 16 + 48 + 8);
    buf.clear();
    t.assert_all_closed_once();
}

/// A failed encode after a successful one does not keep the earlier message.
#[test]
fn failure_replaces_the_previous_content() {
    let mut buf = MessageBuf::<H>::new();
    let t = Tracker::new();
    buf.encode(Bounded {
        a: t.event(),
        s: "ok".into(),
        v: vec![],
        c: None,
    })
    .unwrap();
    assert_eq!(buf.handles().len(), 1);
    let t2 = Tracker::new();
    let e = buf
        .encode(Bounded {
            a: t2.event(),
            s: "hello".into(),
            v: vec![],
            c: None,
        })
        .unwrap_err();
    assert!(matches!(e, Error::StringTooLong { .. }));
    assert!(buf.bytes().is_empty() && buf.handles().is_empty());
    // The earlier message's handle was closed when the buffer was reused.
    t.assert_all_closed_once();
    t2.assert_all_closed_once();
}
