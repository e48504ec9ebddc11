//! Recursive message types, with hand-written codec impls.
//!
//! `#[derive(Fidl)]` cannot express recursion yet: a derived recursive type fails to
//! compile (trait resolution overflows on the derived impls' where-clauses, and a boxed
//! struct's `INLINE_SIZE` is a const cycle; see `tests/fuzz_regressions_derive.rs`). The
//! codec's recursion (boxes, vectors, optional unions and tables nested up to the depth
//! limit) is what the fuzzers must reach, so these types implement `Layout`, `Encode`
//! and `Decode` by hand, through the codec's public API, with literal layout constants.
//!
//! Shared with the regression tests like `types.rs`.
#![allow(unexpected_cfgs)]
#![allow(missing_docs, dead_code)]

use core::fmt;

use handoff::HandleRef;
use handoff::codec::envelope::{
    TableView, decode_envelope, decode_table, decode_union, encode_envelope, encode_table_header,
    encode_union_variant, envelope_view, union_ordinal,
};
use handoff::codec::handle::Handle;
use handoff::codec::layout::VecConstraint;
use handoff::codec::{
    Decode, DecodeNullable, Decoder, Encode, Encoder, Error, HandleTable, Layout, Nullable,
    UNBOUNDED, VecView,
};
use handoff::handle::mem::MemHandle;

// ---------------------------------------------------------------------------------------
// Chain: struct { val uint32; next box<Chain>; }, recursion through boxes.

/// Each link is one out-of-line level deeper than the one holding it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
pub struct Chain {
    pub val: u32,
    #[cfg_attr(fuzzing, arbitrary(with = crate::types::arb::rec_box))]
    pub next: Option<Box<Chain>>,
}

/// The view of a validated [`Chain`].
#[derive(Clone, Copy)]
pub struct ChainView<'de> {
    msg: &'de [u8],
    at: usize,
}

impl<'de> ChainView<'de> {
    pub fn val(&self) -> u32 {
        // SAFETY: a view exists only for a validated message in which a `Chain` was
        // validated at `at`; its `val` is the `u32` at offset 0.
        unsafe { <u32 as Layout>::view(self.msg, self.at) }
    }

    pub fn next(&self) -> Option<ChainView<'de>> {
        // SAFETY: as above; `next` is the `box<Chain>` validated at offset 8.
        unsafe { <Option<Box<Chain>> as Layout>::view(self.msg, self.at + 8) }
    }
}

impl fmt::Debug for ChainView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Chain")
            .field("val", &self.val())
            .field("next", &self.next())
            .finish()
    }
}

impl Layout for Chain {
    const INLINE_SIZE: usize = 16;
    const ALIGN: usize = 8;
    const MAX_HANDLES: u32 = 0;
    const IS_RESOURCE: bool = false;
    type Constraint = ();
    const DEFAULT_CONSTRAINT: () = ();
    type View<'de> = ChainView<'de>;

    unsafe fn view(msg: &[u8], at: usize) -> ChainView<'_> {
        ChainView { msg, at }
    }
}

impl Nullable for Chain {
    const BOXED: bool = true;
}

impl<H: Handle> Encode<H> for Chain {
    fn encode(self, enc: &mut Encoder<'_, H>, at: usize, _: (), depth: u32) -> Result<(), Error> {
        enc.write_u32(at, self.val);
        self.next.encode(enc, at + 8, (), depth)
    }
}

impl<H: Handle> Decode<H> for Chain {
    fn decode(dec: &mut Decoder<'_, H>, at: usize, _: (), depth: u32) -> Result<(), Error> {
        dec.check_padding(at + 4, 4)?;
        <Option<Box<Chain>> as Decode<H>>::decode(dec, at + 8, (), depth)
    }

    fn from_view(view: ChainView<'_>, handles: &mut HandleTable<H>) -> Self {
        Chain {
            val: view.val(),
            next: <Option<Box<Chain>> as Decode<H>>::from_view(view.next(), handles),
        }
    }
}

impl<H: Handle> DecodeNullable<H> for Chain {}

