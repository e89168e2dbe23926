//! `cargo run -p actix-quickstart`: see the README, and its settings in
//! franceconnect-tower/docs/quickstart.md.

#[tokio::main]
async fn main() {
    quickstart_support::run_main(
        "actix",
        |settings| async move { actix_quickstart::start(&settings).await },
    )
    .await;
}
