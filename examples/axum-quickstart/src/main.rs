//! `cargo run -p axum-quickstart`: see the README, and its settings in
//! franceconnect-tower/docs/quickstart.md.

#[tokio::main]
async fn main() {
    quickstart_support::run_main(
        "axum",
        |settings| async move { axum_quickstart::start(&settings).await },
    )
    .await;
}
