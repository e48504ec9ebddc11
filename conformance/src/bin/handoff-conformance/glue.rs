//! GIDL values to natural Rust values and back: the [`Gidl`] trait, its impls for the
//! built-in types, and the helpers the generated impls (one per FIDL type) call.

use std::fmt;

use bytes::BytesMut;
use handoff::handle::Handle;
use handoff::handle::mem::MemHandle;
use handoff::{DecodeOptions, Decoded};
use handoff_conformance::{Field, HandleRef, HandleSubtype, Record, Span, Value, ValueKind};

/// Where a value differs from what was expected (or why it cannot be built): a message
/// and the path from the top-level value to the place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    /// Path segments, innermost first (`.field`, `[index]`).
    path: Vec<String>,
    msg: String,
    /// Whether the case gives `null` where the type has no absent form.
    null_for_required: bool,
}

impl Diff {
    /// A difference at the current place.
    pub fn new(msg: impl Into<String>) -> Self {
        Diff {
            path: Vec::new(),
            msg: msg.into(),
            null_for_required: false,
        }
    }

    /// Whether the difference is a `null` given for a type that cannot be absent (a
    /// handle, string, vector, struct or union that is not optional).
    pub fn is_null_for_required(&self) -> bool {
        self.null_for_required
    }

    /// The same difference, one member further down: inside member `name`.
    #[must_use]
    pub fn at(mut self, name: &str) -> Self {
        self.path.push(format!(".{name}"));
        self
    }

    /// The same difference, inside element `index` of a list.
    #[must_use]
    pub fn index(mut self, index: usize) -> Self {
        self.path.push(format!("[{index}]"));
        self
    }
}

impl fmt::Display for Diff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            f.write_str("value")?;
            for seg in self.path.iter().rev() {
                f.write_str(seg)?;
            }
            f.write_str(": ")?;
        }
        f.write_str(&self.msg)
    }
}

/// The handles of a case's `handle_defs`, by index, for building values: each is taken
/// at most once.
#[derive(Debug, Default)]
pub struct HandleSource {
    slots: Vec<Option<MemHandle>>,
}

impl HandleSource {
    /// A source holding `handles` (handle `#i` at index `i`).
    pub fn new(handles: Vec<MemHandle>) -> Self {
        HandleSource {
            slots: handles.into_iter().map(Some).collect(),
        }
    }

    /// Takes handle `#N`.
    pub fn take(&mut self, r: HandleRef) -> Result<MemHandle, Diff> {
        let index = r.index as usize;
        match self.slots.get_mut(index) {
            None => Err(Diff::new(format!("#{index} is not defined in handle_defs"))),
            Some(slot) => slot
                .take()
                .ok_or_else(|| Diff::new(format!("#{index} is used twice"))),
        }
    }
}

/// What a decoded handle `#N` must be: the object its definition created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpectedHandle {
    /// The kernel object id of the handle created for `#N`.
    pub koid: u64,
    /// Its object type.
    pub subtype: HandleSubtype,
}

/// The facts a decoded value is checked against: the handles of the case, by index.
#[derive(Debug, Default)]
pub struct Expect {
    /// `#i` at index `i`.
    pub handles: Vec<ExpectedHandle>,
}

/// A Rust type that GIDL values describe.
pub trait Gidl: Sized {
    /// Builds the natural value a GIDL value describes, taking its handles from `hs`.
    fn from_gidl(v: &Value, hs: &mut HandleSource) -> Result<Self, Diff>;

    /// Checks that this (decoded) value is the one `v` describes.
    fn check(&self, v: &Value, ex: &Expect) -> Result<(), Diff>;
}

/// A short description of a GIDL value, for messages.
pub fn describe(v: &Value) -> String {
    match &v.kind {
        ValueKind::Null => "null".into(),
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::Int(n) => n.to_string(),
        ValueKind::Float(f) => format!("{f:?}"),
        ValueKind::RawFloat(bits) => format!("raw_float({bits:#x})"),
        ValueKind::String(s) => format!("{:?}", String::from_utf8_lossy(s)),
        ValueKind::Handle(h) => format!("#{}", h.index),
        ValueKind::RestrictedHandle { handle, .. } => format!("restrict(#{}, ...)", handle.index),
        ValueKind::List(items) => format!("a list of {}", items.len()),
        ValueKind::Record(r) => format!("a {} record", r.type_name.name),
        ValueKind::Decode(d) => format!("decode({})", d.type_name.name),
    }
}

