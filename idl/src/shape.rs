//! Wire shapes (FIDL wire format v2) and the declaration graph they are computed over.
//!
//! The numbers follow `fidlc`'s `TypeShape` so they can be compared with FIDL's JSON IR, with
//! two deliberate differences, both towards the true wire bound:
//! * a table's envelope count is its largest non-reserved *ordinal* (fidlc counts declared
//!   members, which is too small when ordinals have gaps: `TableWithGaps {2: ..; 4: ..}`
//!   carries 4 envelopes);
//! * a union's `has_padding` is computed from its members (fidlc always says `true`).
//!
//! Recursive declarations (cycles through `box`, vectors or optional unions) have unbounded
//! depth and out-of-line size (`u32::MAX`), and unbounded handles when any handle is
//! reachable from them. All arithmetic saturates at `u32::MAX`.

use crate::error::{Diagnostics, ErrorKind};
use crate::model::{DeclKind, IdentifierKind, Library, Name, PrimitiveSubtype, Type};
use serde::Serialize;
use std::collections::HashMap;

/// The wire shape of a type, as in FIDL's JSON IR (`type_shape_v2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct TypeShape {
    /// Bytes of the inline object (a multiple of `alignment`).
    pub inline_size: u32,
    /// Alignment of the inline object (1, 2, 4 or 8).
    pub alignment: u32,
    /// Maximum nesting of out-of-line objects; `u32::MAX` when unbounded (recursion).
    pub depth: u32,
    /// Maximum number of handles; `u32::MAX` when unbounded.
    pub max_handles: u32,
    /// Maximum bytes out of line (envelope contents included, 8-byte aligned); `u32::MAX`
    /// when unbounded.
    pub max_out_of_line: u32,
    /// Whether some encoding of a value contains padding bytes (which must be zero).
    pub has_padding: bool,
    /// Whether the type contains a flexible envelope (a table, or a flexible union).
    pub has_flexible_envelope: bool,
}

impl TypeShape {
    fn primitive(p: PrimitiveSubtype) -> TypeShape {
        TypeShape {
            inline_size: p.size(),
            alignment: p.size(),
            ..TypeShape::default()
        }
    }
}

/// Rounds up to a multiple of 8, saturating.
pub(crate) fn align8(x: u32) -> u32 {
    align_to(x, 8)
}

fn align_to(x: u32, a: u32) -> u32 {
    let a = a.max(1);
    match x.checked_add(a - 1) {
        Some(v) => v / a * a,
        None => u32::MAX,
    }
}

/// The shape of `ty`, given the shapes of the declarations it names.
pub(crate) fn type_shape(ty: &Type, decl: &dyn Fn(&Name) -> Option<TypeShape>) -> TypeShape {
    match ty {
        Type::Primitive { subtype } => TypeShape::primitive(*subtype),
        Type::String { max_len, .. } => TypeShape {
            inline_size: 16,
            alignment: 8,
            depth: 1,
            max_handles: 0,
            max_out_of_line: max_len.map_or(u32::MAX, align8),
            has_padding: true,
            has_flexible_envelope: false,
        },
        Type::Vector {
            element, max_len, ..
        } => {
            let e = type_shape(element, decl);
            let count = max_len.unwrap_or(u32::MAX);
            TypeShape {
                inline_size: 16,
                alignment: 8,
                depth: e.depth.saturating_add(1),
                max_handles: e.max_handles.saturating_mul(count),
                max_out_of_line: align8(e.inline_size.saturating_mul(count))
                    .saturating_add(align8(e.max_out_of_line).saturating_mul(count)),
                has_padding: e.has_padding || e.inline_size % 8 != 0,
                has_flexible_envelope: e.has_flexible_envelope,
            }
        }
        Type::Array { element, len } => {
            let e = type_shape(element, decl);
            TypeShape {
                inline_size: e.inline_size.saturating_mul(*len),
                alignment: e.alignment,
                depth: e.depth,
                max_handles: e.max_handles.saturating_mul(*len),
                max_out_of_line: e.max_out_of_line.saturating_mul(*len),
                has_padding: e.has_padding,
                has_flexible_envelope: e.has_flexible_envelope,
            }
        }
        Type::Handle(_) | Type::Endpoint { .. } => TypeShape {
            inline_size: 4,
            alignment: 4,
            max_handles: 1,
            ..TypeShape::default()
        },
        Type::Identifier {
            name,
            decl_kind,
            optional,
        } => {
            let d = decl(name).unwrap_or_default();
            match (decl_kind, optional) {
                (IdentifierKind::Struct, true) => TypeShape {
                    inline_size: 8,
                    alignment: 8,
                    depth: d.depth.saturating_add(1),
                    max_handles: d.max_handles,
                    max_out_of_line: align8(d.inline_size).saturating_add(d.max_out_of_line),
                    has_padding: d.has_padding || d.inline_size % 8 != 0,
                    has_flexible_envelope: d.has_flexible_envelope,
                },
                _ => d,
            }
        }
    }
}

