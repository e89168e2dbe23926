//! `cargo run -p resource-server`: an API that checks the access tokens
//! services send it; see examples/resource-server/README.md.

#[tokio::main]
async fn main() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let running = match resource_server::start(resource_server::Settings::from_env()).await {
        Ok(running) => running,
        Err(e) => {
            eprintln!("resource-server: {e}");
            std::process::exit(1);
        }
    };
    let url = format!("http://{}", running.addr);
    println!(
        "resource server ({}) listening on {url}",
        running.api.config().platform().display_name()
    );
    println!("  GET {url}/api/resource   with Authorization: Bearer <access token>");
    println!("  GET {url}/.well-known/jwks.json   its public encryption keys (FranceConnect's jwks_uri)");
    if let Some(mock) = &running.mock {
        println!("  embedded mock provider: {}", mock.issuer());
        println!("  GET {url}/demo/token   a fresh access token of a demo service, to try it:");
        println!("    TOKEN=$(curl -s {url}/demo/token | jq -r .access_token)");
        println!("    curl -i -H \"Authorization: Bearer $TOKEN\" {url}/api/resource");
    }
    if let Err(e) = running.wait().await {
        eprintln!("resource-server: {e}");
        std::process::exit(1);
    }
}
