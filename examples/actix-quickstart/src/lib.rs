//! The actix-web quickstart: the same service as the axum quickstart, on
//! actix-web, signing its users in with FranceConnect on the embedded mock
//! provider or on a real one.
//!
//! Run it with `cargo run -p actix-quickstart`. The library part lets the
//! workspace's tests start it in-process.

use std::future::Future;
use std::pin::Pin;

use actix_session::storage::{RedisSessionStore, SessionStore};
use actix_web::cookie::Key;
use actix_web::dev::ServerHandle;
use actix_web::{App, HttpResponse, HttpServer, web};
use franceconnect_actix::level::{EidasLevel, High, Low, Substantial};
use franceconnect_actix::{
    AccessToken, Agent, AgentWithMfa, FranceConnectMiddleware, MemorySessionStore, NoResurrection,
    PostgresSessionStore, RequireEidas, RequireRecentEidas, SessionStoreGuard, StoreTimeout, User, configure,
    session_middleware,
};
use franceconnect_actix::{AuthRoutes, Platform};
use quickstart_support::{
    RECENT_LOGIN_MINUTES, Running, Server, Settings, SharedStore, access_token_json, agent_mfa_page, agent_page,
    api_me, home_page, not_signed_in_json, postgres_sessions, prepare, profile_page, recent_login_page, redact_url,
    step_up_page, with_sign_in_hook,
};
use std::time::Duration;

fn html(page: String) -> HttpResponse {
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(page)
}

async fn home(user: Option<User>, routes: web::Data<AuthRoutes>) -> HttpResponse {
    html(home_page(
        user.as_ref().map(|u| &u.0),
        routes.context(),
        &routes.platforms(),
    ))
}

async fn profile(User(user): User) -> HttpResponse {
    html(profile_page(&user))
}

// The agent first: without one, the way to ProConnect's login (`User`
// would offer every platform).
async fn agent_space(Agent(agent): Agent, User(user): User) -> HttpResponse {
    html(agent_page(&user, &agent))
}

async fn agent_mfa(AgentWithMfa(agent): AgentWithMfa, User(user): User) -> HttpResponse {
    html(agent_mfa_page(&user, &agent))
}

async fn high_level(RequireEidas(user, _): RequireEidas<High>) -> HttpResponse {
    html(step_up_page(&user))
}

/// `/action-sensible` at level `L` (the platform's lowest).
async fn recent_login<L: EidasLevel>(
    RequireRecentEidas(user, _): RequireRecentEidas<L, RECENT_LOGIN_MINUTES>,
) -> HttpResponse {
    html(recent_login_page(&user))
}

/// `GET /api/me`: the signed-in user as JSON, or 401 JSON.
async fn me(user: Option<User>) -> HttpResponse {
    match user {
        Some(User(user)) => HttpResponse::Ok().json(api_me(&user)),
        None => HttpResponse::Unauthorized().json(not_signed_in_json()),
    }
}

/// `GET /api/access-token`: the access token's fingerprint and expiry (see
/// `quickstart_support::access_token_json`). The token first: the user
/// after it is the renewed one.
async fn access_token(AccessToken(token): AccessToken, User(user): User) -> HttpResponse {
    HttpResponse::Ok().json(access_token_json(&token, &user))
}

/// The actix server, on its own system thread.
struct ActixServer {
    handle: ServerHandle,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl Server for ActixServer {
    fn stop(&mut self) {
        drop(self.handle.stop(false));
    }
    fn wait(mut self: Box<Self>) -> Pin<Box<dyn Future<Output = std::io::Result<()>> + Send>> {
        let thread = self.thread.take().expect("waited once");
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                thread
                    .join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("server thread panicked")))
            })
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)))
        })
    }
}

