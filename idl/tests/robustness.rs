//! Malformed input never panics: truncations and random byte mutations of every conformance
//! `.fidl` file go through the whole pipeline (parse, resolve, shapes, IR, Rust) and come back
//! as `Ok` or a typed `Err`. Deterministic (fixed seeds) and bounded (a few thousand inputs).

mod common;

use handoff_idl::{Config, Error, Loader, Root};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// xorshift64*: a tiny deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that make interesting FIDL: punctuation, digits, quotes, keywords' letters, and
/// bytes that are not UTF-8.
const INTERESTING: &[u8] = b"{}()<>[];:,.=|@-/\"\\ \n0189xabrt_\xff\xc3";

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let pos = rng.below(v.len() + 1);
        let byte = if rng.below(2) == 0 {
            INTERESTING[rng.below(INTERESTING.len())]
        } else {
            rng.next() as u8
        };
        match rng.below(4) {
            0 if pos < v.len() => v[pos] = byte,
            1 => v.insert(pos, byte),
            2 if pos < v.len() => {
                v.remove(pos);
            }
            _ => {
                // Duplicate a slice: repeats declarations, members and brackets.
                let start = rng.below(v.len());
                let end = (start + rng.below(64)).min(v.len());
                let chunk = v[start..end].to_vec();
                let at = pos.min(v.len());
                v.splice(at..at, chunk);
            }
        }
    }
    v
}

/// Runs the whole pipeline; only panics matter.
fn pipeline(loader: &Loader) -> Result<Root, Error> {
    let root = loader.load()?;
    let _ = handoff_idl::ir::to_string_pretty(&root);
    for lib in root.libraries() {
        let _ = Config::new().generate_library(&root, &lib.name);
    }
    for d in &root.target().declarations {
        if let handoff_idl::DeclKind::Struct(s) = &d.kind {
            for m in &s.members {
                let _ = root.type_shape(&m.ty);
                let _ = root.is_resource_type(&m.ty);
            }
        }
    }
    Ok(root)
}

#[track_caller]
fn must_not_panic(what: &str, loader: &Loader) -> bool {
    match catch_unwind(AssertUnwindSafe(|| pipeline(loader))) {
        Ok(result) => result.is_ok(),
        Err(_) => panic!("the front end panicked on {what}"),
    }
}

fn zx() -> Vec<u8> {
    std::fs::read(common::conformance_dir().join("deps/zx.fidl")).unwrap()
}

#[test]
fn truncations_never_panic() {
    let zx = zx();
    let mut accepted = 0;
    let mut rejected = 0;
    for path in common::test_fidl_files() {
        let text = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // 48 evenly spaced cut points, plus every cut in the last 40 bytes (the closing
        // brackets and semicolons).
        let mut cuts: Vec<usize> = (0..48).map(|i| i * text.len() / 48).collect();
        cuts.extend(text.len().saturating_sub(40)..text.len());
        for cut in cuts {
            let mut loader = Loader::new();
            loader.add_source_bytes(name.clone(), &text[..cut]);
            loader.add_dependency_source("zx.fidl", String::from_utf8(zx.clone()).unwrap());
            if must_not_panic(&format!("{name} cut at {cut}"), &loader) {
                accepted += 1;
            } else {
                rejected += 1;
            }
        }
    }
    // Both outcomes happen: the test exercises errors and successes.
    assert!(
        accepted > 0 && rejected > 0,
        "accepted {accepted}, rejected {rejected}"
    );
}

#[test]
fn mutations_never_panic() {
    let zx = zx();
    let mut rng = Rng(0x5EED_1D1F_0000_0001);
    let (mut accepted, mut rejected) = (0, 0);
    for path in common::test_fidl_files() {
        let text = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for i in 0..60 {
            let mutated = mutate(&mut rng, &text);
            let mut loader = Loader::new();
            loader.add_source_bytes(name.clone(), &mutated);
            loader.add_dependency_source("zx.fidl", String::from_utf8(zx.clone()).unwrap());
            if must_not_panic(&format!("{name} mutation #{i}"), &loader) {
                accepted += 1;
            } else {
                rejected += 1;
            }
        }
    }
    assert!(
        accepted > 0 && rejected > 0,
        "accepted {accepted}, rejected {rejected}"
    );
}

/// Mutating one file of the whole library exercises cross-file resolution (unknown names,
/// duplicates, cycles, resourceness) on realistic input.
#[test]
fn mutations_inside_the_whole_library_never_panic() {
    let files: Vec<(String, Vec<u8>)> = common::test_fidl_files()
        .iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(p).unwrap(),
            )
        })
        .collect();
    let zx = String::from_utf8(zx()).unwrap();
    let mut rng = Rng(0xC0FF_EE00_1234_5678);
    let mut rejected = 0;
    for round in 0..60 {
        let victim = rng.below(files.len());
        let mut loader = Loader::new();
        for (i, (name, text)) in files.iter().enumerate() {
            if i == victim {
                loader.add_source_bytes(name.clone(), &mutate(&mut rng, text));
            } else {
                loader.add_source_bytes(name.clone(), text);
            }
        }
        loader.add_dependency_source("zx.fidl", zx.clone());
        if !must_not_panic(
            &format!("round {round}, {} mutated", files[victim].0),
            &loader,
        ) {
            rejected += 1;
        }
    }
    assert!(rejected > 0);
}

