//! The conformance runner: runs Fuchsia's GIDL conformance suite against handoff.
//!
//! ```text
//! HANDOFF_CONFORMANCE_DIR=<dir> cargo run --release -p handoff-conformance [-- FILTER]
//! ```
//!
//! The FIDL library of the suite directory is compiled into this binary by `build.rs`
//! (natural Rust types with `#[derive(handoff::Fidl)]`, plus glue between GIDL values and
//! those types). The `.gidl` files are read when it runs. Every case that applies to
//! binding `rust` runs, plus the decode failures expecting NON_RESOURCE_UNKNOWN_HANDLES:
//!
//! * success / encode_success: the value encodes to exactly the bytes, with the handles
//!   in the listed order (and the listed dispositions);
//! * success / decode_success: the bytes and handles decode to the value, its handles
//!   being the listed objects with the listed type and rights, every other handle closed;
//! * encode_failure / decode_failure: the error has the expected code and every handle
//!   was closed exactly once.
//!
//! The `rust` cases decode with the RFC-0137 policy (unknown handles in value types are
//! closed); a case expecting NON_RESOURCE_UNKNOWN_HANDLES decodes with handoff's default
//! policy, which rejects them.
//!
//! It prints one line per failing case, then `conformance: N passed, N failed, N skipped`
//! (skipped: cases that do not apply to `rust`), and exits non-zero on any failure. An
//! optional argument runs only the cases whose name contains it.

mod fingerprint;
mod glue;
mod run;

/// The natural types of the suite's FIDL library.
#[allow(missing_docs, dead_code, non_camel_case_types, clippy::all)]
mod types {
    include!(concat!(env!("OUT_DIR"), "/conformance_types.rs"));
}

/// The `Gidl` impls of those types and `dispatch`.
#[allow(missing_docs, clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/conformance_glue.rs"));
    include!(concat!(env!("OUT_DIR"), "/conformance_fingerprint.rs"));
}

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::process::ExitCode;

use handoff_conformance::{Case, load_dir, suite_dir};

/// The tally of a run.
#[derive(Debug, Default, PartialEq, Eq)]
struct Tally {
    passed: usize,
    failed: usize,
    skipped: usize,
}

fn main() -> ExitCode {
    let filter = std::env::args().nth(1);
    let dir = match suite_dir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = check_fingerprint(&dir) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    let cases = match load_dir(&dir) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    // A panic is a failure of its case; report it on the case's line, not as a backtrace.
    std::panic::set_hook(Box::new(|_| {}));
    let tally = run_all(
        cases
            .iter()
            .filter(|c| filter.as_deref().is_none_or(|f| c.name.contains(f))),
        &mut |line| println!("{line}"),
    );
    let _ = std::panic::take_hook();
    println!(
        "conformance: {} passed, {} failed, {} skipped",
        tally.passed, tally.failed, tally.skipped
    );
    if tally.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Fails if `dir` holds `.fidl` files other than those this binary was built from.
fn check_fingerprint(dir: &Path) -> Result<(), String> {
    let print = fingerprint::fingerprint(dir)
        .map_err(|e| format!("cannot read the .fidl files of {}: {e}", dir.display()))?;
    if print != 0 && print != generated::FIDL_FINGERPRINT {
        return Err(format!(
            "the .fidl files in {} differ from the ones this runner was built from ({}); \
             rebuild it with {}={}",
            dir.display(),
            generated::FIDL_DIR,
            handoff_conformance::SUITE_DIR_ENV,
            dir.display()
        ));
    }
    Ok(())
}

/// Runs every case, reporting each failure through `report`.
fn run_all<'a>(cases: impl Iterator<Item = &'a Case>, report: &mut dyn FnMut(String)) -> Tally {
    let mut tally = Tally::default();
    for case in cases {
        if !run::selected(case) {
            tally.skipped += 1;
            continue;
        }
        match run_case(case) {
            Ok(()) => tally.passed += 1,
            Err(what) => {
                tally.failed += 1;
                report(format!(
                    "FAIL {} ({}:{}, {}): {what}",
                    case.name,
                    case.file,
                    case.line(),
                    case.kind
                ));
            }
        }
    }
    tally
}

/// Runs one case with the runner of its top-level type.
fn run_case(case: &Case) -> Result<(), String> {
    let name = case
        .top_level_type()
        .ok_or("the case names no top-level type")?;
    let runner = generated::dispatch(name)
        .ok_or_else(|| format!("type {name} is not a struct, table or union of the library"))?;
    match catch_unwind(AssertUnwindSafe(|| runner.run(case))) {
        Ok(result) => result,
        Err(panic) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic".into());
            Err(format!("panicked: {msg}"))
        }
    }
}
