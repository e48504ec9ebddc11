//! One test per kind of error: the kind, the `file:line:column`, and the message.

use handoff_idl::{Config, Error, ErrorKind, Loader};

fn load(src: &str) -> Result<handoff_idl::Root, Error> {
    Loader::new().add_source("t.fidl", src).load()
}

/// Asserts that `src` fails with a diagnostic of `kind` at `at` whose message contains `text`.
#[track_caller]
fn fails(src: &str, kind: ErrorKind, at: &str, text: &str) {
    let err = match load(src) {
        Ok(_) => panic!("expected {kind:?} for:\n{src}"),
        Err(e) => e,
    };
    let found = err.diagnostics().iter().any(|d| {
        d.kind == kind
            && d.location.as_ref().is_some_and(|l| l.to_string() == at)
            && d.message.contains(text)
    });
    assert!(
        found,
        "expected {kind:?} at {at} containing {text:?}, got:\n{err}"
    );
}

#[test]
fn io_and_invalid_files() {
    let err = Loader::new()
        .add_file("/nonexistent/x.fidl")
        .load()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    assert!(
        err.to_string().contains("cannot read /nonexistent/x.fidl"),
        "{err}"
    );
    let err = Loader::new()
        .add_source_bytes("b.fidl", b"library t;\n// \xff\xfe\n")
        .load()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidFile);
    assert_eq!(
        err.to_string(),
        "b.fidl:2:4: error: the file is not valid UTF-8"
    );
    let err = Loader::new().load().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LibraryMismatch);
}

#[test]
fn lexical_errors() {
    fails(
        "library t;\nconst S string = \"abc;\n",
        ErrorKind::UnterminatedString,
        "t.fidl:2:18",
        "closing `\"`",
    );
    fails(
        "library t;\ntype S = struct { a int32 # };",
        ErrorKind::InvalidCharacter,
        "t.fidl:2:27",
        "'#'",
    );
    fails(
        "library t;\nconst C uint32 = 0x1G;",
        ErrorKind::InvalidNumber,
        "t.fidl:2:18",
        "`0x1G`",
    );
    fails(
        "library t;\ntype S = struct { a_ int32; };",
        ErrorKind::InvalidIdentifier,
        "t.fidl:2:19",
        "`a_`",
    );
    fails(
        "library a.Bad;",
        ErrorKind::InvalidIdentifier,
        "t.fidl:1:11",
        "library name component `Bad`",
    );
    fails(
        "library t;\nconst S string = \"a\\qb\";",
        ErrorKind::InvalidEscape,
        "t.fidl:2:18",
        "`\\q`",
    );
}

#[test]
fn syntax_errors() {
    fails(
        "library t;\ntype S = struct { a int32 };",
        ErrorKind::UnexpectedToken,
        "t.fidl:2:27",
        "expected `;` after the member, found `}`",
    );
    fails(
        "library t;\ntype S = struct {",
        ErrorKind::UnexpectedToken,
        "t.fidl:2:18",
        "found end of file",
    );
    fails(
        "library t;\nstruct S {};",
        ErrorKind::UnexpectedToken,
        "t.fidl:2:1",
        "old FIDL syntax",
    );
    fails(
        "type S = struct {};",
        ErrorKind::UnexpectedToken,
        "t.fidl:1:1",
        "`library`",
    );
    fails(
        "library t;\ntype S = uint32;",
        ErrorKind::Unsupported,
        "t.fidl:2:10",
        "use `alias S = ...;`",
    );
    fails(
        "library t;\nservice S {};",
        ErrorKind::Unsupported,
        "t.fidl:2:1",
        "`service`",
    );
    let deep = format!(
        "library t;\nalias A = {}uint8{};",
        "vector<".repeat(100),
        ">".repeat(100)
    );
    fails(
        &deep,
        ErrorKind::NestingTooDeep,
        "t.fidl:2:459",
        "nested more than 64 levels",
    );
}

#[test]
fn each_file_reports_its_first_syntax_error() {
    let err = Loader::new()
        .add_source("a.fidl", "library t;\ntype A = struct { x };")
        .add_source("b.fidl", "library t;\ntype B = table { 1: y int32 };")
        .load()
        .unwrap_err();
    assert_eq!(err.diagnostics().len(), 2, "{err}");
    assert!(err.to_string().starts_with("a.fidl:2:21: error:"), "{err}");
    assert!(err.to_string().contains("\nb.fidl:2:29: error:"), "{err}");
}

