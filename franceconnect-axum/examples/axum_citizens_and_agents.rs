//! The application for citizens and agents (docs/citizens-and-agents.md):
//! `cargo run -p franceconnect-axum --example axum_citizens_and_agents` with
//! `FC_PLATFORMS=fc,fcplus,proconnect` and each platform's `FC_{PLATFORM}_*`
//! variables (see franceconnect-tower/docs/quickstart.md's settings).

use axum::Router;
use axum::response::Html;
use axum::routing::get;
use franceconnect_axum::{Agent, Citizen, FranceConnectRouterExt, RequireEidas, User, level::High};
use franceconnect_axum::{AuthContext, AuthRoutes};
use franceconnect_axum::{Config, FranceConnect, Platform};
use franceconnect_axum::{FranceConnectLayer, MemorySessionStore};

async fn home(user: Option<User>) -> Html<String> {
    let logout = AuthContext::new("/auth").logout_form("Se déconnecter");
    Html(match user {
        Some(User(user)) => format!("<p>Connecté avec {}.</p>{logout}", user.platform.display_name()),
        None => concat!(
            r#"<a href="/auth/fc/login?return_to=/demarches">S'identifier avec FranceConnect</a> "#,
            r#"<a href="/auth/proconnect/login?return_to=/instruction">S'identifier avec ProConnect</a>"#,
        )
        .to_owned(),
    })
}

/// Citizens only: an agent gets 403, nobody is sent to FranceConnect.
async fn procedures(Citizen(identity): Citizen) -> String {
    format!("Démarches de {} {}", identity.given_name, identity.family_name)
}

/// eIDAS high: a citizen signed in on FranceConnect goes through
/// FranceConnect+ first.
async fn sensitive(RequireEidas(user, _): RequireEidas<High>) -> String {
    format!("niveau {}", user.acr)
}

/// Agents only: a citizen gets 403, nobody is sent to ProConnect.
async fn casework(Agent(agent): Agent) -> String {
    let siret = agent.siret.map(|s| s.to_string()).unwrap_or_default();
    format!("{} {}, établissement {siret}", agent.given_name, agent.usual_name)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The library's warnings and what each sign-in did, with or without
    // tracing-subscriber's `env-filter` (`fmt::init()` alone shows errors
    // only once that feature is on and RUST_LOG unset).
    tracing_subscriber::fmt().with_max_level(tracing::Level::INFO).init();
    // One engine per platform, each with its own registration; the routes
    // of each live under /auth/{platform}.
    let engines = Config::federation_from_env()?.into_iter().map(FranceConnect::new);
    let routes = AuthRoutes::federation(engines)?;
    assert!(
        routes.engine(Platform::ProConnect).is_some(),
        "FC_PLATFORMS lists proconnect"
    );
    let app = Router::new()
        .route("/", get(home))
        .route("/demarches", get(procedures))
        .route("/demarches/sensible", get(sensitive))
        .route("/instruction", get(casework))
        .franceconnect_layer(FranceConnectLayer::from_routes(routes), MemorySessionStore::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    axum::serve(listener, app).await?;
    Ok(())
}
