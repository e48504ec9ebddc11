//! Finding the suite directory and loading every `.gidl` file in it.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use crate::ast::Case;
use crate::error::{Error, ErrorKind};
use crate::parser::parse_file;

/// The environment variable that overrides the suite directory.
pub const SUITE_DIR_ENV: &str = "HANDOFF_CONFORMANCE_DIR";

/// The suite directory used when [`SUITE_DIR_ENV`] is unset: `shared/conformance`
/// beside the repository checkout.
pub const DEFAULT_SUITE_DIR: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance");

/// The largest `.gidl` file the loader reads (16 MiB; the suite's largest is ~60 KiB).
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// The suite directory: `$HANDOFF_CONFORMANCE_DIR` if set and non-empty, else
/// [`DEFAULT_SUITE_DIR`]. Fails with [`ErrorKind::MissingSuiteDir`] if it is not a
/// directory.
pub fn suite_dir() -> Result<PathBuf, Error> {
    suite_dir_from(std::env::var_os(SUITE_DIR_ENV))
}

/// [`suite_dir`] with the environment variable's value passed in.
fn suite_dir_from(env_value: Option<OsString>) -> Result<PathBuf, Error> {
    let dir = match env_value {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => PathBuf::from(DEFAULT_SUITE_DIR),
    };
    if dir.is_dir() {
        Ok(dir)
    } else {
        let path = dir.display().to_string();
        Err(Error::whole_file(
            &path,
            ErrorKind::MissingSuiteDir { path: path.clone() },
        ))
    }
}

/// The `*.gidl` files directly inside `dir`, sorted by file name.
pub fn gidl_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let io_err = |e: std::io::Error| {
        Error::whole_file(
            &dir.display().to_string(),
            ErrorKind::Io {
                message: e.to_string(),
            },
        )
    };
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_err)? {
        let path = entry.map_err(io_err)?.path();
        if path.extension().is_some_and(|e| e == "gidl") && path.is_file() {
            files.push(path);
        }
    }
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(files)
}

/// Reads and parses one file. Cases and errors name it by its file name.
pub fn load_file(path: &Path) -> Result<Vec<Case>, Error> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let io_err = |e: std::io::Error| {
        Error::whole_file(
            &path.display().to_string(),
            ErrorKind::Io {
                message: e.to_string(),
            },
        )
    };
    let size = fs::metadata(path).map_err(io_err)?.len();
    if size > MAX_FILE_BYTES {
        return Err(Error::whole_file(&name, ErrorKind::FileTooLarge { size }));
    }
    let bytes = fs::read(path).map_err(io_err)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        // The file grew between the two calls.
        return Err(Error::whole_file(
            &name,
            ErrorKind::FileTooLarge {
                size: bytes.len() as u64,
            },
        ));
    }
    let text =
        String::from_utf8(bytes).map_err(|_| Error::whole_file(&name, ErrorKind::InvalidUtf8))?;
    parse_file(&name, &text)
}

/// Loads every `*.gidl` file in `dir` (sorted by name) into one list of cases, in file
/// order then source order. Fails on the first error, or if two cases anywhere share
/// a kind and a name.
pub fn load_dir(dir: &Path) -> Result<Vec<Case>, Error> {
    let mut cases = Vec::new();
    for path in gidl_files(dir)? {
        cases.extend(load_file(&path)?);
    }
    check_unique(&cases)?;
    Ok(cases)
}

/// [`load_dir`] on [`suite_dir`].
pub fn load_suite() -> Result<Vec<Case>, Error> {
    load_dir(&suite_dir()?)
}

/// Fails on the first case whose kind and name an earlier case already has.
pub(crate) fn check_unique(cases: &[Case]) -> Result<(), Error> {
    let mut seen = std::collections::HashSet::new();
    for c in cases {
        if !seen.insert((c.kind, c.name.as_str())) {
            return Err(Error::at(
                &c.file,
                c.span,
                ErrorKind::DuplicateCase {
                    kind: c.kind.name(),
                    name: c.name.clone(),
                },
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suite_dir_resolution() {
        let default = suite_dir_from(None).expect("the default suite directory exists");
        assert!(default.join("README.md").is_file());
        assert_eq!(suite_dir_from(Some(OsString::new())).unwrap(), default);
        let tmp = std::env::temp_dir();
        assert_eq!(
            suite_dir_from(Some(tmp.clone().into_os_string())).unwrap(),
            tmp
        );
        let missing = tmp.join("handoff-no-such-suite-dir");
        let e = suite_dir_from(Some(missing.clone().into_os_string())).unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::MissingSuiteDir {
                path: missing.display().to_string()
            }
        );
        assert!(e.to_string().contains(SUITE_DIR_ENV));
    }
}
