//! Decoding: validation in place in one forward pass, then borrowed views.
//!
//! The decoder walks the message once, in the order the encoder wrote it. It checks
//! every rule of the wire format and rewrites each presence marker in place with the
//! offset of the object it announces (and each handle marker with the handle's index
//! plus one), so that views reach any field in constant time without a second pass.

use handoff_wire::{ALIGNMENT, ALLOC_ABSENT, ALLOC_PRESENT, HANDLE_ABSENT, HANDLE_PRESENT};

use crate::handle::{Handle, HandleConstraint, ObjectType, Rights};
use crate::{DecodeOptions, Error, Layout, UnknownHandles};

/// Validates a value in place and converts its view into the natural type.
pub trait Decode<H: Handle>: Layout + Sized {
    /// Validates the value whose inline part is at `at` (inside an object the decoder
    /// has already bounds-checked), claims its out-of-line objects and handles in
    /// order, and patches its markers. `depth` is the depth of the object holding it.
    fn decode(
        dec: &mut Decoder<'_, H>,
        at: usize,
        c: Self::Constraint,
        depth: u32,
    ) -> Result<(), Error>;

    /// Builds the natural value from a view, taking its handles out of `handles`.
    fn from_view(view: Self::View<'_>, handles: &mut HandleTable<H>) -> Self;
}

/// Decoding of the optional form (`Option<T>`).
pub trait DecodeNullable<H: Handle>: Decode<H> + crate::Nullable {
    /// Validates the optional form at `at`. The provided implementation is the boxed
    /// one (presence marker, value out of line); types whose absent form is inline
    /// override it.
    fn decode_nullable(
        dec: &mut Decoder<'_, H>,
        at: usize,
        c: Self::Constraint,
        depth: u32,
    ) -> Result<(), Error> {
        match dec.read_u64(at) {
            ALLOC_ABSENT => Ok(()),
            ALLOC_PRESENT => {
                let depth = dec.enter(depth, at)?;
                let body = dec.alloc(Self::INLINE_SIZE)?;
                Self::decode(dec, body, c, depth)?;
                dec.patch_u64(at, body as u64);
                Ok(())
            }
            found => Err(Error::InvalidPresenceIndicator { offset: at, found }),
        }
    }
}

/// The handles of a decoded message. Each is taken at most once; whatever is left when
/// the table is dropped is closed.
#[derive(Debug)]
pub struct HandleTable<H> {
    slots: Vec<Option<H>>,
}

impl<H> Default for HandleTable<H> {
    fn default() -> Self {
        Self { slots: Vec::new() }
    }
}

impl<H> From<Vec<H>> for HandleTable<H> {
    fn from(handles: Vec<H>) -> Self {
        // `Option<H>` has the size and alignment of `H` for every handle type with a
        // niche (file descriptors, Windows handles, the in-memory backend), and then this
        // collect reuses the vector's allocation.
        Self {
            slots: handles.into_iter().map(Some).collect(),
        }
    }
}

impl<H> HandleTable<H> {
    /// The number of slots (taken or not).
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether the table has no slots.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The handle a view refers to, if it was not taken.
    pub fn get(&self, r: HandleRef) -> Option<&H> {
        self.slots.get(r.index())?.as_ref()
    }

    /// Takes the handle a view refers to out of the table.
    pub fn try_take(&mut self, r: HandleRef) -> Option<H> {
        self.slots.get_mut(r.index())?.take()
    }

    /// Takes the handle a view refers to out of the table.
    ///
    /// # Panics
    ///
    /// If it was taken already. A validated message refers to each handle exactly once,
    /// so natural conversion (the only caller) never takes one twice.
    pub fn take(&mut self, r: HandleRef) -> H {
        match self.try_take(r) {
            Some(h) => h,
            None => panic!("handle #{} of the message was already taken", r.index()),
        }
    }

    /// The remaining handles in table order, leaving the table empty.
    pub fn drain(&mut self) -> impl Iterator<Item = H> + '_ {
        self.slots.drain(..).flatten()
    }
}

/// A reference to a handle of a decoded message: the view of a handle slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HandleRef(u32);

