//! Which `.fidl` files make up a suite directory's library, and a hash of them.
//!
//! Shared by the build script (which compiles the library into the runner) and the runner
//! (which checks that the directory it reads holds the library it was built from).

use std::io;
use std::path::{Path, PathBuf};

/// The `.fidl` files of a suite directory.
#[derive(Debug, Default)]
pub struct FidlFiles {
    /// `*.fidl` directly in the directory: the target library.
    pub main: Vec<PathBuf>,
    /// `*.fidl` anywhere under `deps/`: libraries named by `using`.
    pub deps: Vec<PathBuf>,
}

/// The `.fidl` files of `dir`, each list sorted by path.
pub fn fidl_files(dir: &Path) -> io::Result<FidlFiles> {
    let mut files = FidlFiles::default();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if is_fidl(&path) {
            files.main.push(path);
        }
    }
    let deps = dir.join("deps");
    if deps.is_dir() {
        let mut pending = vec![deps];
        while let Some(d) = pending.pop() {
            for entry in std::fs::read_dir(&d)? {
                let path = entry?.path();
                if path.is_dir() {
                    pending.push(path);
                } else if is_fidl(&path) {
                    files.deps.push(path);
                }
            }
        }
    }
    files.main.sort();
    files.deps.sort();
    Ok(files)
}

fn is_fidl(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "fidl") && path.is_file()
}

/// A 64-bit FNV-1a hash of the `.fidl` files of `dir`: their paths relative to `dir`
/// and their contents, in sorted order. 0 when the directory has none.
pub fn fingerprint(dir: &Path) -> io::Result<u64> {
    let files = fidl_files(dir)?;
    if files.main.is_empty() && files.deps.is_empty() {
        return Ok(0);
    }
    let mut h = Fnv::new();
    for path in files.main.iter().chain(&files.deps) {
        let rel = path.strip_prefix(dir).unwrap_or(path);
        h.write(rel.to_string_lossy().as_bytes());
        h.write(&[0]);
        let text = std::fs::read(path)?;
        h.write(&(text.len() as u64).to_le_bytes());
        h.write(&text);
    }
    Ok(h.0)
}

struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