fn unexpected(what: &str, v: &Value) -> Diff {
    let mut d = Diff::new(format!("expected {what}, the case gives {}", describe(v)));
    d.null_for_required = v.kind == ValueKind::Null;
    d
}

/// The integer `v` as a `T`.
pub fn int<T: TryFrom<i128>>(v: &Value) -> Result<T, Diff> {
    match v.kind {
        ValueKind::Int(n) => T::try_from(n).map_err(|_| {
            Diff::new(format!(
                "{n} does not fit in {}",
                std::any::type_name::<T>()
            ))
        }),
        _ => Err(unexpected("an integer", v)),
    }
}

/// Checks that `got` is the integer `v`.
pub fn check_int<T: Into<i128> + Copy>(got: T, v: &Value) -> Result<(), Diff> {
    match v.kind {
        ValueKind::Int(n) if n == got.into() => Ok(()),
        ValueKind::Int(n) => Err(Diff::new(format!("expected {n}, decoded {}", got.into()))),
        _ => Err(unexpected("an integer", v)),
    }
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl Gidl for $t {
            fn from_gidl(v: &Value, _: &mut HandleSource) -> Result<Self, Diff> {
                int(v)
            }

            fn check(&self, v: &Value, _: &Expect) -> Result<(), Diff> {
                check_int(*self, v)
            }
        }
    )*};
}

integers!(u8, u16, u32, u64, i8, i16, i32, i64);

impl Gidl for bool {
    fn from_gidl(v: &Value, _: &mut HandleSource) -> Result<Self, Diff> {
        match v.kind {
            ValueKind::Bool(b) => Ok(b),
            _ => Err(unexpected("a bool", v)),
        }
    }

    fn check(&self, v: &Value, _: &Expect) -> Result<(), Diff> {
        match v.kind {
            ValueKind::Bool(b) if b == *self => Ok(()),
            ValueKind::Bool(b) => Err(Diff::new(format!("expected {b}, decoded {self}"))),
            _ => Err(unexpected("a bool", v)),
        }
    }
}

impl Gidl for f32 {
    fn from_gidl(v: &Value, _: &mut HandleSource) -> Result<Self, Diff> {
        match v.kind {
            // GIDL writes float32 values as float64 literals; they narrow.
            ValueKind::Float(f) => Ok(f as f32),
            ValueKind::Int(n) => Ok(n as f32),
            ValueKind::RawFloat(bits) => u32::try_from(bits)
                .map(f32::from_bits)
                .map_err(|_| Diff::new(format!("raw_float({bits:#x}) is wider than float32"))),
            _ => Err(unexpected("a float", v)),
        }
    }

    fn check(&self, v: &Value, _: &Expect) -> Result<(), Diff> {
        let want = f32::from_gidl(v, &mut HandleSource::default())?;
        if want.to_bits() == self.to_bits() {
            Ok(())
        } else {
            Err(Diff::new(format!(
                "expected {want:?} ({:#010x}), decoded {self:?} ({:#010x})",
                want.to_bits(),
                self.to_bits()
            )))
        }
    }
}

impl Gidl for f64 {
    fn from_gidl(v: &Value, _: &mut HandleSource) -> Result<Self, Diff> {
        match v.kind {
            ValueKind::Float(f) => Ok(f),
            ValueKind::Int(n) => Ok(n as f64),
            ValueKind::RawFloat(bits) => Ok(f64::from_bits(bits)),
            _ => Err(unexpected("a float", v)),
        }
    }

    fn check(&self, v: &Value, _: &Expect) -> Result<(), Diff> {
        let want = f64::from_gidl(v, &mut HandleSource::default())?;
        if want.to_bits() == self.to_bits() {
            Ok(())
        } else {
            Err(Diff::new(format!(
                "expected {want:?} ({:#018x}), decoded {self:?} ({:#018x})",
                want.to_bits(),
                self.to_bits()
            )))
        }
    }
}

impl Gidl for String {
    fn from_gidl(v: &Value, _: &mut HandleSource) -> Result<Self, Diff> {
        match &v.kind {
            ValueKind::String(bytes) => String::from_utf8(bytes.clone())
                .map_err(|_| Diff::new("the string is not UTF-8, which a Rust String cannot hold")),
            _ => Err(unexpected("a string", v)),
        }
    }

