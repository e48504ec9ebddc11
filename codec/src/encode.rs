//! Encoding natural values into a reusable message buffer.

use bytes::BytesMut;
use handoff_wire::{ALIGNMENT, TransactionHeader};

use crate::handle::{Handle, HandleDisposition, NoHandle};
use crate::{Error, Layout, Limits};

/// Encodes a value at a place in the message.
///
/// Implemented by value for every type (handles move into the message), and by reference
/// for value types (which carry no handle, so nothing is copied that must not be).
pub trait Encode<H: Handle>: Layout + Sized {
    /// Writes `self` into the inline slot at `at` (already reserved and zeroed), and its
    /// out-of-line objects at the end of the buffer, depth first. `depth` is the
    /// out-of-line depth of the object that holds the slot.
    fn encode(
        self,
        enc: &mut Encoder<'_, H>,
        at: usize,
        c: Self::Constraint,
        depth: u32,
    ) -> Result<(), Error>;
}

/// The state of one encode: the buffer, the handle table and the depth limit.
///
/// Generated code calls its methods; applications use [`MessageBuf`].
pub struct Encoder<'a, H> {
    buf: &'a mut BytesMut,
    handles: &'a mut Vec<H>,
    dispositions: &'a mut Vec<HandleDisposition>,
    max_depth: u32,
}

impl<H: Handle> Encoder<'_, H> {
    /// The bytes written so far (the start of the next out-of-line object).
    #[inline]
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Whether nothing was written yet.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The number of handles moved into the message so far.
    #[inline]
    pub fn handle_count(&self) -> usize {
        self.handles.len()
    }

    /// Reserves the next out-of-line object of `size` bytes, zeroed and padded to 8, and
    /// returns its offset.
    #[inline]
    pub fn alloc(&mut self, size: usize) -> usize {
        let start = self.buf.len();
        let padded = (size + (ALIGNMENT - 1)) & !(ALIGNMENT - 1);
        self.buf.resize(start + padded, 0);
        start
    }

    /// Appends `data` as the next out-of-line object, zero-padded to 8, and returns its
    /// offset.
    #[inline]
    pub fn append(&mut self, data: &[u8]) -> usize {
        let start = self.buf.len();
        let len = data.len();
        let padded = (len + (ALIGNMENT - 1)) & !(ALIGNMENT - 1);
        self.buf.reserve(padded);
        let spare = &mut self.buf.spare_capacity_mut()[..padded];
        if padded != len {
            // The last word holds the padding: zero it whole, the data overwrites the rest.
            spare[padded - ALIGNMENT..].fill(core::mem::MaybeUninit::new(0));
        }
        // SAFETY: `spare` has `padded >= len` bytes of this buffer's spare capacity, which
        // cannot overlap `data` (a shared borrow while the buffer is borrowed mutably).
        unsafe {
            core::ptr::copy_nonoverlapping(data.as_ptr(), spare.as_mut_ptr().cast::<u8>(), len)
        };
        // SAFETY: the `padded` bytes after `start` are initialized: `len` copied from
        // `data`, the rest zeroed above, and they are within the capacity reserved above.
        unsafe { self.buf.set_len(start + padded) };
        start
    }

    /// Writes `bytes` at `at`, inside an object reserved earlier.
    #[inline]
    pub fn write<const N: usize>(&mut self, at: usize, bytes: [u8; N]) {
        self.buf[at..at + N].copy_from_slice(&bytes);
    }

    /// Writes `bytes` at `at`, inside an object reserved earlier.
    #[inline]
    pub fn write_slice(&mut self, at: usize, bytes: &[u8]) {
        self.buf[at..at + bytes.len()].copy_from_slice(bytes);
    }

    /// Writes a little-endian `u16` at `at`.
    #[inline]
    pub fn write_u16(&mut self, at: usize, v: u16) {
        self.write(at, v.to_le_bytes());
    }

    /// Writes a little-endian `u32` at `at`.
    #[inline]
    pub fn write_u32(&mut self, at: usize, v: u32) {
        self.write(at, v.to_le_bytes());
    }

    /// Writes a little-endian `u64` at `at`.
    #[inline]
    pub fn write_u64(&mut self, at: usize, v: u64) {
        self.write(at, v.to_le_bytes());
    }

    /// Moves `handle` into the message's handle table, with the type and rights its slot
    /// declares.
    #[inline]
    pub fn push_handle(&mut self, handle: H, disposition: HandleDisposition) {
        self.handles.push(handle);
        self.dispositions.push(disposition);
    }

    /// The depth of an out-of-line object pointed at from the slot at `at` in an object of
    /// depth `depth`, or an error past the limit.
    #[inline]
    pub fn enter(&self, depth: u32, at: usize) -> Result<u32, Error> {
        let depth = depth + 1;
        if depth > self.max_depth {
            return Err(Error::ExceededMaxOutOfLineDepth { offset: at, depth });
        }
        Ok(depth)
    }
}

