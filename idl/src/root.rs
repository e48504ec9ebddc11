//! Loading files and the compiled result, [`Root`].

use crate::error::{Diagnostics, Error, ErrorKind};
use crate::model::{Decl, DeclKind, Library, Name, Type};
use crate::shape::{Components, TypeShape};
use crate::source::{FileId, MAX_FILE_LEN, SourceMap};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Stack for the compile thread. Debug builds use up to ~16 KiB per nesting level and the
/// deepest accepted input nests a few hundred levels, so this leaves a wide margin.
const COMPILE_STACK_BYTES: usize = 64 << 20;

/// Collects `.fidl` sources, then compiles them with [`Loader::load`].
///
/// Files added with `add_file`/`add_dir`/`add_source` are the *target* library (they may also
/// include its dependencies); files added with the `add_dependency_*` methods are searched for
/// libraries named by `using`, and only the ones needed are compiled. I/O errors are kept
/// and reported by `load`, so calls chain.
///
/// ```
/// let root = handoff_idl::Loader::new()
///     .add_source("a.fidl", "library a; type S = struct { v vector<uint8>:4; };")
///     .load()
///     .unwrap();
/// assert_eq!(root.target().name, "a");
/// ```
#[derive(Debug, Default)]
pub struct Loader {
    map: SourceMap,
    main: Vec<FileId>,
    deps: Vec<FileId>,
    errors: Diagnostics,
    paths: Vec<PathBuf>,
}

impl Loader {
    /// An empty loader.
    pub fn new() -> Loader {
        Loader::default()
    }

    /// Adds a file of the target library.
    pub fn add_file(&mut self, path: impl AsRef<Path>) -> &mut Self {
        if let Some(id) = self.read(path.as_ref()) {
            self.main.push(id);
        }
        self
    }

    /// Adds every `*.fidl` file directly inside `dir` (sorted by name) to the target library.
    pub fn add_dir(&mut self, dir: impl AsRef<Path>) -> &mut Self {
        self.paths.push(dir.as_ref().to_path_buf());
        for path in self.list(dir.as_ref(), false) {
            self.add_file(path);
        }
        self
    }

    /// Adds in-memory source text to the target library; `name` is used in diagnostics.
    pub fn add_source(&mut self, name: impl Into<String>, text: impl Into<String>) -> &mut Self {
        let id = self.map.add(name.into(), text.into());
        self.main.push(id);
        self
    }

    /// Adds in-memory bytes to the target library (rejected at `load` unless UTF-8).
    pub fn add_source_bytes(&mut self, name: impl Into<String>, bytes: &[u8]) -> &mut Self {
        let name = name.into();
        if let Some(text) = self.check_text(&name, bytes) {
            self.add_source(name, text);
        }
        self
    }

    /// Adds a file that may provide a library named by `using`.
    pub fn add_dependency_file(&mut self, path: impl AsRef<Path>) -> &mut Self {
        if let Some(id) = self.read(path.as_ref()) {
            self.deps.push(id);
        }
        self
    }

    /// Adds every `*.fidl` file under `dir` (recursively, sorted) as possible dependencies.
    pub fn add_dependency_dir(&mut self, dir: impl AsRef<Path>) -> &mut Self {
        self.paths.push(dir.as_ref().to_path_buf());
        for path in self.list(dir.as_ref(), true) {
            self.add_dependency_file(path);
        }
        self
    }

    /// Adds in-memory source text that may provide a library named by `using`.
    pub fn add_dependency_source(
        &mut self,
        name: impl Into<String>,
        text: impl Into<String>,
    ) -> &mut Self {
        let id = self.map.add(name.into(), text.into());
        self.deps.push(id);
        self
    }

    /// Every file and dependency directory read so far (for `cargo:rerun-if-changed`).
    pub fn paths(&self) -> &[PathBuf] {
        &self.paths
    }

