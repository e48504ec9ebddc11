//! The GIDL grammar and its rules, one construct at a time, on small inputs.

use handoff_conformance::{
    Binding, ByteItemKind, Case, CaseKind, Error, ErrorCode, ErrorKind, Field, HandleSubtype,
    MAX_NESTING, ValueKind, parse_file, rights,
};

fn parse(src: &str) -> Vec<Case> {
    parse_file("t.gidl", src).unwrap_or_else(|e| panic!("{e}\n---\n{src}"))
}

fn one(src: &str) -> Case {
    let mut cases = parse(src);
    assert_eq!(cases.len(), 1);
    cases.remove(0)
}

fn fail(src: &str) -> Error {
    match parse_file("t.gidl", src) {
        Ok(cases) => panic!("accepted: {src}\n{cases:?}"),
        Err(e) => e,
    }
}

fn fail_kind(src: &str) -> ErrorKind {
    fail(src).kind
}

/// A success case around `value` and `bytes` list contents.
fn success(value: &str, bytes: &str) -> String {
    format!("success(\"C\") {{ value = {value}, bytes = {{ v2 = [{bytes}] }} }}")
}

fn value_of(case: &Case) -> &ValueKind {
    &case.value.as_ref().unwrap().kind
}

/// The value of field `f` of the case's top-level record.
fn field<'a>(case: &'a Case, f: &str) -> &'a ValueKind {
    match value_of(case) {
        ValueKind::Record(r) => &r.field(f).unwrap().kind,
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_case_kind_with_its_keys() {
    let src = r#"
// leading comment
success("S") {
    value = S { a: 1 },
    bytes = { v2 = [ 0x01, padding:7 ] },
}
encode_success("ES") {
    handle_defs = { #0 = event() },
    value = S { h: #0 },
    bytes = { v2 = [ repeat(0xff):4, padding:4 ] },
    handle_dispositions = { v2 = [ { #0, type: event, rights: basic } ] },
}
decode_success("DS") { value = S{}, bytes = { v2 = [] }, }
encode_failure("EF") { value = S { s: "abc" }, err = STRING_TOO_LONG }
decode_failure("DF") {
    type = S,
    bytes = { v2 = [ num(3):8, repeat(0):8 ] },
    err = NON_EMPTY_STRING_WITH_NULL_BODY,
    bindings_denylist = [go, dart],
}
"#;
    let cases = parse(src);
    let kinds: Vec<CaseKind> = cases.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, CaseKind::ALL);
    assert_eq!(cases[0].line(), 3);
    assert_eq!(cases[0].bytes(), Some(&[1, 0, 0, 0, 0, 0, 0, 0][..]));
    assert_eq!(cases[1].handle_defs.len(), 1);
    assert_eq!(
        cases[1].handle_dispositions.as_ref().unwrap()[0].rights,
        rights::BASIC
    );
    assert_eq!(cases[2].bytes(), Some(&[][..]));
    assert_eq!(cases[3].err, Some(ErrorCode::StringTooLong));
    assert_eq!(cases[4].type_name.as_ref().unwrap().name, "S");
    assert_eq!(cases[4].top_level_type(), Some("S"));
    assert_eq!(
        cases[4].bindings_denylist.as_deref(),
        Some(&[Binding::Go, Binding::Dart][..])
    );
    assert!(cases.iter().all(|c| c.file == "t.gidl"));
}

#[test]
fn key_rules_per_kind() {
    let missing = fail_kind(r#"success("X") { value = S{} }"#);
    assert_eq!(
        missing,
        ErrorKind::MissingKey {
            key: "bytes",
            context: "success case"
        }
    );
    let missing = fail_kind(r#"decode_failure("X") { bytes = { v2 = [] }, err = TOO_FEW_BYTES }"#);
    assert_eq!(
        missing,
        ErrorKind::MissingKey {
            key: "type",
            context: "decode_failure case"
        }
    );
    let e = fail(r#"success("X") { value = S{}, bytes = { v2 = [] }, err = TOO_FEW_BYTES }"#);
    assert_eq!(
        e.kind,
        ErrorKind::KeyNotAllowed {
            key: "err".into(),
            context: "success case"
        }
    );
    assert_eq!((e.line(), e.col()), (1, 50));
    assert_eq!(
        e.to_string(),
        "t.gidl:1:50: key `err` is not allowed in success case"
    );
    let e = fail_kind(
        r#"encode_failure("X") { value = S{}, err = TOO_FEW_BYTES, bytes = { v2 = [] } }"#,
    );
    assert!(matches!(e, ErrorKind::KeyNotAllowed { .. }));
    let e = fail_kind(
        r#"success("X") { value = S{}, handle_dispositions = { v2 = [] }, bytes = { v2 = [] } }"#,
    );
    assert!(matches!(e, ErrorKind::KeyNotAllowed { .. }));
    let e = fail_kind(r#"success("X") { value = S{}, value = S{}, bytes = { v2 = [] } }"#);
    assert_eq!(e, ErrorKind::DuplicateKey("value".into()));
    let e = fail_kind(r#"success("X") { valu = S{} }"#);
    assert_eq!(e, ErrorKind::UnknownKey("valu".into()));
    assert_eq!(
        fail_kind(r#"succes("X") {}"#),
        ErrorKind::UnknownCaseKind("succes".into())
    );
    assert_eq!(fail_kind(r#"success("") {}"#), ErrorKind::InvalidCaseName);
    assert_eq!(
        fail_kind(r#"success("\xff") {}"#),
        ErrorKind::InvalidCaseName
    );
    assert!(matches!(
        fail_kind(r#"success(X) {}"#),
        ErrorKind::Unexpected { .. }
    ));
    assert_eq!(
        fail_kind(r#"encode_failure("X") { value = S{}, err = NOT_A_CODE }"#),
        ErrorKind::UnknownErrorCode("NOT_A_CODE".into())
    );
    assert_eq!(
        fail_kind(
            r#"encode_failure("X") { value = S{}, err = TOO_FEW_BYTES, bindings_allowlist = [rust, cobol] }"#
        ),
        ErrorKind::UnknownBinding("cobol".into())
    );
    let dup = r#"
encode_failure("X") { value = S{}, err = TOO_FEW_BYTES }
encode_failure("X") { value = T{}, err = TOO_FEW_BYTES }"#;
    let e = fail(dup);
    assert_eq!(
        e.kind,
        ErrorKind::DuplicateCase {
            kind: "encode_failure",
            name: "X".into()
        }
    );
    assert_eq!(e.line(), 3);
    // The same name under two kinds is fine.
    parse(
        r#"encode_failure("X") { value = S{}, err = TOO_FEW_BYTES }
decode_failure("X") { type = S, bytes = { v2 = [] }, err = TOO_FEW_BYTES }"#,
    );
}

#[test]
fn wire_format_blocks() {
    let v1 = fail_kind(r#"success("X") { value = S{}, bytes = { v1 = [] } }"#);
    assert_eq!(v1, ErrorKind::UnknownWireFormat("v1".into()));
    let empty = fail_kind(r#"success("X") { value = S{}, bytes = {} }"#);
    assert_eq!(empty, ErrorKind::EmptyWireFormatBlock);
    let twice = fail_kind(r#"success("X") { value = S{}, bytes = { v2 = [], v2 = [] } }"#);
    assert_eq!(twice, ErrorKind::DuplicateKey("v2".into()));
    let plain = fail_kind(r#"success("X") { value = S{}, bytes = [1] }"#);
    assert!(matches!(plain, ErrorKind::Unexpected { .. }));
}

#[test]
fn byte_list_items() {
    let c = one(&success(
        "S{}",
        "0x12, 18, 'a', num(-1):2, num(0x0102030405060708):8, num(258):6, repeat('z'):2, repeat(7):0, padding:3, 0b101",
    ));
    let mut want = vec![
        0x12, 18, b'a', 0xff, 0xff, 8, 7, 6, 5, 4, 3, 2, 1, 2, 1, 0, 0, 0, 0, b'z', b'z', 0, 0, 0,
        5,
    ];
    assert_eq!(c.bytes(), Some(&want[..]));
    let list = c.bytes.as_ref().unwrap();
    assert_eq!(list.items().len(), 10);
    assert_eq!(
        list.items()[3].kind,
        ByteItemKind::Num { value: -1, size: 2 }
    );
    assert_eq!(list.items()[8].kind, ByteItemKind::Padding { count: 3 });
    want.clear();

    let err = |bytes: &str| fail_kind(&success("S{}", bytes));
    assert!(matches!(
        err("256"),
        ErrorKind::IntegerOutOfRange {
            context: "a byte",
            ..
        }
    ));
    assert!(matches!(err("-1"), ErrorKind::Unexpected { .. }));
    assert_eq!(
        err("num(256):1"),
        ErrorKind::NumOutOfRange {
            value: 256,
            size: 1
        }
    );
    assert_eq!(
        err("num(-129):1"),
        ErrorKind::NumOutOfRange {
            value: -129,
            size: 1
        }
    );
    assert_eq!(err("num(1):0"), ErrorKind::InvalidNumSize(0));
    assert_eq!(err("num(1):9"), ErrorKind::InvalidNumSize(9));
    assert_eq!(
        err("num(1):4294967296"),
        ErrorKind::InvalidNumSize(4_294_967_296)
    );
    assert_eq!(
        err("repeat(0):18446744073709551615"),
        ErrorKind::ByteListTooLong
    );
    assert_eq!(err("padding:1048576, 0"), ErrorKind::ByteListTooLong);
    assert!(matches!(
        err("repeat(256):1"),
        ErrorKind::IntegerOutOfRange { .. }
    ));
    assert_eq!(
        err("bogus(1):2"),
        ErrorKind::UnknownFunction("bogus".into())
    );
    assert!(matches!(err("padding 4"), ErrorKind::Unexpected { .. }));
    assert!(matches!(err("'ab'"), ErrorKind::InvalidCharLiteral));
    assert!(matches!(err("1 2"), ErrorKind::Unexpected { .. }));
    // The error points at the offending item.
    let e = fail(&success("S{}", "0, 0, num(70000):2"));
    assert_eq!(e.col(), 51);
}

#[test]
fn scalar_values() {
    let c = one(&success(
        r#"S{ a: 0, b: -1, c: 0xff, d: 18446744073709551615, e: -9223372036854775808,
             f: 1.5, g: -0.0, h: 3.4e+38, i: raw_float(0b0_11111111_00000000000000000000000),
             j: true, k: false, l: null, m: "a\x80\u00e9\"", n: "" }"#,
        "",
    ));
    assert_eq!(field(&c, "a"), &ValueKind::Int(0));
    assert_eq!(field(&c, "b"), &ValueKind::Int(-1));
    assert_eq!(field(&c, "c"), &ValueKind::Int(255));
    assert_eq!(field(&c, "d"), &ValueKind::Int(i128::from(u64::MAX)));
    assert_eq!(field(&c, "e"), &ValueKind::Int(i128::from(i64::MIN)));
    assert_eq!(field(&c, "f"), &ValueKind::Float(1.5));
    match field(&c, "g") {
        ValueKind::Float(x) => assert!(*x == 0.0 && x.is_sign_negative()),
        other => panic!("{other:?}"),
    }
    assert_eq!(field(&c, "h"), &ValueKind::Float(3.4e38));
    assert_eq!(field(&c, "i"), &ValueKind::RawFloat(0x7f80_0000));
    assert_eq!(field(&c, "j"), &ValueKind::Bool(true));
    assert_eq!(field(&c, "k"), &ValueKind::Bool(false));
    assert_eq!(field(&c, "l"), &ValueKind::Null);
    assert_eq!(
        field(&c, "m"),
        &ValueKind::String(b"a\x80\xc3\xa9\"".to_vec())
    );
    assert_eq!(field(&c, "n"), &ValueKind::String(Vec::new()));

    let err = |v: &str| fail_kind(&success(&format!("S{{ x: {v} }}"), ""));
    assert!(matches!(
        err("-9223372036854775809"),
        ErrorKind::IntegerOutOfRange { .. }
    ));
    assert!(matches!(
        err("18446744073709551616"),
        ErrorKind::InvalidNumber(_)
    ));
    assert!(matches!(err("- x"), ErrorKind::Unexpected { .. }));
    assert_eq!(err("RED"), ErrorKind::UnexpectedIdentifier("RED".into()));
    assert_eq!(err("sqrt(2)"), ErrorKind::UnknownFunction("sqrt".into()));
    assert!(matches!(err("raw_float(-1)"), ErrorKind::Unexpected { .. }));
    assert!(matches!(err(r#""\q""#), ErrorKind::InvalidEscape(_)));
    assert!(matches!(err("}"), ErrorKind::Unexpected { .. }));
}

#[test]
fn records_lists_and_unknown_members() {
    let c = one(&success(
        r#"Outer{
            list: [1, Inner{ v: [] }, [null]],
            rep: [repeat(Inner{ v: 1 }):3, 9],
            t: T{ 1234: { bytes = [num(123):8], handles = [#0] }, 5: null, x: 1 },
        }"#,
        "",
    )
    .replace(
        "success(\"C\") {",
        "success(\"C\") { handle_defs = { #0 = channel(rights: transfer) },",
    ));
    match field(&c, "list") {
        ValueKind::List(items) => {
            assert_eq!(items.len(), 3);
            assert!(matches!(&items[1].kind, ValueKind::Record(r) if r.type_name.name == "Inner"));
        }
        other => panic!("{other:?}"),
    }
    match field(&c, "rep") {
        ValueKind::List(items) => {
            assert_eq!(items.len(), 4);
            assert_eq!(items[0], items[2]);
            assert_eq!(items[3].kind, ValueKind::Int(9));
        }
        other => panic!("{other:?}"),
    }
    let ValueKind::Record(t) = field(&c, "t") else {
        panic!()
    };
    match &t.fields[0] {
        Field::Unknown {
            ordinal: 1234,
            data: Some(d),
            ..
        } => {
            assert_eq!(d.bytes.bytes(), 123u64.to_le_bytes());
            assert_eq!(d.handles.len(), 1);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        t.fields[1],
        Field::Unknown {
            ordinal: 5,
            data: None,
            ..
        }
    ));
    assert_eq!(t.field("x").unwrap().kind, ValueKind::Int(1));
    assert_eq!(c.referenced_types(), ["Outer", "Inner", "T"]);
    assert_eq!(c.handle_defs[0].rights, Some(rights::TRANSFER));

    let err = |v: &str| fail_kind(&success(v, ""));
    assert_eq!(
        err("S{ a: 1, a: 2 }"),
        ErrorKind::DuplicateField("a".into())
    );
    assert_eq!(
        err("S{ 3: null, 3: null }"),
        ErrorKind::DuplicateField("3".into())
    );
    assert!(matches!(err("S{ 3: 4 }"), ErrorKind::Unexpected { .. }));
    assert_eq!(
        err("S{ 3: { handles = [] } }"),
        ErrorKind::MissingKey {
            key: "bytes",
            context: "unknown data"
        }
    );
    assert!(matches!(
        err("S{ 3: { bytes = [], junk = [] } }"),
        ErrorKind::KeyNotAllowed { .. }
    ));
    assert!(matches!(err("S{ \"a\": 1 }"), ErrorKind::Unexpected { .. }));
    assert!(matches!(err("S{ a 1 }"), ErrorKind::Unexpected { .. }));
    assert!(matches!(err("[1 2]"), ErrorKind::Unexpected { .. }));
    assert_eq!(
        err("[repeat(S{ a: [1, 2, 3] }):300000]"),
        ErrorKind::RepeatTooLarge
    );
    assert_eq!(
        err("[repeat(1):18446744073709551615]"),
        ErrorKind::RepeatTooLarge
    );
    // The budget is per case and cumulative.
    assert_eq!(
        err("[[repeat(0):600000], [repeat(0):600000]]"),
        ErrorKind::RepeatTooLarge
    );
}

#[test]
fn handles_definitions_and_uses() {
    let c = one(r#"encode_success("H") {
            handle_defs = { #0 = event(), #1 = channel(rights: channel_default - signal),
                            #2 = event(rights: basic + signal), #3 = event(rights: transfer | wait,), },
            value = S{ a: #0, b: [#1, null], c: X{ 1: { bytes = [repeat(0xff):4], handles = [#3] } },
                       d: decode({ type = D, bytes = { v2 = [repeat(0xff):4, padding:4] }, handles = { v2 = [#2] } }) },
            bytes = { v2 = [ padding:8 ] },
            handles = { v2 = [#1, #0] },
            handle_dispositions = { v2 = [ {#0, rights: same_rights, type: channel}, {#1, type: event, rights: none,} ] },
        }"#);
    let defs: Vec<(u32, HandleSubtype, u32)> = c
        .handle_defs
        .iter()
        .map(|d| (d.handle.index, d.subtype, d.effective_rights()))
        .collect();
    assert_eq!(
        defs,
        [
            (0, HandleSubtype::Event, rights::EVENT_DEFAULT),
            (
                1,
                HandleSubtype::Channel,
                rights::CHANNEL_DEFAULT & !rights::SIGNAL
            ),
            (2, HandleSubtype::Event, rights::EVENT_DEFAULT),
            (3, HandleSubtype::Event, rights::TRANSFER | rights::WAIT),
        ]
    );
    assert_eq!(c.handle_defs[0].rights, None);
    let order: Vec<u32> = c
        .handles
        .as_ref()
        .unwrap()
        .iter()
        .map(|h| h.index)
        .collect();
    assert_eq!(order, [1, 0]);
    let disp = c.handle_dispositions.as_ref().unwrap();
    assert_eq!(
        (disp[0].subtype, disp[0].rights),
        (HandleSubtype::Channel, rights::SAME_RIGHTS)
    );
    assert_eq!(
        (disp[1].subtype, disp[1].rights),
        (HandleSubtype::Event, rights::NONE)
    );
    match field(&c, "d") {
        ValueKind::Decode(d) => {
            assert_eq!(d.type_name.name, "D");
            assert_eq!(d.bytes.bytes(), [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
            assert_eq!(d.handles[0].index, 2);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(c.referenced_types(), ["S", "X", "D"]);

    let case = |defs: &str, value: &str, handles: &str| {
        format!(
            "success(\"H\") {{ handle_defs = {{ {defs} }}, value = {value}, \
             bytes = {{ v2 = [] }}, handles = {{ v2 = [{handles}] }} }}"
        )
    };
    let e = fail_kind(&case("#1 = event()", "S{ h: #1 }", "#1"));
    assert_eq!(
        e,
        ErrorKind::HandleDefOutOfOrder {
            expected: 0,
            found: 1
        }
    );
    let e = fail_kind(&case("#0 = event()", "S{ h: #1 }", "#0"));
    assert_eq!(e, ErrorKind::UndefinedHandle(1));
    let e = fail_kind(&case("#0 = event()", "S{ h: [#0, #0] }", "#0"));
    assert_eq!(
        e,
        ErrorKind::HandleUsedTwice {
            handle: 0,
            section: "value"
        }
    );
    let e = fail_kind(&case("#0 = event()", "S{ h: #0 }", "#0, #0"));
    assert_eq!(
        e,
        ErrorKind::HandleUsedTwice {
            handle: 0,
            section: "handles"
        }
    );
    let e = fail_kind(&case("#0 = event(), #1 = event()", "S{ h: #0 }", "#0"));
    assert_eq!(e, ErrorKind::UnusedHandle(1));
    let e = fail_kind(&case("#0 = vmo()", "S{ h: #0 }", "#0"));
    assert_eq!(e, ErrorKind::UnknownHandleSubtype("vmo".into()));
    let e = fail_kind(&case("#0 = event(rights: root)", "S{ h: #0 }", "#0"));
    assert_eq!(e, ErrorKind::UnknownRights("root".into()));
    let e = fail_kind(&case("#0 = event(type: event)", "S{ h: #0 }", "#0"));
    assert!(matches!(e, ErrorKind::KeyNotAllowed { .. }));
    let e = fail_kind(&case(
        "#0 = event(rights: basic, rights: io)",
        "S{ h: #0 }",
        "#0",
    ));
    assert_eq!(e, ErrorKind::DuplicateKey("rights".into()));
    let e = fail_kind(&case(
        "#0 = event()",
        "S{ h: restrict(#0, type: event) }",
        "#0",
    ));
    assert_eq!(
        e,
        ErrorKind::MissingKey {
            key: "rights",
            context: "restrict(...)"
        }
    );
    let e = fail_kind(&case(
        "#0 = event()",
        "S{ h: restrict(#0, rights: io, size: 3) }",
        "#0",
    ));
    assert_eq!(e, ErrorKind::UnknownKey("size".into()));
    let e = fail_kind(&case("#0 = event()", "S{ h: #4294967296 }", "#0"));
    assert!(matches!(
        e,
        ErrorKind::IntegerOutOfRange {
            context: "a handle index",
            ..
        }
    ));
    let e = fail_kind(&case(
        "#0 = event()",
        "decode({ bytes = { v2 = [] }, handles = { v2 = [#0] } })",
        "",
    ));
    assert_eq!(
        e,
        ErrorKind::MissingKey {
            key: "type",
            context: "decode(...)"
        }
    );
    // A handle used in the value and in the handle table is used once per section.
    let ok = one(&case(
        "#0 = event()",
        "S{ h: restrict(#0, type: event, rights: basic) }",
        "#0",
    ));
    assert!(matches!(
        field(&ok, "h"),
        ValueKind::RestrictedHandle { .. }
    ));
}

#[test]
fn binding_filter_rules() {
    let with = |lists: &str| {
        one(&format!(
            "encode_failure(\"B\") {{ value = S{{}}, err = TOO_FEW_BYTES, {lists} }}"
        ))
    };
    let none = with("");
    assert!(none.applies_to(Binding::Rust));
    assert!(none.applies_to(Binding::Go));
    assert!(!none.applies_to(Binding::Reference));

    let allow = with("bindings_allowlist = [rust, reference]");
    assert!(allow.applies_to(Binding::Rust));
    assert!(allow.applies_to(Binding::Reference));
    assert!(!allow.applies_to(Binding::Go));

    let deny = with("bindings_denylist = [rust]");
    assert!(!deny.applies_to(Binding::Rust));
    assert!(deny.applies_to(Binding::RustNext));
    assert!(!deny.applies_to(Binding::Reference));

    let both = with("bindings_allowlist = [rust, go], bindings_denylist = [go]");
    assert!(both.applies_to(Binding::Rust));
    assert!(!both.applies_to(Binding::Go));
    assert!(!both.applies_to(Binding::Dart));

    let empty = with("bindings_allowlist = []");
    assert!(Binding::ALL.iter().all(|b| !empty.applies_to(*b)));
}

#[test]
fn nesting_is_bounded() {
    let nested = |depth: usize| {
        let v = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        success(&format!("S{{ v: {v} }}"), "")
    };
    // The record counts as one level.
    one(&nested(MAX_NESTING - 1));
    assert_eq!(fail_kind(&nested(MAX_NESTING)), ErrorKind::NestingTooDeep);
    // Far deeper input fails the same way instead of overflowing the stack.
    assert_eq!(fail_kind(&nested(200_000)), ErrorKind::NestingTooDeep);
    let records = format!("{}{}", "S{ a: ".repeat(100_000), "}".repeat(100_000));
    assert_eq!(fail_kind(&success(&records, "")), ErrorKind::NestingTooDeep);
}

#[test]
fn comments_and_positions() {
    let src = "/* block\n comment */ // gidl-format off\nsuccess(\"P\") {\n  // gidl-format on\n  value = S{ s: \"// not a comment\" },\n  bytes = { v2 = [ /* inline */ 1 ] },\n}\n";
    let c = one(src);
    assert_eq!(c.line(), 3);
    assert_eq!(
        field(&c, "s"),
        &ValueKind::String(b"// not a comment".to_vec())
    );
    let v = c.value.as_ref().unwrap();
    assert_eq!((v.span.line, v.span.col), (5, 11));
    assert_eq!(
        &src[v.span.start..v.span.end],
        "S{ s: \"// not a comment\" }"
    );
    let b = c.bytes.as_ref().unwrap();
    assert_eq!(&src[b.span().start..b.span().end], "[ /* inline */ 1 ]");

    let e = fail("success(\"P\") {\n  value = S{ x: @ },\n}");
    assert_eq!((e.line(), e.col()), (2, 17));
    assert_eq!(e.kind, ErrorKind::UnexpectedChar('@'));
    let e = fail("success(\"P\") {\n  value = S{},\n  bytes = { v2 = [1] },\n");
    assert!(matches!(e.kind, ErrorKind::Unexpected { ref found, .. } if found == "end of file"));
    assert_eq!(e.line(), 4);
    assert!(parse("").is_empty());
    assert!(parse("  // only a comment\n").is_empty());
}
