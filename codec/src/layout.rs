//! What a type looks like on the wire, and how its validated bytes are viewed.

use core::fmt::Debug;

/// The `max_handles` value that means "no static bound" (as in FIDL's JSON IR).
pub const UNBOUNDED: u32 = u32::MAX;

/// Multiplies static bounds (handles or bytes), saturating at [`UNBOUNDED`]; for bounded
/// containers.
#[inline]
pub const fn handles_mul(count: u32, each: u32) -> u32 {
    if each == 0 {
        0
    } else {
        match count.checked_mul(each) {
            Some(n) if n < UNBOUNDED => n,
            _ => UNBOUNDED,
        }
    }
}

/// Adds static bounds (handles or bytes), saturating at [`UNBOUNDED`]; for structs.
#[inline]
pub const fn handles_add(a: u32, b: u32) -> u32 {
    match a.checked_add(b) {
        Some(n) if n < UNBOUNDED => n,
        _ => UNBOUNDED,
    }
}

/// Rounds a byte bound up to a multiple of 8, saturating at [`UNBOUNDED`].
#[inline]
pub const fn bound_align8(n: u32) -> u32 {
    match n.checked_add(7) {
        Some(m) if n != UNBOUNDED => m & !7,
        _ => UNBOUNDED,
    }
}

/// The out-of-line bytes of an envelope's content of `inline_size` bytes (0 when it is
/// inline), plus `out_of_line` bytes of its own out-of-line objects.
#[inline]
pub const fn envelope_bound(inline_size: usize, out_of_line: u32) -> u32 {
    if inline_size <= 4 {
        out_of_line
    } else {
        handles_add(bound_align8(inline_size as u32), out_of_line)
    }
}

/// The larger of two bounds; for unions.
#[inline]
pub const fn handles_max(a: u32, b: u32) -> u32 {
    if a > b { a } else { b }
}

/// The FIDL layout of a type: its inline size and alignment, the static facts the codec
/// and the RFC-0057 rules need, and the borrowed view of its validated bytes.
///
/// Implemented by natural Rust types (`u32`, `String`, `Vec<T>`, derived structs...)
/// and, with the same layout, by references to them.
pub trait Layout {
    /// Bytes of the inline part.
    const INLINE_SIZE: usize;
    /// Alignment of the inline part (1, 2, 4 or 8).
    const ALIGN: usize;
    /// The most handles a value can carry ([`UNBOUNDED`] for no bound). Always 0 for
    /// value types. Resource types with flexible envelopes (tables, flexible unions)
    /// are unbounded, since unknown members may carry handles.
    const MAX_HANDLES: u32;
    /// The most bytes of out-of-line objects a value can have with the default
    /// constraint ([`UNBOUNDED`] for no bound: unbounded strings and vectors, tables,
    /// flexible unions, recursion). A message of this type longer than its inline size
    /// (padded to 8) plus this is rejected before it is read.
    const MAX_OUT_OF_LINE: u32 = UNBOUNDED;
    /// Whether the type is a resource type (may carry handles).
    const IS_RESOURCE: bool;
    /// Whether the type contains a table or flexible union anywhere (so a message of it
    /// can hold unknown members).
    const HAS_FLEXIBLE_ENVELOPE: bool = false;
    /// Whether validating the inline bytes is a no-op: every bit pattern is valid, there
    /// is no padding, no out-of-line part and no handle. A vector of such a type is
    /// validated in constant time.
    const TRIVIAL: bool = false;
    /// Whether this type's in-memory representation on this target is exactly its wire
    /// form (no padding, little-endian plain data, fields at their wire offsets), so that
    /// [`Layout::slice_as_wire`] can return a slice's memory.
    const WIRE_IS_MEMORY: bool = false;

    /// Per-use constraints (bounds, handle type and rights) that the schema attaches
    /// where the type is used, rather than to the type itself.
    type Constraint: Copy + Debug;
    /// The unconstrained value.
    const DEFAULT_CONSTRAINT: Self::Constraint;

