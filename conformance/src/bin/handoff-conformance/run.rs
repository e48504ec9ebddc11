//! Running one case against one Rust type: encode, decode, compare, and account for
//! every handle.

use std::fmt::Write as _;
use std::marker::PhantomData;

use bytes::BytesMut;
use handoff::codec::{Decode, Encode};
use handoff::handle::mem::{MemHandle, MemSpace};
use handoff::handle::{ObjectType, Rights};
use handoff::{DecodeOptions, Decoded, MessageBuf};
use handoff_conformance::{Binding, Case, CaseKind, ErrorCode, HandleRef, Value};

use crate::glue::{self, Expect, ExpectedHandle, Gidl, HandleSource};

/// Runs cases whose top-level type is one particular Rust type.
pub trait CaseRunner: Sync {
    /// Runs `case`; `Err` says what differed from the case's expectation.
    fn run(&self, case: &Case) -> Result<(), String>;
}

/// The [`CaseRunner`] of type `T`.
pub struct TypeRunner<T>(PhantomData<fn() -> T>);

impl<T> TypeRunner<T> {
    /// The runner (a constant, so `&TypeRunner::<T>::NEW` is `'static`).
    pub const NEW: Self = TypeRunner(PhantomData);
}

impl<T> CaseRunner for TypeRunner<T>
where
    T: Gidl + Encode<MemHandle> + Decode<MemHandle>,
{
    fn run(&self, case: &Case) -> Result<(), String> {
        match case.kind {
            CaseKind::Success => {
                encode_success::<T>(case).map_err(|e| format!("encode: {e}"))?;
                decode_success::<T>(case).map_err(|e| format!("decode: {e}"))
            }
            CaseKind::EncodeSuccess => encode_success::<T>(case),
            CaseKind::DecodeSuccess => decode_success::<T>(case),
            CaseKind::EncodeFailure => encode_failure::<T>(case),
            CaseKind::DecodeFailure => decode_failure::<T>(case),
        }
    }
}

/// Whether the runner runs `case`: every case for binding `rust`, plus the decode
/// failures that expect NON_RESOURCE_UNKNOWN_HANDLES (allowlisted for the bindings that
/// reject unknown handles in value types; handoff does too, by default).
pub fn selected(case: &Case) -> bool {
    case.applies_to(Binding::Rust) || rejects_unknown_handles(case)
}

fn rejects_unknown_handles(case: &Case) -> bool {
    case.kind == CaseKind::DecodeFailure && case.err == Some(ErrorCode::NonResourceUnknownHandles)
}

/// The decode options of a case: the RFC-0137 policy (unknown handles in value types are
/// closed and dropped) that the `rust` cases expect, or the default reject policy for a
/// case that expects NON_RESOURCE_UNKNOWN_HANDLES.
pub fn decode_options(case: &Case) -> DecodeOptions {
    if rejects_unknown_handles(case) {
        DecodeOptions::default()
    } else {
        DecodeOptions::drop_unknown_handles()
    }
}

/// The handles of one case (one direction of it): created from `handle_defs` in an
/// in-memory space that records every close.
pub struct World {
    space: MemSpace,
    /// Raw value of `#i`.
    raws: Vec<u32>,
    expect: Expect,
}

impl World {
    /// Creates the handles of `case.handle_defs`; returns them, `#i` at index `i`.
    pub fn new(case: &Case) -> Result<(World, Vec<MemHandle>), String> {
        let space = MemSpace::new();
        let mut handles = Vec::with_capacity(case.handle_defs.len());
        let mut raws = Vec::new();
        let mut expect = Expect::default();
        for (i, def) in case.handle_defs.iter().enumerate() {
            if def.handle.index as usize != i {
                return Err(format!(
                    "handle_defs defines #{} in place {i}",
                    def.handle.index
                ));
            }
            let h = space.create(
                ObjectType(def.subtype.obj_type()),
                Rights(def.effective_rights()),
            );
            raws.push(h.raw());
            expect.handles.push(ExpectedHandle {
                koid: h.koid(),
                subtype: def.subtype,
            });
            handles.push(h);
        }
        Ok((
            World {
                space,
                raws,
                expect,
            },
            handles,
        ))
    }

