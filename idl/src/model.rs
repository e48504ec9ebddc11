//! The resolved library model: every name looked up, every constant evaluated, every alias
//! expanded, every struct/table/union/enum/bits given its wire shape.
//!
//! These types are also the JSON IR (see [`crate::ir`]): their `serde` form is the schema.

use crate::shape::TypeShape;
use crate::source::Location;
use serde::{Serialize, Serializer};
use std::fmt;

/// A fully qualified declaration name: library plus name, printed `test.conformance/Foo` as in
/// FIDL's JSON IR.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name {
    /// The library, e.g. `test.conformance`.
    pub library: String,
    /// The declaration's own name, e.g. `Foo` (for inline layouts, the generated name).
    pub name: String,
}

impl Name {
    /// A name from its parts.
    pub fn new(library: impl Into<String>, name: impl Into<String>) -> Name {
        Name {
            library: library.into(),
            name: name.into(),
        }
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.library, self.name)
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A FIDL primitive type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum PrimitiveSubtype {
    Bool,
    Int8,
    Int16,
    Int32,
    Int64,
    Uint8,
    Uint16,
    Uint32,
    Uint64,
    Float32,
    Float64,
}

impl PrimitiveSubtype {
    /// The primitive named `name` (`byte` is `uint8`).
    pub fn from_name(name: &str) -> Option<PrimitiveSubtype> {
        use PrimitiveSubtype::*;
        Some(match name {
            "bool" => Bool,
            "int8" => Int8,
            "int16" => Int16,
            "int32" => Int32,
            "int64" => Int64,
            "uint8" | "byte" => Uint8,
            "uint16" => Uint16,
            "uint32" => Uint32,
            "uint64" => Uint64,
            "float32" => Float32,
            "float64" => Float64,
            _ => return None,
        })
    }

    /// The FIDL spelling.
    pub fn name(self) -> &'static str {
        use PrimitiveSubtype::*;
        match self {
            Bool => "bool",
            Int8 => "int8",
            Int16 => "int16",
            Int32 => "int32",
            Int64 => "int64",
            Uint8 => "uint8",
            Uint16 => "uint16",
            Uint32 => "uint32",
            Uint64 => "uint64",
            Float32 => "float32",
            Float64 => "float64",
        }
    }

    /// Size on the wire in bytes (also the alignment).
    pub fn size(self) -> u32 {
        use PrimitiveSubtype::*;
        match self {
            Bool | Int8 | Uint8 => 1,
            Int16 | Uint16 => 2,
            Int32 | Uint32 | Float32 => 4,
            Int64 | Uint64 | Float64 => 8,
        }
    }

    /// Whether this is an integer type.
    pub fn is_integer(self) -> bool {
        !matches!(
            self,
            PrimitiveSubtype::Bool | PrimitiveSubtype::Float32 | PrimitiveSubtype::Float64
        )
    }

    /// Whether this is an unsigned integer type.
    pub fn is_unsigned(self) -> bool {
        use PrimitiveSubtype::*;
        matches!(self, Uint8 | Uint16 | Uint32 | Uint64)
    }

    /// Whether this is a floating-point type.
    pub fn is_float(self) -> bool {
        matches!(self, PrimitiveSubtype::Float32 | PrimitiveSubtype::Float64)
    }

    /// The inclusive range of an integer type, `None` otherwise.
    pub fn int_range(self) -> Option<(i128, i128)> {
        use PrimitiveSubtype::*;
        Some(match self {
            Int8 => (i8::MIN.into(), i8::MAX.into()),
            Int16 => (i16::MIN.into(), i16::MAX.into()),
            Int32 => (i32::MIN.into(), i32::MAX.into()),
            Int64 => (i64::MIN.into(), i64::MAX.into()),
            Uint8 => (0, u8::MAX.into()),
            Uint16 => (0, u16::MAX.into()),
            Uint32 => (0, u32::MAX.into()),
            Uint64 => (0, u64::MAX.into()),
            Bool | Float32 | Float64 => return None,
        })
    }
}

