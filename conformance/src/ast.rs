//! The syntax tree of a `.gidl` file: cases, values, handles.

use std::collections::HashSet;

use crate::bytes::ByteList;
use crate::error::Span;
use crate::handles::HandleSubtype;
use crate::names::{Binding, CaseKind, ErrorCode};

/// An identifier (a type, field or other name) and where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Its source text.
    pub span: Span,
}

/// A handle reference `#N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HandleRef {
    /// `N`: an index into the case's `handle_defs`.
    pub index: u32,
    /// The source text `#N`.
    pub span: Span,
}

/// One entry of `handle_defs`: `#N = event()` or `#N = channel(rights: channel_default)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HandleDef {
    /// The handle being defined; `handle_defs` lists `#0, #1, ...` in order.
    pub handle: HandleRef,
    /// The kernel object to create.
    pub subtype: HandleSubtype,
    /// The rights as written (`rights: ...`), or `None` for the default.
    pub rights: Option<u32>,
    /// The whole entry.
    pub span: Span,
}

impl HandleDef {
    /// The rights the handle is created with: the written rights, or the subtype's
    /// creation default ([`HandleSubtype::default_rights`]).
    pub fn effective_rights(&self) -> u32 {
        self.rights.unwrap_or_else(|| self.subtype.default_rights())
    }
}

/// One entry of `handle_dispositions`: `{#0, type: event, rights: basic}`, the handle
/// an encoder must emit with the object type and rights the schema asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HandleDisposition {
    /// The handle.
    pub handle: HandleRef,
    /// The expected object type.
    pub subtype: HandleSubtype,
    /// The expected rights.
    pub rights: u32,
    /// The whole entry.
    pub span: Span,
}

/// A value in a case's `value = ...` (or nested inside one).
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    /// What the value is.
    pub kind: ValueKind,
    /// Its source text.
    pub span: Span,
}

/// The forms a GIDL value takes.
#[derive(Clone, Debug, PartialEq)]
pub enum ValueKind {
    /// `null`: an absent optional.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer literal (also enums and bits, which GIDL writes as numbers).
    ///
    /// Always within `-2^63 ..= 2^64 - 1`, the range GIDL accepts.
    Int(i128),
    /// A floating-point literal, read as `f64` (GIDL narrows it to `f32` for
    /// `float32` fields).
    Float(f64),
    /// `raw_float(bits)`: a float given by its IEEE-754 bit pattern (32 or 64 bits,
    /// by the field type).
    RawFloat(u64),
    /// A string literal's bytes after unescaping. May be invalid UTF-8
    /// (`"\xc0\xaf"`, for the STRING_NOT_UTF8 cases).
    String(Vec<u8>),
    /// A handle `#N`.
    Handle(HandleRef),
    /// `restrict(#N, type: event, rights: basic)`: the handle a decoder must produce,
    /// with the object type and (reduced) rights it must have.
    RestrictedHandle {
        /// The handle.
        handle: HandleRef,
        /// The object type it must have.
        subtype: HandleSubtype,
        /// The rights it must have.
        rights: u32,
    },
    /// `[v, ...]`: an array or vector.
    List(Vec<Value>),
    /// `T{field: v, ...}`: a struct, table or union literal.
    Record(Record),
    /// `decode({type = T, bytes = {...}, handles = {...}})`: the value obtained by
    /// decoding the given bytes and handles as `T`.
    Decode(Box<DecodeValue>),
}

/// A record literal `T{field: v, 1234: {...}, ...}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// The struct, table or union type; always written.
    pub type_name: Ident,
    /// The fields in source order. A union literal has exactly one.
    pub fields: Vec<Field>,
}

impl Record {
    /// The value of the named field, if the literal sets it.
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.fields.iter().find_map(|f| match f {
            Field::Named { name: n, value } if n.name == name => Some(value),
            _ => None,
        })
    }
}

/// One field of a record literal.
#[derive(Clone, Debug, PartialEq)]
pub enum Field {
    /// `name: value`.
    Named {
        /// The member name.
        name: Ident,
        /// Its value.
        value: Value,
    },
    /// `1234: {bytes = [...], handles = [...]}` or `1234: null`: a table or union
    /// member unknown to the schema, given by ordinal.
    Unknown {
        /// The ordinal.
        ordinal: u64,
        /// The source text of the ordinal.
        span: Span,
        /// Its raw envelope content; `None` for `null` (data the binding drops).
        data: Option<UnknownData>,
    },
}

/// The raw content of an unknown member: `{bytes = [...], handles = [...]}`.
#[derive(Clone, Debug, PartialEq)]
pub struct UnknownData {
    /// The envelope's bytes.
    pub bytes: ByteList,
    /// The envelope's handles (empty when not written).
    pub handles: Vec<HandleRef>,
}

/// The argument of `decode({...})`.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodeValue {
    /// `type = T`.
    pub type_name: Ident,
    /// `bytes = { v2 = [...] }`.
    pub bytes: ByteList,
    /// `handles = { v2 = [...] }` (empty when not written).
    pub handles: Vec<HandleRef>,
}