    fn check(&self, v: &Value, _: &Expect) -> Result<(), Diff> {
        match &v.kind {
            ValueKind::String(bytes) if bytes == self.as_bytes() => Ok(()),
            ValueKind::String(bytes) => Err(Diff::new(format!(
                "expected {:?}, decoded {self:?}",
                String::from_utf8_lossy(bytes)
            ))),
            _ => Err(unexpected("a string", v)),
        }
    }
}

fn list(v: &Value) -> Result<&[Value], Diff> {
    match &v.kind {
        ValueKind::List(items) => Ok(items),
        _ => Err(unexpected("a list", v)),
    }
}

fn check_list<T: Gidl>(got: &[T], v: &Value, ex: &Expect) -> Result<(), Diff> {
    let items = list(v)?;
    if items.len() != got.len() {
        return Err(Diff::new(format!(
            "expected {} elements, decoded {}",
            items.len(),
            got.len()
        )));
    }
    for (i, (g, want)) in got.iter().zip(items).enumerate() {
        g.check(want, ex).map_err(|e| e.index(i))?;
    }
    Ok(())
}

impl<T: Gidl> Gidl for Vec<T> {
    fn from_gidl(v: &Value, hs: &mut HandleSource) -> Result<Self, Diff> {
        list(v)?
            .iter()
            .enumerate()
            .map(|(i, item)| T::from_gidl(item, hs).map_err(|e| e.index(i)))
            .collect()
    }

    fn check(&self, v: &Value, ex: &Expect) -> Result<(), Diff> {
        check_list(self, v, ex)
    }
}

impl<T: Gidl, const N: usize> Gidl for [T; N] {
    fn from_gidl(v: &Value, hs: &mut HandleSource) -> Result<Self, Diff> {
        let items = list(v)?;
        if items.len() != N {
            return Err(Diff::new(format!(
                "the array has {N} elements, the case gives {}",
                items.len()
            )));
        }
        let built = Vec::<T>::from_gidl(v, hs)?;
        match built.try_into() {
            Ok(array) => Ok(array),
            Err(_) => Err(Diff::new("array length changed while building")),
        }
    }

    fn check(&self, v: &Value, ex: &Expect) -> Result<(), Diff> {
        check_list(self, v, ex)
    }
}

impl<T: Gidl> Gidl for Option<T> {
    fn from_gidl(v: &Value, hs: &mut HandleSource) -> Result<Self, Diff> {
        match v.kind {
            ValueKind::Null => Ok(None),
            _ => T::from_gidl(v, hs).map(Some),
        }
    }

    fn check(&self, v: &Value, ex: &Expect) -> Result<(), Diff> {
        match (self, &v.kind) {
            (None, ValueKind::Null) => Ok(()),
            (Some(_), ValueKind::Null) => Err(Diff::new("expected null, decoded a value")),
            (None, _) => Err(Diff::new(format!("expected {}, decoded null", describe(v)))),
            (Some(x), _) => x.check(v, ex),
        }
    }
}

impl<T: Gidl> Gidl for Box<T> {
    fn from_gidl(v: &Value, hs: &mut HandleSource) -> Result<Self, Diff> {
        T::from_gidl(v, hs).map(Box::new)
    }

    fn check(&self, v: &Value, ex: &Expect) -> Result<(), Diff> {
        (**self).check(v, ex)
    }
}

impl Gidl for MemHandle {
    fn from_gidl(v: &Value, hs: &mut HandleSource) -> Result<Self, Diff> {
        match v.kind {
            ValueKind::Handle(r) | ValueKind::RestrictedHandle { handle: r, .. } => hs.take(r),
            _ => Err(unexpected("a handle", v)),
        }
    }

