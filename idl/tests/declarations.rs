//! Each declaration kind and resolution feature, on small libraries.

use handoff_idl::{
    Config, ConstValue, DeclKind, EndpointRole, IdentifierKind, Loader, Openness, PrimitiveSubtype,
    Root, Type,
};

fn load(src: &str) -> Root {
    match Loader::new().add_source("t.fidl", src).load() {
        Ok(root) => root,
        Err(e) => panic!("{e}"),
    }
}

fn member_types(root: &Root, name: &str) -> Vec<String> {
    match &root.lookup(name).unwrap().kind {
        DeclKind::Struct(s) => s.members.iter().map(|m| m.ty.to_string()).collect(),
        DeclKind::Table(t) => t
            .members
            .iter()
            .filter_map(|m| m.field.as_ref())
            .map(|f| f.ty.to_string())
            .collect(),
        DeclKind::Union(u) => u
            .members
            .iter()
            .filter_map(|m| m.field.as_ref())
            .map(|f| f.ty.to_string())
            .collect(),
        other => panic!("{name} is {other:?}"),
    }
}

#[test]
fn consts_and_literals() {
    let root = load(
        r#"library t;
const U uint16 = 0xFF | 0b100000000;
const I int8 = -128;
const F float64 = 1.5e3;
const G float32 = 2;
const B bool = true;
const S string:5 = "h\u{e9}\n";
const M uint32 = MAX;
const R Flags = Flags.A | Flags.B;
const N uint8 = SIZE;
const SIZE uint8 = 4;
type Flags = strict bits : uint8 { A = 1; B = 0x2; C = N; };
type E = enum : int16 { NEG = -2; POS = SIZE; };
const EC E = E.NEG;
"#,
    );
    let value = |n: &str| match &root.lookup(n).unwrap().kind {
        DeclKind::Const(c) => c.value.clone(),
        _ => panic!(),
    };
    assert_eq!(value("U"), ConstValue::Int(0x1FF));
    assert_eq!(value("I"), ConstValue::Int(-128));
    assert_eq!(value("F"), ConstValue::Float(1500.0));
    assert_eq!(value("G"), ConstValue::Float(2.0));
    assert_eq!(value("B"), ConstValue::Bool(true));
    assert_eq!(value("S"), ConstValue::String("hé\n".into()));
    assert_eq!(value("M"), ConstValue::Int(u32::MAX.into()));
    assert_eq!(value("R"), ConstValue::Int(3));
    assert_eq!(value("N"), ConstValue::Int(4));
    assert_eq!(value("EC"), ConstValue::Int(-2));
    let DeclKind::Bits(b) = &root.lookup("Flags").unwrap().kind else {
        panic!()
    };
    assert_eq!(
        (b.mask, b.strict, b.subtype),
        (7, true, PrimitiveSubtype::Uint8)
    );
    let DeclKind::Enum(e) = &root.lookup("E").unwrap().kind else {
        panic!()
    };
    assert_eq!(
        e.members.iter().map(|m| m.value).collect::<Vec<_>>(),
        [-2, 4]
    );
    assert!(!e.strict, "enums are flexible by default");
    let code = Config::new().generate(&root).unwrap();
    for line in [
        "pub const I: i8 = -128;",
        "pub const F: f64 = 1500.0;",
        "pub const B: bool = true;",
        "pub const S: &str = \"hé\\n\";",
        "pub const R: Flags = Flags(0x3);",
        "pub const EC: E = E::Neg;",
        "    #[fidl(value = -2)]\n    Neg,",
    ] {
        assert!(code.contains(line), "missing {line:?} in\n{code}");
    }
}

#[test]
fn binary_literal_with_underscore_is_rejected() {
    let err = Loader::new()
        .add_source("t.fidl", "library t;\nconst U uint16 = 0b1_0;")
        .load()
        .unwrap_err();
    assert_eq!(err.kind(), handoff_idl::ErrorKind::InvalidNumber);
}

