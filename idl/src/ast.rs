//! The raw syntax tree of one `.fidl` file, before names are resolved.

use crate::source::Span;

#[derive(Debug, Clone)]
pub(crate) struct Ident {
    pub(crate) name: String,
    pub(crate) span: Span,
}

/// A dotted name: `zx.Handle`, `test.conformance`, `rights.TRANSFER`.
#[derive(Debug, Clone)]
pub(crate) struct CompoundIdent {
    pub(crate) parts: Vec<Ident>,
    pub(crate) span: Span,
}

impl CompoundIdent {
    pub(crate) fn dotted(&self) -> String {
        self.parts
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(".")
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Attribute {
    pub(crate) name: Ident,
    pub(crate) args: Vec<AttributeArg>,
    pub(crate) span: Span,
}

#[derive(Debug, Clone)]
pub(crate) struct AttributeArg {
    pub(crate) name: Option<Ident>,
    pub(crate) value: Constant,
}

/// Doc comment lines (text after `///`) and `@attributes` in front of an element.
#[derive(Debug, Clone, Default)]
pub(crate) struct Attributes {
    pub(crate) doc: Vec<String>,
    pub(crate) list: Vec<Attribute>,
}

#[derive(Debug, Clone)]
pub(crate) struct File {
    pub(crate) library: CompoundIdent,
    pub(crate) library_attrs: Attributes,
    pub(crate) usings: Vec<Using>,
    pub(crate) decls: Vec<Decl>,
}

#[derive(Debug, Clone)]
pub(crate) struct Using {
    pub(crate) library: CompoundIdent,
    pub(crate) alias: Option<Ident>,
}

#[derive(Debug, Clone)]
pub(crate) struct Decl {
    pub(crate) attrs: Attributes,
    pub(crate) name: Ident,
    pub(crate) kind: DeclKind,
}

#[derive(Debug, Clone)]
pub(crate) enum DeclKind {
    Alias(TypeCtor),
    Const { ty: TypeCtor, value: Constant },
    Type(Layout),
    Protocol(Protocol),
    ResourceDefinition(ResourceDefinition),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LayoutKind {
    Struct,
    Table,
    Union,
    Enum,
    Bits,
}

impl LayoutKind {
    pub(crate) fn from_keyword(word: &str) -> Option<LayoutKind> {
        Some(match word {
            "struct" => LayoutKind::Struct,
            "table" => LayoutKind::Table,
            "union" => LayoutKind::Union,
            "enum" => LayoutKind::Enum,
            "bits" => LayoutKind::Bits,
            _ => return None,
        })
    }

    pub(crate) fn keyword(self) -> &'static str {
        match self {
            LayoutKind::Struct => "struct",
            LayoutKind::Table => "table",
            LayoutKind::Union => "union",
            LayoutKind::Enum => "enum",
            LayoutKind::Bits => "bits",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Modifier {
    Strict,
    Flexible,
    Resource,
}

impl Modifier {
    pub(crate) fn from_keyword(word: &str) -> Option<Modifier> {
        Some(match word {
            "strict" => Modifier::Strict,
            "flexible" => Modifier::Flexible,
            "resource" => Modifier::Resource,
            _ => return None,
        })
    }

    pub(crate) fn keyword(self) -> &'static str {
        match self {
            Modifier::Strict => "strict",
            Modifier::Flexible => "flexible",
            Modifier::Resource => "resource",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub(crate) kind: LayoutKind,
    pub(crate) kind_span: Span,
    pub(crate) modifiers: Vec<(Modifier, Span)>,
    pub(crate) subtype: Option<Box<TypeCtor>>,
    pub(crate) members: Vec<LayoutMember>,
}

#[derive(Debug, Clone)]
pub(crate) struct LayoutMember {
    pub(crate) attrs: Attributes,
    /// The `N:` ordinal, if written.
    pub(crate) ordinal: Option<(String, Span)>,
    /// The span of the whole member, for errors about it.
    pub(crate) span: Span,
    pub(crate) body: MemberBody,
}

#[derive(Debug, Clone)]
pub(crate) enum MemberBody {
    /// `reserved` (tables and unions).
    Reserved,
    /// `name Type` with an optional `= default` (structs, tables, unions).
    Field {
        name: Ident,
        ty: TypeCtor,
        default: Option<Constant>,
    },
    /// `NAME = value` (enums and bits).
    Value { name: Ident, value: Constant },
}

#[derive(Debug, Clone)]
pub(crate) struct TypeCtor {
    pub(crate) layout: LayoutRef,
    pub(crate) params: Vec<LayoutParam>,
    pub(crate) constraints: Vec<Constant>,
    pub(crate) span: Span,
}

#[derive(Debug, Clone)]
pub(crate) enum LayoutRef {
    Named(CompoundIdent),
    Inline {
        attrs: Attributes,
        layout: Box<Layout>,
        span: Span,
    },
}

#[derive(Debug, Clone)]
pub(crate) enum LayoutParam {
    Type(TypeCtor),
    Literal(Literal, Span),
}

#[derive(Debug, Clone)]
pub(crate) enum Constant {
    Ident(CompoundIdent),
    Literal(Literal, Span),
    /// `a | b | c`, flattened.
    Or(Vec<Constant>, Span),
}

impl Constant {
    pub(crate) fn span(&self) -> Span {
        match self {
            Constant::Ident(c) => c.span,
            Constant::Literal(_, s) | Constant::Or(_, s) => *s,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Literal {
    /// The source text, with a leading `-` when negative.
    Number(String),
    /// The decoded contents.
    String(String),
    Bool(bool),
}

#[derive(Debug, Clone)]
pub(crate) struct Protocol {
    pub(crate) openness: Option<Ident>,
    pub(crate) composes: Vec<(Attributes, CompoundIdent)>,
    pub(crate) methods: Vec<Method>,
}

#[derive(Debug, Clone)]
pub(crate) struct Method {
    pub(crate) attrs: Attributes,
    pub(crate) strictness: Option<(Modifier, Span)>,
    pub(crate) name: Ident,
    /// `None` for an event (`-> OnX(...)`); `Some(None)` for an empty request `()`.
    pub(crate) request: Option<Option<TypeCtor>>,
    /// `None` for a one-way method; `Some(None)` for an empty response `()`.
    pub(crate) response: Option<Option<TypeCtor>>,
    pub(crate) error: Option<TypeCtor>,
}

#[derive(Debug, Clone)]
pub(crate) struct ResourceDefinition {
    pub(crate) subtype: Option<TypeCtor>,
    pub(crate) properties: Vec<(Attributes, Ident, TypeCtor)>,
}