/// Inline size and alignment only; needs shapes of declarations used by value.
fn inline_of(ty: &Type, decl: &dyn Fn(&Name) -> Option<TypeShape>) -> Option<(u32, u32)> {
    Some(match ty {
        Type::Primitive { subtype } => (subtype.size(), subtype.size()),
        Type::String { .. } | Type::Vector { .. } => (16, 8),
        Type::Array { element, len } => {
            let (size, align) = inline_of(element, decl)?;
            (size.checked_mul(*len)?, align)
        }
        Type::Handle(_) | Type::Endpoint { .. } => (4, 4),
        Type::Identifier {
            name,
            decl_kind,
            optional,
        } => match (decl_kind, optional) {
            (IdentifierKind::Struct, true) => (8, 8),
            (IdentifierKind::Table | IdentifierKind::Union, _) => (16, 8),
            _ => {
                let d = decl(name).unwrap_or_default();
                (d.inline_size, d.alignment)
            }
        },
    })
}

/// An edge of the declaration graph: `from` uses `to`; strong edges are uses by value
/// (which must not form cycles).
struct Edge {
    to: usize,
    strong: bool,
    member: String,
}

fn collect_edges(
    ty: &Type,
    strong: bool,
    member: &str,
    nodes: &HashMap<Name, usize>,
    out: &mut Vec<Edge>,
) {
    match ty {
        Type::Vector { element, .. } => collect_edges(element, false, member, nodes, out),
        Type::Array { element, .. } => collect_edges(element, strong, member, nodes, out),
        Type::Identifier { name, optional, .. } => {
            if let Some(&to) = nodes.get(name) {
                out.push(Edge {
                    to,
                    strong: strong && !optional,
                    member: member.to_string(),
                });
            }
        }
        _ => {}
    }
}

/// Member types of a struct/table/union declaration, with member names.
fn member_types(kind: &DeclKind) -> Vec<(&str, &Type)> {
    match kind {
        DeclKind::Struct(s) => s.members.iter().map(|m| (m.name.as_str(), &m.ty)).collect(),
        DeclKind::Table(t) => t
            .members
            .iter()
            .filter_map(|m| m.field.as_ref().map(|f| (f.name.as_str(), &f.ty)))
            .collect(),
        DeclKind::Union(u) => u
            .members
            .iter()
            .filter_map(|m| m.field.as_ref().map(|f| (f.name.as_str(), &f.ty)))
            .collect(),
        _ => Vec::new(),
    }
}

/// The declaration graph's strongly connected components, dependencies first.
#[derive(Debug)]
pub(crate) struct Components {
    /// Node `i` is declaration `nodes[i] = (library index, declaration index)`.
    pub(crate) nodes: Vec<(usize, usize)>,
    /// Components in dependency order; each is a list of node indices.
    pub(crate) sccs: Vec<Vec<usize>>,
    /// Whether each node is part of a cycle.
    pub(crate) recursive: Vec<bool>,
    /// Plain adjacency (all edges).
    pub(crate) adjacency: Vec<Vec<usize>>,
}

