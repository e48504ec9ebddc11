//! `handoff-idl`: a FIDL front end written in Rust, with no external compiler.
//!
//! It parses current FIDL syntax, resolves names across files and libraries, evaluates
//! constants, expands aliases, checks the rules a FIDL author expects to be checked (duplicate
//! names and ordinals, constraints, RFC-0057 resourceness, by-value cycles, ...), computes
//! wire format v2 shapes, and emits a JSON IR and Rust code for the `handoff::Fidl` derive.
//!
//! ```
//! use handoff_idl::{Config, DeclKind, Loader};
//!
//! let root = Loader::new()
//!     .add_source(
//!         "demo.fidl",
//!         r#"
//! library demo;
//! type Point = struct { x int32; y int32; };
//! type Shape = flexible union { 1: point Point; 2: name string:16; };
//! "#,
//!     )
//!     .load()?;
//! let point = root.lookup("Point").unwrap();
//! assert_eq!(point.shape().unwrap().inline_size, 8);
//! let DeclKind::Union(shape) = &root.lookup("Shape").unwrap().kind else { unreachable!() };
//! assert!(!shape.strict);
//! assert_eq!(shape.shape.max_out_of_line, 32); // the string header plus 16 bytes of text
//!
//! let rust = Config::new().generate(&root)?;
//! assert!(rust.contains("pub struct Point {"));
//! assert!(rust.contains("#[fidl(union, flexible)]"));
//!
//! // Errors point at the file, line and column.
//! let err = Loader::new().add_source("bad.fidl", "library bad;\ntype S = struct { a Nope; };").load().unwrap_err();
//! assert_eq!(err.to_string(), "bad.fidl:2:21: error: unknown type `Nope`");
//! # Ok::<(), handoff_idl::Error>(())
//! ```
//!
//! Entry points: [`Loader`] / [`load_files`] produce a [`Root`] (the target library and the
//! dependencies it uses, as [`Library`]s of [`Decl`]s with resolved [`Type`]s and
//! [`TypeShape`]s); [`Config`] generates Rust (also from `build.rs`); [`ir`] gives the JSON
//! IR; [`naming`] maps FIDL names to the generated Rust names. The `handoff-fidl` binary
//! wraps these (`check`, `ir`, `rust`).

mod ast;
mod codegen;
mod config;
mod error;
pub mod ir;
mod lexer;
mod model;
pub mod naming;
mod parser;
mod resolve;
mod resourceness;
mod root;
mod shape;
mod source;

pub use config::{Config, DEFAULT_HANDLE_TYPE};
pub use error::{Diagnostic, Error, ErrorKind};
pub use model::{
    Alias, Attribute, AttributeArg, Bits, Const, ConstValue, Decl, DeclKind, EndpointRole, Enum,
    Field, HandleType, IdentifierKind, Library, Method, Name, Openness, OrdinalMember,
    PrimitiveSubtype, Protocol, ResourceDefinition, SAME_RIGHTS, Struct, StructMember, Table, Type,
    Union, ValueMember,
};
pub use root::{Loader, Root, load_files};
pub use shape::TypeShape;
pub use source::{Location, MAX_FILE_LEN};
