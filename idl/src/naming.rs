//! Case conversions and Rust identifier escaping, shared by name resolution (canonical names,
//! inline layout names) and code generation. Public so tools that map FIDL names to the
//! generated Rust names (a conformance runner reading GIDL) use exactly the same rules.

/// `snake_case` form: `boundFiveStr` -> `bound_five_str`, `FIRST` -> `first`; names already in
/// snake_case (digits included: `size8align4`, `padding_size_24_align_4`) are unchanged.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = if i > 0 {
                chars.get(i - 1).copied()
            } else {
                None
            };
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_ascii_uppercase() => next.is_some_and(|n| n.is_ascii_lowercase()),
                _ => false,
            };
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `UpperCamelCase` form: `signed_enum` -> `SignedEnum`, `FIRST` -> `First`, `MEMBER_LOW_1` ->
/// `MemberLow1`, `boundFiveStr` -> `BoundFiveStr`, `i32` -> `I32`.
pub fn upper_camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for part in name.split('_').filter(|p| !p.is_empty()) {
        let shouting = !part.chars().any(|c| c.is_ascii_lowercase());
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            if shouting {
                out.extend(chars.map(|c| c.to_ascii_lowercase()));
            } else {
                out.extend(chars);
            }
        }
    }
    out
}

/// `SCREAMING_SNAKE_CASE` form: `MEMBER_LOW_1` unchanged, `fooBar` -> `FOO_BAR`.
pub fn screaming_snake(name: &str) -> String {
    snake_case(name).to_ascii_uppercase()
}

/// Rust keywords (2024 edition, reserved ones included) that a raw identifier can escape.
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing `_`.
const UNRAWABLE: &[&str] = &["crate", "self", "Self", "super", "_"];

/// `name` as a Rust identifier: `type` -> `r#type`, `self` -> `self_`, others unchanged.
pub fn escape_rust(name: &str) -> String {
    if UNRAWABLE.contains(&name) {
        format!("{name}_")
    } else if RAW_KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_string()
    }
}

/// The Rust name of a struct or table field: snake_case, escaped.
pub fn rust_field_name(fidl_name: &str) -> String {
    escape_rust(&snake_case(fidl_name))
}

/// The Rust name of a union variant or enum variant: UpperCamelCase, escaped.
pub fn rust_variant_name(fidl_name: &str) -> String {
    escape_rust(&upper_camel(fidl_name))
}

/// The Rust name of a bits constant: SCREAMING_SNAKE_CASE, escaped.
pub fn rust_bits_const_name(fidl_name: &str) -> String {
    escape_rust(&screaming_snake(fidl_name))
}

/// The Rust name of a type: the FIDL name as declared, escaped.
pub fn rust_type_name(fidl_name: &str) -> String {
    escape_rust(fidl_name)
}

/// The Rust module name used for a library in cross-library paths: dots become underscores
/// (`test.conformance` -> `test_conformance`).
pub fn rust_library_module(library: &str) -> String {
    escape_rust(&library.replace('.', "_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake() {
        for same in [
            "a",
            "s0",
            "size8align4",
            "padding_size_24_align_4",
            "vector_s3_a1",
            "obj_type",
            "f10",
        ] {
            assert_eq!(snake_case(same), same);
        }
        assert_eq!(snake_case("boundFiveStr"), "bound_five_str");
        assert_eq!(snake_case("FIRST"), "first");
        assert_eq!(snake_case("MEMBER_LOW_1"), "member_low_1");
        assert_eq!(snake_case("TableOfEndpoints"), "table_of_endpoints");
        assert_eq!(snake_case("Uint8Uint16"), "uint8_uint16");
        assert_eq!(snake_case("HTTPServer"), "http_server");
    }

    #[test]
    fn camel() {
        assert_eq!(upper_camel("signed_enum"), "SignedEnum");
        assert_eq!(upper_camel("FIRST"), "First");
        assert_eq!(upper_camel("MEMBER_LOW_1"), "MemberLow1");
        assert_eq!(upper_camel("boundFiveStr"), "BoundFiveStr");
        assert_eq!(upper_camel("i32"), "I32");
        assert_eq!(upper_camel("size8align4"), "Size8align4");
        assert_eq!(upper_camel("EmptyStruct"), "EmptyStruct");
        assert_eq!(screaming_snake("fooBar"), "FOO_BAR");
        assert_eq!(screaming_snake("A"), "A");
    }

    #[test]
    fn escaping() {
        assert_eq!(rust_field_name("type"), "r#type");
        assert_eq!(rust_field_name("self"), "self_");
        assert_eq!(rust_field_name("table"), "table");
        assert_eq!(rust_variant_name("self"), "Self_");
        assert_eq!(rust_library_module("test.conformance"), "test_conformance");
    }
}
