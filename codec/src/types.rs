//! The codec of the built-in types: numbers, bool, strings, vectors, arrays, optional
//! and boxed values.

use handoff_wire::{ALLOC_ABSENT, ALLOC_PRESENT};

use crate::Error;
use crate::decode::{Decode, DecodeNullable, Decoder, HandleTable, read_u64};
use crate::encode::{Encode, Encoder};
use crate::handle::Handle;
use crate::layout::{
    ArrayConstraint, Layout, Nullable, StringConstraint, UNBOUNDED, VecConstraint, handles_add,
    handles_mul,
};
use crate::view::{ArrayView, VecView};

macro_rules! numbers {
    ($($t:ty),*) => {$(
        impl Layout for $t {
            const INLINE_SIZE: usize = core::mem::size_of::<$t>();
            const ALIGN: usize = core::mem::size_of::<$t>();
            const MAX_HANDLES: u32 = 0;
            const MAX_OUT_OF_LINE: u32 = 0;
            const IS_RESOURCE: bool = false;
            const TRIVIAL: bool = true;
            const WIRE_IS_MEMORY: bool = cfg!(target_endian = "little");
            type Constraint = ();
            const DEFAULT_CONSTRAINT: () = ();
            type View<'de> = $t;

            #[inline]
            unsafe fn view(msg: &[u8], at: usize) -> $t {
                debug_assert!(at + core::mem::size_of::<$t>() <= msg.len());
                // SAFETY: the caller guarantees a value of this type was validated at
                // `at` in `msg`, so `at + size_of` is within `msg`.
                let p = unsafe { msg.as_ptr().add(at) }.cast::<$t>();
                // SAFETY: `p` points at `size_of::<$t>()` initialized bytes of `msg` (see
                // above); the read is unaligned and every bit pattern is a valid number.
                let raw = unsafe { p.read_unaligned() };
                <$t>::from_le_bytes(raw.to_ne_bytes())
            }

            #[inline]
            fn slice_as_wire(items: &[Self]) -> Option<&[u8]> {
                if cfg!(target_endian = "little") {
                    Some(zerocopy::IntoBytes::as_bytes(items))
                } else {
                    None
                }
            }
        }

        impl<H: Handle> Encode<H> for $t {
            #[inline]
            fn encode(self, enc: &mut Encoder<'_, H>, at: usize, _: (), _: u32) -> Result<(), Error> {
                enc.write(at, self.to_le_bytes());
                Ok(())
            }
        }

        impl<H: Handle> Encode<H> for &$t {
            #[inline]
            fn encode(self, enc: &mut Encoder<'_, H>, at: usize, _: (), _: u32) -> Result<(), Error> {
                enc.write(at, self.to_le_bytes());
                Ok(())
            }
        }

        impl<H: Handle> Decode<H> for $t {
            #[inline]
            fn decode(_: &mut Decoder<'_, H>, _: usize, _: (), _: u32) -> Result<(), Error> {
                Ok(())
            }

            #[inline]
            fn from_view(view: $t, _: &mut HandleTable<H>) -> $t {
                view
            }
        }
    )*};
}

numbers!(u8, u16, u32, u64, i8, i16, i32, i64, f32, f64);

impl Layout for bool {
    const INLINE_SIZE: usize = 1;
    const ALIGN: usize = 1;
    const MAX_HANDLES: u32 = 0;
    const MAX_OUT_OF_LINE: u32 = 0;
    const IS_RESOURCE: bool = false;
    const WIRE_IS_MEMORY: bool = true;
    type Constraint = ();
    const DEFAULT_CONSTRAINT: () = ();
    type View<'de> = bool;

    #[inline]
    unsafe fn view(msg: &[u8], at: usize) -> bool {
        msg[at] != 0
    }

    #[inline]
    fn slice_as_wire(items: &[Self]) -> Option<&[u8]> {
        Some(zerocopy::IntoBytes::as_bytes(items))
    }
}

impl<H: Handle> Encode<H> for bool {
    #[inline]
    fn encode(self, enc: &mut Encoder<'_, H>, at: usize, _: (), _: u32) -> Result<(), Error> {
        enc.write(at, [u8::from(self)]);
        Ok(())
    }
}