/// Binds `BIND`, prepares FranceConnect (starting the mock unless a provider
/// is configured) and serves the app on its own actix system thread, with
/// sessions in Redis when `REDIS_URL` is set, in PostgreSQL when
/// `DATABASE_URL` is, in memory otherwise.
pub async fn start(settings: &Settings) -> Result<Running, String> {
    let listener = std::net::TcpListener::bind(settings.bind()?).map_err(|e| format!("cannot listen: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let prepared = prepare(settings, addr).await?;
    let routes = with_sign_in_hook(prepared.routes.clone());
    let platforms = routes.platforms();
    // FranceConnect+ alone asks for its own lowest level on `/action-sensible`.
    let platform = match platforms.as_slice() {
        [only] => *only,
        _ => Platform::FranceConnect,
    };
    let shared_store = settings.shared_store()?;
    let key = match (settings.session_key()?, &shared_store) {
        (Some(bytes), _) => Key::from(&bytes),
        // Each instance would make its own key: sessions would not survive a
        // restart or a hop to another instance, which is what a shared store
        // is for.
        (None, Some(store)) => {
            return Err(format!(
                "{} needs SESSION_KEY (64+ random bytes in base64, the same on every instance)",
                store.variable()
            ));
        }
        (None, None) => Key::generate(),
    };
    let (tx, rx) = std::sync::mpsc::channel::<Result<ServerHandle, String>>();
    let thread = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = match shared_store {
                Some(SharedStore::Redis(url)) => match redis_store(&url).await {
                    Ok(store) => serve(listener, routes, store, key, platform),
                    Err(e) => Err(std::io::Error::other(e)),
                },
                Some(SharedStore::Postgres(url)) => match postgres_sessions(&url).await {
                    Ok(sessions) => serve(listener, routes, PostgresSessionStore::new(sessions), key, platform),
                    Err(e) => Err(std::io::Error::other(e)),
                },
                None => serve(listener, routes, MemorySessionStore::default(), key, platform),
            };
            match server {
                Ok(server) => {
                    let _ = tx.send(Ok(server.handle()));
                    server.await
                }
                Err(e) => {
                    let _ = tx.send(Err(e.to_string()));
                    Err(e)
                }
            }
        })
    });
    let server = rx.recv().map_err(|_| "the actix server did not start".to_owned())??;
    let server = ActixServer {
        handle: server,
        thread: Some(thread),
    };
    Ok(Running::new(addr, platforms, prepared, Box::new(server)))
}

/// Sessions in Redis through a connection pool (a broken connection is
/// replaced by a new one, so the app recovers by itself when Redis comes
/// back), with a 2-second limit on every operation, and never bringing back
/// a session deleted meanwhile (a request racing with a logout).
pub async fn redis_store(url: &str) -> Result<NoResurrection<StoreTimeout<RedisSessionStore>>, String> {
    let limit = Duration::from_secs(2);
    let mut config = deadpool_redis::Config::from_url(url);
    let mut pool = deadpool_redis::PoolConfig::new(16);
    pool.timeouts = deadpool_redis::Timeouts {
        wait: Some(limit),
        create: Some(limit),
        recycle: Some(limit),
    };
    config.pool = Some(pool);
    let pool = config
        .create_pool(Some(deadpool_redis::Runtime::Tokio1))
        .map_err(|e| format!("REDIS_URL: {e}"))?;
    // Fail at start, clearly, when Redis cannot be reached at all.
    pool.get()
        .await
        .map_err(|e| format!("cannot reach Redis at {}: {e}", redact_url(url)))?;
    let store = RedisSessionStore::new_pooled(pool)
        .await
        .map_err(|e| format!("REDIS_URL: {e}"))?;
    Ok(NoResurrection::new(StoreTimeout::new(store, limit)))
}

/// The app on `listener`, with sessions in `store`.
fn serve<S: SessionStore + Clone + Send + 'static>(
    listener: std::net::TcpListener,
    routes: AuthRoutes,
    store: S,
    key: Key,
    platform: Platform,
) -> std::io::Result<actix_web::dev::Server> {
    Ok(HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(routes.clone()))
            .route("/", web::get().to(home))
            .route("/profil", web::get().to(profile))
            .route("/espace-agent", web::get().to(agent_space))
            .route("/espace-agent/double-authentification", web::get().to(agent_mfa))
            .route("/niveau-eleve", web::get().to(high_level))
            .route(
                "/action-sensible",
                match platform {
                    Platform::FranceConnectPlus => web::get().to(recent_login::<Substantial>),
                    _ => web::get().to(recent_login::<Low>),
                },
            )
            .route("/api/me", web::get().to(me))
            .route("/api/access-token", web::get().to(access_token))
            .configure(configure(routes.clone()))
            .wrap(FranceConnectMiddleware::new(routes.clone()))
            .wrap(session_middleware(
                store.clone(),
                routes.first_engine().config(),
                key.clone(),
            ))
            .wrap(SessionStoreGuard)
    })
    .workers(2)
    .disable_signals()
    .listen(listener)?
    .run())
}