#[test]
fn unknown_names() {
    fails(
        "library t;\ntype S = struct { a Nope; };",
        ErrorKind::UnknownName,
        "t.fidl:2:21",
        "unknown type `Nope`",
    );
    fails(
        "library t;\nusing zz;\n",
        ErrorKind::UnknownName,
        "t.fidl:2:7",
        "unknown library `zz`",
    );
    fails(
        "library t;\nconst C uint32 = NOPE;",
        ErrorKind::UnknownName,
        "t.fidl:2:18",
        "unknown constant `NOPE`",
    );
    fails(
        "library t;\ntype E = enum { A = 1; };\nconst C E = E.B;",
        ErrorKind::UnknownName,
        "t.fidl:3:13",
        "`E` has no member `B`",
    );
    // A library that is loaded but not imported in this file.
    let err = Loader::new()
        .add_source(
            "a.fidl",
            "library t;\nusing d;\ntype A = struct { x d.D; };",
        )
        .add_source("b.fidl", "library t;\ntype B = struct { y d.D; };")
        .add_dependency_source("d.fidl", "library d;\ntype D = struct {};")
        .load()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "b.fidl:2:21: error: library `d` is not imported in this file; add `using d;`"
    );
}

#[test]
fn wrong_kind_of_name() {
    fails(
        "library t;\nclosed protocol P {};\ntype S = resource struct { p P; };",
        ErrorKind::WrongKindOfName,
        "t.fidl:3:30",
        "use `client_end:P` or `server_end:P`",
    );
    fails(
        "library t;\nconst C uint8 = 1;\ntype S = struct { c C; };",
        ErrorKind::WrongKindOfName,
        "t.fidl:3:21",
        "is a constant, not a type",
    );
    fails(
        "library t;\ntype S = struct {};\ntype T = resource struct { c client_end:S; };",
        ErrorKind::WrongKindOfName,
        "t.fidl:3:41",
        "`S` is not a protocol",
    );
}

#[test]
fn duplicate_names() {
    fails(
        "library t;\ntype S = struct {};\ntype S = table {};",
        ErrorKind::DuplicateName,
        "t.fidl:3:6",
        "duplicate declaration `S`; it is already declared at t.fidl:2:6",
    );
    fails(
        "library t;\ntype FooBar = struct {};\nalias foo_bar = uint8;",
        ErrorKind::DuplicateName,
        "t.fidl:3:7",
        "collides with `FooBar`",
    );
    fails(
        "library t;\ntype S = struct { a int8; a int16; };",
        ErrorKind::DuplicateName,
        "t.fidl:2:27",
        "two members named `a`",
    );
    fails(
        "library t;\ntype U = union { 1: fooBar int8; 2: foo_bar int16; };",
        ErrorKind::DuplicateName,
        "t.fidl:2:37",
        "collide",
    );
    fails(
        "library t;\ntype E = enum { A = 1; A = 2; };",
        ErrorKind::DuplicateName,
        "t.fidl:2:24",
        "two members named `A`",
    );
    // An inline layout named after its member collides with a declaration.
    fails(
        "library t;\ntype Inner = struct {};\ntype S = struct { inner struct {}; };",
        ErrorKind::DuplicateName,
        "t.fidl:3:25",
        "duplicate declaration `Inner`",
    );
}

#[test]
fn ordinals() {
    fails(
        "library t;\ntype T = table { 1: a int8; 1: b int8; };",
        ErrorKind::DuplicateOrdinal,
        "t.fidl:2:29",
        "ordinal 1 is used twice in table `T` (first at t.fidl:2:18)",
    );
    fails(
        "library t;\ntype T = table { a int8; };",
        ErrorKind::MissingOrdinal,
        "t.fidl:2:18",
        "member `a` of table `T` needs an ordinal",
    );
    fails(
        "library t;\ntype U = strict union { x int8; };",
        ErrorKind::MissingOrdinal,
        "t.fidl:2:25",
        "needs an ordinal",
    );
    fails(
        "library t;\ntype T = table { 0: a int8; };",
        ErrorKind::InvalidOrdinal,
        "t.fidl:2:18",
        "between 1 and 64, not 0",
    );
    fails(
        "library t;\ntype T = table { 65: a int8; };",
        ErrorKind::InvalidOrdinal,
        "t.fidl:2:18",
        "not 65",
    );
    fails(
        "library t;\ntype S = struct { 1: a int8; };",
        ErrorKind::InvalidOrdinal,
        "t.fidl:2:19",
        "struct members have no ordinals",
    );
    fails(
        "library t;\ntype E = enum { 1: A = 1; };",
        ErrorKind::InvalidOrdinal,
        "t.fidl:2:17",
        "enum members have no ordinals",
    );
}