impl Value {
    /// Appends every type name this value mentions (record types and `decode` types,
    /// at any depth, in order of first appearance) to `out`, skipping names already
    /// in it.
    pub fn collect_type_names<'a>(&'a self, out: &mut Vec<&'a str>) {
        let mut seen: HashSet<&'a str> = out.iter().copied().collect();
        self.walk_type_names(out, &mut seen);
    }

    fn walk_type_names<'a>(&'a self, out: &mut Vec<&'a str>, seen: &mut HashSet<&'a str>) {
        let mut push = |name: &'a str| {
            if seen.insert(name) {
                out.push(name);
            }
        };
        match &self.kind {
            ValueKind::Record(r) => {
                push(&r.type_name.name);
                for f in &r.fields {
                    if let Field::Named { value, .. } = f {
                        value.walk_type_names(out, seen);
                    }
                }
            }
            ValueKind::List(items) => {
                for v in items {
                    v.walk_type_names(out, seen);
                }
            }
            ValueKind::Decode(d) => push(&d.type_name.name),
            ValueKind::Null
            | ValueKind::Bool(_)
            | ValueKind::Int(_)
            | ValueKind::Float(_)
            | ValueKind::RawFloat(_)
            | ValueKind::String(_)
            | ValueKind::Handle(_)
            | ValueKind::RestrictedHandle { .. } => {}
        }
    }

    /// The type a top-level value is of: the record's type, or the `decode` type.
    /// `None` for other values.
    pub fn type_name(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::Record(r) => Some(&r.type_name.name),
            ValueKind::Decode(d) => Some(&d.type_name.name),
            _ => None,
        }
    }
}

/// One conformance case: `success("Name") { ... }` and friends.
///
/// Which keys are present depends on [`kind`](Case::kind); the parser enforces the
/// GIDL rules:
///
/// | kind | required | optional |
/// |---|---|---|
/// | success, decode_success | value, bytes | handles, handle_defs |
/// | encode_success | value, bytes | handles, handle_defs, handle_dispositions |
/// | encode_failure | value, err | handle_defs |
/// | decode_failure | type, bytes, err | handles, handle_defs |
///
/// and every kind may carry `bindings_allowlist` / `bindings_denylist`.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    /// The case kind.
    pub kind: CaseKind,
    /// The case name (unique per kind across the suite).
    pub name: String,
    /// The file it came from, e.g. `golden.gidl`.
    pub file: String,
    /// The case header (kind keyword through closing parenthesis); its `line` is the
    /// case's line.
    pub span: Span,
    /// `type = T` (decode_failure).
    pub type_name: Option<Ident>,
    /// `value = ...`.
    pub value: Option<Value>,
    /// `bytes = { v2 = [...] }`.
    pub bytes: Option<ByteList>,
    /// `handle_defs = {...}`, in index order (empty when not written).
    pub handle_defs: Vec<HandleDef>,
    /// `handles = { v2 = [...] }`: the handle table, in order.
    pub handles: Option<Vec<HandleRef>>,
    /// `handle_dispositions = { v2 = [...] }` (encode_success).
    pub handle_dispositions: Option<Vec<HandleDisposition>>,
    /// `err = CODE`.
    pub err: Option<ErrorCode>,
    /// `bindings_allowlist = [...]`.
    pub bindings_allowlist: Option<Vec<Binding>>,
    /// `bindings_denylist = [...]`.
    pub bindings_denylist: Option<Vec<Binding>>,
}

impl Case {
    /// Whether this case runs for `binding`: its allowlist (if any) contains it, its
    /// denylist (if any) does not, and [`Binding::Reference`] only when allowlisted.
    pub fn applies_to(&self, binding: Binding) -> bool {
        let allowed = match &self.bindings_allowlist {
            Some(list) => list.contains(&binding),
            None => binding != Binding::Reference,
        };
        let denied = self
            .bindings_denylist
            .as_ref()
            .is_some_and(|list| list.contains(&binding));
        allowed && !denied
    }

    /// The type the case is about: `type = T`, else the top-level value's type.
    pub fn top_level_type(&self) -> Option<&str> {
        match &self.type_name {
            Some(t) => Some(&t.name),
            None => self.value.as_ref().and_then(Value::type_name),
        }
    }

    /// Every type name the case references, in order of first appearance, each once:
    /// `type = T`, then the record and `decode` types in `value` at any depth.
    pub fn referenced_types(&self) -> Vec<&str> {
        let mut out = Vec::new();
        if let Some(t) = &self.type_name {
            out.push(t.name.as_str());
        }
        if let Some(v) = &self.value {
            v.collect_type_names(&mut out);
        }
        out
    }

    /// The evaluated wire bytes, if the case has `bytes`.
    pub fn bytes(&self) -> Option<&[u8]> {
        self.bytes.as_ref().map(ByteList::bytes)
    }

    /// The line the case starts on.
    pub fn line(&self) -> u32 {
        self.span.line
    }

    /// `file:line: kind("name")`, for test output.
    pub fn label(&self) -> String {
        format!(
            "{}:{}: {}(\"{}\")",
            self.file, self.span.line, self.kind, self.name
        )
    }
}