#[test]
fn aliases_merge_constraints() {
    let root = load(
        "library t;
alias Bytes = vector<uint8>:5;
alias MaybeBytes = Bytes:optional;
alias Name = string;
alias Chan = client_end:P;
closed protocol P {};
type S = resource struct {
    a Bytes;
    b Bytes:optional;
    c MaybeBytes;
    d Name:<10, optional>;
    e vector<Name:3>:2;
    f Chan:optional;
};
",
    );
    assert_eq!(
        member_types(&root, "S"),
        [
            "vector<uint8>:5",
            "vector<uint8>:<5, optional>",
            "vector<uint8>:<5, optional>",
            "string:<10, optional>",
            "vector<string:3>:2",
            "client_end:<P, optional>",
        ]
    );
    let DeclKind::Struct(s) = &root.lookup("S").unwrap().kind else {
        panic!()
    };
    assert_eq!(s.members[0].alias.as_ref().unwrap().name, "Bytes");
    let DeclKind::Alias(a) = &root.lookup("MaybeBytes").unwrap().kind else {
        panic!()
    };
    assert_eq!(a.ty.to_string(), "vector<uint8>:<5, optional>");
    let code = Config::new().generate(&root).unwrap();
    assert!(
        code.contains("pub type MaybeBytes = Option<Vec<u8>>;"),
        "{code}"
    );
    // The alias is kept where the Rust type is the same, expanded where constraints changed it.
    assert!(
        code.contains("    #[fidl(max_len = 5)]\n    pub a: Bytes,"),
        "{code}"
    );
    assert!(
        code.contains("    #[fidl(max_len = 5)]\n    pub b: Option<Vec<u8>>,"),
        "{code}"
    );
    assert!(
        code.contains("    #[fidl(max_len = 5)]\n    pub c: MaybeBytes,"),
        "{code}"
    );
    assert!(
        code.contains("    #[fidl(max_len = 2, elem(max_len = 3))]\n    pub e: Vec<String>,"),
        "{code}"
    );
}

