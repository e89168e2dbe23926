//! The README's axum application: `cargo run -p franceconnect-axum --example axum_readme`
//! with the `FC_*` variables of your client (see franceconnect-tower/docs/using-the-engine.md).

use axum::Router;
use axum::response::Html;
use axum::routing::get;
use franceconnect_axum::{AuthContext, AuthRoutes, SignInDecision};
use franceconnect_axum::{Citizen, FranceConnectRouterExt, Require, User};
use franceconnect_axum::{Config, Eidas, FranceConnect};
use franceconnect_axum::{FranceConnectLayer, MemorySessionStore};

async fn home(user: Option<User>) -> Html<String> {
    let logout = AuthContext::new("/auth").logout_form("Se déconnecter");
    Html(match user {
        Some(User(user)) => format!("<p>Connecté au niveau {}.</p>{logout}", user.acr),
        None => r#"<a href="/auth/login">S'identifier avec FranceConnect</a>"#.to_owned(),
    })
}

async fn me(Citizen(identity): Citizen) -> String {
    format!("{} {}", identity.given_name, identity.family_name)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Without a subscriber, every login failure would go unseen.
    // The library's warnings and what each sign-in did, with or without
    // tracing-subscriber's `env-filter` (`fmt::init()` alone shows errors
    // only once that feature is on and RUST_LOG unset).
    tracing_subscriber::fmt().with_max_level(tracing::Level::INFO).init();
    let routes = AuthRoutes::new(FranceConnect::new(Config::from_env()?))
        // After each login, before anything is stored: accept, map to an account, or refuse.
        .on_sign_in(|user| async move {
            tracing::info!(platform = user.platform.display_name(), "signed in");
            SignInDecision::Accept
        });
    // A group of routes that all need eIDAS substantial: no extractor in the handlers.
    let vault = Router::new()
        .route("/vault", get(|| async { "coffre-fort" }))
        .route("/vault/documents", get(|| async { "documents" }))
        .route_layer(Require::level(Eidas::Eidas2));
    let app = Router::new()
        .route("/", get(home))
        .route("/me", get(me))
        .merge(vault)
        // After the routes: the layer wraps the routes added before it.
        .franceconnect_layer(FranceConnectLayer::from_routes(routes), MemorySessionStore::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    axum::serve(listener, app).await?;
    Ok(())
}
