//! Resolution: from syntax trees of several files (and libraries) to the [`model`].
//!
//! Names are looked up (`Foo`, `zx.Handle`, `rights.TRANSFER`, `test.conformance.Foo`),
//! constants evaluated, aliases expanded with their constraints merged into the use site's,
//! inline layouts named by FIDL's naming-context rule, and every per-declaration rule checked.
//! Errors are collected, so one run reports many of them.

use crate::ast::{
    self, Constant, LayoutKind, LayoutParam, LayoutRef, Literal, MemberBody, Modifier,
};
use crate::error::{Diagnostics, Error, ErrorKind};
use crate::model::{self, *};
use crate::naming;
use crate::shape::TypeShape;
use crate::source::{FileId, Location, SourceMap, Span};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// Deepest chain of constant/alias/enum definitions and nested type constructors followed
/// while resolving one of them.
const MAX_DEFINITION_DEPTH: usize = 256;

/// How much resolved data (types, constant strings) one compilation may build. Aliases and
/// constants are expanded where they are used, so a small file could otherwise ask for a huge
/// model (`alias A = <deep type>;` used a million times).
const MAX_RESOLVED_BYTES: usize = 64 << 20;

/// Deepest nesting of a resolved type (`vector<vector<...>>`, aliases expanded).
const MAX_TYPE_DEPTH: usize = 128;

/// Nesting depth of a resolved type (1 for a leaf).
fn type_depth(ty: &Type) -> usize {
    match ty {
        Type::Vector { element, .. } | Type::Array { element, .. } => 1 + type_depth(element),
        _ => 1,
    }
}

/// Parsed files of one compilation, grouped into libraries.
struct ParsedLibrary {
    name: String,
    files: Vec<(FileId, ast::File)>,
}

/// Parses and resolves `main` files (their library is the target) plus whatever libraries
/// from `deps` they use. Returns the libraries in dependency order, target last.
pub(crate) fn compile(
    map: &SourceMap,
    main: &[FileId],
    deps: &[FileId],
) -> Result<(Vec<Library>, crate::shape::Components), Error> {
    let mut diags = Diagnostics::default();
    let mut parse_all = |ids: &[FileId]| {
        let mut libs: Vec<ParsedLibrary> = Vec::new();
        for &id in ids {
            match crate::parser::parse(map, id) {
                Ok(file) => {
                    let name = file.library.dotted();
                    match libs.iter_mut().find(|l| l.name == name) {
                        Some(l) => l.files.push((id, file)),
                        None => libs.push(ParsedLibrary {
                            name,
                            files: vec![(id, file)],
                        }),
                    }
                }
                Err(e) => diags.extend(e),
            }
        }
        libs
    };
    let main_libs = parse_all(main);
    let dep_libs = parse_all(deps);
    if !diags.is_empty() {
        return Err(Error::new(diags.list));
    }
    if main_libs.is_empty() {
        return Err(Error::single(
            ErrorKind::LibraryMismatch,
            None,
            "no .fidl files were given",
        ));
    }

    // The target is the one given library no other given library uses.
    let used: HashSet<String> = main_libs
        .iter()
        .flat_map(|l| {
            l.files
                .iter()
                .flat_map(|(_, f)| f.usings.iter().map(|u| u.library.dotted()))
                .filter(|used| *used != l.name)
        })
        .collect();
    let roots: Vec<&ParsedLibrary> = main_libs
        .iter()
        .filter(|l| !used.contains(&l.name))
        .collect();
    if roots.len() != 1 {
        let names: Vec<String> = main_libs.iter().map(|l| format!("`{}`", l.name)).collect();
        return Err(Error::single(
            ErrorKind::LibraryMismatch,
            None,
            format!(
                "the files given declare libraries {}, and not exactly one of them is used by none of the \
                 others; give the files of one library (its dependencies may be given too, or as dependency \
                 directories)",
                names.join(", ")
            ),
        ));
    }
    let target = roots[0].name.clone();

    // Order the needed libraries, dependencies first.
    let find = |name: &str| {
        main_libs
            .iter()
            .find(|l| l.name == name)
            .or_else(|| dep_libs.iter().find(|l| l.name == name))
    };
    let mut order: Vec<&ParsedLibrary> = Vec::new();
    let mut state: HashMap<String, bool> = HashMap::new(); // false = in progress, true = done
    // Iterative DFS: (library, index of the next `using` to visit).
    let mut stack: Vec<(&ParsedLibrary, usize)> = vec![(roots[0], 0)];
    state.insert(target.clone(), false);
    while let Some(top) = stack.last_mut() {
        let lib = top.0;
        let usings: Vec<&ast::Using> = lib
            .files
            .iter()
            .flat_map(|(_, f)| f.usings.iter())
            .collect();
        if let Some(u) = usings.get(top.1) {
            top.1 += 1;
            let name = u.library.dotted();
            if name == lib.name {
                // Reported when the library is resolved.
                continue;
            }
            match state.get(&name) {
                Some(true) => {}
                Some(false) => {
                    diags.push(
                        ErrorKind::LibraryMismatch,
                        Some(map.location(u.library.span)),
                        format!(
                            "libraries `{}` and `{name}` depend on each other in a cycle",
                            lib.name
                        ),
                    );
                    return Err(Error::new(diags.list));
                }
                None => match find(&name) {
                    Some(dep) => {
                        state.insert(name, false);
                        stack.push((dep, 0));
                    }
                    None => {
                        diags.push(
                            ErrorKind::UnknownName,
                            Some(map.location(u.library.span)),
                            format!(
                                "unknown library `{name}`: no file given declares `library {name};` \
                                 (pass the directory holding it as a dependency)"
                            ),
                        );
                        state.insert(name, true);
                    }
                },
            }
        } else {
            state.insert(lib.name.clone(), true);
            order.push(lib);
            stack.pop();
        }
    }
    if !diags.is_empty() {
        return Err(Error::new(diags.list));
    }

    let mut r = Resolver {
        map,
        diags,
        decls: HashMap::new(),
        canonical: HashMap::new(),
        scopes: Vec::new(),
        inline_names: HashMap::new(),
        libraries: HashSet::new(),
        consts: HashMap::new(),
        aliases: HashMap::new(),
        enums: HashMap::new(),
        resources: HashMap::new(),
        in_progress: HashSet::new(),
        depth: 0,
        budget: MAX_RESOLVED_BYTES,
    };
    let mut libs = Vec::new();
    for parsed in order {
        libs.push(r.library(parsed));
    }
    if !r.diags.is_empty() {
        return Err(Error::new(r.diags.list));
    }
    let mut diags = r.diags;
    let Some(components) = crate::shape::compute(&mut libs, &mut diags) else {
        return Err(Error::new(diags.list));
    };
    crate::resourceness::check(&libs, &mut diags);
    diags.into_result((libs, components))
}

