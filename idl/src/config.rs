//! Code generation options and the `build.rs` entry point.

use crate::error::{Error, ErrorKind};
use crate::root::{Loader, Root};
use std::path::{Path, PathBuf};

/// The handle type generated code uses unless told otherwise.
pub const DEFAULT_HANDLE_TYPE: &str = "handoff::handle::mem::MemHandle";

/// Options for generating Rust, and the `build.rs` API (in the style of `prost-build`).
///
/// ```no_run
/// // build.rs
/// handoff_idl::Config::new()
///     .handle_type("handoff::handle::mem::MemHandle")
///     .compile(&["fidl/api.fidl"], &["fidl/deps"])
///     .unwrap();
/// // src/lib.rs:
/// // pub mod api { include!(concat!(env!("OUT_DIR"), "/my.api.rs")); }
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) handle_type: String,
    pub(crate) fidl_crate: String,
    pub(crate) extern_paths: Vec<(String, String)>,
    pub(crate) skip_binding: Option<String>,
    out_dir: Option<PathBuf>,
    emit_rerun: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            handle_type: DEFAULT_HANDLE_TYPE.into(),
            fidl_crate: "handoff".into(),
            extern_paths: Vec::new(),
            skip_binding: Some("rust".into()),
            out_dir: None,
            emit_rerun: true,
        }
    }
}

impl Config {
    /// Default options: handles are [`DEFAULT_HANDLE_TYPE`], the derive is `handoff::Fidl`,
    /// declarations with `@bindings_denylist("rust")` are skipped.
    pub fn new() -> Config {
        Config::default()
    }

    /// The Rust path of the handle type used for handles and protocol endpoints.
    pub fn handle_type(&mut self, path: impl Into<String>) -> &mut Self {
        self.handle_type = path.into();
        self
    }

    /// The path of the crate providing the `Fidl` derive (default `handoff`).
    pub fn fidl_crate(&mut self, path: impl Into<String>) -> &mut Self {
        self.fidl_crate = path.into();
        self
    }

    /// Types of FIDL library `library` are referred to as `rust_path::Name` instead of
    /// `super::<library_with_underscores>::Name`, and `compile` does not generate it.
    pub fn extern_library(
        &mut self,
        library: impl Into<String>,
        rust_path: impl Into<String>,
    ) -> &mut Self {
        self.extern_paths.push((library.into(), rust_path.into()));
        self
    }

    /// Skip declarations whose `@bindings_denylist` names `binding` (default `rust`); `None`
    /// generates everything.
    pub fn skip_denylisted(&mut self, binding: Option<&str>) -> &mut Self {
        self.skip_binding = binding.map(str::to_string);
        self
    }

    /// Where `compile` writes (default: the `OUT_DIR` environment variable).
    pub fn out_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Whether `compile` prints `cargo:rerun-if-changed=` lines (default true).
    pub fn emit_rerun_if_changed(&mut self, yes: bool) -> &mut Self {
        self.emit_rerun = yes;
        self
    }

    /// Rust source for the target library of `root`.
    pub fn generate(&self, root: &Root) -> Result<String, Error> {
        crate::codegen::generate(root, root.target(), self)
    }

    /// Rust source for library `library` of `root` (a dependency, say).
    pub fn generate_library(&self, root: &Root, library: &str) -> Result<String, Error> {
        let lib = root.library(library).ok_or_else(|| {
            Error::single(
                ErrorKind::UnknownName,
                None,
                format!("library `{library}` was not compiled"),
            )
        })?;
        crate::codegen::generate(root, lib, self)
    }

    /// Compiles `files` (one library, plus dependencies found in `dep_dirs`) and writes
    /// `<out_dir>/<library>.rs` for the target and every dependency it uses (except extern
    /// ones). Prints `cargo:rerun-if-changed` for every file and dependency directory read.
    /// Returns the files written.
    ///
    /// Generated files of dependencies refer to each other as sibling modules named after
    /// the library with dots replaced by underscores (`super::zx::Rights`).
    pub fn compile<P: AsRef<Path>, D: AsRef<Path>>(
        &self,
        files: &[P],
        dep_dirs: &[D],
    ) -> Result<Vec<PathBuf>, Error> {
        let mut loader = Loader::new();
        for f in files {
            loader.add_file(f);
        }
        for d in dep_dirs {
            loader.add_dependency_dir(d);
        }
        if self.emit_rerun {
            for p in loader.paths() {
                println!("cargo:rerun-if-changed={}", p.display());
            }
        }
        let root = loader.load()?;
        let out_dir = match &self.out_dir {
            Some(d) => d.clone(),
            None => std::env::var_os("OUT_DIR").map(PathBuf::from).ok_or_else(|| {
                Error::single(
                    ErrorKind::Io,
                    None,
                    "OUT_DIR is not set: call Config::out_dir, or run from a Cargo build script",
                )
            })?,
        };
        let mut written = Vec::new();
        for lib in root.libraries() {
            if self.extern_paths.iter().any(|(l, _)| *l == lib.name) {
                continue;
            }
            let code = crate::codegen::generate(&root, lib, self)?;
            let path = out_dir.join(format!("{}.rs", lib.name));
            std::fs::write(&path, code).map_err(|e| {
                Error::single(
                    ErrorKind::Io,
                    None,
                    format!("cannot write {}: {e}", path.display()),
                )
            })?;
            written.push(path);
        }
        Ok(written)
    }
}
