//! RFC-0057: a value type (a struct, table or union not marked `resource`) may not contain a
//! resource type — a handle, a protocol endpoint, or a `resource` struct/table/union —
//! directly or through vectors, arrays, boxes or optionals.

use crate::error::{Diagnostics, ErrorKind};
use crate::model::{Decl, DeclKind, Library, Name, Type};
use std::collections::{HashMap, HashSet};

/// Reports every member of a value type that holds a resource.
pub(crate) fn check(libs: &[Library], diags: &mut Diagnostics) {
    let decls: HashMap<&Name, &Decl> = libs
        .iter()
        .flat_map(|l| l.declarations.iter().map(|d| (&d.name, d)))
        .collect();
    for lib in libs {
        for decl in &lib.declarations {
            if decl.is_resource() {
                continue;
            }
            for (member, ty, location) in members(decl) {
                if !is_resource(ty, &decls) {
                    continue;
                }
                if diags.is_full() {
                    return;
                }
                let chain = chain(decl, member, ty, &decls);
                let word = decl.kind_name();
                diags.push(
                    ErrorKind::ValueTypeHoldsResource,
                    Some(location.clone()),
                    format!(
                        "{word} `{}` is a value type, but its member `{member}` holds a resource: {}. \
                         A value type cannot hold handles; mark `{}` as a resource type \
                         (`resource {word} {{ ... }}`)",
                        decl.name.name,
                        chain.join(" -> "),
                        decl.name.name,
                    ),
                );
            }
        }
    }
}

fn members(decl: &Decl) -> Vec<(&str, &Type, &crate::source::Location)> {
    match &decl.kind {
        DeclKind::Struct(s) => s
            .members
            .iter()
            .map(|m| (m.name.as_str(), &m.ty, &m.location))
            .collect(),
        DeclKind::Table(t) => t
            .members
            .iter()
            .filter_map(|m| {
                m.field
                    .as_ref()
                    .map(|f| (f.name.as_str(), &f.ty, &m.location))
            })
            .collect(),
        DeclKind::Union(u) => u
            .members
            .iter()
            .filter_map(|m| {
                m.field
                    .as_ref()
                    .map(|f| (f.name.as_str(), &f.ty, &m.location))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether values of `ty` may carry a resource.
pub(crate) fn is_resource(ty: &Type, decls: &HashMap<&Name, &Decl>) -> bool {
    match ty {
        Type::Handle(_) | Type::Endpoint { .. } => true,
        Type::Vector { element, .. } | Type::Array { element, .. } => is_resource(element, decls),
        Type::Identifier { name, .. } => decls.get(name).is_some_and(|d| d.is_resource()),
        Type::Primitive { .. } | Type::String { .. } => false,
    }
}

/// The handle or endpoint directly inside `ty` (through vectors and arrays), if any.
fn direct_handle(ty: &Type) -> Option<&Type> {
    match ty {
        Type::Handle(_) | Type::Endpoint { .. } => Some(ty),
        Type::Vector { element, .. } | Type::Array { element, .. } => direct_handle(element),
        _ => None,
    }
}

/// The resource declaration directly inside `ty` (through vectors, arrays, boxes), if any.
fn direct_resource_decl<'a>(ty: &Type, decls: &HashMap<&Name, &'a Decl>) -> Option<&'a Decl> {
    match ty {
        Type::Vector { element, .. } | Type::Array { element, .. } => {
            direct_resource_decl(element, decls)
        }
        Type::Identifier { name, .. } => decls.get(name).copied().filter(|d| d.is_resource()),
        _ => None,
    }
}

/// Describes how `decl.member` (of type `ty`) reaches a handle: `Foo.b (box<Bar>) -> Bar.h
/// (handle:EVENT)`, or ends at a `resource` declaration that holds none.
fn chain(decl: &Decl, member: &str, ty: &Type, decls: &HashMap<&Name, &Decl>) -> Vec<String> {
    let mut out = vec![format!("`{}.{member}` (`{ty}`)", decl.name.name)];
    let mut seen = HashSet::new();
    let mut current = ty;
    loop {
        if direct_handle(current).is_some() {
            return out;
        }
        let Some(next) = direct_resource_decl(current, decls) else {
            return out;
        };
        if !seen.insert(&next.name) {
            return out;
        }
        let ms = members(next);
        // Prefer a member holding a handle itself, then one leading to a resource type that
        // holds handles, then any resource member.
        let pick = ms
            .iter()
            .find(|(_, t, _)| direct_handle(t).is_some())
            .or_else(|| {
                ms.iter().find(|(_, t, _)| {
                    direct_resource_decl(t, decls)
                        .and_then(|d| d.shape())
                        .is_some_and(|s| s.max_handles > 0)
                })
            })
            .or_else(|| ms.iter().find(|(_, t, _)| is_resource(t, decls)));
        match pick {
            Some((name, t, _)) => {
                out.push(format!("`{}.{name}` (`{t}`)", next.name.name));
                current = t;
            }
            None => {
                out.push(format!("`{}` (declared `resource`)", next.name.name));
                return out;
            }
        }
    }
}