#[test]
fn modifiers_and_members() {
    fails(
        "library t;\ntype T = strict table {};",
        ErrorKind::InvalidModifier,
        "t.fidl:2:10",
        "tables are always flexible",
    );
    fails(
        "library t;\ntype E = resource enum { A = 1; };",
        ErrorKind::InvalidModifier,
        "t.fidl:2:10",
        "enums and bits never hold handles",
    );
    fails(
        "library t;\ntype S = resource resource struct {};",
        ErrorKind::InvalidModifier,
        "t.fidl:2:19",
        "duplicate modifier `resource`",
    );
    fails(
        "library t;\ntype U = strict flexible union { 1: a int8; };",
        ErrorKind::InvalidModifier,
        "t.fidl:2:17",
        "cannot both be given",
    );
    fails(
        "library t;\ntype U = strict union { 1: reserved; };",
        ErrorKind::MissingMembers,
        "t.fidl:2:17",
        "strict union `U` must have at least one member",
    );
    fails(
        "library t;\ntype E = strict enum {};",
        ErrorKind::MissingMembers,
        "t.fidl:2:17",
        "strict enum `E`",
    );
    fails(
        "library t;\ntype S = struct { 1: reserved; };",
        ErrorKind::InvalidOrdinal,
        "t.fidl:2:19",
        "no ordinals",
    );
    fails(
        "library t;\ntype S = struct : uint8 {};",
        ErrorKind::UnexpectedToken,
        "t.fidl:2:10",
        "has no underlying type",
    );
    fails(
        "library t;\ntype E = enum : string { A = 1; };",
        ErrorKind::TypeMismatch,
        "t.fidl:2:17",
        "must be an integer type",
    );
    fails(
        "library t;\ntype B = bits : int8 { A = 1; };",
        ErrorKind::TypeMismatch,
        "t.fidl:2:17",
        "must be an unsigned integer type",
    );
}

#[test]
fn layout_parameters() {
    fails(
        "library t;\ntype S = struct { v vector; };",
        ErrorKind::BadLayoutParameter,
        "t.fidl:2:21",
        "takes 1 layout parameter, found 0",
    );
    fails(
        "library t;\ntype S = struct { a array<uint8>; };",
        ErrorKind::BadLayoutParameter,
        "t.fidl:2:21",
        "takes 2 layout parameters, found 1",
    );
    fails(
        "library t;\ntype S = struct { a array<uint8, 0>; };",
        ErrorKind::BadConstraint,
        "t.fidl:2:34",
        "array size must be at least 1",
    );
    fails(
        "library t;\ntype S = struct { a array<uint8, MAX>; };",
        ErrorKind::BadLayoutParameter,
        "t.fidl:2:34",
        "fixed size",
    );
    fails(
        "library t;\ntype S = struct { b box<uint8>; };",
        ErrorKind::BadLayoutParameter,
        "t.fidl:2:21",
        "only structs can be boxed, but `uint8` is not a struct",
    );
    fails(
        "library t;\ntype S = struct { a uint8<int8>; };",
        ErrorKind::BadLayoutParameter,
        "t.fidl:2:21",
        "`uint8` takes 0 layout parameters",
    );
    fails(
        "library t;\ntype S = struct { v vector<5>; };",
        ErrorKind::BadLayoutParameter,
        "t.fidl:2:28",
        "expected a type here",
    );
}

