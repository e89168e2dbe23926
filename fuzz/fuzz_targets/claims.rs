//! Fuzz target: `franceconnect_tower::fuzzing::claims`.
#![no_main]
#![forbid(unsafe_code)]

libfuzzer_sys::fuzz_target!(|data: &[u8]| franceconnect_tower::fuzzing::claims(data));