// ---------------------------------------------------------------------------------------
// Tree: flexible union { 1: Leaf uint64; 2: Kids vector<Tree>; 3: Opt Tree:optional; }

/// Recursion through a flexible union, vectors and optional unions.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
pub enum Tree {
    Leaf(u64),
    Kids(#[cfg_attr(fuzzing, arbitrary(with = crate::types::arb::rec_vec))] Vec<Tree>),
    Opt(#[cfg_attr(fuzzing, arbitrary(with = crate::types::arb::rec_box))] Option<Box<Tree>>),
    UnknownOrdinal(u64),
}

/// The view of a validated [`Tree`].
#[derive(Clone, Copy, Debug)]
pub enum TreeView<'de> {
    Leaf(u64),
    Kids(VecView<'de, Tree>),
    Opt(OptTreeView<'de>),
    UnknownOrdinal(u64),
}

/// The view of the optional `Tree` of [`Tree::Opt`] (read on demand: a view holding
/// its nested view would have infinite size).
#[derive(Clone, Copy)]
pub struct OptTreeView<'de> {
    msg: &'de [u8],
    env: usize,
}

impl<'de> OptTreeView<'de> {
    pub fn get(&self) -> Option<TreeView<'de>> {
        // SAFETY: built only by `Tree::view` for a validated `Opt` variant, whose
        // envelope at `env` was validated as holding an optional `Tree`.
        unsafe { envelope_view::<Option<Box<Tree>>>(self.msg, self.env) }.flatten()
    }
}

impl fmt::Debug for OptTreeView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.get().fmt(f)
    }
}

impl Layout for Tree {
    const INLINE_SIZE: usize = 16;
    const ALIGN: usize = 8;
    const MAX_HANDLES: u32 = 0;
    const IS_RESOURCE: bool = false;
    const HAS_FLEXIBLE_ENVELOPE: bool = true;
    type Constraint = ();
    const DEFAULT_CONSTRAINT: () = ();
    type View<'de> = TreeView<'de>;

    unsafe fn view(msg: &[u8], at: usize) -> TreeView<'_> {
        let env = at + 8;
        // SAFETY (each arm): the caller guarantees a `Tree` was validated at `at`, so
        // the envelope of a known ordinal was validated as holding that variant's type,
        // and a present variant is never absent.
        match union_ordinal(msg, at) {
            1 => TreeView::Leaf(unsafe { envelope_view::<u64>(msg, env) }.unwrap_or_default()),
            2 => match unsafe { envelope_view::<Vec<Tree>>(msg, env) } {
                Some(v) => TreeView::Kids(v),
                None => unreachable!("a validated variant is present"),
            },
            3 => TreeView::Opt(OptTreeView { msg, env }),
            ordinal => TreeView::UnknownOrdinal(ordinal),
        }
    }
}

impl Nullable for Tree {
    const BOXED: bool = false;

    fn is_absent(msg: &[u8], at: usize) -> bool {
        union_ordinal(msg, at) == 0
    }
}

impl<H: Handle> Encode<H> for Tree {
    fn encode(self, enc: &mut Encoder<'_, H>, at: usize, _: (), depth: u32) -> Result<(), Error> {
        let unbounded = <Vec<Tree> as Layout>::DEFAULT_CONSTRAINT;
        match self {
            Tree::Leaf(v) => encode_union_variant(enc, at, 1, v, (), depth),
            Tree::Kids(v) => encode_union_variant(enc, at, 2, v, unbounded, depth),
            Tree::Opt(v) => encode_union_variant(enc, at, 3, v, (), depth),
            Tree::UnknownOrdinal(ordinal) => Err(Error::FlexibleUnionUnknownField { ordinal }),
        }
    }
}

fn decode_tree<H: Handle>(
    dec: &mut Decoder<'_, H>,
    at: usize,
    depth: u32,
    optional: bool,
) -> Result<(), Error> {
    decode_union(dec, at, depth, optional, true, false, |dec, ordinal, env, depth| {
        let unbounded: VecConstraint<()> = <Vec<Tree> as Layout>::DEFAULT_CONSTRAINT;
        match ordinal {
            1 => decode_envelope::<H, u64>(dec, env, (), depth, false).map(Some),
            2 => decode_envelope::<H, Vec<Tree>>(dec, env, unbounded, depth, false).map(Some),
            3 => decode_envelope::<H, Option<Box<Tree>>>(dec, env, (), depth, false).map(Some),
            _ => Ok(None),
        }
    })
}

