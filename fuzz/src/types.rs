//! The message types the fuzz targets decode and encode.
//!
//! Together they cover every layout the codec has: nested structs with padding, enums
//! and bits (strict and flexible), empty structs, arrays, floats, strings and vectors
//! with bounds, boxes, tables and unions (value and resource, strict and flexible) with
//! unknown members, recursion through boxes, tables, unions and vectors (to reach the
//! depth limit), and handles alone, optional, in arrays, vectors, tables and unions,
//! with and without object-type and rights constraints.
//!
//! This file is shared: the fuzz crate compiles it as a module, and so do the
//! regression tests in the repository's `tests/` (through `#[path]`), which have no
//! `arbitrary`. So `Arbitrary` is derived only under `cfg(fuzzing)`, which cargo-fuzz
//! sets. The generators below give handles from the thread's [`MemSpace`] (see
//! [`with_arbitrary_space`]) that satisfy the constraint of their slot, and cut
//! recursion at [`MAX_ARBITRARY_DEPTH`].
#![allow(unexpected_cfgs)]
#![allow(missing_docs, dead_code)]

use handoff::Fidl;
use handoff::handle::mem::MemHandle;

/// The object type and rights of the constrained handle slots below.
pub const EVENT: u32 = 5;
/// `zx::Rights::BASIC`.
pub const BASIC: u32 = 0xC003;
/// The channel object type.
pub const CHANNEL: u32 = 4;
/// `TRANSFER | READ | WRITE`.
pub const CHANNEL_IO: u32 = 0x000E;

// ---------------------------------------------------------------------------------------
// Value types

#[derive(Debug, Clone, PartialEq, Fidl)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
pub struct Inner {
    pub b: u16,
    pub c: bool,
    pub d: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Fidl)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
#[fidl(strict, repr = u8)]
pub enum Color {
    Red = 1,
    Green = 2,
    Blue = 4,
}

