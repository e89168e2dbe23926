//! The quickstart binary itself, started as a newcomer would (environment
//! variables, no configuration), driven through a login and a logout.

franceconnect_tests::binary_suite!(env!("CARGO_BIN_EXE_axum-quickstart"));
