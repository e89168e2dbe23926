//! The axum quickstart: a small service that signs its users in with
//! FranceConnect, on the embedded mock provider or on a real one.
//!
//! Run it with `cargo run -p axum-quickstart`. The library part lets the
//! workspace's tests start it in-process.

use axum::serve::ListenerExt as _;
use std::future::Future;
use std::pin::Pin;

use axum::Json;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use franceconnect_axum::level::{High, Low, Substantial};
use franceconnect_axum::{
    AccessToken, Agent, AgentWithMfa, FranceConnectRouterExt, RequireEidas, RequireRecentEidas, User,
};
use franceconnect_axum::{AuthRoutes, FranceConnectLayer, MemorySessionStore, Platform, PostgresSessionStore};
use quickstart_support::{
    RECENT_LOGIN_MINUTES, Running, Server, Settings, SharedStore, access_token_json, agent_mfa_page, agent_page,
    api_me, home_page, not_signed_in_json, postgres_sessions, prepare, profile_page, recent_login_page, redact_url,
    step_up_page, with_sign_in_hook,
};
use tower_sessions::SessionStore;
use tower_sessions_redis_store::RedisStore;
use tower_sessions_redis_store::fred::prelude::{Builder, ClientLike, Config as RedisConfig, Pool, ReconnectPolicy};

/// The app's pages, with the platforms of `routes` and sessions in `store`.
pub fn app<S: SessionStore + Clone>(routes: AuthRoutes, store: S) -> Router {
    let platforms: Vec<Platform> = routes.platforms();
    // FranceConnect+ alone asks for its own lowest level on `/action-sensible`.
    let platform = match platforms.as_slice() {
        [only] => *only,
        _ => Platform::FranceConnect,
    };
    let ctx = routes.context().clone();
    Router::new()
        .route(
            "/",
            get(move |user: Option<User>| async move {
                Html(home_page(user.as_ref().map(|u| &u.0), &ctx, &platforms))
            }),
        )
        .route(
            "/profil",
            get(|User(user): User| async move { Html(profile_page(&user)) }),
        )
        .route(
            "/espace-agent",
            get(|Agent(agent): Agent, User(user): User| async move { Html(agent_page(&user, &agent)) }),
        )
        .route(
            "/espace-agent/double-authentification",
            get(|AgentWithMfa(agent): AgentWithMfa, User(user): User| async move {
                Html(agent_mfa_page(&user, &agent))
            }),
        )
        .route(
            "/niveau-eleve",
            get(|RequireEidas(user, _): RequireEidas<High>| async move { Html(step_up_page(&user)) }),
        )
        .route(
            "/action-sensible",
            // The platform's own lowest level, authenticated recently.
            match platform {
                Platform::FranceConnectPlus => get(
                    |RequireRecentEidas(user, _): RequireRecentEidas<Substantial, RECENT_LOGIN_MINUTES>| async move {
                        Html(recent_login_page(&user))
                    },
                ),
                _ => get(
                    |RequireRecentEidas(user, _): RequireRecentEidas<Low, RECENT_LOGIN_MINUTES>| async move {
                        Html(recent_login_page(&user))
                    },
                ),
            },
        )
        .route("/api/me", get(me))
        // The access token first: the user after it is the renewed one.
        .route(
            "/api/access-token",
            get(|AccessToken(token): AccessToken, User(user): User| async move {
                Json(access_token_json(&token, &user))
            }),
        )
        .franceconnect_layer(FranceConnectLayer::from_routes(routes), store)
}

/// `GET /api/me`: the signed-in user as JSON, or 401 JSON.
async fn me(user: Option<User>) -> Response {
    match user {
        Some(User(user)) => Json(api_me(&user)).into_response(),
        None => (StatusCode::UNAUTHORIZED, Json(not_signed_in_json())).into_response(),
    }
}

/// The axum server task.
struct AxumServer(tokio::task::JoinHandle<std::io::Result<()>>);

impl Server for AxumServer {
    fn stop(&mut self) {
        self.0.abort();
    }
    fn wait(self: Box<Self>) -> Pin<Box<dyn Future<Output = std::io::Result<()>> + Send>> {
        Box::pin(async move { self.0.await.unwrap_or_else(|e| Err(std::io::Error::other(e))) })
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
    let routes = with_sign_in_hook(prepared.routes.clone());
    let platforms = routes.platforms();
    // Responses leave at once: without TCP_NODELAY, Nagle's algorithm holds
    // a small write until the peer's delayed ACK (tens of milliseconds).
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let server = match settings.shared_store()? {
        Some(SharedStore::Redis(url)) => {
            let store = redis_store(&url).await?;
            tokio::spawn(async move { axum::serve(listener, app(routes, store)).await })
        }
        Some(SharedStore::Postgres(url)) => {
            let store = PostgresSessionStore::new(postgres_sessions(&url).await?);
            tokio::spawn(async move { axum::serve(listener, app(routes, store)).await })
        }
        None => {
            let store = MemorySessionStore::default();
            tokio::spawn(async move { axum::serve(listener, app(routes, store)).await })
        }
    };
    Ok(Running::new(addr, platforms, prepared, Box::new(AxumServer(server))))
}

/// Sessions in Redis, shared by every instance: every command gives up after
/// 2 s (a request never hangs on Redis), and the pool reconnects on its own
/// when Redis comes back.
pub async fn redis_store(url: &str) -> Result<RedisStore<Pool>, String> {
    let config = RedisConfig::from_url(url).map_err(|e| format!("REDIS_URL: {e}"))?;
    let limit = std::time::Duration::from_secs(2);
    let pool = Builder::from_config(config)
        .with_performance_config(|p| p.default_command_timeout = limit)
        .with_connection_config(|c| {
            c.connection_timeout = limit;
            c.internal_command_timeout = limit;
        })
        .set_policy(ReconnectPolicy::new_constant(0, 250))
        .build_pool(2)
        .map_err(|e| format!("REDIS_URL: {e}"))?;
    tokio::time::timeout(std::time::Duration::from_secs(10), pool.init())
        .await
        .map_err(|_| format!("cannot reach Redis at {}", redact_url(url)))?
        .map_err(|e| format!("cannot reach Redis at {}: {e}", redact_url(url)))?;
    Ok(RedisStore::new(pool))
}
