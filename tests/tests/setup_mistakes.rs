//! Set-up mistakes answer a 500 instead of failing silently: the visitor
//! gets a French page with the code `setup_error`, the developer a log line
//! that says how to fix it, in each adapter's own terms.

use std::io::Write;
use std::sync::{Arc, Mutex};

use franceconnect_tower::{Config, Environment, FranceConnect, Platform};

/// The log lines written while the guard lives (this thread only: the
/// tests run on single-threaded runtimes).
fn capture_logs() -> (tracing::subscriber::DefaultGuard, Arc<Mutex<Vec<u8>>>) {
    #[derive(Clone)]
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let logs = Arc::new(Mutex::new(Vec::new()));
    let sink = Sink(logs.clone());
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    (tracing::subscriber::set_default(subscriber), logs)
}

fn text(logs: &Mutex<Vec<u8>>) -> String {
    String::from_utf8(logs.lock().unwrap().clone()).unwrap()
}

/// The visitor's page: French, the code to quote, nothing of the set-up.
fn assert_visitor_page(body: &str, hint: &str) {
    assert!(
        body.contains("lang=\"fr\"") && body.contains("support du service") && body.contains("setup_error"),
        "{body}"
    );
    assert!(
        !body.contains(hint) && !body.contains("FranceConnect is not set up"),
        "{body}"
    );
}

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
    use franceconnect_tower::web::tower::MemorySessionStore;
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;

    let (_guard, logs) = capture_logs();
    let app = axum::Router::new()
        .route("/inside", get(|User(_): User| async { "ok" }))
        .franceconnect(engine(), MemorySessionStore::default())
        .route("/outside", get(|User(_): User| async { "ok" }));
    let response = app
        .oneshot(http::Request::get("/outside").body(axum::body::Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
    let body = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    let hint = "call `.franceconnect(fc, store)` (or `.franceconnect_layer(layer, store)`) after your `.route()` calls";
    assert_visitor_page(&body, hint);
    assert!(text(&logs).contains(hint), "{}", text(&logs));
}

/// actix-web: an extractor on an App without the middleware.
#[actix_web::test]
async fn actix_without_the_middleware_says_so() {
    use actix_web::{App, HttpResponse, test, web};
    use franceconnect_actix::User;

    let (_guard, logs) = capture_logs();
    let app = test::init_service(App::new().route(
        "/me",
        web::get().to(|User(_): User| async { HttpResponse::Ok().finish() }),
    ))
    .await;
    let response = test::call_service(&app, test::TestRequest::get().uri("/me").to_request()).await;
    assert_eq!(response.status(), 500);
    let body = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
    let hint = "wrap the App with `.wrap(FranceConnectMiddleware::new(routes))`";
    assert_visitor_page(&body, hint);
    assert!(text(&logs).contains(hint), "{}", text(&logs));
}

/// actix-web: the session middleware wrapped inside ours. A whole login
/// through the mock: at the callback, the user is gone from the session by
/// the time the response comes back through our middleware (the session
/// middleware inside has already saved it), so the callback answers a 500
/// naming the order, not a silent loop through the login. In the right
/// order the same login succeeds; and a planted cookie is no such case.
#[actix_web::test]
async fn actix_session_middleware_inside_ours_says_so_at_the_callback() {
    use actix_web::cookie::Key;
    use actix_web::{App, HttpResponse, test, web};
    use franceconnect_actix::{FranceConnectMiddleware, MemorySessionStore, User, configure, session_middleware};
    use franceconnect_tests::harness::engine::{authorize, pair};
    use franceconnect_tower::web::AuthRoutes;

    let (_guard, logs) = capture_logs();

    let engine = pair(Platform::FranceConnect, None).await;
    engine.mock.auto_approve(Some("default"), None);
    let routes = AuthRoutes::new(engine.fc.clone());
    let config = routes.first_engine().config().clone();
    let key = Key::generate();
    let me = || web::get().to(|User(_): User| async { HttpResponse::Ok().finish() });
    let wrong = test::init_service(
        App::new()
            .configure(configure(routes.clone()))
            .route("/me", me())
            // The wrong order: the session middleware wrapped first, so it runs after ours.
            .wrap(session_middleware(MemorySessionStore::default(), &config, key.clone()))
            .wrap(FranceConnectMiddleware::new(routes.clone())),
    )
    .await;
    let right = test::init_service(
        App::new()
            .configure(configure(routes.clone()))
            .route("/me", me())
            .wrap(FranceConnectMiddleware::new(routes))
            .wrap(session_middleware(MemorySessionStore::default(), &config, key)),
    )
    .await;

    // Begins a login, goes through the mock, and returns the callback's answer.
    async fn login<S, B>(app: &S) -> actix_web::dev::ServiceResponse<B>
    where
        S: actix_web::dev::Service<
                actix_http::Request,
                Response = actix_web::dev::ServiceResponse<B>,
                Error = actix_web::Error,
            >,
    {
        let begun = test::call_service(app, test::TestRequest::get().uri("/auth/login").to_request()).await;
        assert_eq!(begun.status(), 303);
        let to_provider = url::Url::parse(begun.headers().get("location").unwrap().to_str().unwrap()).unwrap();
        let cookie = begun
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let callback = authorize(&to_provider).await;
        let query = format!(
            "code={}&state={}&iss={}",
            callback.code.unwrap(),
            callback.state.unwrap(),
            url::form_urlencoded::byte_serialize(callback.iss.unwrap().as_bytes()).collect::<String>()
        );
        let request = test::TestRequest::get()
            .uri(&format!("/auth/callback?{query}"))
            .insert_header(("cookie", cookie))
            .to_request();
        test::call_service(app, request).await
    }

    let refused = login(&wrong).await;
    assert_eq!(refused.status(), 500);
    assert!(
        !refused.headers().contains_key("set-cookie")
            || refused
                .headers()
                .get_all("set-cookie")
                .all(|v| !v.to_str().unwrap().starts_with("fc_session=")),
        "no session cookie: the loop cannot start"
    );
    let body = String::from_utf8(test::read_body(refused).await.to_vec()).unwrap();
    assert_visitor_page(&body, "before `.wrap(session_middleware(..))`");
    assert!(
        text(&logs).contains("before `.wrap(session_middleware(..))`"),
        "{}",
        text(&logs)
    );

    let signed_in = login(&right).await;
    assert_eq!(signed_in.status(), 303, "the right order signs in");
    let session = signed_in
        .headers()
        .get_all("set-cookie")
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|c| c.starts_with("fc_session="))
        .expect("a session cookie");
    let me = test::TestRequest::get()
        .uri("/me")
        .insert_header(("cookie", session))
        .to_request();
    assert_eq!(test::call_service(&right, me).await.status(), 200);

    // What a browser can send never leads to the set-up page.
    let planted = test::TestRequest::get()
        .uri("/me")
        .insert_header(("cookie", "fc_signed_in=1; fc_session=forged"))
        .insert_header(("accept", "application/json"))
        .to_request();
    assert_eq!(test::call_service(&wrong, planted).await.status(), 401);
}