/// A reusable message buffer: the bytes and the handle table of one encoded message.
///
/// Encoding clears it first and reuses its allocations, so a buffer kept across messages
/// allocates nothing in steady state.
///
/// ```
/// use handoff_codec::MessageBuf;
///
/// let mut buf: MessageBuf = MessageBuf::new(); // no handles
/// buf.encode("hi").unwrap();
/// assert_eq!(
///     buf.bytes(),
///     &[
///         2, 0, 0, 0, 0, 0, 0, 0, // length
///         0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // present
///         b'h', b'i', 0, 0, 0, 0, 0, 0, // body, zero-padded to 8
///     ]
/// );
/// assert!(buf.handles().is_empty());
/// ```
pub struct MessageBuf<H = NoHandle> {
    bytes: BytesMut,
    handles: Vec<H>,
    dispositions: Vec<HandleDisposition>,
    limits: Limits,
}

impl<H> Default for MessageBuf<H> {
    fn default() -> Self {
        Self {
            bytes: BytesMut::new(),
            handles: Vec::new(),
            dispositions: Vec::new(),
            limits: Limits::DEFAULT,
        }
    }
}

impl<H: Handle> MessageBuf<H> {
    /// An empty buffer with the default [`Limits`].
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty buffer with the given limits (depth, message size, handle count).
    pub fn with_limits(limits: Limits) -> Self {
        Self {
            limits,
            ..Self::default()
        }
    }

    /// Encodes `value` as a whole message (no header), replacing the previous content.
    ///
    /// On error the buffer is left empty, and every handle of `value` is closed: those
    /// already moved into the table and those not reached yet.
    pub fn encode<T: Encode<H>>(&mut self, value: T) -> Result<(), Error> {
        self.encode_at(0, value, T::DEFAULT_CONSTRAINT)
    }

    /// Encodes `value` with the constraint its use site declares (for a top-level string
    /// or vector with a bound, say).
    pub fn encode_constrained<T: Encode<H>>(
        &mut self,
        value: T,
        c: T::Constraint,
    ) -> Result<(), Error> {
        self.encode_at(0, value, c)
    }

    /// Encodes a transactional message: the 16-byte header, then `body`.
    pub fn encode_transactional<T: Encode<H>>(
        &mut self,
        header: TransactionHeader,
        body: T,
    ) -> Result<(), Error> {
        self.clear();
        self.bytes
            .extend_from_slice(zerocopy::IntoBytes::as_bytes(&header));
        self.encode_at(TransactionHeader::SIZE, body, T::DEFAULT_CONSTRAINT)
    }

    fn encode_at<T: Encode<H>>(
        &mut self,
        base: usize,
        value: T,
        c: T::Constraint,
    ) -> Result<(), Error> {
        self.bytes.truncate(base);
        self.handles.clear();
        self.dispositions.clear();
        let result = self.encode_body(value, c);
        if result.is_err() {
            self.clear();
        }
        result
    }

    fn encode_body<T: Encode<H>>(&mut self, value: T, c: T::Constraint) -> Result<(), Error> {
        let mut enc = Encoder {
            buf: &mut self.bytes,
            handles: &mut self.handles,
            dispositions: &mut self.dispositions,
            max_depth: self.limits.max_depth.min(handoff_wire::MAX_DEPTH),
        };
        let at = enc.alloc(T::INLINE_SIZE);
        value.encode(&mut enc, at, c, 0)?;
        if self.bytes.len() > self.limits.max_bytes {
            return Err(Error::MessageTooLarge {
                len: self.bytes.len(),
                limit: self.limits.max_bytes,
            });
        }
        if self.handles.len() > self.limits.max_handles {
            return Err(Error::HandleLimitExceeded {
                count: self.handles.len(),
                limit: self.limits.max_handles,
            });
        }
        Ok(())
    }

    /// Empties the buffer, closing any handles it holds.
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.handles.clear();
        self.dispositions.clear();
    }

    /// The encoded bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The handle table, in traversal order.
    pub fn handles(&self) -> &[H] {
        &self.handles
    }

    /// The type and rights the schema declares for each handle, in table order.
    pub fn dispositions(&self) -> &[HandleDisposition] {
        &self.dispositions
    }

    /// Takes the bytes and handles out, leaving the buffer empty (its byte capacity stays
    /// with the returned `BytesMut` unless it is split off; see [`MessageBuf::split`]).
    pub fn take(&mut self) -> (BytesMut, Vec<H>) {
        self.dispositions.clear();
        (
            core::mem::take(&mut self.bytes),
            core::mem::take(&mut self.handles),
        )
    }

    /// Splits the encoded bytes off (sharing the allocation, as `BytesMut::split` does)
    /// and drains the handles into `handles`, keeping this buffer's capacity for reuse.
    pub fn split(&mut self, handles: &mut Vec<H>) -> BytesMut {
        handles.append(&mut self.handles);
        self.dispositions.clear();
        self.bytes.split()
    }

    /// The bytes and the handles with their dispositions, for a transport that sends them
    /// without consuming the buffer; it clears the buffer when sent.
    pub fn parts_mut(&mut self) -> (&[u8], &mut Vec<H>, &[HandleDisposition]) {
        (&self.bytes, &mut self.handles, &self.dispositions)
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }
}

impl<H: Handle> core::fmt::Debug for MessageBuf<H> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MessageBuf")
            .field("bytes", &self.bytes.len())
            .field("handles", &self.handles.len())
            .finish()
    }
}
