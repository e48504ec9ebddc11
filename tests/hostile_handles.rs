//! Hostile handles: markers other than 0 and all ones, too few and too many handles,
//! handles in value types' unknown members (both policies), the static and configured
//! handle limits, wrong object types, missing rights, rights reduction, envelope handle
//! counts and malformed headers. Every test checks the exact error and that every handle
//! passed in was closed exactly once (the in-memory backend records each close).

// Test types are not an API: their members need no docs.
#![allow(missing_docs)]

mod support;

use handoff::codec::envelope::{
    TableView, decode_envelope, decode_table, encode_envelope, encode_table_header,
};
use handoff::codec::handle::{Handle, HandleDisposition, RightsError};
use handoff::codec::{Decode, Decoder, Encode, Encoder, HandleTable, Layout};
use handoff::handle::{ObjectType, Rights};
use handoff::{DecodeOptions, Decoded, Error, ErrorCode, Fidl, Limits, MessageBuf, UnknownHandles};
use support::*;

// ---------------------------------------------------------------------------------------
// Types

#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct One {
    pub h: H,
}

#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct OptH {
    pub h: Option<H>,
}

/// An event with the basic rights.
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct Ev {
    #[fidl(handle(object_type = 5, rights = 0xC003))]
    pub e: H,
}

/// Any object with read and write.
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct Rw {
    #[fidl(handle(object_type = 0, rights = 0x000C))]
    pub h: H,
}

#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct Three {
    #[fidl(max_len = 3)]
    pub v: Vec<H>,
}

#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct Many {
    #[fidl(elem(handle(object_type = 5, rights = 0x8000_0000)))]
    pub v: Vec<H>,
}

/// Handles around a string and a vector, for errors in the middle of a message.
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct Mixed {
    #[fidl(handle(object_type = 5, rights = 0xC003))]
    pub a: H,
    pub s: String,
    pub b: Option<H>,
    pub v: Vec<H>,
}

/// A value type with a flexible union: unknown variants may arrive with handles.
#[derive(Debug, Clone, PartialEq, Fidl)]
#[fidl(union, flexible)]
pub enum VU {
    #[fidl(ordinal = 1)]
    A(u32),
    #[fidl(unknown)]
    UnknownOrdinal(u64),
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct HasVU {
    pub x: u32,
    pub u: VU,
}

/// A resource type holding a value type with a flexible union.
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct RHolder {
    pub h: H,
    pub u: VU,
}

#[derive(Debug, Fidl)]
#[fidl(union, flexible, resource)]
pub enum RU {
    #[fidl(ordinal = 1)]
    A(u32),
    #[fidl(ordinal = 2)]
    H(H),
    #[fidl(unknown)]
    UnknownOrdinal(u64),
}

#[derive(Debug, Default, Fidl)]
#[fidl(table, resource)]
pub struct RT {
    #[fidl(ordinal = 1)]
    pub a: Option<u32>,
    #[fidl(ordinal = 2)]
    pub h: Option<H>,
    #[fidl(ordinal = 3)]
    pub v: Option<Vec<H>>,
}

/// A value table `table { 1: a uint32; }`, written by hand on the codec's table helpers:
/// a check of the helpers that does not go through the derive.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VTable {
    pub a: Option<u32>,
}

impl Layout for VTable {
    const INLINE_SIZE: usize = 16;
    const ALIGN: usize = 8;
    const MAX_HANDLES: u32 = 0;
    const IS_RESOURCE: bool = false;
    const HAS_FLEXIBLE_ENVELOPE: bool = true;
    type Constraint = ();
    const DEFAULT_CONSTRAINT: () = ();
    type View<'de> = TableView<'de>;

    unsafe fn view(msg: &[u8], at: usize) -> TableView<'_> {
        // SAFETY: the caller guarantees a `VTable` (a table) was validated at `at`.
        unsafe { TableView::new(msg, at) }
    }
}

impl<X: Handle> Encode<X> for VTable {
    fn encode(self, enc: &mut Encoder<'_, X>, at: usize, _: (), depth: u32) -> Result<(), Error> {
        let count = u64::from(self.a.is_some());
        let (body, depth) = encode_table_header(enc, at, count, depth)?;
        if let Some(a) = self.a {
            encode_envelope(enc, body, a, (), depth)?;
        }
        Ok(())
    }
}

impl<X: Handle> Decode<X> for VTable {
    fn decode(dec: &mut Decoder<'_, X>, at: usize, _: (), depth: u32) -> Result<(), Error> {
        decode_table(
            dec,
            at,
            depth,
            false,
            |dec, ordinal, env_at, depth| match ordinal {
                1 => decode_envelope::<X, u32>(dec, env_at, (), depth, false).map(|_| true),
                _ => Ok(false),
            },
        )
    }

    fn from_view(view: TableView<'_>, _: &mut HandleTable<X>) -> Self {
        // SAFETY: member 1 of `VTable` is a `u32`, and `decode` validated it as one.
        let a = unsafe { view.member::<u32>(1) };
        VTable { a }
    }
}