impl<H: Handle> Encode<H> for &bool {
    #[inline]
    fn encode(self, enc: &mut Encoder<'_, H>, at: usize, _: (), _: u32) -> Result<(), Error> {
        enc.write(at, [u8::from(*self)]);
        Ok(())
    }
}

impl<H: Handle> Decode<H> for bool {
    #[inline]
    fn decode(dec: &mut Decoder<'_, H>, at: usize, _: (), _: u32) -> Result<(), Error> {
        match dec.read_u8(at) {
            0 | 1 => Ok(()),
            found => Err(Error::InvalidBoolean { offset: at, found }),
        }
    }

    #[inline]
    fn from_view(view: bool, _: &mut HandleTable<H>) -> bool {
        view
    }
}

// ---------------------------------------------------------------------------------------
// Strings

impl Layout for str {
    const INLINE_SIZE: usize = 16;
    const ALIGN: usize = 8;
    const MAX_HANDLES: u32 = 0;
    const IS_RESOURCE: bool = false;
    type Constraint = StringConstraint;
    const DEFAULT_CONSTRAINT: StringConstraint = StringConstraint::UNBOUNDED;
    type View<'de> = &'de str;

    #[inline]
    unsafe fn view(msg: &[u8], at: usize) -> &str {
        let len = read_u64(msg, at) as usize;
        let body = read_u64(msg, at + 8) as usize;
        let bytes = &msg[body..body + len];
        // SAFETY: the caller guarantees that a string was validated at `at`, and string
        // validation checked that these bytes (the body its patched header points at,
        // `len` long) are UTF-8.
        unsafe { core::str::from_utf8_unchecked(bytes) }
    }
}

impl Nullable for str {
    const BOXED: bool = false;

    #[inline]
    fn is_absent(msg: &[u8], at: usize) -> bool {
        read_u64(msg, at + 8) == ALLOC_ABSENT
    }
}

impl Layout for String {
    const INLINE_SIZE: usize = 16;
    const ALIGN: usize = 8;
    const MAX_HANDLES: u32 = 0;
    const IS_RESOURCE: bool = false;
    type Constraint = StringConstraint;
    const DEFAULT_CONSTRAINT: StringConstraint = StringConstraint::UNBOUNDED;
    type View<'de> = &'de str;

    #[inline]
    unsafe fn view(msg: &[u8], at: usize) -> &str {
        // SAFETY: `String` and `str` have the same wire form and validation.
        unsafe { <str as Layout>::view(msg, at) }
    }
}

impl Nullable for String {
    const BOXED: bool = false;

    #[inline]
    fn is_absent(msg: &[u8], at: usize) -> bool {
        <str as Nullable>::is_absent(msg, at)
    }
}

#[inline(always)]
fn encode_str<H: Handle>(
    s: &str,
    enc: &mut Encoder<'_, H>,
    at: usize,
    c: StringConstraint,
    depth: u32,
) -> Result<(), Error> {
    let len = s.len();
    // max_len <= u32::MAX, so one comparison covers both bounds.
    if len as u64 > u64::from(c.max_len) {
        return Err(encode_str_too_long(at, len, c));
    }
    enc.enter(depth, at)?;
    enc.write_u64(at, len as u64);
    enc.write_u64(at + 8, ALLOC_PRESENT);
    enc.append(s.as_bytes());
    Ok(())
}

#[cold]
#[inline(never)]
fn encode_str_too_long(at: usize, len: usize, c: StringConstraint) -> Error {
    if len as u64 > u64::from(u32::MAX) {
        Error::StringCountExceeds32BitLimit {
            offset: at,
            count: len as u64,
        }
    } else {
        Error::StringTooLong {
            offset: at,
            len: len as u64,
            limit: c.max_len,
        }
    }
}

impl<H: Handle> Encode<H> for &str {
    #[inline]
    fn encode(
        self,
        enc: &mut Encoder<'_, H>,
        at: usize,
        c: StringConstraint,
        depth: u32,
    ) -> Result<(), Error> {
        encode_str(self, enc, at, c, depth)
    }
}

impl<H: Handle> Encode<H> for &String {
    #[inline]
    fn encode(
        self,
        enc: &mut Encoder<'_, H>,
        at: usize,
        c: StringConstraint,
        depth: u32,
    ) -> Result<(), Error> {
        encode_str(self, enc, at, c, depth)
    }
}

