//! Every worked example of `spec/examples.txt`, checked against the codec.
//!
//! The file is parsed at test time (`include_str!`), and each example is looked up by name
//! in a registry of checks written by hand against the example's `fidl:` line:
//!
//! * a success example encodes (from a Rust value written for it) to exactly its bytes and
//!   handle count; its bytes, decoded with that many fresh in-memory handles, read back as
//!   the example's value through the view and through the natural value (handles by
//!   identity, in table order); and re-encoding the decoded value gives the same bytes and
//!   the same handles (the encoding is canonical);
//! * a failure example fails to decode with exactly its error code (and the offset that
//!   spec/wire-format.md section 24 lists), and every handle passed in is closed once.
//!
//! Values are compared as literals: the `value:` line is parsed into a [`Lit`] tree, and
//! the Rust values and views are turned into the same tree ([`ToLit`]), so the test reads
//! the values from the file rather than trusting a transcription. Likewise each Rust type
//! carries the FIDL declaration it was written for ([`Decl`]), and an example's `fidl:`
//! line must be exactly the declarations of its check's types, the example's own type
//! last.
//!
//! An example in the file without a registry entry, or a registry entry without an
//! example, fails the test. An example may have several checks: `box<S>` is checked both
//! as `Option<Box<S>>` and as `Option<S>` (the two mappings derive-syntax.md allows), and
//! the header examples also through the codec's transactional and persisted APIs.
//! `RecursiveOptionalStruct` is a chain of distinct types with the same wire form, as
//! the derive cannot compile a recursive struct yet (see `recursive_chain!`).

// Test types are not an API: their members need no docs.
#![allow(missing_docs)]
// The 34-link type chain standing in for a recursive type nests its where-bounds deeply.
#![recursion_limit = "256"]

use std::collections::BTreeSet;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use bytes::BytesMut;
use handoff::codec::{Decode, Encode, Layout};
use handoff::handle::HandleConstraint;
use handoff::handle::mem::{MemHandle, MemSpace};
use handoff::wire::{
    PersistedHeader as WirePersistedHeader, TransactionHeader as WireTransactionHeader,
};
use handoff::{DecodeOptions, Decoded, Error, Fidl, HandleRef, MessageBuf};

const EXAMPLES: &str = include_str!("../spec/examples.txt");

// =======================================================================================
// The examples file

/// One example of the file.
#[derive(Debug)]
struct Example {
    name: String,
    /// The line of its `===` header.
    line: usize,
    failure: bool,
    fidl: String,
    value: Option<String>,
    bytes: Vec<u8>,
    handles: usize,
    error: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Expecting {
    Fidl,
    Value,
    Bytes,
    ByteLines,
    Error,
    Done,
}

/// A line of exactly 8 lowercase hex bytes, optionally followed by spaces and `# comment`.
fn byte_line(line: &str) -> Option<Vec<u8>> {
    let (data, rest) = line.split_at_checked(23)?;
    if !(rest.is_empty() || rest.trim_start().starts_with('#') && rest.starts_with(' ')) {
        return None;
    }
    let mut out = Vec::with_capacity(8);
    for (i, chunk) in data.as_bytes().chunks(3).enumerate() {
        let hex = &chunk[..2];
        if chunk.len() == 3 && chunk[2] != b' ' || i == 7 && chunk.len() != 2 {
            return None;
        }
        if !hex.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
    }
    Some(out)
}

/// Parses the examples file (spec/wire-format.md, section 25). Panics on malformed input,
/// naming the line.
fn parse_examples(text: &str) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let mut state = Expecting::Done;
    for (i, raw) in text.lines().enumerate() {
        let lineno = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let header = line
            .strip_prefix("=== example: ")
            .map(|n| (n, false))
            .or_else(|| line.strip_prefix("=== failure: ").map(|n| (n, true)));
        if let Some((name, failure)) = header {
            assert!(
                state == Expecting::Done,
                "examples.txt line {lineno}: a new example starts before the previous one is complete (expecting {state:?})"
            );
            assert!(
                !name.is_empty()
                    && name
                        .bytes()
                        .all(|c| matches!(c, b'a'..=b'z' | b'0'..=b'9' | b'_')),
                "examples.txt line {lineno}: bad example name {name:?}"
            );
            out.push(Example {
                name: name.to_string(),
                line: lineno,
                failure,
                fidl: String::new(),
                value: None,
                bytes: Vec::new(),
                handles: 0,
                error: None,
            });
            state = Expecting::Fidl;
            continue;
        }
        let Some(ex) = out.last_mut() else {
            panic!("examples.txt line {lineno}: text before the first example: {line:?}");
        };
        match state {
            Expecting::Fidl if line.starts_with("fidl: ") => {
                ex.fidl = line["fidl: ".len()..].to_string();
                state = if ex.failure {
                    Expecting::Bytes
                } else {
                    Expecting::Value
                };
            }
            Expecting::Value if line.starts_with("value: ") => {
                ex.value = Some(line["value: ".len()..].to_string());
                state = Expecting::Bytes;
            }
            Expecting::Bytes if line == "bytes:" => state = Expecting::ByteLines,
            Expecting::ByteLines if line.starts_with("handles: ") => {
                assert!(
                    !ex.bytes.is_empty(),
                    "examples.txt line {lineno}: no byte lines"
                );
                ex.handles = line["handles: ".len()..].parse().unwrap_or_else(|_| {
                    panic!("examples.txt line {lineno}: bad handle count {line:?}")
                });
                state = if ex.failure {
                    Expecting::Error
                } else {
                    Expecting::Done
                };
            }
            Expecting::ByteLines => match byte_line(line) {
                Some(row) => ex.bytes.extend(row),
                None => panic!("examples.txt line {lineno}: not a line of 8 hex bytes: {line:?}"),
            },
            Expecting::Error if line.starts_with("error: ") => {
                ex.error = Some(line["error: ".len()..].to_string());
                state = Expecting::Done;
            }
            _ => panic!("examples.txt line {lineno}: unexpected {line:?} (expecting {state:?})"),
        }
    }
    assert!(
        state == Expecting::Done,
        "examples.txt: the last example is incomplete (expecting {state:?})"
    );
    let mut seen = BTreeSet::new();
    for ex in &out {
        assert!(
            seen.insert(ex.name.as_str()),
            "examples.txt line {}: duplicate example name `{}`",
            ex.line,
            ex.name
        );
    }
    out
}

// =======================================================================================
// Literals

/// A value, as a `value:` line writes it.
#[derive(Debug, Clone, PartialEq)]
enum Lit {
    Int(i128),
    Float(f64),
    Bool(bool),
    Str(String),
    Null,
    /// `#N`: handle N of the handle table.
    Handle(usize),
    List(Vec<Lit>),
    /// `Type{field: value, ...}`: a struct, a table (present members) or a union (the
    /// variant that is set). Fields sorted by name: GIDL does not fix their order.
    Obj(String, Vec<(String, Lit)>),
    /// What a Rust value holds that no literal can (an unknown handle or variant).
    Foreign(String),
}

impl Lit {
    fn obj(name: &str, mut fields: Vec<(&str, Lit)>) -> Lit {
        fields.sort_by(|a, b| a.0.cmp(b.0));
        Lit::Obj(
            name.to_string(),
            fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }

    /// The member `name` of an object literal.
    fn field(&self, name: &str) -> &Lit {
        match self {
            Lit::Obj(_, fields) => fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v)
                .unwrap_or_else(|| panic!("literal {self} has no member `{name}`")),
            _ => panic!("literal {self} is not an object"),
        }
    }
}

impl fmt::Display for Lit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lit::Int(v) => write!(f, "{v}"),
            Lit::Float(v) => write!(f, "{v:?}"),
            Lit::Bool(v) => write!(f, "{v}"),
            Lit::Str(v) => write!(f, "{v:?}"),
            Lit::Null => f.write_str("null"),
            Lit::Handle(i) => write!(f, "#{i}"),
            Lit::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Lit::Obj(name, fields) => {
                write!(f, "{name}{{")?;
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_str("}")
            }
            Lit::Foreign(what) => write!(f, "<{what}>"),
        }
    }
}

/// A recursive-descent parser of `value:` literals.
struct LitParser<'a> {
    s: &'a str,
    pos: usize,
}

