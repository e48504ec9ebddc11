//! What a benchmark case is, and the helpers every dataset uses to build them.
//!
//! A [`Case`] is one (dataset, operation, library) measurement: a closure that runs the
//! operation `iters` times and returns the time those runs took, exactly like criterion's
//! `iter_custom`. The criterion bench and the `compare` binary run the same closures.
//!
//! Cases time themselves with the calling thread's CPU time ([`now`]), not the wall
//! clock: on a machine shared with other work, a preempted thread's wall time counts the
//! other processes' time slices, its CPU time does not.

use std::hint::black_box;
use std::time::Duration;

/// The calling thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`): only advances while the
/// thread runs, so preemption by other processes does not inflate a measurement.
#[cfg(unix)]
#[inline]
pub fn now() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid, writable `timespec`; `clock_gettime` only writes it. (libc's
    // call, unlike a raw vDSO lookup, also works under valgrind.)
    let r = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    assert_eq!(
        r, 0,
        "CLOCK_THREAD_CPUTIME_ID is available on every Unix we run on"
    );
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// The monotonic wall clock, where no thread CPU clock is available.
#[cfg(not(unix))]
#[inline]
pub fn now() -> Duration {
    use std::sync::OnceLock;
    use std::time::Instant;
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed()
}

/// The library whose cases are "ours".
pub const OURS: &str = "handoff";
/// The pseudo-library of the hardware baselines.
pub const BASELINE: &str = "baseline";

/// Encode the natural value into a reused buffer.
pub const ENCODE: &str = "encode";
/// Validate (or, for lazily validating formats, open) the message and get its borrowed
/// view / root. Formats without zero-copy access have no such case.
pub const DECODE: &str = "decode";
/// Decode, then one read pass over every field of the view.
pub const DECODE_READ: &str = "decode+read";
/// Decode into the owned natural types.
pub const NATURAL: &str = "natural";

/// Baseline: copy of the encoded bytes (our encoded size).
pub const MEMCPY: &str = "memcpy";
/// Baseline: one pass summing the encoded bytes as 64-bit words.
pub const READ_PASS: &str = "read pass";
/// Baseline: one UTF-8 check over all the dataset's string bytes at once.
pub const UTF8: &str = "utf8";
/// Baseline: restoring the bytes one in-place decode patched (the setup every in-place
/// decode case includes; subtracted from ours).
pub const REARM: &str = "rearm";

/// One measurement: `run(iters)` performs the operation `iters` times and returns the
/// time taken.
pub struct Case {
    /// The dataset's name.
    pub dataset: String,
    /// The operation ([`ENCODE`], [`DECODE`], ... or a baseline name).
    pub op: &'static str,
    /// The library ([`OURS`], a peer, or [`BASELINE`]).
    pub lib: &'static str,
    /// Whether the time includes a [`REARM`] of the buffer, to subtract when reporting.
    pub includes_rearm: bool,
    /// Runs the operation `iters` times and returns the elapsed time.
    pub run: Box<dyn FnMut(u64) -> Duration>,
}

impl Case {
    /// A case whose closure is timed as a whole.
    pub fn new(
        dataset: &str,
        op: &'static str,
        lib: &'static str,
        mut f: impl FnMut() + 'static,
    ) -> Self {
        Self {
            dataset: dataset.to_string(),
            op,
            lib,
            includes_rearm: false,
            run: Box::new(move |iters| {
                let start = now();
                for _ in 0..iters {
                    f();
                }
                now().saturating_sub(start)
            }),
        }
    }

    /// A case with a custom timing loop (for setup that must stay out of the timing).
    pub fn custom(
        dataset: &str,
        op: &'static str,
        lib: &'static str,
        run: impl FnMut(u64) -> Duration + 'static,
    ) -> Self {
        Self {
            dataset: dataset.to_string(),
            op,
            lib,
            includes_rearm: false,
            run: Box::new(run),
        }
    }

    /// Marks the case as including a [`REARM`].
    pub fn with_rearm(mut self) -> Self {
        self.includes_rearm = true;
        self
    }
}

/// A message buffer that an in-place decoder patches, with what it takes to make it
/// pristine again.
///
/// The decoder rewrites presence markers with offsets, so the same bytes cannot be
/// decoded twice. Instead of copying the whole message back before every decode, the
/// bytes between the first and the last byte one decode changes are restored (found by
/// diffing once; decoding is deterministic, so every decode changes the same bytes).
/// For a message of strings that span is nearly the whole message; for `mesh` it is the
/// 16-byte vector header.
pub struct Rearm {
    wire: Vec<u8>,
    work: Vec<u8>,
    span: core::ops::Range<usize>,
}

impl Rearm {
    /// Prepares `wire`, learning the patched span by running `decode` once on a copy.
    pub fn new(wire: &[u8], decode: impl FnOnce(&mut [u8])) -> Self {
        let mut work = wire.to_vec();
        decode(&mut work);
        let first = wire.iter().zip(&work).position(|(a, b)| a != b);
        let last = wire.iter().zip(&work).rposition(|(a, b)| a != b);
        let span = match (first, last) {
            (Some(f), Some(l)) => f..l + 1,
            _ => 0..0,
        };
        let mut rearm = Self {
            wire: wire.to_vec(),
            work,
            span,
        };
        rearm.restore();
        assert_eq!(
            rearm.work, rearm.wire,
            "restoring the span restores the message"
        );
        rearm
    }

    /// Restores the patched span and returns the pristine buffer.
    #[inline]
    pub fn restore(&mut self) -> &mut [u8] {
        let span = self.span.clone();
        self.work[span.clone()].copy_from_slice(&self.wire[span]);
        &mut self.work
    }

    /// The number of bytes a restore copies.
    pub fn span_len(&self) -> usize {
        self.span.len()
    }

    /// The pristine wire bytes.
    pub fn wire(&self) -> &[u8] {
        &self.wire
    }
}

/// Sums `bytes` as little-endian 64-bit words (the tail as bytes): one read pass.
#[inline]
pub fn sum_words(bytes: &[u8]) -> u64 {
    let words = bytes.chunks_exact(8);
    let tail = words.remainder();
    let mut acc = 0u64;
    for w in words {
        let mut b = [0u8; 8];
        b.copy_from_slice(w);
        acc = acc.wrapping_add(u64::from_le_bytes(b));
    }
    for &b in tail {
        acc = acc.wrapping_add(u64::from(b));
    }
    acc
}

/// The three baselines of a dataset, plus the rearm of our in-place decode.
pub fn baselines(dataset: &str, encoded: &[u8], strings: &[u8], rearm_len: usize) -> Vec<Case> {
    let mut cases = Vec::new();
    let src = encoded.to_vec();
    let mut dst = vec![0u8; src.len()];
    cases.push(Case::new(dataset, MEMCPY, BASELINE, move || {
        dst.copy_from_slice(black_box(&src));
        black_box(&mut dst);
    }));
    let src = encoded.to_vec();
    cases.push(Case::new(dataset, READ_PASS, BASELINE, move || {
        black_box(sum_words(black_box(&src)));
    }));
    let text = strings.to_vec();
    cases.push(Case::new(dataset, UTF8, BASELINE, move || {
        black_box(core::str::from_utf8(black_box(&text)).is_ok());
    }));
    let src = encoded[..rearm_len].to_vec();
    let mut dst = vec![0u8; rearm_len];
    cases.push(Case::new(dataset, REARM, BASELINE, move || {
        dst.copy_from_slice(black_box(&src));
        black_box(&mut dst);
    }));
    cases
}
