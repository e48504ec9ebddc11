//! The whole conformance library `test.conformance` (27 files plus `zx`): counts, names the
//! `.gidl` files use, shapes checked against `.gidl` byte vectors, the IR, and generated Rust.

mod common;

use common::{conformance_dir, load_conformance};
use handoff_idl::{Config, DeclKind, IdentifierKind, Root, Type, TypeShape};
use std::collections::BTreeSet;

#[test]
fn declaration_counts() {
    let root = load_conformance();
    let lib = root.target();
    assert_eq!(lib.name, "test.conformance");
    assert_eq!(root.libraries().len(), 2, "test.conformance and zx");
    assert_eq!(root.libraries()[0].name, "zx");
    assert_eq!(lib.files.len(), 27);

    let count =
        |f: &dyn Fn(&handoff_idl::Decl) -> bool| lib.declarations.iter().filter(|d| f(d)).count();
    let layout = |d: &handoff_idl::Decl| {
        matches!(
            d.kind,
            DeclKind::Struct(_)
                | DeclKind::Table(_)
                | DeclKind::Union(_)
                | DeclKind::Enum(_)
                | DeclKind::Bits(_)
        )
    };
    assert_eq!(count(&|d| layout(d) && !d.is_inline()), 477);
    assert_eq!(count(&|d| layout(d) && d.is_inline()), 8);
    assert_eq!(count(&|d| matches!(d.kind, DeclKind::Alias(_))), 5);
    assert_eq!(count(&|d| matches!(d.kind, DeclKind::Const(_))), 2);
    assert_eq!(count(&|d| matches!(d.kind, DeclKind::Protocol(_))), 2);
    assert_eq!(
        count(&|d| matches!(d.kind, DeclKind::ResourceDefinition(_))),
        1
    );
    assert_eq!(lib.declarations.len(), 477 + 8 + 5 + 2 + 2 + 1);

    let inline: BTreeSet<&str> = lib
        .declarations
        .iter()
        .filter(|d| d.is_inline())
        .map(|d| d.name.name.as_str())
        .collect();
    let expected: BTreeSet<&str> = [
        "SignedEnum",
        "TableOfEndpointsTable",
        "TableWithStringWithLimit",
        "TableWithVectorWithLimit",
        "UnionOfEndpointsUnion",
        "UnionWithStringWithLimit",
        "UnionWithVectorWithLimit",
        "UnsignedEnum",
    ]
    .into();
    assert_eq!(inline, expected);
    let signed = root.lookup("SignedEnum").unwrap();
    assert_eq!(
        signed.naming_context,
        ["TableFieldUnsetFlexibleEnumInlined", "signed_enum"]
    );
}

/// Removes `//` comments and string/char literals from GIDL text.
fn strip_gidl(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i] == b'"' || b[i] == b'\'' {
            let q = b[i];
            i += 1;
            while i < b.len() && b[i] != q {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else {
            out.push(b[i] as char);
            i += 1;
        }
    }
    out
}

/// Type names a GIDL file refers to: `type = T` and value literals `T{...}`.
fn gidl_type_names(text: &str) -> BTreeSet<String> {
    const NOT_TYPES: [&str; 5] = [
        "bytes",
        "handles",
        "handle_defs",
        "handle_dispositions",
        "decode",
    ];
    let s = strip_gidl(text);
    let b = s.as_bytes();
    let mut names = BTreeSet::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_alphabetic()
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
        {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            let word = &s[start..i];
            if b.get(i) == Some(&b'{') && !NOT_TYPES.contains(&word) {
                names.insert(word.to_string());
            }
            if word == "type" {
                let rest = s[i..].trim_start();
                if let Some(rest) = rest.strip_prefix('=') {
                    let t: String = rest
                        .trim_start()
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    names.insert(t);
                }
            }
        } else {
            i += 1;
        }
    }
    names
}