#[derive(Debug, Clone, Copy, PartialEq, Fidl)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
#[fidl(enum, flexible, repr = i16)]
pub enum Level {
    #[fidl(value = -1)]
    Low,
    #[fidl(value = 1000)]
    High,
    #[fidl(unknown)]
    UnknownValue(#[cfg_attr(fuzzing, arbitrary(with = arb::unknown_level))] i16),
}

#[derive(Debug, Clone, Copy, PartialEq, Fidl)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
#[fidl(bits, strict, repr = u32, mask = 0b111)]
pub struct Perms(pub u32);

#[derive(Debug, Clone, Copy, PartialEq, Fidl)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
#[fidl(bits, flexible, repr = u16, mask = 0x3)]
pub struct Flags(pub u16);

#[derive(Debug, Clone, PartialEq, Fidl)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
pub struct Empty {}

/// Nested structs, padding everywhere, every scalar kind, an array and a box.
#[derive(Debug, Clone, PartialEq, Fidl)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
pub struct Nested {
    pub a: u8,
    pub inner: Inner,
    pub color: Color,
    pub level: Level,
    pub perms: Perms,
    pub flags: Flags,
    pub arr: [i8; 3],
    pub empty: Empty,
    pub f: f32,
    pub g: f64,
    pub boxed: Option<Inner>,
}

/// A value table: bounded members, an inline member, a union, a struct, recursion.
#[derive(Debug, Clone, PartialEq, Fidl)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
#[fidl(table)]
pub struct VTable {
    #[fidl(ordinal = 1, max_len = 8)]
    pub name: Option<String>,
    #[fidl(ordinal = 2, max_len = 4)]
    pub nums: Option<Vec<u32>>,
    #[fidl(ordinal = 3)]
    pub choice: Option<VUnion>,
    #[fidl(ordinal = 5)]
    pub small: Option<u8>,
    #[fidl(ordinal = 6)]
    pub inner: Option<Inner>,
    #[fidl(ordinal = 8)]
    #[cfg_attr(fuzzing, arbitrary(with = arb::rec_box))]
    pub nested: Option<Box<VTable>>,
}

/// A flexible value union (ordinals 3 and 6+ unknown).
#[derive(Debug, Clone, PartialEq, Fidl)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
#[fidl(flexible)]
pub enum VUnion {
    #[fidl(ordinal = 1)]
    U(u32),
    #[fidl(ordinal = 2, max_len = 5)]
    S(String),
    #[fidl(ordinal = 4)]
    B(bool),
    #[fidl(ordinal = 5)]
    Color(Color),
    #[fidl(unknown)]
    UnknownOrdinal(u64),
}

/// Strings and vectors with bounds, nested and optional.
#[derive(Debug, Clone, PartialEq, Fidl)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
pub struct Bounded {
    #[fidl(max_len = 16)]
    pub s: String,
    #[fidl(max_len = 4)]
    pub os: Option<String>,
    #[fidl(max_len = 8)]
    pub v: Vec<u16>,
    #[fidl(max_len = 3, elem(max_len = 3))]
    pub vv: Vec<Vec<u8>>,
    #[fidl(elem(max_len = 2))]
    pub vs: Vec<String>,
    pub ov: Option<Vec<Inner>>,
    #[fidl(max_len = 2)]
    pub vb: Vec<bool>,
    pub levels: Vec<Level>,
}

/// Recursion through boxes: each link is one out-of-line level deeper.
#[derive(Debug, Clone, PartialEq, Fidl)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
pub struct Chain {
    pub val: u32,
    #[cfg_attr(fuzzing, arbitrary(with = arb::rec_box))]
    pub next: Option<Box<Chain>>,
}

/// Recursion through a flexible union, vectors, and a struct holding an optional union
/// (FIDL has no optional union members, so a union nests itself through a struct).
#[derive(Debug, Clone, PartialEq, Fidl)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
#[fidl(flexible)]
pub enum Tree {
    #[fidl(ordinal = 1)]
    Leaf(u64),
    #[fidl(ordinal = 2)]
    Kids(#[cfg_attr(fuzzing, arbitrary(with = arb::rec_vec))] Vec<Tree>),
    #[fidl(ordinal = 3)]
    Boxed(TreeBox),
    #[fidl(unknown)]
    UnknownOrdinal(u64),
}

/// `struct { inner Tree:optional; }`.
#[derive(Debug, Clone, PartialEq, Fidl)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
pub struct TreeBox {
    #[cfg_attr(fuzzing, arbitrary(with = arb::rec_box))]
    pub inner: Option<Box<Tree>>,
}

/// Recursion through tables (two levels each) and a union.
#[derive(Debug, Clone, PartialEq, Fidl)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
#[fidl(table)]
pub struct Deep {
    #[fidl(ordinal = 1)]
    #[cfg_attr(fuzzing, arbitrary(with = arb::rec_box))]
    pub child: Option<Box<Deep>>,
    #[fidl(ordinal = 2)]
    #[cfg_attr(fuzzing, arbitrary(with = arb::rec_box))]
    pub tree: Option<Box<Tree>>,
}

/// A value struct holding a value table and flexible unions, optional and in a vector:
/// the unknown-handles policy of value types applies to all of them.
#[derive(Debug, Clone, PartialEq, Fidl)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
pub struct ValueHolder {
    pub t: VTable,
    pub u: Option<VUnion>,
    pub x: u32,
    #[fidl(max_len = 3)]
    pub us: Vec<VUnion>,
}

/// A strict value union, inline and out-of-line variants: no flexible envelope anywhere,
/// so every message it accepts must re-encode byte for byte (envelope padding, inline
/// bit, byte and handle counts all checked exactly).
#[derive(Debug, Clone, PartialEq, Fidl)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
#[fidl(strict)]
pub enum SUnion {
    #[fidl(ordinal = 1)]
    A(u8),
    #[fidl(ordinal = 2)]
    B(i16),
    #[fidl(ordinal = 3)]
    C(Inner),
    #[fidl(ordinal = 4, max_len = 3)]
    S(String),
    #[fidl(ordinal = 6)]
    E(Color),
    #[fidl(ordinal = 7)]
    F(f32),
}

/// Strict unions, required, optional and in a vector.
#[derive(Debug, Clone, PartialEq, Fidl)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
pub struct Strict {
    pub u: SUnion,
    pub o: Option<SUnion>,
    #[fidl(max_len = 2)]
    pub v: Vec<SUnion>,
    pub b: bool,
}

// ---------------------------------------------------------------------------------------
// Resource types

/// Handles alone, optional, in a bounded vector and an array, with and without type and
/// rights constraints.
#[derive(Debug, Fidl)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
#[fidl(resource)]
pub struct Handles {
    #[fidl(max_len = 4, elem(handle(object_type = EVENT, rights = BASIC)))]
    #[cfg_attr(fuzzing, arbitrary(with = arb::events))]
    pub events: Vec<MemHandle>,
    #[cfg_attr(fuzzing, arbitrary(with = arb::opt_any))]
    pub opt: Option<MemHandle>,
    #[fidl(handle(object_type = CHANNEL, rights = CHANNEL_IO))]
    #[cfg_attr(fuzzing, arbitrary(with = arb::channel_io))]
    pub chan: MemHandle,
    #[cfg_attr(fuzzing, arbitrary(with = arb::opt_any_array))]
    pub arr: [Option<MemHandle>; 2],
    pub inner: Inner,
}

/// A flexible resource union.
#[derive(Debug, Fidl)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
#[fidl(flexible, resource)]
pub enum RUnion {
    #[fidl(ordinal = 1, handle(object_type = EVENT, rights = BASIC))]
    Event(#[cfg_attr(fuzzing, arbitrary(with = arb::event))] MemHandle),
    #[fidl(ordinal = 2, max_len = 2)]
    Chans(#[cfg_attr(fuzzing, arbitrary(with = arb::anys))] Vec<MemHandle>),
    #[fidl(ordinal = 3)]
    Text(String),
    #[fidl(unknown)]
    UnknownOrdinal(u64),
}

/// A resource table with handles, a resource union and a value table as members.
#[derive(Debug, Fidl)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
#[fidl(table, resource)]
pub struct RTable {
    #[fidl(ordinal = 1)]
    #[cfg_attr(fuzzing, arbitrary(with = arb::opt_any))]
    pub h: Option<MemHandle>,
    #[fidl(ordinal = 2, max_len = 3)]
    #[cfg_attr(fuzzing, arbitrary(with = arb::opt_anys))]
    pub hs: Option<Vec<MemHandle>>,
    #[fidl(ordinal = 3)]
    pub u: Option<RUnion>,
    #[fidl(ordinal = 5)]
    pub v: Option<VTable>,
    #[fidl(ordinal = 6)]
    pub n: Option<u16>,
}

/// A strict resource union whose variants are resource structs, tables and handles.
#[derive(Debug, Fidl)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
#[fidl(strict, resource)]
pub enum SRUnion {
    #[fidl(ordinal = 1)]
    H(#[cfg_attr(fuzzing, arbitrary(with = arb::any))] MemHandle),
    #[fidl(ordinal = 2)]
    S(Handles),
    #[fidl(ordinal = 3)]
    T(RTable),
    #[fidl(ordinal = 4)]
    Opt(#[cfg_attr(fuzzing, arbitrary(with = arb::opt_any))] Option<MemHandle>),
}

/// Recursion in a resource type: every level may add a handle (no static bound).
#[derive(Debug, Fidl)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
#[fidl(resource)]
pub struct RChain {
    #[cfg_attr(fuzzing, arbitrary(with = arb::opt_any))]
    pub h: Option<MemHandle>,
    #[cfg_attr(fuzzing, arbitrary(with = arb::rec_box))]
    pub next: Option<Box<RChain>>,
}

/// A strict resource union: exact handle counts in envelopes, nothing to drop.
#[derive(Debug, Fidl)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
#[fidl(strict, resource)]
pub enum SRHandles {
    #[fidl(ordinal = 1, handle(object_type = EVENT, rights = BASIC))]
    H(#[cfg_attr(fuzzing, arbitrary(with = arb::event))] MemHandle),
    #[fidl(ordinal = 2, max_len = 2)]
    Hs(#[cfg_attr(fuzzing, arbitrary(with = arb::anys))] Vec<MemHandle>),
    #[fidl(ordinal = 3)]
    N(u32),
}

/// Strict resource unions, required and optional.
#[derive(Debug, Fidl)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
#[fidl(resource)]
pub struct StrictR {
    pub u: SRHandles,
    pub o: Option<SRHandles>,
    #[cfg_attr(fuzzing, arbitrary(with = arb::opt_any))]
    pub h: Option<MemHandle>,
}

/// Calls `$m!(index, kind, Type)` for every fuzzed type, in selector order. `kind` says
/// how the roundtrip target builds and encodes it: `value` (derived `Arbitrary`, and
/// also encoded by reference), `owned` (derived `Arbitrary`, encoded by value only) or
/// `handles` (a bare array of handles, generated by hand). The selector byte of an
/// input picks `index = byte % COUNT`; appending keeps old inputs' meaning.
#[macro_export]
macro_rules! for_each_type {
    ($m:ident) => {
        $m!(0, value, $crate::types::Nested);
        $m!(1, value, $crate::types::VTable);
        $m!(2, value, $crate::types::VUnion);
        $m!(3, value, $crate::types::Bounded);
        $m!(4, value, $crate::types::Chain);
        $m!(5, value, $crate::types::Deep);
        $m!(6, owned, $crate::types::Handles);
        $m!(7, owned, $crate::types::RTable);
        $m!(8, value, $crate::types::ValueHolder);
        $m!(9, owned, $crate::types::SRUnion);
        $m!(10, owned, $crate::types::RChain);
        $m!(11, value, Vec<Option<$crate::types::VUnion>>);
        $m!(12, handles, [Option<handoff::handle::mem::MemHandle>; 3]);
        $m!(13, value, Vec<String>);
        $m!(14, value, $crate::types::Tree);
        $m!(15, value, $crate::types::Strict);
        $m!(16, owned, $crate::types::StrictR);
    };
}

/// The number of types [`for_each_type`] visits.
pub const COUNT: u8 = 17;

/// The type names, by selector.
pub const NAMES: [&str; COUNT as usize] = [
    "Nested",
    "VTable",
    "VUnion",
    "Bounded",
    "Chain",
    "Deep",
    "Handles",
    "RTable",
    "ValueHolder",
    "SRUnion",
    "RChain",
    "Vec<Option<VUnion>>",
    "[Option<MemHandle>; 3]",
    "Vec<String>",
    "Tree",
    "Strict",
    "StrictR",
];

// ---------------------------------------------------------------------------------------
// Generators for `Arbitrary` (fuzzing only)

/// The deepest nesting the generators build for recursive members: past the codec's
/// depth limit of 32 (so encode failures at the limit are exercised), far below what
/// could exhaust the stack.
pub const MAX_ARBITRARY_DEPTH: u32 = 40;

#[cfg(fuzzing)]
pub use arb::with_arbitrary_space;

#[cfg(fuzzing)]
pub mod arb {
    use std::cell::{Cell, RefCell};

    use arbitrary::{Arbitrary, Result, Unstructured};
    use handoff::handle::mem::{MemHandle, MemSpace};
    use handoff::handle::{ObjectType, Rights};

    use super::MAX_ARBITRARY_DEPTH;

    thread_local! {
        static SPACE: RefCell<Option<MemSpace>> = const { RefCell::new(None) };
        static DEPTH: Cell<u32> = const { Cell::new(0) };
    }

    /// Runs `f` with `space` as the space that generated handles come from.
    pub fn with_arbitrary_space<R>(space: &MemSpace, f: impl FnOnce() -> R) -> R {
        SPACE.with(|s| *s.borrow_mut() = Some(space.clone()));
        DEPTH.with(|d| d.set(0));
        let r = f();
        SPACE.with(|s| *s.borrow_mut() = None);
        r
    }

    fn create(object_type: ObjectType, rights: Rights) -> MemHandle {
        SPACE.with(|s| {
            s.borrow()
                .as_ref()
                .expect("handles are generated inside with_arbitrary_space")
                .create(object_type, rights)
        })
    }

    /// A handle for a slot that takes `object_type` with at least `rights`: it has
    /// those rights plus arbitrary extra ones (which decoding must reduce away).
    fn constrained(u: &mut Unstructured<'_>, object_type: u32, rights: u32) -> Result<MemHandle> {
        let extra = u32::from(u16::arbitrary(u)?);
        Ok(create(ObjectType(object_type), Rights(rights | extra)))
    }

    /// A handle for an unconstrained slot: any of the three object types, any rights.
    pub fn any(u: &mut Unstructured<'_>) -> Result<MemHandle> {
        let object_type = *u.choose(&[ObjectType::NONE, ObjectType::EVENT, ObjectType::CHANNEL])?;
        let rights = u32::from(u16::arbitrary(u)?);
        Ok(create(object_type, Rights(rights)))
    }

    pub fn opt_any(u: &mut Unstructured<'_>) -> Result<Option<MemHandle>> {
        Ok(if bool::arbitrary(u)? {
            Some(any(u)?)
        } else {
            None
        })
    }

    pub fn opt_any_array(u: &mut Unstructured<'_>) -> Result<[Option<MemHandle>; 2]> {
        Ok([opt_any(u)?, opt_any(u)?])
    }

    /// Up to 3 unconstrained handles (bounds of 2 and 3 use it: one over is an encode
    /// error worth exercising).
    pub fn anys(u: &mut Unstructured<'_>) -> Result<Vec<MemHandle>> {
        let n = u.int_in_range(0..=3)?;
        (0..n).map(|_| any(u)).collect()
    }

    pub fn opt_anys(u: &mut Unstructured<'_>) -> Result<Option<Vec<MemHandle>>> {
        Ok(if bool::arbitrary(u)? {
            Some(anys(u)?)
        } else {
            None
        })
    }

    pub fn event(u: &mut Unstructured<'_>) -> Result<MemHandle> {
        constrained(u, super::EVENT, super::BASIC)
    }

    /// Up to 5 events for a `vector<event>:4`.
    pub fn events(u: &mut Unstructured<'_>) -> Result<Vec<MemHandle>> {
        let n = u.int_in_range(0..=5)?;
        (0..n).map(|_| event(u)).collect()
    }

    pub fn channel_io(u: &mut Unstructured<'_>) -> Result<MemHandle> {
        constrained(u, super::CHANNEL, super::CHANNEL_IO)
    }

    /// A raw value of `Level` that is not one of its members (an unknown value equal to
    /// a known one would decode as the known member: not a round trip, by design).
    pub fn unknown_level(u: &mut Unstructured<'_>) -> Result<i16> {
        let v = i16::arbitrary(u)?;
        Ok(if v == -1 || v == 1000 { 7 } else { v })
    }

    struct DepthGuard;

    impl DepthGuard {
        fn enter() -> Option<Self> {
            DEPTH.with(|d| {
                if d.get() >= MAX_ARBITRARY_DEPTH {
                    None
                } else {
                    d.set(d.get() + 1);
                    Some(DepthGuard)
                }
            })
        }
    }

    impl Drop for DepthGuard {
        fn drop(&mut self) {
            DEPTH.with(|d| d.set(d.get() - 1));
        }
    }

    /// A recursive optional member: absent past [`MAX_ARBITRARY_DEPTH`].
    pub fn rec_box<'a, T: Arbitrary<'a>>(u: &mut Unstructured<'a>) -> Result<Option<Box<T>>> {
        let Some(_level) = DepthGuard::enter() else {
            return Ok(None);
        };
        if bool::arbitrary(u)? {
            Ok(Some(Box::new(T::arbitrary(u)?)))
        } else {
            Ok(None)
        }
    }

    /// A recursive vector: empty past [`MAX_ARBITRARY_DEPTH`], otherwise up to 3 items.
    pub fn rec_vec<'a, T: Arbitrary<'a>>(u: &mut Unstructured<'a>) -> Result<Vec<T>> {
        let Some(_level) = DepthGuard::enter() else {
            return Ok(Vec::new());
        };
        let n = u.int_in_range(0..=3)?;
        (0..n).map(|_| T::arbitrary(u)).collect()
    }
}