impl<H: Handle> Decode<H> for Tree {
    fn decode(dec: &mut Decoder<'_, H>, at: usize, _: (), depth: u32) -> Result<(), Error> {
        decode_tree(dec, at, depth, false)
    }

    fn from_view(view: TreeView<'_>, handles: &mut HandleTable<H>) -> Self {
        match view {
            TreeView::Leaf(v) => Tree::Leaf(v),
            TreeView::Kids(v) => Tree::Kids(<Vec<Tree> as Decode<H>>::from_view(v, handles)),
            TreeView::Opt(v) => {
                Tree::Opt(<Option<Box<Tree>> as Decode<H>>::from_view(v.get(), handles))
            }
            TreeView::UnknownOrdinal(o) => Tree::UnknownOrdinal(o),
        }
    }
}

impl<H: Handle> DecodeNullable<H> for Tree {
    fn decode_nullable(
        dec: &mut Decoder<'_, H>,
        at: usize,
        _: (),
        depth: u32,
    ) -> Result<(), Error> {
        decode_tree(dec, at, depth, true)
    }
}

// ---------------------------------------------------------------------------------------
// Deep: table { 1: child Deep; 2: tree Tree; }, recursion through tables (2 levels each).

/// Recursion through tables, each two out-of-line levels deeper.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
pub struct Deep {
    #[cfg_attr(fuzzing, arbitrary(with = crate::types::arb::rec_box))]
    pub child: Option<Box<Deep>>,
    #[cfg_attr(fuzzing, arbitrary(with = crate::types::arb::rec_box))]
    pub tree: Option<Box<Tree>>,
}

/// The view of a validated [`Deep`].
#[derive(Clone, Copy)]
pub struct DeepView<'de>(TableView<'de>);

impl<'de> DeepView<'de> {
    pub fn child(&self) -> Option<DeepView<'de>> {
        // SAFETY: member 1 of `Deep` is a `Deep`, validated as such when present.
        unsafe { self.0.member::<Box<Deep>>(1) }
    }

    pub fn tree(&self) -> Option<TreeView<'de>> {
        // SAFETY: member 2 of `Deep` is a `Tree`, validated as such when present.
        unsafe { self.0.member::<Box<Tree>>(2) }
    }
}

impl fmt::Debug for DeepView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Deep")
            .field("child", &self.child())
            .field("tree", &self.tree())
            .finish()
    }
}

impl Layout for Deep {
    const INLINE_SIZE: usize = 16;
    const ALIGN: usize = 8;
    const MAX_HANDLES: u32 = 0;
    const IS_RESOURCE: bool = false;
    const HAS_FLEXIBLE_ENVELOPE: bool = true;
    type Constraint = ();
    const DEFAULT_CONSTRAINT: () = ();
    type View<'de> = DeepView<'de>;

    unsafe fn view(msg: &[u8], at: usize) -> DeepView<'_> {
        // SAFETY: the caller guarantees a `Deep` table was validated at `at`.
        DeepView(unsafe { TableView::new(msg, at) })
    }
}

impl<H: Handle> Encode<H> for Deep {
    fn encode(self, enc: &mut Encoder<'_, H>, at: usize, _: (), depth: u32) -> Result<(), Error> {
        let count = if self.tree.is_some() {
            2
        } else if self.child.is_some() {
            1
        } else {
            0
        };
        let (body, depth) = encode_table_header(enc, at, count, depth)?;
        if let Some(child) = self.child {
            encode_envelope(enc, body, child, (), depth)?;
        }
        if let Some(tree) = self.tree {
            encode_envelope(enc, body + 8, tree, (), depth)?;
        }
        Ok(())
    }
}