impl LitParser<'_> {
    fn parse(s: &str) -> Lit {
        let mut p = LitParser { s, pos: 0 };
        let v = p.value();
        p.ws();
        assert!(
            p.pos == s.len(),
            "literal {s:?}: unexpected text at {}: {:?}",
            p.pos,
            &s[p.pos..]
        );
        v
    }

    fn fail(&self, what: &str) -> ! {
        panic!(
            "literal {:?}: {what} at byte {}: {:?}",
            self.s,
            self.pos,
            &self.s[self.pos..]
        )
    }

    fn peek(&self) -> Option<char> {
        self.s[self.pos..].chars().next()
    }

    fn ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.ws();
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) {
        if !self.eat(c) {
            self.fail(&format!("expected {c:?}"));
        }
    }

    /// A run of characters that may make up an identifier or a number.
    fn word(&mut self) -> &str {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '+'))
        {
            self.pos += 1;
        }
        &self.s[start..self.pos]
    }

    fn value(&mut self) -> Lit {
        self.ws();
        match self.peek() {
            Some('"') => {
                self.pos += 1;
                let mut out = String::new();
                loop {
                    match self.peek() {
                        None => self.fail("unterminated string"),
                        Some('"') => {
                            self.pos += 1;
                            break Lit::Str(out);
                        }
                        Some('\\') => {
                            self.pos += 1;
                            match self.peek() {
                                Some(c @ ('"' | '\\')) => {
                                    out.push(c);
                                    self.pos += 1;
                                }
                                _ => self.fail("unsupported escape"),
                            }
                        }
                        Some(c) => {
                            out.push(c);
                            self.pos += c.len_utf8();
                        }
                    }
                }
            }
            Some('[') => {
                self.pos += 1;
                let mut items = Vec::new();
                while !self.eat(']') {
                    items.push(self.value());
                    if !self.eat(',') {
                        self.expect(']');
                        break;
                    }
                }
                Lit::List(items)
            }
            Some('#') => {
                self.pos += 1;
                let w = self.word().to_string();
                match w.parse() {
                    Ok(i) => Lit::Handle(i),
                    Err(_) => self.fail("bad handle index"),
                }
            }
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let w = self.word().to_string();
                let (neg, digits) = match w.strip_prefix('-') {
                    Some(d) => (true, d),
                    None => (false, w.as_str()),
                };
                let int = match digits.strip_prefix("0x") {
                    Some(hex) => i128::from_str_radix(hex, 16).ok(),
                    None => digits.parse::<i128>().ok(),
                };
                match (int, w.parse::<f64>()) {
                    (Some(v), _) => Lit::Int(if neg { -v } else { v }),
                    (None, Ok(v)) => Lit::Float(v),
                    _ => self.fail("bad number"),
                }
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                let w = self.word().to_string();
                match w.as_str() {
                    "null" => return Lit::Null,
                    "true" => return Lit::Bool(true),
                    "false" => return Lit::Bool(false),
                    _ => {}
                }
                self.expect('{');
                let mut fields: Vec<(String, Lit)> = Vec::new();
                while !self.eat('}') {
                    self.ws();
                    let k = self.word().to_string();
                    if k.is_empty() {
                        self.fail("expected a member name");
                    }
                    self.expect(':');
                    let v = self.value();
                    if fields.iter().any(|(f, _)| *f == k) {
                        self.fail(&format!("member `{k}` given twice"));
                    }
                    fields.push((k, v));
                    if !self.eat(',') {
                        self.expect('}');
                        break;
                    }
                }
                fields.sort_by(|a, b| a.0.cmp(&b.0));
                Lit::Obj(w, fields)
            }
            _ => self.fail("expected a value"),
        }
    }
}

// =======================================================================================
// Rust values and views as literals

/// The handles a value may refer to: their raw values in handle-table order, and, for a
/// view, how to find the handle a slot refers to.
struct Hs<'a> {
    table: &'a [u32],
    view: Option<&'a dyn Fn(HandleRef) -> Option<u32>>,
}

impl Hs<'_> {
    fn of_raw(&self, raw: u32) -> Lit {
        match self.table.iter().position(|&r| r == raw) {
            Some(i) => Lit::Handle(i),
            None => Lit::Foreign(format!(
                "handle with raw value {raw}, not in the handle table"
            )),
        }
    }
}

/// Turns a natural value or a view into a literal.
trait ToLit {
    fn lit(&self, hs: &Hs<'_>) -> Lit;
}

macro_rules! lit_int {
    ($($t:ty)*) => {$(
        impl ToLit for $t {
            fn lit(&self, _: &Hs<'_>) -> Lit {
                Lit::Int(i128::from(*self))
            }
        }
    )*};
}
lit_int!(u8 u16 u32 u64 i8 i16 i32 i64);

impl ToLit for f32 {
    fn lit(&self, _: &Hs<'_>) -> Lit {
        Lit::Float(f64::from(*self))
    }
}

impl ToLit for f64 {
    fn lit(&self, _: &Hs<'_>) -> Lit {
        Lit::Float(*self)
    }
}

impl ToLit for bool {
    fn lit(&self, _: &Hs<'_>) -> Lit {
        Lit::Bool(*self)
    }
}

impl ToLit for String {
    fn lit(&self, _: &Hs<'_>) -> Lit {
        Lit::Str(self.clone())
    }
}

impl ToLit for &str {
    fn lit(&self, _: &Hs<'_>) -> Lit {
        Lit::Str(self.to_string())
    }
}

impl<T: ToLit> ToLit for Vec<T> {
    fn lit(&self, hs: &Hs<'_>) -> Lit {
        Lit::List(self.iter().map(|v| v.lit(hs)).collect())
    }
}

impl<T: ToLit, const N: usize> ToLit for [T; N] {
    fn lit(&self, hs: &Hs<'_>) -> Lit {
        Lit::List(self.iter().map(|v| v.lit(hs)).collect())
    }
}

impl<T: ToLit> ToLit for Option<T> {
    fn lit(&self, hs: &Hs<'_>) -> Lit {
        match self {
            Some(v) => v.lit(hs),
            None => Lit::Null,
        }
    }
}

impl<T: ToLit> ToLit for Box<T> {
    fn lit(&self, hs: &Hs<'_>) -> Lit {
        (**self).lit(hs)
    }
}

impl ToLit for MemHandle {
    fn lit(&self, hs: &Hs<'_>) -> Lit {
        hs.of_raw(self.raw())
    }
}

impl ToLit for HandleRef {
    fn lit(&self, hs: &Hs<'_>) -> Lit {
        let lookup = hs.view.expect("a HandleRef outside a view");
        match lookup(*self) {
            Some(raw) => hs.of_raw(raw),
            None => Lit::Foreign(format!("handle ref #{} with no handle", self.index())),
        }
    }
}

impl<'de, T: Layout> ToLit for handoff::codec::VecView<'de, T>
where
    T::View<'de>: ToLit,
{
    fn lit(&self, hs: &Hs<'_>) -> Lit {
        Lit::List(self.iter().map(|v| v.lit(hs)).collect())
    }
}

impl<'de, T: Layout, const N: usize> ToLit for handoff::codec::ArrayView<'de, T, N>
where
    T::View<'de>: ToLit,
{
    fn lit(&self, hs: &Hs<'_>) -> Lit {
        Lit::List(self.iter().map(|v| v.lit(hs)).collect())
    }
}

/// The FIDL name a Rust type stands for: its own, or the one after `as`.
macro_rules! fidl_name {
    ($ty:ident) => {
        stringify!($ty)
    };
    ($ty:ident as $fidl:ident) => {
        stringify!($fidl)
    };
}

/// `ToLit` for a struct and its view: every member, by name.
macro_rules! lit_struct {
    ($ty:ident $(as $fidl:ident)? / $view:ident { $($f:ident),* $(,)? }) => {
        impl ToLit for $ty {
            fn lit(&self, hs: &Hs<'_>) -> Lit {
                let _ = hs;
                let $ty { $($f),* } = self;
                Lit::obj(fidl_name!($ty $(as $fidl)?), vec![$((stringify!($f), $f.lit(hs))),*])
            }
        }
        impl ToLit for $view<'_> {
            fn lit(&self, hs: &Hs<'_>) -> Lit {
                let _ = hs;
                Lit::obj(fidl_name!($ty $(as $fidl)?), vec![$((stringify!($f), self.$f().lit(hs))),*])
            }
        }
    };
}

/// `ToLit` for a table and its view: the present members, by name.
macro_rules! lit_table {
    ($ty:ident / $view:ident { $($f:ident),* $(,)? }) => {
        impl ToLit for $ty {
            fn lit(&self, hs: &Hs<'_>) -> Lit {
                let _ = hs;
                let $ty { $($f),* } = self;
                #[allow(unused_mut)] // an empty table
                let mut fields: Vec<(&str, Lit)> = Vec::new();
                $( if let Some(v) = $f { fields.push((stringify!($f), v.lit(hs))); } )*
                Lit::obj(stringify!($ty), fields)
            }
        }
        impl ToLit for $view<'_> {
            fn lit(&self, hs: &Hs<'_>) -> Lit {
                let _ = hs;
                #[allow(unused_mut)] // an empty table
                let mut fields: Vec<(&str, Lit)> = Vec::new();
                $( if let Some(v) = self.$f() { fields.push((stringify!($f), v.lit(hs))); } )*
                Lit::obj(stringify!($ty), fields)
            }
        }
    };
}