    /// The kernel object id of `#i`.
    fn koid(&self, r: HandleRef) -> Result<u64, String> {
        self.expect
            .handles
            .get(r.index as usize)
            .map(|h| h.koid)
            .ok_or_else(|| format!("#{} is not defined in handle_defs", r.index))
    }

    /// `#N` for a handle of this world, by koid (for messages).
    fn name_of(&self, koid: u64) -> String {
        match self.expect.handles.iter().position(|h| h.koid == koid) {
            Some(i) => format!("#{i}"),
            None => format!("koid {koid}"),
        }
    }

    /// Checks that every handle was closed exactly once and none is open.
    pub fn check_closed(&self) -> Result<(), String> {
        for (i, &raw) in self.raws.iter().enumerate() {
            let closes = self.space.close_count(raw);
            if closes != 1 {
                return Err(format!("handle #{i} was closed {closes} times, not once"));
            }
        }
        match self.space.open_count() {
            0 => Ok(()),
            n => Err(format!("{n} handles are still open")),
        }
    }
}

/// Takes the handles a case lists in `handles` out of `defs`, in that order; closes the
/// others.
fn handle_table(case: &Case, defs: Vec<MemHandle>) -> Result<Vec<MemHandle>, String> {
    let mut source = HandleSource::new(defs);
    case.handles
        .iter()
        .flatten()
        .map(|r| source.take(*r).map_err(|e| format!("handles: {e}")))
        .collect()
}

fn case_value(case: &Case) -> Result<&Value, String> {
    case.value
        .as_ref()
        .ok_or_else(|| "the case has no value".to_string())
}

fn expected_bytes(case: &Case) -> Result<&[u8], String> {
    case.bytes()
        .ok_or_else(|| "the case has no bytes".to_string())
}

fn build<T: Gidl>(case: &Case, defs: Vec<MemHandle>) -> Result<T, String> {
    let mut source = HandleSource::new(defs);
    T::from_gidl(case_value(case)?, &mut source).map_err(|d| format!("building the value: {d}"))
}

