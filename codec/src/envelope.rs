//! Envelopes, tables and unions: the helpers that derived code calls.
//!
//! An envelope holds one table member or union variant: inline when its type is at most
//! 4 bytes, otherwise as the next out-of-line object, with the byte and handle counts
//! that let a reader skip a member it does not know.

use handoff_wire::{ALLOC_ABSENT, ALLOC_PRESENT};

use crate::decode::{Decode, Decoder, read_u32, read_u64};
use crate::encode::{Encode, Encoder};
use crate::handle::Handle;
use crate::{Error, Layout};

const INLINE_FLAG: u16 = 1;

#[inline]
fn inline<T: Layout>() -> bool {
    T::INLINE_SIZE <= 4
}

/// Encodes `value` into the envelope at `env_at`. `depth` is the depth of the object
/// holding the envelope.
#[inline]
pub fn encode_envelope<H: Handle, T: Encode<H>>(
    enc: &mut Encoder<'_, H>,
    env_at: usize,
    value: T,
    c: T::Constraint,
    depth: u32,
) -> Result<(), Error> {
    let handles_before = enc.handle_count();
    let (num_bytes, flags) = if inline::<T>() {
        value.encode(enc, env_at, c, depth)?;
        (None, INLINE_FLAG)
    } else {
        let depth = enc.enter(depth, env_at)?;
        let start = enc.alloc(T::INLINE_SIZE);
        value.encode(enc, start, c, depth)?;
        (Some(enc.len() - start), 0)
    };
    let handles = enc.handle_count() - handles_before;
    let Ok(num_handles) = u16::try_from(handles) else {
        return Err(Error::HandleLimitExceeded {
            count: handles,
            limit: u16::MAX as usize,
        });
    };
    if let Some(num_bytes) = num_bytes {
        let Ok(num_bytes) = u32::try_from(num_bytes) else {
            return Err(Error::MessageTooLarge {
                len: num_bytes,
                limit: u32::MAX as usize,
            });
        };
        enc.write_u32(env_at, num_bytes);
    }
    enc.write_u16(env_at + 4, num_handles);
    enc.write_u16(env_at + 6, flags);
    Ok(())
}

/// The header of a present envelope, after the checks every envelope gets.
struct EnvelopeHeader {
    num_handles: u16,
    /// `None` when inline.
    num_bytes: Option<u32>,
}

/// Reads the envelope at `env_at`: `None` if absent; checks the flags and that an
/// out-of-line byte count is a multiple of 8.
#[inline]
fn read_envelope<H: Handle>(
    dec: &Decoder<'_, H>,
    env_at: usize,
) -> Result<Option<EnvelopeHeader>, Error> {
    let num_handles = dec.read_u16(env_at + 4);
    let flags = dec.read_u16(env_at + 6);
    if flags & !INLINE_FLAG != 0 {
        return Err(Error::InvalidInlineMarkerInEnvelope {
            offset: env_at,
            flags,
        });
    }
    let raw = dec.read_u32(env_at);
    if flags == 0 && raw == 0 && num_handles == 0 {
        return Ok(None);
    }
    let num_bytes = if flags & INLINE_FLAG != 0 {
        None
    } else {
        if raw % 8 != 0 {
            return Err(Error::InvalidNumBytesInEnvelope {
                offset: env_at,
                declared: raw,
                actual: raw as usize,
            });
        }
        Some(raw)
    };
    Ok(Some(EnvelopeHeader {
        num_handles,
        num_bytes,
    }))
}

/// Checks the declared counts against what the message has left.
#[inline]
fn check_remaining<H: Handle>(
    dec: &Decoder<'_, H>,
    env_at: usize,
    h: &EnvelopeHeader,
) -> Result<(), Error> {
    if usize::from(h.num_handles) > dec.remaining_handles() {
        return Err(Error::EnvelopeHandlesExceedMessageLength {
            offset: env_at,
            declared: h.num_handles,
            remaining: dec.remaining_handles(),
        });
    }
    if let Some(declared) = h.num_bytes {
        if declared as usize > dec.remaining_bytes() {
            return Err(Error::EnvelopeBytesExceedMessageLength {
                offset: env_at,
                declared,
                remaining: dec.remaining_bytes(),
            });
        }
    }
    Ok(())
}