    /// The borrowed view of a validated value.
    type View<'de>: Copy;

    /// Views the value at `at` in a decoded message.
    ///
    /// # Safety
    ///
    /// `msg` must be a message buffer that [`Decoder`](crate::Decoder) validated (and
    /// patched) successfully, in which a value of this type was validated at offset `at`.
    unsafe fn view(msg: &[u8], at: usize) -> Self::View<'_>;

    /// The wire bytes of `items`, when this type's in-memory representation on this
    /// target is exactly its wire form (plain little-endian numbers), so that a slice of
    /// it encodes with one copy.
    #[inline]
    fn slice_as_wire(items: &[Self]) -> Option<&[u8]>
    where
        Self: Sized,
    {
        let _ = items;
        None
    }
}

impl<T: Layout + ?Sized> Layout for &T {
    const INLINE_SIZE: usize = T::INLINE_SIZE;
    const ALIGN: usize = T::ALIGN;
    const MAX_HANDLES: u32 = T::MAX_HANDLES;
    const MAX_OUT_OF_LINE: u32 = T::MAX_OUT_OF_LINE;
    const IS_RESOURCE: bool = T::IS_RESOURCE;
    const HAS_FLEXIBLE_ENVELOPE: bool = T::HAS_FLEXIBLE_ENVELOPE;
    const TRIVIAL: bool = T::TRIVIAL;
    type Constraint = T::Constraint;
    const DEFAULT_CONSTRAINT: Self::Constraint = T::DEFAULT_CONSTRAINT;
    type View<'de> = T::View<'de>;

    #[inline]
    unsafe fn view(msg: &[u8], at: usize) -> Self::View<'_> {
        // SAFETY: the caller's guarantee for `&T` is the guarantee for `T`: both have
        // the same layout and were validated by the same code.
        unsafe { T::view(msg, at) }
    }
}

/// Types with an absent form, so that `Option<T>` has a wire form.
///
/// Two kinds exist: *boxed* types (structs), whose optional form is an 8-byte presence
/// marker with the value out of line, and types whose absent form is their own inline
/// bytes all zero (strings, vectors, handles, unions).
pub trait Nullable: Layout {
    /// Whether the optional form is a presence marker plus an out-of-line value.
    const BOXED: bool;

    /// For a type that is not boxed: whether the validated inline bytes at `at` are the
    /// absent form.
    #[inline]
    fn is_absent(msg: &[u8], at: usize) -> bool {
        let _ = (msg, at);
        false
    }
}

impl<T: Nullable + ?Sized> Nullable for &T {
    const BOXED: bool = T::BOXED;

    #[inline]
    fn is_absent(msg: &[u8], at: usize) -> bool {
        T::is_absent(msg, at)
    }
}

/// Constraints that carry a length bound (`string:N`, `vector<T>:N`).
pub trait MaxLen: Copy {
    /// Sets the bound.
    fn max_len(self, max_len: u32) -> Self;
}

/// Constraints of containers (vectors, arrays) that carry their element's constraint.
pub trait ElemConstraint: Copy {
    /// The element's constraint type.
    type Elem;
    /// Changes the element's constraint.
    fn elem(self, f: impl FnOnce(Self::Elem) -> Self::Elem) -> Self;
}

/// Constraints of handle slots (object type and rights).
pub trait HandleConstraintExt: Copy {
    /// Sets the object type and rights a handle slot takes.
    fn handle(self, object_type: u32, rights: u32) -> Self;
}

/// The constraint of a string: a length bound in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StringConstraint {
    /// The most bytes (`u32::MAX` for no bound).
    pub max_len: u32,
}

impl StringConstraint {
    /// No bound.
    pub const UNBOUNDED: Self = Self { max_len: u32::MAX };
}

impl MaxLen for StringConstraint {
    fn max_len(self, max_len: u32) -> Self {
        Self { max_len }
    }
}

/// The constraint of a vector: a count bound and the element's constraint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VecConstraint<C> {
    /// The most elements (`u32::MAX` for no bound).
    pub max_len: u32,
    /// The elements' constraint.
    pub elem: C,
}