impl<H: Handle> Encode<H> for String {
    #[inline]
    fn encode(
        self,
        enc: &mut Encoder<'_, H>,
        at: usize,
        c: StringConstraint,
        depth: u32,
    ) -> Result<(), Error> {
        encode_str(&self, enc, at, c, depth)
    }
}

#[inline(always)]
fn decode_str<H: Handle>(
    dec: &mut Decoder<'_, H>,
    at: usize,
    c: StringConstraint,
    depth: u32,
    optional: bool,
) -> Result<(), Error> {
    let count = dec.read_u64(at);
    let presence = dec.read_u64(at + 8);
    // One comparison covers both bounds (max_len <= u32::MAX); the cold path tells them
    // apart.
    if presence != ALLOC_PRESENT || count > u64::from(c.max_len) {
        return seq_header_slow(Seq::String, at, count, presence, c.max_len, optional);
    }
    dec.enter(depth, at)?;
    let body = dec.alloc(count as usize)?;
    // The body is padded to 8 with zeros (checked by `alloc`), so whole words can be
    // tested for ASCII; anything else goes through the full UTF-8 check.
    if !dec.is_ascii_padded(body, count as usize) {
        if let Err(e) = core::str::from_utf8(dec.bytes(body, count as usize)) {
            return Err(Error::StringNotUtf8 {
                offset: body + e.valid_up_to(),
            });
        }
    }
    dec.patch_body_offset(at, body);
    Ok(())
}

/// Whether a header is a string's or a vector's: they share their checks, not their
/// error variants.
#[derive(Clone, Copy)]
enum Seq {
    String,
    Vector,
}

/// The checks of a string or vector header that is not present-and-within-its-bound, in
/// the spec's order (the 32-bit count limit, the marker, the bound). `Ok` only for an
/// absent optional header; every other header gets the error it owes. Kept out of line:
/// the hot path tests both conditions with two comparisons.
#[cold]
#[inline(never)]
fn seq_header_slow(
    seq: Seq,
    at: usize,
    count: u64,
    presence: u64,
    max_len: u32,
    optional: bool,
) -> Result<(), Error> {
    if count > u64::from(u32::MAX) {
        return Err(match seq {
            Seq::String => Error::StringCountExceeds32BitLimit { offset: at, count },
            Seq::Vector => Error::VectorCountExceeds32BitLimit { offset: at, count },
        });
    }
    match presence {
        ALLOC_PRESENT => {}
        ALLOC_ABSENT if count != 0 => {
            return Err(match seq {
                Seq::String => Error::NonEmptyStringWithNullBody { offset: at, count },
                Seq::Vector => Error::NonEmptyVectorWithNullBody { offset: at, count },
            });
        }
        ALLOC_ABSENT if optional => return Ok(()),
        ALLOC_ABSENT => return Err(Error::NonNullableTypeWithNullValue { offset: at }),
        found => {
            return Err(Error::InvalidPresenceIndicator {
                offset: at + 8,
                found,
            });
        }
    }
    Err(match seq {
        Seq::String => Error::StringTooLong {
            offset: at,
            len: count,
            limit: max_len,
        },
        Seq::Vector => Error::CountExceedsLimit {
            offset: at,
            count,
            limit: max_len,
        },
    })
}

impl<H: Handle> Decode<H> for String {
    #[inline]
    fn decode(
        dec: &mut Decoder<'_, H>,
        at: usize,
        c: StringConstraint,
        depth: u32,
    ) -> Result<(), Error> {
        decode_str(dec, at, c, depth, false)
    }

    #[inline]
    fn from_view(view: &str, _: &mut HandleTable<H>) -> String {
        view.to_owned()
    }
}

impl<H: Handle> DecodeNullable<H> for String {
    #[inline]
    fn decode_nullable(
        dec: &mut Decoder<'_, H>,
        at: usize,
        c: StringConstraint,
        depth: u32,
    ) -> Result<(), Error> {
        decode_str(dec, at, c, depth, true)
    }
}

// ---------------------------------------------------------------------------------------
// Vectors