/// Byte soup built from FIDL tokens finds paths random bytes rarely reach.
#[test]
fn token_soup_never_panics() {
    const TOKENS: &[&str] = &[
        "library t;",
        "using zx;",
        "type",
        "S",
        "T",
        "=",
        "struct",
        "table",
        "union",
        "enum",
        "bits",
        "resource",
        "strict",
        "flexible",
        "{",
        "}",
        "(",
        ")",
        "<",
        ">",
        ";",
        ":",
        ",",
        "|",
        "1:",
        "2:",
        "reserved",
        "a",
        "b",
        "vector",
        "array",
        "box",
        "string",
        "uint8",
        "int64",
        "float32",
        "handle",
        "zx.Handle",
        "client_end",
        "server_end",
        "optional",
        "MAX",
        "0",
        "3",
        "-1",
        "0x8000",
        "\"s\"",
        "alias",
        "const",
        "protocol",
        "closed",
        "->",
        "error",
        "resource_definition",
        "properties",
        "subtype",
        "rights",
        "@generated_name(\"G\")",
        "@a",
        "/// d\n",
        "P",
        "E",
        "A",
        "B",
        "true",
    ];
    let zx = String::from_utf8(zx()).unwrap();
    let mut rng = Rng(42);
    for i in 0..1500 {
        let mut src = String::from("library t;\n");
        for _ in 0..rng.below(60) {
            src.push_str(TOKENS[rng.below(TOKENS.len())]);
            src.push(' ');
        }
        let mut loader = Loader::new();
        loader.add_source("soup.fidl", src.clone());
        loader.add_dependency_source("zx.fidl", zx.clone());
        must_not_panic(&format!("soup #{i}: {src}"), &loader);
    }
}

/// Aliases are copied where they are used; a small file cannot make that copying unbounded.
#[test]
fn alias_amplification_is_bounded() {
    let nest = |inner: &str| format!("{}{inner}{}", "vector<".repeat(60), ">".repeat(60));
    let mut src = format!(
        "library t;\nalias B = {};\nalias A = {};\ntype S = struct {{\n",
        nest("uint8"),
        nest("B")
    );
    for i in 0..40_000 {
        src.push_str(&format!("a{i} A;\n"));
    }
    src.push_str("};\n");
    assert!(src.len() < handoff_idl::MAX_FILE_LEN);
    let err = Loader::new()
        .add_source("amp.fidl", src)
        .load()
        .unwrap_err();
    assert!(err.has(handoff_idl::ErrorKind::TypeTooLarge), "{err}");
    assert!(err.to_string().contains("MiB of resolved types"), "{err}");
}

/// Files over the size limit are refused before parsing.
#[test]
fn oversized_files_are_refused() {
    let big = vec![b' '; handoff_idl::MAX_FILE_LEN + 1];
    let err = Loader::new()
        .add_source_bytes("big.fidl", &big)
        .load()
        .unwrap_err();
    assert_eq!(err.kind(), handoff_idl::ErrorKind::InvalidFile);
}

/// Long chains of declarations (by value, by box) are handled without deep recursion.
#[test]
fn long_declaration_chains() {
    let n = 10_000;
    let mut src = String::from("library t;\n");
    for i in 0..n {
        src.push_str(&format!(
            "type S{i} = struct {{ next box<S{}>; v S{}; }};\n",
            (i + 1) % n,
            (i + 1) % n.max(1)
        ));
    }
    // S(n-1).v is S0 by value: a by-value cycle through every struct.
    let err = Loader::new()
        .add_source("chain.fidl", src)
        .load()
        .unwrap_err();
    assert!(err.has(handoff_idl::ErrorKind::IncludeCycle));
    let mut src = String::from("library t;\n");
    for i in 0..n {
        if i + 1 < n {
            src.push_str(&format!(
                "type S{i} = struct {{ v S{}; back box<S0>; }};\n",
                i + 1
            ));
        } else {
            src.push_str(&format!(
                "type S{i} = struct {{ x uint8; back box<S0>; }};\n"
            ));
        }
    }
    let root = Loader::new().add_source("chain.fidl", src).load().unwrap();
    let s0 = root.lookup("S0").unwrap().shape().unwrap();
    assert_eq!(s0.depth, u32::MAX);
    let code = Config::new().generate(&root).unwrap();
    assert!(code.contains("pub struct S9999 {"));
}
