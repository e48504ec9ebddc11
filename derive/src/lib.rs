//! `#[derive(Fidl)]`: FIDL structs, tables, unions, enums and bits as plain Rust types.
//!
//! Use it through the `handoff` crate, which re-exports it as `handoff::Fidl`:
//!
//! ```
//! use handoff::{Decoded, Fidl, MessageBuf};
//!
//! #[derive(Debug, Clone, PartialEq, Fidl)]
//! pub struct Point {
//!     pub x: i32,
//!     pub y: i32,
//! }
//!
//! let mut buf: MessageBuf = MessageBuf::new();
//! buf.encode(&Point { x: 1, y: -1 })?;
//! assert_eq!(buf.bytes(), [1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
//! let (bytes, handles) = buf.take();
//! let point = Decoded::<Point>::decode(bytes, handles)?;
//! assert_eq!(point.view().y(), -1);
//! # Ok::<(), handoff::Error>(())
//! ```
//!
//! The derive writes the [`Layout`], `Encode`, `Decode` (and, where FIDL allows an
//! optional form, `Nullable`) impls of `handoff-codec`, and a borrowed view type
//! `<Name>View<'de>` with one accessor per member. It enforces FIDL's value/resource rule
//! (RFC-0057) at compile time: a type not marked `#[fidl(resource)]` that contains a
//! handle, directly or through any container, does not compile, and the error names the
//! member. The attribute syntax is documented on the `handoff` crate.
//!
//! [`Layout`]: https://docs.rs/handoff-codec

mod attrs;
mod expand;

use proc_macro::TokenStream;

/// Derives the FIDL codec of a struct, table, union, enum or bits type.
///
/// See the `handoff` crate for the attribute syntax.
#[proc_macro_derive(Fidl, attributes(fidl))]
pub fn derive_fidl(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    match expand::expand(&input) {
        Ok(ts) => ts.into(),
        Err(e) => e.to_compile_error().into(),
    }
}
