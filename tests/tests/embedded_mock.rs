//! Issue 29 §3: a user's own application on the embedded mock providers in
//! three lines (`EmbeddedMock`), on both adapters: a citizen and an agent
//! sign in through the real mock, with no configuration at all.

use franceconnect_tests::harness::browser::Browser;
use franceconnect_tower::Platform;
use franceconnect_tower::mock::EmbeddedMock;
use http::StatusCode;

const PLATFORMS: [Platform; 2] = [Platform::FranceConnect, Platform::ProConnect];

/// Signs a citizen in through FranceConnect, then an agent through
/// ProConnect, in the app at `base`; `/me` names each.
async fn citizen_then_agent_sign_in(base: &str, mock: &EmbeddedMock) {
    let b = Browser::new(base);
    assert_eq!(b.get_json("/me").await.status, StatusCode::UNAUTHORIZED);
    let back = b.login_through_page("/auth/fc/login", Some("default"), "eidas1").await;
    assert_eq!(back.location_path(), "/");
    let me = b.get("/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert!(me.body.starts_with("FranceConnect "), "{}", me.body);
    let agent = &mock.provider(Platform::ProConnect).unwrap().agents()[0];
    b.login_as_agent("/auth/proconnect/login", &agent.id, false).await;
    let me = b.get("/me").await;
    assert_eq!(me.body, format!("ProConnect {}", agent.sub));
}

#[tokio::test]
async fn axum_app_on_the_embedded_mock() {
    use axum::Router;
    use axum::routing::get;
    use franceconnect_axum::{FranceConnectLayer, FranceConnectRouterExt, MemorySessionStore, User};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mock = EmbeddedMock::start(listener.local_addr().unwrap(), &PLATFORMS)
        .await
        .unwrap();
    let app = Router::new()
        .route(
            "/me",
            get(|User(user): User| async move { format!("{} {}", user.platform.display_name(), user.sub) }),
        )
        .franceconnect_layer(
            FranceConnectLayer::from_routes(mock.routes()),
            MemorySessionStore::default(),
        );
    tokio::spawn(async move { axum::serve(listener, app).await });
    citizen_then_agent_sign_in(mock.app_url(), &mock).await;
}

#[actix_web::test]
async fn actix_app_on_the_embedded_mock() {
    use actix_web::cookie::Key;
    use actix_web::{App, HttpServer, web};
    use franceconnect_actix::{FranceConnectMiddleware, MemorySessionStore, User, configure, session_middleware};

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mock = EmbeddedMock::start(listener.local_addr().unwrap(), &PLATFORMS)
        .await
        .unwrap();
    let routes = mock.routes();
    let (store, key) = (MemorySessionStore::default(), Key::generate());
    let server = HttpServer::new(move || {
        App::new()
            .route(
                "/me",
                web::get()
                    .to(|User(user): User| async move { format!("{} {}", user.platform.display_name(), user.sub) }),
            )
            .configure(configure(routes.clone()))
            .wrap(FranceConnectMiddleware::new(routes.clone()))
            .wrap(session_middleware(
                store.clone(),
                routes.first_engine().config(),
                key.clone(),
            ))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    citizen_then_agent_sign_in(mock.app_url(), &mock).await;
    handle.stop(false).await;
}
