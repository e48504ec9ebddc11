//! Parsing of `#[fidl(...)]` attributes.

use syn::{Attribute, Expr, LitStr, Path, Result};

/// The kind of FIDL layout a type derives.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Struct,
    Table,
    Union,
    Enum,
    Bits,
}

/// Type-level attributes.
pub struct TypeAttrs {
    pub kind: Option<Kind>,
    pub resource: bool,
    pub strict: Option<bool>,
    pub repr: Option<syn::Ident>,
    pub mask: Option<Expr>,
    pub max_handles: Option<Expr>,
    /// Overrides `MAX_OUT_OF_LINE` (mutually recursive types, whose bound would be a cycle).
    pub max_out_of_line: Option<Expr>,
    /// Overrides `HAS_FLEXIBLE_ENVELOPE` (mutually recursive types, likewise).
    pub has_flexible_envelope: Option<Expr>,
    pub krate: Path,
}

/// A constraint tree: what the attributes say about a type and its elements.
#[derive(Default, Clone)]
pub struct ConstraintAttr {
    pub max_len: Option<Expr>,
    pub handle: Option<(Expr, Expr)>,
    pub elem: Option<Box<ConstraintAttr>>,
}

/// Field- or variant-level attributes.
#[derive(Default)]
pub struct MemberAttrs {
    pub ordinal: Option<u64>,
    pub value: Option<Expr>,
    pub unknown: bool,
    pub constraint: ConstraintAttr,
}

fn is_fidl(attr: &Attribute) -> bool {
    attr.path().is_ident("fidl")
}

pub fn type_attrs(attrs: &[Attribute]) -> Result<TypeAttrs> {
    let mut out = TypeAttrs {
        kind: None,
        resource: false,
        strict: None,
        repr: None,
        mask: None,
        max_handles: None,
        max_out_of_line: None,
        has_flexible_envelope: None,
        krate: syn::parse_quote!(::handoff::codec),
    };
    for attr in attrs.iter().filter(|a| is_fidl(a)) {
        attr.parse_nested_meta(|meta| {
            let set_kind = |out: &mut TypeAttrs, k: Kind| {
                if out.kind.is_some() {
                    return Err(meta.error("more than one of struct/table/union/enum/bits"));
                }
                out.kind = Some(k);
                Ok(())
            };
            if meta.path.is_ident("struct") {
                set_kind(&mut out, Kind::Struct)
            } else if meta.path.is_ident("table") {
                set_kind(&mut out, Kind::Table)
            } else if meta.path.is_ident("union") {
                set_kind(&mut out, Kind::Union)
            } else if meta.path.is_ident("enum") {
                set_kind(&mut out, Kind::Enum)
            } else if meta.path.is_ident("bits") {
                set_kind(&mut out, Kind::Bits)
            } else if meta.path.is_ident("resource") {
                out.resource = true;
                Ok(())
            } else if meta.path.is_ident("strict") {
                out.strict = Some(true);
                Ok(())
            } else if meta.path.is_ident("flexible") {
                out.strict = Some(false);
                Ok(())
            } else if meta.path.is_ident("repr") {
                out.repr = Some(meta.value()?.parse()?);
                Ok(())
            } else if meta.path.is_ident("mask") {
                out.mask = Some(meta.value()?.parse()?);
                Ok(())
            } else if meta.path.is_ident("max_handles") {
                out.max_handles = Some(meta.value()?.parse()?);
                Ok(())
            } else if meta.path.is_ident("max_out_of_line") {
                out.max_out_of_line = Some(meta.value()?.parse()?);
                Ok(())
            } else if meta.path.is_ident("has_flexible_envelope") {
                out.has_flexible_envelope = Some(meta.value()?.parse()?);
                Ok(())
            } else if meta.path.is_ident("crate") {
                let s: LitStr = meta.value()?.parse()?;
                out.krate = s.parse()?;
                Ok(())
            } else {
                Err(meta.error(
                    "unknown fidl attribute; expected one of struct, table, union, enum, bits, \
                     resource, strict, flexible, repr, mask, max_handles, max_out_of_line, \
                     has_flexible_envelope, crate",
                ))
            }
        })?;
    }
    Ok(out)
}

fn parse_constraint_item(
    meta: &syn::meta::ParseNestedMeta<'_>,
    c: &mut ConstraintAttr,
) -> Result<bool> {
    if meta.path.is_ident("max_len") {
        c.max_len = Some(meta.value()?.parse()?);
    } else if meta.path.is_ident("handle") {
        let mut object_type = None;
        let mut rights = None;
        meta.parse_nested_meta(|m| {
            if m.path.is_ident("object_type") {
                object_type = Some(m.value()?.parse()?);
            } else if m.path.is_ident("rights") {
                rights = Some(m.value()?.parse()?);
            } else {
                return Err(m.error("expected object_type = ... or rights = ..."));
            }
            Ok(())
        })?;
        let object_type = object_type.unwrap_or_else(|| syn::parse_quote!(0u32));
        let rights = rights.unwrap_or_else(|| syn::parse_quote!(0x8000_0000u32));
        c.handle = Some((object_type, rights));
    } else if meta.path.is_ident("elem") {
        let mut inner = ConstraintAttr::default();
        meta.parse_nested_meta(|m| {
            if parse_constraint_item(&m, &mut inner)? {
                Ok(())
            } else {
                Err(m.error("expected max_len, handle(...) or elem(...)"))
            }
        })?;
        c.elem = Some(Box::new(inner));
    } else {
        return Ok(false);
    }
    Ok(true)
}

pub fn member_attrs(attrs: &[Attribute]) -> Result<MemberAttrs> {
    let mut out = MemberAttrs::default();
    for attr in attrs.iter().filter(|a| is_fidl(a)) {
        attr.parse_nested_meta(|meta| {
            if parse_constraint_item(&meta, &mut out.constraint)? {
                Ok(())
            } else if meta.path.is_ident("ordinal") {
                let lit: syn::LitInt = meta.value()?.parse()?;
                let n: u64 = lit.base10_parse()?;
                if n == 0 {
                    return Err(syn::Error::new(lit.span(), "ordinals start at 1"));
                }
                out.ordinal = Some(n);
                Ok(())
            } else if meta.path.is_ident("value") {
                out.value = Some(meta.value()?.parse()?);
                Ok(())
            } else if meta.path.is_ident("unknown") {
                out.unknown = true;
                Ok(())
            } else {
                Err(meta.error(
                    "unknown fidl member attribute; expected one of ordinal, value, unknown, \
                     max_len, handle(...), elem(...)",
                ))
            }
        })?;
    }
    Ok(out)
}
