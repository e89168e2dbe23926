//! Set-up mistakes answer a 500 that says how to fix them, in each
//! adapter's own terms, instead of failing silently.

use franceconnect_tower::{Config, Environment, FranceConnect, Platform};

fn engine() -> FranceConnect {
    let config = Config::builder(
        Platform::FranceConnect,
        Environment::Custom(url::Url::parse("http://127.0.0.1:9/api/v2").unwrap()),
    )
    .client_id("id")
    .client_secret("secret")
    .redirect_uri("http://localhost:3000/auth/callback")
    .post_logout_redirect_uri("http://localhost:3000/auth/logout/callback")
    .build()
    .unwrap();
    FranceConnect::new(config)
}

/// axum: a route added after `.franceconnect(…)` is outside the layer.
#[tokio::test]
async fn axum_routes_added_after_the_layer_say_so() {
    use axum::routing::get;
    use franceconnect_axum::{FranceConnectRouterExt, User};
    use franceconnect_tower::web::tower::ExpiringMemoryStore;
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;

    let app = axum::Router::new()
        .route("/inside", get(|User(_): User| async { "ok" }))
        .franceconnect(engine(), ExpiringMemoryStore::default())
        .route("/outside", get(|User(_): User| async { "ok" }));
    let response = app
        .oneshot(http::Request::get("/outside").body(axum::body::Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
    let body = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    assert!(
        body.contains("call `.franceconnect(fc, store)` after your `.route()` calls"),
        "{body}"
    );
}

/// actix-web: an extractor on an App without the middleware.
#[actix_web::test]
async fn actix_without_the_middleware_says_so() {
    use actix_web::{App, HttpResponse, test, web};
    use franceconnect_actix::User;

    let app = test::init_service(App::new().route(
        "/me",
        web::get().to(|User(_): User| async { HttpResponse::Ok().finish() }),
    ))
    .await;
    let response = test::call_service(&app, test::TestRequest::get().uri("/me").to_request()).await;
    assert_eq!(response.status(), 500);
    let body = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
    assert!(
        body.contains("wrap the App with `.wrap(FranceConnectMiddleware::new(routes))`"),
        "{body}"
    );
}

/// actix-web: the session middleware wrapped inside ours. The browser
/// signed in a moment ago, yet its session looks empty to our middleware:
/// a 500 naming the order, not a silent loop through the login.
#[actix_web::test]
async fn actix_session_middleware_inside_ours_says_so() {
    use actix_web::cookie::Key;
    use actix_web::{App, HttpResponse, test, web};
    use franceconnect_actix::{FranceConnectMiddleware, MemorySessionStore, User, session_middleware};
    use franceconnect_tower::web::AuthRoutes;

    let routes = AuthRoutes::new(engine());
    let config = routes.franceconnect().config().clone();
    let app = test::init_service(
        App::new()
            .route(
                "/me",
                web::get().to(|User(_): User| async { HttpResponse::Ok().finish() }),
            )
            // The wrong order: the session middleware wrapped first, so it runs after ours.
            .wrap(session_middleware(
                MemorySessionStore::default(),
                &config,
                Key::generate(),
            ))
            .wrap(FranceConnectMiddleware::new(routes)),
    )
    .await;
    let request = test::TestRequest::get()
        .uri("/me")
        .insert_header(("cookie", "fc_signed_in=1"))
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), 500);
    let cleared = response
        .headers()
        .get_all("set-cookie")
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.starts_with("fc_signed_in=;") && v.contains("Max-Age=0"));
    assert!(
        cleared,
        "the marker is removed: a store that lost the session shows this page once"
    );
    let body = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
    assert!(body.contains("before `.wrap(session_middleware(..))`"), "{body}");
    // Without the marker (an ordinary visitor), the usual way to the login.
    let response = test::call_service(&app, test::TestRequest::get().uri("/me").to_request()).await;
    assert_eq!(response.status(), 303);
}
