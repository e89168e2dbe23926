//! The actix-web quickstart: the same service as the axum quickstart, on
//! actix-web, signing its users in with FranceConnect on the embedded mock
//! provider or on a real one.
//!
//! Run it with `cargo run -p actix-quickstart`. The library part lets the
//! workspace's tests start it in-process.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::net::SocketAddr;

use actix_web::cookie::Key;
use actix_web::dev::ServerHandle;
use actix_web::{App, HttpResponse, HttpServer, web};
use franceconnect_actix::level::Eidas3;
use franceconnect_actix::{
    FranceConnectMiddleware, MemorySessionStore, RequireEidas, User, configure, session_middleware,
};
use franceconnect_mock::MockHandle;
use franceconnect_tower::Platform;
use franceconnect_tower::web::AuthRoutes;
use quickstart_support::{Settings, api_me, home_page, not_signed_in_json, prepare, profile_page, step_up_page};

fn html(page: String) -> HttpResponse {
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(page)
}

async fn home(user: Option<User>, platform: web::Data<Platform>) -> HttpResponse {
    html(home_page(user.as_ref().map(|u| &u.0), **platform))
}

async fn profile(User(user): User) -> HttpResponse {
    html(profile_page(&user))
}

async fn high_level(RequireEidas(user, _): RequireEidas<Eidas3>) -> HttpResponse {
    html(step_up_page(&user))
}

/// `GET /api/me`: the signed-in user as JSON, or 401 JSON.
async fn me(user: Option<User>) -> HttpResponse {
    match user {
        Some(User(user)) => HttpResponse::Ok().json(api_me(&user)),
        None => HttpResponse::Unauthorized().json(not_signed_in_json()),
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
    server: ServerHandle,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl Running {
    /// Waits until the server stops.
    pub async fn wait(mut self) -> std::io::Result<()> {
        let thread = self.thread.take().expect("not waited yet");
        tokio::task::spawn_blocking(move || {
            thread
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("server thread panicked")))
        })
        .await
        .unwrap_or_else(|e| Err(std::io::Error::other(e)))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.thread.is_some() {
            // Tests drop the app: stop its server too.
            drop(self.server.stop(false));
        }
    }
}

/// Binds `BIND`, prepares FranceConnect (starting the mock unless a provider
/// is configured) and serves the app on its own actix system thread.
pub async fn start(settings: &Settings) -> Result<Running, String> {
    let listener = std::net::TcpListener::bind(settings.bind()?).map_err(|e| format!("cannot listen: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let prepared = prepare(settings, addr).await?;
    let platform = prepared.fc.config().platform();
    let routes = AuthRoutes::new(prepared.fc);
    let store = MemorySessionStore::default();
    let key = Key::generate();
    let (tx, rx) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(move || {
                App::new()
                    .app_data(web::Data::new(platform))
                    .route("/", web::get().to(home))
                    .route("/profil", web::get().to(profile))
                    .route("/niveau-eleve", web::get().to(high_level))
                    .route("/api/me", web::get().to(me))
                    .configure(configure(routes.clone()))
                    .wrap(FranceConnectMiddleware::new(routes.clone()))
                    .wrap(session_middleware(
                        store.clone(),
                        routes.franceconnect().config(),
                        key.clone(),
                    ))
            })
            .workers(2)
            .disable_signals()
            .listen(listener)?
            .run();
            let _ = tx.send(server.handle());
            server.await
        })
    });
    let server = rx.recv().map_err(|_| "the actix server did not start".to_owned())?;
    Ok(Running {
        addr,
        app_url: prepared.app_url,
        platform,
        mock: prepared.mock,
        server,
        thread: Some(thread),
    })
}
