//! Decoded messages: validated once, viewed in place, converted on demand.

use core::fmt;
use core::marker::PhantomData;

use bytes::{Bytes, BytesMut};
use handoff_wire::{PersistedHeader, TransactionHeader};

use crate::decode::{Decode, HandleTable, decode_message};
use crate::handle::{Handle, NoHandle};
use crate::{DecodeOptions, Error};

/// A validated message whose primary object is a `T`, owning its bytes (`B`) and its
/// handles (`H`).
///
/// Built only by decoding, which validates the whole message in one pass; from then on
/// [`Decoded::view`] reads it in place (strings and vectors are borrowed, not copied),
/// and [`Decoded::into_natural`] converts it into the owned Rust value. With the default
/// buffer type it is `Send + 'static` (when `H` is `Send`), so it can be handed to
/// another thread or task.
///
/// ```
/// use handoff_codec::{Decoded, MessageBuf};
///
/// let mut buf = MessageBuf::new();
/// buf.encode(&vec![String::from("zero"), String::from("copy")]).unwrap();
/// let (bytes, handles) = buf.take();
///
/// let msg = Decoded::<Vec<String>>::decode(bytes, handles).unwrap();
/// let words: Vec<&str> = msg.view().iter().collect(); // borrowed from the message
/// assert_eq!(words, ["zero", "copy"]);
/// assert_eq!(msg.into_natural(), vec!["zero".to_string(), "copy".to_string()]);
/// ```
pub struct Decoded<T, H = NoHandle, B = BytesMut> {
    // INVARIANT: `bytes` was validated (and patched) by `decode_message::<T, H>`, and
    // `handles` is the handle table that validation returned; no handle was taken since.
    bytes: B,
    handles: HandleTable<H>,
    _type: PhantomData<fn() -> T>,
}

impl<T: Decode<H>, H: Handle> Decoded<T, H, BytesMut> {
    /// Validates `bytes` (with `handles`, the message's handle table) as a `T` with
    /// the default options. On error every handle is closed.
    pub fn decode(bytes: BytesMut, handles: Vec<H>) -> Result<Self, Error> {
        Self::decode_with(bytes, handles, &DecodeOptions::default())
    }

    /// Validates `bytes` as a `T` with the given options.
    pub fn decode_with(
        bytes: BytesMut,
        handles: Vec<H>,
        opts: &DecodeOptions,
    ) -> Result<Self, Error> {
        Decoded::decode_in(bytes, handles, opts)
    }

    /// Validates a shared `Bytes` buffer. Validation patches the buffer in place, so if
    /// other `Bytes` share it, the message is copied once first; a uniquely owned
    /// buffer (the usual case for a received message) is used as is.
    pub fn from_bytes(bytes: Bytes, handles: Vec<H>, opts: &DecodeOptions) -> Result<Self, Error> {
        let bytes = bytes
            .try_into_mut()
            .unwrap_or_else(|shared| BytesMut::from(&shared[..]));
        Self::decode_with(bytes, handles, opts)
    }

    /// Validates a transactional message: checks its 16-byte header, then validates the
    /// body after it as a `T`. Returns the header and the decoded body.
    pub fn decode_transactional(
        mut bytes: BytesMut,
        handles: Vec<H>,
        opts: &DecodeOptions,
    ) -> Result<(TransactionHeader, Self), Error> {
        let header = match TransactionHeader::parse(&bytes) {
            Ok((header, _)) => *header,
            Err(e) => {
                drop(handles);
                return Err(e.into());
            }
        };
        let body = bytes.split_off(TransactionHeader::SIZE);
        Ok((header, Self::decode_with(body, handles, opts)?))
    }

    /// Validates a persisted value: its 8-byte header, then the value.
    pub fn decode_persisted(
        mut bytes: BytesMut,
        handles: Vec<H>,
        opts: &DecodeOptions,
    ) -> Result<Self, Error> {
        if let Err(e) = PersistedHeader::parse(&bytes) {
            drop(handles);
            return Err(e.into());
        }
        let body = bytes.split_off(PersistedHeader::SIZE);
        Self::decode_with(body, handles, opts)
    }
}

impl<T: Decode<H>, H: Handle, B: AsRef<[u8]> + AsMut<[u8]>> Decoded<T, H, B> {
    /// Validates any mutable byte buffer (`Vec<u8>`, `&mut [u8]`, ...) as a `T`.
    pub fn decode_in(mut bytes: B, handles: Vec<H>, opts: &DecodeOptions) -> Result<Self, Error> {
        let handles = decode_message::<T, H>(
            bytes.as_mut(),
            HandleTable::from(handles),
            T::DEFAULT_CONSTRAINT,
            opts,
        )?;
        Ok(Self {
            bytes,
            handles,
            _type: PhantomData,
        })
    }

    /// The borrowed view of the message: reads fields in place, in constant time each.
    #[inline]
    pub fn view(&self) -> T::View<'_> {
        // SAFETY: by the invariant on `bytes`, it was validated as a `T` at offset 0.
        unsafe { T::view(self.bytes.as_ref(), 0) }
    }

    /// The handle a view's handle slot refers to.
    pub fn handle(&self, r: crate::HandleRef) -> Option<&H> {
        self.handles.get(r)
    }

    /// The number of handles the message carries.
    pub fn handle_count(&self) -> usize {
        self.handles.len()
    }

    /// Converts the message into its natural Rust value, moving the handles into it.
    pub fn into_natural(self) -> T {
        let mut handles = self.handles;
        // SAFETY: by the invariant on `bytes`, it was validated as a `T` at offset 0.
        let view = unsafe { T::view(self.bytes.as_ref(), 0) };
        T::from_view(view, &mut handles)
    }

    /// The validated (patched) bytes and the handle table. The bytes are no longer the
    /// wire form: presence markers hold offsets.
    pub fn into_parts(self) -> (B, HandleTable<H>) {
        (self.bytes, self.handles)
    }
}

impl<T, H, B: AsRef<[u8]>> fmt::Debug for Decoded<T, H, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoded")
            .field("type", &core::any::type_name::<T>())
            .field("bytes", &self.bytes.as_ref().len())
            .field("handles", &self.handles.len())
            .finish()
    }
}