#[test]
fn constraints() {
    fails(
        "library t;\ntype S = struct { s string:<2, 3>; };",
        ErrorKind::BadConstraint,
        "t.fidl:2:32",
        "too many constraints for `string`",
    );
    fails(
        "library t;\ntype S = struct { a uint32:5; };",
        ErrorKind::BadConstraint,
        "t.fidl:2:28",
        "`uint32` cannot be constrained",
    );
    fails(
        "library t;\ntype A = struct {};\ntype S = struct { a A:optional; };",
        ErrorKind::BadConstraint,
        "t.fidl:3:21",
        "use `box<A>`",
    );
    fails(
        "library t;\ntype A = struct {};\ntype S = struct { a box<A>:optional; };",
        ErrorKind::BadConstraint,
        "t.fidl:3:21",
        "already optional",
    );
    fails(
        "library t;\ntype T = table {};\ntype S = struct { a T:optional; };",
        ErrorKind::BadConstraint,
        "t.fidl:3:21",
        "table `T` cannot be optional",
    );
    fails(
        "library t;\nalias O = string:optional;\ntype S = struct { a O:optional; };",
        ErrorKind::BadConstraint,
        "t.fidl:3:21",
        "already optional (through its alias)",
    );
    fails(
        "library t;\nalias V = vector<uint8>:5;\ntype S = struct { a V:6; };",
        ErrorKind::BadConstraint,
        "t.fidl:3:23",
        "already has a bound",
    );
    fails(
        "library t;\ntype S = struct { s string:<optional, 2>; };",
        ErrorKind::BadConstraint,
        "t.fidl:2:29",
        "`optional` must be the last constraint",
    );
    fails(
        "library t;\ntype S = struct { s string:0; };",
        ErrorKind::BadConstraint,
        "t.fidl:2:28",
        "at least 1",
    );
    fails(
        "library t;\ntype T = table { 1: s string:optional; };",
        ErrorKind::BadConstraint,
        "t.fidl:2:21",
        "table members cannot be optional",
    );
    fails(
        "library t;\ntype S = resource struct { c client_end; };",
        ErrorKind::BadConstraint,
        "t.fidl:2:30",
        "`client_end` needs a protocol",
    );
}

#[test]
fn handle_constraints() {
    const H: &str = "library t;\ntype obj_type = strict enum : uint32 { NONE = 0; EVENT = 5; };\n\
                     type rights = strict bits : uint32 { A = 1; B = 2; };\n\
                     resource_definition handle : uint32 { properties { subtype obj_type; rights rights; }; };\n";
    let ok = format!(
        "{H}type S = resource struct {{ h handle:<EVENT, rights.A | rights.B, optional>; g handle:<EVENT, A>; }};"
    );
    let root = load(&ok).unwrap();
    let handoff_idl::DeclKind::Struct(s) = &root.lookup("S").unwrap().kind else {
        panic!()
    };
    assert_eq!(s.members[0].ty.to_string(), "handle:<EVENT, 0x3, optional>");
    assert_eq!(s.members[1].ty.to_string(), "handle:<EVENT, 0x1>");
    fails(
        &format!("{H}type S = resource struct {{ h handle:VMO; }};"),
        ErrorKind::UnknownName,
        "t.fidl:5:37",
        "unknown constant `VMO`",
    );
    fails(
        &format!("{H}type S = resource struct {{ h handle:<EVENT, 4>; }};"),
        ErrorKind::ConstantOutOfRange,
        "t.fidl:5:45",
        "0x4 has bits that are not members of strict bits `rights`",
    );
}

