//! Unit tests of the runner's glue (GIDL values to natural values and back) and of its
//! case logic, on hand-written types. The modules are the binary's own, compiled in here,
//! so these tests do not build the generated code of the whole library.

#[allow(dead_code)]
#[path = "../src/bin/handoff-conformance/glue.rs"]
mod glue;
#[allow(dead_code)]
#[path = "../src/bin/handoff-conformance/run.rs"]
mod run;

use glue::{Diff, Expect, ExpectedHandle, Gidl, HandleSource, UnionMember};
use handoff::Fidl;
use handoff::handle::mem::{MemHandle, MemSpace};
use handoff::handle::{Handle, ObjectType, Rights};
use handoff_conformance::{
    Case, CaseKind, HandleRef, HandleSubtype, Span, Value, ValueKind, parse_file, rights,
};
use run::{CaseRunner, TypeRunner};

/// The cases of a GIDL snippet.
fn cases(src: &str) -> Vec<Case> {
    parse_file("test.gidl", src).unwrap_or_else(|e| panic!("{e}"))
}

/// The value of `x = <text>` in a one-case snippet.
fn value(text: &str) -> Value {
    value_with("", text)
}

/// The value of `x = <text>` in a one-case snippet with handle definitions `defs`.
fn value_with(defs: &str, text: &str) -> Value {
    let defs = if defs.is_empty() {
        String::new()
    } else {
        format!("handle_defs = {{ {defs} }},")
    };
    let src =
        format!("success(\"V\") {{ {defs} value = S{{ x: {text} }}, bytes = {{ v2 = [] }} }}");
    let case = cases(&src).remove(0);
    match case.value.unwrap().kind {
        handoff_conformance::ValueKind::Record(mut r) => match r.fields.remove(0) {
            handoff_conformance::Field::Named { value, .. } => value,
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

/// `#i`, or `restrict(#i, type: ..., rights: ...)`.
fn handle(index: u32, restrict: Option<(HandleSubtype, u32)>) -> Value {
    let handle = HandleRef {
        index,
        span: Span::default(),
    };
    let kind = match restrict {
        None => ValueKind::Handle(handle),
        Some((subtype, rights)) => ValueKind::RestrictedHandle {
            handle,
            subtype,
            rights,
        },
    };
    Value {
        kind,
        span: Span::default(),
    }
}

fn build<T: Gidl>(text: &str) -> Result<T, Diff> {
    T::from_gidl(&value(text), &mut HandleSource::default())
}

fn check<T: Gidl>(got: &T, text: &str) -> Result<(), String> {
    got.check(&value(text), &Expect::default())
        .map_err(|d| d.to_string())
}

#[test]
fn integers_are_range_checked() {
    assert_eq!(build::<u8>("255"), Ok(255));
    assert_eq!(build::<i64>("-9223372036854775808"), Ok(i64::MIN));
    assert_eq!(build::<u64>("0xffffffffffffffff"), Ok(u64::MAX));
    assert_eq!(
        build::<u8>("256").unwrap_err().to_string(),
        "256 does not fit in u8"
    );
    assert!(build::<u32>("-1").is_err());
    assert!(build::<u32>("true").is_err());
    assert_eq!(check(&7u16, "7"), Ok(()));
    assert_eq!(check(&7u16, "8"), Err("expected 8, decoded 7".into()));
}

#[test]
fn floats_narrow_and_compare_by_bits() {
    assert_eq!(build::<f32>("1.5"), Ok(1.5));
    // float32 values are written as float64 literals and narrowed.
    assert_eq!(build::<f32>("0.1").map(f32::to_bits), Ok(0.1f32.to_bits()));
    assert_eq!(
        build::<f32>("raw_float(0x7fc00001)").map(f32::to_bits),
        Ok(0x7fc0_0001)
    );
    assert!(build::<f32>("raw_float(0x7ff0000000000001)").is_err());
    assert_eq!(
        build::<f64>("raw_float(0x7ff0000000000001)").map(f64::to_bits),
        Ok(0x7ff0_0000_0000_0001)
    );
    // A NaN equals its own bit pattern; -0.0 differs from 0.0.
    assert_eq!(
        check(&f32::from_bits(0x7fc0_0001), "raw_float(0x7fc00001)"),
        Ok(())
    );
    assert!(check(&-0.0f64, "0.0").is_err());
    assert_eq!(check(&3.0f64, "3.0"), Ok(()));
}

#[test]
fn strings_lists_and_options() {
    assert_eq!(build::<String>("\"hé\""), Ok("hé".to_string()));
    assert!(build::<String>("\"\\xc0\"").is_err());
    assert_eq!(build::<Vec<u8>>("[1, 2, 3]"), Ok(vec![1, 2, 3]));
    assert_eq!(build::<[u8; 2]>("[1, 2]"), Ok([1, 2]));
    assert_eq!(
        build::<[u8; 2]>("[1, 2, 3]").unwrap_err().to_string(),
        "the array has 2 elements, the case gives 3"
    );
    assert_eq!(
        build::<Vec<u8>>("[1, 256]").unwrap_err().to_string(),
        "value[1]: 256 does not fit in u8"
    );
    assert_eq!(build::<Option<String>>("null"), Ok(None));
    assert_eq!(build::<Option<Box<u8>>>("4"), Ok(Some(Box::new(4))));
    assert_eq!(
        check(&vec![1u8, 2], "[1, 3]"),
        Err("value[1]: expected 3, decoded 2".into())
    );
    assert_eq!(
        check(&vec![1u8], "[1, 3]"),
        Err("expected 2 elements, decoded 1".into())
    );
    assert_eq!(
        check(&Some(1u8), "null"),
        Err("expected null, decoded a value".into())
    );
    assert_eq!(
        check(&None::<u8>, "1"),
        Err("expected 1, decoded null".into())
    );
    assert_eq!(
        check(&"a".to_string(), "\"b\""),
        Err("expected \"b\", decoded \"a\"".into())
    );
}

#[test]
fn null_for_a_required_type_is_recognised() {
    for d in [
        build::<String>("null").unwrap_err(),
        build::<Vec<u8>>("null").unwrap_err(),
        MemHandle::from_gidl(&value("null"), &mut HandleSource::default()).unwrap_err(),
    ] {
        assert!(d.is_null_for_required(), "{d}");
    }
    assert!(!build::<String>("1").unwrap_err().is_null_for_required());
    // The flag survives the path being added on the way up.
    assert!(
        build::<Vec<Vec<u8>>>("[null]")
            .unwrap_err()
            .is_null_for_required()
    );
}

#[test]
fn handles_are_taken_once_and_checked_by_koid_type_and_rights() {
    let space = MemSpace::new();
    let e = space.event();
    let c = space.channel();
    let ex = Expect {
        handles: vec![
            ExpectedHandle {
                koid: e.koid(),
                subtype: HandleSubtype::Event,
            },
            ExpectedHandle {
                koid: c.koid(),
                subtype: HandleSubtype::Channel,
            },
        ],
    };
    const DEFS: &str = "#0 = event(), #1 = channel()";
    let both = value_with(DEFS, "[#0, #1]");
    let handoff_conformance::ValueKind::List(refs) = &both.kind else {
        unreachable!()
    };
    let mut hs = HandleSource::new(vec![e, c]);
    let first = MemHandle::from_gidl(&refs[1], &mut hs).unwrap();
    assert_eq!(first.object_type(), ObjectType::CHANNEL);
    assert_eq!(
        MemHandle::from_gidl(&refs[1], &mut hs)
            .unwrap_err()
            .to_string(),
        "#1 is used twice"
    );
    let mut few = HandleSource::default();
    assert_eq!(
        MemHandle::from_gidl(&refs[0], &mut few)
            .unwrap_err()
            .to_string(),
        "#0 is not defined in handle_defs"
    );
    // The parser lets a case use each handle once, so these values are built directly.
    let check = |h: &MemHandle, v: Value| h.check(&v, &ex).map_err(|d| d.to_string());
    assert_eq!(check(&first, handle(1, None)), Ok(()));
    assert_eq!(
        check(&first, handle(0, None)),
        Err("expected handle #0, decoded #1".into())
    );
    assert_eq!(
        check(
            &first,
            handle(1, Some((HandleSubtype::Event, rights::CHANNEL_DEFAULT)))
        ),
        Err("#1: expected type event, decoded channel".into())
    );
    assert_eq!(
        check(
            &first,
            handle(1, Some((HandleSubtype::Channel, rights::BASIC)))
        ),
        Err("#1: expected rights 0xc003, decoded 0xf00e".into())
    );
    assert_eq!(
        check(&first, handle(7, None)),
        Err("#7 is not defined in handle_defs".into())
    );
    let reduced = first.reduce_rights(Rights::TRANSFER).unwrap();
    assert_eq!(
        check(
            &reduced,
            handle(1, Some((HandleSubtype::Channel, rights::TRANSFER)))
        ),
        Ok(())
    );
    drop((reduced, hs));
    assert_eq!(space.open_count(), 0);
}

#[test]
fn diffs_name_the_path() {
    let d = Diff::new("expected 1, decoded 2").index(3).at("v").at("s");
    assert_eq!(d.to_string(), "value.s.v[3]: expected 1, decoded 2");
    assert_eq!(Diff::new("plain").to_string(), "plain");
}

#[test]
fn records_tables_and_unions() {
    let rec = value("T{ a: 1, 5: null }");
    let handoff_conformance::ValueKind::Record(r) = &rec.kind else {
        unreachable!()
    };
    assert!(glue::record(&rec, &["T", "Alias"]).is_ok());
    assert!(glue::record(&rec, &["U"]).is_err());
    assert!(glue::table_fields(r, &["a"]).is_ok());
    assert!(glue::table_fields(r, &["b"]).is_err());
    assert!(
        glue::struct_fields(r, &["a"]).is_err(),
        "structs have no unknown members"
    );
    let stored = value("T{ 5: { bytes = [1, 2, 3, 4, 5, 6, 7, 8] } }");
    let handoff_conformance::ValueKind::Record(s) = &stored.kind else {
        unreachable!()
    };
    assert!(
        glue::table_fields(s, &[])
            .unwrap_err()
            .to_string()
            .contains("drops unknown data")
    );

    assert_eq!(
        glue::table_field::<u8>(r, "a", &mut HandleSource::default()),
        Ok(Some(1))
    );
    assert_eq!(
        glue::table_field::<u8>(r, "b", &mut HandleSource::default()),
        Ok(None)
    );
    assert!(glue::check_table_field(&Some(1u8), r, "a", &Expect::default()).is_ok());
    assert!(glue::check_table_field(&None::<u8>, r, "a", &Expect::default()).is_err());
    assert!(glue::check_table_field(&Some(1u8), r, "b", &Expect::default()).is_err());
    // An omitted struct member is null.
    assert_eq!(
        glue::field::<Option<u8>>(r, "z", &mut HandleSource::default()),
        Ok(None)
    );
    assert!(glue::field::<u8>(r, "z", &mut HandleSource::default()).is_err());

    assert!(matches!(
        glue::union_member(&value("U{ a: 1 }"), &["U"]),
        Ok(UnionMember::Named("a", _))
    ));
    assert_eq!(
        glue::union_member(&value("U{ 7: null }"), &["U"]),
        Ok(UnionMember::Unknown(7))
    );
    assert!(glue::union_member(&value("U{ a: 1, b: 2 }"), &["U"]).is_err());
    assert!(glue::union_member(&value("U{ 7: { bytes = [] } }"), &["U"]).is_err());
    assert_eq!(
        glue::wrong_member(&UnionMember::Unknown(7), "member `a`").to_string(),
        "expected unknown ordinal 7, decoded member `a`"
    );
    let with_handles = value_with(
        "#0 = event(), #1 = event(), #2 = event()",
        "T{ a: [#0, restrict(#1, type: event, rights: basic)], b: U{ 3: { bytes = [], handles = [#2] } } }",
    );
    assert_eq!(glue::handle_count(&with_handles), 3);
    assert_eq!(glue::handle_count(&rec), 0);
}

// ---------------------------------------------------------------------------------------
// The case logic, on a derived type with a Gidl impl written the way build.rs writes them.

/// A resource struct: a number and an event with basic rights.
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct Pair {
    /// A number.
    pub a: u16,
    /// An event.
    #[fidl(handle(object_type = 5, rights = 0xC003))]
    pub h: MemHandle,
}

impl Gidl for Pair {
    fn from_gidl(v: &Value, hs: &mut HandleSource) -> Result<Self, Diff> {
        if let Some(r) = glue::from_decode::<Self>(v, &["Pair"], hs) {
            return r;
        }
        let r = glue::record(v, &["Pair"])?;
        glue::struct_fields(r, &["a", "h"])?;
        Ok(Pair {
            a: glue::field(r, "a", hs)?,
            h: glue::field(r, "h", hs)?,
        })
    }

    fn check(&self, v: &Value, ex: &Expect) -> Result<(), Diff> {
        let r = glue::record(v, &["Pair"])?;
        glue::struct_fields(r, &["a", "h"])?;
        glue::check_field(&self.a, r, "a", ex)?;
        glue::check_field(&self.h, r, "h", ex)
    }
}

const PAIR: TypeRunner<Pair> = TypeRunner::NEW;

#[test]
fn the_case_logic_on_a_derived_type() {
    let all = cases(
        r#"
        success("Ok") {
            handle_defs = { #0 = event(rights: basic) },
            value = Pair{ a: 0x0102, h: #0 },
            bytes = { v2 = [ 0x02, 0x01, padding:2, repeat(0xff):4 ] },
            handles = { v2 = [#0] },
        }
        decode_success("Reduced") {
            handle_defs = { #0 = event() },
            value = Pair{ a: 1, h: restrict(#0, type: event, rights: basic) },
            bytes = { v2 = [ 0x01, 0x00, padding:2, repeat(0xff):4 ] },
            handles = { v2 = [#0] },
        }
        encode_success("ReEncode") {
            handle_defs = { #0 = event() },
            value = decode({ type = Pair, bytes = { v2 = [ 0x01, 0x00, padding:2, repeat(0xff):4 ] }, handles = { v2 = [#0] } }),
            bytes = { v2 = [ 0x01, 0x00, padding:2, repeat(0xff):4 ] },
            handle_dispositions = { v2 = [ {#0, type: event, rights: basic} ] },
        }
        decode_failure("WrongType") {
            handle_defs = { #0 = channel() },
            type = Pair,
            bytes = { v2 = [ 0x01, 0x00, padding:2, repeat(0xff):4 ] },
            handles = { v2 = [#0] },
            err = INCORRECT_HANDLE_TYPE,
        }
        decode_failure("Surplus") {
            handle_defs = { #0 = event(), #1 = event() },
            type = Pair,
            bytes = { v2 = [ 0x01, 0x00, padding:2, repeat(0xff):4 ] },
            handles = { v2 = [#0, #1] },
            err = TOO_MANY_HANDLES_IN_MESSAGE,
        }
        encode_failure("Absent") {
            value = Pair{ a: 1, h: null },
            err = NON_NULLABLE_TYPE_WITH_NULL_VALUE,
        }
        encode_failure("AbsentButAnotherCode") {
            value = Pair{ a: 1, h: null },
            err = TOO_FEW_HANDLES,
        }
        success("WrongHandle") {
            handle_defs = { #0 = event(rights: basic), #1 = event(rights: basic) },
            value = Pair{ a: 1, h: #1 },
            bytes = { v2 = [ 0x01, 0x00, padding:2, repeat(0xff):4 ] },
            handles = { v2 = [#0] },
        }
        "#,
    );
    let result = |name: &str| {
        let case = all.iter().find(|c| c.name == name).unwrap();
        PAIR.run(case)
    };
    assert_eq!(result("Ok"), Ok(()));
    assert_eq!(result("Reduced"), Ok(()));
    assert_eq!(result("ReEncode"), Ok(()));
    assert_eq!(result("WrongType"), Ok(()));
    assert_eq!(result("Surplus"), Ok(()));
    assert_eq!(result("Absent"), Ok(()));
    assert_eq!(
        result("AbsentButAnotherCode"),
        Err("building the value: value.h: expected a handle, the case gives null".into())
    );
    assert_eq!(
        result("WrongHandle"),
        Err("encode: handles: expected [#0], encoded [#1]".into())
    );
}

#[test]
fn the_policy_follows_the_expected_error_code() {
    let all = cases(
        r#"
        decode_failure("Reject") {
            bindings_allowlist = [go],
            type = Pair,
            bytes = { v2 = [] },
            err = NON_RESOURCE_UNKNOWN_HANDLES,
        }
        decode_failure("OtherCode") {
            bindings_allowlist = [go],
            type = Pair,
            bytes = { v2 = [] },
            err = TOO_FEW_BYTES,
        }
        encode_failure("NotADecode") {
            bindings_allowlist = [go],
            value = Pair{ a: 1 },
            err = NON_RESOURCE_UNKNOWN_HANDLES,
        }
        success("ForRust") {
            value = Pair{ a: 1 },
            bytes = { v2 = [] },
        }
        "#,
    );
    let selected: Vec<&str> = all
        .iter()
        .filter(|c| run::selected(c))
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(selected, ["Reject", "ForRust"]);
    let reject = &all[0];
    assert_eq!(reject.kind, CaseKind::DecodeFailure);
    assert_eq!(
        run::decode_options(reject),
        handoff::DecodeOptions::default()
    );
    assert_eq!(
        run::decode_options(&all[3]),
        handoff::DecodeOptions::drop_unknown_handles()
    );
}

#[test]
fn byte_differences_name_the_first_offset() {
    assert_eq!(run::compare_bytes(&[1, 2], &[1, 2]), Ok(()));
    assert_eq!(
        run::compare_bytes(&[0; 16], &[0; 8]).unwrap_err(),
        "bytes differ at offset 8: expected 16 bytes, encoded 8; word at 8: expected [0000000000000000], encoded []"
    );
    assert_eq!(
        run::compare_bytes(&[0, 0, 0, 0, 0, 0, 0, 0, 1], &[0, 0, 0, 0, 0, 0, 0, 0, 2]).unwrap_err(),
        "bytes differ at offset 8: expected 9 bytes, encoded 9; word at 8: expected [01], encoded [02]"
    );
}

#[test]
fn worlds_create_the_defined_handles_and_account_for_closes() {
    let case = cases(
        r#"decode_failure("W") {
            handle_defs = { #0 = event(), #1 = channel(rights: transfer) },
            type = Pair,
            bytes = { v2 = [] },
            handles = { v2 = [#0, #1] },
            err = TOO_FEW_BYTES,
        }"#,
    )
    .remove(0);
    let (world, handles) = run::World::new(&case).unwrap();
    assert_eq!(handles[0].object_type(), ObjectType::EVENT);
    assert_eq!(handles[0].rights(), Rights::EVENT_DEFAULT);
    assert_eq!(handles[1].object_type(), ObjectType::CHANNEL);
    assert_eq!(handles[1].rights(), Rights::TRANSFER);
    assert_eq!(
        world.check_closed(),
        Err("handle #0 was closed 0 times, not once".into())
    );
    drop(handles);
    assert_eq!(world.check_closed(), Ok(()));
}