impl<T: Layout> Layout for [T] {
    const INLINE_SIZE: usize = 16;
    const ALIGN: usize = 8;
    const MAX_HANDLES: u32 = if T::MAX_HANDLES == 0 { 0 } else { UNBOUNDED };
    const IS_RESOURCE: bool = T::IS_RESOURCE;
    const HAS_FLEXIBLE_ENVELOPE: bool = T::HAS_FLEXIBLE_ENVELOPE;
    type Constraint = VecConstraint<T::Constraint>;
    const DEFAULT_CONSTRAINT: Self::Constraint = VecConstraint {
        max_len: u32::MAX,
        elem: T::DEFAULT_CONSTRAINT,
    };
    type View<'de> = VecView<'de, T>;

    #[inline]
    unsafe fn view(msg: &[u8], at: usize) -> VecView<'_, T> {
        let len = read_u64(msg, at) as usize;
        let body = read_u64(msg, at + 8) as usize;
        // SAFETY: the caller guarantees a vector of `T` was validated at `at`; its
        // validation checked `len` elements at the body offset it patched into the header.
        unsafe { VecView::new(msg, body, len) }
    }
}

impl<T: Layout> Nullable for [T] {
    const BOXED: bool = false;

    #[inline]
    fn is_absent(msg: &[u8], at: usize) -> bool {
        read_u64(msg, at + 8) == ALLOC_ABSENT
    }
}

impl<T: Layout> Layout for Vec<T> {
    const INLINE_SIZE: usize = 16;
    const ALIGN: usize = 8;
    const MAX_HANDLES: u32 = <[T]>::MAX_HANDLES;
    const IS_RESOURCE: bool = T::IS_RESOURCE;
    const HAS_FLEXIBLE_ENVELOPE: bool = T::HAS_FLEXIBLE_ENVELOPE;
    type Constraint = VecConstraint<T::Constraint>;
    const DEFAULT_CONSTRAINT: Self::Constraint = <[T]>::DEFAULT_CONSTRAINT;
    type View<'de> = VecView<'de, T>;

    #[inline]
    unsafe fn view(msg: &[u8], at: usize) -> VecView<'_, T> {
        // SAFETY: `Vec<T>` and `[T]` have the same wire form and validation.
        unsafe { <[T]>::view(msg, at) }
    }
}

impl<T: Layout> Nullable for Vec<T> {
    const BOXED: bool = false;

    #[inline]
    fn is_absent(msg: &[u8], at: usize) -> bool {
        <[T]>::is_absent(msg, at)
    }
}

/// Writes a vector header for `len` elements and reserves the body. Returns the body
/// offset and the elements' depth.
#[inline]
fn begin_vec<H: Handle, C>(
    enc: &mut Encoder<'_, H>,
    at: usize,
    len: usize,
    size: usize,
    c: &VecConstraint<C>,
    depth: u32,
) -> Result<(usize, u32), Error> {
    if len as u64 > u64::from(u32::MAX) {
        return Err(Error::VectorCountExceeds32BitLimit {
            offset: at,
            count: len as u64,
        });
    }
    if len > c.max_len as usize {
        return Err(Error::CountExceedsLimit {
            offset: at,
            count: len as u64,
            limit: c.max_len,
        });
    }
    let depth = enc.enter(depth, at)?;
    enc.write_u64(at, len as u64);
    enc.write_u64(at + 8, ALLOC_PRESENT);
    Ok((enc.alloc(len * size), depth))
}

/// Encodes the elements of a sequence as a vector.
#[inline]
fn encode_seq<H: Handle, T: Encode<H>>(
    enc: &mut Encoder<'_, H>,
    at: usize,
    items: impl ExactSizeIterator<Item = T>,
    c: VecConstraint<T::Constraint>,
    depth: u32,
) -> Result<(), Error> {
    let (body, depth) = begin_vec(enc, at, items.len(), T::INLINE_SIZE, &c, depth)?;
    for (i, item) in items.enumerate() {
        item.encode(enc, body + i * T::INLINE_SIZE, c.elem, depth)?;
    }
    Ok(())
}

