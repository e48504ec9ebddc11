//! The reader against the real suite in `shared/conformance`: every file parses, and
//! the case counts match the suite README's table, overall and for `rust`.

use std::collections::BTreeMap;

use handoff_conformance::{
    Binding, Case, CaseKind, ErrorCode, Field, HandleSubtype, ValueKind, gidl_files, load_suite,
    rights, suite_dir,
};

fn suite() -> Vec<Case> {
    match load_suite() {
        Ok(cases) => cases,
        Err(e) => panic!("loading the conformance suite failed: {e}"),
    }
}

fn find<'a>(cases: &'a [Case], kind: CaseKind, name: &str) -> &'a Case {
    cases
        .iter()
        .find(|c| c.kind == kind && c.name == name)
        .unwrap_or_else(|| panic!("no {kind}(\"{name}\")"))
}

/// `[s5 es1 ...]` in the README's notation.
fn summary<'a>(cases: impl Iterator<Item = &'a Case>) -> String {
    let mut counts = [0usize; 5];
    for c in cases {
        counts[CaseKind::ALL.iter().position(|k| *k == c.kind).unwrap()] += 1;
    }
    let total: usize = counts.iter().sum();
    let abbrev = ["s", "es", "ds", "ef", "df"];
    let parts: Vec<String> = counts
        .iter()
        .zip(abbrev)
        .filter(|(n, _)| **n > 0)
        .map(|(n, a)| format!("{a}{n}"))
        .collect();
    format!("{total} [{}]", parts.join(" "))
}

#[test]
fn all_28_files_parse() {
    let files = gidl_files(&suite_dir().unwrap()).unwrap();
    assert_eq!(files.len(), 28);
    let names: Vec<_> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "files come in sorted order");
    let cases = suite();
    assert_eq!(cases.len(), 869);
}

#[test]
fn totals_per_kind_match_readme() {
    let cases = suite();
    assert_eq!(summary(cases.iter()), "869 [s430 es27 ds34 ef108 df270]");
    let rust: Vec<&Case> = cases
        .iter()
        .filter(|c| c.applies_to(Binding::Rust))
        .collect();
    assert_eq!(
        summary(rust.iter().copied()),
        "754 [s408 es26 ds27 ef31 df262]"
    );
}

#[test]
fn per_file_counts_match_readme() {
    // Copied from the table in shared/conformance/README.md: all bindings | rust.
    let table = "
        aliases.gidl                      5 [s5]                      |   5 [s5]
        alignment.gidl                    8 [s8]                      |   8 [s8]
        bits_flexible.gidl               14 [s12 ds2]                 |  14 [s12 ds2]
        bits_strict.gidl                 16 [s8 ef4 df4]              |  16 [s8 ef4 df4]
        bool.gidl                         3 [s2 df1]                  |   3 [s2 df1]
        conformance.gidl                 28 [s22 df6]                 |  28 [s22 df6]
        empty_struct.gidl                15 [s8 df7]                  |  15 [s8 df7]
        enums_flexible.gidl              17 [s16 ds1]                 |  17 [s16 ds1]
        enums_strict.gidl                25 [s9 ef8 df8]              |  17 [s9 df8]
        float.gidl                       33 [s28 es5]                 |  32 [s28 es4]
        golden.gidl                      30 [s24 es2 ds2 ef1 df1]     |  30 [s24 es2 ds2 ef1 df1]
        handles.gidl                     52 [s17 es8 ds7 ef4 df16]    |  44 [s16 es8 ds2 ef4 df14]
        integer.gidl                     22 [s22]                     |  22 [s22]
        memcpy_compatibility.gidl        10 [s6 df4]                  |  10 [s6 df4]
        padding.gidl                    103 [s35 df68]                | 103 [s35 df68]
        ported_from_walker_handles.gidl  17 [s8 df9]                  |  16 [s7 df9]
        ported_from_walker_strings.gidl  15 [s9 df6]                  |  15 [s9 df6]
        ported_from_walker_vectors.gidl  26 [s14 df12]                |  22 [s10 df12]
        protocol_endpoints.gidl           9 [s4 es2 ds1 df2]          |   9 [s4 es2 ds1 df2]
        recursive_depth.gidl             18 [s6 ef6 df6]              |  18 [s6 ef6 df6]
        recursive_types.gidl              4 [s4]                      |   3 [s3]
        strings.gidl                     25 [s6 ef5 df14]             |  24 [s6 ef5 df13]
        strings_utf8.gen.gidl           139 [s31 ef54 df54]           |  85 [s31 df54]
        tables.gidl                      57 [s23 es10 ds10 df14]      |  47 [s14 es10 ds10 df13]
        transformer1.gidl                36 [s36]                     |  36 [s36]
        transformer2.gidl                32 [s32]                     |  32 [s32]
        union.gidl                       75 [s18 ds11 ef21 df25]      |  49 [s12 ds9 ef6 df22]
        vectors.gidl                     35 [s17 ef5 df13]            |  34 [s17 ef5 df12]";
    let mut want = BTreeMap::new();
    for line in table.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (file, rest) = line.split_once(char::is_whitespace).unwrap();
        let (all, rust) = rest.split_once('|').unwrap();
        let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        want.insert(file.to_owned(), (norm(all), norm(rust)));
    }
    assert_eq!(want.len(), 28);

    let cases = suite();
    let mut got = BTreeMap::new();
    for file in want.keys() {
        let in_file = || cases.iter().filter(|c| &c.file == file);
        got.insert(
            file.clone(),
            (
                summary(in_file()),
                summary(in_file().filter(|c| c.applies_to(Binding::Rust))),
            ),
        );
    }
    assert_eq!(got, want);
}