impl HandleRef {
    /// The handle's index in the message's handle table.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The view of the handle slot at `at`, which a decoder patched.
    #[doc(hidden)]
    pub fn from_patched(msg: &[u8], at: usize) -> Self {
        Self(read_u32(msg, at).wrapping_sub(1))
    }
}

#[inline]
pub(crate) fn read_u32(msg: &[u8], at: usize) -> u32 {
    let mut b = [0u8; 4];
    b.copy_from_slice(&msg[at..at + 4]);
    u32::from_le_bytes(b)
}

#[inline]
pub(crate) fn read_u64(msg: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&msg[at..at + 8]);
    u64::from_le_bytes(b)
}

/// The state of one decode: the message being validated and patched, the next
/// out-of-line offset, the handle table and how much of it was claimed.
///
/// Generated code calls its methods; applications use [`Decoded`](crate::Decoded).
pub struct Decoder<'a, H> {
    buf: &'a mut [u8],
    next: usize,
    handles: &'a mut [Option<H>],
    claimed: usize,
    max_depth: u32,
    unknown_handles: UnknownHandles,
}

impl<H: Handle> Decoder<'_, H> {
    /// Reads `N` bytes at `at` (inside an object already claimed).
    #[inline]
    pub fn read<const N: usize>(&self, at: usize) -> [u8; N] {
        let mut b = [0u8; N];
        b.copy_from_slice(&self.buf[at..at + N]);
        b
    }

    /// Reads a byte.
    #[inline]
    pub fn read_u8(&self, at: usize) -> u8 {
        self.buf[at]
    }

    /// Reads a little-endian `u16`.
    #[inline]
    pub fn read_u16(&self, at: usize) -> u16 {
        u16::from_le_bytes(self.read(at))
    }

    /// Reads a little-endian `u32`.
    #[inline]
    pub fn read_u32(&self, at: usize) -> u32 {
        u32::from_le_bytes(self.read(at))
    }

    /// Reads a little-endian `u64`.
    #[inline]
    pub fn read_u64(&self, at: usize) -> u64 {
        u64::from_le_bytes(self.read(at))
    }

    /// The bytes `at..at + len` (inside an object already claimed).
    #[inline]
    pub fn bytes(&self, at: usize, len: usize) -> &[u8] {
        &self.buf[at..at + len]
    }

    #[inline]
    fn patch_u64(&mut self, at: usize, v: u64) {
        self.buf[at..at + 8].copy_from_slice(&v.to_le_bytes());
    }

    #[inline]
    fn patch_u32(&mut self, at: usize, v: u32) {
        self.buf[at..at + 4].copy_from_slice(&v.to_le_bytes());
    }

    /// Replaces the presence marker of a vector, string or table header at `at` with
    /// the offset of its body.
    #[inline]
    pub fn patch_body_offset(&mut self, at: usize, body: usize) {
        self.patch_u64(at + 8, body as u64);
    }

    /// Whether the `len` bytes at `at`, an object claimed with [`Decoder::alloc`] (so
    /// zero-padded to 8), are all ASCII: tests whole words, padding included.
    #[inline(always)]
    pub fn is_ascii_padded(&self, at: usize, len: usize) -> bool {
        let words = len.div_ceil(ALIGNMENT);
        let body = &self.buf[at..at + words * ALIGNMENT];
        let mut acc = 0u64;
        let mut i = 0;
        while i < words {
            let w: [u8; ALIGNMENT] = match body[i * ALIGNMENT..][..ALIGNMENT].try_into() {
                Ok(w) => w,
                Err(_) => return false,
            };
            acc |= u64::from_le_bytes(w);
            i += 1;
        }
        acc & 0x8080_8080_8080_8080 == 0
    }

    /// Checks that the `len` bytes at `at` are zero padding.
    #[inline]
    pub fn check_padding(&self, at: usize, len: usize) -> Result<(), Error> {
        match self.buf[at..at + len].iter().position(|&b| b != 0) {
            None => Ok(()),
            Some(i) => Err(Error::InvalidPaddingByte { offset: at + i }),
        }
    }

    /// Bytes not yet claimed.
    #[inline]
    pub fn remaining_bytes(&self) -> usize {
        self.buf.len() - self.next
    }

    /// Handles not yet claimed.
    #[inline]
    pub fn remaining_handles(&self) -> usize {
        self.handles.len() - self.claimed
    }

    /// The offset of the next out-of-line object.
    #[inline]
    pub fn next_offset(&self) -> usize {
        self.next
    }

    /// Handles claimed so far.
    #[inline]
    pub fn claimed_handles(&self) -> usize {
        self.claimed
    }

    /// Claims the next out-of-line object of `size` bytes: checks that it and its
    /// padding to 8 fit in what remains and that the padding is zero. Returns its offset.
    #[inline(always)]
    pub fn alloc(&mut self, size: usize) -> Result<usize, Error> {
        let start = self.next;
        let len = self.buf.len();
        let too_few = Error::TooFewBytes {
            offset: start,
            size,
            len,
        };
        let padded = handoff_wire::align8(size).ok_or(too_few.clone())?;
        if padded > len - start {
            return Err(too_few);
        }
        self.next = start + padded;
        if padded != size {
            // At most 7 bytes, inside the last 8-byte word of the object.
            let word = u64::from_le_bytes(self.read(start + padded - ALIGNMENT));
            let pad_bits = ((padded - size) * 8) as u32;
            if word >> (64 - pad_bits) != 0 {
                return self
                    .check_padding(start + size, padded - size)
                    .map(|()| start);
            }
        }
        Ok(start)
    }

    /// Claims `count` elements of `size` bytes each as the next out-of-line object.
    #[inline]
    pub fn alloc_array(&mut self, count: u64, size: usize) -> Result<usize, Error> {
        match usize::try_from(count)
            .ok()
            .and_then(|c| c.checked_mul(size))
        {
            Some(bytes) => self.alloc(bytes),
            None => Err(Error::TooFewBytes {
                offset: self.next,
                size: usize::MAX,
                len: self.buf.len(),
            }),
        }
    }

    /// The depth of an out-of-line object announced at `at` by an object of depth
    /// `depth`, or an error past the limit.
    #[inline]
    pub fn enter(&self, depth: u32, at: usize) -> Result<u32, Error> {
        let depth = depth + 1;
        if depth > self.max_depth {
            return Err(Error::ExceededMaxOutOfLineDepth { offset: at, depth });
        }
        Ok(depth)
    }

    /// Validates the handle slot at `at`: claims the next handle of the table if the
    /// marker says present, checks its object type and rights against `c` and reduces
    /// excess rights. An absent marker is accepted only if `optional`.
    pub fn decode_handle(
        &mut self,
        at: usize,
        c: HandleConstraint,
        optional: bool,
    ) -> Result<(), Error> {
        match self.read_u32(at) {
            HANDLE_PRESENT => {}
            HANDLE_ABSENT if optional => return Ok(()),
            HANDLE_ABSENT => return Err(Error::NonNullableTypeWithNullValue { offset: at }),
            found => return Err(Error::InvalidHandlePresenceIndicator { offset: at, found }),
        }
        let index = self.claimed;
        let Some(slot) = self.handles.get_mut(index) else {
            return Err(Error::TooFewHandles {
                offset: at,
                index,
                available: self.handles.len(),
            });
        };
        self.claimed += 1;
        let Some(handle) = slot.take() else {
            // Unreachable: each index is claimed once, in order.
            return Err(Error::TooFewHandles {
                offset: at,
                index,
                available: index,
            });
        };
        let found = handle.object_type();
        if c.object_type != ObjectType::NONE && found != ObjectType::NONE && found != c.object_type
        {
            *slot = Some(handle);
            return Err(Error::IncorrectHandleType {
                offset: at,
                expected: c.object_type,
                found,
            });
        }
        let rights = handle.rights();
        let handle = if c.rights == Rights::SAME_RIGHTS || rights == c.rights {
            handle
        } else if !rights.contains(c.rights) {
            *slot = Some(handle);
            return Err(Error::MissingRequiredHandleRights {
                offset: at,
                required: c.rights,
                found: rights,
            });
        } else {
            handle
                .reduce_rights(c.rights)
                .map_err(|source| Error::RightsReductionFailed { offset: at, source })?
        };
        *slot = Some(handle);
        self.patch_u32(at, index as u32 + 1);
        Ok(())
    }

    /// The unknown-handles policy of this decode.
    #[inline]
    pub fn unknown_handles_policy(&self) -> UnknownHandles {
        self.unknown_handles
    }

    /// Closes the next `count` handles (those of an unknown envelope), or rejects them
    /// when they are in a value type and the policy is to reject.
    pub(crate) fn unknown_handles(
        &mut self,
        at: usize,
        ordinal: u64,
        count: u16,
        is_resource: bool,
    ) -> Result<(), Error> {
        if count == 0 {
            return Ok(());
        }
        if !is_resource && self.unknown_handles == UnknownHandles::Reject {
            return Err(Error::NonResourceUnknownHandles {
                offset: at,
                ordinal,
                count,
            });
        }
        let end = self.claimed + usize::from(count);
        for slot in &mut self.handles[self.claimed..end] {
            drop(slot.take());
        }
        self.claimed = end;
        Ok(())
    }
}

