//! Golden tests of the derive's expansion: what `#[derive(Fidl)]` writes for a struct, a
//! table, a flexible union and an enum, pretty-printed and compared with
//! `tests/golden/<name>.rs.txt`.
//!
//! A proc-macro crate's tests cannot call its macro, so this test compiles the derive's
//! own modules into itself (`#[path]` below) and calls `expand::expand` on parsed input.
//! After a deliberate change to the generated code, regenerate the files with
//! `HANDOFF_BLESS=1 cargo test -p handoff-derive --test golden` and read the diff.

use std::path::PathBuf;

// The derive's modules, compiled into this test. `expand` refers to `crate::attrs`, which
// resolves to the module below since both sit at this crate's root.
#[path = "../src/attrs.rs"]
mod attrs;
#[path = "../src/expand.rs"]
mod expand;

/// Expands `input` as the derive would and pretty-prints the result.
fn render(input: &syn::DeriveInput) -> String {
    let tokens = expand::expand(input).unwrap_or_else(|e| panic!("expansion failed: {e}"));
    let file: syn::File =
        syn::parse2(tokens).unwrap_or_else(|e| panic!("the expansion is not Rust items: {e}"));
    prettyplease::unparse(&file)
}

/// Compares the expansion of `input` with `tests/golden/<name>.rs.txt`, or writes that
/// file when `HANDOFF_BLESS` is set.
fn check(name: &str, input: syn::DeriveInput) {
    let actual = render(&input);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.rs.txt"));
    if std::env::var_os("HANDOFF_BLESS").is_some() {
        std::fs::write(&path, &actual)
            .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "reading {} ({e}); run with HANDOFF_BLESS=1 to create it",
            path.display()
        )
    });
    if actual != expected {
        let first = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, e)| a != e);
        let line = first.unwrap_or_else(|| actual.lines().count().min(expected.lines().count()));
        panic!(
            "the expansion differs from {} from line {}:\n  expected: {:?}\n  actual:   {:?}\n\
             If the change is deliberate, rerun with HANDOFF_BLESS=1 and review the diff.",
            path.display(),
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line),
        );
    }
}

#[test]
fn struct_expansion() {
    check(
        "struct",
        syn::parse_quote! {
            #[derive(Fidl)]
            pub struct Point {
                pub x: i32,
                #[fidl(max_len = 8)]
                pub label: String,
                pub tag: u8,
            }
        },
    );
}

#[test]
fn table_expansion() {
    check(
        "table",
        syn::parse_quote! {
            #[derive(Fidl)]
            #[fidl(table)]
            pub struct Settings {
                #[fidl(ordinal = 1)]
                pub volume: Option<u32>,
                #[fidl(ordinal = 3, max_len = 16)]
                pub name: Option<String>,
            }
        },
    );
}

#[test]
fn flexible_union_expansion() {
    check(
        "flexible_union",
        syn::parse_quote! {
            #[derive(Fidl)]
            #[fidl(union, flexible, resource)]
            pub enum Payload {
                #[fidl(ordinal = 1)]
                Number(u64),
                #[fidl(ordinal = 2, handle(object_type = 5, rights = 0xC003))]
                Event(MemHandle),
                #[fidl(unknown)]
                UnknownOrdinal(u64),
            }
        },
    );
}

#[test]
fn enum_expansion() {
    check(
        "enum",
        syn::parse_quote! {
            #[derive(Fidl)]
            #[fidl(enum, strict, repr = i16)]
            pub enum Level {
                #[fidl(value = -1)]
                Low,
                #[fidl(value = 7)]
                High,
            }
        },
    );
}

/// The expansion is the same for the same input (no hash-map order, no counters), so
/// the golden files are stable.
#[test]
fn expansion_is_deterministic() {
    let input: syn::DeriveInput = syn::parse_quote! {
        #[fidl(table, resource)]
        pub struct T { #[fidl(ordinal = 2)] pub b: Option<u8>, #[fidl(ordinal = 1)] pub a: Option<Vec<u32>> }
    };
    assert_eq!(render(&input), render(&input));
}

/// Attribute errors come back as `syn::Error`s with the message the compile-fail tests
/// check (tests/ui in the `handoff` crate), not as panics.
#[test]
fn errors_are_reported_not_panicked() {
    let cases: [(syn::DeriveInput, &str); 3] = [
        (
            syn::parse_quote! { #[fidl(table)] pub struct T { pub a: Option<u32> } },
            "table members need #[fidl(ordinal = N)]",
        ),
        (
            syn::parse_quote! { #[fidl(enum, strict)] pub enum E { #[fidl(value = 1)] A } },
            "needs #[fidl(repr = u8|u16|u32|u64|i8|i16|i32|i64)]",
        ),
        (
            syn::parse_quote! { pub struct G<H> { pub h: H } },
            "#[derive(Fidl)] does not support generic types; use a concrete handle type",
        ),
    ];
    for (input, message) in cases {
        match expand::expand(&input) {
            Ok(_) => panic!("expanded {}", input.ident),
            Err(e) => assert_eq!(e.to_string(), message),
        }
    }
}
