//! handoff: an IPC message codec speaking the FIDL wire format v2, byte for byte.
//!
//! Messages are plain Rust types with `#[derive(Fidl)]`. Encoding writes them into a
//! reusable [`MessageBuf`], moving every handle out of band into the message's handle
//! table; decoding validates a message in place in one pass and hands out borrowed views,
//! with conversion to the owned type a separate step.
//!
//! ```
//! use handoff::handle::mem::{MemHandle, MemSpace};
//! use handoff::{Decoded, Fidl, MessageBuf};
//!
//! /// A value type: no handles, so it may be encoded by reference.
//! #[derive(Debug, Clone, PartialEq, Fidl)]
//! pub struct Greeting {
//!     #[fidl(max_len = 32)]
//!     pub text: String,
//!     pub times: u16,
//! }
//!
//! /// A resource type: it carries a handle, so it must say so.
//! #[derive(Debug, Fidl)]
//! #[fidl(resource)]
//! pub struct Signal {
//!     pub greeting: Greeting,
//!     #[fidl(handle(object_type = 5, rights = 0xC003))] // an event with basic rights
//!     pub event: MemHandle,
//! }
//!
//! let space = MemSpace::new(); // in-memory handles that record their closes
//! let mut buf = MessageBuf::<MemHandle>::new();
//! let greeting = Greeting { text: "hello".into(), times: 3 };
//! buf.encode(Signal { greeting: greeting.clone(), event: space.event() })?;
//! assert_eq!(buf.handles().len(), 1); // the handle moved out of band
//!
//! let (bytes, handles) = buf.take();
//! let msg = Decoded::<Signal, MemHandle>::decode(bytes, handles)?;
//! let view = msg.view(); // zero-copy: `text` borrows the message
//! assert_eq!(view.greeting().text(), "hello");
//! assert_eq!(view.greeting().times(), 3);
//! let signal = msg.into_natural();
//! assert_eq!(signal.greeting, greeting);
//! drop(signal);
//! assert_eq!(space.open_count(), 0); // every handle closed exactly once
//! # Ok::<(), handoff::Error>(())
//! ```
//!
//! # Deriving message types
//!
//! `#[derive(Fidl)]` takes `#[fidl(...)]` attributes:
//!
//! | on | attribute | meaning |
//! |---|---|---|
//! | type | `resource` | the type may carry handles (FIDL `resource`) |
//! | type | `table` / `union` / `enum` / `bits` | the FIDL layout (default: struct for structs; union or enum for Rust enums) |
//! | type | `strict` / `flexible` | for unions, enums and bits |
//! | type | `repr = u32` | an enum's or bits' underlying integer |
//! | type | `mask = 0x7` | bits: the OR of all declared members |
//! | type | `max_handles = N` | override the static handle bound (mutually recursive resource types) |
//! | type | `max_out_of_line = N` | override the static out-of-line byte bound (mutually recursive types) |
//! | type | `has_flexible_envelope = B` | override whether the type can hold unknown members (mutually recursive types) |
//! | type | `crate = "path"` | where `handoff_codec` is (default `::handoff::codec`) |
//! | member | `ordinal = N` | table member or union variant ordinal |
//! | member | `value = N` | enum member value (or a `= N` discriminant) |
//! | member | `unknown` | the variant of a flexible union (`UnknownOrdinal(u64)`) or enum (`UnknownValue(repr)`) that holds what this type does not know |
//! | member | `max_len = N` | bound of a string or vector |
//! | member | `handle(object_type = T, rights = R)` | the object type and rights a handle slot takes |
//! | member | `elem(...)` | the same constraints, for the elements of a vector or array |
//!
//! Natural types are plain Rust: `String`, `Vec<T>`, `[T; N]`, `Option<T>` for optional
//! strings, vectors, handles and unions, `Option<Box<S>>` (or `Option<S>`) for `box<S>`,
//! table members as `Option<T>`. A type that is not `resource` and contains a handle
//! does not compile.
//!
//! A type that contains itself (through a box, a vector or an optional union) needs
//! nothing more. Types that contain each other have static facts the compiler cannot
//! compute without a cycle; a FIDL compiler knows them, and `handoff-idl` writes them as
//! `max_handles`, `max_out_of_line` and `has_flexible_envelope` attributes.

pub use handoff_codec as codec;
pub use handoff_codec::{
    DecodeOptions, Decoded, Error, ErrorCode, HandleRef, Limits, MessageBuf, UnknownHandles, handle,
};
pub use handoff_derive::Fidl;
pub use handoff_wire as wire;
