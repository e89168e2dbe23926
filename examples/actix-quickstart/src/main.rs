//! `cargo run -p actix-quickstart`: see the README.

#[tokio::main]
async fn main() {
    quickstart_support::run_main(
        "actix",
        |settings| async move { actix_quickstart::start(&settings).await },
    )
    .await;
}
