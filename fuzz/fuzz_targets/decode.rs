//! Arbitrary bytes and handle tables, decoded as each representative type.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    handoff_fuzz::check::decode_target(data);
});