#[test]
fn binding_filters() {
    let cases = suite();
    // No case has both lists, and `reference` never runs without an allowlist.
    assert!(
        cases
            .iter()
            .all(|c| !(c.bindings_allowlist.is_some() && c.bindings_denylist.is_some()))
    );
    let rust_allowlisted = cases
        .iter()
        .filter(|c| {
            c.bindings_allowlist
                .as_ref()
                .is_some_and(|l| l.contains(&Binding::Rust))
        })
        .count();
    assert_eq!(rust_allowlisted, 44);
    let rust_only = cases
        .iter()
        .filter(|c| c.bindings_allowlist.as_deref() == Some(&[Binding::Rust][..]))
        .count();
    assert_eq!(rust_only, 26);
    let reference = cases
        .iter()
        .filter(|c| c.applies_to(Binding::Reference))
        .count();
    let reference_allowlisted = cases
        .iter()
        .filter(|c| {
            c.bindings_allowlist
                .as_ref()
                .is_some_and(|l| l.contains(&Binding::Reference))
        })
        .count();
    assert_eq!(reference, reference_allowlisted);
    // strings_utf8.gen: the 54 STRING_NOT_UTF8 encode failures do not run for rust.
    let utf8_excluded: Vec<&Case> = cases
        .iter()
        .filter(|c| c.file == "strings_utf8.gen.gidl" && !c.applies_to(Binding::Rust))
        .collect();
    assert_eq!(utf8_excluded.len(), 54);
    assert!(
        utf8_excluded
            .iter()
            .all(|c| c.kind == CaseKind::EncodeFailure && c.err == Some(ErrorCode::StringNotUtf8))
    );
}