#[test]
fn every_type_a_gidl_file_names_is_declared() {
    let root = load_conformance();
    let mut gidl_files: Vec<_> = std::fs::read_dir(conformance_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "gidl"))
        .collect();
    gidl_files.sort();
    assert_eq!(gidl_files.len(), 28);
    let mut all = BTreeSet::new();
    for f in &gidl_files {
        all.extend(gidl_type_names(&std::fs::read_to_string(f).unwrap()));
    }
    // The scanner is not vacuous: it sees inline layout names and ordinary ones.
    assert!(all.contains("UnionOfEndpointsUnion") && all.contains("GoldenIntStruct"));
    assert!(all.len() > 300, "only {} names found", all.len());
    let missing: Vec<&String> = all.iter().filter(|n| root.lookup(n).is_none()).collect();
    assert!(
        missing.is_empty(),
        "types named by .gidl files but not declared: {missing:?}"
    );
    for n in &all {
        let d = root.lookup(n).unwrap();
        assert!(
            matches!(
                d.kind,
                DeclKind::Struct(_) | DeclKind::Table(_) | DeclKind::Union(_)
            ),
            "{n} is a {}",
            d.kind_name()
        );
    }
}

fn shape(root: &Root, name: &str) -> TypeShape {
    *root
        .lookup(name)
        .unwrap_or_else(|| panic!("no {name}"))
        .shape()
        .unwrap()
}

fn s(
    inline_size: u32,
    alignment: u32,
    depth: u32,
    max_handles: u32,
    max_out_of_line: u32,
    has_padding: bool,
    flexible: bool,
) -> TypeShape {
    TypeShape {
        inline_size,
        alignment,
        depth,
        max_handles,
        max_out_of_line,
        has_padding,
        has_flexible_envelope: flexible,
    }
}

const MAX: u32 = u32::MAX;