/// Checks for by-value cycles and computes every struct/table/union/enum/bits shape, struct
/// member offsets and `recursive` flags.
pub(crate) fn compute(libs: &mut [Library], diags: &mut Diagnostics) -> Option<Components> {
    // Enums and bits first: their shape is their subtype's.
    for lib in libs.iter_mut() {
        for d in &mut lib.declarations {
            match &mut d.kind {
                DeclKind::Enum(e) => e.shape = TypeShape::primitive(e.subtype),
                DeclKind::Bits(b) => b.shape = TypeShape::primitive(b.subtype),
                _ => {}
            }
        }
    }
    let mut nodes = Vec::new();
    let mut index = HashMap::new();
    for (li, lib) in libs.iter().enumerate() {
        for (di, d) in lib.declarations.iter().enumerate() {
            if matches!(
                d.kind,
                DeclKind::Struct(_) | DeclKind::Table(_) | DeclKind::Union(_)
            ) {
                index.insert(d.name.clone(), nodes.len());
                nodes.push((li, di));
            }
        }
    }
    let edges: Vec<Vec<Edge>> = nodes
        .iter()
        .map(|&(li, di)| {
            let mut out = Vec::new();
            for (member, ty) in member_types(&libs[li].declarations[di].kind) {
                collect_edges(ty, true, member, &index, &mut out);
            }
            out
        })
        .collect();

    let order = strong_topo_order(&nodes, &edges, libs, diags)?;

    // Inline sizes and alignments, dependencies first along strong edges.
    let mut shapes: HashMap<Name, TypeShape> = HashMap::new();
    for lib in libs.iter() {
        for d in &lib.declarations {
            if let DeclKind::Enum(_) | DeclKind::Bits(_) = d.kind {
                shapes.insert(d.name.clone(), *d.shape().unwrap_or(&TypeShape::default()));
            }
        }
    }
    for &n in &order {
        let (li, di) = nodes[n];
        let decl = &mut libs[li].declarations[di];
        let lookup = |name: &Name| shapes.get(name).copied();
        let result = match &mut decl.kind {
            DeclKind::Struct(s) => layout_struct(s, &lookup),
            DeclKind::Table(_) | DeclKind::Union(_) => Some((16, 8)),
            _ => None,
        };
        let Some((size, align)) = result else {
            diags.push(
                ErrorKind::TypeTooLarge,
                Some(decl.location.clone()),
                format!(
                    "`{}` is too large: its inline size does not fit in 32 bits",
                    decl.name.name
                ),
            );
            return None;
        };
        let shape = TypeShape {
            inline_size: size,
            alignment: align,
            ..TypeShape::default()
        };
        set_shape(&mut decl.kind, shape);
        shapes.insert(decl.name.clone(), shape);
    }

    // Everything else, component by component.
    let adjacency: Vec<Vec<usize>> = edges
        .iter()
        .map(|es| es.iter().map(|e| e.to).collect())
        .collect();
    let sccs = tarjan(&adjacency);
    let mut recursive = vec![false; nodes.len()];
    for scc in &sccs {
        let is_cycle = scc.len() > 1 || adjacency[scc[0]].contains(&scc[0]);
        let mut computed = Vec::with_capacity(scc.len());
        for &n in scc {
            let (li, di) = nodes[n];
            let kind = &libs[li].declarations[di].kind;
            let lookup = |name: &Name| shapes.get(name).copied();
            computed.push(full_shape(kind, &lookup));
        }
        if is_cycle {
            let handles = computed.iter().any(|s| s.max_handles > 0);
            let padding = computed.iter().any(|s| s.has_padding);
            let flexible = computed.iter().any(|s| s.has_flexible_envelope);
            for s in &mut computed {
                s.depth = u32::MAX;
                s.max_out_of_line = u32::MAX;
                s.max_handles = if handles { u32::MAX } else { 0 };
                s.has_padding = padding;
                s.has_flexible_envelope = flexible;
            }
        }
        for (&n, shape) in scc.iter().zip(computed) {
            recursive[n] = is_cycle;
            let (li, di) = nodes[n];
            let decl = &mut libs[li].declarations[di];
            set_shape(&mut decl.kind, shape);
            match &mut decl.kind {
                DeclKind::Struct(s) => s.recursive = is_cycle,
                DeclKind::Table(t) => t.recursive = is_cycle,
                DeclKind::Union(u) => u.recursive = is_cycle,
                _ => {}
            }
            shapes.insert(decl.name.clone(), shape);
        }
    }
    Some(Components {
        nodes,
        sccs,
        recursive,
        adjacency,
    })
}

