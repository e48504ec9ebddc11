//! Transactional and persisted headers, and decoding whole messages behind them.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    handoff_fuzz::check::header_target(data);
});