/// Which end of a protocol an endpoint is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EndpointRole {
    /// `client_end:P`.
    Client,
    /// `server_end:P`.
    Server,
}

/// What a named type refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum IdentifierKind {
    Struct,
    Table,
    Union,
    Enum,
    Bits,
}

/// The "same rights" value: a handle whose rights are not constrained.
pub const SAME_RIGHTS: u32 = 0x8000_0000;

/// A handle type: `handle`, `handle:EVENT`, `zx.Handle:<CHANNEL, RIGHTS, optional>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct HandleType {
    /// The `resource_definition` this handle comes from (`test.conformance/handle`,
    /// `zx/Handle`).
    pub resource: Name,
    /// The object type number (`0` when unconstrained, i.e. any object type).
    pub object_type: u32,
    /// The subtype member name (`EVENT`), when constrained.
    pub subtype: Option<String>,
    /// Required rights, when constrained.
    pub rights: Option<u32>,
    /// `:optional`.
    pub optional: bool,
}

impl HandleType {
    /// The rights to put in a handle disposition: the constraint, or [`SAME_RIGHTS`].
    pub fn effective_rights(&self) -> u32 {
        self.rights.unwrap_or(SAME_RIGHTS)
    }
}

/// A resolved type (aliases expanded, constraints applied).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Type {
    /// `bool`, `uint32`, ...
    Primitive {
        /// Which primitive.
        subtype: PrimitiveSubtype,
    },
    /// `string`, `string:N`, `string:optional`.
    String {
        /// The bound `N`, `None` when unbounded.
        max_len: Option<u32>,
        /// `:optional`.
        optional: bool,
    },
    /// `vector<T>`, `vector<T>:N`, `vector<T>:optional`.
    Vector {
        /// The element type.
        element: Box<Type>,
        /// The bound `N`, `None` when unbounded.
        max_len: Option<u32>,
        /// `:optional`.
        optional: bool,
    },
    /// `array<T, N>`.
    Array {
        /// The element type.
        element: Box<Type>,
        /// `N` (at least 1).
        len: u32,
    },
    /// A handle.
    Handle(HandleType),
    /// `client_end:P` / `server_end:P` (a channel on the wire).
    Endpoint {
        /// Which end.
        role: EndpointRole,
        /// The protocol.
        protocol: Name,
        /// `:optional`.
        optional: bool,
    },
    /// A named struct, table, union, enum or bits; `box<S>` is an optional struct.
    Identifier {
        /// The declaration.
        name: Name,
        /// Its kind.
        decl_kind: IdentifierKind,
        /// `box<S>` or `U:optional`.
        optional: bool,
    },
}

impl Type {
    /// Whether the value may be absent (`:optional`, `box<S>`).
    pub fn is_optional(&self) -> bool {
        match self {
            Type::String { optional, .. }
            | Type::Vector { optional, .. }
            | Type::Endpoint { optional, .. }
            | Type::Identifier { optional, .. } => *optional,
            Type::Handle(h) => h.optional,
            Type::Primitive { .. } | Type::Array { .. } => false,
        }
    }
}