#[test]
fn constants() {
    fails(
        "library t;\nconst C uint8 = \"x\";",
        ErrorKind::TypeMismatch,
        "t.fidl:2:17",
        "expected a constant of type `uint8`, found a string",
    );
    fails(
        "library t;\nconst C uint8 = 300;",
        ErrorKind::ConstantOutOfRange,
        "t.fidl:2:17",
        "300 is out of range for `uint8`",
    );
    fails(
        "library t;\nconst C int8 = -129;",
        ErrorKind::ConstantOutOfRange,
        "t.fidl:2:16",
        "-129",
    );
    fails(
        "library t;\nconst C uint64 = 0x10000000000000000;",
        ErrorKind::ConstantOutOfRange,
        "t.fidl:2:18",
        "out of range for `uint64`",
    );
    fails(
        "library t;\nconst S string:2 = \"abc\";",
        ErrorKind::ConstantOutOfRange,
        "t.fidl:2:20",
        "3 bytes long",
    );
    fails(
        "library t;\nconst C int32 = 1 | 2;",
        ErrorKind::TypeMismatch,
        "t.fidl:2:17",
        "`|` needs bits or unsigned integers",
    );
    fails(
        "library t;\ntype E = enum { A = 1; };\nconst C E = 1;",
        ErrorKind::TypeMismatch,
        "t.fidl:3:13",
        "write a member: `E.MEMBER`",
    );
    fails(
        "library t;\ntype E = enum { A = 1; };\ntype F = enum { A = 1; };\nconst C E = F.A;",
        ErrorKind::TypeMismatch,
        "t.fidl:4:13",
        "expected a constant of type enum `E`, found one of type enum `F`",
    );
    fails(
        "library t;\ntype S = struct {};\nconst C S = 1;",
        ErrorKind::TypeMismatch,
        "t.fidl:3:9",
        "constants must be bool, numbers, strings, enums or bits",
    );
    fails(
        "library t;\ntype E = enum : uint8 { A = 256; };",
        ErrorKind::ConstantOutOfRange,
        "t.fidl:2:29",
        "256 is out of range for `uint8`",
    );
}

#[test]
fn member_values() {
    fails(
        "library t;\ntype B = bits { A = 3; };",
        ErrorKind::InvalidMemberValue,
        "t.fidl:2:21",
        "must be a power of two, not 3",
    );
    fails(
        "library t;\ntype E = enum { A = 1; B = 1; };",
        ErrorKind::InvalidMemberValue,
        "t.fidl:2:28",
        "members `A` and `B` of enum `E` have the same value 1",
    );
}

#[test]
fn cycles() {
    fails(
        "library t;\ntype A = struct { b B; };\ntype B = struct { a A; };",
        ErrorKind::IncludeCycle,
        "t.fidl:2:6",
        "`A` contains itself by value (A.b -> B.a -> A)",
    );
    fails(
        "library t;\ntype U = strict union { 1: u U; };",
        ErrorKind::IncludeCycle,
        "t.fidl:2:6",
        "(U.u -> U)",
    );
    fails(
        "library t;\ntype S = struct { a array<S, 2>; };",
        ErrorKind::IncludeCycle,
        "t.fidl:2:6",
        "break the cycle",
    );
    fails(
        "library t;\nconst A uint8 = B;\nconst B uint8 = A;",
        ErrorKind::IncludeCycle,
        "t.fidl:3:17",
        "constant `A` is defined in terms of itself",
    );
    fails(
        "library t;\nalias A = B;\nalias B = A;",
        ErrorKind::IncludeCycle,
        "t.fidl:3:11",
        "alias `A` is defined in terms of itself",
    );
    // Through box, optional unions or vectors, recursion is fine.
    load(
        "library t;\ntype A = struct { b box<B>; };\ntype B = struct { a A; u U:optional; v vector<B>; };\n\
         type U = strict union { 1: b B; };",
    )
    .unwrap();
    // Long alias chains are cut off with an error instead of exhausting the stack.
    // (Declared last-first, so resolving the first one follows the whole chain.)
    let chain = |n: usize| {
        let mut src = String::from("library t;\n");
        for i in (1..n).rev() {
            src.push_str(&format!("alias A{i} = A{};\n", i - 1));
        }
        src + "alias A0 = uint8;\n"
    };
    load(&chain(100)).unwrap();
    assert!(
        load(&chain(300))
            .unwrap_err()
            .has(ErrorKind::NestingTooDeep)
    );
    // Aliases declared in order resolve one level at a time, but the types they build are
    // still bounded.
    let mut src = String::from("library t;\nalias V0 = uint8;\n");
    for i in 1..200 {
        src.push_str(&format!("alias V{i} = vector<V{}>;\n", i - 1));
    }
    let err = load(&src).unwrap_err();
    assert!(
        err.to_string().contains("nests more than 128 levels deep"),
        "{err}"
    );
}