impl<H: Handle> Decode<H> for Deep {
    fn decode(dec: &mut Decoder<'_, H>, at: usize, _: (), depth: u32) -> Result<(), Error> {
        decode_table(dec, at, depth, false, |dec, ordinal, env, depth| match ordinal {
            1 => decode_envelope::<H, Box<Deep>>(dec, env, (), depth, false).map(|_| true),
            2 => decode_envelope::<H, Box<Tree>>(dec, env, (), depth, false).map(|_| true),
            _ => Ok(false),
        })
    }

    fn from_view(view: DeepView<'_>, handles: &mut HandleTable<H>) -> Self {
        Deep {
            child: view
                .child()
                .map(|v| <Box<Deep> as Decode<H>>::from_view(v, handles)),
            tree: view
                .tree()
                .map(|v| <Box<Tree> as Decode<H>>::from_view(v, handles)),
        }
    }
}

// ---------------------------------------------------------------------------------------
// RChain: resource struct { h handle:optional; next box<RChain>; }

/// Recursion in a resource type: every level may add a handle (so no static bound).
#[derive(Debug)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
pub struct RChain {
    #[cfg_attr(fuzzing, arbitrary(with = crate::types::arb::opt_any))]
    pub h: Option<MemHandle>,
    #[cfg_attr(fuzzing, arbitrary(with = crate::types::arb::rec_box))]
    pub next: Option<Box<RChain>>,
}

/// The view of a validated [`RChain`].
#[derive(Clone, Copy)]
pub struct RChainView<'de> {
    msg: &'de [u8],
    at: usize,
}

impl<'de> RChainView<'de> {
    pub fn h(&self) -> Option<HandleRef> {
        // SAFETY: a view exists only for a validated message in which an `RChain` was
        // validated at `at`; `h` is the optional handle slot at offset 0.
        unsafe { <Option<MemHandle> as Layout>::view(self.msg, self.at) }
    }

    pub fn next(&self) -> Option<RChainView<'de>> {
        // SAFETY: as above; `next` is the `box<RChain>` validated at offset 8.
        unsafe { <Option<Box<RChain>> as Layout>::view(self.msg, self.at + 8) }
    }
}

impl fmt::Debug for RChainView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RChain")
            .field("h", &self.h())
            .field("next", &self.next())
            .finish()
    }
}

impl Layout for RChain {
    const INLINE_SIZE: usize = 16;
    const ALIGN: usize = 8;
    const MAX_HANDLES: u32 = UNBOUNDED;
    const IS_RESOURCE: bool = true;
    type Constraint = ();
    const DEFAULT_CONSTRAINT: () = ();
    type View<'de> = RChainView<'de>;

    unsafe fn view(msg: &[u8], at: usize) -> RChainView<'_> {
        RChainView { msg, at }
    }
}

impl Nullable for RChain {
    const BOXED: bool = true;
}

impl Encode<MemHandle> for RChain {
    fn encode(
        self,
        enc: &mut Encoder<'_, MemHandle>,
        at: usize,
        _: (),
        depth: u32,
    ) -> Result<(), Error> {
        let any = <MemHandle as Layout>::DEFAULT_CONSTRAINT;
        self.h.encode(enc, at, any, depth)?;
        self.next.encode(enc, at + 8, (), depth)
    }
}

impl Decode<MemHandle> for RChain {
    fn decode(
        dec: &mut Decoder<'_, MemHandle>,
        at: usize,
        _: (),
        depth: u32,
    ) -> Result<(), Error> {
        let any = <MemHandle as Layout>::DEFAULT_CONSTRAINT;
        dec.check_padding(at + 4, 4)?;
        <Option<MemHandle> as Decode<MemHandle>>::decode(dec, at, any, depth)?;
        <Option<Box<RChain>> as Decode<MemHandle>>::decode(dec, at + 8, (), depth)
    }

    fn from_view(view: RChainView<'_>, handles: &mut HandleTable<MemHandle>) -> Self {
        RChain {
            h: <Option<MemHandle> as Decode<MemHandle>>::from_view(view.h(), handles),
            next: <Option<Box<RChain>> as Decode<MemHandle>>::from_view(view.next(), handles),
        }
    }
}

impl DecodeNullable<MemHandle> for RChain {}
