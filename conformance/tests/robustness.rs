//! Hostile and damaged input: truncated and mutated suite files, token soup and
//! oversized constructs. The parser must return (an error or cases), never panic,
//! give the same answer twice, and stay linear.

use std::time::{Duration, Instant};

use handoff_conformance::{Case, ErrorKind, gidl_files, load_file, parse_file, suite_dir};

/// A small deterministic generator (SplitMix64), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Characters that matter to the grammar, plus a few that do not.
const ALPHABET: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    ",",
    ":",
    "=",
    "#",
    "-",
    "+",
    "|",
    "'",
    "\"",
    "\\",
    "/",
    "*",
    "0",
    "9",
    "x",
    "0x",
    "_",
    "a",
    "Z",
    ".",
    "e",
    " ",
    "\n",
    "\t",
    "é",
    "🌎",
    "@",
    "\u{0}",
    "null",
    "repeat",
    "num",
    "padding",
    "restrict",
    "decode",
    "raw_float",
    "success",
    "v2",
    "#0",
    "event()",
    "99999999999999999999",
    "-9223372036854775809",
    "\\x",
    "\\u",
    "/*",
    "//",
];

fn suite_sources() -> Vec<(String, String)> {
    let dir = suite_dir().expect("suite directory");
    let files = gidl_files(&dir).expect("listing the suite");
    assert_eq!(files.len(), 28);
    files
        .iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(p).unwrap())
        })
        .collect()
}

/// The largest char boundary at or before `i`.
fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The source text of each case: from its header to the next case's header.
fn case_chunks<'a>(src: &'a str, cases: &[Case]) -> Vec<&'a str> {
    let starts: Vec<usize> = cases.iter().map(|c| c.span.start).collect();
    starts
        .iter()
        .enumerate()
        .map(|(i, &s)| &src[s..starts.get(i + 1).copied().unwrap_or(src.len())])
        .collect()
}

fn mutate(rng: &mut Rng, src: &str) -> String {
    let at = floor_boundary(src, rng.below(src.len() + 1));
    let mut out = String::with_capacity(src.len() + 16);
    match rng.below(5) {
        // Replace one character.
        0 => {
            let next = src[at..].chars().next().map_or(0, char::len_utf8);
            out.push_str(&src[..at]);
            out.push_str(rng.pick(ALPHABET));
            out.push_str(&src[at + next..]);
        }
        // Insert something.
        1 => {
            out.push_str(&src[..at]);
            out.push_str(rng.pick(ALPHABET));
            out.push_str(&src[at..]);
        }
        // Delete a run.
        2 => {
            let end = floor_boundary(src, at + 1 + rng.below(16));
            out.push_str(&src[..at]);
            out.push_str(&src[end..]);
        }
        // Duplicate a run.
        3 => {
            let end = floor_boundary(src, at + 1 + rng.below(64));
            out.push_str(&src[..end]);
            out.push_str(&src[at..]);
        }
        // Swap two halves around the point.
        _ => {
            out.push_str(&src[at..]);
            out.push_str(&src[..at]);
        }
    }
    out
}

#[test]
fn truncated_files_fail_cleanly_or_yield_a_prefix() {
    let mut rng = Rng(1);
    for (name, src) in suite_sources() {
        let full = parse_file(&name, &src).unwrap();
        let mut cuts: Vec<usize> = (0..=16).map(|k| src.len() * k / 16).collect();
        cuts.extend((0..8).map(|_| rng.below(src.len() + 1)));
        for cut in cuts {
            let cut = floor_boundary(&src, cut);
            let head = &src[..cut];
            match parse_file(&name, head) {
                // Cutting between cases (or inside a comment after one) loses only the
                // cases after the cut.
                Ok(cases) => assert_eq!(cases, full[..cases.len()], "{name} cut at {cut}"),
                Err(e) => {
                    assert_eq!(e.file, name);
                    let span = e.span.expect("a parse error has a position");
                    assert!(span.start <= cut, "{name} cut at {cut}: {e}");
                }
            }
        }
    }
}

