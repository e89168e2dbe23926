//! Fuzz target: `franceconnect_tower::__private::fuzz::login_cookie`.
#![no_main]
#![forbid(unsafe_code)]

libfuzzer_sys::fuzz_target!(|data: &[u8]| franceconnect_tower::__private::fuzz::login_cookie(data));