/// Encodes plain elements whose wire bytes are `bytes` as a vector, with one copy.
#[inline]
fn encode_plain<H: Handle>(
    enc: &mut Encoder<'_, H>,
    at: usize,
    len: usize,
    bytes: &[u8],
    max_len: u32,
    depth: u32,
) -> Result<(), Error> {
    if len as u64 > u64::from(u32::MAX) {
        return Err(Error::VectorCountExceeds32BitLimit {
            offset: at,
            count: len as u64,
        });
    }
    if len > max_len as usize {
        return Err(Error::CountExceedsLimit {
            offset: at,
            count: len as u64,
            limit: max_len,
        });
    }
    enc.enter(depth, at)?;
    enc.write_u64(at, len as u64);
    enc.write_u64(at + 8, ALLOC_PRESENT);
    enc.append(bytes);
    Ok(())
}

/// Encodes a slice as a vector, with one copy when its memory is its wire form.
#[inline]
fn encode_slice<'a, H: Handle, T>(
    enc: &mut Encoder<'_, H>,
    at: usize,
    items: &'a [T],
    c: VecConstraint<T::Constraint>,
    depth: u32,
) -> Result<(), Error>
where
    T: Layout,
    &'a T: Encode<H, Constraint = T::Constraint>,
{
    match T::slice_as_wire(items) {
        Some(bytes) => encode_plain(enc, at, items.len(), bytes, c.max_len, depth),
        None => encode_seq(enc, at, items.iter(), c, depth),
    }
}

impl<'a, H: Handle, T> Encode<H> for &'a [T]
where
    T: Layout,
    &'a T: Encode<H, Constraint = T::Constraint>,
{
    #[inline]
    fn encode(
        self,
        enc: &mut Encoder<'_, H>,
        at: usize,
        c: Self::Constraint,
        depth: u32,
    ) -> Result<(), Error> {
        encode_slice(enc, at, self, c, depth)
    }
}

impl<'a, H: Handle, T> Encode<H> for &'a Vec<T>
where
    T: Layout,
    &'a T: Encode<H, Constraint = T::Constraint>,
{
    #[inline]
    fn encode(
        self,
        enc: &mut Encoder<'_, H>,
        at: usize,
        c: Self::Constraint,
        depth: u32,
    ) -> Result<(), Error> {
        encode_slice(enc, at, self.as_slice(), c, depth)
    }
}

impl<H: Handle, T: Encode<H>> Encode<H> for Vec<T> {
    #[inline]
    fn encode(
        self,
        enc: &mut Encoder<'_, H>,
        at: usize,
        c: Self::Constraint,
        depth: u32,
    ) -> Result<(), Error> {
        if let Some(bytes) = T::slice_as_wire(&self) {
            return encode_plain(enc, at, self.len(), bytes, c.max_len, depth);
        }
        encode_seq(enc, at, self.into_iter(), c, depth)
    }
}

fn decode_vec<H: Handle, T: Decode<H>>(
    dec: &mut Decoder<'_, H>,
    at: usize,
    c: VecConstraint<T::Constraint>,
    depth: u32,
    optional: bool,
) -> Result<(), Error> {
    let count = dec.read_u64(at);
    let presence = dec.read_u64(at + 8);
    // One comparison covers both bounds (max_len <= u32::MAX).
    if presence != ALLOC_PRESENT || count > u64::from(c.max_len) {
        return seq_header_slow(Seq::Vector, at, count, presence, c.max_len, optional);
    }
    let depth = dec.enter(depth, at)?;
    let body = dec.alloc_array(count, T::INLINE_SIZE)?;
    if !T::TRIVIAL {
        for i in 0..count as usize {
            T::decode(dec, body + i * T::INLINE_SIZE, c.elem, depth)?;
        }
    }
    dec.patch_body_offset(at, body);
    Ok(())
}

impl<H: Handle, T: Decode<H>> Decode<H> for Vec<T> {
    #[inline]
    fn decode(
        dec: &mut Decoder<'_, H>,
        at: usize,
        c: Self::Constraint,
        depth: u32,
    ) -> Result<(), Error> {
        decode_vec::<H, T>(dec, at, c, depth, false)
    }

    fn from_view(view: VecView<'_, T>, handles: &mut HandleTable<H>) -> Vec<T> {
        let mut out = Vec::with_capacity(view.len());
        out.extend(view.iter().map(|v| T::from_view(v, handles)));
        out
    }
}

