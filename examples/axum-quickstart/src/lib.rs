//! The axum quickstart: a small service that signs its users in with
//! FranceConnect, on the embedded mock provider or on a real one.
//!
//! Run it with `cargo run -p axum-quickstart`. The library part lets the
//! workspace's tests start it in-process.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::net::SocketAddr;

use axum::Json;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use franceconnect_axum::level::Eidas3;
use franceconnect_axum::{FranceConnectRouterExt, RequireEidas, User};
use franceconnect_mock::MockHandle;
use franceconnect_tower::{FranceConnect, Platform};
use quickstart_support::{Settings, api_me, home_page, not_signed_in_json, prepare, profile_page, step_up_page};

/// The app's routes, with FranceConnect and in-memory sessions.
pub fn app(fc: FranceConnect) -> Router {
    let platform = fc.config().platform();
    Router::new()
        .route(
            "/",
            get(move |user: Option<User>| async move { Html(home_page(user.as_ref().map(|u| &u.0), platform)) }),
        )
        .route(
            "/profil",
            get(|User(user): User| async move { Html(profile_page(&user)) }),
        )
        .route(
            "/niveau-eleve",
            get(|RequireEidas(user, _): RequireEidas<Eidas3>| async move { Html(step_up_page(&user)) }),
        )
        .route("/api/me", get(me))
        .franceconnect(fc, tower_sessions::MemoryStore::default())
}

/// `GET /api/me`: the signed-in user as JSON, or 401 JSON.
async fn me(user: Option<User>) -> Response {
    match user {
        Some(User(user)) => Json(api_me(&user)).into_response(),
        None => (StatusCode::UNAUTHORIZED, Json(not_signed_in_json())).into_response(),
    }
}

/// A running quickstart.
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its public URL.
    pub app_url: String,
    /// The platform it signs in with.
    pub platform: Platform,
    /// The embedded mock provider, when it runs one.
    pub mock: Option<MockHandle>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Waits until the server stops (it does not, unless it fails).
    pub async fn wait(self) -> std::io::Result<()> {
        self.server.await.unwrap_or_else(|e| Err(std::io::Error::other(e)))
    }
}

/// Binds `BIND`, prepares FranceConnect (starting the mock unless a provider
/// is configured) and serves the app in the background.
pub async fn start(settings: &Settings) -> Result<Running, String> {
    let listener = tokio::net::TcpListener::bind(settings.bind()?).await.map_err(|e| {
        format!(
            "cannot listen on {}: {e}",
            settings.bind().unwrap_or_else(|_| ([127, 0, 0, 1], 0).into())
        )
    })?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let prepared = prepare(settings, addr).await?;
    let platform = prepared.fc.config().platform();
    let server = tokio::spawn(async move { axum::serve(listener, app(prepared.fc)).await });
    Ok(Running {
        addr,
        app_url: prepared.app_url,
        platform,
        mock: prepared.mock,
        server,
    })
}