fn set_shape(kind: &mut DeclKind, shape: TypeShape) {
    match kind {
        DeclKind::Struct(s) => s.shape = shape,
        DeclKind::Table(t) => t.shape = shape,
        DeclKind::Union(u) => u.shape = shape,
        _ => {}
    }
}

/// Lays out a struct's members (offsets and padding); returns its inline size and alignment,
/// or `None` when the size overflows.
fn layout_struct(
    s: &mut crate::model::Struct,
    lookup: &dyn Fn(&Name) -> Option<TypeShape>,
) -> Option<(u32, u32)> {
    if s.members.is_empty() {
        return Some((1, 1));
    }
    let mut sizes = Vec::with_capacity(s.members.len());
    for m in &s.members {
        sizes.push(inline_of(&m.ty, lookup)?);
    }
    let align = sizes.iter().map(|&(_, a)| a).max().unwrap_or(1).max(1);
    let mut offset: u32 = 0;
    for i in 0..s.members.len() {
        let (size, member_align) = sizes[i];
        offset = align_to_checked(offset, member_align)?;
        s.members[i].offset = offset;
        let end = offset.checked_add(size)?;
        let next_align = sizes.get(i + 1).map_or(align, |&(_, a)| a);
        let padded = align_to_checked(end, next_align)?;
        s.members[i].padding = padded - end;
        offset = padded;
    }
    Some((align_to_checked(offset, align)?, align))
}

fn align_to_checked(x: u32, a: u32) -> Option<u32> {
    let a = a.max(1);
    Some(x.checked_add(a - 1)? / a * a)
}

/// The shape of a struct/table/union from the current shapes of what it uses (inline size and
/// alignment are already known).
fn full_shape(kind: &DeclKind, lookup: &dyn Fn(&Name) -> Option<TypeShape>) -> TypeShape {
    match kind {
        DeclKind::Struct(s) => {
            let mut out = TypeShape {
                inline_size: s.shape.inline_size,
                alignment: s.shape.alignment,
                ..TypeShape::default()
            };
            for m in &s.members {
                let t = type_shape(&m.ty, lookup);
                out.depth = out.depth.max(t.depth);
                out.max_handles = out.max_handles.saturating_add(t.max_handles);
                out.max_out_of_line = out.max_out_of_line.saturating_add(t.max_out_of_line);
                out.has_padding |= m.padding > 0 || t.has_padding;
                out.has_flexible_envelope |= t.has_flexible_envelope;
            }
            out
        }
        DeclKind::Table(t) => {
            let mut out = TypeShape {
                inline_size: 16,
                alignment: 8,
                depth: 1,
                has_flexible_envelope: true,
                ..TypeShape::default()
            };
            let mut max_ordinal = 0;
            let mut content: u32 = 0;
            for m in &t.members {
                let Some(f) = &m.field else { continue };
                max_ordinal = max_ordinal.max(m.ordinal);
                let s = type_shape(&f.ty, lookup);
                out.depth = out.depth.max(s.depth.saturating_add(2));
                out.max_handles = out.max_handles.saturating_add(s.max_handles);
                if s.inline_size > 4 {
                    content = content
                        .saturating_add(align8(s.inline_size))
                        .saturating_add(align8(s.max_out_of_line));
                }
                out.has_padding |= s.inline_size % 8 != 0 || s.has_padding;
                out.has_flexible_envelope |= s.has_flexible_envelope;
            }
            out.max_out_of_line = max_ordinal.saturating_mul(8).saturating_add(content);
            out
        }
        DeclKind::Union(u) => {
            let mut out = TypeShape {
                inline_size: 16,
                alignment: 8,
                depth: 1,
                has_flexible_envelope: !u.strict,
                ..TypeShape::default()
            };
            for m in &u.members {
                let Some(f) = &m.field else { continue };
                let s = type_shape(&f.ty, lookup);
                out.depth = out.depth.max(s.depth.saturating_add(1));
                out.max_handles = out.max_handles.max(s.max_handles);
                if s.inline_size > 4 {
                    out.max_out_of_line = out
                        .max_out_of_line
                        .max(align8(s.inline_size).saturating_add(s.max_out_of_line));
                }
                // Inlined envelope content (<= 4 bytes) is padded to 4; out-of-line content to 8.
                let inline_padding = if s.inline_size <= 4 {
                    s.inline_size < 4
                } else {
                    s.inline_size % 8 != 0
                };
                out.has_padding |= inline_padding || s.has_padding;
                out.has_flexible_envelope |= s.has_flexible_envelope;
            }
            out
        }
        _ => TypeShape::default(),
    }
}