impl fmt::Display for Type {
    /// FIDL-like syntax, used in messages: `vector<handle:<EVENT, 0xc003>>:2`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let opt = |f: &mut fmt::Formatter<'_>, items: &mut Vec<String>, optional: bool| {
            if optional {
                items.push("optional".into());
            }
            match items.len() {
                0 => Ok(()),
                1 => write!(f, ":{}", items[0]),
                _ => write!(f, ":<{}>", items.join(", ")),
            }
        };
        match self {
            Type::Primitive { subtype } => f.write_str(subtype.name()),
            Type::String { max_len, optional } => {
                f.write_str("string")?;
                opt(
                    f,
                    &mut max_len.iter().map(u32::to_string).collect(),
                    *optional,
                )
            }
            Type::Vector {
                element,
                max_len,
                optional,
            } => {
                write!(f, "vector<{element}>")?;
                opt(
                    f,
                    &mut max_len.iter().map(u32::to_string).collect(),
                    *optional,
                )
            }
            Type::Array { element, len } => write!(f, "array<{element}, {len}>"),
            Type::Handle(h) => {
                f.write_str(if h.resource.library == "zx" {
                    "zx.Handle"
                } else {
                    &h.resource.name
                })?;
                let mut items: Vec<String> = h.subtype.iter().cloned().collect();
                if let Some(r) = h.rights {
                    if h.subtype.is_none() {
                        items.push("NONE".into());
                    }
                    items.push(format!("{r:#x}"));
                }
                opt(f, &mut items, h.optional)
            }
            Type::Endpoint {
                role,
                protocol,
                optional,
            } => {
                let kw = match role {
                    EndpointRole::Client => "client_end",
                    EndpointRole::Server => "server_end",
                };
                write!(f, "{kw}")?;
                opt(f, &mut vec![protocol.name.clone()], *optional)
            }
            Type::Identifier {
                name,
                decl_kind,
                optional,
            } => {
                if *optional && *decl_kind == IdentifierKind::Struct {
                    write!(f, "box<{}>", name.name)
                } else {
                    f.write_str(&name.name)?;
                    opt(f, &mut Vec::new(), *optional)
                }
            }
        }
    }
}

/// A constant's value.
#[derive(Debug, Clone, PartialEq)]
pub enum ConstValue {
    /// `true` / `false`.
    Bool(bool),
    /// Any integer, enum or bits value.
    Int(i128),
    /// A float.
    Float(f64),
    /// A string.
    String(String),
}

impl Serialize for ConstValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ConstValue::Bool(b) => s.serialize_bool(*b),
            ConstValue::Int(v) => serialize_int(v, s),
            ConstValue::Float(v) => s.serialize_f64(*v),
            ConstValue::String(v) => s.serialize_str(v),
        }
    }
}

/// Integers serialize as JSON numbers (`i64` or `u64`; every FIDL integer fits one of them).
pub(crate) fn serialize_int<S: Serializer>(v: &i128, s: S) -> Result<S::Ok, S::Error> {
    if let Ok(x) = i64::try_from(*v) {
        s.serialize_i64(x)
    } else if let Ok(x) = u64::try_from(*v) {
        s.serialize_u64(x)
    } else {
        s.collect_str(v)
    }
}

/// An `@attribute(...)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attribute {
    /// The name, without `@`.
    pub name: String,
    /// The arguments, in order.
    pub args: Vec<AttributeArg>,
}

/// One attribute argument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttributeArg {
    /// `name` in `@foo(name = ...)`; `None` for the single positional argument.
    pub name: Option<String>,
    /// A string literal's contents, or the source text of any other constant.
    pub value: String,
}

/// A declaration of a library.
#[derive(Debug, Clone, Serialize)]
pub struct Decl {
    /// The qualified name.
    pub name: Name,
    /// Where it is declared (for an inline layout: where its layout starts).
    pub location: Location,
    /// Doc comment text (the lines after `///`, joined with `\n`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Attributes, doc comments excluded.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
    /// FIDL's naming context: `[Decl]` for a top-level declaration, `[Outer, member, ...]`
    /// for an inline layout.
    pub naming_context: Vec<String>,
    /// What it declares.
    #[serde(flatten)]
    pub kind: DeclKind,
}

impl Decl {
    /// Whether this is an inline (anonymous) layout that got its name from its context.
    pub fn is_inline(&self) -> bool {
        self.naming_context.len() > 1
    }

    /// The wire shape of a struct, table, union, enum or bits.
    pub fn shape(&self) -> Option<&TypeShape> {
        match &self.kind {
            DeclKind::Struct(s) => Some(&s.shape),
            DeclKind::Table(t) => Some(&t.shape),
            DeclKind::Union(u) => Some(&u.shape),
            DeclKind::Enum(e) => Some(&e.shape),
            DeclKind::Bits(b) => Some(&b.shape),
            _ => None,
        }
    }

    /// Whether this is a `resource` struct, table or union.
    pub fn is_resource(&self) -> bool {
        match &self.kind {
            DeclKind::Struct(s) => s.resource,
            DeclKind::Table(t) => t.resource,
            DeclKind::Union(u) => u.resource,
            _ => false,
        }
    }