impl<H: Handle, T: Decode<H>> DecodeNullable<H> for Vec<T> {
    #[inline]
    fn decode_nullable(
        dec: &mut Decoder<'_, H>,
        at: usize,
        c: Self::Constraint,
        depth: u32,
    ) -> Result<(), Error> {
        decode_vec::<H, T>(dec, at, c, depth, true)
    }
}

// ---------------------------------------------------------------------------------------
// Arrays

impl<T: Layout, const N: usize> Layout for [T; N] {
    const INLINE_SIZE: usize = N * T::INLINE_SIZE;
    const ALIGN: usize = T::ALIGN;
    const MAX_HANDLES: u32 = handles_mul(
        if N > u32::MAX as usize {
            u32::MAX
        } else {
            N as u32
        },
        T::MAX_HANDLES,
    );
    const IS_RESOURCE: bool = T::IS_RESOURCE;
    const HAS_FLEXIBLE_ENVELOPE: bool = T::HAS_FLEXIBLE_ENVELOPE;
    const TRIVIAL: bool = T::TRIVIAL;
    const WIRE_IS_MEMORY: bool = T::WIRE_IS_MEMORY;
    type Constraint = ArrayConstraint<T::Constraint>;
    const DEFAULT_CONSTRAINT: Self::Constraint = ArrayConstraint {
        elem: T::DEFAULT_CONSTRAINT,
    };
    type View<'de> = ArrayView<'de, T, N>;

    #[inline]
    unsafe fn view(msg: &[u8], at: usize) -> ArrayView<'_, T, N> {
        // SAFETY: the caller guarantees an array of `T` was validated at `at`, which
        // validated its `N` elements in place.
        unsafe { ArrayView::new(msg, at) }
    }

    #[inline]
    fn slice_as_wire(items: &[Self]) -> Option<&[u8]> {
        T::slice_as_wire(items.as_flattened())
    }
}

impl<H: Handle, T: Encode<H>, const N: usize> Encode<H> for [T; N] {
    #[inline]
    fn encode(
        self,
        enc: &mut Encoder<'_, H>,
        at: usize,
        c: Self::Constraint,
        depth: u32,
    ) -> Result<(), Error> {
        for (i, item) in self.into_iter().enumerate() {
            item.encode(enc, at + i * T::INLINE_SIZE, c.elem, depth)?;
        }
        Ok(())
    }
}

impl<'a, H: Handle, T, const N: usize> Encode<H> for &'a [T; N]
where
    T: Layout,
    &'a T: Encode<H, Constraint = T::Constraint>,
{
    #[inline]
    fn encode(
        self,
        enc: &mut Encoder<'_, H>,
        at: usize,
        c: Self::Constraint,
        depth: u32,
    ) -> Result<(), Error> {
        if let Some(bytes) = T::slice_as_wire(self) {
            enc.write_slice(at, bytes);
            return Ok(());
        }
        for (i, item) in self.iter().enumerate() {
            item.encode(enc, at + i * T::INLINE_SIZE, c.elem, depth)?;
        }
        Ok(())
    }
}

impl<H: Handle, T: Decode<H>, const N: usize> Decode<H> for [T; N] {
    #[inline]
    fn decode(
        dec: &mut Decoder<'_, H>,
        at: usize,
        c: Self::Constraint,
        depth: u32,
    ) -> Result<(), Error> {
        if !T::TRIVIAL {
            for i in 0..N {
                T::decode(dec, at + i * T::INLINE_SIZE, c.elem, depth)?;
            }
        }
        Ok(())
    }

    fn from_view(view: ArrayView<'_, T, N>, handles: &mut HandleTable<H>) -> Self {
        let mut items = view.iter();
        core::array::from_fn(|_| match items.next() {
            Some(v) => T::from_view(v, handles),
            // `ArrayView` has exactly N elements.
            None => unreachable!("array view shorter than its type"),
        })
    }
}

// ---------------------------------------------------------------------------------------
// Optional and boxed values

