//! Shared helpers: locating and loading Fuchsia's conformance suite.

#![allow(dead_code)]

use handoff_idl::{Loader, Root};
use std::path::{Path, PathBuf};

/// The conformance suite directory: `$HANDOFF_CONFORMANCE_DIR`, or `../shared/conformance`
/// beside the workspace. Fails loudly when it is missing: these tests must not be skipped.
pub fn conformance_dir() -> PathBuf {
    let dir = std::env::var_os("HANDOFF_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"));
    assert!(
        dir.join("golden.test.fidl").is_file() && dir.join("deps/zx.fidl").is_file(),
        "the FIDL conformance suite was not found at {} (set HANDOFF_CONFORMANCE_DIR to the directory \
         holding *.test.fidl and deps/zx.fidl)",
        dir.display()
    );
    dir
}

/// Every `*.test.fidl` file of the suite, sorted.
pub fn test_fidl_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(conformance_dir())
        .expect("read the conformance directory")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".test.fidl"))
        .collect();
    files.sort();
    assert_eq!(
        files.len(),
        27,
        "expected the 27 .test.fidl files of the suite"
    );
    files
}

/// The suite's library `test.conformance`, with `zx` from `deps/`.
pub fn load_conformance() -> Root {
    let dir = conformance_dir();
    let mut loader = Loader::new();
    loader.add_dir(&dir).add_dependency_dir(dir.join("deps"));
    match loader.load() {
        Ok(root) => root,
        Err(e) => panic!("the conformance library does not compile:\n{e}"),
    }
}