    /// The attribute named `name`.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// Whether `@bindings_denylist("...")` names `binding`.
    pub fn is_denylisted_for(&self, binding: &str) -> bool {
        self.attribute("bindings_denylist")
            .and_then(|a| a.args.first())
            .is_some_and(|arg| arg.value.split(',').any(|b| b.trim() == binding))
    }

    /// The kind as FIDL spells it (`struct`, `resource_definition`, ...).
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            DeclKind::Const(_) => "const",
            DeclKind::Alias(_) => "alias",
            DeclKind::Struct(_) => "struct",
            DeclKind::Table(_) => "table",
            DeclKind::Union(_) => "union",
            DeclKind::Enum(_) => "enum",
            DeclKind::Bits(_) => "bits",
            DeclKind::Protocol(_) => "protocol",
            DeclKind::ResourceDefinition(_) => "resource_definition",
        }
    }
}

/// The kinds of declaration.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeclKind {
    /// `const NAME T = value;`
    Const(Const),
    /// `alias A = T;`
    Alias(Alias),
    /// `type S = struct {...};`
    Struct(Struct),
    /// `type T = table {...};`
    Table(Table),
    /// `type U = union {...};`
    Union(Union),
    /// `type E = enum {...};`
    Enum(Enum),
    /// `type B = bits {...};`
    Bits(Bits),
    /// `protocol P {...};`
    Protocol(Protocol),
    /// `resource_definition R : uint32 {...};`
    ResourceDefinition(ResourceDefinition),
}

/// A constant.
#[derive(Debug, Clone, Serialize)]
pub struct Const {
    /// Its declared type.
    #[serde(rename = "type")]
    pub ty: Type,
    /// Its value.
    pub value: ConstValue,
}

/// An alias: uses of it are expanded (with constraints merged) where they appear.
#[derive(Debug, Clone, Serialize)]
pub struct Alias {
    /// The aliased type.
    #[serde(rename = "type")]
    pub ty: Type,
}

/// A struct.
#[derive(Debug, Clone, Serialize)]
pub struct Struct {
    /// Declared `resource`.
    pub resource: bool,
    /// Part of a cycle of declarations (through `box`, vectors or optional unions).
    pub recursive: bool,
    /// Members in declaration order, with offsets.
    pub members: Vec<StructMember>,
    /// Wire shape.
    #[serde(flatten)]
    pub shape: TypeShape,
}

/// A struct member.
#[derive(Debug, Clone, Serialize)]
pub struct StructMember {
    /// The FIDL name.
    pub name: String,
    /// The resolved type.
    #[serde(rename = "type")]
    pub ty: Type,
    /// The alias the type was written with, if any (its constraints are already applied).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<Name>,
    /// Byte offset in the struct's inline object.
    pub offset: u32,
    /// Padding bytes after this member.
    pub padding: u32,
    /// Where it is declared.
    pub location: Location,
    /// Doc comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Attributes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
}

/// A table or union member: an ordinal, and a field unless the ordinal is `reserved`.
#[derive(Debug, Clone, Serialize)]
pub struct OrdinalMember {
    /// The ordinal (tables: 1..=64; unions: 1..=u32::MAX).
    pub ordinal: u32,
    /// Whether this ordinal is `reserved` (then `field` is `None`).
    pub reserved: bool,
    /// The member, unless reserved.
    #[serde(flatten)]
    pub field: Option<Field>,
    /// Where it is declared.
    pub location: Location,
    /// Doc comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Attributes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
}

/// The name and type of a table or union member.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// The FIDL name.
    pub name: String,
    /// The resolved type.
    #[serde(rename = "type")]
    pub ty: Type,
    /// The alias the type was written with, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<Name>,
}

/// A table (always flexible).
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    /// Declared `resource`.
    pub resource: bool,
    /// Part of a cycle of declarations.
    pub recursive: bool,
    /// Members sorted by ordinal.
    pub members: Vec<OrdinalMember>,
    /// Wire shape.
    #[serde(flatten)]
    pub shape: TypeShape,
}