    /// Parses and resolves everything added; the first error of each file, and every
    /// resolution error found, are reported together.
    pub fn load(&self) -> Result<Root, Error> {
        if !self.errors.is_empty() {
            return Err(Error::new(self.errors.list.clone()));
        }
        let compile = || crate::resolve::compile(&self.map, &self.main, &self.deps);
        // Parsing and resolution recurse (bounded: `parser::MAX_NESTING`, the resolver's
        // definition depth); run them on a thread whose stack surely holds the deepest
        // accepted input, whatever the caller's stack is. Only touched pages are committed.
        let result = std::thread::scope(|scope| {
            match std::thread::Builder::new()
                .name("handoff-idl-compile".into())
                .stack_size(COMPILE_STACK_BYTES)
                .spawn_scoped(scope, compile)
            {
                Ok(handle) => match handle.join() {
                    Ok(result) => result,
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                // No threads on this platform: the caller's stack has to do.
                Err(_) => compile(),
            }
        });
        let (libraries, components) = result?;
        Ok(Root::new(libraries, components))
    }

    fn check_text(&mut self, name: &str, bytes: &[u8]) -> Option<String> {
        if bytes.len() > MAX_FILE_LEN {
            self.errors.push(
                ErrorKind::InvalidFile,
                None,
                format!("{name}: the file is larger than {MAX_FILE_LEN} bytes"),
            );
            return None;
        }
        match std::str::from_utf8(bytes) {
            Ok(s) => Some(s.to_string()),
            Err(e) => {
                let before = &bytes[..e.valid_up_to()];
                let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
                let col = before
                    .rsplit(|&b| b == b'\n')
                    .next()
                    .map_or(0, |l| String::from_utf8_lossy(l).chars().count())
                    + 1;
                self.errors.push(
                    ErrorKind::InvalidFile,
                    Some(crate::Location {
                        file: name.to_string(),
                        line: line as u32,
                        column: col as u32,
                    }),
                    "the file is not valid UTF-8",
                );
                None
            }
        }
    }

    fn read(&mut self, path: &Path) -> Option<FileId> {
        self.paths.push(path.to_path_buf());
        let name = path.display().to_string();
        match std::fs::read(path) {
            Ok(bytes) => {
                let text = self.check_text(&name, &bytes)?;
                Some(self.map.add(name, text))
            }
            Err(e) => {
                self.errors
                    .push(ErrorKind::Io, None, format!("cannot read {name}: {e}"));
                None
            }
        }
    }

    fn list(&mut self, dir: &Path, recursive: bool) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut pending = vec![dir.to_path_buf()];
        while let Some(d) = pending.pop() {
            let entries = match std::fs::read_dir(&d) {
                Ok(e) => e,
                Err(e) => {
                    self.errors.push(
                        ErrorKind::Io,
                        None,
                        format!("cannot read directory {}: {e}", d.display()),
                    );
                    continue;
                }
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    if recursive {
                        pending.push(path);
                    }
                } else if path.extension().is_some_and(|e| e == "fidl") {
                    out.push(path);
                }
            }
        }
        out.sort();
        out
    }
}

/// Loads `files` (the target library) with dependency directories `dep_dirs`.
///
/// ```no_run
/// let root = handoff_idl::load_files(&["api.fidl"], &["deps"])?;
/// # Ok::<(), handoff_idl::Error>(())
/// ```
pub fn load_files<P: AsRef<Path>, D: AsRef<Path>>(
    files: &[P],
    dep_dirs: &[D],
) -> Result<Root, Error> {
    let mut loader = Loader::new();
    for f in files {
        loader.add_file(f);
    }
    for d in dep_dirs {
        loader.add_dependency_dir(d);
    }
    loader.load()
}

/// A compiled set of libraries: the target library and the dependencies it uses, each with
/// resolved declarations and shapes.
#[derive(Debug)]
pub struct Root {
    libraries: Vec<Library>,
    index: HashMap<Name, (usize, usize)>,
    components: Components,
    node_of: HashMap<Name, usize>,
}