impl<C: Copy> MaxLen for VecConstraint<C> {
    fn max_len(self, max_len: u32) -> Self {
        Self { max_len, ..self }
    }
}

impl<C: Copy> ElemConstraint for VecConstraint<C> {
    type Elem = C;
    fn elem(self, f: impl FnOnce(C) -> C) -> Self {
        Self {
            elem: f(self.elem),
            ..self
        }
    }
}

/// The constraint of an array: the element's constraint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArrayConstraint<C> {
    /// The elements' constraint.
    pub elem: C,
}

impl<C: Copy> ElemConstraint for ArrayConstraint<C> {
    type Elem = C;
    fn elem(self, f: impl FnOnce(C) -> C) -> Self {
        Self { elem: f(self.elem) }
    }
}

impl HandleConstraintExt for crate::handle::HandleConstraint {
    fn handle(self, object_type: u32, rights: u32) -> Self {
        Self::new(
            crate::handle::ObjectType(object_type),
            crate::handle::Rights(rights),
        )
    }
}

/// Field offsets and padding of a struct, computed at compile time by
/// [`struct_layout`] (derived code uses it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StructLayout<const N: usize> {
    /// The inline size: fields aligned, rounded up to the alignment; 1 for no fields.
    pub size: usize,
    /// The largest field alignment (1 for no fields).
    pub align: usize,
    /// Each field's offset.
    pub offsets: [usize; N],
    /// The padding after each field (up to the next field or the end): offset and length.
    pub padding: [(usize, usize); N],
    /// Whether there is no padding at all.
    pub packed: bool,
}

/// Lays out a struct whose fields have the given (inline size, alignment), in order.
pub const fn struct_layout<const N: usize>(fields: [(usize, usize); N]) -> StructLayout<N> {
    let mut offsets = [0usize; N];
    let mut align = 1;
    let mut end = 0;
    let mut i = 0;
    while i < N {
        let (size, a) = fields[i];
        if a > align {
            align = a;
        }
        let at = handoff_wire::align_up(end, a);
        offsets[i] = at;
        end = at + size;
        i += 1;
    }
    let size = if N == 0 {
        1
    } else {
        handoff_wire::align_up(end, align)
    };
    let mut padding = [(0usize, 0usize); N];
    let mut packed = true;
    let mut i = 0;
    while i < N {
        let field_end = offsets[i] + fields[i].0;
        let next = if i + 1 < N { offsets[i + 1] } else { size };
        padding[i] = (field_end, next - field_end);
        if next != field_end {
            packed = false;
        }
        i += 1;
    }
    StructLayout {
        size,
        align,
        offsets,
        padding,
        packed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn struct_layout_aligns_fields_and_finds_padding() {
        // struct { a uint8; b uint32; c uint16; }: a@0, pad 3, b@4, c@8, pad 2 -> 12.
        let l = struct_layout([(1, 1), (4, 4), (2, 2)]);
        assert_eq!(l.offsets, [0, 4, 8]);
        assert_eq!(l.size, 12);
        assert_eq!(l.align, 4);
        assert_eq!(l.padding, [(1, 3), (8, 0), (10, 2)]);
        assert!(!l.packed);
        let e = struct_layout([]);
        assert_eq!((e.size, e.align), (1, 1));
        let p = struct_layout([(8, 8), (16, 8)]);
        assert!(p.packed);
        assert_eq!(p.size, 24);
    }

    #[test]
    fn handle_bounds_saturate() {
        assert_eq!(handles_mul(3, 2), 6);
        assert_eq!(handles_mul(u32::MAX, 0), 0);
        assert_eq!(handles_mul(1 << 20, 1 << 20), UNBOUNDED);
        assert_eq!(handles_add(UNBOUNDED, 1), UNBOUNDED);
        assert_eq!(handles_add(2, 3), 5);
        assert_eq!(handles_max(2, 3), 3);
    }
}