/// Topological order of the strong (by-value) edges, dependencies first; reports a cycle.
fn strong_topo_order(
    nodes: &[(usize, usize)],
    edges: &[Vec<Edge>],
    libs: &[Library],
    diags: &mut Diagnostics,
) -> Option<Vec<usize>> {
    const WHITE: u8 = 0;
    const GRAY: u8 = 1;
    const BLACK: u8 = 2;
    let mut color = vec![WHITE; nodes.len()];
    let mut order = Vec::with_capacity(nodes.len());
    // (node, next edge index, the edge that led here)
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in 0..nodes.len() {
        if color[root] != WHITE {
            continue;
        }
        color[root] = GRAY;
        stack.push((root, 0));
        while let Some(top) = stack.last_mut() {
            let v = top.0;
            if let Some(e) = edges[v].get(top.1) {
                top.1 += 1;
                if !e.strong {
                    continue;
                }
                match color[e.to] {
                    WHITE => {
                        color[e.to] = GRAY;
                        stack.push((e.to, 0));
                    }
                    GRAY => {
                        // The cycle is the part of the stack from `e.to` to `v`, then back.
                        let start = stack.iter().position(|&(n, _)| n == e.to).unwrap_or(0);
                        let decl_name = |n: usize| {
                            let (li, di) = nodes[n];
                            libs[li].declarations[di].name.name.clone()
                        };
                        let mut path = Vec::new();
                        for &(n, next) in &stack[start..] {
                            let via = edges[n]
                                .get(next.wrapping_sub(1))
                                .map_or(String::new(), |e| e.member.clone());
                            path.push(format!("{}.{}", decl_name(n), via));
                        }
                        let (li, di) = nodes[e.to];
                        let d = &libs[li].declarations[di];
                        diags.push(
                            ErrorKind::IncludeCycle,
                            Some(d.location.clone()),
                            format!(
                                "`{}` contains itself by value ({} -> {}), so it would be infinitely large; \
                                 break the cycle with `box<...>` (structs) or `:optional` (unions), or a vector",
                                d.name.name,
                                path.join(" -> "),
                                d.name.name
                            ),
                        );
                        return None;
                    }
                    _ => {}
                }
            } else {
                color[v] = BLACK;
                order.push(v);
                stack.pop();
            }
        }
    }
    Some(order)
}

/// Tarjan's strongly connected components, iteratively; components come out dependencies
/// first (every component after all components it reaches).
pub(crate) fn tarjan(adj: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = adj.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut sccs = Vec::new();
    let mut call: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        call.push((root, 0));
        while let Some(top) = call.last_mut() {
            let v = top.0;
            if let Some(&w) = adj[v].get(top.1) {
                top.1 += 1;
                if index[w] == UNSEEN {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    call.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                call.pop();
                if let Some(&(u, _)) = call.last() {
                    low[u] = low[u].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut comp = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        comp.push(w);
                        if w == v {
                            break;
                        }
                    }
                    comp.reverse();
                    sccs.push(comp);
                }
            }
        }
    }
    sccs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alignment_saturates() {
        assert_eq!(align8(0), 0);
        assert_eq!(align8(1), 8);
        assert_eq!(align8(16), 16);
        assert_eq!(align8(u32::MAX - 3), u32::MAX);
        assert_eq!(align_to(5, 4), 8);
    }

    #[test]
    fn tarjan_orders_dependencies_first() {
        // 0 -> 1 -> 2 -> 1, 3 -> 0
        let adj = vec![vec![1], vec![2], vec![1], vec![0]];
        let sccs = tarjan(&adj);
        assert_eq!(sccs, vec![vec![1, 2], vec![0], vec![3]]);
        // A long chain does not recurse.
        let n = 200_000;
        let chain: Vec<Vec<usize>> = (0..n)
            .map(|i| if i + 1 < n { vec![i + 1] } else { vec![] })
            .collect();
        assert_eq!(tarjan(&chain).len(), n);
    }
}