    fn check(&self, v: &Value, ex: &Expect) -> Result<(), Diff> {
        let (r, restrict) = match v.kind {
            ValueKind::Handle(r) => (r, None),
            ValueKind::RestrictedHandle {
                handle,
                subtype,
                rights,
            } => (handle, Some((subtype, rights))),
            _ => return Err(unexpected("a handle", v)),
        };
        let Some(want) = ex.handles.get(r.index as usize) else {
            return Err(Diff::new(format!(
                "#{} is not defined in handle_defs",
                r.index
            )));
        };
        if self.koid() != want.koid {
            let other = ex.handles.iter().position(|h| h.koid == self.koid());
            return Err(Diff::new(match other {
                Some(i) => format!("expected handle #{}, decoded #{i}", r.index),
                None => format!(
                    "expected handle #{}, decoded a handle of no definition",
                    r.index
                ),
            }));
        }
        let subtype = restrict.map_or(want.subtype, |(s, _)| s);
        if self.object_type().0 != subtype.obj_type() {
            return Err(Diff::new(format!(
                "#{}: expected type {}, decoded {}",
                r.index,
                subtype.name(),
                self.object_type()
            )));
        }
        if let Some((_, rights)) = restrict {
            if self.rights().bits() != rights {
                return Err(Diff::new(format!(
                    "#{}: expected rights {rights:#x}, decoded {:#x}",
                    r.index,
                    self.rights().bits()
                )));
            }
        }
        Ok(())
    }
}

/// The number of handle references (`#N`, `restrict(#N, ...)`) in `v`, at any depth.
pub fn handle_count(v: &Value) -> usize {
    match &v.kind {
        ValueKind::Handle(_) | ValueKind::RestrictedHandle { .. } => 1,
        ValueKind::List(items) => items.iter().map(handle_count).sum(),
        ValueKind::Record(r) => r
            .fields
            .iter()
            .map(|f| match f {
                Field::Named { value, .. } => handle_count(value),
                Field::Unknown { data, .. } => data.as_ref().map_or(0, |d| d.handles.len()),
            })
            .sum(),
        ValueKind::Decode(d) => d.handles.len(),
        ValueKind::Null
        | ValueKind::Bool(_)
        | ValueKind::Int(_)
        | ValueKind::Float(_)
        | ValueKind::RawFloat(_)
        | ValueKind::String(_) => 0,
    }
}

// ---------------------------------------------------------------------------------------
// Helpers of the generated impls.

/// For `decode({type = T, bytes = ..., handles = ...})`: the value decoding gives (with
/// the RFC-0137 unknown-handles policy of the `rust` cases). `None` for other values.
pub fn from_decode<T>(v: &Value, names: &[&str], hs: &mut HandleSource) -> Option<Result<T, Diff>>
where
    T: handoff::codec::Decode<MemHandle>,
{
    let ValueKind::Decode(d) = &v.kind else {
        return None;
    };
    Some((|| {
        if !names.contains(&d.type_name.name.as_str()) {
            return Err(Diff::new(format!(
                "decode() of a {} where a {} goes",
                d.type_name.name, names[0]
            )));
        }
        let handles = d
            .handles
            .iter()
            .map(|r| hs.take(*r))
            .collect::<Result<Vec<_>, _>>()?;
        let bytes = BytesMut::from(d.bytes.bytes());
        match Decoded::<T, MemHandle>::decode_with(
            bytes,
            handles,
            &DecodeOptions::drop_unknown_handles(),
        ) {
            Ok(msg) => Ok(msg.into_natural()),
            Err(e) => Err(Diff::new(format!(
                "decode({}) failed: {} ({e})",
                d.type_name.name,
                e.code().as_str()
            ))),
        }
    })())
}

/// `v` as a record of one of the types `names` (a declaration and its aliases).
pub fn record<'v>(v: &'v Value, names: &[&str]) -> Result<&'v Record, Diff> {
    match &v.kind {
        ValueKind::Record(r) if names.contains(&r.type_name.name.as_str()) => Ok(r),
        _ => Err(unexpected(&format!("a {} record", names[0]), v)),
    }
}

fn check_named(r: &Record, known: &[&str]) -> Result<(), Diff> {
    for (i, f) in r.fields.iter().enumerate() {
        if let Field::Named { name, .. } = f {
            if !known.contains(&name.name.as_str()) {
                return Err(Diff::new(format!(
                    "{} has no member `{}`",
                    r.type_name.name, name.name
                )));
            }
            let again = r.fields[..i]
                .iter()
                .any(|g| matches!(g, Field::Named { name: n, .. } if n.name == name.name));
            if again {
                return Err(Diff::new(format!("member `{}` is set twice", name.name)));
            }
        }
    }
    Ok(())
}

/// Checks a struct literal: only declared members, each once, no unknown ones.
pub fn struct_fields(r: &Record, known: &[&str]) -> Result<(), Diff> {
    check_named(r, known)?;
    if r.fields.iter().any(|f| matches!(f, Field::Unknown { .. })) {
        return Err(Diff::new(format!(
            "struct {} has no unknown members",
            r.type_name.name
        )));
    }
    Ok(())
}

