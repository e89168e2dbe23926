//! The README's actix-web application: `cargo run -p franceconnect-actix --example actix_readme`
//! with the `FC_*` variables of your client (see franceconnect-tower/docs/using-the-engine.md).

use actix_web::cookie::Key;
use actix_web::{App, HttpResponse, HttpServer, web};
use franceconnect_actix::{AuthContext, AuthRoutes, SignInDecision};
use franceconnect_actix::{
    Citizen, FranceConnectMiddleware, MemorySessionStore, Require, SessionStoreGuard, User, configure,
    session_middleware,
};
use franceconnect_actix::{Config, Eidas, FranceConnect};

async fn home(user: Option<User>) -> HttpResponse {
    let logout = AuthContext::new("/auth").logout_form("Se déconnecter");
    let body = match user {
        Some(User(user)) => format!("<p>Connecté au niveau {}.</p>{logout}", user.acr),
        None => r#"<a href="/auth/login">S'identifier avec FranceConnect</a>"#.to_owned(),
    };
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(body)
}

async fn me(Citizen(identity): Citizen) -> String {
    format!("{} {}", identity.given_name, identity.family_name)
}

#[actix_web::main]
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
    let (store, key) = (MemorySessionStore::default(), Key::generate());
    HttpServer::new(move || {
        App::new()
            .route("/", web::get().to(home))
            .route("/me", web::get().to(me))
            // A group of routes that all need eIDAS substantial: no extractor in the handlers.
            .service(
                web::scope("/vault")
                    .wrap(Require::level(Eidas::Eidas2))
                    .route("", web::get().to(|| async { "coffre-fort" }))
                    .route("/documents", web::get().to(|| async { "documents" })),
            )
            .configure(configure(routes.clone()))
            .wrap(FranceConnectMiddleware::new(routes.clone()))
            // The last `wrap` runs first: the session must be there before us.
            .wrap(session_middleware(
                store.clone(),
                routes.first_engine().config(),
                key.clone(),
            ))
            // Outermost: a failing session store becomes a clear 503, not an opaque 500.
            .wrap(SessionStoreGuard)
    })
    .bind("127.0.0.1:3000")?
    .run()
    .await?;
    Ok(())
}
