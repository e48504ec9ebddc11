//! Fuzz targets of the handoff codec, and the oracles they check.
//!
//! * `decode`: arbitrary bytes and handle tables decoded as each of the types of
//!   [`types`]; [`check::check_decode`] says what must hold.
//! * `roundtrip`: arbitrary natural values (derived `Arbitrary`) through encode and
//!   decode; [`check::check_roundtrip`].
//! * `header`: the transactional and persisted headers; [`check::check_header`].
//!
//! `fuzz/run SECONDS` builds and runs them all; `fuzz/seedgen` writes the seed corpora.
//! The oracles and types are plain modules that the regression tests in the
//! repository's `tests/fuzz_*.rs` also compile, so every crash replays there.
//!
//! ```
//! // A decode input: type 4 (Chain), no flags, no handles, one link with `next` absent.
//! let mut data = vec![4, 0, 0];
//! data.extend_from_slice(&[7, 0, 0, 0, 0, 0, 0, 0]); // val = 7, padding
//! data.extend_from_slice(&[0; 8]); // next: absent
//! handoff_fuzz::check::decode_target(&data); // panics if an invariant breaks
//! ```

pub mod check;
pub mod types;
