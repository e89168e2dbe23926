//! `cargo run -p actix-quickstart`: see the README.
#![forbid(unsafe_code)]

use quickstart_support::{Settings, init_tracing};

#[tokio::main]
async fn main() {
    init_tracing();
    let running = match actix_quickstart::start(&Settings::from_env()).await {
        Ok(running) => running,
        Err(e) => {
            eprintln!("actix-quickstart: {e}");
            std::process::exit(1);
        }
    };
    match &running.mock {
        Some(mock) => println!(
            "Embedded mock provider: {} (test identities, no real data)",
            mock.issuer()
        ),
        None => println!("Provider: configured by FC_ISSUER / FC_ENV"),
    }
    println!("FranceConnect quickstart (actix-web) ready: open {}", running.app_url);
    if let Err(e) = running.wait().await {
        eprintln!("actix-quickstart: {e}");
        std::process::exit(1);
    }
}
