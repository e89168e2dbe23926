//! The README's axum application: `cargo run -p franceconnect-axum --example axum_readme`
//! with the `FC_*` variables of your client (see the README's settings).

use axum::Router;
use axum::response::Html;
use axum::routing::get;
use franceconnect_axum::franceconnect_tower::web::AuthContext;
use franceconnect_axum::franceconnect_tower::web::tower::ExpiringMemoryStore;
use franceconnect_axum::franceconnect_tower::{Config, FranceConnect};
use franceconnect_axum::{Citizen, FranceConnectRouterExt, RequireEidas, User, level::Substantial};

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

async fn vault(RequireEidas(user, _): RequireEidas<Substantial>) -> String {
    format!("niveau {}", user.acr)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Without a subscriber, every login failure would go unseen.
    tracing_subscriber::fmt::init();
    let fc = FranceConnect::new(Config::from_env()?);
    let app = Router::new()
        .route("/", get(home))
        .route("/me", get(me))
        .route("/vault", get(vault))
        // After the routes: the layer wraps the routes added before it.
        .franceconnect(fc, ExpiringMemoryStore::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    axum::serve(listener, app).await?;
    Ok(())
}