/// Validates `buf` as a message whose primary object is a `T`, patching it in place,
/// and returns the handle table. On error every handle is closed exactly once.
pub(crate) fn decode_message<T: Decode<H>, H: Handle>(
    buf: &mut [u8],
    handles: HandleTable<H>,
    c: T::Constraint,
    opts: &DecodeOptions,
) -> Result<HandleTable<H>, Error> {
    let mut handles = handles;
    let count = handles.len();
    let limits = &opts.limits;
    // The checks that need no byte of the message, in the spec's order (section 19).
    // Offsets are patched into 32-bit envelope fields, so no message exceeds 4 GiB.
    let max_bytes = limits.max_bytes.min(u32::MAX as usize);
    if buf.len() > max_bytes {
        return Err(Error::MessageTooLarge {
            len: buf.len(),
            limit: max_bytes,
        });
    }
    if count > limits.max_handles {
        return Err(Error::HandleLimitExceeded {
            count,
            limit: limits.max_handles,
        });
    }
    let primary = handoff_wire::align8(T::INLINE_SIZE).unwrap_or(usize::MAX);
    if buf.len() < primary {
        return Err(Error::TooFewBytesInPrimaryObject {
            size: primary,
            len: buf.len(),
        });
    }
    if T::MAX_OUT_OF_LINE != crate::UNBOUNDED {
        // The type bounds its size: anything beyond is trailing bytes, whatever they hold.
        let max_size = primary.saturating_add(T::MAX_OUT_OF_LINE as usize);
        if buf.len() > max_size {
            return Err(Error::TooManyBytesInMessage {
                offset: max_size,
                extra: buf.len() - max_size,
            });
        }
    }
    // Under the RFC-0137 policy, unknown members of value tables and flexible unions may
    // bring any number of handles (to be closed), so such a type has no static bound.
    let unbounded = T::HAS_FLEXIBLE_ENVELOPE && opts.unknown_handles == UnknownHandles::Drop;
    let max = T::MAX_HANDLES;
    if count > max as usize && !unbounded {
        return Err(if !T::IS_RESOURCE && T::HAS_FLEXIBLE_ENVELOPE {
            // A value type: its handles can only be in unknown members.
            Error::NonResourceUnknownHandles {
                offset: 0,
                ordinal: 0,
                count: count.min(u16::MAX as usize) as u16,
            }
        } else {
            Error::MaxHandlesExceeded { count, max }
        });
    }
    let mut dec = Decoder {
        buf,
        next: primary,
        handles: &mut handles.slots,
        claimed: 0,
        max_depth: limits.max_depth.min(handoff_wire::MAX_DEPTH),
        unknown_handles: opts.unknown_handles,
    };
    dec.check_padding(T::INLINE_SIZE, primary - T::INLINE_SIZE)?;
    T::decode(&mut dec, 0, c, 0)?;
    if dec.next != dec.buf.len() {
        return Err(Error::TooManyBytesInMessage {
            offset: dec.next,
            extra: dec.buf.len() - dec.next,
        });
    }
    if dec.claimed != count {
        return Err(Error::TooManyHandlesInMessage {
            count,
            unclaimed: count - dec.claimed,
        });
    }
    Ok(handles)
}

impl<H: Handle> Decoder<'_, H> {
    /// Replaces the byte count of the out-of-line envelope at `env_at` with the offset
    /// of its content.
    #[inline]
    pub(crate) fn patch_envelope_offset(&mut self, env_at: usize, content: usize) {
        self.patch_u32(env_at, content as u32);
    }
}