#[test]
fn truncated_and_mutated_cases_never_panic_and_are_deterministic() {
    let mut rng = Rng(2);
    let mut parses = 0usize;
    let mut accepted = 0usize;
    let started = Instant::now();
    for (name, src) in suite_sources() {
        let cases = parse_file(&name, &src).unwrap();
        for (case, chunk) in cases.iter().zip(case_chunks(&src, &cases)) {
            // The case alone parses to itself (up to positions).
            let alone = parse_file(&name, chunk).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(alone.len(), 1);
            assert_eq!((alone[0].kind, &alone[0].name), (case.kind, &case.name));
            assert_eq!(alone[0].bytes(), case.bytes());

            for _ in 0..3 {
                let cut = floor_boundary(chunk, rng.below(chunk.len()));
                let r = parse_file(&name, &chunk[..cut]);
                if let Ok(got) = &r {
                    assert!(
                        got.is_empty() || got[0].name == case.name,
                        "{}",
                        case.label()
                    );
                }
                parses += 1;
            }
            for _ in 0..8 {
                let mutated = mutate(&mut rng, chunk);
                let first = parse_file(&name, &mutated);
                let second = parse_file(&name, &mutated);
                assert_eq!(first, second, "nondeterministic on {mutated:?}");
                accepted += usize::from(first.is_ok());
                parses += 2;
            }
        }
    }
    let elapsed = started.elapsed();
    println!("{parses} parses ({accepted} mutants accepted) in {elapsed:?}");
    assert_eq!(parses, 869 * 19);
}

#[test]
fn token_soup_never_panics() {
    let mut rng = Rng(3);
    for _ in 0..2000 {
        let mut s = String::new();
        // Often start like a real case so the parser gets past the header.
        if rng.below(2) == 0 {
            s.push_str(rng.pick(&[
                "success(\"X\") { value = S{ ",
                "decode_failure(\"X\") { type = T, bytes = { v2 = [",
                "encode_success(\"X\") { handle_defs = { #0 = ",
                "success(\"X\") { value = S{ f: [repeat(",
                "decode_success(\"X\") { value = decode({ ",
            ]));
        }
        for _ in 0..rng.below(60) {
            s.push_str(rng.pick(ALPHABET));
            if rng.below(3) == 0 {
                s.push(' ');
            }
        }
        let a = parse_file("soup.gidl", &s);
        assert_eq!(a, parse_file("soup.gidl", &s));
    }
}

/// Parses `src` and returns how long it took; `src` must be accepted or rejected with
/// `want_err` (when given).
fn timed(src: &str, want_err: Option<&ErrorKind>) -> Duration {
    let t = Instant::now();
    let r = parse_file("big.gidl", src);
    let elapsed = t.elapsed();
    match (want_err, r) {
        (None, Ok(_)) => {}
        (Some(want), Err(e)) => assert_eq!(&e.kind, want),
        (want, got) => panic!("wanted {want:?}, got {got:?}"),
    }
    elapsed
}