#[test]
fn layouts_members_and_modifiers() {
    let root = load(
        "library t;
/// A point.
/// Two lines.
@for_tests(\"x\", flag = true)
type Point = struct {
    /// X doc.
    x int32;
    y int32 = 7;
};
type T = resource table {
    3: c float64;
    1: reserved;
    2: b array<box<Point>, 2>;
};
type U = union { 5: p Point; 1: reserved; };
type SU = strict resource union { 1: t T; };
type Holder = resource struct { u U:optional; s SU; };
",
    );
    let point = root.lookup("Point").unwrap();
    assert_eq!(point.doc.as_deref(), Some(" A point.\n Two lines."));
    let attr = point.attribute("for_tests").unwrap();
    assert_eq!(attr.args[0].value, "x");
    assert_eq!(attr.args[1].name.as_deref(), Some("flag"));
    let DeclKind::Struct(p) = &point.kind else {
        panic!()
    };
    assert_eq!(p.members[0].doc.as_deref(), Some(" X doc."));
    let DeclKind::Table(t) = &root.lookup("T").unwrap().kind else {
        panic!()
    };
    assert!(t.resource);
    assert_eq!(
        t.members
            .iter()
            .map(|m| (m.ordinal, m.reserved))
            .collect::<Vec<_>>(),
        [(1, true), (2, false), (3, false)]
    );
    assert_eq!(
        member_types(&root, "T"),
        ["array<box<Point>, 2>", "float64"]
    );
    let DeclKind::Union(u) = &root.lookup("U").unwrap().kind else {
        panic!()
    };
    assert!(
        !u.strict && !u.resource,
        "unions are flexible value types by default"
    );
    let DeclKind::Union(su) = &root.lookup("SU").unwrap().kind else {
        panic!()
    };
    assert!(su.strict && su.resource);
    // Holding the resource union SU needs `resource`, as Holder has.
    let err = Loader::new()
        .add_source("t.fidl", "library t;\ntype SU = strict resource union { 1: a uint8; };\ntype H = struct { s SU; };")
        .load()
        .unwrap_err();
    assert_eq!(err.kind(), handoff_idl::ErrorKind::ValueTypeHoldsResource);
    assert!(root.lookup("Holder").unwrap().is_resource());
}

#[test]
fn inline_layouts_follow_the_naming_context() {
    let root = load(
        "library t;
type Outer = struct {
    inner struct {
        deep_thing table { 1: x flexible enum : uint8 { A = 1; }; };
    };
    many vector<struct { v uint8; }>:3;
    named @generated_name(\"Custom\") strict union { 1: a bool; };
};
",
    );
    let names: Vec<(&str, Vec<String>)> = root
        .target()
        .declarations
        .iter()
        .map(|d| (d.name.name.as_str(), d.naming_context.clone()))
        .collect();
    assert_eq!(
        names,
        [
            ("Outer", vec!["Outer".to_string()]),
            ("Inner", vec!["Outer".into(), "inner".into()]),
            (
                "DeepThing",
                vec!["Outer".into(), "inner".into(), "deep_thing".into()]
            ),
            (
                "X",
                vec![
                    "Outer".into(),
                    "inner".into(),
                    "deep_thing".into(),
                    "x".into()
                ]
            ),
            ("Many", vec!["Outer".into(), "many".into()]),
            ("Custom", vec!["Outer".into(), "named".into()]),
        ]
    );
    assert_eq!(
        member_types(&root, "Outer"),
        ["Inner", "vector<Many>:3", "Custom"]
    );
    assert_eq!(root.lookup("X").unwrap().kind_name(), "enum");
}

#[test]
fn protocols_and_endpoints() {
    let root = load(
        "library t;
open protocol Base { -> OnReady(struct { code int32; }); };
closed protocol P {
    compose Base;
    strict Ping();
    flexible Get(struct { key string:8; }) -> (struct { value vector<uint8>; }) error uint32;
    Put(Payload) -> ();
};
ajar protocol Q {};
type Payload = struct { x uint8; };
type Ends = resource struct {
    c client_end:P;
    s server_end:<t.Q, optional>;
};
",
    );
    let DeclKind::Protocol(p) = &root.lookup("P").unwrap().kind else {
        panic!()
    };
    assert_eq!(p.openness, Openness::Closed);
    assert_eq!(p.composed[0].name, "Base");
    assert_eq!(p.methods.len(), 3);
    let ping = &p.methods[0];
    assert!(ping.strict && ping.has_request && !ping.has_response && ping.request.is_none());
    let get = &p.methods[1];
    assert!(!get.strict && get.has_response);
    assert_eq!(get.request.as_ref().unwrap().to_string(), "PGetRequest");
    assert_eq!(get.response.as_ref().unwrap().to_string(), "PGetResponse");
    assert_eq!(get.error.as_ref().unwrap().to_string(), "uint32");
    assert_eq!(
        p.methods[2].request.as_ref().unwrap().to_string(),
        "Payload"
    );
    assert!(p.methods[2].has_response && p.methods[2].response.is_none());
    let DeclKind::Protocol(base) = &root.lookup("Base").unwrap().kind else {
        panic!()
    };
    assert_eq!(base.openness, Openness::Open);
    assert!(!base.methods[0].has_request);
    assert_eq!(
        base.methods[0].response.as_ref().unwrap().to_string(),
        "BaseOnReadyRequest"
    );
    assert!(root.lookup("PGetRequest").unwrap().is_inline());
    let DeclKind::Struct(ends) = &root.lookup("Ends").unwrap().kind else {
        panic!()
    };
    let Type::Endpoint {
        role,
        protocol,
        optional,
    } = &ends.members[1].ty
    else {
        panic!()
    };
    assert_eq!(
        (*role, protocol.name.as_str(), *optional),
        (EndpointRole::Server, "Q", true)
    );
    assert_eq!(root.lookup("Ends").unwrap().shape().unwrap().max_handles, 2);
    // Protocols generate no Rust item; their payload structs do.
    let code = Config::new().generate(&root).unwrap();
    assert!(code.contains("pub struct PGetRequest {") && !code.contains("pub struct P "));
}

#[test]
fn resources_across_libraries() {
    let root = Loader::new()
        .add_source(
            "t.fidl",
            "library t;
using zx as z;
alias Event = z.Handle:<z.ObjType.EVENT, z.Rights.TRANSFER | z.Rights.WAIT>;
type S = resource struct {
    a z.Handle;
    b Event:optional;
    c vector<z.Handle:CHANNEL>:4;
};
",
        )
        .add_dependency_source(
            "zx.fidl",
            "library zx;
type ObjType = strict enum : uint32 { NONE = 0; CHANNEL = 4; EVENT = 5; };
type Rights = strict bits : uint32 { TRANSFER = 2; WAIT = 0x4000; };
resource_definition Handle : uint32 { properties { subtype ObjType; rights Rights; }; };
",
        )
        .add_dependency_source("unused.fidl", "library unused; type X = struct {};")
        .load()
        .unwrap();
    assert_eq!(
        root.libraries()
            .iter()
            .map(|l| l.name.as_str())
            .collect::<Vec<_>>(),
        ["zx", "t"]
    );
    assert_eq!(
        member_types(&root, "S"),
        [
            "zx.Handle",
            "zx.Handle:<EVENT, 0x4002, optional>",
            "vector<zx.Handle:CHANNEL>:4"
        ]
    );
    assert_eq!(root.lookup("S").unwrap().shape().unwrap().max_handles, 6);
    let DeclKind::ResourceDefinition(r) = &root.library("zx").unwrap().decl("Handle").unwrap().kind
    else {
        panic!()
    };
    assert_eq!(r.object_types.as_ref().unwrap().to_string(), "zx/ObjType");
    // Cross-library paths in generated code; the dependency generates on its own.
    let config = Config::new();
    let zx = config.generate_library(&root, "zx").unwrap();
    assert!(zx.contains("pub struct Rights(pub u32);"));
    let mut config = Config::new();
    config.extern_library("zx", "::zx_types");
    assert!(config.generate(&root).is_ok());
}

#[test]
fn fully_qualified_and_member_names() {
    let root = load(
        "library my.lib;
type E = strict enum { A = 1; };
const C my.lib.E = my.lib.E.A;
type S = struct { e my.lib.E; s my.lib.T; };
type T = struct {};
",
    );
    assert_eq!(root.target().name, "my.lib");
    assert_eq!(member_types(&root, "S"), ["E", "T"]);
    let DeclKind::Struct(s) = &root.lookup("S").unwrap().kind else {
        panic!()
    };
    let Type::Identifier { decl_kind, .. } = &s.members[0].ty else {
        panic!()
    };
    assert_eq!(*decl_kind, IdentifierKind::Enum);
    let code = Config::new().generate(&root).unwrap();
    assert!(code.contains("pub const C: E = E::A;"), "{code}");
}

#[test]
fn bindings_denylist_skips_rust() {
    let root = load(
        "library t;\n@bindings_denylist(\"dart, rust\")\ntype A = struct {};\ntype B = struct {};",
    );
    assert!(root.lookup("A").unwrap().is_denylisted_for("rust"));
    let code = Config::new().generate(&root).unwrap();
    assert!(!code.contains("pub struct A") && code.contains("pub struct B"));
    let all = Config::new().skip_denylisted(None).generate(&root).unwrap();
    assert!(all.contains("pub struct A"));
}

#[test]
fn keywords_and_cases_become_valid_rust() {
    let root = load(
        "library t;
type S = struct { type uint8; self uint8; fooBar uint8; };
type U = flexible union { 1: type uint8; 2: self_ref uint8; };
type lower_case = strict bits { some_flag = 1; };
",
    );
    let code = Config::new().generate(&root).unwrap();
    for s in [
        "    pub r#type: u8,",
        "    pub self_: u8,",
        "    pub foo_bar: u8,",
        "    Type(u8),",
        "    SelfRef(u8),",
        "#[allow(non_camel_case_types)]\n#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, handoff::Fidl)]",
        "pub struct lower_case(pub u32);",
        "    pub const SOME_FLAG: Self = Self(0x1);",
    ] {
        assert!(code.contains(s), "missing {s:?} in\n{code}");
    }
    assert_eq!(handoff_idl::naming::rust_field_name("fooBar"), "foo_bar");
    assert_eq!(
        handoff_idl::naming::rust_variant_name("uint8_value"),
        "Uint8Value"
    );
}

#[test]
fn recursive_resource_types_get_a_handle_bound() {
    let root = load(
        "library t;
resource_definition handle : uint32 { properties {}; };
type Node = resource struct { h handle; next box<Node>; };
type Tree = resource table { 1: kids vector<Tree>; };
",
    );
    let code = Config::new().generate(&root).unwrap();
    assert!(
        code.contains("#[fidl(resource, max_handles = 4294967295)]\npub struct Node {"),
        "{code}"
    );
    assert!(
        code.contains("#[fidl(table, resource, max_handles = 0)]\npub struct Tree {"),
        "{code}"
    );
    assert!(code.contains("    pub next: Option<Box<Node>>,"));
}