/// `ToLit` for a union and its view: the variant that is set, by its FIDL member name.
macro_rules! lit_union {
    ($ty:ident / $view:ident { $($v:ident => $f:ident),* $(,)? } $(unknown $u:ident)?) => {
        impl ToLit for $ty {
            fn lit(&self, hs: &Hs<'_>) -> Lit {
                match self {
                    $( $ty::$v(x) => Lit::obj(stringify!($ty), vec![(stringify!($f), x.lit(hs))]), )*
                    $( $ty::$u(ordinal) => Lit::Foreign(format!("unknown variant {ordinal}")), )?
                }
            }
        }
        impl ToLit for $view<'_> {
            fn lit(&self, hs: &Hs<'_>) -> Lit {
                match self {
                    $( $view::$v(x) => Lit::obj(stringify!($ty), vec![(stringify!($f), x.lit(hs))]), )*
                    $( $view::$u(ordinal) => Lit::Foreign(format!("unknown variant {ordinal}")), )?
                }
            }
        }
    };
}

/// `ToLit` for an enum (its own view): its integer value.
macro_rules! lit_enum {
    ($ty:ident) => {
        impl ToLit for $ty {
            fn lit(&self, _: &Hs<'_>) -> Lit {
                Lit::Int(i128::from(self.into_primitive()))
            }
        }
    };
}

/// The FIDL declaration a Rust type was written for.
trait Decl {
    const FIDL: &'static str;
}

macro_rules! decl {
    ($ty:ident, $fidl:literal) => {
        impl Decl for $ty {
            const FIDL: &'static str = $fidl;
        }
    };
    ($ty:ident = $same:ident) => {
        impl Decl for $ty {
            const FIDL: &'static str = <$same as Decl>::FIDL;
        }
    };
}

// =======================================================================================
// Types, in the order of the examples

// struct_u8_u32_padding
#[derive(Debug, Fidl)]
pub struct S {
    pub a: u8,
    pub b: u32,
}
decl!(S, "type S = struct { a uint8; b uint32; };");
lit_struct!(S / SView { a, b });

// unsigned_all_widths
#[derive(Debug, Fidl)]
pub struct Uint8Uint16Uint32Uint64 {
    pub f1: u8,
    pub f2: u16,
    pub f3: u32,
    pub f4: u64,
}
decl!(
    Uint8Uint16Uint32Uint64,
    "type Uint8Uint16Uint32Uint64 = struct { f1 uint8; f2 uint16; f3 uint32; f4 uint64; };"
);
lit_struct!(Uint8Uint16Uint32Uint64 / Uint8Uint16Uint32Uint64View { f1, f2, f3, f4 });

// signed_all_widths
#[derive(Debug, Fidl)]
pub struct Signed {
    pub a: i8,
    pub b: i16,
    pub c: i32,
    pub d: i64,
}
decl!(
    Signed,
    "type Signed = struct { a int8; b int16; c int32; d int64; };"
);
lit_struct!(Signed / SignedView { a, b, c, d });

// floats
#[derive(Debug, Fidl)]
pub struct Floats {
    pub a: f32,
    pub b: f64,
}
decl!(Floats, "type Floats = struct { a float32; b float64; };");
lit_struct!(Floats / FloatsView { a, b });

// bool_true, bool_invalid
#[derive(Debug, Fidl)]
pub struct MyBool {
    pub value: bool,
}
decl!(MyBool, "type MyBool = struct { value bool; };");
lit_struct!(MyBool / MyBoolView { value });

// empty_struct, presence_marker_invalid, too_many_bytes
#[derive(Debug, Fidl)]
pub struct EmptyStruct {}
decl!(EmptyStruct, "type EmptyStruct = struct {};");
lit_struct!(EmptyStruct / EmptyStructView {});

// struct_nested_no_repacking
#[derive(Debug, Fidl)]
pub struct Inner {
    pub a: u32,
    pub b: u8,
}
decl!(Inner, "type Inner = struct { a uint32; b uint8; };");
lit_struct!(Inner / InnerView { a, b });

#[derive(Debug, Fidl)]
pub struct Outer {
    pub i: Inner,
    pub c: u8,
}
decl!(Outer, "type Outer = struct { i Inner; c uint8; };");
lit_struct!(Outer / OuterView { i, c });

// array_uint16
#[derive(Debug, Fidl)]
pub struct ArrayStruct {
    pub a: [u16; 3],
    pub b: u8,
}
decl!(
    ArrayStruct,
    "type ArrayStruct = struct { a array<uint16, 3>; b uint8; };"
);
lit_struct!(ArrayStruct / ArrayStructView { a, b });

// string_ascii
#[derive(Debug, Fidl)]
pub struct GoldenStringStruct {
    pub v: String,
}
decl!(
    GoldenStringStruct,
    "type GoldenStringStruct = struct { v string; };"
);
lit_struct!(GoldenStringStruct / GoldenStringStructView { v });

// string_utf8_multibyte, string_not_utf8
#[derive(Debug, Fidl)]
pub struct StringWrapper {
    pub str: String,
}
decl!(
    StringWrapper,
    "type StringWrapper = struct { str string; };"
);
lit_struct!(StringWrapper / StringWrapperView { str });

// string_optional_absent
#[derive(Debug, Fidl)]
pub struct GoldenNullableStringStruct {
    pub v: Option<String>,
}
decl!(
    GoldenNullableStringStruct,
    "type GoldenNullableStringStruct = struct { v string:optional; };"
);
lit_struct!(GoldenNullableStringStruct / GoldenNullableStringStructView { v });

// vector_uint32
#[derive(Debug, Fidl)]
pub struct VectorOfUint32 {
    pub v: Vec<u32>,
}
decl!(
    VectorOfUint32,
    "type VectorOfUint32 = struct { v vector<uint32>; };"
);
lit_struct!(VectorOfUint32 / VectorOfUint32View { v });

// vector_of_strings_depth_first
#[derive(Debug, Fidl)]
pub struct VectorThenString {
    pub v: Vec<String>,
    pub s: String,
}
decl!(
    VectorThenString,
    "type VectorThenString = struct { v vector<string>; s string; };"
);
lit_struct!(VectorThenString / VectorThenStringView { v, s });

// box_present, box_absent
#[derive(Debug, Fidl)]
pub struct GoldenBoolStruct {
    pub v: bool,
}
decl!(
    GoldenBoolStruct,
    "type GoldenBoolStruct = struct { v bool; };"
);
lit_struct!(GoldenBoolStruct / GoldenBoolStructView { v });

/// `box<S>` as `Option<Box<S>>`, the mapping of /work/notes/derive-syntax.md.
#[derive(Debug, Fidl)]
pub struct GoldenNullableStruct {
    pub v: Option<Box<GoldenBoolStruct>>,
}
decl!(
    GoldenNullableStruct,
    "type GoldenNullableStruct = struct { v box<GoldenBoolStruct>; };"
);
lit_struct!(GoldenNullableStruct / GoldenNullableStructView { v });

/// The same, with `box<S>` as `Option<S>` (the same wire form).
#[derive(Debug, Fidl)]
pub struct GoldenNullableStructPlain {
    pub v: Option<GoldenBoolStruct>,
}
decl!(GoldenNullableStructPlain = GoldenNullableStruct);
lit_struct!(
    GoldenNullableStructPlain as GoldenNullableStruct / GoldenNullableStructPlainView { v }
);

// box_nested, depth_exceeded: `type RecursiveOptionalStruct = struct { inner
// box<RecursiveOptionalStruct>; };`. The derive cannot compile a recursive struct yet (the
// layout const of `Option<Box<Self>>` is a cycle: E0391; see tests/derive_ui.rs), so this
// is a chain of distinct types with the same wire form, one per depth, deep enough for
// the 34 levels of `depth_exceeded`. Each link boxes the next, as `box<S>` maps to.
macro_rules! recursive_chain {
    ($last:ident / $last_view:ident) => {
        #[derive(Debug, Fidl)]
        pub struct $last {
            pub inner: Option<Box<EmptyStruct>>,
        }
        lit_struct!($last as RecursiveOptionalStruct / $last_view { inner });
    };
    ($a:ident / $a_view:ident $b:ident / $b_view:ident $($rest:ident / $rest_view:ident)*) => {
        #[derive(Debug, Fidl)]
        pub struct $a {
            pub inner: Option<Box<$b>>,
        }
        lit_struct!($a as RecursiveOptionalStruct / $a_view { inner });
        recursive_chain!($b / $b_view $($rest / $rest_view)*);
    };
}

recursive_chain!(
    Rec0 / Rec0View Rec1 / Rec1View Rec2 / Rec2View Rec3 / Rec3View Rec4 / Rec4View
    Rec5 / Rec5View Rec6 / Rec6View Rec7 / Rec7View Rec8 / Rec8View Rec9 / Rec9View
    Rec10 / Rec10View Rec11 / Rec11View Rec12 / Rec12View Rec13 / Rec13View Rec14 / Rec14View
    Rec15 / Rec15View Rec16 / Rec16View Rec17 / Rec17View Rec18 / Rec18View Rec19 / Rec19View
    Rec20 / Rec20View Rec21 / Rec21View Rec22 / Rec22View Rec23 / Rec23View Rec24 / Rec24View
    Rec25 / Rec25View Rec26 / Rec26View Rec27 / Rec27View Rec28 / Rec28View Rec29 / Rec29View
    Rec30 / Rec30View Rec31 / Rec31View Rec32 / Rec32View Rec33 / Rec33View
);
decl!(
    Rec0,
    "type RecursiveOptionalStruct = struct { inner box<RecursiveOptionalStruct>; };"
);

