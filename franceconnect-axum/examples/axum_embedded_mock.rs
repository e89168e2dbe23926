//! Your own axum application on the embedded mock providers, with no
//! configuration: `cargo run -p franceconnect-axum --features mock --example axum_embedded_mock`,
//! then open http://localhost:3000 and sign in as a fictional citizen or agent.

use axum::Router;
use axum::routing::get;
use franceconnect_axum::mock::EmbeddedMock;
use franceconnect_axum::{FranceConnectLayer, FranceConnectRouterExt, MemorySessionStore, Platform, User};

async fn home(user: Option<User>) -> String {
    match user {
        Some(User(user)) => format!("Connecté avec {} (sub {}).", user.platform.display_name(), user.sub),
        None => "Identifiez-vous : /auth/login".to_owned(),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_max_level(tracing::Level::INFO).init();
    // The three lines: bind, start the providers for this address, mount the routes.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    let mock = EmbeddedMock::start(listener.local_addr()?, &[Platform::FranceConnect, Platform::ProConnect]).await?;
    let app = Router::new().route("/", get(home)).franceconnect_layer(
        FranceConnectLayer::from_routes(mock.routes()),
        MemorySessionStore::default(),
    );
    axum::serve(listener, app).await?;
    Ok(())
}
