//! `cargo run -p axum-quickstart`: see the README.

#[tokio::main]
async fn main() {
    quickstart_support::run_main(
        "axum",
        |settings| async move { axum_quickstart::start(&settings).await },
    )
    .await;
}
