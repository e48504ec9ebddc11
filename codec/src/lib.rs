//! The encode/decode engine of handoff: FIDL wire format v2 with zero-copy decoding and
//! an out-of-band handle table.
//!
//! * **Encode** a natural Rust value into a reusable [`MessageBuf`]: the bytes, and the
//!   handles moved into the handle table in traversal order (each slot keeps only a
//!   presence marker). Encoding is canonical.
//! * **Decode** validates a message in one forward pass ([`Decoded::decode`]) and keeps
//!   it: [`Decoded::view`] reads it in place, [`Decoded::into_natural`] converts it.
//!   Every malformed message gets a typed [`Error`], and every handle of a message that
//!   fails is closed exactly once.
//!
//! ```
//! use handoff_codec::handle::mem::{MemHandle, MemSpace};
//! use handoff_codec::{Decoded, MessageBuf};
//!
//! let space = MemSpace::new();
//! let mut buf = MessageBuf::<MemHandle>::new();
//! // A vector of two handles: 16 bytes of header, 8 bytes of markers, two handles.
//! buf.encode(vec![space.event(), space.channel()]).unwrap();
//! assert_eq!(buf.bytes()[16..24], [0xff; 8]);
//! let (bytes, handles) = buf.take();
//! assert_eq!(handles.len(), 2);
//!
//! let msg = Decoded::<Vec<MemHandle>, MemHandle>::decode(bytes, handles).unwrap();
//! assert_eq!(msg.view().len(), 2);
//! let handles = msg.into_natural();
//! assert_eq!(handles.len(), 2);
//! drop(handles);
//! assert_eq!(space.open_count(), 0);
//! ```
//!
//! Types describe themselves with [`Layout`], [`Encode`] and [`Decode`]; the derive
//! macro of the `handoff` crate writes these for structs, tables, unions, enums and bits.

pub mod decode;
pub mod encode;
pub mod envelope;
mod error;
pub mod handle;
pub mod layout;
mod limits;
mod message;
mod types;
pub mod view;

pub use decode::{Decode, DecodeNullable, Decoder, HandleRef, HandleTable};
pub use encode::{Encode, Encoder, MessageBuf};
pub use error::{Error, ErrorCode};
pub use layout::{Layout, Nullable, UNBOUNDED};
pub use limits::{DecodeOptions, Limits, UnknownHandles};
pub use message::Decoded;
pub use view::{ArrayView, VecView};

/// The wire types (re-exported from `handoff-wire`).
pub use handoff_wire as wire;
