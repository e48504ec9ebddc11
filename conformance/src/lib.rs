//! Reader for Fuchsia's GIDL conformance suite: `.gidl` files to typed cases.
//!
//! GIDL ("GIDL IDL Data Language") describes wire-format test cases: a FIDL value, the
//! bytes and handles it encodes to, and the error a bad encoding or decoding must give.
//! This crate parses those files into an AST ([`Case`], [`Value`], ...), evaluates
//! their byte lists to `Vec<u8>`, checks the format's rules, and filters cases by
//! binding. Generating and running code from the cases is the runner's job.
//!
//! ```
//! use handoff_conformance::{parse_file, Binding, CaseKind, ValueKind};
//!
//! let cases = parse_file(
//!     "example.gidl",
//!     r#"
//!     success("GoldenIntStruct") {
//!         value = GoldenIntStruct { v: -2 },
//!         bytes = { v2 = [ num(-2):2, padding:6 ] },
//!     }
//!     "#,
//! )?;
//! let case = &cases[0];
//! assert_eq!(case.kind, CaseKind::Success);
//! assert_eq!(case.line(), 2);
//! assert_eq!(case.bytes(), Some(&[0xfe, 0xff, 0, 0, 0, 0, 0, 0][..]));
//! assert_eq!(case.referenced_types(), ["GoldenIntStruct"]);
//! let record = match &case.value.as_ref().unwrap().kind {
//!     ValueKind::Record(r) => r,
//!     _ => unreachable!(),
//! };
//! assert_eq!(record.field("v").unwrap().kind, ValueKind::Int(-2));
//! assert!(case.applies_to(Binding::Rust));
//! assert!(!case.applies_to(Binding::Reference));
//! # Ok::<(), handoff_conformance::Error>(())
//! ```
//!
//! # The format, as this reader accepts it
//!
//! A file is a sequence of cases `KIND("Name") { key = ..., }`; see [`Case`] for the keys
//! each kind takes. Lists and blocks are comma-separated with optional trailing commas;
//! `//` and `/* */` comments go anywhere (`// gidl-format off/on` are just comments).
//!
//! * Values ([`ValueKind`]): integers (`18`, `0xff`, `0b1_0`, `-128`), floats (`1.5`,
//!   `-3.4e+38`), `raw_float(0x7f800000)`, strings with Go escapes (`"!"`,
//!   kept as bytes), `true`/`false`, `null`, lists `[...]` whose items may be
//!   `repeat(value):count`, records `T{field: v, 1234: {bytes = [...], handles = [...]},
//!   5: null}`, handles `#0`, `restrict(#0, type: event, rights: basic)` and
//!   `decode({type = T, bytes = {v2 = [...]}, handles = {v2 = [...]}})`.
//! * Byte lists ([`ByteList`]): `0x12`, `18`, `'a'`, `num(v):n` (1 to 8 bytes,
//!   little-endian, two's complement), `repeat(b):n`, `padding:n`.
//! * Handles ([`HandleDef`], [`HandleDisposition`]): subtypes `event` and `channel`;
//!   rights are names from [`rights::NAMES`] joined by `+` or `|` (union) and `-`
//!   (removal), e.g. `channel_default - signal`.
//!
//! To read the whole suite, use [`load_suite`] (which finds the directory through
//! `$HANDOFF_CONFORMANCE_DIR`, defaulting to `shared/conformance` beside the checkout)
//! or [`load_dir`]. Errors carry `file:line:col`.
//!
//! Hostile input gets an [`Error`], never a panic: byte lists are capped at
//! [`MAX_BYTE_LIST_LEN`], nesting at [`MAX_NESTING`], files at [`MAX_FILE_BYTES`].
#![forbid(unsafe_code)]

mod ast;
mod bytes;
mod error;
mod handles;
mod lexer;
mod loader;
mod names;
mod parser;

pub use ast::{
    Case, DecodeValue, Field, HandleDef, HandleDisposition, HandleRef, Ident, Record, UnknownData,
    Value, ValueKind,
};
pub use bytes::{ByteItem, ByteItemKind, ByteList, MAX_BYTE_LIST_LEN, evaluate};
pub use error::{Error, ErrorKind, Span};
pub use handles::{HandleSubtype, rights};
pub use loader::{
    DEFAULT_SUITE_DIR, MAX_FILE_BYTES, SUITE_DIR_ENV, gidl_files, load_dir, load_file, load_suite,
    suite_dir,
};
pub use names::{Binding, CaseKind, ErrorCode};
pub use parser::{MAX_NESTING, MAX_REPEATED_NODES, parse_file};