// handle_present, handles_depth_first_order, too_few_handles
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct SingleHandle {
    pub h: MemHandle,
}
decl!(
    SingleHandle,
    "type SingleHandle = resource struct { h handle; };"
);
lit_struct!(SingleHandle / SingleHandleView { h });

// handle_optional_absent, handle_presence_invalid
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct SingleOptionalHandle {
    pub h: Option<MemHandle>,
}
decl!(
    SingleOptionalHandle,
    "type SingleOptionalHandle = resource struct { h handle:optional; };"
);
lit_struct!(SingleOptionalHandle / SingleOptionalHandleView { h });

// handles_depth_first_order
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct BoxThenHandle {
    pub a: Option<Box<SingleHandle>>,
    pub b: MemHandle,
}
decl!(
    BoxThenHandle,
    "type BoxThenHandle = resource struct { a box<SingleHandle>; b handle; };"
);
lit_struct!(BoxThenHandle / BoxThenHandleView { a, b });

#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct BoxThenHandlePlain {
    pub a: Option<SingleHandle>,
    pub b: MemHandle,
}
decl!(BoxThenHandlePlain = BoxThenHandle);
lit_struct!(BoxThenHandlePlain as BoxThenHandle / BoxThenHandlePlainView { a, b });

// table_gap_out_of_line
#[derive(Debug, Default, Fidl)]
#[fidl(table)]
pub struct SimpleTable {
    #[fidl(ordinal = 1)]
    pub x: Option<i64>,
    #[fidl(ordinal = 5)]
    pub y: Option<i64>,
}
decl!(
    SimpleTable,
    "type SimpleTable = table { 1: x int64; 5: y int64; };"
);
lit_table!(SimpleTable / SimpleTableView { x, y });

#[derive(Debug, Fidl)]
pub struct StructOfSimpleTable {
    pub table: SimpleTable,
}
decl!(
    StructOfSimpleTable,
    "type StructOfSimpleTable = struct { table SimpleTable; };"
);
lit_struct!(StructOfSimpleTable / StructOfSimpleTableView { table });

// table_inline_member, envelope_bad_flags, envelope_inline_bit_mismatch
#[derive(Debug, Default, Fidl)]
#[fidl(table)]
pub struct TableFieldInlined {
    #[fidl(ordinal = 1)]
    pub f: Option<i32>,
}
decl!(
    TableFieldInlined,
    "type TableFieldInlined = table { 1: f int32; };"
);
lit_table!(TableFieldInlined / TableFieldInlinedView { f });

#[derive(Debug, Fidl)]
pub struct TableFieldInlinedStruct {
    pub t: TableFieldInlined,
}
decl!(
    TableFieldInlinedStruct,
    "type TableFieldInlinedStruct = struct { t TableFieldInlined; };"
);
lit_struct!(TableFieldInlinedStruct / TableFieldInlinedStructView { t });

// table_inline_handle
#[derive(Debug, Default, Fidl)]
#[fidl(table, resource)]
pub struct TableWithHandle {
    #[fidl(ordinal = 1)]
    pub h: Option<MemHandle>,
}
decl!(
    TableWithHandle,
    "type TableWithHandle = resource table { 1: h handle; };"
);
lit_table!(TableWithHandle / TableWithHandleView { h });

#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct TableWithHandleStruct {
    pub t: TableWithHandle,
}
decl!(
    TableWithHandleStruct,
    "type TableWithHandleStruct = resource struct { t TableWithHandle; };"
);
lit_struct!(TableWithHandleStruct / TableWithHandleStructView { t });

// table_empty
#[derive(Debug, Default, Fidl)]
#[fidl(table)]
pub struct EmptyTable {}
decl!(EmptyTable, "type EmptyTable = table {};");
lit_table!(EmptyTable / EmptyTableView {});

#[derive(Debug, Fidl)]
pub struct StructOfEmptyTable {
    pub table: EmptyTable,
}
decl!(
    StructOfEmptyTable,
    "type StructOfEmptyTable = struct { table EmptyTable; };"
);
lit_struct!(StructOfEmptyTable / StructOfEmptyTableView { table });

// union_strict_inline, strict_union_unknown_ordinal
#[derive(Debug, Fidl)]
#[fidl(union, strict)]
pub enum SingleVariantUnion {
    #[fidl(ordinal = 1)]
    X(u32),
}
decl!(
    SingleVariantUnion,
    "type SingleVariantUnion = strict union { 1: x uint32; };"
);
lit_union!(SingleVariantUnion / SingleVariantUnionView { X => x });

#[derive(Debug, Fidl)]
pub struct SingleVariantUnionStruct {
    pub u: SingleVariantUnion,
}
decl!(
    SingleVariantUnionStruct,
    "type SingleVariantUnionStruct = struct { u SingleVariantUnion; };"
);
lit_struct!(SingleVariantUnionStruct / SingleVariantUnionStructView { u });

// union_strict_out_of_line
#[derive(Debug, Fidl)]
#[fidl(union, strict)]
pub enum ReverseOrdinalUnion {
    #[fidl(ordinal = 4)]
    X(i64),
    #[fidl(ordinal = 2)]
    Y(bool),
    #[fidl(ordinal = 1)]
    Z(u32),
}
decl!(
    ReverseOrdinalUnion,
    "type ReverseOrdinalUnion = strict union { 4: x int64; 2: y bool; 1: z uint32; };"
);
lit_union!(ReverseOrdinalUnion / ReverseOrdinalUnionView { X => x, Y => y, Z => z });

#[derive(Debug, Fidl)]
pub struct ReverseOrdinalUnionStruct {
    pub u: ReverseOrdinalUnion,
}
decl!(
    ReverseOrdinalUnionStruct,
    "type ReverseOrdinalUnionStruct = struct { u ReverseOrdinalUnion; };"
);
lit_struct!(ReverseOrdinalUnionStruct / ReverseOrdinalUnionStructView { u });

// union_flexible_inline
#[derive(Debug, Fidl)]
#[fidl(union, flexible, resource)]
pub enum EnvelopeInliningTestUnion {
    #[fidl(ordinal = 1)]
    Small(u32),
    #[fidl(ordinal = 2)]
    Large(u64),
    #[fidl(ordinal = 3)]
    Handle(MemHandle),
    #[fidl(unknown)]
    UnknownOrdinal(u64),
}
decl!(
    EnvelopeInliningTestUnion,
    "type EnvelopeInliningTestUnion = flexible resource union { 1: small uint32; 2: large uint64; 3: handle handle; };"
);
lit_union!(
    EnvelopeInliningTestUnion / EnvelopeInliningTestUnionView {
        Small => small,
        Large => large,
        Handle => handle,
    } unknown UnknownOrdinal
);

#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct EnvelopeInliningTestUnionStruct {
    pub u: EnvelopeInliningTestUnion,
}
decl!(
    EnvelopeInliningTestUnionStruct,
    "type EnvelopeInliningTestUnionStruct = resource struct { u EnvelopeInliningTestUnion; };"
);
lit_struct!(EnvelopeInliningTestUnionStruct / EnvelopeInliningTestUnionStructView { u });

// union_flexible_out_of_line
#[derive(Debug, Fidl)]
#[fidl(union, flexible)]
pub enum UnionWithStringWithLimit {
    #[fidl(ordinal = 1, max_len = 2)]
    S(String),
    #[fidl(unknown)]
    UnknownOrdinal(u64),
}
decl!(
    UnionWithStringWithLimit,
    "type UnionWithStringWithLimit = flexible union { 1: s string:2; };"
);
lit_union!(UnionWithStringWithLimit / UnionWithStringWithLimitView { S => s } unknown UnknownOrdinal);

#[derive(Debug, Fidl)]
pub struct StringWithLimitInUnion {
    pub u: UnionWithStringWithLimit,
}
decl!(
    StringWithLimitInUnion,
    "type StringWithLimitInUnion = struct { u UnionWithStringWithLimit; };"
);
lit_struct!(StringWithLimitInUnion / StringWithLimitInUnionView { u });

// union_optional_absent
#[derive(Debug, Fidl)]
#[fidl(union, strict)]
pub enum GoldenUnion {
    #[fidl(ordinal = 1)]
    V(i16),
}
decl!(
    GoldenUnion,
    "type GoldenUnion = strict union { 1: v int16; };"
);
lit_union!(GoldenUnion / GoldenUnionView { V => v });

