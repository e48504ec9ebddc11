//! Compiles the conformance suite's FIDL library into Rust for the runner binary.
//!
//! Reads every `*.fidl` file of the suite directory (`$HANDOFF_CONFORMANCE_DIR`, default
//! `shared/conformance` beside the checkout) plus its `deps/` directory with handoff-idl,
//! and writes to `OUT_DIR`:
//!
//! * `conformance_types.rs`: the natural Rust types, from `handoff_idl::Config::generate`
//!   (annotated for the real `handoff::Fidl` derive);
//! * `conformance_glue.rs`: per struct, table, union, enum and bits type, an impl of the
//!   runner's `Gidl` trait (GIDL value to natural value, and natural value checked against
//!   a GIDL value), and `dispatch(name)` over every struct, table and union;
//! * `conformance_fingerprint.rs`: a hash of the `.fidl` files, which the runner compares
//!   with the directory it reads at run time.
//!
//! The `.gidl` files are not read here: the runner reads them at run time.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use handoff_idl::naming::{rust_field_name, rust_type_name, rust_variant_name};
use handoff_idl::{Config, Decl, DeclKind, Loader, PrimitiveSubtype, Root, Type};

#[path = "src/bin/handoff-conformance/fingerprint.rs"]
mod fingerprint;

const SUITE_DIR_ENV: &str = "HANDOFF_CONFORMANCE_DIR";

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    println!("cargo:rerun-if-env-changed={SUITE_DIR_ENV}");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/bin/handoff-conformance/fingerprint.rs");
    let manifest = PathBuf::from(env("CARGO_MANIFEST_DIR")?);
    let dir = match std::env::var_os(SUITE_DIR_ENV) {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => manifest.join("../../shared/conformance"),
    };
    if !dir.is_dir() {
        return Err(format!(
            "the conformance suite directory {} does not exist (set {SUITE_DIR_ENV})",
            dir.display()
        ));
    }
    // The directory itself: a `.fidl` file added to it or removed from it reruns this.
    println!("cargo:rerun-if-changed={}", dir.display());
    let files = fingerprint::fidl_files(&dir).map_err(|e| e.to_string())?;
    if files.main.is_empty() {
        return Err(format!("no .fidl files in {}", dir.display()));
    }
    let mut loader = Loader::new();
    for f in &files.main {
        println!("cargo:rerun-if-changed={}", f.display());
        loader.add_file(f);
    }
    for f in &files.deps {
        println!("cargo:rerun-if-changed={}", f.display());
        loader.add_dependency_file(f);
    }
    let root = loader.load().map_err(|e| e.to_string())?;
    let config = Config::new();
    let types = config.generate(&root).map_err(|e| e.to_string())?;
    let glue = Glue::new(&root).generate();
    let print = fingerprint::fingerprint(&dir).map_err(|e| e.to_string())?;

    let out = PathBuf::from(env("OUT_DIR")?);
    write(&out.join("conformance_types.rs"), &types)?;
    write(&out.join("conformance_glue.rs"), &glue)?;
    write(
        &out.join("conformance_fingerprint.rs"),
        &format!(
            "/// The hash of the `.fidl` files the runner was built from.\n\
             pub const FIDL_FINGERPRINT: u64 = {print:#x};\n\
             /// The directory they were read from.\n\
             pub const FIDL_DIR: &str = {:?};\n",
            dir.display().to_string()
        ),
    )?;
    Ok(())
}

fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("{name} is not set"))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    // Unchanged output keeps its timestamp.
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The generator of `conformance_glue.rs`.
struct Glue<'a> {
    root: &'a Root,
    /// For each declaration, the alias names that refer to it (GIDL may name either).
    aliases: BTreeMap<String, Vec<String>>,
    out: String,
}

impl<'a> Glue<'a> {
    fn new(root: &'a Root) -> Self {
        let mut aliases: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for d in &root.target().declarations {
            if let DeclKind::Alias(a) = &d.kind {
                if let Type::Identifier { name, .. } = &a.ty {
                    aliases
                        .entry(name.name.clone())
                        .or_default()
                        .push(d.name.name.clone());
                }
            }
        }
        Glue {
            root,
            aliases,
            out: String::new(),
        }
    }