/// Validates the envelope of a known member of type `T` at `env_at`, in a table or union
/// that is a resource type if `is_resource`. Returns whether it is present. `depth` is
/// the depth of the object holding the envelope.
pub fn decode_envelope<H: Handle, T: Decode<H>>(
    dec: &mut Decoder<'_, H>,
    env_at: usize,
    c: T::Constraint,
    depth: u32,
    is_resource: bool,
) -> Result<bool, Error> {
    let Some(h) = read_envelope(dec, env_at)? else {
        return Ok(false);
    };
    // A value type's members carry no handles (unknown members of nested flexible types
    // aside, when the policy lets those through).
    let may_carry_unknown =
        T::HAS_FLEXIBLE_ENVELOPE && dec.unknown_handles_policy() == crate::UnknownHandles::Drop;
    if !is_resource && h.num_handles != 0 && !may_carry_unknown {
        return Err(Error::InvalidNumHandlesInEnvelope {
            offset: env_at,
            declared: h.num_handles,
            actual: 0,
        });
    }
    check_remaining(dec, env_at, &h)?;
    if h.num_bytes.is_some() == inline::<T>() {
        return Err(Error::InvalidInlineBitInEnvelope { offset: env_at });
    }
    let handles_before = dec.claimed_handles();
    match h.num_bytes {
        None => {
            dec.check_padding(env_at + T::INLINE_SIZE, 4 - T::INLINE_SIZE)?;
            T::decode(dec, env_at, c, depth)?;
        }
        Some(declared) => {
            let depth = dec.enter(depth, env_at)?;
            let start = dec.alloc(T::INLINE_SIZE)?;
            T::decode(dec, start, c, depth)?;
            let actual = dec.next_offset() - start;
            if actual != declared as usize {
                return Err(Error::InvalidNumBytesInEnvelope {
                    offset: env_at,
                    declared,
                    actual,
                });
            }
            dec.patch_envelope_offset(env_at, start);
        }
    }
    let actual = dec.claimed_handles() - handles_before;
    if actual != usize::from(h.num_handles) {
        return Err(Error::InvalidNumHandlesInEnvelope {
            offset: env_at,
            declared: h.num_handles,
            actual,
        });
    }
    Ok(true)
}

/// Skips the envelope of an unknown member (`ordinal`) at `env_at`: its bytes are
/// claimed unread and its handles closed, or rejected if they are in a value type and
/// the policy says so.
pub fn skip_envelope<H: Handle>(
    dec: &mut Decoder<'_, H>,
    env_at: usize,
    ordinal: u64,
    depth: u32,
    is_resource: bool,
) -> Result<(), Error> {
    let Some(h) = read_envelope(dec, env_at)? else {
        return Ok(());
    };
    if !is_resource
        && h.num_handles != 0
        && dec.unknown_handles_policy() == crate::UnknownHandles::Reject
    {
        return Err(Error::NonResourceUnknownHandles {
            offset: env_at,
            ordinal,
            count: h.num_handles,
        });
    }
    check_remaining(dec, env_at, &h)?;
    if let Some(declared) = h.num_bytes {
        if declared > 0 {
            dec.enter(depth, env_at)?;
            dec.alloc(declared as usize)?;
        }
    }
    dec.unknown_handles(env_at, ordinal, h.num_handles, is_resource)
}

/// The view of a present envelope of a `T` at `env_at`, or `None` if absent.
///
/// # Safety
///
/// `msg` was validated, and the envelope at `env_at` was validated as holding a `T`.
#[inline]
pub unsafe fn envelope_view<T: Layout>(msg: &[u8], env_at: usize) -> Option<T::View<'_>> {
    if read_u64(msg, env_at) == 0 {
        return None;
    }
    let at = if inline::<T>() {
        env_at
    } else {
        read_u32(msg, env_at) as usize
    };
    // SAFETY: the caller guarantees the envelope was validated as holding a `T`; inline,
    // the value is in the envelope; out of line, validation patched its offset in.
    Some(unsafe { T::view(msg, at) })
}

// ---------------------------------------------------------------------------------------
// Tables

/// Writes the header of a table with `count` envelopes (its highest present ordinal) at
/// `at` and reserves the envelopes. Returns the offset of envelope 1 and the depth of
/// the envelope vector.
#[inline]
pub fn encode_table_header<H: Handle>(
    enc: &mut Encoder<'_, H>,
    at: usize,
    count: u64,
    depth: u32,
) -> Result<(usize, u32), Error> {
    let depth = enc.enter(depth, at)?;
    enc.write_u64(at, count);
    enc.write_u64(at + 8, ALLOC_PRESENT);
    Ok((enc.alloc(count as usize * 8), depth))
}

