//! What `#[derive(Fidl)]` refuses to compile, and the error it gives: the value/resource
//! rule of RFC-0057 (a value type holding a handle, directly or through any container or
//! member type, names the member and says to mark the type `resource`), encoding a
//! resource type by reference, and malformed `#[fidl(...)]` attributes.
//!
//! Each case is `tests/ui/fail/<name>.rs` with the expected compiler output beside it in
//! `<name>.stderr`. After a deliberate change to a message, regenerate them with
//! `TRYBUILD=overwrite cargo test -p handoff --test derive_ui`, then read the diff.
//!
//! The value/resource check is a const assertion in the derived code, so its error is a
//! const-evaluation error ("evaluation panicked: member `x` of value type ...").

#[test]
fn derive_rejects() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
}

/// Run-pass programs for recursive types (they must compile, and their checks must hold).
#[test]
fn recursive_types_compile_and_round_trip() {
    trybuild::TestCases::new().pass("tests/ui/pass/recursive_types.rs");
}

/// Run-pass program: CamelCase enum members compile under `#![deny(warnings)]`.
#[test]
fn enum_member_names_compile_without_warnings() {
    trybuild::TestCases::new().pass("tests/ui/pass/enum_member_names.rs");
}
