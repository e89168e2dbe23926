//! `cargo run -p axum-quickstart`: see the README.
#![forbid(unsafe_code)]

#[tokio::main]
async fn main() {
    quickstart_support::run_main(
        "axum",
        |settings| async move { axum_quickstart::start(&settings).await },
    )
    .await;
}