impl<T: Nullable> Layout for Option<T> {
    const INLINE_SIZE: usize = if T::BOXED { 8 } else { T::INLINE_SIZE };
    const ALIGN: usize = if T::BOXED { 8 } else { T::ALIGN };
    const MAX_HANDLES: u32 = T::MAX_HANDLES;
    const MAX_OUT_OF_LINE: u32 = if T::BOXED {
        handles_add(
            crate::layout::bound_align8(T::INLINE_SIZE as u32),
            T::MAX_OUT_OF_LINE,
        )
    } else {
        T::MAX_OUT_OF_LINE
    };
    const IS_RESOURCE: bool = T::IS_RESOURCE;
    const HAS_FLEXIBLE_ENVELOPE: bool = T::HAS_FLEXIBLE_ENVELOPE;
    type Constraint = T::Constraint;
    const DEFAULT_CONSTRAINT: Self::Constraint = T::DEFAULT_CONSTRAINT;
    type View<'de> = Option<T::View<'de>>;

    #[inline]
    unsafe fn view(msg: &[u8], at: usize) -> Option<T::View<'_>> {
        if T::BOXED {
            match read_u64(msg, at) {
                ALLOC_ABSENT => None,
                // SAFETY: a validated box holds the offset of its validated body.
                body => Some(unsafe { T::view(msg, body as usize) }),
            }
        } else if T::is_absent(msg, at) {
            None
        } else {
            // SAFETY: a present inline optional value was validated in place.
            Some(unsafe { T::view(msg, at) })
        }
    }
}

impl<T: Nullable> Nullable for Option<T> {
    const BOXED: bool = T::BOXED;

    #[inline]
    fn is_absent(msg: &[u8], at: usize) -> bool {
        T::is_absent(msg, at)
    }
}

#[inline]
fn encode_some<H: Handle, T: Encode<H> + Nullable>(
    value: T,
    enc: &mut Encoder<'_, H>,
    at: usize,
    c: T::Constraint,
    depth: u32,
) -> Result<(), Error> {
    if T::BOXED {
        let depth = enc.enter(depth, at)?;
        let body = enc.alloc(T::INLINE_SIZE);
        enc.write_u64(at, ALLOC_PRESENT);
        value.encode(enc, body, c, depth)
    } else {
        value.encode(enc, at, c, depth)
    }
}

impl<H: Handle, T: Encode<H> + Nullable> Encode<H> for Option<T> {
    #[inline]
    fn encode(
        self,
        enc: &mut Encoder<'_, H>,
        at: usize,
        c: Self::Constraint,
        depth: u32,
    ) -> Result<(), Error> {
        match self {
            None => Ok(()),
            Some(v) => encode_some(v, enc, at, c, depth),
        }
    }
}

impl<'a, H: Handle, T: Nullable> Encode<H> for &'a Option<T>
where
    &'a T: Encode<H, Constraint = T::Constraint> + Nullable,
{
    #[inline]
    fn encode(
        self,
        enc: &mut Encoder<'_, H>,
        at: usize,
        c: Self::Constraint,
        depth: u32,
    ) -> Result<(), Error> {
        match self {
            None => Ok(()),
            Some(v) => encode_some(v, enc, at, c, depth),
        }
    }
}

impl<H: Handle, T: DecodeNullable<H>> Decode<H> for Option<T> {
    #[inline]
    fn decode(
        dec: &mut Decoder<'_, H>,
        at: usize,
        c: Self::Constraint,
        depth: u32,
    ) -> Result<(), Error> {
        T::decode_nullable(dec, at, c, depth)
    }

    #[inline]
    fn from_view(view: Option<T::View<'_>>, handles: &mut HandleTable<H>) -> Self {
        view.map(|v| T::from_view(v, handles))
    }
}

impl<T: Layout + ?Sized> Layout for Box<T> {
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
    unsafe fn view(msg: &[u8], at: usize) -> T::View<'_> {
        // SAFETY: a `Box<T>` has the wire form of `T` and was validated as one.
        unsafe { T::view(msg, at) }
    }
}

impl<T: Nullable + ?Sized> Nullable for Box<T> {
    const BOXED: bool = T::BOXED;

    #[inline]
    fn is_absent(msg: &[u8], at: usize) -> bool {
        T::is_absent(msg, at)
    }
}

impl<H: Handle, T: Encode<H>> Encode<H> for Box<T> {
    #[inline]
    fn encode(
        self,
        enc: &mut Encoder<'_, H>,
        at: usize,
        c: Self::Constraint,
        depth: u32,
    ) -> Result<(), Error> {
        (*self).encode(enc, at, c, depth)
    }
}