#[derive(Debug, Fidl)]
pub struct GoldenNullableUnionStruct {
    pub v: Option<Box<GoldenUnion>>,
}
decl!(
    GoldenNullableUnionStruct,
    "type GoldenNullableUnionStruct = struct { v GoldenUnion:optional; };"
);
lit_struct!(GoldenNullableUnionStruct / GoldenNullableUnionStructView { v });

// enum_strict_int32
#[derive(Debug, Clone, Copy, PartialEq, Eq, Fidl)]
#[fidl(enum, strict, repr = i32)]
pub enum StrictEnumInt32 {
    #[fidl(value = 0x01020304)]
    First,
    #[fidl(value = 0x11121314)]
    Second,
}
decl!(
    StrictEnumInt32,
    "type StrictEnumInt32 = strict enum : int32 { FIRST = 0x01020304; SECOND = 0x11121314; };"
);
lit_enum!(StrictEnumInt32);

#[derive(Debug, Fidl)]
pub struct StrictEnumInt32Struct {
    pub e: StrictEnumInt32,
}
decl!(
    StrictEnumInt32Struct,
    "type StrictEnumInt32Struct = struct { e StrictEnumInt32; };"
);
lit_struct!(StrictEnumInt32Struct / StrictEnumInt32StructView { e });

// enum_flexible_unknown_value
#[derive(Debug, Clone, Copy, PartialEq, Eq, Fidl)]
#[fidl(enum, flexible, repr = u8)]
pub enum FlexibleEnumUint8 {
    #[fidl(value = 1)]
    First,
    #[fidl(value = 2)]
    Second,
    #[fidl(unknown)]
    UnknownValue(u8),
}
decl!(
    FlexibleEnumUint8,
    "type FlexibleEnumUint8 = flexible enum : uint8 { FIRST = 1; SECOND = 2; };"
);
lit_enum!(FlexibleEnumUint8);

#[derive(Debug, Fidl)]
pub struct FlexibleEnumUint8Struct {
    pub e: FlexibleEnumUint8,
}
decl!(
    FlexibleEnumUint8Struct,
    "type FlexibleEnumUint8Struct = struct { e FlexibleEnumUint8; };"
);
lit_struct!(FlexibleEnumUint8Struct / FlexibleEnumUint8StructView { e });

// bits_strict_uint16
#[derive(Debug, Clone, Copy, PartialEq, Eq, Fidl)]
#[fidl(bits, strict, repr = u16, mask = 0x0101)]
pub struct Flags(pub u16);
impl Flags {
    pub const A: Self = Self(0x0001);
    pub const B: Self = Self(0x0100);
}
decl!(
    Flags,
    "type Flags = strict bits : uint16 { A = 0x0001; B = 0x0100; };"
);
impl ToLit for Flags {
    fn lit(&self, _: &Hs<'_>) -> Lit {
        Lit::Int(i128::from(self.0))
    }
}

#[derive(Debug, Fidl)]
pub struct FlagsStruct {
    pub f: Flags,
}
decl!(FlagsStruct, "type FlagsStruct = struct { f Flags; };");
lit_struct!(FlagsStruct / FlagsStructView { f });

// transactional_header_and_body
#[derive(Debug, Fidl)]
pub struct TransactionHeader {
    pub txid: u32,
    pub at_rest_flags: [u8; 2],
    pub dynamic_flags: u8,
    pub magic_number: u8,
    pub ordinal: u64,
}
decl!(
    TransactionHeader,
    "type TransactionHeader = struct { txid uint32; at_rest_flags array<uint8, 2>; dynamic_flags uint8; magic_number uint8; ordinal uint64; };"
);
lit_struct!(
    TransactionHeader
        / TransactionHeaderView {
            txid,
            at_rest_flags,
            dynamic_flags,
            magic_number,
            ordinal
        }
);

#[derive(Debug, Fidl)]
pub struct Body {
    pub a: u32,
    pub s: String,
}
decl!(Body, "type Body = struct { a uint32; s string; };");
lit_struct!(Body / BodyView { a, s });

#[derive(Debug, Fidl)]
pub struct Message {
    pub header: TransactionHeader,
    pub body: Body,
}
decl!(
    Message,
    "type Message = struct { header TransactionHeader; body Body; };"
);
lit_struct!(Message / MessageView { header, body });

// persisted_header_and_body
#[derive(Debug, Fidl)]
pub struct PersistedHeader {
    pub disambiguator: u8,
    pub magic_number: u8,
    pub at_rest_flags: [u8; 2],
    pub reserved: [u8; 4],
}
decl!(
    PersistedHeader,
    "type PersistedHeader = struct { disambiguator uint8; magic_number uint8; at_rest_flags array<uint8, 2>; reserved array<uint8, 4>; };"
);
lit_struct!(
    PersistedHeader
        / PersistedHeaderView {
            disambiguator,
            magic_number,
            at_rest_flags,
            reserved
        }
);

#[derive(Debug, Fidl)]
pub struct Point {
    pub x: i32,
    pub y: i32,
}
decl!(Point, "type Point = struct { x int32; y int32; };");
lit_struct!(Point / PointView { x, y });

#[derive(Debug, Fidl)]
pub struct Persisted {
    pub header: PersistedHeader,
    pub body: Point,
}
decl!(
    Persisted,
    "type Persisted = struct { header PersistedHeader; body Point; };"
);
lit_struct!(Persisted / PersistedView { header, body });

// padding_nonzero
#[derive(Debug, Fidl)]
pub struct PaddingBetweenFieldsInt8Int32 {
    pub a: i8,
    pub b: i32,
}
decl!(
    PaddingBetweenFieldsInt8Int32,
    "type PaddingBetweenFieldsInt8Int32 = struct { a int8; b int32; };"
);

// presence_marker_invalid
#[derive(Debug, Fidl)]
pub struct OptionalEmptyStructWrapper {
    pub s: Option<Box<EmptyStruct>>,
}
decl!(
    OptionalEmptyStructWrapper,
    "type OptionalEmptyStructWrapper = struct { s box<EmptyStruct>; };"
);

#[derive(Debug, Fidl)]
pub struct OptionalEmptyStructWrapperPlain {
    pub s: Option<EmptyStruct>,
}
decl!(OptionalEmptyStructWrapperPlain = OptionalEmptyStructWrapper);

// string_too_long
#[derive(Debug, Fidl)]
pub struct Length2StringWrapper {
    #[fidl(max_len = 2)]
    pub length_2_string: String,
}
decl!(
    Length2StringWrapper,
    "type Length2StringWrapper = struct { length_2_string string:2; };"
);

// vector_null_body_with_count
#[derive(Debug, Fidl)]
pub struct VectorWrapper {
    pub v: Vec<u8>,
}
decl!(
    VectorWrapper,
    "type VectorWrapper = struct { v vector<uint8>; };"
);

// strict_enum_unknown_value
#[derive(Debug, Clone, Copy, PartialEq, Eq, Fidl)]
#[fidl(enum, strict, repr = i16)]
pub enum StrictEnumInt16 {
    #[fidl(value = 0x0102)]
    First,
    #[fidl(value = 0x1112)]
    Second,
}
decl!(
    StrictEnumInt16,
    "type StrictEnumInt16 = strict enum : int16 { FIRST = 0x0102; SECOND = 0x1112; };"
);

#[derive(Debug, Fidl)]
pub struct StrictEnumInt16Struct {
    pub e: StrictEnumInt16,
}
decl!(
    StrictEnumInt16Struct,
    "type StrictEnumInt16Struct = struct { e StrictEnumInt16; };"
);

// too_many_handles
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct NonnullableHandle {
    pub h: MemHandle,
}
decl!(
    NonnullableHandle,
    "type NonnullableHandle = resource struct { h handle; };"
);

// =======================================================================================
// Checks

/// The handles of an example, `#0` first, for the function that builds its value.
type Handles = std::vec::IntoIter<MemHandle>;

/// The next handle of the table.
fn next(h: &mut Handles) -> MemHandle {
    h.next()
        .expect("the value takes more handles than the example's `handles:` count")
}

/// One way of checking an example (an example may have several: one per Rust mapping).
struct Check {
    /// What is checked, for messages: the Rust type.
    form: String,
    run: Box<dyn Fn(&Example)>,
}

/// A success example of type `T`: the declarations before `T`'s on the `fidl:` line, and
/// the value, built from the example's handles in table order.
fn ok<T>(deps: &'static [&'static str], make: fn(&mut Handles) -> T) -> Check
where
    T: Decl + ToLit + Encode<MemHandle> + Decode<MemHandle> + 'static,
    for<'de> <T as Layout>::View<'de>: ToLit,
{
    Check {
        form: std::any::type_name::<T>().to_string(),
        run: Box::new(move |ex| success::<T>(ex, deps, make)),
    }
}

/// A failure example decoded as `T`.
fn fails<T>(deps: &'static [&'static str], expect: Expect) -> Check
where
    T: Decl + Decode<MemHandle> + 'static,
{
    Check {
        form: std::any::type_name::<T>().to_string(),
        run: Box::new(move |ex| failure::<T>(ex, deps, &expect)),
    }
}