/// Shapes derived by hand from the byte vectors in the `.gidl` files (cited per line).
#[test]
fn shapes_match_gidl_byte_vectors() {
    let root = load_conformance();
    // transformer1.gidl Regression1: f1 @0, f2 @4, f3 @8, f4 @10, f5 @16, f6 @24; 32 bytes.
    assert_eq!(shape(&root, "Regression1"), s(32, 8, 0, 0, 0, true, false));
    let DeclKind::Struct(r1) = &root.lookup("Regression1").unwrap().kind else {
        panic!()
    };
    let offsets: Vec<u32> = r1.members.iter().map(|m| m.offset).collect();
    assert_eq!(offsets, [0, 4, 8, 10, 16, 24]);
    let padding: Vec<u32> = r1.members.iter().map(|m| m.padding).collect();
    assert_eq!(padding, [3, 0, 1, 4, 0, 7]);
    // transformer1.gidl Sandwich4Case1: before+pad (8), union header (16), after+pad (8);
    // the 32-byte array variant goes out of line.
    // Its uint8 variants are inlined in the envelope with 3 bytes of padding.
    assert_eq!(
        shape(&root, "UnionSize36Align4"),
        s(16, 8, 1, 0, 32, true, false)
    );
    assert_eq!(shape(&root, "Sandwich4"), s(32, 8, 1, 0, 32, true, false));
    // tables.gidl SimpleTableXAndY: 5 envelopes (40 bytes) + two 8-byte values.
    assert_eq!(shape(&root, "SimpleTable"), s(16, 8, 2, 0, 56, false, true));
    assert_eq!(
        shape(&root, "StructOfSimpleTable"),
        s(16, 8, 2, 0, 56, false, true)
    );
    // tables.gidl TableWithGaps: 4 envelopes, both values inlined.
    assert_eq!(
        shape(&root, "TableWithGaps"),
        s(16, 8, 2, 0, 32, true, true)
    );
    // golden.gidl GoldenTable: one envelope holding an inlined int16.
    assert_eq!(shape(&root, "GoldenTable"), s(16, 8, 2, 0, 8, true, true));
    // ported_from_walker_handles.gidl OutOfLineArrayOfNonnullableHandles: presence marker,
    // then four 4-byte handles out of line; 4 handles.
    assert_eq!(
        shape(&root, "OutOfLineArrayOfNonnullableHandles"),
        s(8, 8, 1, 4, 16, false, false)
    );
    // handles.gidl: array<handle, 3> is 12 bytes inline, 3 handles.
    assert_eq!(
        shape(&root, "ArrayOfHandles"),
        s(12, 4, 0, 3, 0, false, false)
    );
    assert_eq!(
        shape(&root, "VectorOfUpTo2Handles"),
        s(16, 8, 1, 2, 8, true, false)
    );
    assert_eq!(
        shape(&root, "UnboundedNonnullableVectorOfHandles").max_handles,
        MAX
    );
    // protocol_endpoints.gidl: four endpoints of 4 bytes each.
    assert_eq!(
        shape(&root, "StructOfEndpoints"),
        s(16, 4, 0, 4, 0, false, false)
    );
    // empty_struct.gidl: an empty struct is one zero byte.
    assert_eq!(shape(&root, "EmptyStruct"), s(1, 1, 0, 0, 0, false, false));
    assert_eq!(
        shape(&root, "EmptyStructsInArrayInStruct"),
        s(4, 1, 0, 0, 0, false, false)
    );
    // padding.gidl PaddingAlignment2MaskMayBe4Bytes: a, 1 padding byte, b, c (6 bytes).
    assert_eq!(
        shape(&root, "PaddingAlignment2MaskMayBe4Bytes"),
        s(6, 2, 0, 0, 0, true, false)
    );
    // strings.gidl: string:2 -> at most 8 bytes of text out of line.
    assert_eq!(
        shape(&root, "Length2StringWrapper"),
        s(16, 8, 1, 0, 8, true, false)
    );
    // union.gidl EnvelopeInliningTestUnion: large (uint64) goes out of line; a handle.
    assert_eq!(
        shape(&root, "EnvelopeInliningTestUnion"),
        s(16, 8, 1, 1, 8, false, true)
    );
    // recursive_depth.gidl: recursion is unbounded.
    assert_eq!(
        shape(&root, "RecursiveOptionalStruct"),
        s(8, 8, MAX, 0, MAX, false, false)
    );
    assert_eq!(
        shape(&root, "RecursiveOptionalStructArrayWrapper"),
        s(8, 8, MAX, 0, MAX, false, false)
    );
    assert_eq!(shape(&root, "RecursiveVectorUnion").depth, MAX);
    assert_eq!(
        shape(&root, "MutualRecursionUnionStruct").max_out_of_line,
        MAX
    );
    // Bits and enums are their subtype.
    assert_eq!(
        shape(&root, "StrictEnumInt16"),
        s(2, 2, 0, 0, 0, false, false)
    );
    assert_eq!(
        shape(&root, "FlexibleBitsUint64Struct"),
        s(8, 8, 0, 0, 0, false, false)
    );

    // Recursion flags.
    let recursive = |n: &str| root.is_recursive(root.lookup(n).unwrap());
    assert!(recursive("RecursiveOptionalStruct") && recursive("MutualRecursionUnion"));
    assert!(!recursive("RecursiveOptionalStructArrayWrapper") && !recursive("GoldenIntStruct"));

    // Value types never carry handles; every type's shape agrees with Root::type_shape.
    for d in &root.target().declarations {
        if let Some(sh) = d.shape() {
            if matches!(
                d.kind,
                DeclKind::Struct(_) | DeclKind::Table(_) | DeclKind::Union(_)
            ) && !d.is_resource()
            {
                assert_eq!(sh.max_handles, 0, "{}", d.name);
            }
            let kind = match d.kind {
                DeclKind::Struct(_) => IdentifierKind::Struct,
                DeclKind::Table(_) => IdentifierKind::Table,
                DeclKind::Union(_) => IdentifierKind::Union,
                DeclKind::Enum(_) => IdentifierKind::Enum,
                _ => IdentifierKind::Bits,
            };
            let ty = Type::Identifier {
                name: d.name.clone(),
                decl_kind: kind,
                optional: false,
            };
            assert_eq!(root.type_shape(&ty), *sh);
            assert_eq!(sh.inline_size % sh.alignment, 0, "{}", d.name);
        }
    }
}

#[test]
fn handles_and_endpoints_resolve() {
    let root = load_conformance();
    let DeclKind::Struct(st) = &root.lookup("GoldenHandleBasicRightsStruct").unwrap().kind else {
        panic!()
    };
    let Type::Handle(h) = &st.members[0].ty else {
        panic!()
    };
    assert_eq!(
        (h.object_type, h.subtype.as_deref(), h.rights),
        (5, Some("EVENT"), Some(0xC003))
    );
    assert_eq!(h.resource.to_string(), "test.conformance/handle");
    let DeclKind::Struct(st) = &root.lookup("EventWithDefaultRights").unwrap().kind else {
        panic!()
    };
    let Type::Handle(h) = &st.members[0].ty else {
        panic!()
    };
    assert_eq!(h.rights, Some(0xD003));
    let DeclKind::Struct(st) = &root.lookup("LaunchInfo").unwrap().kind else {
        panic!()
    };
    let Type::Handle(h) = &st.members[4].ty else {
        panic!()
    };
    assert_eq!(
        (h.resource.to_string(), h.object_type, h.optional),
        ("zx/Handle".into(), 4, true)
    );
    let DeclKind::Struct(st) = &root.lookup("CreateComponentRequest").unwrap().kind else {
        panic!()
    };
    assert_eq!(
        st.members[1].ty.to_string(),
        "server_end:<ComponentController, optional>"
    );
    let DeclKind::Const(c) = &root.lookup("DEFAULT_EVENT_RIGHTS").unwrap().kind else {
        panic!()
    };
    assert_eq!(c.value, handoff_idl::ConstValue::Int(0xD003));
    let DeclKind::Struct(st) = &root.lookup("AliasedString").unwrap().kind else {
        panic!()
    };
    assert_eq!(st.members[0].alias.as_ref().unwrap().name, "Rope");
}