#[test]
fn value_type_holding_a_resource() {
    fails(
        "library t;\nresource_definition handle : uint32 { properties { }; };\n\
         type S = struct { h vector<handle>:2; };",
        ErrorKind::ValueTypeHoldsResource,
        "t.fidl:3:19",
        "struct `S` is a value type, but its member `h` holds a resource: `S.h` (`vector<handle>:2`). A value type cannot hold handles; mark `S` as a resource type (`resource struct { ... }`)",
    );
    // The chain names every hop to the handle.
    fails(
        "library t;\nresource_definition handle : uint32 { properties { }; };\n\
         type Inner = resource struct { n uint8; h handle; };\n\
         type Mid = resource table { 1: i array<Inner, 2>; };\n\
         type Outer = struct { m box<Wrap>; };\n\
         type Wrap = resource struct { m Mid; };",
        ErrorKind::ValueTypeHoldsResource,
        "t.fidl:5:23",
        "`Outer.m` (`box<Wrap>`) -> `Wrap.m` (`Mid`) -> `Mid.i` (`array<Inner, 2>`) -> `Inner.h` (`handle`)",
    );
    fails(
        "library t;\nclosed protocol P {};\ntype T = table { 1: c client_end:P; };",
        ErrorKind::ValueTypeHoldsResource,
        "t.fidl:3:18",
        "table `T` is a value type",
    );
    fails(
        "library t;\ntype R = resource struct {};\ntype S = struct { r R; };",
        ErrorKind::ValueTypeHoldsResource,
        "t.fidl:3:19",
        "`S.r` (`R`) -> `R` (declared `resource`)",
    );
    // Inline layouts have their own resourceness.
    fails(
        "library t;\nresource_definition handle : uint32 { properties { }; };\n\
         type S = resource struct { t table { 1: h handle; }; };",
        ErrorKind::ValueTypeHoldsResource,
        "t.fidl:3:38",
        "table `T` is a value type",
    );
}

#[test]
fn too_large() {
    fails(
        "library t;\ntype S = struct { a array<uint64, 0xFFFFFFFF>; };",
        ErrorKind::TypeTooLarge,
        "t.fidl:2:6",
        "`S` is too large",
    );
}

#[test]
fn attributes() {
    fails(
        "library t;\ntype S = struct { t @generated_name(1) table {}; };",
        ErrorKind::InvalidAttribute,
        "t.fidl:2:21",
        "@generated_name takes one string argument",
    );
}

#[test]
fn rust_name_collisions() {
    let root = load("library t;\ntype U = strict union { 1: a1 int8; 2: a_1 int16; };").unwrap();
    let err = Config::new().generate(&root).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RustNameCollision);
    assert_eq!(
        err.to_string(),
        "t.fidl:2:6: error: in `U`, member `a_1` becomes variant `A1`, which is taken"
    );
    let root = load("library t;\ntype E = flexible enum { UNKNOWN_VALUE = 1; };").unwrap();
    assert_eq!(
        Config::new().generate(&root).unwrap_err().kind(),
        ErrorKind::RustNameCollision
    );
}

#[test]
fn library_mismatches() {
    let err = Loader::new()
        .add_source("a.fidl", "library a;")
        .add_source("b.fidl", "library b;")
        .load()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LibraryMismatch);
    assert!(err.to_string().contains("`a`, `b`"), "{err}");
    let err = Loader::new()
        .add_source("a.fidl", "library a;\nusing b;")
        .add_dependency_source("b.fidl", "library b;\nusing a;")
        .add_dependency_source("a2.fidl", "library a;\nusing b;")
        .load()
        .unwrap_err();
    assert!(
        err.to_string().contains("depend on each other in a cycle"),
        "{err}"
    );
    fails(
        "library t;\nusing t;",
        ErrorKind::LibraryMismatch,
        "t.fidl:2:7",
        "cannot use itself",
    );
}

#[test]
fn many_errors_are_reported_together() {
    let err = load(
        "library t;\ntype A = struct { a X; b Y; };\ntype B = table { 1: a int8; 1: b int8; };",
    )
    .unwrap_err();
    assert_eq!(err.diagnostics().len(), 3, "{err}");
    let lines: Vec<String> = err.to_string().lines().map(str::to_string).collect();
    assert_eq!(lines[0], "t.fidl:2:21: error: unknown type `X`");
    assert_eq!(lines[1], "t.fidl:2:26: error: unknown type `Y`");
    assert!(lines[2].starts_with("t.fidl:3:29: error: ordinal 1 is used twice"));
}