/// A check of its own.
fn custom(form: &str, run: fn(&Example)) -> Check {
    Check {
        form: form.to_string(),
        run: Box::new(run),
    }
}

/// What a failure reports besides its code (spec/wire-format.md, section 24).
enum Expect {
    /// The offset of the error.
    At(usize),
    /// Exactly this error.
    Exactly(Error),
}

/// The offset an error carries, if it carries one.
fn error_offset(e: &Error) -> Option<usize> {
    use Error as E;
    match e {
        E::TooFewBytes { offset, .. }
        | E::TooManyBytesInMessage { offset, .. }
        | E::TooFewHandles { offset, .. }
        | E::InvalidPaddingByte { offset }
        | E::InvalidPresenceIndicator { offset, .. }
        | E::InvalidHandlePresenceIndicator { offset, .. }
        | E::InvalidBoolean { offset, .. }
        | E::InvalidEmptyStruct { offset, .. }
        | E::NonNullableTypeWithNullValue { offset }
        | E::NonEmptyStringWithNullBody { offset, .. }
        | E::NonEmptyVectorWithNullBody { offset, .. }
        | E::StringTooLong { offset, .. }
        | E::StringCountExceeds32BitLimit { offset, .. }
        | E::StringNotUtf8 { offset }
        | E::VectorCountExceeds32BitLimit { offset, .. }
        | E::CountExceedsLimit { offset, .. }
        | E::TableCountExceeds32BitLimit { offset, .. }
        | E::StrictEnumUnknownValue { offset, .. }
        | E::StrictBitsUnknownBit { offset, .. }
        | E::StrictUnionUnknownField { offset, .. }
        | E::UnionFieldNotSet { offset }
        | E::InvalidInlineBitInEnvelope { offset }
        | E::InvalidInlineMarkerInEnvelope { offset, .. }
        | E::InvalidNumBytesInEnvelope { offset, .. }
        | E::InvalidNumHandlesInEnvelope { offset, .. }
        | E::EnvelopeBytesExceedMessageLength { offset, .. }
        | E::EnvelopeHandlesExceedMessageLength { offset, .. }
        | E::ExceededMaxOutOfLineDepth { offset, .. }
        | E::IncorrectHandleType { offset, .. }
        | E::MissingRequiredHandleRights { offset, .. }
        | E::RightsReductionFailed { offset, .. }
        | E::NonResourceUnknownHandles { offset, .. } => Some(*offset),
        _ => None,
    }
}

/// The `fidl:` line must be exactly the declarations the Rust types were written for,
/// the example's own type last.
fn check_decls<T: Decl>(ex: &Example, deps: &[&str]) {
    let mut want: Vec<&str> = deps.to_vec();
    want.push(T::FIDL);
    let want = want.join(" ");
    assert_eq!(
        ex.fidl, want,
        "{}: the `fidl:` line (left) is not what the Rust types were written for (right)",
        ex.name
    );
}

fn hex_rows(bytes: &[u8], other: &[u8]) -> String {
    let mut out = String::new();
    for (i, row) in bytes.chunks(8).enumerate() {
        let hex: Vec<String> = row.iter().map(|b| format!("{b:02x}")).collect();
        let differs = other.get(i * 8..i * 8 + row.len()) != Some(row);
        out += &format!(
            "    @{:<4} {}{}\n",
            i * 8,
            hex.join(" "),
            if differs { "   <-- differs" } else { "" }
        );
    }
    out
}

fn assert_bytes(ex: &Example, what: &str, actual: &[u8], expected: &[u8]) {
    assert!(
        actual == expected,
        "{}: {what}: the bytes differ from the example's.\n  got ({} bytes):\n{}  expected ({} bytes):\n{}",
        ex.name,
        actual.len(),
        hex_rows(actual, expected),
        expected.len(),
        hex_rows(expected, actual)
    );
}

fn assert_lit(ex: &Example, what: &str, actual: &Lit, expected: &Lit) {
    assert!(
        actual == expected,
        "{}: {what} differs from the example's value.\n  got:      {actual}\n  expected: {expected}",
        ex.name
    );
}

fn raws(handles: &[MemHandle]) -> Vec<u32> {
    handles.iter().map(MemHandle::raw).collect()
}

fn events(space: &MemSpace, n: usize) -> Vec<MemHandle> {
    (0..n).map(|_| space.event()).collect()
}

/// Every handle of the space is closed, and each of `raws` exactly once.
fn assert_closed_once(ex: &Example, space: &MemSpace, raws: &[u32]) {
    assert_eq!(space.open_count(), 0, "{}: handles left open", ex.name);
    for &raw in raws {
        assert_eq!(
            space.close_count(raw),
            1,
            "{}: handle {raw} closed {} times",
            ex.name,
            space.close_count(raw)
        );
    }
}

/// Encodes `value` and compares the bytes and the handle table with the example's.
fn encode_exact<T: Encode<MemHandle>>(ex: &Example, what: &str, value: T, table: &[u32]) {
    let mut buf = MessageBuf::<MemHandle>::new();
    if let Err(e) = buf.encode(value) {
        panic!("{}: {what}: encoding failed: {e} [{}]", ex.name, e.code());
    }
    assert_bytes(ex, what, buf.bytes(), &ex.bytes);
    assert_eq!(
        raws(buf.handles()),
        table,
        "{}: {what}: the handle table is not the example's handles in order",
        ex.name
    );
    for d in buf.dispositions() {
        assert_eq!(
            (d.object_type, d.rights),
            (
                HandleConstraint::ANY.object_type,
                HandleConstraint::ANY.rights
            ),
            "{}: {what}: a `handle` slot sends its handle as any type with the same rights",
            ex.name
        );
    }
}

fn success<T>(ex: &Example, deps: &[&str], make: fn(&mut Handles) -> T)
where
    T: Decl + ToLit + Encode<MemHandle> + Decode<MemHandle>,
    for<'de> <T as Layout>::View<'de>: ToLit,
{
    assert!(
        !ex.failure,
        "{}: a success check on a failure example",
        ex.name
    );
    check_decls::<T>(ex, deps);
    let expected = LitParser::parse(ex.value.as_deref().expect("success examples have a value"));
    let space = MemSpace::new();

    // The value, built by hand, is the example's; it encodes to exactly its bytes.
    let originals = events(&space, ex.handles);
    let original_raws = raws(&originals);
    let mut handles = originals.into_iter();
    let value = make(&mut handles);
    assert!(
        handles.next().is_none(),
        "{}: the value takes fewer handles than `handles: {}`",
        ex.name,
        ex.handles
    );
    let natural = Hs {
        table: &original_raws,
        view: None,
    };
    assert_lit(
        ex,
        "the Rust value written for it",
        &value.lit(&natural),
        &expected,
    );
    encode_exact(ex, "encoding the value", value, &original_raws);

    // The example's bytes, with fresh handles, decode to the value: view and natural.
    let fresh = events(&space, ex.handles);
    let fresh_raws = raws(&fresh);
    let decoded = match Decoded::<T, MemHandle>::decode(BytesMut::from(&ex.bytes[..]), fresh) {
        Ok(d) => d,
        Err(e) => panic!(
            "{}: decoding the example's bytes failed: {e} [{}] ({e:?})",
            ex.name,
            e.code()
        ),
    };
    assert_eq!(
        decoded.handle_count(),
        ex.handles,
        "{}: handle count",
        ex.name
    );
    {
        let lookup = |r: HandleRef| decoded.handle(r).map(MemHandle::raw);
        let hs = Hs {
            table: &fresh_raws,
            view: Some(&lookup),
        };
        assert_lit(ex, "the decoded view", &decoded.view().lit(&hs), &expected);
    }
    let natural = decoded.into_natural();
    let hs = Hs {
        table: &fresh_raws,
        view: None,
    };
    assert_lit(
        ex,
        "the decoded natural value",
        &natural.lit(&hs),
        &expected,
    );

    // Re-encoding the decoded value gives the same bytes and the same handles.
    encode_exact(ex, "re-encoding the decoded value", natural, &fresh_raws);
    let all: Vec<u32> = original_raws.iter().chain(&fresh_raws).copied().collect();
    assert_closed_once(ex, &space, &all);
}

fn failure<T>(ex: &Example, deps: &[&str], expect: &Expect)
where
    T: Decl + Decode<MemHandle>,
{
    assert!(
        ex.failure,
        "{}: a failure check on a success example",
        ex.name
    );
    check_decls::<T>(ex, deps);
    let code = ex.error.as_deref().expect("failures have an error code");
    let space = MemSpace::new();
    let handles = events(&space, ex.handles);
    let table = raws(&handles);
    match Decoded::<T, MemHandle>::decode(BytesMut::from(&ex.bytes[..]), handles) {
        Ok(d) => panic!("{}: decoded ({d:?}), but must fail with {code}", ex.name),
        Err(e) => {
            assert_eq!(
                e.code().as_str(),
                code,
                "{}: wrong error: {e} ({e:?})",
                ex.name
            );
            match expect {
                Expect::At(offset) => assert_eq!(
                    error_offset(&e),
                    Some(*offset),
                    "{}: the error's offset (wire-format.md section 24): {e:?}",
                    ex.name
                ),
                Expect::Exactly(want) => assert_eq!(&e, want, "{}: the error", ex.name),
            }
        }
    }
    assert_closed_once(ex, &space, &table);
}