#[test]
fn ir_has_resource_and_shapes() {
    let root = load_conformance();
    let ir = handoff_idl::ir::to_json(&root);
    assert_eq!(ir["schema"], handoff_idl::ir::SCHEMA);
    assert_eq!(ir["library"], "test.conformance");
    let decls = ir["libraries"][1]["declarations"].as_array().unwrap();
    let find = |n: &str| {
        decls
            .iter()
            .find(|d| d["name"] == format!("test.conformance/{n}"))
            .unwrap()
    };
    let d = find("VectorOfUpTo2Handles");
    assert_eq!(d["kind"], "struct");
    assert_eq!(d["resource"], true);
    assert_eq!(d["max_handles"], 2);
    assert_eq!(d["inline_size"], 16);
    assert_eq!(d["alignment"], 8);
    assert_eq!(d["depth"], 1);
    assert_eq!(d["max_out_of_line"], 8);
    assert_eq!(d["has_padding"], true);
    assert_eq!(d["members"][0]["type"]["max_len"], 2);
    assert_eq!(d["members"][0]["type"]["element"]["kind"], "handle");
    let t = find("TableWithGaps");
    assert_eq!(t["resource"], false);
    assert_eq!(t["members"][1]["ordinal"], 4);
    let u = find("ReverseOrdinalUnion");
    let ordinals: Vec<u64> = u["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["ordinal"].as_u64().unwrap())
        .collect();
    assert_eq!(ordinals, [1, 2, 4]);
    let e = find("FlexibleEnumInt64");
    assert_eq!(e["members"][1]["value"], 0x1112131415161718_i64);
    assert_eq!(find("StrictBitsUint64")["mask"], 3);
    assert_eq!(find("RecursiveOptionalStruct")["depth"], u32::MAX);
    assert_eq!(find("Protocol")["openness"], "closed");
    // Every struct/table/union carries resource and shape fields.
    for d in decls {
        if ["struct", "table", "union"].contains(&d["kind"].as_str().unwrap()) {
            for key in [
                "resource",
                "max_handles",
                "inline_size",
                "alignment",
                "depth",
                "max_out_of_line",
                "has_padding",
            ] {
                assert!(!d[key].is_null(), "{} lacks {key}", d["name"]);
            }
        }
    }
    // Round trip through text.
    let text = handoff_idl::ir::to_string_pretty(&root);
    let back: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(back, ir);
}

#[test]
fn generated_rust_for_conformance() {
    let root = load_conformance();
    let code = Config::new().generate(&root).unwrap();
    // Deterministic.
    assert_eq!(code, Config::new().generate(&load_conformance()).unwrap());
    let expect = |snippet: &str| assert!(code.contains(snippet), "missing:\n{snippet}");
    expect(
        "#[derive(Debug, handoff::Fidl)]
#[fidl(resource)]
pub struct GoldenHandleBasicRightsStruct {
    #[fidl(handle(object_type = 5, rights = 0xC003))]
    pub v: handoff::handle::mem::MemHandle,
}
",
    );
    expect(
        "#[derive(Debug, Clone, PartialEq, Eq, Default, handoff::Fidl)]
#[fidl(table)]
pub struct TableWithGaps {
    #[fidl(ordinal = 2)]
    pub second: Option<i32>,
    #[fidl(ordinal = 4)]
    pub fourth: Option<i32>,
}
",
    );
    expect(
        "#[derive(Debug, Clone, PartialEq, Eq, handoff::Fidl)]
#[fidl(union, flexible)]
pub enum UnionWithStringWithLimit {
    #[fidl(ordinal = 1, max_len = 2)]
    S(String),
    #[fidl(unknown)]
    UnknownOrdinal(u64),
}
",
    );
    expect(
        "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, handoff::Fidl)]
#[fidl(enum, flexible, repr = i32)]
pub enum SignedEnum {
    #[fidl(value = 1)]
    Default,
    #[fidl(unknown)]
    UnknownValue(i32),
}
",
    );
    expect(
        "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, handoff::Fidl)]
#[fidl(bits, strict, repr = u32, mask = 0x3000_0003)]
pub struct BitsUint32(pub u32);

impl BitsUint32 {
    pub const MEMBER_LOW_1: Self = Self(0x1);
    pub const MEMBER_LOW_2: Self = Self(0x2);
    pub const MEMBER_HIG_1: Self = Self(0x1000_0000);
    pub const MEMBER_HIG_2: Self = Self(0x2000_0000);
}
",
    );
    expect(
        "pub struct RecursiveOptionalStruct {\n    pub inner: Option<Box<RecursiveOptionalStruct>>,\n}\n",
    );
    expect("pub struct EmptyStruct {}\n");
    expect("    pub value: Rope,\n");
    expect("pub type Rope = String;\n");
    expect("    #[fidl(elem(max_len = 2))]\n    pub v: Vec<Vec<u8>>,\n");
    expect("    #[fidl(elem(max_len = 2))]\n    pub v: Vec<Option<String>>,\n");
    expect("pub const RIGHTS_BASIC: rights = rights(0xC003);\n");
    expect(
        "#[allow(non_camel_case_types)]\n#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, handoff::Fidl)]\n#[fidl(enum, strict, repr = u32)]\npub enum obj_type {\n",
    );
    expect("    BoundFiveStr(String),\n");
    // Floats rule out Eq.
    expect("#[derive(Debug, Clone, PartialEq, handoff::Fidl)]\npub struct MyFloat32 {\n");
    // The handle type is an option.
    let custom = Config::new()
        .handle_type("crate::H")
        .generate(&root)
        .unwrap();
    assert!(custom.contains("pub h: Option<crate::H>,") && !custom.contains("MemHandle"));
}

/// The generated file is exactly what rustfmt would produce (rustfmt ships with the toolchain;
/// this test fails, rather than skips, without it).
#[test]
fn generated_rust_is_rustfmt_clean() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let root = load_conformance();
    let code = Config::new().generate(&root).unwrap();
    let mut child = Command::new(std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".into()))
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rustfmt must be installed (rustup component add rustfmt)");
    let mut stdin = child.stdin.take().unwrap();
    let input = code.clone();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "rustfmt rejected the generated code: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let formatted = String::from_utf8(out.stdout).unwrap();
    if formatted != code {
        let first = code
            .lines()
            .zip(formatted.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        let near: Vec<&str> = code.lines().skip(first.saturating_sub(2)).take(8).collect();
        panic!(
            "generated code is not rustfmt-clean near line {}:\n{}",
            first + 1,
            near.join("\n")
        );
    }
}

#[test]
fn build_script_api_writes_every_library() {
    let dir = conformance_dir();
    let out = std::env::temp_dir().join(format!("handoff-idl-test-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    let files = common::test_fidl_files();
    let written = Config::new()
        .handle_type("crate::H")
        .out_dir(&out)
        .emit_rerun_if_changed(false)
        .compile(&files, &[dir.join("deps")])
        .unwrap();
    let names: Vec<String> = written
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["zx.rs", "test.conformance.rs"]);
    let zx = std::fs::read_to_string(out.join("zx.rs")).unwrap();
    assert!(zx.contains("pub struct Rights(pub u32);"));
    let main = std::fs::read_to_string(out.join("test.conformance.rs")).unwrap();
    assert!(main.contains("pub directory_request: Option<crate::H>,"));
    std::fs::remove_dir_all(&out).unwrap();

    // Without OUT_DIR and without out_dir(), compile explains what is missing.
    if std::env::var_os("OUT_DIR").is_none() {
        let err = Config::new()
            .emit_rerun_if_changed(false)
            .compile(&files, &[dir.join("deps")])
            .unwrap_err();
        assert!(err.to_string().contains("OUT_DIR"), "{err}");
    }
}