#[test]
fn hand_checked_bytes() {
    let cases = suite();

    let c = find(&cases, CaseKind::Success, "GoldenStringStruct");
    let mut want = vec![4, 0, 0, 0, 0, 0, 0, 0];
    want.extend_from_slice(&[0xff; 8]);
    want.extend_from_slice(b"abcd\0\0\0\0");
    assert_eq!(c.bytes(), Some(&want[..]));
    assert_eq!(c.line(), 68);

    // `num(1):4, num(0):2, num(1):2` envelope after a table header.
    let c = find(&cases, CaseKind::Success, "GoldenTableStruct");
    let mut want = vec![1, 0, 0, 0, 0, 0, 0, 0];
    want.extend_from_slice(&[0xff; 8]);
    want.extend_from_slice(&[1, 0, 0, 0, 0, 0, 1, 0]);
    assert_eq!(c.bytes(), Some(&want[..]));

    // Negative nums of every width (vectors.gidl).
    let with_negative = cases
        .iter()
        .find(|c| {
            c.file == "vectors.gidl"
                && c.bytes
                    .as_ref()
                    .is_some_and(|b| b.bytes().windows(2).any(|w| w == [0xff, 0xfe]))
        })
        .expect("a vectors case with num(-1):1, num(-2):1");
    let b = with_negative.bytes().unwrap();
    let at = b.windows(2).position(|w| w == [0xff, 0xfe]).unwrap();
    let mut want = vec![0xff, 0xfe, 0, 0, 0, 0, 0, 0];
    want.extend_from_slice(&(-3i16).to_le_bytes());
    want.extend_from_slice(&(-4i16).to_le_bytes());
    want.extend_from_slice(&(-5i16).to_le_bytes());
    want.extend_from_slice(&[0, 0]);
    for v in [-6i32, -7, -8, -9] {
        want.extend_from_slice(&v.to_le_bytes());
    }
    want.extend_from_slice(&(-10i64).to_le_bytes());
    assert_eq!(
        &b[at..at + want.len()],
        &want[..],
        "{}",
        with_negative.label()
    );

    // Character bytes: conformance.gidl spells "before"/"after" as 'b', 'e', ...
    let spelled = cases
        .iter()
        .filter(|c| c.file == "conformance.gidl")
        .filter_map(Case::bytes)
        .filter(|b| b.windows(6).any(|w| w == b"before"))
        .count();
    assert!(spelled >= 4, "found {spelled}");

    // 64-bit nums and 256 repeated bytes (handles.gidl ChannelMaxUnknownHandlesDropped).
    let c = find(
        &cases,
        CaseKind::EncodeSuccess,
        "ChannelMaxUnknownHandlesDropped",
    );
    assert_eq!(
        c.bytes(),
        Some(
            &[
                0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
            ][..]
        )
    );
    let ValueKind::Record(r) = &c.value.as_ref().unwrap().kind else {
        panic!("record expected")
    };
    let ValueKind::Decode(d) = &r.field("table").unwrap().kind else {
        panic!("decode() expected")
    };
    assert_eq!(d.type_name.name, "EmptyResourceTable");
    assert_eq!(d.bytes.bytes().len(), 16 + 8 + 256);
    assert_eq!(&d.bytes.bytes()[16..24], &[0, 1, 0, 0, 64, 0, 0, 0]);
    assert!(d.bytes.bytes()[24..].iter().all(|&b| b == 0xff));
    assert_eq!(d.handles.len(), 64);
    assert!(
        d.handles
            .iter()
            .enumerate()
            .all(|(i, h)| h.index as usize == i)
    );
    assert_eq!(c.handle_defs.len(), 64);

    // A u64::MAX count (strings.gidl) evaluates to eight 0xff bytes.
    let huge = cases
        .iter()
        .filter(|c| {
            c.file == "strings.gidl" && c.err == Some(ErrorCode::StringCountExceeds32BitLimit)
        })
        .filter_map(Case::bytes)
        .any(|b| b.starts_with(&[0xff; 8]));
    assert!(huge);
}