/// What a name refers to.
#[derive(Clone, Copy)]
enum Source<'a> {
    Layout(&'a ast::Layout),
    Alias(&'a ast::TypeCtor),
    Const(&'a ast::TypeCtor, &'a ast::Constant),
    Protocol(&'a ast::Protocol),
    Resource(&'a ast::ResourceDefinition),
}

struct Entry<'a> {
    source: Source<'a>,
    scope: usize,
    span: Span,
    attrs: &'a ast::Attributes,
    naming_context: Vec<String>,
}

/// The names visible in one file.
struct Scope {
    library: String,
    /// Imported library names and aliases, mapped to library names.
    imports: HashMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Builtin {
    Primitive(PrimitiveSubtype),
    String,
    Vector,
    Array,
    Box,
    ClientEnd,
    ServerEnd,
    Max,
}

impl Builtin {
    fn from_name(name: &str) -> Option<Builtin> {
        if let Some(p) = PrimitiveSubtype::from_name(name) {
            return Some(Builtin::Primitive(p));
        }
        Some(match name {
            "string" => Builtin::String,
            "vector" => Builtin::Vector,
            "array" => Builtin::Array,
            "box" => Builtin::Box,
            "client_end" => Builtin::ClientEnd,
            "server_end" => Builtin::ServerEnd,
            "MAX" => Builtin::Max,
            _ => return None,
        })
    }
}

enum Target {
    Decl(Name),
    Member(Name, String),
    Builtin(Builtin),
}

/// A type under construction: constraints may still be added (alias use sites).
#[derive(Debug, Clone)]
enum Partial {
    Prim(PrimitiveSubtype),
    String {
        max: Option<u32>,
        opt: bool,
    },
    Vector {
        elem: Box<Type>,
        max: Option<u32>,
        opt: bool,
    },
    Array {
        elem: Box<Type>,
        len: u32,
    },
    Handle {
        resource: Name,
        obj: Option<(u32, String)>,
        rights: Option<u32>,
        opt: bool,
    },
    Endpoint {
        role: EndpointRole,
        proto: Option<Name>,
        opt: bool,
    },
    Ident {
        name: Name,
        kind: IdentifierKind,
        opt: bool,
    },
}

impl Partial {
    fn describe(&self) -> String {
        match self {
            Partial::Prim(p) => format!("`{}`", p.name()),
            Partial::String { .. } => "`string`".into(),
            Partial::Vector { .. } => "`vector`".into(),
            Partial::Array { .. } => "`array`".into(),
            Partial::Handle { resource, .. } => format!("handle `{}`", resource.name),
            Partial::Endpoint {
                role: EndpointRole::Client,
                ..
            } => "`client_end`".into(),
            Partial::Endpoint {
                role: EndpointRole::Server,
                ..
            } => "`server_end`".into(),
            Partial::Ident { name, kind, .. } => format!("{} `{}`", kind_word(*kind), name.name),
        }
    }
}

fn kind_word(kind: IdentifierKind) -> &'static str {
    match kind {
        IdentifierKind::Struct => "struct",
        IdentifierKind::Table => "table",
        IdentifierKind::Union => "union",
        IdentifierKind::Enum => "enum",
        IdentifierKind::Bits => "bits",
    }
}

/// The type of a constant.
#[derive(Debug, Clone, PartialEq)]
enum ConstType {
    Bool,
    Int(PrimitiveSubtype),
    Float(PrimitiveSubtype),
    String(Option<u32>),
    Enum(Name, PrimitiveSubtype),
    Bits(Name, PrimitiveSubtype),
}

impl ConstType {
    fn describe(&self) -> String {
        match self {
            ConstType::Bool => "`bool`".into(),
            ConstType::Int(p) | ConstType::Float(p) => format!("`{}`", p.name()),
            ConstType::String(_) => "`string`".into(),
            ConstType::Enum(n, _) => format!("enum `{}`", n.name),
            ConstType::Bits(n, _) => format!("bits `{}`", n.name),
        }
    }

    fn int_subtype(&self) -> Option<PrimitiveSubtype> {
        match self {
            ConstType::Int(p) | ConstType::Enum(_, p) | ConstType::Bits(_, p) => Some(*p),
            _ => None,
        }
    }
}

/// Resolved facts about an enum or bits declaration.
#[derive(Debug, Clone)]
struct EnumInfo {
    subtype: PrimitiveSubtype,
    bits: bool,
    strict: bool,
    /// Members in declaration order.
    members: Vec<(String, i128)>,
    by_name: HashMap<String, i128>,
    by_value: HashMap<i128, String>,
    /// OR of every member.
    mask: i128,
}

#[derive(Debug, Clone)]
struct ResourceInfo {
    subtype: PrimitiveSubtype,
    object_types: Option<Name>,
    rights: Option<Name>,
}

struct Resolver<'a> {
    map: &'a SourceMap,
    diags: Diagnostics,
    decls: HashMap<Name, Entry<'a>>,
    /// Canonical (snake_case) name of every declaration, per library, to catch collisions.
    canonical: HashMap<(String, String), Name>,
    scopes: Vec<Scope>,
    /// Names given to inline layouts, keyed by the layout's address in the syntax tree.
    inline_names: HashMap<usize, Name>,
    /// Libraries registered so far.
    libraries: HashSet<String>,
    consts: HashMap<Name, Option<(ConstType, ConstValue)>>,
    aliases: HashMap<Name, Option<Partial>>,
    enums: HashMap<Name, Option<Rc<EnumInfo>>>,
    resources: HashMap<Name, Option<ResourceInfo>>,
    in_progress: HashSet<Name>,
    depth: usize,
    /// Bytes of resolved types and constant strings still allowed (see
    /// [`MAX_RESOLVED_BYTES`]).
    budget: usize,
}

fn layout_key(layout: &ast::Layout) -> usize {
    layout as *const ast::Layout as usize
}

impl<'a> Resolver<'a> {
    fn loc(&self, span: Span) -> Location {
        self.map.location(span)
    }

    fn err(&mut self, kind: ErrorKind, span: Span, msg: impl Into<String>) {
        let loc = self.loc(span);
        self.diags.push(kind, Some(loc), msg);
    }

    // ------------------------------------------------------------ registration

    fn library(&mut self, parsed: &'a ParsedLibrary) -> Library {
        self.libraries.insert(parsed.name.clone());
        let mut order: Vec<Name> = Vec::new();
        let mut dependencies: Vec<String> = Vec::new();
        for (_, file) in &parsed.files {
            let scope = self.scopes.len();
            let mut imports = HashMap::new();
            for u in &file.usings {
                let lib = u.library.dotted();
                if lib == parsed.name {
                    self.err(
                        ErrorKind::LibraryMismatch,
                        u.library.span,
                        format!("library `{lib}` cannot use itself"),
                    );
                    continue;
                }
                let key = u
                    .alias
                    .as_ref()
                    .map_or_else(|| lib.clone(), |a| a.name.clone());
                if imports.insert(key.clone(), lib.clone()).is_some() {
                    self.err(
                        ErrorKind::DuplicateName,
                        u.library.span,
                        format!("library `{key}` is imported twice"),
                    );
                }
                if !dependencies.contains(&lib) {
                    dependencies.push(lib);
                }
            }
            self.scopes.push(Scope {
                library: parsed.name.clone(),
                imports,
            });
            for decl in &file.decls {
                self.register_decl(&parsed.name, scope, decl, &mut order);
            }
        }
        let declarations = order
            .iter()
            .filter_map(|name| self.resolve_decl(name))
            .collect();
        let mut docs = Vec::new();
        let mut attributes = Vec::new();
        for (_, file) in &parsed.files {
            let (doc, attrs) = self.attributes(&file.library_attrs);
            docs.extend(doc);
            attributes.extend(attrs);
        }
        Library {
            name: parsed.name.clone(),
            files: parsed
                .files
                .iter()
                .map(|(id, _)| self.map.file(*id).name.clone())
                .collect(),
            dependencies,
            doc: (!docs.is_empty()).then(|| docs.join("\n")),
            attributes,
            declarations,
        }
    }

    fn register(&mut self, name: Name, entry: Entry<'a>, order: &mut Vec<Name>) -> bool {
        let canonical = (name.library.clone(), naming::snake_case(&name.name));
        if let Some(prev) = self.canonical.get(&canonical) {
            let prev_loc = self.decls.get(prev).map(|e| self.loc(e.span));
            let at = prev_loc.map_or(String::new(), |l| format!(" at {l}"));
            let msg = if prev.name == name.name {
                format!(
                    "duplicate declaration `{}`; it is already declared{at}",
                    name.name
                )
            } else {
                format!(
                    "the name `{}` collides with `{}` declared{at}: names must differ by more than case and \
                     underscores",
                    name.name, prev.name
                )
            };
            self.err(ErrorKind::DuplicateName, entry.span, msg);
            return false;
        }
        self.canonical.insert(canonical, name.clone());
        order.push(name.clone());
        self.decls.insert(name, entry);
        true
    }

    fn register_decl(
        &mut self,
        library: &str,
        scope: usize,
        decl: &'a ast::Decl,
        order: &mut Vec<Name>,
    ) {
        let name = Name::new(library, decl.name.name.clone());
        let source = match &decl.kind {
            ast::DeclKind::Alias(ty) => Source::Alias(ty),
            ast::DeclKind::Const { ty, value } => Source::Const(ty, value),
            ast::DeclKind::Type(layout) => Source::Layout(layout),
            ast::DeclKind::Protocol(p) => Source::Protocol(p),
            ast::DeclKind::ResourceDefinition(r) => Source::Resource(r),
        };
        let entry = Entry {
            source,
            scope,
            span: decl.name.span,
            attrs: &decl.attrs,
            naming_context: vec![decl.name.name.clone()],
        };
        if !self.register(name, entry, order) {
            return;
        }
        // Inline layouts, in pre-order.
        match &decl.kind {
            ast::DeclKind::Type(layout) => self.register_members(
                library,
                scope,
                layout,
                std::slice::from_ref(&decl.name.name),
                order,
            ),
            ast::DeclKind::Alias(ty) | ast::DeclKind::Const { ty, .. } => {
                if let Some(span) = first_inline(ty) {
                    self.err(
                        ErrorKind::Unsupported,
                        span,
                        "an inline layout cannot appear here; declare it with `type Name = ...;` and refer to it by name",
                    );
                }
            }
            ast::DeclKind::Protocol(p) => {
                for m in &p.methods {
                    let base = format!("{}{}", decl.name.name, naming::upper_camel(&m.name.name));
                    let payloads = [
                        (
                            m.request.as_ref().and_then(Option::as_ref),
                            if m.request.is_some() { "Request" } else { "" },
                        ),
                        (
                            m.response.as_ref().and_then(Option::as_ref),
                            if m.request.is_some() {
                                "Response"
                            } else {
                                "Request"
                            },
                        ),
                        (m.error.as_ref(), "Error"),
                    ];
                    for (ty, suffix) in payloads {
                        if let Some(ty) = ty {
                            let ctx = vec![
                                decl.name.name.clone(),
                                m.name.name.clone(),
                                suffix.to_string(),
                            ];
                            self.register_type(
                                library,
                                scope,
                                ty,
                                &ctx,
                                Some(format!("{base}{suffix}")),
                                order,
                            );
                        }
                    }
                }
            }
            ast::DeclKind::ResourceDefinition(_) => {}
        }
    }

    fn register_members(
        &mut self,
        library: &str,
        scope: usize,
        layout: &'a ast::Layout,
        context: &[String],
        order: &mut Vec<Name>,
    ) {
        if let Some(sub) = &layout.subtype {
            if let Some(span) = first_inline(sub) {
                self.err(
                    ErrorKind::Unsupported,
                    span,
                    "a layout's subtype must be a named type",
                );
            }
        }
        for m in &layout.members {
            if let MemberBody::Field { name, ty, .. } = &m.body {
                let mut ctx = context.to_vec();
                ctx.push(name.name.clone());
                self.register_type(library, scope, ty, &ctx, None, order);
            }
        }
    }

    /// Registers the inline layouts inside `ty`, named after `context`'s last element (or
    /// `name` when given), unless `@generated_name` says otherwise.
    fn register_type(
        &mut self,
        library: &str,
        scope: usize,
        ty: &'a ast::TypeCtor,
        context: &[String],
        name: Option<String>,
        order: &mut Vec<Name>,
    ) {
        match &ty.layout {
            LayoutRef::Inline {
                attrs,
                layout,
                span,
            } => {
                let mut generated = None;
                for a in &attrs.list {
                    if a.name.name == "generated_name" {
                        match a.args.as_slice() {
                            [ast::AttributeArg { value: Constant::Literal(Literal::String(s), _), .. }]
                                if is_identifier(s) =>
                            {
                                generated = Some(s.clone())
                            }
                            _ => self.err(
                                ErrorKind::InvalidAttribute,
                                a.span,
                                "@generated_name takes one string argument that is a valid identifier",
                            ),
                        }
                    }
                }
                let decl_name = generated.unwrap_or_else(|| {
                    name.clone().unwrap_or_else(|| {
                        naming::upper_camel(context.last().map_or("", String::as_str))
                    })
                });
                let full = Name::new(library, decl_name);
                self.inline_names.insert(layout_key(layout), full.clone());
                let entry = Entry {
                    source: Source::Layout(layout),
                    scope,
                    span: *span,
                    attrs,
                    naming_context: context.to_vec(),
                };
                if self.register(full.clone(), entry, order) {
                    self.register_members(library, scope, layout, context, order);
                }
            }
            LayoutRef::Named(_) => {
                for p in &ty.params {
                    if let LayoutParam::Type(inner) = p {
                        self.register_type(library, scope, inner, context, name.clone(), order);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------ lookup

    /// Resolves a (possibly dotted) name in `scope`.
    fn lookup(&mut self, scope: usize, id: &ast::CompoundIdent, what: &str) -> Option<Target> {
        let parts: Vec<&str> = id.parts.iter().map(|p| p.name.as_str()).collect();
        let library = self.scopes[scope].library.clone();
        if parts.len() == 1 {
            let name = Name::new(library, parts[0]);
            if self.decls.contains_key(&name) {
                return Some(Target::Decl(name));
            }
            if let Some(b) = Builtin::from_name(parts[0]) {
                return Some(Target::Builtin(b));
            }
            self.err(
                ErrorKind::UnknownName,
                id.span,
                format!("unknown {what} `{}`", parts[0]),
            );
            return None;
        }
        // `Decl.MEMBER` in this library.
        if parts.len() == 2 {
            let name = Name::new(library.clone(), parts[0]);
            if self.decls.contains_key(&name) {
                return Some(Target::Member(name, parts[1].to_string()));
            }
        }
        // `lib.Decl` or `lib.Decl.MEMBER`, longest library prefix first.
        for k in (1..parts.len()).rev() {
            let prefix = parts[..k].join(".");
            let lib = if prefix == library {
                Some(prefix.clone())
            } else {
                self.scopes[scope].imports.get(&prefix).cloned()
            };
            let Some(lib) = lib else {
                if self.libraries.contains(&prefix) {
                    self.err(
                        ErrorKind::UnknownName,
                        id.span,
                        format!(
                            "library `{prefix}` is not imported in this file; add `using {prefix};`"
                        ),
                    );
                    return None;
                }
                continue;
            };
            let rest = &parts[k..];
            let name = Name::new(lib.clone(), rest[0]);
            if !self.decls.contains_key(&name) {
                self.err(
                    ErrorKind::UnknownName,
                    id.span,
                    format!(
                        "unknown {what} `{}`: library `{lib}` has no `{}`",
                        id.dotted(),
                        rest[0]
                    ),
                );
                return None;
            }
            return match rest.len() {
                1 => Some(Target::Decl(name)),
                2 => Some(Target::Member(name, rest[1].to_string())),
                _ => {
                    self.err(
                        ErrorKind::UnknownName,
                        id.span,
                        format!("unknown {what} `{}`", id.dotted()),
                    );
                    None
                }
            };
        }
        self.err(
            ErrorKind::UnknownName,
            id.span,
            format!("unknown {what} `{}`", id.dotted()),
        );
        None
    }

    fn entry_kind(&self, name: &Name) -> Option<Source<'a>> {
        self.decls.get(name).map(|e| e.source)
    }

    /// Takes `bytes` from the budget; `None` (with one error) once it is spent.
    fn charge(&mut self, bytes: usize, span: Span) -> Option<()> {
        if self.budget == 0 {
            return None;
        }
        match self.budget.checked_sub(bytes) {
            Some(rest) => {
                self.budget = rest;
                Some(())
            }
            None => {
                self.budget = 0;
                self.err(
                    ErrorKind::TypeTooLarge,
                    span,
                    format!(
                        "the library expands to more than {} MiB of resolved types and \
                         constants (aliases and constants are copied where they are used)",
                        MAX_RESOLVED_BYTES >> 20
                    ),
                );
                None
            }
        }
    }

    /// Enters a nested definition; false (with an error) when definitions nest too deeply.
    fn enter(&mut self, span: Span) -> bool {
        self.depth += 1;
        if self.depth > MAX_DEFINITION_DEPTH {
            self.err(
                ErrorKind::NestingTooDeep,
                span,
                format!(
                    "definitions refer to each other more than {MAX_DEFINITION_DEPTH} levels deep"
                ),
            );
            return false;
        }
        true
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    // ------------------------------------------------------------ types

    /// Resolves a type constructor; the alias it was written with (if any) comes along.
    fn resolve_type(
        &mut self,
        scope: usize,
        ctor: &'a ast::TypeCtor,
    ) -> Option<(Type, Option<Name>)> {
        if !self.enter(ctor.span) {
            self.leave();
            return None;
        }
        let result = self
            .resolve_partial(scope, ctor)
            .and_then(|(partial, alias, boxed)| {
                let partial =
                    self.apply_constraints(scope, partial, &ctor.constraints, boxed, ctor.span)?;
                let ty = self.finish(partial, ctor.span)?;
                self.charge(type_depth(&ty) * std::mem::size_of::<Type>(), ctor.span)?;
                Some((ty, alias))
            });
        self.leave();
        result
    }

    fn finish(&mut self, p: Partial, span: Span) -> Option<Type> {
        Some(match p {
            Partial::Prim(subtype) => Type::Primitive { subtype },
            Partial::String { max, opt } => Type::String {
                max_len: max,
                optional: opt,
            },
            Partial::Vector { elem, max, opt } => Type::Vector {
                element: elem,
                max_len: max,
                optional: opt,
            },
            Partial::Array { elem, len } => Type::Array { element: elem, len },
            Partial::Handle {
                resource,
                obj,
                rights,
                opt,
            } => Type::Handle(HandleType {
                resource,
                object_type: obj.as_ref().map_or(0, |o| o.0),
                subtype: obj.map(|o| o.1),
                rights,
                optional: opt,
            }),
            Partial::Endpoint { role, proto, opt } => {
                let Some(protocol) = proto else {
                    let kw = if role == EndpointRole::Client {
                        "client_end"
                    } else {
                        "server_end"
                    };
                    self.err(
                        ErrorKind::BadConstraint,
                        span,
                        format!("`{kw}` needs a protocol: `{kw}:MyProtocol`"),
                    );
                    return None;
                };
                Type::Endpoint {
                    role,
                    protocol,
                    optional: opt,
                }
            }
            Partial::Ident { name, kind, opt } => Type::Identifier {
                name,
                decl_kind: kind,
                optional: opt,
            },
        })
    }

    /// The type named by a constructor, before its own constraints; plus the alias used and
    /// whether it is a `box`.
    fn resolve_partial(
        &mut self,
        scope: usize,
        ctor: &'a ast::TypeCtor,
    ) -> Option<(Partial, Option<Name>, bool)> {
        let id = match &ctor.layout {
            LayoutRef::Inline { layout, .. } => {
                let name = self.inline_names.get(&layout_key(layout))?.clone();
                let kind = identifier_kind(layout.kind);
                return Some((
                    Partial::Ident {
                        name,
                        kind,
                        opt: false,
                    },
                    None,
                    false,
                ));
            }
            LayoutRef::Named(id) => id,
        };
        let target = self.lookup(scope, id, "type")?;
        let want_params = |this: &mut Self, n: usize, what: &str| {
            if ctor.params.len() != n {
                this.err(
                    ErrorKind::BadLayoutParameter,
                    ctor.span,
                    format!(
                        "{what} takes {n} layout parameter{}, found {}",
                        if n == 1 { "" } else { "s" },
                        ctor.params.len()
                    ),
                );
                return false;
            }
            true
        };
        match target {
            Target::Builtin(b) => match b {
                Builtin::Primitive(p) => want_params(self, 0, &format!("`{}`", p.name()))
                    .then_some((Partial::Prim(p), None, false)),
                Builtin::String => want_params(self, 0, "`string`").then_some((
                    Partial::String {
                        max: None,
                        opt: false,
                    },
                    None,
                    false,
                )),
                Builtin::Vector => {
                    if !want_params(self, 1, "`vector` (`vector<T>`)") {
                        return None;
                    }
                    let elem = self.type_param(scope, &ctor.params[0])?;
                    Some((
                        Partial::Vector {
                            elem: Box::new(elem),
                            max: None,
                            opt: false,
                        },
                        None,
                        false,
                    ))
                }
                Builtin::Array => {
                    if !want_params(self, 2, "`array` (`array<T, N>`)") {
                        return None;
                    }
                    let elem = self.type_param(scope, &ctor.params[0]);
                    let len = self.size_param(scope, &ctor.params[1]);
                    Some((
                        Partial::Array {
                            elem: Box::new(elem?),
                            len: len?,
                        },
                        None,
                        false,
                    ))
                }
                Builtin::Box => {
                    if !want_params(self, 1, "`box` (`box<S>`)") {
                        return None;
                    }
                    let inner = self.type_param(scope, &ctor.params[0])?;
                    match inner {
                        Type::Identifier {
                            name,
                            decl_kind: IdentifierKind::Struct,
                            optional: false,
                        } => Some((
                            Partial::Ident {
                                name,
                                kind: IdentifierKind::Struct,
                                opt: true,
                            },
                            None,
                            true,
                        )),
                        other => {
                            self.err(
                                ErrorKind::BadLayoutParameter,
                                ctor.span,
                                format!("only structs can be boxed, but `{other}` is not a struct"),
                            );
                            None
                        }
                    }
                }
                Builtin::ClientEnd | Builtin::ServerEnd => {
                    let role = if b == Builtin::ClientEnd {
                        EndpointRole::Client
                    } else {
                        EndpointRole::Server
                    };
                    want_params(self, 0, "an endpoint").then_some((
                        Partial::Endpoint {
                            role,
                            proto: None,
                            opt: false,
                        },
                        None,
                        false,
                    ))
                }
                Builtin::Max => {
                    self.err(
                        ErrorKind::WrongKindOfName,
                        id.span,
                        "`MAX` is a constant, not a type",
                    );
                    None
                }
            },
            Target::Decl(name) => {
                let source = self.entry_kind(&name)?;
                let result = match source {
                    Source::Layout(layout) => Some((
                        Partial::Ident {
                            name: name.clone(),
                            kind: identifier_kind(layout.kind),
                            opt: false,
                        },
                        None,
                        false,
                    )),
                    Source::Alias(_) => {
                        let p = self.alias_partial(&name, id.span)?;
                        Some((p, Some(name.clone()), false))
                    }
                    Source::Resource(_) => Some((
                        Partial::Handle {
                            resource: name.clone(),
                            obj: None,
                            rights: None,
                            opt: false,
                        },
                        None,
                        false,
                    )),
                    Source::Protocol(..) => {
                        self.err(
                            ErrorKind::WrongKindOfName,
                            id.span,
                            format!(
                                "`{}` is a protocol, not a type; use `client_end:{0}` or `server_end:{0}`",
                                name.name
                            ),
                        );
                        return None;
                    }
                    Source::Const(..) => {
                        self.err(
                            ErrorKind::WrongKindOfName,
                            id.span,
                            format!("`{}` is a constant, not a type", name.name),
                        );
                        return None;
                    }
                };
                if !ctor.params.is_empty() {
                    self.err(
                        ErrorKind::BadLayoutParameter,
                        ctor.span,
                        format!("`{}` takes no layout parameters", name.name),
                    );
                    return None;
                }
                result
            }
            Target::Member(decl, member) => {
                self.err(
                    ErrorKind::WrongKindOfName,
                    id.span,
                    format!("`{}.{member}` is a member, not a type", decl.name),
                );
                None
            }
        }
    }

    fn type_param(&mut self, scope: usize, p: &'a LayoutParam) -> Option<Type> {
        match p {
            LayoutParam::Type(t) => {
                let (ty, _) = self.resolve_type(scope, t)?;
                // Aliases compose, so a type can nest deeper than its source text; bound it
                // so every later walk over types stays shallow.
                if type_depth(&ty) >= MAX_TYPE_DEPTH {
                    self.err(
                        ErrorKind::NestingTooDeep,
                        t.span,
                        format!("this type nests more than {MAX_TYPE_DEPTH} levels deep"),
                    );
                    return None;
                }
                Some(ty)
            }
            LayoutParam::Literal(_, span) => {
                self.err(
                    ErrorKind::BadLayoutParameter,
                    *span,
                    "expected a type here, found a literal",
                );
                None
            }
        }
    }

    /// The `N` of `array<T, N>`.
    fn size_param(&mut self, scope: usize, p: &'a LayoutParam) -> Option<u32> {
        let value = match p {
            LayoutParam::Literal(lit, span) => {
                let c = Constant::Literal(lit.clone(), *span);
                self.eval_bound(scope, &c, "array size")
            }
            LayoutParam::Type(t) => {
                let (LayoutRef::Named(id), true, true) =
                    (&t.layout, t.params.is_empty(), t.constraints.is_empty())
                else {
                    self.err(
                        ErrorKind::BadLayoutParameter,
                        t.span,
                        "expected an array size (a number or a constant)",
                    );
                    return None;
                };
                self.eval_bound(scope, &Constant::Ident(id.clone()), "array size")
            }
        }?;
        match value {
            Some(n) => Some(n),
            None => {
                self.err(
                    ErrorKind::BadLayoutParameter,
                    p_span(p),
                    "an array needs a fixed size, not `MAX`",
                );
                None
            }
        }
    }

    /// Evaluates a bound (`string:N`, `vector<T>:N`, array size): `Some(None)` for `MAX`.
    fn eval_bound(&mut self, scope: usize, c: &Constant, what: &str) -> Option<Option<u32>> {
        if let Constant::Ident(id) = c {
            if id.parts.len() == 1 && id.parts[0].name == "MAX" {
                let local = Name::new(self.scopes[scope].library.clone(), "MAX");
                if !self.decls.contains_key(&local) {
                    return Some(None);
                }
            }
        }
        let v = self.eval(scope, c, &ConstType::Int(PrimitiveSubtype::Uint32), None)?;
        let ConstValue::Int(v) = v else { return None };
        if v == 0 {
            self.err(
                ErrorKind::BadConstraint,
                c.span(),
                format!("{what} must be at least 1"),
            );
            return None;
        }
        Some(Some(u32::try_from(v).unwrap_or(u32::MAX)))
    }

    fn alias_partial(&mut self, name: &Name, use_span: Span) -> Option<Partial> {
        if let Some(done) = self.aliases.get(name) {
            return done.clone();
        }
        if !self.in_progress.insert(name.clone()) {
            self.err(
                ErrorKind::IncludeCycle,
                use_span,
                format!("alias `{}` is defined in terms of itself", name.name),
            );
            self.aliases.insert(name.clone(), None);
            return None;
        }
        let result = if self.enter(use_span) {
            let (scope, ctor) = match self.decls.get(name) {
                Some(Entry {
                    source: Source::Alias(ctor),
                    scope,
                    ..
                }) => (*scope, *ctor),
                _ => return None,
            };
            self.resolve_partial(scope, ctor).and_then(|(p, _, boxed)| {
                self.apply_constraints(scope, p, &ctor.constraints, boxed, ctor.span)
            })
        } else {
            None
        };
        self.leave();
        self.in_progress.remove(name);
        self.aliases.insert(name.clone(), result.clone());
        result
    }

    fn apply_constraints(
        &mut self,
        scope: usize,
        mut p: Partial,
        items: &'a [Constant],
        boxed: bool,
        span: Span,
    ) -> Option<Partial> {
        if items.is_empty() {
            return Some(p);
        }
        let is_optional = |c: &Constant| matches!(c, Constant::Ident(id) if id.parts.len() == 1 && id.parts[0].name == "optional");
        let mut rest: &[Constant] = items;
        let mut optional = false;
        if let Some((last, init)) = items.split_last() {
            if is_optional(last) {
                optional = true;
                rest = init;
            }
        }
        if let Some(c) = rest.iter().find(|c| is_optional(c)) {
            self.err(
                ErrorKind::BadConstraint,
                c.span(),
                "`optional` must be the last constraint",
            );
            return None;
        }
        let desc = p.describe();
        let too_many = |this: &mut Self, max: usize, what: &str| {
            if rest.len() > max {
                this.err(
                    ErrorKind::BadConstraint,
                    rest[max].span(),
                    format!("too many constraints for {desc}: it takes at most {what}"),
                );
                return true;
            }
            false
        };
        if optional {
            let already = match &mut p {
                Partial::String { opt, .. }
                | Partial::Vector { opt, .. }
                | Partial::Handle { opt, .. }
                | Partial::Endpoint { opt, .. } => std::mem::replace(opt, true),
                Partial::Ident {
                    kind: IdentifierKind::Union,
                    opt,
                    ..
                } => std::mem::replace(opt, true),
                Partial::Ident {
                    kind: IdentifierKind::Struct,
                    name,
                    ..
                } => {
                    let msg = if boxed {
                        "`box<...>` is already optional; drop `:optional`".to_string()
                    } else {
                        format!("structs cannot be `:optional`; use `box<{}>`", name.name)
                    };
                    self.err(ErrorKind::BadConstraint, span, msg);
                    return None;
                }
                other => {
                    let d = other.describe();
                    self.err(
                        ErrorKind::BadConstraint,
                        span,
                        format!("{d} cannot be optional"),
                    );
                    return None;
                }
            };
            if already {
                self.err(
                    ErrorKind::BadConstraint,
                    span,
                    format!("{desc} is already optional (through its alias)"),
                );
                return None;
            }
        }
        if rest.is_empty() {
            return Some(p);
        }
        match &mut p {
            Partial::String { max, .. } | Partial::Vector { max, .. } => {
                if too_many(self, 1, "a bound and `optional`") {
                    return None;
                }
                if max.is_some() {
                    self.err(
                        ErrorKind::BadConstraint,
                        rest[0].span(),
                        format!("{desc} already has a bound (from its alias)"),
                    );
                    return None;
                }
                *max = self.eval_bound(scope, &rest[0], "a bound")?;
            }
            Partial::Handle {
                resource,
                obj,
                rights,
                ..
            } => {
                if too_many(self, 2, "a subtype, rights and `optional`") {
                    return None;
                }
                let info = self.resource_info(&resource.clone(), span)?;
                let mut items = rest.iter();
                if obj.is_none() {
                    if let Some(c) = items.next() {
                        let Some(enum_name) = info.object_types.clone() else {
                            self.err(
                                ErrorKind::BadConstraint,
                                c.span(),
                                format!("{desc} has no `subtype` property"),
                            );
                            return None;
                        };
                        *obj = Some(self.eval_subtype(scope, c, &enum_name, info.subtype)?);
                    }
                }
                if let Some(c) = items.next() {
                    if rights.is_some() {
                        self.err(
                            ErrorKind::BadConstraint,
                            c.span(),
                            format!("{desc} already has rights (from its alias)"),
                        );
                        return None;
                    }
                    let Some(bits) = info.rights.clone() else {
                        self.err(
                            ErrorKind::BadConstraint,
                            c.span(),
                            format!("{desc} has no `rights` property"),
                        );
                        return None;
                    };
                    let sub = self.enum_info(&bits, c.span())?.subtype;
                    let v =
                        self.eval(scope, c, &ConstType::Bits(bits.clone(), sub), Some(&bits))?;
                    let ConstValue::Int(v) = v else { return None };
                    *rights = Some(u32::try_from(v).unwrap_or(u32::MAX));
                }
                if let Some(c) = items.next() {
                    self.err(
                        ErrorKind::BadConstraint,
                        c.span(),
                        format!("{desc} is already constrained (by its alias)"),
                    );
                    return None;
                }
            }
            Partial::Endpoint { proto, .. } => {
                if too_many(self, 1, "a protocol and `optional`") {
                    return None;
                }
                if proto.is_some() {
                    self.err(
                        ErrorKind::BadConstraint,
                        rest[0].span(),
                        format!("{desc} already names a protocol"),
                    );
                    return None;
                }
                let Constant::Ident(id) = &rest[0] else {
                    self.err(
                        ErrorKind::BadConstraint,
                        rest[0].span(),
                        format!("{desc} takes a protocol name"),
                    );
                    return None;
                };
                match self.lookup(scope, id, "protocol")? {
                    Target::Decl(name)
                        if matches!(self.entry_kind(&name), Some(Source::Protocol(..))) =>
                    {
                        *proto = Some(name);
                    }
                    _ => {
                        self.err(
                            ErrorKind::WrongKindOfName,
                            id.span,
                            format!("`{}` is not a protocol", id.dotted()),
                        );
                        return None;
                    }
                }
            }
            other => {
                let d = other.describe();
                self.err(
                    ErrorKind::BadConstraint,
                    rest[0].span(),
                    format!("{d} cannot be constrained"),
                );
                return None;
            }
        }
        Some(p)
    }

    fn eval_subtype(
        &mut self,
        scope: usize,
        c: &Constant,
        enum_name: &Name,
        _underlying: PrimitiveSubtype,
    ) -> Option<(u32, String)> {
        let info = self.enum_info(enum_name, c.span())?;
        let v = self.eval(
            scope,
            c,
            &ConstType::Enum(enum_name.clone(), info.subtype),
            Some(enum_name),
        )?;
        let ConstValue::Int(v) = v else { return None };
        let member = info.by_value.get(&v).cloned().unwrap_or_default();
        let Ok(v) = u32::try_from(v) else {
            self.err(
                ErrorKind::ConstantOutOfRange,
                c.span(),
                "a handle subtype must fit in 32 bits",
            );
            return None;
        };
        Some((v, member))
    }

    // ------------------------------------------------------------ constants

    fn const_type(&mut self, scope: usize, ctor: &'a ast::TypeCtor) -> Option<ConstType> {
        let (ty, _) = self.resolve_type(scope, ctor)?;
        Some(match ty {
            Type::Primitive {
                subtype: PrimitiveSubtype::Bool,
            } => ConstType::Bool,
            Type::Primitive { subtype } if subtype.is_float() => ConstType::Float(subtype),
            Type::Primitive { subtype } => ConstType::Int(subtype),
            Type::String {
                max_len,
                optional: false,
            } => ConstType::String(max_len),
            Type::Identifier {
                name,
                decl_kind: kind @ (IdentifierKind::Enum | IdentifierKind::Bits),
                optional: false,
            } => {
                let info = self.enum_info(&name, ctor.span)?;
                if kind == IdentifierKind::Enum {
                    ConstType::Enum(name, info.subtype)
                } else {
                    ConstType::Bits(name, info.subtype)
                }
            }
            other => {
                self.err(
                    ErrorKind::TypeMismatch,
                    ctor.span,
                    format!(
                        "constants must be bool, numbers, strings, enums or bits, not `{other}`"
                    ),
                );
                return None;
            }
        })
    }

    fn const_value(&mut self, name: &Name, use_span: Span) -> Option<(ConstType, ConstValue)> {
        if let Some(done) = self.consts.get(name) {
            let done = done.clone();
            if let Some((_, ConstValue::String(s))) = &done {
                self.charge(s.len(), use_span)?;
            }
            return done;
        }
        if !self.in_progress.insert(name.clone()) {
            self.err(
                ErrorKind::IncludeCycle,
                use_span,
                format!("constant `{}` is defined in terms of itself", name.name),
            );
            self.consts.insert(name.clone(), None);
            return None;
        }
        let result = if self.enter(use_span) {
            match self.decls.get(name) {
                Some(Entry {
                    source: Source::Const(ty, value),
                    scope,
                    ..
                }) => {
                    let (scope, ty, value) = (*scope, *ty, *value);
                    self.const_type(scope, ty)
                        .and_then(|t| self.eval(scope, value, &t, None).map(|v| (t, v)))
                }
                _ => None,
            }
        } else {
            None
        };
        self.leave();
        self.in_progress.remove(name);
        self.consts.insert(name.clone(), result.clone());
        result
    }

    /// Evaluates `c` as a constant of type `expected`. Single-word names that resolve to
    /// nothing are looked up as members of `implicit` (handle subtypes and rights).
    fn eval(
        &mut self,
        scope: usize,
        c: &Constant,
        expected: &ConstType,
        implicit: Option<&Name>,
    ) -> Option<ConstValue> {
        match c {
            Constant::Literal(lit, span) => self.eval_literal(lit, *span, expected),
            Constant::Or(items, span) => {
                let ok = match expected {
                    ConstType::Bits(..) => true,
                    ConstType::Int(p) => p.is_unsigned(),
                    _ => false,
                };
                if !ok {
                    self.err(
                        ErrorKind::TypeMismatch,
                        *span,
                        format!(
                            "`|` needs bits or unsigned integers, but the expected type is {}",
                            expected.describe()
                        ),
                    );
                    return None;
                }
                let mut acc: i128 = 0;
                let mut failed = false;
                for item in items {
                    match self.eval(scope, item, expected, implicit) {
                        Some(ConstValue::Int(v)) => acc |= v,
                        _ => failed = true,
                    }
                }
                (!failed).then_some(ConstValue::Int(acc))
            }
            Constant::Ident(id) => {
                if let (Some(implicit), [single]) = (implicit, id.parts.as_slice()) {
                    let local = Name::new(self.scopes[scope].library.clone(), single.name.clone());
                    if !self.decls.contains_key(&local) {
                        let info = self.enum_info(implicit, id.span)?;
                        if let Some(v) = info.by_name.get(&single.name) {
                            let src = if info.bits {
                                ConstType::Bits(implicit.clone(), info.subtype)
                            } else {
                                ConstType::Enum(implicit.clone(), info.subtype)
                            };
                            return self.convert(ConstValue::Int(*v), &src, expected, id.span);
                        }
                    }
                }
                match self.lookup(scope, id, "constant")? {
                    Target::Decl(name) => match self.entry_kind(&name) {
                        Some(Source::Const(..)) => {
                            let (t, v) = self.const_value(&name, id.span)?;
                            self.convert(v, &t, expected, id.span)
                        }
                        _ => {
                            self.err(
                                ErrorKind::WrongKindOfName,
                                id.span,
                                format!("`{}` is not a constant", id.dotted()),
                            );
                            None
                        }
                    },
                    Target::Member(decl, member) => {
                        let Some(Source::Layout(layout)) = self.entry_kind(&decl) else {
                            self.err(
                                ErrorKind::WrongKindOfName,
                                id.span,
                                format!("`{}` is not an enum or bits member", id.dotted()),
                            );
                            return None;
                        };
                        if !matches!(layout.kind, LayoutKind::Enum | LayoutKind::Bits) {
                            self.err(
                                ErrorKind::WrongKindOfName,
                                id.span,
                                format!("`{}` is not an enum or bits member", id.dotted()),
                            );
                            return None;
                        }
                        let info = self.enum_info(&decl, id.span)?;
                        let Some(v) = info.by_name.get(&member) else {
                            self.err(
                                ErrorKind::UnknownName,
                                id.span,
                                format!("`{}` has no member `{member}`", decl.name),
                            );
                            return None;
                        };
                        let src = if info.bits {
                            ConstType::Bits(decl.clone(), info.subtype)
                        } else {
                            ConstType::Enum(decl.clone(), info.subtype)
                        };
                        self.convert(ConstValue::Int(*v), &src, expected, id.span)
                    }
                    Target::Builtin(Builtin::Max) => {
                        let Some(p) = expected.int_subtype() else {
                            self.err(
                                ErrorKind::TypeMismatch,
                                id.span,
                                format!("`MAX` is not a {}", expected.describe()),
                            );
                            return None;
                        };
                        Some(ConstValue::Int(p.int_range().map_or(0, |r| r.1)))
                    }
                    Target::Builtin(_) => {
                        self.err(
                            ErrorKind::WrongKindOfName,
                            id.span,
                            format!("`{}` is a type, not a constant", id.dotted()),
                        );
                        None
                    }
                }
            }
        }
    }

    /// Converts a value of type `src` to `expected`, checking compatibility and range.
    fn convert(
        &mut self,
        v: ConstValue,
        src: &ConstType,
        expected: &ConstType,
        span: Span,
    ) -> Option<ConstValue> {
        let compatible = match (src, expected) {
            (a, b) if a == b => true,
            (ConstType::Int(_) | ConstType::Bits(..) | ConstType::Enum(..), ConstType::Int(_)) => {
                true
            }
            (ConstType::Int(_), ConstType::Bits(..)) => true,
            (ConstType::Bits(a, _), ConstType::Bits(b, _))
            | (ConstType::Enum(a, _), ConstType::Enum(b, _)) => a == b,
            (ConstType::Int(_) | ConstType::Float(_), ConstType::Float(_)) => true,
            (ConstType::String(_), ConstType::String(_)) => true,
            _ => false,
        };
        if !compatible {
            self.err(
                ErrorKind::TypeMismatch,
                span,
                format!(
                    "expected a constant of type {}, found one of type {}",
                    expected.describe(),
                    src.describe()
                ),
            );
            return None;
        }
        self.check_range(v, expected, span)
    }

    fn check_range(
        &mut self,
        v: ConstValue,
        expected: &ConstType,
        span: Span,
    ) -> Option<ConstValue> {
        match (&v, expected) {
            (ConstValue::Int(x), ConstType::Float(_)) => Some(ConstValue::Float(*x as f64)),
            (ConstValue::Int(x), t) => {
                let p = t.int_subtype()?;
                let (lo, hi) = p.int_range()?;
                if *x < lo || *x > hi {
                    self.err(
                        ErrorKind::ConstantOutOfRange,
                        span,
                        format!("{x} is out of range for {}", expected.describe()),
                    );
                    return None;
                }
                // A strict bits value holds only members. (The bits type's own members are
                // evaluated while it is in progress, as plain integers.)
                if let ConstType::Bits(name, _) = t {
                    if !self.in_progress.contains(name) {
                        let info = self.enum_info(name, span)?;
                        if info.strict && x & !info.mask != 0 {
                            self.err(
                                ErrorKind::ConstantOutOfRange,
                                span,
                                format!(
                                    "{x:#x} has bits that are not members of strict bits `{}`",
                                    name.name
                                ),
                            );
                            return None;
                        }
                    }
                }
                Some(v)
            }
            (ConstValue::Float(x), ConstType::Float(PrimitiveSubtype::Float32)) => {
                if x.is_finite() && x.abs() > f64::from(f32::MAX) {
                    self.err(
                        ErrorKind::ConstantOutOfRange,
                        span,
                        format!("{x} is out of range for `float32`"),
                    );
                    return None;
                }
                Some(v)
            }
            (ConstValue::String(s), ConstType::String(Some(max))) => {
                if s.len() > *max as usize {
                    self.err(
                        ErrorKind::ConstantOutOfRange,
                        span,
                        format!(
                            "the string is {} bytes long, more than the bound {max}",
                            s.len()
                        ),
                    );
                    return None;
                }
                Some(v)
            }
            _ => Some(v),
        }
    }

    fn eval_literal(
        &mut self,
        lit: &Literal,
        span: Span,
        expected: &ConstType,
    ) -> Option<ConstValue> {
        let mismatch = |this: &mut Self, found: &str| {
            this.err(
                ErrorKind::TypeMismatch,
                span,
                format!(
                    "expected a constant of type {}, found {found}",
                    expected.describe()
                ),
            );
            None
        };
        match (lit, expected) {
            (Literal::Bool(b), ConstType::Bool) => Some(ConstValue::Bool(*b)),
            (Literal::Bool(_), _) => mismatch(self, "a bool"),
            (Literal::String(s), ConstType::String(_)) => {
                self.check_range(ConstValue::String(s.clone()), expected, span)
            }
            (Literal::String(_), _) => mismatch(self, "a string"),
            (Literal::Number(text), ConstType::Float(_)) => match text.parse::<f64>() {
                Ok(x) => self.check_range(ConstValue::Float(x), expected, span),
                Err(_) => match parse_int(text) {
                    Some(x) => Some(ConstValue::Float(x as f64)),
                    None => {
                        self.err(
                            ErrorKind::InvalidNumber,
                            span,
                            format!("`{text}` is not a number"),
                        );
                        None
                    }
                },
            },
            (Literal::Number(_), ConstType::Enum(name, _)) => mismatch(
                self,
                &format!("a number (write a member: `{}.MEMBER`)", name.name),
            ),
            (Literal::Number(text), ConstType::Int(_) | ConstType::Bits(..)) => {
                match parse_int(text) {
                    Some(x) => self.check_range(ConstValue::Int(x), expected, span),
                    None => {
                        let what = if text.contains('.') {
                            "not an integer"
                        } else {
                            "too large"
                        };
                        self.err(
                            ErrorKind::ConstantOutOfRange,
                            span,
                            format!("`{text}` is {what} for {}", expected.describe()),
                        );
                        None
                    }
                }
            }
            (Literal::Number(_), _) => mismatch(self, "a number"),
        }
    }

    fn enum_info(&mut self, name: &Name, use_span: Span) -> Option<Rc<EnumInfo>> {
        if let Some(done) = self.enums.get(name) {
            return done.clone();
        }
        let (scope, layout) = match self.decls.get(name) {
            Some(Entry {
                source: Source::Layout(l),
                scope,
                ..
            }) if matches!(l.kind, LayoutKind::Enum | LayoutKind::Bits) => (*scope, *l),
            _ => {
                self.err(
                    ErrorKind::WrongKindOfName,
                    use_span,
                    format!("`{}` is not an enum or bits type", name.name),
                );
                return None;
            }
        };
        if !self.in_progress.insert(name.clone()) {
            self.err(
                ErrorKind::IncludeCycle,
                use_span,
                format!(
                    "the members of `{}` are defined in terms of themselves",
                    name.name
                ),
            );
            self.enums.insert(name.clone(), None);
            return None;
        }
        let result = if self.enter(use_span) {
            self.compute_enum(name, scope, layout)
        } else {
            None
        };
        self.leave();
        self.in_progress.remove(name);
        self.enums.insert(name.clone(), result.clone());
        result
    }

    fn compute_enum(
        &mut self,
        name: &Name,
        scope: usize,
        layout: &'a ast::Layout,
    ) -> Option<Rc<EnumInfo>> {
        let bits = layout.kind == LayoutKind::Bits;
        let word = layout.kind.keyword();
        let subtype = match &layout.subtype {
            None => PrimitiveSubtype::Uint32,
            Some(ctor) => {
                let (ty, _) = self.resolve_type(scope, ctor)?;
                match ty {
                    Type::Primitive { subtype }
                        if subtype.is_integer() && (!bits || subtype.is_unsigned()) =>
                    {
                        subtype
                    }
                    other => {
                        let need = if bits {
                            "an unsigned integer type"
                        } else {
                            "an integer type"
                        };
                        self.err(
                            ErrorKind::TypeMismatch,
                            ctor.span,
                            format!(
                                "the underlying type of {word} `{}` must be {need}, not `{other}`",
                                name.name
                            ),
                        );
                        return None;
                    }
                }
            }
        };
        let mut members: Vec<(String, i128)> = Vec::new();
        let mut by_value: HashMap<i128, String> = HashMap::new();
        let mut seen: HashMap<String, String> = HashMap::new();
        let mut failed = false;
        for m in &layout.members {
            let MemberBody::Value { name: mname, value } = &m.body else {
                continue;
            };
            if let Some((_, span)) = &m.ordinal {
                self.err(
                    ErrorKind::InvalidOrdinal,
                    *span,
                    format!("{word} members have no ordinals"),
                );
                failed = true;
            }
            if let Some(prev) = seen.insert(naming::snake_case(&mname.name), mname.name.clone()) {
                self.err(
                    ErrorKind::DuplicateName,
                    mname.span,
                    format!(
                        "{word} `{}` has two members named `{}` (or `{prev}`)",
                        name.name, mname.name
                    ),
                );
                failed = true;
                continue;
            }
            let v = self.eval(scope, value, &ConstType::Int(subtype), None);
            let Some(ConstValue::Int(v)) = v else {
                failed = true;
                continue;
            };
            if bits && (v == 0 || v & (v - 1) != 0) {
                self.err(
                    ErrorKind::InvalidMemberValue,
                    value.span(),
                    format!(
                        "bits member `{}` must be a power of two, not {v}",
                        mname.name
                    ),
                );
                failed = true;
            }
            if let Some(other) = by_value.get(&v) {
                self.err(
                    ErrorKind::InvalidMemberValue,
                    value.span(),
                    format!(
                        "members `{other}` and `{}` of {word} `{}` have the same value {v}",
                        mname.name, name.name
                    ),
                );
                failed = true;
            } else {
                by_value.insert(v, mname.name.clone());
            }
            members.push((mname.name.clone(), v));
        }
        let strict = layout.modifiers.iter().any(|(m, _)| *m == Modifier::Strict);
        let by_name = members.iter().cloned().collect();
        let mask = members.iter().fold(0, |acc, (_, v)| acc | v);
        (!failed).then(|| {
            Rc::new(EnumInfo {
                subtype,
                bits,
                strict,
                members,
                by_name,
                by_value,
                mask,
            })
        })
    }

    fn resource_info(&mut self, name: &Name, use_span: Span) -> Option<ResourceInfo> {
        if let Some(done) = self.resources.get(name) {
            return done.clone();
        }
        let Some(Entry {
            source: Source::Resource(def),
            scope,
            span,
            ..
        }) = self.decls.get(name)
        else {
            return None;
        };
        let (def, scope, span) = (*def, *scope, *span);
        if !self.in_progress.insert(name.clone()) {
            self.err(
                ErrorKind::IncludeCycle,
                use_span,
                format!("resource `{}` is defined in terms of itself", name.name),
            );
            self.resources.insert(name.clone(), None);
            return None;
        }
        let result = if self.enter(use_span) {
            self.compute_resource(name, scope, span, def)
        } else {
            None
        };
        self.leave();
        self.in_progress.remove(name);
        self.resources.insert(name.clone(), result.clone());
        result
    }

    fn compute_resource(
        &mut self,
        name: &Name,
        scope: usize,
        span: Span,
        def: &'a ast::ResourceDefinition,
    ) -> Option<ResourceInfo> {
        let subtype = match &def.subtype {
            None => {
                self.err(ErrorKind::TypeMismatch, span, format!("resource `{}` needs an underlying type: `resource_definition {} : uint32 {{...}}`", name.name, name.name));
                return None;
            }
            Some(ctor) => match self.resolve_type(scope, ctor)? {
                (
                    Type::Primitive {
                        subtype: PrimitiveSubtype::Uint32,
                    },
                    _,
                ) => PrimitiveSubtype::Uint32,
                (other, _) => {
                    self.err(
                        ErrorKind::TypeMismatch,
                        ctor.span,
                        format!("a resource must be a `uint32`, not `{other}`"),
                    );
                    return None;
                }
            },
        };
        let mut info = ResourceInfo {
            subtype,
            object_types: None,
            rights: None,
        };
        let mut seen = HashSet::new();
        for (_, pname, ctor) in &def.properties {
            if !seen.insert(pname.name.clone()) {
                self.err(
                    ErrorKind::DuplicateName,
                    pname.span,
                    format!("property `{}` is declared twice", pname.name),
                );
                return None;
            }
            let (ty, _) = self.resolve_type(scope, ctor)?;
            match (pname.name.as_str(), ty) {
                (
                    "subtype",
                    Type::Identifier {
                        name,
                        decl_kind: IdentifierKind::Enum,
                        optional: false,
                    },
                ) => info.object_types = Some(name),
                (
                    "rights",
                    Type::Identifier {
                        name,
                        decl_kind: IdentifierKind::Bits,
                        optional: false,
                    },
                ) => info.rights = Some(name),
                ("subtype", other) => {
                    self.err(
                        ErrorKind::TypeMismatch,
                        ctor.span,
                        format!("the `subtype` property must be an enum, not `{other}`"),
                    );
                    return None;
                }
                ("rights", other) => {
                    self.err(
                        ErrorKind::TypeMismatch,
                        ctor.span,
                        format!("the `rights` property must be a bits type, not `{other}`"),
                    );
                    return None;
                }
                _ => {}
            }
        }
        Some(info)
    }

    // ------------------------------------------------------------ declarations

    fn attributes(&self, attrs: &ast::Attributes) -> (Option<String>, Vec<model::Attribute>) {
        let doc = (!attrs.doc.is_empty()).then(|| attrs.doc.join("\n"));
        let list = attrs
            .list
            .iter()
            .map(|a| model::Attribute {
                name: a.name.name.clone(),
                args: a
                    .args
                    .iter()
                    .map(|arg| AttributeArg {
                        name: arg.name.as_ref().map(|n| n.name.clone()),
                        value: match &arg.value {
                            Constant::Literal(Literal::String(s), _) => s.clone(),
                            other => self.map.text(other.span()).to_string(),
                        },
                    })
                    .collect(),
            })
            .collect();
        (doc, list)
    }

    fn resolve_decl(&mut self, name: &Name) -> Option<Decl> {
        let entry = self.decls.get(name)?;
        let (source, scope, span, attrs, context) = (
            entry.source,
            entry.scope,
            entry.span,
            entry.attrs,
            entry.naming_context.clone(),
        );
        let (doc, attributes) = self.attributes(attrs);
        let kind = match source {
            Source::Layout(layout) => self.resolve_layout(name, scope, layout)?,
            Source::Alias(ctor) => {
                let p = self.alias_partial(name, span)?;
                DeclKind::Alias(model::Alias {
                    ty: self.finish(p, ctor.span)?,
                })
            }
            Source::Const(ty, _) => {
                let (_, value) = self.const_value(name, span)?;
                let (ty, _) = self.resolve_type(scope, ty)?;
                DeclKind::Const(model::Const { ty, value })
            }
            Source::Protocol(p) => DeclKind::Protocol(self.resolve_protocol(name, scope, p)?),
            Source::Resource(_) => {
                let info = self.resource_info(name, span)?;
                DeclKind::ResourceDefinition(model::ResourceDefinition {
                    subtype: info.subtype,
                    object_types: info.object_types,
                    rights: info.rights,
                })
            }
        };
        Some(Decl {
            name: name.clone(),
            location: self.loc(span),
            doc,
            attributes,
            naming_context: context,
            kind,
        })
    }

    fn modifiers(
        &mut self,
        layout: &ast::Layout,
        allowed: &[Modifier],
    ) -> Option<(Option<bool>, bool)> {
        let mut strict = None;
        let mut resource = false;
        let mut ok = true;
        let mut seen = Vec::new();
        for &(m, span) in &layout.modifiers {
            if seen.contains(&m) {
                self.err(
                    ErrorKind::InvalidModifier,
                    span,
                    format!("duplicate modifier `{}`", m.keyword()),
                );
                ok = false;
                continue;
            }
            seen.push(m);
            if !allowed.contains(&m) {
                let why = match (layout.kind, m) {
                    (LayoutKind::Table, Modifier::Strict | Modifier::Flexible) => {
                        " (tables are always flexible)"
                    }
                    (LayoutKind::Struct, Modifier::Strict | Modifier::Flexible) => {
                        " (structs cannot change, so they have no strictness)"
                    }
                    (LayoutKind::Enum | LayoutKind::Bits, Modifier::Resource) => {
                        " (enums and bits never hold handles)"
                    }
                    _ => "",
                };
                self.err(
                    ErrorKind::InvalidModifier,
                    span,
                    format!(
                        "modifier `{}` does not apply to a {}{why}",
                        m.keyword(),
                        layout.kind.keyword()
                    ),
                );
                ok = false;
                continue;
            }
            match m {
                Modifier::Strict | Modifier::Flexible => {
                    if strict.is_some() {
                        self.err(
                            ErrorKind::InvalidModifier,
                            span,
                            "`strict` and `flexible` cannot both be given",
                        );
                        ok = false;
                    }
                    strict = Some(m == Modifier::Strict);
                }
                Modifier::Resource => resource = true,
            }
        }
        ok.then_some((strict, resource))
    }

    fn resolve_layout(
        &mut self,
        name: &Name,
        scope: usize,
        layout: &'a ast::Layout,
    ) -> Option<DeclKind> {
        let word = layout.kind.keyword();
        if layout.subtype.is_some() && !matches!(layout.kind, LayoutKind::Enum | LayoutKind::Bits) {
            self.err(
                ErrorKind::UnexpectedToken,
                layout.kind_span,
                format!("a {word} has no underlying type (`: T`)"),
            );
            return None;
        }
        match layout.kind {
            LayoutKind::Struct => {
                let (_, resource) = self.modifiers(layout, &[Modifier::Resource])?;
                let mut members = Vec::new();
                let mut seen = HashMap::new();
                let mut failed = false;
                for m in &layout.members {
                    if let Some((_, span)) = &m.ordinal {
                        self.err(
                            ErrorKind::InvalidOrdinal,
                            *span,
                            "struct members have no ordinals; remove `N:`",
                        );
                        failed = true;
                        continue;
                    }
                    let MemberBody::Field {
                        name: mname, ty, ..
                    } = &m.body
                    else {
                        self.err(
                            ErrorKind::UnexpectedToken,
                            m.span,
                            "struct members cannot be `reserved`",
                        );
                        failed = true;
                        continue;
                    };
                    if !self.unique_member(&mut seen, mname, name, word) {
                        failed = true;
                        continue;
                    }
                    let Some((ty, alias)) = self.resolve_type(scope, ty) else {
                        failed = true;
                        continue;
                    };
                    let (doc, attributes) = self.attributes(&m.attrs);
                    members.push(StructMember {
                        name: mname.name.clone(),
                        ty,
                        alias,
                        offset: 0,
                        padding: 0,
                        location: self.loc(mname.span),
                        doc,
                        attributes,
                    });
                }
                (!failed).then(|| {
                    DeclKind::Struct(model::Struct {
                        resource,
                        recursive: false,
                        members,
                        shape: TypeShape::default(),
                    })
                })
            }
            LayoutKind::Table | LayoutKind::Union => {
                let is_table = layout.kind == LayoutKind::Table;
                let allowed: &[Modifier] = if is_table {
                    &[Modifier::Resource]
                } else {
                    &[Modifier::Strict, Modifier::Flexible, Modifier::Resource]
                };
                let (strict, resource) = self.modifiers(layout, allowed)?;
                let members = self.ordinal_members(name, scope, layout, is_table)?;
                if is_table {
                    Some(DeclKind::Table(model::Table {
                        resource,
                        recursive: false,
                        members,
                        shape: TypeShape::default(),
                    }))
                } else {
                    let strict = strict.unwrap_or(false);
                    if strict && members.iter().all(|m| m.reserved) {
                        self.err(
                            ErrorKind::MissingMembers,
                            layout.kind_span,
                            format!("strict union `{}` must have at least one member", name.name),
                        );
                        return None;
                    }
                    Some(DeclKind::Union(model::Union {
                        strict,
                        resource,
                        recursive: false,
                        members,
                        shape: TypeShape::default(),
                    }))
                }
            }
            LayoutKind::Enum | LayoutKind::Bits => {
                let (strict, _) =
                    self.modifiers(layout, &[Modifier::Strict, Modifier::Flexible])?;
                let strict = strict.unwrap_or(false);
                let info = self.enum_info(name, layout.kind_span)?;
                if strict && info.members.is_empty() {
                    self.err(
                        ErrorKind::MissingMembers,
                        layout.kind_span,
                        format!(
                            "strict {word} `{}` must have at least one member",
                            name.name
                        ),
                    );
                    return None;
                }
                let mut members = Vec::new();
                for m in &layout.members {
                    let MemberBody::Value { name: mname, .. } = &m.body else {
                        continue;
                    };
                    let value = info.by_name.get(&mname.name).copied().unwrap_or(0);
                    let (doc, attributes) = self.attributes(&m.attrs);
                    members.push(ValueMember {
                        name: mname.name.clone(),
                        value,
                        location: self.loc(mname.span),
                        doc,
                        attributes,
                    });
                }
                let shape = TypeShape::default();
                if info.bits {
                    let mask = u64::try_from(info.mask).unwrap_or(0);
                    Some(DeclKind::Bits(model::Bits {
                        strict,
                        subtype: info.subtype,
                        mask,
                        members,
                        shape,
                    }))
                } else {
                    Some(DeclKind::Enum(model::Enum {
                        strict,
                        subtype: info.subtype,
                        members,
                        shape,
                    }))
                }
            }
        }
    }

    fn unique_member(
        &mut self,
        seen: &mut HashMap<String, String>,
        member: &ast::Ident,
        decl: &Name,
        word: &str,
    ) -> bool {
        if let Some(prev) = seen.insert(naming::snake_case(&member.name), member.name.clone()) {
            let msg = if prev == member.name {
                format!(
                    "{word} `{}` has two members named `{}`",
                    decl.name, member.name
                )
            } else {
                format!(
                    "members `{prev}` and `{}` of {word} `{}` collide: names must differ by more than case and underscores",
                    member.name, decl.name
                )
            };
            self.err(ErrorKind::DuplicateName, member.span, msg);
            return false;
        }
        true
    }

    fn ordinal_members(
        &mut self,
        name: &Name,
        scope: usize,
        layout: &'a ast::Layout,
        is_table: bool,
    ) -> Option<Vec<OrdinalMember>> {
        let word = layout.kind.keyword();
        let max: u64 = if is_table { 64 } else { u64::from(u32::MAX) };
        let mut members = Vec::new();
        let mut seen_names = HashMap::new();
        let mut seen_ordinals: HashMap<u64, Span> = HashMap::new();
        let mut failed = false;
        for m in &layout.members {
            let Some((text, ospan)) = &m.ordinal else {
                let what = match &m.body {
                    MemberBody::Field { name, .. } => format!("member `{}`", name.name),
                    _ => "this member".to_string(),
                };
                self.err(
                    ErrorKind::MissingOrdinal,
                    m.span,
                    format!(
                        "{what} of {word} `{}` needs an ordinal: `N: name Type;`",
                        name.name
                    ),
                );
                failed = true;
                continue;
            };
            let ordinal = match parse_int(text) {
                Some(v) if v >= 1 && v <= i128::from(max) => v as u64,
                _ => {
                    self.err(
                        ErrorKind::InvalidOrdinal,
                        *ospan,
                        format!("{word} ordinals must be between 1 and {max}, not {text}"),
                    );
                    failed = true;
                    continue;
                }
            };
            if let Some(prev) = seen_ordinals.insert(ordinal, *ospan) {
                let prev = self.loc(prev);
                self.err(
                    ErrorKind::DuplicateOrdinal,
                    *ospan,
                    format!(
                        "ordinal {ordinal} is used twice in {word} `{}` (first at {prev})",
                        name.name
                    ),
                );
                failed = true;
                continue;
            }
            let (doc, attributes) = self.attributes(&m.attrs);
            let field = match &m.body {
                MemberBody::Reserved => None,
                MemberBody::Value { .. } => None,
                MemberBody::Field {
                    name: mname,
                    ty,
                    default,
                } => {
                    if let Some(d) = default {
                        self.err(
                            ErrorKind::UnexpectedToken,
                            d.span(),
                            format!("{word} members cannot have default values"),
                        );
                        failed = true;
                        continue;
                    }
                    if !self.unique_member(&mut seen_names, mname, name, word) {
                        failed = true;
                        continue;
                    }
                    let Some((ty, alias)) = self.resolve_type(scope, ty) else {
                        failed = true;
                        continue;
                    };
                    if ty.is_optional() {
                        self.err(
                            ErrorKind::BadConstraint,
                            mname.span,
                            format!("{word} members cannot be optional (member `{}` is `{ty}`): absence is already expressed by not setting it", mname.name),
                        );
                        failed = true;
                        continue;
                    }
                    Some(Field {
                        name: mname.name.clone(),
                        ty,
                        alias,
                    })
                }
            };
            members.push(OrdinalMember {
                ordinal: ordinal as u32,
                reserved: field.is_none(),
                field,
                location: self.loc(m.span),
                doc,
                attributes,
            });
        }
        members.sort_by_key(|m| m.ordinal);
        (!failed).then_some(members)
    }

    fn resolve_protocol(
        &mut self,
        name: &Name,
        scope: usize,
        p: &'a ast::Protocol,
    ) -> Option<model::Protocol> {
        let openness = match p.openness.as_ref().map(|i| i.name.as_str()) {
            None | Some("open") => Openness::Open,
            Some("ajar") => Openness::Ajar,
            _ => Openness::Closed,
        };
        let mut failed = false;
        let mut composed = Vec::new();
        for (_, id) in &p.composes {
            match self.lookup(scope, id, "protocol") {
                Some(Target::Decl(n))
                    if matches!(self.entry_kind(&n), Some(Source::Protocol(..))) =>
                {
                    composed.push(n)
                }
                Some(_) => {
                    self.err(
                        ErrorKind::WrongKindOfName,
                        id.span,
                        format!("`{}` is not a protocol", id.dotted()),
                    );
                    failed = true;
                }
                None => failed = true,
            }
        }
        let mut methods = Vec::new();
        let mut seen = HashMap::new();
        for m in &p.methods {
            if !self.unique_member(&mut seen, &m.name, name, "protocol") {
                failed = true;
                continue;
            }
            let payload = |this: &mut Self, t: Option<&'a ast::TypeCtor>| -> Option<Option<Type>> {
                match t {
                    None => Some(None),
                    Some(t) => this.resolve_type(scope, t).map(|(ty, _)| Some(ty)),
                }
            };
            let request = payload(self, m.request.as_ref().and_then(Option::as_ref));
            let response = payload(self, m.response.as_ref().and_then(Option::as_ref));
            let error = payload(self, m.error.as_ref());
            let (Some(request), Some(response), Some(error)) = (request, response, error) else {
                failed = true;
                continue;
            };
            let (doc, attributes) = self.attributes(&m.attrs);
            methods.push(Method {
                name: m.name.name.clone(),
                strict: matches!(m.strictness, Some((Modifier::Strict, _))),
                has_request: m.request.is_some(),
                request,
                has_response: m.response.is_some(),
                response,
                error,
                location: self.loc(m.name.span),
                doc,
                attributes,
            });
        }
        (!failed).then_some(model::Protocol {
            openness,
            composed,
            methods,
        })
    }
}

fn identifier_kind(kind: LayoutKind) -> IdentifierKind {
    match kind {
        LayoutKind::Struct => IdentifierKind::Struct,
        LayoutKind::Table => IdentifierKind::Table,
        LayoutKind::Union => IdentifierKind::Union,
        LayoutKind::Enum => IdentifierKind::Enum,
        LayoutKind::Bits => IdentifierKind::Bits,
    }
}

fn p_span(p: &LayoutParam) -> Span {
    match p {
        LayoutParam::Type(t) => t.span,
        LayoutParam::Literal(_, s) => *s,
    }
}

/// The span of the first inline layout inside `ty`, if any.
fn first_inline(ty: &ast::TypeCtor) -> Option<Span> {
    match &ty.layout {
        LayoutRef::Inline { span, .. } => Some(*span),
        LayoutRef::Named(_) => ty.params.iter().find_map(|p| match p {
            LayoutParam::Type(t) => first_inline(t),
            LayoutParam::Literal(..) => None,
        }),
    }
}

fn is_identifier(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphabetic()
        && b[b.len() - 1] != b'_'
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// Parses a FIDL integer literal (decimal, `0x`, `0b`, optional leading `-`).
pub(crate) fn parse_int(text: &str) -> Option<i128> {
    let (neg, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let magnitude = if let Some(hex) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        i128::from_str_radix(hex, 16).ok()?
    } else if let Some(bin) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
        i128::from_str_radix(bin, 2).ok()?
    } else {
        body.parse::<i128>().ok()?
    };
    Some(if neg { -magnitude } else { magnitude })
}