/// A union.
#[derive(Debug, Clone, Serialize)]
pub struct Union {
    /// `strict` (otherwise flexible, the default).
    pub strict: bool,
    /// Declared `resource`.
    pub resource: bool,
    /// Part of a cycle of declarations.
    pub recursive: bool,
    /// Members sorted by ordinal.
    pub members: Vec<OrdinalMember>,
    /// Wire shape.
    #[serde(flatten)]
    pub shape: TypeShape,
}

/// An enum.
#[derive(Debug, Clone, Serialize)]
pub struct Enum {
    /// `strict` (otherwise flexible, the default).
    pub strict: bool,
    /// The underlying integer type (default `uint32`).
    pub subtype: PrimitiveSubtype,
    /// Members in declaration order.
    pub members: Vec<ValueMember>,
    /// Wire shape (that of `subtype`).
    #[serde(flatten)]
    pub shape: TypeShape,
}

/// A bits type.
#[derive(Debug, Clone, Serialize)]
pub struct Bits {
    /// `strict` (otherwise flexible, the default).
    pub strict: bool,
    /// The underlying unsigned integer type (default `uint32`).
    pub subtype: PrimitiveSubtype,
    /// OR of every member.
    pub mask: u64,
    /// Members in declaration order.
    pub members: Vec<ValueMember>,
    /// Wire shape (that of `subtype`).
    #[serde(flatten)]
    pub shape: TypeShape,
}

/// An enum or bits member.
#[derive(Debug, Clone, Serialize)]
pub struct ValueMember {
    /// The FIDL name.
    pub name: String,
    /// The value.
    #[serde(serialize_with = "serialize_int")]
    pub value: i128,
    /// Where it is declared.
    pub location: Location,
    /// Doc comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Attributes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
}

/// Protocol openness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Openness {
    Open,
    Ajar,
    Closed,
}

/// A protocol. Only what endpoints and tools need is resolved: methods and their payloads.
#[derive(Debug, Clone, Serialize)]
pub struct Protocol {
    /// `open` (the default), `ajar` or `closed`.
    pub openness: Openness,
    /// `compose`d protocols.
    pub composed: Vec<Name>,
    /// Methods and events in declaration order.
    pub methods: Vec<Method>,
}

/// A method or event.
#[derive(Debug, Clone, Serialize)]
pub struct Method {
    /// The name.
    pub name: String,
    /// `strict` (otherwise flexible, the default).
    pub strict: bool,
    /// False for events.
    pub has_request: bool,
    /// The request payload, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<Type>,
    /// False for one-way methods.
    pub has_response: bool,
    /// The response (or event) payload, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<Type>,
    /// The error type of `-> (...) error E`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Type>,
    /// Where it is declared.
    pub location: Location,
    /// Doc comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Attributes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
}

/// A `resource_definition`: the declaration behind `handle` / `zx.Handle`.
#[derive(Debug, Clone, Serialize)]
pub struct ResourceDefinition {
    /// The underlying type (`uint32`).
    pub subtype: PrimitiveSubtype,
    /// The enum of object types named by the `subtype` property.
    pub object_types: Option<Name>,
    /// The bits of rights named by the `rights` property.
    pub rights: Option<Name>,
}

/// One library with its declarations.
#[derive(Debug, Clone, Serialize)]
pub struct Library {
    /// The library name, e.g. `test.conformance`.
    pub name: String,
    /// Its files, in load order.
    pub files: Vec<String>,
    /// Libraries named by `using` in its files.
    pub dependencies: Vec<String>,
    /// Doc comments on `library` lines of its files, joined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Attributes on `library` lines of its files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
    /// Declarations: files in load order, declarations in source order, each inline layout
    /// right after the declaration that contains it.
    pub declarations: Vec<Decl>,
}

impl Library {
    /// The declaration called `name` (unqualified) in this library.
    pub fn decl(&self, name: &str) -> Option<&Decl> {
        self.declarations.iter().find(|d| d.name.name == name)
    }
}