fn encode_success<T: Gidl + Encode<MemHandle>>(case: &Case) -> Result<(), String> {
    let (world, defs) = World::new(case)?;
    let value = build::<T>(case, defs)?;
    let mut buf = MessageBuf::<MemHandle>::new();
    if let Err(e) = buf.encode(value) {
        return Err(format!("failed with {} ({e})", e.code().as_str()));
    }
    compare_bytes(expected_bytes(case)?, buf.bytes())?;
    let got: Vec<u64> = buf.handles().iter().map(MemHandle::koid).collect();
    // The handle order is `handles`, or the order of `handle_dispositions` when only
    // those are given.
    let order: Vec<HandleRef> = match (&case.handles, &case.handle_dispositions) {
        (Some(handles), _) => handles.clone(),
        (None, Some(dispositions)) => dispositions.iter().map(|d| d.handle).collect(),
        (None, None) => Vec::new(),
    };
    let want = order
        .iter()
        .map(|r| world.koid(*r))
        .collect::<Result<Vec<_>, _>>()?;
    if got != want {
        let names = |koids: &[u64]| {
            koids
                .iter()
                .map(|k| world.name_of(*k))
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(format!(
            "handles: expected [{}], encoded [{}]",
            names(&want),
            names(&got)
        ));
    }
    if let Some(dispositions) = &case.handle_dispositions {
        let got = buf.dispositions();
        if got.len() != dispositions.len() {
            return Err(format!(
                "handle dispositions: expected {}, encoded {}",
                dispositions.len(),
                got.len()
            ));
        }
        for (i, (want, got)) in dispositions.iter().zip(got).enumerate() {
            let koid = world.koid(want.handle)?;
            if buf.handles()[i].koid() != koid {
                return Err(format!(
                    "handle dispositions[{i}]: expected #{}, encoded {}",
                    want.handle.index,
                    world.name_of(buf.handles()[i].koid())
                ));
            }
            if got.object_type.0 != want.subtype.obj_type() || got.rights.bits() != want.rights {
                return Err(format!(
                    "handle dispositions[{i}]: expected {} with rights {:#x}, encoded {} with rights {:#x}",
                    want.subtype.name(),
                    want.rights,
                    got.object_type,
                    got.rights.bits()
                ));
            }
        }
    }
    drop(buf);
    world.check_closed()
}

fn decode_success<T: Gidl + Decode<MemHandle>>(case: &Case) -> Result<(), String> {
    let (world, defs) = World::new(case)?;
    let handles = handle_table(case, defs)?;
    let bytes = BytesMut::from(expected_bytes(case)?);
    let msg = match Decoded::<T, MemHandle>::decode_with(bytes, handles, &decode_options(case)) {
        Ok(msg) => msg,
        Err(e) => return Err(format!("failed with {} ({e})", e.code().as_str())),
    };
    let decoded = msg.into_natural();
    let want = case_value(case)?;
    decoded
        .check(want, &world.expect)
        .map_err(|d| d.to_string())?;
    // The value holds the handles it names; every other one (of unknown members) was
    // closed by the decoder.
    let held = glue::handle_count(want);
    let open = world.space.open_count();
    if open != held {
        return Err(format!(
            "{open} handles are open after decoding, the value holds {held}"
        ));
    }
    drop(decoded);
    world.check_closed()
}

fn encode_failure<T: Gidl + Encode<MemHandle>>(case: &Case) -> Result<(), String> {
    let want = case.err.ok_or("the case has no err")?;
    let (world, defs) = World::new(case)?;
    let mut source = HandleSource::new(defs);
    let value = match T::from_gidl(case_value(case)?, &mut source) {
        Ok(v) => v,
        // A null where the type has no absent form: the natural type cannot hold the
        // value, so no encoder ever sees it. That is the rule the case checks.
        Err(d) if d.is_null_for_required() && want == ErrorCode::NonNullableTypeWithNullValue => {
            drop(source);
            return world.check_closed();
        }
        Err(d) => return Err(format!("building the value: {d}")),
    };
    drop(source);
    let mut buf = MessageBuf::<MemHandle>::new();
    match buf.encode(value) {
        Ok(()) => {
            return Err(format!(
                "encoded {} bytes, expected {want}",
                buf.bytes().len()
            ));
        }
        Err(e) if e.code().as_str() == want.name() => {}
        Err(e) => {
            return Err(format!(
                "expected {want}, failed with {} ({e})",
                e.code().as_str()
            ));
        }
    }
    drop(buf);
    world.check_closed()
}

fn decode_failure<T: Decode<MemHandle>>(case: &Case) -> Result<(), String> {
    let want = case.err.ok_or("the case has no err")?;
    let (world, defs) = World::new(case)?;
    let handles = handle_table(case, defs)?;
    let bytes = BytesMut::from(expected_bytes(case)?);
    match Decoded::<T, MemHandle>::decode_with(bytes, handles, &decode_options(case)) {
        Ok(msg) => {
            drop(msg);
            return Err(format!("decoded successfully, expected {want}"));
        }
        Err(e) if e.code().as_str() == want.name() => {}
        Err(e) => {
            return Err(format!(
                "expected {want}, failed with {} ({e})",
                e.code().as_str()
            ));
        }
    }
    world.check_closed()
}

/// Compares encoded bytes with the expected ones; the error names the first difference.
pub fn compare_bytes(want: &[u8], got: &[u8]) -> Result<(), String> {
    if want == got {
        return Ok(());
    }
    let first = want
        .iter()
        .zip(got)
        .position(|(a, b)| a != b)
        .unwrap_or(want.len().min(got.len()));
    let mut msg = format!(
        "bytes differ at offset {first}: expected {} bytes, encoded {}",
        want.len(),
        got.len()
    );
    // The 8-byte word around the first difference, as on the wire.
    let word = first / 8 * 8;
    let hex = |b: &[u8]| {
        let end = (word + 8).min(b.len());
        b.get(word..end).map_or_else(String::new, |w| {
            w.iter().fold(String::new(), |mut s, x| {
                let _ = write!(s, "{x:02x}");
                s
            })
        })
    };
    let _ = write!(
        msg,
        "; word at {word}: expected [{}], encoded [{}]",
        hex(want),
        hex(got)
    );
    Err(msg)
}