#[test]
fn values_handles_and_types() {
    let cases = suite();

    // Go escapes in strings, invalid UTF-8 kept as bytes.
    let demo = find(&cases, CaseKind::Success, "FidlvizDemo");
    let ValueKind::Record(r) = &demo.value.as_ref().unwrap().kind else {
        panic!()
    };
    assert_eq!(
        r.field("f13").unwrap().kind,
        ValueKind::String("Hello 🌎!".as_bytes().to_vec())
    );
    assert_eq!(r.field("f2").unwrap().kind, ValueKind::Int(-1));
    assert_eq!(r.field("f14").unwrap().kind, ValueKind::Null);
    let not_utf8 = cases
        .iter()
        .filter(|c| c.file == "strings_utf8.gen.gidl")
        .filter_map(|c| match &c.value.as_ref()?.kind {
            ValueKind::Record(r) => match &r.field("str")?.kind {
                ValueKind::String(s) => Some(s.clone()),
                _ => None,
            },
            _ => None,
        })
        .filter(|s| std::str::from_utf8(s).is_err())
        .count();
    assert!(not_utf8 >= 54, "{not_utf8}");

    // Integer extremes and raw floats.
    let int64_min = cases
        .iter()
        .filter(|c| c.file == "integer.gidl")
        .filter_map(|c| match &c.value.as_ref()?.kind {
            ValueKind::Record(r) => r.fields.first().map(|f| match f {
                Field::Named { value, .. } => value.kind.clone(),
                Field::Unknown { .. } => ValueKind::Null,
            }),
            _ => None,
        })
        .any(|k| k == ValueKind::Int(i128::from(i64::MIN)));
    assert!(int64_min);
    let raw: Vec<u64> = cases
        .iter()
        .filter(|c| c.file == "float.gidl")
        .filter_map(|c| match &c.value.as_ref()?.kind {
            ValueKind::Record(r) => match r.fields.first()? {
                Field::Named { value, .. } => match value.kind {
                    ValueKind::RawFloat(bits) => Some(bits),
                    _ => None,
                },
                Field::Unknown { .. } => None,
            },
            _ => None,
        })
        .collect();
    assert_eq!(raw.len(), 11);
    assert!(raw.contains(&0x8000_0000)); // -0.0f32
    assert!(raw.contains(&0x7ff0_0000_0000_0000)); // +inf f64

    // restrict(...) and handle dispositions.
    let c = find(
        &cases,
        CaseKind::DecodeSuccess,
        "GoldenHandleBasicRightsStruct",
    );
    assert_eq!(c.handle_defs[0].subtype, HandleSubtype::Event);
    assert_eq!(c.handle_defs[0].effective_rights(), rights::EVENT_DEFAULT);
    let ValueKind::Record(r) = &c.value.as_ref().unwrap().kind else {
        panic!()
    };
    match &r.field("v").unwrap().kind {
        ValueKind::RestrictedHandle {
            handle,
            subtype,
            rights: bits,
        } => {
            assert_eq!(handle.index, 0);
            assert_eq!(*subtype, HandleSubtype::Event);
            assert_eq!(*bits, rights::BASIC);
        }
        other => panic!("{other:?}"),
    }
    let c = find(
        &cases,
        CaseKind::EncodeSuccess,
        "GoldenHandleBasicRightsStruct",
    );
    assert_eq!(c.handle_defs[0].rights, Some(rights::CHANNEL_DEFAULT));
    let d = &c.handle_dispositions.as_ref().unwrap()[0];
    assert_eq!(
        (d.handle.index, d.subtype, d.rights),
        (0, HandleSubtype::Event, 0xC003)
    );

    // Unknown members by ordinal, with and without data.
    let unknown: Vec<(u64, bool)> = cases
        .iter()
        .filter(|c| c.file == "union.gidl")
        .filter_map(|c| match &c.value.as_ref()?.kind {
            ValueKind::Record(r) => Some(r.fields.clone()),
            _ => None,
        })
        .flatten()
        .flat_map(|f| match f {
            Field::Named { value, .. } => match value.kind {
                ValueKind::Record(r) => r.fields,
                _ => Vec::new(),
            },
            f @ Field::Unknown { .. } => vec![f],
        })
        .filter_map(|f| match f {
            Field::Unknown { ordinal, data, .. } => Some((ordinal, data.is_some())),
            Field::Named { .. } => None,
        })
        .collect();
    assert!(unknown.contains(&(1234, true)));
    assert!(unknown.contains(&(1234, false)));
    assert!(unknown.contains(&(0, true)));

    // `repeat(1):514` inside a value list expands to 514 elements.
    let large = find(&cases, CaseKind::Success, "LargeVectorNon8ByteAligned");
    let ValueKind::Record(r) = &large.value.as_ref().unwrap().kind else {
        panic!()
    };
    let ValueKind::List(items) = &r.field("v").unwrap().kind else {
        panic!()
    };
    assert_eq!(items.len(), 514);
    assert!(items.iter().all(|v| v.kind == ValueKind::Int(1)));
    assert_eq!(large.bytes().unwrap().len(), 16 + 520);

    // Every case names its type; decode_failure through `type`.
    for c in &cases {
        assert!(c.top_level_type().is_some(), "{}", c.label());
        let types = c.referenced_types();
        assert_eq!(types.first().copied(), c.top_level_type(), "{}", c.label());
        let mut dedup = types.clone();
        dedup.sort_unstable();
        dedup.dedup();
        assert_eq!(dedup.len(), types.len(), "{}", c.label());
    }
    let golden = find(&cases, CaseKind::Success, "GoldenStructArrayStruct");
    assert_eq!(
        golden.referenced_types(),
        ["GoldenStructArrayStruct", "GoldenIntStruct"]
    );
    let reencode = find(
        &cases,
        CaseKind::EncodeSuccess,
        "GoldenHandleBasicRightsStructReEncode",
    );
    assert_eq!(
        reencode.referenced_types(),
        ["GoldenHandleBasicRightsStruct"]
    );
    assert_eq!(
        reencode.bindings_allowlist.as_deref(),
        Some(&[Binding::Rust][..])
    );
}

#[test]
fn every_referenced_type_is_declared_in_the_fidl_files() {
    // A light cross-check with the .test.fidl files: each name a case references is
    // declared there as `type NAME =` (what check_types.py verifies in full).
    let dir = suite_dir().unwrap();
    let mut fidl = String::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().ends_with(".test.fidl") {
            fidl.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    let cases = suite();
    let mut missing = Vec::new();
    for c in &cases {
        for t in c.referenced_types() {
            let declared = fidl.contains(&format!("type {t} ="))
                || fidl.contains(&format!("@generated_name(\"{t}\")"));
            if !declared && !missing.contains(&t) {
                missing.push(t);
            }
        }
    }
    assert!(missing.is_empty(), "undeclared: {missing:?}");
}