    fn decls(&self) -> impl Iterator<Item = &'a Decl> {
        self.root
            .target()
            .declarations
            .iter()
            .filter(|d| !d.is_denylisted_for("rust"))
    }

    fn generate(mut self) -> String {
        self.out.push_str(
            "// Generated by handoff-conformance's build.rs. Do not edit.\n\
             use crate::glue::{self, Diff, Expect, Gidl, HandleSource, UnionMember};\n\
             use crate::run::{CaseRunner, TypeRunner};\n\
             use handoff_conformance::Value;\n\
             use super::types::*;\n",
        );
        let decls: Vec<&Decl> = self.decls().collect();
        for d in &decls {
            match &d.kind {
                DeclKind::Struct(_) | DeclKind::Table(_) | DeclKind::Union(_) => self.record(d),
                DeclKind::Enum(_) => self.enumeration(d),
                DeclKind::Bits(_) => self.bits(d),
                _ => {}
            }
        }
        self.out.push_str(
            "\n/// The runner of the struct, table or union called `name` (FIDL name or alias).\n\
             pub fn dispatch(name: &str) -> Option<&'static dyn CaseRunner> {\n    \
             let runner: &'static dyn CaseRunner = match name {\n",
        );
        for d in &decls {
            if !matches!(
                d.kind,
                DeclKind::Struct(_) | DeclKind::Table(_) | DeclKind::Union(_)
            ) {
                continue;
            }
            let ty = rust_type_name(&d.name.name);
            let names = self.names(d);
            let pattern = names
                .iter()
                .map(|n| format!("{n:?}"))
                .collect::<Vec<_>>()
                .join(" | ");
            writeln!(self.out, "        {pattern} => &TypeRunner::<{ty}>::NEW,").ok();
        }
        self.out
            .push_str("        _ => return None,\n    };\n    Some(runner)\n}\n");
        self.out
    }

    /// The GIDL names of a declaration: its own and its aliases'.
    fn names(&self, d: &Decl) -> Vec<String> {
        let mut names = vec![d.name.name.clone()];
        if let Some(a) = self.aliases.get(&d.name.name) {
            names.extend(a.iter().cloned());
        }
        names
    }

    fn names_const(&self, d: &Decl) -> String {
        let names = self.names(d);
        format!(
            "&[{}]",
            names
                .iter()
                .map(|n| format!("{n:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }

    fn record(&mut self, d: &Decl) {
        let ty = rust_type_name(&d.name.name);
        let names = self.names_const(d);
        let o = &mut self.out;
        writeln!(o, "\nimpl Gidl for {ty} {{").ok();
        match &d.kind {
            DeclKind::Struct(s) => {
                let fidl: Vec<&str> = s.members.iter().map(|m| m.name.as_str()).collect();
                let known = fidl
                    .iter()
                    .map(|n| format!("{n:?}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                writeln!(
                    o,
                    "    fn from_gidl(v: &Value, hs: &mut HandleSource) -> Result<Self, Diff> {{\n        \
                     if let Some(r) = glue::from_decode::<Self>(v, {names}, hs) {{\n            return r;\n        }}\n        \
                     let r = glue::record(v, {names})?;\n        \
                     glue::struct_fields(r, &[{known}])?;"
                )
                .ok();
                if fidl.is_empty() {
                    writeln!(o, "        Ok({ty} {{}})").ok();
                } else {
                    writeln!(o, "        Ok({ty} {{").ok();
                    for n in &fidl {
                        writeln!(
                            o,
                            "            {}: glue::field(r, {n:?}, hs)?,",
                            rust_field_name(n)
                        )
                        .ok();
                    }
                    writeln!(o, "        }})").ok();
                }
                let ex = if fidl.is_empty() { "_" } else { "ex" };
                writeln!(
                    o,
                    "    }}\n\n    fn check(&self, v: &Value, {ex}: &Expect) -> Result<(), Diff> {{\n        \
                     let r = glue::record(v, {names})?;\n        \
                     glue::struct_fields(r, &[{known}])?;"
                )
                .ok();
                for n in &fidl {
                    writeln!(
                        o,
                        "        glue::check_field(&self.{}, r, {n:?}, ex)?;",
                        rust_field_name(n)
                    )
                    .ok();
                }
                writeln!(o, "        Ok(())\n    }}").ok();
            }
            DeclKind::Table(t) => {
                let fidl: Vec<&str> = t
                    .members
                    .iter()
                    .filter_map(|m| m.field.as_ref().map(|f| f.name.as_str()))
                    .collect();
                let known = fidl
                    .iter()
                    .map(|n| format!("{n:?}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                writeln!(
                    o,
                    "    fn from_gidl(v: &Value, hs: &mut HandleSource) -> Result<Self, Diff> {{\n        \
                     if let Some(r) = glue::from_decode::<Self>(v, {names}, hs) {{\n            return r;\n        }}\n        \
                     let r = glue::record(v, {names})?;\n        \
                     glue::table_fields(r, &[{known}])?;"
                )
                .ok();
                if fidl.is_empty() {
                    writeln!(o, "        Ok({ty} {{}})").ok();
                } else {
                    writeln!(o, "        Ok({ty} {{").ok();
                    for n in &fidl {
                        writeln!(
                            o,
                            "            {}: glue::table_field(r, {n:?}, hs)?,",
                            rust_field_name(n)
                        )
                        .ok();
                    }
                    writeln!(o, "        }})").ok();
                }
                let ex = if fidl.is_empty() { "_" } else { "ex" };
                writeln!(
                    o,
                    "    }}\n\n    fn check(&self, v: &Value, {ex}: &Expect) -> Result<(), Diff> {{\n        \
                     let r = glue::record(v, {names})?;\n        \
                     glue::table_fields(r, &[{known}])?;"
                )
                .ok();
                for n in &fidl {
                    writeln!(
                        o,
                        "        glue::check_table_field(&self.{}, r, {n:?}, ex)?;",
                        rust_field_name(n)
                    )
                    .ok();
                }
                writeln!(o, "        Ok(())\n    }}").ok();
            }
            DeclKind::Union(u) => {
                let members: Vec<(&str, String)> = u
                    .members
                    .iter()
                    .filter_map(|m| {
                        m.field
                            .as_ref()
                            .map(|f| (f.name.as_str(), rust_variant_name(&f.name)))
                    })
                    .collect();
                writeln!(
                    o,
                    "    fn from_gidl(v: &Value, hs: &mut HandleSource) -> Result<Self, Diff> {{\n        \
                     if let Some(r) = glue::from_decode::<Self>(v, {names}, hs) {{\n            return r;\n        }}\n        \
                     match glue::union_member(v, {names})? {{"
                )
                .ok();
                for (fidl, variant) in &members {
                    writeln!(
                        o,
                        "            UnionMember::Named({fidl:?}, v) => \
                         Ok({ty}::{variant}(Gidl::from_gidl(v, hs).map_err(|e| e.at({fidl:?}))?)),"
                    )
                    .ok();
                }
                if !u.strict {
                    writeln!(
                        o,
                        "            UnionMember::Unknown(ordinal) => Ok({ty}::UnknownOrdinal(ordinal)),"
                    )
                    .ok();
                }
                writeln!(
                    o,
                    "            other => Err(glue::no_member(&other, {:?})),\n        }}\n    }}",
                    d.name.name
                )
                .ok();
                let ex = if members.is_empty() { "_" } else { "ex" };
                writeln!(
                    o,
                    "\n    fn check(&self, v: &Value, {ex}: &Expect) -> Result<(), Diff> {{\n        \
                     let member = glue::union_member(v, {names})?;\n        \
                     let got = match self {{"
                )
                .ok();
                for (fidl, variant) in &members {
                    writeln!(
                        o,
                        "            {ty}::{variant}(x) => {{\n                \
                         if let UnionMember::Named({fidl:?}, v) = member {{\n                    \
                         return x.check(v, ex).map_err(|e| e.at({fidl:?}));\n                \
                         }}\n                \
                         String::from({fidl:?})\n            }}"
                    )
                    .ok();
                }
                if !u.strict {
                    writeln!(
                        o,
                        "            {ty}::UnknownOrdinal(n) => {{\n                \
                         if let UnionMember::Unknown(ordinal) = member {{\n                    \
                         if ordinal == *n {{\n                        return Ok(());\n                    }}\n                \
                         }}\n                \
                         format!(\"unknown ordinal {{n}}\")\n            }}"
                    )
                    .ok();
                }
                writeln!(
                    o,
                    "        }};\n        Err(glue::wrong_member(&member, &got))\n    }}"
                )
                .ok();
            }
            _ => unreachable!("records only"),
        }
        writeln!(o, "}}").ok();
    }

    fn enumeration(&mut self, d: &Decl) {
        let DeclKind::Enum(e) = &d.kind else {
            return;
        };
        let ty = rust_type_name(&d.name.name);
        let repr = repr(e.subtype);
        let o = &mut self.out;
        writeln!(
            o,
            "\nimpl Gidl for {ty} {{\n    \
             fn from_gidl(v: &Value, _: &mut HandleSource) -> Result<Self, Diff> {{\n        \
             let raw = glue::int::<{repr}>(v)?;\n        \
             #[allow(unreachable_patterns)]\n        \
             let value = match raw {{"
        )
        .ok();
        for m in &e.members {
            writeln!(
                o,
                "            {} => {ty}::{},",
                m.value,
                rust_variant_name(&m.name)
            )
            .ok();
        }
        if e.strict {
            writeln!(
                o,
                "            _ => return Err(Diff::new(format!(\"{{raw}} is not a member of strict enum {}\"))),",
                d.name.name
            )
            .ok();
        } else {
            writeln!(o, "            _ => {ty}::UnknownValue(raw),").ok();
        }
        writeln!(
            o,
            "        }};\n        Ok(value)\n    }}\n\n    \
             fn check(&self, v: &Value, _: &Expect) -> Result<(), Diff> {{\n        \
             let got: {repr} = match self {{"
        )
        .ok();
        for m in &e.members {
            writeln!(
                o,
                "            {ty}::{} => {},",
                rust_variant_name(&m.name),
                m.value
            )
            .ok();
        }
        if !e.strict {
            writeln!(o, "            {ty}::UnknownValue(raw) => *raw,").ok();
        }
        writeln!(
            o,
            "        }};\n        glue::check_int(got, v)\n    }}\n}}"
        )
        .ok();
    }

    fn bits(&mut self, d: &Decl) {
        let DeclKind::Bits(b) = &d.kind else {
            return;
        };
        let ty = rust_type_name(&d.name.name);
        let repr = repr(b.subtype);
        writeln!(
            self.out,
            "\nimpl Gidl for {ty} {{\n    \
             fn from_gidl(v: &Value, _: &mut HandleSource) -> Result<Self, Diff> {{\n        \
             Ok({ty}(glue::int::<{repr}>(v)?))\n    }}\n\n    \
             fn check(&self, v: &Value, _: &Expect) -> Result<(), Diff> {{\n        \
             glue::check_int(self.0, v)\n    }}\n}}"
        )
        .ok();
    }
}

fn repr(p: PrimitiveSubtype) -> &'static str {
    use PrimitiveSubtype::*;
    match p {
        Int8 => "i8",
        Int16 => "i16",
        Int32 => "i32",
        Int64 => "i64",
        Uint8 => "u8",
        Uint16 => "u16",
        Uint32 => "u32",
        Uint64 => "u64",
        Bool | Float32 | Float64 => unreachable!("enums and bits are integers"),
    }
}