/// Validates the table at `at`. `member(dec, ordinal, env_at, depth)` validates a known
/// member's envelope and returns `Ok(false)` for an unknown ordinal, which is then
/// skipped.
pub fn decode_table<H: Handle>(
    dec: &mut Decoder<'_, H>,
    at: usize,
    depth: u32,
    is_resource: bool,
    mut member: impl FnMut(&mut Decoder<'_, H>, u64, usize, u32) -> Result<bool, Error>,
) -> Result<(), Error> {
    let count = dec.read_u64(at);
    if count > u64::from(u32::MAX) {
        return Err(Error::TableCountExceeds32BitLimit { offset: at, count });
    }
    match dec.read_u64(at + 8) {
        ALLOC_PRESENT => {}
        ALLOC_ABSENT => return Err(Error::NonNullableTypeWithNullValue { offset: at }),
        found => {
            return Err(Error::InvalidPresenceIndicator {
                offset: at + 8,
                found,
            });
        }
    }
    let depth = dec.enter(depth, at)?;
    let body = dec.alloc_array(count, 8)?;
    for i in 0..count as usize {
        let ordinal = i as u64 + 1;
        let env_at = body + 8 * i;
        if !member(dec, ordinal, env_at, depth)? {
            skip_envelope(dec, env_at, ordinal, depth, is_resource)?;
        }
    }
    dec.patch_body_offset(at, body);
    Ok(())
}

/// The view of a validated table: finds members by ordinal.
#[derive(Clone, Copy, Debug)]
pub struct TableView<'de> {
    msg: &'de [u8],
    body: usize,
    count: u64,
}

impl<'de> TableView<'de> {
    /// The view of the table validated at `at`.
    ///
    /// # Safety
    ///
    /// `msg` was validated, and a table was validated at `at`.
    #[inline]
    pub unsafe fn new(msg: &'de [u8], at: usize) -> Self {
        Self {
            msg,
            count: read_u64(msg, at),
            body: read_u64(msg, at + 8) as usize,
        }
    }

    /// The number of envelopes (the highest ordinal the message set).
    pub fn envelope_count(&self) -> u64 {
        self.count
    }

    /// The view of member `ordinal`, if present.
    ///
    /// # Safety
    ///
    /// Member `ordinal` of the table's type has type `T` (so its envelope, when
    /// present, was validated as a `T`).
    #[inline]
    pub unsafe fn member<T: Layout>(&self, ordinal: u64) -> Option<T::View<'de>> {
        if ordinal == 0 || ordinal > self.count {
            return None;
        }
        let env_at = self.body + 8 * (ordinal as usize - 1);
        // SAFETY: the envelope is inside the validated table body, and the caller
        // guarantees member `ordinal` was validated as a `T`.
        unsafe { envelope_view::<T>(self.msg, env_at) }
    }
}

// ---------------------------------------------------------------------------------------
// Unions

/// Writes the ordinal of the variant and encodes its value into the union at `at`.
#[inline]
pub fn encode_union_variant<H: Handle, T: Encode<H>>(
    enc: &mut Encoder<'_, H>,
    at: usize,
    ordinal: u64,
    value: T,
    c: T::Constraint,
    depth: u32,
) -> Result<(), Error> {
    enc.write_u64(at, ordinal);
    encode_envelope(enc, at + 8, value, c, depth)
}

/// Validates the union at `at`. `variant(dec, ordinal, env_at, depth)` validates a
/// known variant's envelope (returning whether it was present) or returns `Ok(None)`
/// for an unknown ordinal, which a flexible union skips and a strict one rejects.
pub fn decode_union<H: Handle>(
    dec: &mut Decoder<'_, H>,
    at: usize,
    depth: u32,
    optional: bool,
    flexible: bool,
    is_resource: bool,
    variant: impl FnOnce(&mut Decoder<'_, H>, u64, usize, u32) -> Result<Option<bool>, Error>,
) -> Result<(), Error> {
    let ordinal = dec.read_u64(at);
    let env_at = at + 8;
    if optional && ordinal == 0 && dec.read_u64(env_at) == 0 {
        return Ok(());
    }
    if read_envelope(dec, env_at)?.is_none() {
        // No content, whatever the ordinal says.
        return Err(Error::NonNullableTypeWithNullValue { offset: at });
    }
    if ordinal == 0 {
        return Err(Error::UnionFieldNotSet { offset: at });
    }
    match variant(dec, ordinal, env_at, depth)? {
        Some(true) => Ok(()),
        Some(false) => Err(Error::NonNullableTypeWithNullValue { offset: at }),
        None if flexible => skip_envelope(dec, env_at, ordinal, depth, is_resource),
        None => Err(Error::StrictUnionUnknownField {
            offset: at,
            ordinal,
        }),
    }
}

/// The ordinal of the validated union at `at` (0: absent).
#[inline]
pub fn union_ordinal(msg: &[u8], at: usize) -> u64 {
    read_u64(msg, at)
}