fn int(l: &Lit) -> i128 {
    match l {
        Lit::Int(v) => *v,
        other => panic!("{other} is not an integer"),
    }
}

fn bytes_lit(bytes: &[u8]) -> Lit {
    Lit::List(bytes.iter().map(|&b| Lit::Int(i128::from(b))).collect())
}

/// `transactional_header_and_body` through the codec's transactional API: the header the
/// wire crate writes is the example's header, `encode_transactional` gives the example's
/// bytes, and `decode_transactional` gives back the header and the body.
fn transactional(ex: &Example) {
    let value = LitParser::parse(ex.value.as_deref().expect("a value"));
    let (header, body) = (value.field("header"), value.field("body"));
    let wire = WireTransactionHeader::new(
        u32::try_from(int(header.field("txid"))).expect("a txid"),
        u64::try_from(int(header.field("ordinal"))).expect("an ordinal"),
        u8::try_from(int(header.field("dynamic_flags"))).expect("dynamic flags"),
    );
    let wire_lit = |h: &WireTransactionHeader| {
        Lit::obj(
            "TransactionHeader",
            vec![
                ("txid", Lit::Int(i128::from(h.txid.get()))),
                ("at_rest_flags", bytes_lit(&h.at_rest_flags)),
                ("dynamic_flags", Lit::Int(i128::from(h.dynamic_flags))),
                ("magic_number", Lit::Int(i128::from(h.magic_number))),
                ("ordinal", Lit::Int(i128::from(h.ordinal.get()))),
            ],
        )
    };
    assert_lit(
        ex,
        "the header TransactionHeader::new writes",
        &wire_lit(&wire),
        header,
    );
    assert!(
        wire.is_flexible(),
        "{}: dynamic flags 0x80 mean flexible",
        ex.name
    );

    let no_handles = Hs {
        table: &[],
        view: None,
    };
    let make_body = || Body {
        a: 7,
        s: "hi".into(),
    };
    assert_lit(ex, "the Rust body", &make_body().lit(&no_handles), body);
    let mut buf = MessageBuf::<MemHandle>::new();
    if let Err(e) = buf.encode_transactional(wire, make_body()) {
        panic!("{}: encode_transactional failed: {e}", ex.name);
    }
    assert_bytes(ex, "encode_transactional", buf.bytes(), &ex.bytes);

    let (got, decoded) = match Decoded::<Body, MemHandle>::decode_transactional(
        BytesMut::from(&ex.bytes[..]),
        Vec::new(),
        &DecodeOptions::default(),
    ) {
        Ok(d) => d,
        Err(e) => panic!("{}: decode_transactional failed: {e} ({e:?})", ex.name),
    };
    assert_lit(ex, "the decoded header", &wire_lit(&got), header);
    assert_lit(
        ex,
        "the decoded body view",
        &decoded.view().lit(&no_handles),
        body,
    );
    assert_lit(
        ex,
        "the decoded body",
        &decoded.into_natural().lit(&no_handles),
        body,
    );
}

/// `persisted_header_and_body` through the codec's persisted API: the header is the one
/// the wire crate writes, and `decode_persisted` gives back the body.
fn persisted(ex: &Example) {
    let value = LitParser::parse(ex.value.as_deref().expect("a value"));
    let (header, body) = (value.field("header"), value.field("body"));
    let wire = WirePersistedHeader::new();
    let wire_lit = Lit::obj(
        "PersistedHeader",
        vec![
            ("disambiguator", Lit::Int(i128::from(wire.disambiguator))),
            ("magic_number", Lit::Int(i128::from(wire.magic_number))),
            ("at_rest_flags", bytes_lit(&wire.at_rest_flags)),
            ("reserved", bytes_lit(&wire.reserved)),
        ],
    );
    assert_lit(
        ex,
        "the header PersistedHeader::new writes",
        &wire_lit,
        header,
    );

    let decoded = match Decoded::<Point, MemHandle>::decode_persisted(
        BytesMut::from(&ex.bytes[..]),
        Vec::new(),
        &DecodeOptions::default(),
    ) {
        Ok(d) => d,
        Err(e) => panic!("{}: decode_persisted failed: {e} ({e:?})", ex.name),
    };
    let no_handles = Hs {
        table: &[],
        view: None,
    };
    assert_lit(
        ex,
        "the decoded body view",
        &decoded.view().lit(&no_handles),
        body,
    );
    assert_lit(
        ex,
        "the decoded body",
        &decoded.into_natural().lit(&no_handles),
        body,
    );
}

// =======================================================================================
// The registry: every example of the file, by name, and its checks

/// The declaration of type `T`, for the `deps` of a check.
macro_rules! d {
    ($($ty:ident),*) => {
        &[$(<$ty as Decl>::FIDL),*]
    };
}