/// A resource type holding a value table.
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct RWithVTable {
    pub h: H,
    pub t: VTable,
}

// ---------------------------------------------------------------------------------------
// A backend that cannot reduce rights (as a transport without rights would).

#[derive(Debug)]
pub struct Stubborn(pub H);

impl Handle for Stubborn {
    fn object_type(&self) -> ObjectType {
        self.0.object_type()
    }

    fn rights(&self) -> Rights {
        self.0.rights()
    }

    fn reduce_rights(self, rights: Rights) -> Result<Self, RightsError> {
        Err(RightsError {
            object_type: self.0.object_type(),
            wanted: rights,
            reason: "this backend keeps rights",
        })
    }
}

handoff::codec::impl_handle_codec!(Stubborn);

#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct StubbornMsg {
    #[fidl(handle(object_type = 5, rights = 0xC003))]
    pub e: Stubborn,
    pub tail: Option<Stubborn>,
}

// ---------------------------------------------------------------------------------------
// Helpers

fn default() -> DecodeOptions {
    DecodeOptions::default()
}

fn drop_policy() -> DecodeOptions {
    DecodeOptions::drop_unknown_handles()
}

/// A one-handle message: its slot.
fn slot(marker: u32) -> Vec<u8> {
    let mut bytes = vec![0u8; 8];
    put32(&mut bytes, 0, marker);
    bytes
}