#[test]
fn large_inputs_parse_in_linear_time() {
    // Shapes that would be quadratic with naive duplicate or type-name checks.
    const N: usize = 100_000;
    let fields: String = (0..N).map(|i| format!("f{i}: {i}, ")).collect();
    let record = format!("success(\"R\") {{ value = S{{ {fields} }}, bytes = {{ v2 = [] }} }}");
    let list: String = (0..N).map(|i| format!("T{i}{{}}, ")).collect();
    let types = format!("success(\"L\") {{ value = S{{ v: [{list}] }}, bytes = {{ v2 = [] }} }}");
    let cases: String = (0..N / 10)
        .map(|i| format!("encode_failure(\"C{i}\") {{ value = S{{}}, err = TOO_FEW_BYTES }}\n"))
        .collect();
    let defs: String = (0..N / 10).map(|i| format!("#{i} = event(), ")).collect();
    let uses: String = (0..N / 10).map(|i| format!("#{i}, ")).collect();
    let handles = format!(
        "success(\"H\") {{ handle_defs = {{ {defs} }}, value = S{{ h: [{uses}] }}, \
         bytes = {{ v2 = [] }}, handles = {{ v2 = [{uses}] }} }}"
    );
    let bytes: String = "0xff, ".repeat(N);
    let byte_list = format!("success(\"B\") {{ value = S{{}}, bytes = {{ v2 = [{bytes}] }} }}");
    let string = format!(
        "success(\"S\") {{ value = S{{ s: \"{}\" }}, bytes = {{ v2 = [] }} }}",
        "\\x41".repeat(N)
    );
    let comment = format!("// {}\n", "x".repeat(10 * N));

    let budget = Duration::from_secs(20);
    for (what, src) in [
        ("record with many fields", &record),
        ("many record types", &types),
        ("many cases", &cases),
        ("many handles", &handles),
        ("long byte list", &byte_list),
        ("long string", &string),
        ("long comment", &comment),
    ] {
        let took = timed(src, None);
        assert!(took < budget, "{what}: {took:?} for {} bytes", src.len());
    }
    let c = parse_file("big.gidl", &types).unwrap();
    assert_eq!(c[0].referenced_types().len(), N + 1);

    // Many duplicate-named cases are rejected at the first duplicate.
    let dupes = "encode_failure(\"D\") { value = S{}, err = TOO_FEW_BYTES }\n".repeat(N / 10);
    let e = ErrorKind::DuplicateCase {
        kind: "encode_failure",
        name: "D".into(),
    };
    assert!(timed(&dupes, Some(&e)) < budget);
}

#[test]
fn loader_rejects_bad_files_with_their_name() {
    let dir = std::env::temp_dir().join(format!("handoff-gidl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.gidl");
    std::fs::write(&bad, b"success(\"X\") { value = \xff }").unwrap();
    let e = load_file(&bad).unwrap_err();
    assert_eq!(
        (e.file.as_str(), &e.kind),
        ("bad.gidl", &ErrorKind::InvalidUtf8)
    );
    std::fs::write(&bad, "success(\"X\") {\n  value = S{ a: 0x1g },\n}").unwrap();
    let e = load_file(&bad).unwrap_err();
    assert_eq!(e.to_string(), "bad.gidl:2:17: invalid number `0x1g`");
    let missing = load_file(&dir.join("missing.gidl")).unwrap_err();
    assert!(matches!(missing.kind, ErrorKind::Io { .. }));
    assert!(missing.span.is_none());

    // load_dir reads only *.gidl, sorted, and reports duplicates across files.
    std::fs::remove_file(&bad).unwrap();
    let case = |name: &str| {
        format!("encode_failure(\"{name}\") {{ value = S{{}}, err = TOO_FEW_BYTES }}\n")
    };
    std::fs::write(dir.join("b.gidl"), case("B")).unwrap();
    std::fs::write(dir.join("a.gidl"), case("A")).unwrap();
    std::fs::write(dir.join("notes.txt"), "not gidl").unwrap();
    let cases = handoff_conformance::load_dir(&dir).unwrap();
    let names: Vec<(&str, &str)> = cases
        .iter()
        .map(|c| (c.file.as_str(), c.name.as_str()))
        .collect();
    assert_eq!(names, [("a.gidl", "A"), ("b.gidl", "B")]);
    std::fs::write(dir.join("c.gidl"), case("A")).unwrap();
    let e = handoff_conformance::load_dir(&dir).unwrap_err();
    assert_eq!(e.file, "c.gidl");
    assert!(matches!(e.kind, ErrorKind::DuplicateCase { .. }));
    std::fs::remove_dir_all(&dir).unwrap();
}