fn registry() -> Vec<(&'static str, Vec<Check>)> {
    use Expect::{At, Exactly};
    vec![
        (
            "struct_u8_u32_padding",
            vec![ok(d!(), |_| S { a: 1, b: 2 })],
        ),
        (
            "unsigned_all_widths",
            vec![ok(d!(), |_| Uint8Uint16Uint32Uint64 {
                f1: 0x01,
                f2: 0x0203,
                f3: 0x04050607,
                f4: 0x08090a0b0c0d0e0f,
            })],
        ),
        (
            "signed_all_widths",
            vec![ok(d!(), |_| Signed {
                a: -1,
                b: -2,
                c: -3,
                d: -4,
            })],
        ),
        ("floats", vec![ok(d!(), |_| Floats { a: 1.0, b: -2.5 })]),
        ("bool_true", vec![ok(d!(), |_| MyBool { value: true })]),
        ("empty_struct", vec![ok(d!(), |_| EmptyStruct {})]),
        (
            "struct_nested_no_repacking",
            vec![ok(d!(Inner), |_| Outer {
                i: Inner { a: 1, b: 2 },
                c: 3,
            })],
        ),
        (
            "array_uint16",
            vec![ok(d!(), |_| ArrayStruct {
                a: [1, 2, 0x0304],
                b: 9,
            })],
        ),
        (
            "string_ascii",
            vec![ok(d!(), |_| GoldenStringStruct { v: "abcd".into() })],
        ),
        (
            "string_utf8_multibyte",
            vec![ok(d!(), |_| StringWrapper {
                str: "a\u{e9}\u{20ac}\u{1f30e}".into(),
            })],
        ),
        (
            "string_optional_absent",
            vec![ok(d!(), |_| GoldenNullableStringStruct { v: None })],
        ),
        (
            "vector_uint32",
            vec![ok(d!(), |_| VectorOfUint32 { v: vec![1, 2, 3] })],
        ),
        (
            "vector_of_strings_depth_first",
            vec![ok(d!(), |_| VectorThenString {
                v: vec!["ab".into(), "cde".into()],
                s: "f".into(),
            })],
        ),
        (
            "box_present",
            vec![
                ok(d!(GoldenBoolStruct), |_| GoldenNullableStruct {
                    v: Some(Box::new(GoldenBoolStruct { v: true })),
                }),
                ok(d!(GoldenBoolStruct), |_| GoldenNullableStructPlain {
                    v: Some(GoldenBoolStruct { v: true }),
                }),
            ],
        ),
        (
            "box_absent",
            vec![
                ok(d!(GoldenBoolStruct), |_| GoldenNullableStruct { v: None }),
                ok(d!(GoldenBoolStruct), |_| GoldenNullableStructPlain {
                    v: None,
                }),
            ],
        ),
        (
            "box_nested",
            vec![ok(d!(), |_| Rec0 {
                inner: Some(Box::new(Rec1 {
                    inner: Some(Box::new(Rec2 { inner: None })),
                })),
            })],
        ),
        (
            "handle_present",
            vec![ok(d!(), |h| SingleHandle { h: next(h) })],
        ),
        (
            "handle_optional_absent",
            vec![ok(d!(), |_| SingleOptionalHandle { h: None })],
        ),
        (
            "handles_depth_first_order",
            vec![
                ok(d!(SingleHandle), |h| BoxThenHandle {
                    a: Some(Box::new(SingleHandle { h: next(h) })),
                    b: next(h),
                }),
                ok(d!(SingleHandle), |h| BoxThenHandlePlain {
                    a: Some(SingleHandle { h: next(h) }),
                    b: next(h),
                }),
            ],
        ),
        (
            "table_gap_out_of_line",
            vec![ok(d!(SimpleTable), |_| StructOfSimpleTable {
                table: SimpleTable {
                    x: Some(42),
                    y: Some(67),
                },
            })],
        ),
        (
            "table_inline_member",
            vec![ok(d!(TableFieldInlined), |_| TableFieldInlinedStruct {
                t: TableFieldInlined { f: Some(123) },
            })],
        ),
        (
            "table_inline_handle",
            vec![ok(d!(TableWithHandle), |h| TableWithHandleStruct {
                t: TableWithHandle { h: Some(next(h)) },
            })],
        ),
        (
            "table_empty",
            vec![ok(d!(EmptyTable), |_| StructOfEmptyTable {
                table: EmptyTable {},
            })],
        ),
        (
            "union_strict_inline",
            vec![ok(d!(SingleVariantUnion), |_| SingleVariantUnionStruct {
                u: SingleVariantUnion::X(42),
            })],
        ),
        (
            "union_strict_out_of_line",
            vec![ok(d!(ReverseOrdinalUnion), |_| ReverseOrdinalUnionStruct {
                u: ReverseOrdinalUnion::X(42),
            })],
        ),
        (
            "union_flexible_inline",
            vec![ok(d!(EnvelopeInliningTestUnion), |_| {
                EnvelopeInliningTestUnionStruct {
                    u: EnvelopeInliningTestUnion::Small(100),
                }
            })],
        ),
        (
            "union_flexible_out_of_line",
            vec![ok(d!(UnionWithStringWithLimit), |_| {
                StringWithLimitInUnion {
                    u: UnionWithStringWithLimit::S("Hi".into()),
                }
            })],
        ),
        (
            "union_optional_absent",
            vec![ok(d!(GoldenUnion), |_| GoldenNullableUnionStruct {
                v: None,
            })],
        ),
        (
            "enum_strict_int32",
            vec![ok(d!(StrictEnumInt32), |_| StrictEnumInt32Struct {
                e: StrictEnumInt32::First,
            })],
        ),
        (
            "enum_flexible_unknown_value",
            vec![ok(d!(FlexibleEnumUint8), |_| FlexibleEnumUint8Struct {
                e: FlexibleEnumUint8::UnknownValue(0xff),
            })],
        ),
        (
            "bits_strict_uint16",
            vec![ok(d!(Flags), |_| FlagsStruct {
                f: Flags(Flags::A.0 | Flags::B.0),
            })],
        ),
        (
            "transactional_header_and_body",
            vec![
                ok(d!(TransactionHeader, Body), |_| Message {
                    header: TransactionHeader {
                        txid: 1,
                        at_rest_flags: [2, 0],
                        dynamic_flags: 0x80,
                        magic_number: 1,
                        ordinal: 0x0123456789abcdef,
                    },
                    body: Body {
                        a: 7,
                        s: "hi".into(),
                    },
                }),
                custom("encode_transactional / decode_transactional", transactional),
            ],
        ),
        (
            "persisted_header_and_body",
            vec![
                ok(d!(PersistedHeader, Point), |_| Persisted {
                    header: PersistedHeader {
                        disambiguator: 0,
                        magic_number: 1,
                        at_rest_flags: [2, 0],
                        reserved: [0; 4],
                    },
                    body: Point { x: 1, y: -1 },
                }),
                custom("decode_persisted", persisted),
            ],
        ),
        // Failures.
        (
            "padding_nonzero",
            vec![fails::<PaddingBetweenFieldsInt8Int32>(d!(), At(1))],
        ),
        (
            "presence_marker_invalid",
            vec![
                fails::<OptionalEmptyStructWrapper>(d!(EmptyStruct), At(0)),
                fails::<OptionalEmptyStructWrapperPlain>(d!(EmptyStruct), At(0)),
            ],
        ),
        ("bool_invalid", vec![fails::<MyBool>(d!(), At(0))]),
        (
            "string_not_utf8",
            vec![fails::<StringWrapper>(d!(), At(16))],
        ),
        (
            "string_too_long",
            vec![fails::<Length2StringWrapper>(d!(), At(0))],
        ),
        (
            "vector_null_body_with_count",
            vec![fails::<VectorWrapper>(d!(), At(0))],
        ),
        (
            "strict_enum_unknown_value",
            vec![fails::<StrictEnumInt16Struct>(d!(StrictEnumInt16), At(0))],
        ),
        (
            "envelope_bad_flags",
            vec![fails::<TableFieldInlinedStruct>(
                d!(TableFieldInlined),
                At(16),
            )],
        ),
        (
            "envelope_inline_bit_mismatch",
            vec![fails::<TableFieldInlinedStruct>(
                d!(TableFieldInlined),
                At(16),
            )],
        ),
        (
            "strict_union_unknown_ordinal",
            vec![fails::<SingleVariantUnionStruct>(
                d!(SingleVariantUnion),
                At(0),
            )],
        ),
        ("depth_exceeded", vec![fails::<Rec0>(d!(), At(256))]),
        ("too_many_bytes", vec![fails::<EmptyStruct>(d!(), At(8))]),
        ("too_few_handles", vec![fails::<SingleHandle>(d!(), At(0))]),
        (
            "too_many_handles",
            vec![fails::<NonnullableHandle>(
                d!(),
                Exactly(Error::MaxHandlesExceeded { count: 2, max: 1 }),
            )],
        ),
        (
            "handle_presence_invalid",
            vec![fails::<SingleOptionalHandle>(d!(), At(0))],
        ),
    ]
}

// =======================================================================================
// Tests

/// Looks every example of the file up in the registry; panics on an example without
/// checks, and on a registry entry without an example.
fn examples_with_checks() -> Vec<(Example, Vec<Check>)> {
    let examples = parse_examples(EXAMPLES);
    let mut registry = registry();
    let mut names = BTreeSet::new();
    for (name, checks) in &registry {
        assert!(names.insert(*name), "registry: `{name}` is listed twice");
        assert!(!checks.is_empty(), "registry: `{name}` has no check");
    }
    let mut out = Vec::new();
    for ex in examples {
        let Some(i) = registry.iter().position(|(n, _)| *n == ex.name) else {
            panic!(
                "spec/examples.txt line {}: example `{}` has no check in tests/spec_examples.rs; \
                 add Rust types for its `fidl:` line and an entry to `registry()`",
                ex.line, ex.name
            );
        };
        let (_, checks) = registry.swap_remove(i);
        out.push((ex, checks));
    }
    let missing: Vec<&str> = registry.iter().map(|(n, _)| *n).collect();
    assert!(
        missing.is_empty(),
        "tests/spec_examples.rs checks examples that spec/examples.txt does not have \
         (examples are never renamed or removed): {missing:?}"
    );
    out
}

/// Runs every check; reports each failing one, then fails.
fn run_checks() -> usize {
    let mut failed = Vec::new();
    let mut ran = 0;
    for (ex, checks) in examples_with_checks() {
        for check in &checks {
            ran += 1;
            if catch_unwind(AssertUnwindSafe(|| (check.run)(&ex))).is_err() {
                failed.push(format!("{} ({})", ex.name, check.form));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {ran} checks failed (messages above):\n  {}",
        failed.len(),
        failed.join("\n  ")
    );
    ran
}

#[test]
fn registry_covers_exactly_the_examples() {
    let all = examples_with_checks();
    assert!(all.iter().any(|(ex, _)| ex.failure) && all.iter().any(|(ex, _)| !ex.failure));
}

#[test]
fn every_example_holds() {
    let ran = run_checks();
    assert!(ran >= parse_examples(EXAMPLES).len());
}

/// The parser reads what the format allows and refuses what it does not.
#[test]
fn parsers() {
    assert_eq!(
        byte_line("01 02 03 04 05 06 07 ff   # comment"),
        Some(vec![1, 2, 3, 4, 5, 6, 7, 0xff])
    );
    assert_eq!(
        byte_line("01 02 03 04 05 06 07 ff"),
        Some(vec![1, 2, 3, 4, 5, 6, 7, 0xff])
    );
    for bad in [
        "01 02 03 04 05 06 07",
        "01 02 03 04 05 06 07 FF",
        "01 02 03 04 05 06 07 08 09",
        "01 02 03 04 05 06 07 08#x",
        "01  02 03 04 05 06 07 08",
    ] {
        assert_eq!(byte_line(bad), None, "{bad:?}");
    }
    let lit = LitParser::parse(r#"T{b: [1, -0x2, 2.5], a: U{x: "é\"", y: #3}, c: null}"#);
    assert_eq!(
        lit.to_string(),
        r#"T{a: U{x: "é\"", y: #3}, b: [1, -2, 2.5], c: null}"#
    );
    let examples = parse_examples(EXAMPLES);
    let depth = examples
        .iter()
        .find(|e| e.name == "depth_exceeded")
        .expect("depth_exceeded");
    assert_eq!(depth.bytes.len(), 34 * 8);
    assert_eq!(
        depth.error.as_deref(),
        Some("EXCEEDED_MAX_OUT_OF_LINE_DEPTH")
    );
}