impl<'a, H: Handle, T: Layout> Encode<H> for &'a Box<T>
where
    &'a T: Encode<H, Constraint = T::Constraint>,
{
    #[inline]
    fn encode(
        self,
        enc: &mut Encoder<'_, H>,
        at: usize,
        c: Self::Constraint,
        depth: u32,
    ) -> Result<(), Error> {
        (**self).encode(enc, at, c, depth)
    }
}

impl<H: Handle, T: Decode<H>> Decode<H> for Box<T> {
    #[inline]
    fn decode(
        dec: &mut Decoder<'_, H>,
        at: usize,
        c: Self::Constraint,
        depth: u32,
    ) -> Result<(), Error> {
        T::decode(dec, at, c, depth)
    }

    #[inline]
    fn from_view(view: T::View<'_>, handles: &mut HandleTable<H>) -> Self {
        Box::new(T::from_view(view, handles))
    }
}

impl<H: Handle, T: DecodeNullable<H>> DecodeNullable<H> for Box<T> {
    #[inline]
    fn decode_nullable(
        dec: &mut Decoder<'_, H>,
        at: usize,
        c: Self::Constraint,
        depth: u32,
    ) -> Result<(), Error> {
        T::decode_nullable(dec, at, c, depth)
    }
}

// ---------------------------------------------------------------------------------------
// Handles

/// Implements the codec for a handle backend's handle type: a 4-byte slot holding the
/// presence marker, the handle itself moving into (or out of) the handle table.
#[macro_export]
macro_rules! impl_handle_codec {
    ($h:ty) => {
        impl $crate::Layout for $h {
            const INLINE_SIZE: usize = 4;
            const ALIGN: usize = 4;
            const MAX_HANDLES: u32 = 1;
            const MAX_OUT_OF_LINE: u32 = 0;
            const IS_RESOURCE: bool = true;
            type Constraint = $crate::handle::HandleConstraint;
            const DEFAULT_CONSTRAINT: Self::Constraint = $crate::handle::HandleConstraint::ANY;
            type View<'de> = $crate::HandleRef;

            #[inline]
            unsafe fn view(msg: &[u8], at: usize) -> $crate::HandleRef {
                $crate::HandleRef::from_patched(msg, at)
            }
        }

        impl $crate::Nullable for $h {
            const BOXED: bool = false;

            #[inline]
            fn is_absent(msg: &[u8], at: usize) -> bool {
                msg[at..at + 4] == [0u8; 4]
            }
        }

        impl $crate::Encode<$h> for $h {
            #[inline]
            fn encode(
                self,
                enc: &mut $crate::Encoder<'_, $h>,
                at: usize,
                c: $crate::handle::HandleConstraint,
                _: u32,
            ) -> ::core::result::Result<(), $crate::Error> {
                enc.write_u32(at, $crate::wire::HANDLE_PRESENT);
                enc.push_handle(
                    self,
                    $crate::handle::HandleDisposition {
                        object_type: c.object_type,
                        rights: c.rights,
                    },
                );
                Ok(())
            }
        }

        impl $crate::Decode<$h> for $h {
            #[inline]
            fn decode(
                dec: &mut $crate::Decoder<'_, $h>,
                at: usize,
                c: $crate::handle::HandleConstraint,
                _: u32,
            ) -> ::core::result::Result<(), $crate::Error> {
                dec.decode_handle(at, c, false)
            }

            #[inline]
            fn from_view(view: $crate::HandleRef, handles: &mut $crate::HandleTable<$h>) -> Self {
                handles.take(view)
            }
        }

        impl $crate::DecodeNullable<$h> for $h {
            #[inline]
            fn decode_nullable(
                dec: &mut $crate::Decoder<'_, $h>,
                at: usize,
                c: $crate::handle::HandleConstraint,
                _: u32,
            ) -> ::core::result::Result<(), $crate::Error> {
                dec.decode_handle(at, c, true)
            }
        }
    };
}

impl_handle_codec!(crate::handle::mem::MemHandle);
#[cfg(unix)]
impl_handle_codec!(std::os::fd::OwnedFd);