/// Checks a table literal: only declared members, each once; unknown members only as
/// dropped data (`N: null`), since the binding does not store unknown data.
pub fn table_fields(r: &Record, known: &[&str]) -> Result<(), Diff> {
    check_named(r, known)?;
    for f in &r.fields {
        if let Field::Unknown {
            ordinal,
            data: Some(_),
            ..
        } = f
        {
            return Err(Diff::new(format!(
                "unknown member {ordinal} with stored data: this binding drops unknown data"
            )));
        }
    }
    Ok(())
}

fn null() -> Value {
    Value {
        kind: ValueKind::Null,
        span: Span::default(),
    }
}

/// Struct member `name` (an omitted member is `null`).
pub fn field<T: Gidl>(r: &Record, name: &str, hs: &mut HandleSource) -> Result<T, Diff> {
    match r.field(name) {
        Some(v) => T::from_gidl(v, hs),
        None => T::from_gidl(&null(), hs),
    }
    .map_err(|e| e.at(name))
}

/// Checks struct member `name`.
pub fn check_field<T: Gidl>(got: &T, r: &Record, name: &str, ex: &Expect) -> Result<(), Diff> {
    match r.field(name) {
        Some(v) => got.check(v, ex),
        None => got.check(&null(), ex),
    }
    .map_err(|e| e.at(name))
}

/// Table member `name`: `None` when the literal does not set it.
pub fn table_field<T: Gidl>(
    r: &Record,
    name: &str,
    hs: &mut HandleSource,
) -> Result<Option<T>, Diff> {
    r.field(name)
        .map(|v| T::from_gidl(v, hs).map_err(|e| e.at(name)))
        .transpose()
}

/// Checks table member `name`: absent exactly when the literal does not set it.
pub fn check_table_field<T: Gidl>(
    got: &Option<T>,
    r: &Record,
    name: &str,
    ex: &Expect,
) -> Result<(), Diff> {
    match (got, r.field(name)) {
        (None, None) => Ok(()),
        (Some(x), Some(v)) => x.check(v, ex).map_err(|e| e.at(name)),
        (Some(_), None) => Err(Diff::new("expected no member, decoded one").at(name)),
        (None, Some(v)) => {
            Err(Diff::new(format!("expected {}, decoded no member", describe(v))).at(name))
        }
    }
}

/// The member a union literal sets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum UnionMember<'v> {
    /// A declared member, by FIDL name, with its value.
    Named(&'v str, &'v Value),
    /// An unknown member whose data the binding drops (`N: null`), by ordinal.
    Unknown(u64),
}

/// `v` as a literal of the union `names[0]` (or an alias): its one member.
pub fn union_member<'v>(v: &'v Value, names: &[&str]) -> Result<UnionMember<'v>, Diff> {
    let r = record(v, names)?;
    match r.fields.as_slice() {
        [Field::Named { name, value }] => Ok(UnionMember::Named(&name.name, value)),
        [
            Field::Unknown {
                ordinal,
                data: None,
                ..
            },
        ] => Ok(UnionMember::Unknown(*ordinal)),
        [Field::Unknown { ordinal, .. }] => Err(Diff::new(format!(
            "unknown member {ordinal} with stored data: this binding drops unknown data"
        ))),
        fields => Err(Diff::new(format!(
            "a union literal sets one member, this one sets {}",
            fields.len()
        ))),
    }
}

/// The error for a union literal whose member the union does not have.
pub fn no_member(m: &UnionMember<'_>, union: &str) -> Diff {
    match m {
        UnionMember::Named(name, _) => Diff::new(format!("union {union} has no member `{name}`")),
        UnionMember::Unknown(ordinal) => Diff::new(format!(
            "strict union {union} cannot hold unknown ordinal {ordinal}"
        )),
    }
}

/// The difference between the member a union literal sets and the one decoded (`got`).
pub fn wrong_member(m: &UnionMember<'_>, got: &str) -> Diff {
    let want = match m {
        UnionMember::Named(name, _) => format!("member `{name}`"),
        UnionMember::Unknown(ordinal) => format!("unknown ordinal {ordinal}"),
    };
    Diff::new(format!("expected {want}, decoded {got}"))
}