impl Root {
    fn new(libraries: Vec<Library>, components: Components) -> Root {
        let mut index = HashMap::new();
        for (li, lib) in libraries.iter().enumerate() {
            for (di, d) in lib.declarations.iter().enumerate() {
                index.insert(d.name.clone(), (li, di));
            }
        }
        let node_of = components
            .nodes
            .iter()
            .enumerate()
            .map(|(n, &(li, di))| (libraries[li].declarations[di].name.clone(), n))
            .collect();
        Root {
            libraries,
            index,
            components,
            node_of,
        }
    }

    /// The target library (the one the main files declare).
    pub fn target(&self) -> &Library {
        // `compile` never returns an empty list.
        &self.libraries[self.libraries.len() - 1]
    }

    /// All compiled libraries, dependencies first, the target last.
    pub fn libraries(&self) -> &[Library] {
        &self.libraries
    }

    /// The library called `name`.
    pub fn library(&self, name: &str) -> Option<&Library> {
        self.libraries.iter().find(|l| l.name == name)
    }

    /// The declaration called `name`, in any library.
    pub fn decl(&self, name: &Name) -> Option<&Decl> {
        self.index
            .get(name)
            .map(|&(li, di)| &self.libraries[li].declarations[di])
    }

    /// The declaration `name` of the target library (`root.lookup("Foo")`).
    pub fn lookup(&self, name: &str) -> Option<&Decl> {
        self.decl(&Name::new(self.target().name.clone(), name))
    }

    /// The wire shape of any resolved type (a member's type, say).
    pub fn type_shape(&self, ty: &Type) -> TypeShape {
        crate::shape::type_shape(ty, &|name| self.decl(name).and_then(|d| d.shape().copied()))
    }

    /// Whether values of `ty` are resources (handles, endpoints, or `resource` types, directly
    /// or inside vectors, arrays and boxes).
    pub fn is_resource_type(&self, ty: &Type) -> bool {
        match ty {
            Type::Handle(_) | Type::Endpoint { .. } => true,
            Type::Vector { element, .. } | Type::Array { element, .. } => {
                self.is_resource_type(element)
            }
            Type::Identifier { name, .. } => self.decl(name).is_some_and(Decl::is_resource),
            Type::Primitive { .. } | Type::String { .. } => false,
        }
    }

    /// For every struct/table/union: whether `local` holds for it or for any declaration
    /// it reaches. Computed over the declaration graph's components, so cycles are fine.
    pub(crate) fn reachable(&self, local: impl Fn(&Decl) -> bool) -> HashMap<Name, bool> {
        let c = &self.components;
        let mut value = vec![false; c.nodes.len()];
        for scc in &c.sccs {
            let mut any = false;
            for &n in scc {
                let (li, di) = c.nodes[n];
                any |= local(&self.libraries[li].declarations[di]);
                any |= c.adjacency[n].iter().any(|&m| value[m]);
            }
            for &n in scc {
                value[n] = any;
            }
        }
        self.node_of
            .iter()
            .map(|(name, &n)| (name.clone(), value[n]))
            .collect()
    }

    /// Whether `decl` is part of a cycle through at least one other declaration (so that a
    /// static fact about it cannot be computed from its members' without a cycle).
    pub(crate) fn is_mutually_recursive(&self, decl: &Decl) -> bool {
        let Some(&n) = self.node_of.get(&decl.name) else {
            return false;
        };
        self.components
            .sccs
            .iter()
            .find(|scc| scc.contains(&n))
            .is_some_and(|scc| scc.len() > 1)
    }

    /// Whether `decl` is part of a cycle of declarations.
    pub fn is_recursive(&self, decl: &Decl) -> bool {
        match &decl.kind {
            DeclKind::Struct(_) | DeclKind::Table(_) | DeclKind::Union(_) => self
                .node_of
                .get(&decl.name)
                .is_some_and(|&n| self.components.recursive[n]),
            _ => false,
        }
    }
}
