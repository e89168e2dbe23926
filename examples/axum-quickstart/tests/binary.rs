//! The quickstart binary itself, started as a newcomer would (environment
//! variables, no configuration), driven through a login and a logout.

const BINARY: &str = env!("CARGO_BIN_EXE_axum-quickstart");

#[tokio::test]
async fn the_binary_runs_a_login_with_no_configuration() {
    franceconnect_tests::binary_runs_a_login_with_no_configuration(BINARY).await;
}

#[tokio::test]
async fn the_binary_runs_fc_plus_with_a_generated_key_file() {
    franceconnect_tests::binary_runs_fc_plus_with_a_generated_key_file(BINARY).await;
}

#[test]
fn a_misconfiguration_stops_the_binary_with_a_clear_message() {
    franceconnect_tests::binary_refuses_a_misconfiguration(BINARY);
}