fn header(count: u64) -> Vec<u8> {
    rows(&[le64(count), PRESENT])
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// The bytes of a vector of `n` present handle slots.
fn handle_vec(n: usize) -> Vec<u8> {
    let mut bytes = header(n as u64);
    bytes.extend(std::iter::repeat_n(0xff, 4 * n));
    bytes.resize(16 + handoff::wire::align8(4 * n).unwrap(), 0);
    bytes
}

// ---------------------------------------------------------------------------------------
// Markers and counts

#[test]
fn handle_markers_other_than_zero_and_all_ones() {
    for found in [1u32, 2, 0x7fff_ffff, 0x8000_0000, 0xffff_fffe] {
        let t = Tracker::new();
        let e = decode_err_closing::<One>(&slot(found), &t, vec![t.event()], &default());
        assert_eq!(
            e,
            Error::InvalidHandlePresenceIndicator { offset: 0, found }
        );
        assert_eq!(e.code(), ErrorCode::InvalidHandlePresenceIndicator);

        let t = Tracker::new();
        let e = decode_err_closing::<OptH>(&slot(found), &t, vec![t.event()], &default());
        assert_eq!(
            e,
            Error::InvalidHandlePresenceIndicator { offset: 0, found }
        );

        // The second slot of a vector, the first already claimed.
        let t = Tracker::new();
        let mut bytes = handle_vec(3);
        put32(&mut bytes, 20, found);
        let e = decode_err_closing::<Many>(&bytes, &t, t.events(3), &default());
        assert_eq!(
            e,
            Error::InvalidHandlePresenceIndicator { offset: 20, found }
        );
    }
}

#[test]
fn absent_required_handle() {
    let t = Tracker::new();
    let e = decode_err_closing::<One>(&slot(0), &t, vec![], &default());
    assert_eq!(e, Error::NonNullableTypeWithNullValue { offset: 0 });
    assert_eq!(e.code(), ErrorCode::NonNullableTypeWithNullValue);
    let t = Tracker::new();
    let mut bytes = handle_vec(2);
    put32(&mut bytes, 20, 0);
    let e = decode_err_closing::<Many>(&bytes, &t, t.events(2), &default());
    assert_eq!(e, Error::NonNullableTypeWithNullValue { offset: 20 });
    // Absent optional: fine.
    let msg = decode::<OptH>(&slot(0), vec![]).unwrap();
    assert!(msg.view().h().is_none());
}

#[test]
fn too_few_handles() {
    let t = Tracker::new();
    let e = decode_err_closing::<One>(&slot(u32::MAX), &t, vec![], &default());
    assert_eq!(
        e,
        Error::TooFewHandles {
            offset: 0,
            index: 0,
            available: 0
        }
    );
    assert_eq!(e.code(), ErrorCode::TooFewHandles);
    // Three slots, two handles: both are claimed, then the third slot finds none.
    let t = Tracker::new();
    let e = decode_err_closing::<Many>(&handle_vec(3), &t, t.events(2), &default());
    assert_eq!(
        e,
        Error::TooFewHandles {
            offset: 24,
            index: 2,
            available: 2
        }
    );
}

#[test]
fn too_many_handles() {
    // The type holds any number: found after the walk.
    let t = Tracker::new();
    let e = decode_err_closing::<Many>(&handle_vec(1), &t, t.events(3), &default());
    assert_eq!(
        e,
        Error::TooManyHandlesInMessage {
            count: 3,
            unclaimed: 2
        }
    );
    assert_eq!(e.code(), ErrorCode::TooManyHandlesInMessage);
    // Within the type's bound, but the slot is absent.
    let t = Tracker::new();
    let e = decode_err_closing::<OptH>(&slot(0), &t, vec![t.event()], &default());
    assert_eq!(
        e,
        Error::TooManyHandlesInMessage {
            count: 1,
            unclaimed: 1
        }
    );
    // Above the type's bound: the pre-check, before any byte is read.
    let t = Tracker::new();
    let e = decode_err_closing::<One>(&slot(u32::MAX), &t, t.events(2), &default());
    assert_eq!(e, Error::MaxHandlesExceeded { count: 2, max: 1 });
    assert_eq!(e.code(), ErrorCode::TooManyHandlesInMessage);
    // A value type with no flexible member holds none.
    let t = Tracker::new();
    let e = decode_err_closing::<u32>(&[0; 8], &t, vec![t.event()], &default());
    assert_eq!(e, Error::MaxHandlesExceeded { count: 1, max: 0 });
}

#[test]
fn exactly_max_handles_and_one_more() {
    // The type's static bound: `vector<handle>:3`.
    assert_eq!(<Three as Layout>::MAX_HANDLES, 3);
    let t = Tracker::new();
    let msg = decode::<Three>(&handle_vec(3), t.events(3)).unwrap();
    assert_eq!(msg.handle_count(), 3);
    drop(msg);
    t.assert_all_closed_once();
    let t = Tracker::new();
    let e = decode_err_closing::<Three>(&handle_vec(4), &t, t.events(4), &default());
    assert_eq!(e, Error::MaxHandlesExceeded { count: 4, max: 3 });

    // The configured limit (64 by default).
    let t = Tracker::new();
    let msg = decode::<Many>(&handle_vec(64), t.events(64)).unwrap();
    assert_eq!(msg.into_natural().v.len(), 64);
    t.assert_all_closed_once();
    let t = Tracker::new();
    let e = decode_err_closing::<Many>(&handle_vec(65), &t, t.events(65), &default());
    assert_eq!(
        e,
        Error::HandleLimitExceeded {
            count: 65,
            limit: 64
        }
    );
    assert_eq!(e.code(), ErrorCode::TooManyHandlesInMessage);
    // A lower configured limit.
    let opts = DecodeOptions {
        limits: Limits {
            max_handles: 2,
            ..Limits::DEFAULT
        },
        ..default()
    };
    let t = Tracker::new();
    assert!(decode_with::<Many>(&handle_vec(2), t.events(2), &opts).is_ok());
    t.assert_all_closed_once();
    let t = Tracker::new();
    let e = decode_err_closing::<Many>(&handle_vec(3), &t, t.events(3), &opts);
    assert_eq!(e, Error::HandleLimitExceeded { count: 3, limit: 2 });
}

// ---------------------------------------------------------------------------------------
// Object types and rights

#[test]
fn wrong_object_type() {
    let t = Tracker::new();
    let e = decode_err_closing::<Ev>(&slot(u32::MAX), &t, vec![t.channel()], &default());
    assert_eq!(
        e,
        Error::IncorrectHandleType {
            offset: 0,
            expected: ObjectType::EVENT,
            found: ObjectType::CHANNEL
        }
    );
    assert_eq!(e.code(), ErrorCode::IncorrectHandleType);
    // A vector's element constraint: the third element is a VMO.
    let t = Tracker::new();
    let handles = vec![
        t.event(),
        t.event(),
        t.create(ObjectType::VMO, Rights::BASIC),
    ];
    let e = decode_err_closing::<Many>(&handle_vec(3), &t, handles, &default());
    assert_eq!(
        e,
        Error::IncorrectHandleType {
            offset: 24,
            expected: ObjectType::EVENT,
            found: ObjectType::VMO
        }
    );
    // A backend's "unknown" object type matches only a slot that takes any type.
    let t = Tracker::new();
    let unknown = t.create(ObjectType::UNKNOWN, Rights::EVENT_DEFAULT);
    let e = decode_err_closing::<Ev>(&slot(u32::MAX), &t, vec![unknown], &default());
    assert!(matches!(
        e,
        Error::IncorrectHandleType {
            found: ObjectType::UNKNOWN,
            ..
        }
    ));
    let t = Tracker::new();
    let unknown = t.create(ObjectType::UNKNOWN, Rights::EVENT_DEFAULT);
    drop(decode::<One>(&slot(u32::MAX), vec![unknown]).unwrap());
    t.assert_all_closed_once();
}

/// spec section 11.2: a received type NONE (the sender's kernel could not tell) is
/// accepted by any slot.
#[test]
fn received_type_none_is_accepted() {
    let t = Tracker::new();
    let h = t.create(ObjectType::NONE, Rights::BASIC);
    let msg = decode::<Ev>(&slot(u32::MAX), vec![h]).unwrap();
    assert_eq!(msg.into_natural().e.object_type(), ObjectType::NONE);
    t.assert_all_closed_once();
}

#[test]
fn missing_rights() {
    let t = Tracker::new();
    let h = t.create(ObjectType::EVENT, Rights::TRANSFER | Rights::WAIT);
    let e = decode_err_closing::<Ev>(&slot(u32::MAX), &t, vec![h], &default());
    assert_eq!(
        e,
        Error::MissingRequiredHandleRights {
            offset: 0,
            required: Rights::BASIC,
            found: Rights::TRANSFER | Rights::WAIT
        }
    );
    assert_eq!(e.code(), ErrorCode::MissingRequiredHandleRights);
    // An event's default rights have no READ or WRITE.
    let t = Tracker::new();
    let e = decode_err_closing::<Rw>(&slot(u32::MAX), &t, vec![t.event()], &default());
    assert_eq!(
        e,
        Error::MissingRequiredHandleRights {
            offset: 0,
            required: Rights::IO,
            found: Rights::EVENT_DEFAULT
        }
    );
    // No rights at all.
    let t = Tracker::new();
    let h = t.create(ObjectType::EVENT, Rights::NONE);
    let e = decode_err_closing::<Ev>(&slot(u32::MAX), &t, vec![h], &default());
    assert!(matches!(
        e,
        Error::MissingRequiredHandleRights {
            found: Rights::NONE,
            ..
        }
    ));
}

#[test]
fn excess_rights_are_reduced() {
    let t = Tracker::new();
    let h = t.event(); // EVENT_DEFAULT = BASIC | SIGNAL
    let (raw, koid) = (h.raw(), h.koid());
    assert_eq!(h.rights(), Rights::EVENT_DEFAULT);
    let msg = decode::<Ev>(&slot(u32::MAX), vec![h]).unwrap();
    // The original handle was replaced (closed once) by one with exactly the declared
    // rights, to the same object.
    assert_eq!(t.space.close_count(raw), 1);
    let view_ref = msg.view().e();
    let held = msg.handle(view_ref).unwrap();
    assert_eq!((held.rights(), held.koid()), (Rights::BASIC, koid));
    assert_ne!(held.raw(), raw);
    let new_raw = held.raw();
    let natural = msg.into_natural();
    assert_eq!(natural.e.rights(), Rights::BASIC);
    assert_eq!(t.open(), 1);
    drop(natural);
    assert_eq!(t.space.close_count(new_raw), 1);
    t.assert_all_closed_once();

    // Exactly the declared rights, or a slot that keeps whatever rights: no replacement.
    let t = Tracker::new();
    let h = t.create(ObjectType::EVENT, Rights::BASIC);
    let raw = h.raw();
    let natural = decode::<Ev>(&slot(u32::MAX), vec![h])
        .unwrap()
        .into_natural();
    assert_eq!(natural.e.raw(), raw);
    let t2 = Tracker::new();
    let h = t2.event();
    let raw = h.raw();
    let natural2 = decode::<One>(&slot(u32::MAX), vec![h])
        .unwrap()
        .into_natural();
    assert_eq!(
        (natural2.h.raw(), natural2.h.rights()),
        (raw, Rights::EVENT_DEFAULT)
    );
    drop((natural, natural2));
    t.assert_all_closed_once();
    t2.assert_all_closed_once();
}

/// A handle reduced, then a later error: the replacement is closed too, and the original
/// exactly once.
#[test]
fn reduced_handle_is_closed_when_a_later_check_fails() {
    let t = Tracker::new();
    // a: reduced (event default -> basic); s: invalid UTF-8.
    let bytes = cat(&[
        &[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
        &header(1),
        &[0, 0, 0, 0, 0, 0, 0, 0],
        &header(0),
        &[0x80, 0, 0, 0, 0, 0, 0, 0],
    ]);
    let e = decode_err_closing::<Mixed>(&bytes, &t, t.events(3), &default());
    assert_eq!(e, Error::StringNotUtf8 { offset: 48 });
    assert_eq!(
        t.space.total_closes(),
        4,
        "3 handles plus the reduced replacement"
    );
}

#[test]
fn rights_reduction_failure() {
    let t = Tracker::new();
    let handles = vec![Stubborn(t.event()), Stubborn(t.event())];
    let bytes = [0xff; 8];
    let e = Decoded::<StubbornMsg, Stubborn>::decode(bytes::BytesMut::from(&bytes[..]), handles)
        .unwrap_err();
    match &e {
        Error::RightsReductionFailed { offset: 0, source } => {
            assert_eq!(
                (source.object_type, source.wanted),
                (ObjectType::EVENT, Rights::BASIC)
            );
        }
        other => panic!("wrong error {other:?}"),
    }
    assert_eq!(e.code(), ErrorCode::MissingRequiredHandleRights);
    t.assert_all_closed_once();
    // Exact rights need no reduction.
    let t = Tracker::new();
    let handles = vec![Stubborn(t.create(ObjectType::EVENT, Rights::BASIC))];
    let msg = Decoded::<StubbornMsg, Stubborn>::decode(
        bytes::BytesMut::from(&[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0][..]),
        handles,
    )
    .unwrap();
    assert!(msg.into_natural().tail.is_none());
    t.assert_all_closed_once();
}

// ---------------------------------------------------------------------------------------
// Errors in the middle of a message close everything

#[test]
fn errors_close_claimed_and_unreached_handles() {
    // a claimed (and reduced), then a bad string; b and v never reached.
    let t = Tracker::new();
    let bytes = cat(&[
        &[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
        &header(2),
        &[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
        &header(1),
        &[0xc0, 0x80, 0, 0, 0, 0, 0, 0],
        &[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
    ]);
    let e = decode_err_closing::<Mixed>(&bytes, &t, t.events(3), &default());
    assert_eq!(e, Error::StringNotUtf8 { offset: 48 });
    // The same message, valid: decodes, and every handle is owned by the value.
    let t = Tracker::new();
    let mut good = bytes.clone();
    good[48..50].copy_from_slice(b"ok");
    let v = decode::<Mixed>(&good, t.events(3)).unwrap().into_natural();
    assert_eq!((v.s.as_str(), v.b.is_some(), v.v.len()), ("ok", true, 1));
    assert_eq!(t.open(), 3);
    drop(v);
    t.assert_all_closed_once();
    // Trailing bytes after a valid body: every handle was claimed, then all are closed.
    let t = Tracker::new();
    let mut long = good.clone();
    long.extend_from_slice(&[0; 8]);
    let e = decode_err_closing::<Mixed>(&long, &t, t.events(3), &default());
    assert_eq!(
        e,
        Error::TooManyBytesInMessage {
            offset: 64,
            extra: 8
        }
    );
}

// ---------------------------------------------------------------------------------------
// Unknown members with handles

/// A flexible union of a value type whose unknown variant carries a handle.
fn value_union_with_unknown_handle() -> Vec<u8> {
    rows(&[
        [7, 0, 0, 0, 0, 0, 0, 0],
        le64(9),
        [0xff, 0xff, 0xff, 0xff, 1, 0, 1, 0],
    ])
}

#[test]
fn value_type_unknown_union_member_with_a_handle() {
    let bytes = value_union_with_unknown_handle();
    // Default policy: rejected (by the pre-check: a value type can hold no handle).
    let t = Tracker::new();
    let e = decode_err_closing::<HasVU>(&bytes, &t, vec![t.event()], &default());
    assert_eq!(
        e,
        Error::NonResourceUnknownHandles {
            offset: 0,
            ordinal: 0,
            count: 1
        }
    );
    assert_eq!(e.code(), ErrorCode::NonResourceUnknownHandles);
    // RFC-0137 policy: the member is dropped and its handle closed, during the decode.
    let t = Tracker::new();
    let msg = decode_with::<HasVU>(&bytes, vec![t.event()], &drop_policy()).unwrap();
    t.assert_all_closed_once();
    assert_eq!(
        msg.into_natural(),
        HasVU {
            x: 7,
            u: VU::UnknownOrdinal(9)
        }
    );
    // Out of line, with two handles.
    let bytes = rows(&[
        [7, 0, 0, 0, 0, 0, 0, 0],
        le64(9),
        [8, 0, 0, 0, 2, 0, 0, 0],
        [0xee; 8],
    ]);
    let t = Tracker::new();
    let e = decode_err_closing::<HasVU>(&bytes, &t, t.events(2), &default());
    assert_eq!(
        e,
        Error::NonResourceUnknownHandles {
            offset: 0,
            ordinal: 0,
            count: 2
        }
    );
    let t = Tracker::new();
    let v = decode_with::<HasVU>(&bytes, t.events(2), &drop_policy())
        .unwrap()
        .into_natural();
    t.assert_all_closed_once();
    assert_eq!(v.u, VU::UnknownOrdinal(9));
}

/// The same value table, derived.
#[derive(Debug, Clone, PartialEq, Default, Fidl)]
#[fidl(table)]
pub struct DTable {
    #[fidl(ordinal = 1)]
    pub a: Option<u32>,
}

/// A value table (hand-written on the codec's helpers, and derived) whose unknown member
/// 3 arrives with a handle.
fn unknown_table_member_with_a_handle<T>(make: fn(Option<u32>) -> T)
where
    T: handoff::codec::Decode<H> + PartialEq + std::fmt::Debug,
{
    let bytes = cat(&[
        &header(3),
        &[5, 0, 0, 0, 0, 0, 1, 0],
        &ABSENT,
        &[0xff, 0xff, 0xff, 0xff, 1, 0, 1, 0],
    ]);
    let t = Tracker::new();
    let e = decode_err_closing::<T>(&bytes, &t, vec![t.event()], &default());
    assert_eq!(
        e,
        Error::NonResourceUnknownHandles {
            offset: 0,
            ordinal: 0,
            count: 1
        }
    );
    let t = Tracker::new();
    let msg = decode_with::<T>(&bytes, vec![t.event()], &drop_policy()).unwrap();
    t.assert_all_closed_once();
    assert_eq!(msg.into_natural(), make(Some(5)));
    // Without handles the unknown member is simply skipped under both policies.
    let mut no_handles = bytes.clone();
    put16(&mut no_handles, 36, 0);
    assert_eq!(decode_natural::<T>(&no_handles), make(Some(5)));
    let v = decode_with::<T>(&no_handles, vec![], &drop_policy()).unwrap();
    assert_eq!(v.into_natural(), make(Some(5)));
    // A known member of a value table cannot declare handles.
    let bytes = cat(&[&header(1), &[5, 0, 0, 0, 1, 0, 1, 0]]);
    let e = decode_err::<T>(&bytes);
    assert_eq!(
        e,
        Error::InvalidNumHandlesInEnvelope {
            offset: 16,
            declared: 1,
            actual: 0
        }
    );
    assert_eq!(e.code(), ErrorCode::InvalidNumHandlesInEnvelope);
}

#[test]
fn value_type_unknown_table_member_with_a_handle() {
    unknown_table_member_with_a_handle(|a| VTable { a });
    unknown_table_member_with_a_handle(|a| DTable { a });
}

/// Inside a resource type, the walk reaches the value type's unknown member: the error
/// carries the envelope's offset and the ordinal.
#[test]
fn value_type_inside_a_resource_type() {
    // RHolder { h, u: VU } with u's unknown variant declaring one handle that is not there.
    let bytes = rows(&[
        [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
        le64(9),
        [1, 2, 3, 4, 1, 0, 1, 0],
    ]);
    let t = Tracker::new();
    let e = decode_err_closing::<RHolder>(&bytes, &t, vec![t.event()], &default());
    assert_eq!(
        e,
        Error::NonResourceUnknownHandles {
            offset: 16,
            ordinal: 9,
            count: 1
        }
    );
    // With a second handle, the type's static bound (1) is exceeded first.
    let t = Tracker::new();
    let e = decode_err_closing::<RHolder>(&bytes, &t, t.events(2), &default());
    assert_eq!(e, Error::MaxHandlesExceeded { count: 2, max: 1 });
}

/// spec section 3 and 17: under the RFC-0137 policy a value table or flexible union is
/// unbounded in handles, so a resource struct holding one is too, and the message
/// decodes (the unknown member's handle is closed).
#[test]
fn value_flexible_type_inside_a_resource_type_under_the_drop_policy() {
    let bytes = rows(&[
        [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
        le64(9),
        [1, 2, 3, 4, 1, 0, 1, 0],
    ]);
    let t = Tracker::new();
    let v = decode_with::<RHolder>(&bytes, t.events(2), &drop_policy())
        .unwrap()
        .into_natural();
    assert!(matches!(v.u, VU::UnknownOrdinal(9)));
    drop(v);
    t.assert_all_closed_once();

    let bytes = cat(&[
        &[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
        &header(2),
        &ABSENT,
        &[0xff, 0xff, 0xff, 0xff, 1, 0, 1, 0],
    ]);
    let t = Tracker::new();
    let v = decode_with::<RWithVTable>(&bytes, t.events(2), &drop_policy())
        .unwrap()
        .into_natural();
    assert_eq!(v.t, VTable::default());
    drop(v);
    t.assert_all_closed_once();
}

#[test]
fn resource_type_unknown_members_close_their_handles() {
    // RT with an unknown member 5 carrying two handles out of line, under both policies.
    for opts in [default(), drop_policy()] {
        let bytes = cat(&[
            &header(5),
            &[1, 0, 0, 0, 0, 0, 1, 0],
            &[0; 24],
            &[8, 0, 0, 0, 2, 0, 0, 0],
            &[0xff; 8],
        ]);
        let t = Tracker::new();
        let msg = decode_with::<RT>(&bytes, t.events(2), &opts).unwrap();
        t.assert_all_closed_once();
        let v = msg.into_natural();
        assert_eq!((v.a, v.h.is_none(), v.v.is_none()), (Some(1), true, true));
        // RU with an unknown variant carrying one handle inline.
        let bytes = rows(&[le64(7), [0xff, 0xff, 0xff, 0xff, 1, 0, 1, 0]]);
        let t = Tracker::new();
        let v = decode_with::<RU>(&bytes, vec![t.event()], &opts)
            .unwrap()
            .into_natural();
        t.assert_all_closed_once();
        assert!(matches!(v, RU::UnknownOrdinal(7)));
    }
}

/// Unknown handles are claimed in order: known handles before and after them keep theirs.
#[test]
fn unknown_handles_are_claimed_in_traversal_order() {
    // RT: member 2 (a handle), unknown member 4 (one handle), member 3 would be before
    // it; members visited 1..=4 in order.
    let bytes = cat(&[
        &header(4),
        &ABSENT,
        &[0xff, 0xff, 0xff, 0xff, 1, 0, 1, 0], // 2: handle #0
        &[24, 0, 0, 0, 1, 0, 0, 0],            // 3: vector of one handle, #1
        &[0xff, 0xff, 0xff, 0xff, 1, 0, 1, 0], // 4: unknown, #2
        &header(1),
        &[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
    ]);
    let t = Tracker::new();
    let hs = t.events(3);
    let koids: Vec<u64> = hs.iter().map(|h| h.koid()).collect();
    let raws: Vec<u32> = hs.iter().map(|h| h.raw()).collect();
    let v = decode::<RT>(&bytes, hs).unwrap().into_natural();
    assert_eq!(v.h.as_ref().map(|h| h.koid()), Some(koids[0]));
    assert_eq!(v.v.as_ref().map(|v| v[0].koid()), Some(koids[1]));
    assert_eq!(t.space.close_count(raws[2]), 1);
    assert_eq!(t.open(), 2);
    drop(v);
    t.assert_all_closed_once();
}

// ---------------------------------------------------------------------------------------
// Envelope handle counts

#[test]
fn envelope_handle_counts() {
    // Member 2 (one handle inline) declaring 0, then 2 handles.
    for declared in [0u16, 2] {
        let mut env = [0xff, 0xff, 0xff, 0xff, 0, 0, 1, 0];
        env[4..6].copy_from_slice(&declared.to_le_bytes());
        let bytes = cat(&[&header(2), &ABSENT, &env]);
        let t = Tracker::new();
        let e = decode_err_closing::<RT>(&bytes, &t, t.events(2), &default());
        assert_eq!(
            e,
            Error::InvalidNumHandlesInEnvelope {
                offset: 24,
                declared,
                actual: 1
            }
        );
        assert_eq!(e.code(), ErrorCode::InvalidNumHandlesInEnvelope);
    }
    // Declaring more than the message has.
    let bytes = cat(&[&header(2), &ABSENT, &[0xff, 0xff, 0xff, 0xff, 5, 0, 1, 0]]);
    let t = Tracker::new();
    let e = decode_err_closing::<RT>(&bytes, &t, t.events(1), &default());
    assert_eq!(
        e,
        Error::EnvelopeHandlesExceedMessageLength {
            offset: 24,
            declared: 5,
            remaining: 1
        }
    );
    assert_eq!(e.code(), ErrorCode::EnvelopeHandlesExceedMessageLength);
    // An unknown member declaring more than the message has.
    let bytes = cat(&[&header(4), &[0; 24], &[0, 0, 0, 0, 0xff, 0xff, 1, 0]]);
    let t = Tracker::new();
    let e = decode_err_closing::<RT>(&bytes, &t, t.events(3), &default());
    assert_eq!(
        e,
        Error::EnvelopeHandlesExceedMessageLength {
            offset: 40,
            declared: 0xffff,
            remaining: 3
        }
    );
    // A union variant: out of line, a vector of two handles declared as one.
    let t = Tracker::new();
    let (bytes, handles) = encode(RU::H(t.event()));
    let mut bytes = bytes.to_vec();
    assert_eq!(bytes[12], 1);
    bytes[12] = 0;
    let e = decode_err_closing::<RU>(&bytes, &t, handles, &default());
    assert_eq!(
        e,
        Error::InvalidNumHandlesInEnvelope {
            offset: 8,
            declared: 0,
            actual: 1
        }
    );
}

// ---------------------------------------------------------------------------------------
// Pre-check order (spec section 19: byte limit, handle limit, primary object size,
// type's maximum size, type's handle bound)

#[test]
fn spec_order_pre_checks() {
    // Handle limit (2) before the type's maximum size (4).
    let t = Tracker::new();
    let e = decode_err_closing::<One>(&[0xff; 16], &t, t.events(65), &default());
    assert_eq!(
        e,
        Error::HandleLimitExceeded {
            count: 65,
            limit: 64
        }
    );
    // Primary object size (3) before the type's handle bound (5).
    let t = Tracker::new();
    let e = decode_err_closing::<One>(&[0xff; 4], &t, t.events(2), &default());
    assert_eq!(e, Error::TooFewBytesInPrimaryObject { size: 8, len: 4 });
}

// ---------------------------------------------------------------------------------------
// Headers

#[test]
fn malformed_headers_close_the_handles() {
    use handoff::codec::wire::HeaderError;
    let body = [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0];
    let good = [
        0x01, 0, 0, 0, 0x02, 0x00, 0x00, 0x01, 5, 0, 0, 0, 0, 0, 0, 0,
    ];
    let cases: Vec<(Vec<u8>, HeaderError)> = vec![
        (good[..10].to_vec(), HeaderError::TooShort { len: 10 }),
        (vec![], HeaderError::TooShort { len: 0 }),
        (
            {
                let mut h = good.to_vec();
                h[7] = 0x02;
                h.extend_from_slice(&body);
                h
            },
            HeaderError::BadMagic { found: 2 },
        ),
        (
            {
                let mut h = good.to_vec();
                h[4] = 0x00;
                h.extend_from_slice(&body);
                h
            },
            HeaderError::UnsupportedWireFormat { flags: [0, 0] },
        ),
        (
            {
                let mut h = good.to_vec();
                h[5] = 0x01;
                h.extend_from_slice(&body);
                h
            },
            HeaderError::UnsupportedWireFormat { flags: [2, 1] },
        ),
    ];
    for (bytes, expected) in cases {
        let t = Tracker::new();
        let e = Decoded::<One, H>::decode_transactional(
            bytes::BytesMut::from(&bytes[..]),
            vec![t.event()],
            &default(),
        )
        .unwrap_err();
        assert_eq!(e, Error::InvalidHeader(expected));
        assert_eq!(e.code(), ErrorCode::InvalidHeader);
        t.assert_all_closed_once();
    }
    // A good header, then a body error: the body's error, handles closed.
    let mut bytes = good.to_vec();
    bytes.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
    let t = Tracker::new();
    let e = Decoded::<One, H>::decode_transactional(
        bytes::BytesMut::from(&bytes[..]),
        vec![t.event()],
        &default(),
    )
    .unwrap_err();
    assert_eq!(e, Error::NonNullableTypeWithNullValue { offset: 0 });
    t.assert_all_closed_once();
    // Persisted: a non-zero reserved byte, a bad magic number.
    for (header, expected) in [
        ([0u8, 1, 2, 0, 0, 0, 1, 0], HeaderError::NonZeroReserved),
        ([1u8, 1, 2, 0, 0, 0, 0, 0], HeaderError::NonZeroReserved),
        (
            [0u8, 9, 2, 0, 0, 0, 0, 0],
            HeaderError::BadMagic { found: 9 },
        ),
    ] {
        let mut bytes = header.to_vec();
        bytes.extend_from_slice(&body);
        let t = Tracker::new();
        let e = Decoded::<One, H>::decode_persisted(
            bytes::BytesMut::from(&bytes[..]),
            vec![t.event()],
            &default(),
        )
        .unwrap_err();
        assert_eq!(e, Error::InvalidHeader(expected));
        t.assert_all_closed_once();
    }
}

// ---------------------------------------------------------------------------------------

/// A handle's disposition on encode is the declared type and rights, not the handle's.
#[test]
fn encode_records_declared_dispositions() {
    let t = Tracker::new();
    let mut buf = MessageBuf::<H>::new();
    buf.encode(Ev { e: t.channel() }).unwrap();
    assert_eq!(
        buf.dispositions(),
        [HandleDisposition {
            object_type: ObjectType::EVENT,
            rights: Rights::BASIC
        }]
    );
    // The encoder does not inspect handles: the wrong type is the receiver's to reject.
    let (bytes, handles) = buf.take();
    let e = decode_err_closing::<Ev>(&bytes, &t, handles, &default());
    assert!(matches!(e, Error::IncorrectHandleType { .. }));
    let _ = UnknownHandles::Reject;
}

/// A value table whose known member is a flexible value union: under the RFC-0137 policy
/// the member's envelope may declare the handles of the union's unknown variant (they
/// are closed); under the default policy the message is rejected.
#[derive(Debug, Clone, PartialEq, Default, Fidl)]
#[fidl(table)]
pub struct TableOfVU {
    #[fidl(ordinal = 1)]
    pub u: Option<VU>,
}

#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct RWithTableOfVU {
    pub h: H,
    pub t: TableOfVU,
}

#[test]
fn unknown_handles_nested_in_a_known_member() {
    // h, then the table: member 1 (16 bytes out of line, 1 handle) = VU with unknown
    // ordinal 9 carrying one handle inline.
    let bytes = cat(&[
        &[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
        &header(1),
        &[16, 0, 0, 0, 1, 0, 0, 0],
        &le64(9),
        &[1, 2, 3, 4, 1, 0, 1, 0],
    ]);
    let t = Tracker::new();
    let v = decode_with::<RWithTableOfVU>(&bytes, t.events(2), &drop_policy())
        .unwrap()
        .into_natural();
    assert_eq!(v.t.u, Some(VU::UnknownOrdinal(9)));
    assert_eq!(t.open(), 1);
    drop(v);
    t.assert_all_closed_once();
    // The default policy: the static bound (the resource struct holds one handle).
    let t = Tracker::new();
    let e = decode_err_closing::<RWithTableOfVU>(&bytes, &t, t.events(2), &default());
    assert_eq!(e, Error::MaxHandlesExceeded { count: 2, max: 1 });
    // With one handle, the value table's known member may not declare handles (checked
    // before the handles left).
    let t = Tracker::new();
    let e = decode_err_closing::<RWithTableOfVU>(&bytes, &t, t.events(1), &default());
    assert_eq!(
        e,
        Error::InvalidNumHandlesInEnvelope {
            offset: 24,
            declared: 1,
            actual: 0
        }
    );
    // The value table alone, under the RFC-0137 policy.
    let t = Tracker::new();
    let v = decode_with::<TableOfVU>(&bytes[8..], vec![t.event()], &drop_policy())
        .unwrap()
        .into_natural();
    assert_eq!(v.u, Some(VU::UnknownOrdinal(9)));
    t.assert_all_closed_once();
}
