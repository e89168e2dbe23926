//! The two pairs of apps the per-request benchmarks compare, set up once for
//! both `per_request` (criterion, wall clock) and `per_request_instructions`
//! (a fixed number of requests, for callgrind). Each app answers a signed-in
//! `GET /me` with the person's family name, in process (no network): ours
//! (the FranceConnect layer or middleware, and the `Citizen` extractor, the
//! session from a real login against the mock provider) against the same
//! session library and store alone, its handler reading the same
//! `SignedInUser` from the session and deriving the same pivot identity.

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use franceconnect_tests::{Pair, no_redirect_client, pair};
use franceconnect_tower::web::tower::{MemorySessionStore, session_manager_layer};
use franceconnect_tower::{FranceConnect, LoginOptions, Platform, SignedInUser};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// The value the bare apps store, under the same key our layer uses.
const USER_KEY: &str = franceconnect_tower::web::adapter::USER_KEY;

/// The `name=value` of the session cookie among `Set-Cookie` headers.
fn session_cookie<'a>(set_cookies: impl Iterator<Item = &'a str>) -> Option<String> {
    cookie_named(set_cookies, "fc_session=")
}

/// The `name=value` of the first cookie whose name starts with `prefix`
/// (`fc_login_` for the pending login).
fn cookie_named<'a>(set_cookies: impl Iterator<Item = &'a str>, prefix: &str) -> Option<String> {
    set_cookies
        .filter_map(|c| c.split(';').next())
        .find(|c| c.starts_with(prefix) && !c.ends_with('='))
        .map(str::to_owned)
}

/// Follows the authorization URL at the (auto-approving) mock and returns
/// the callback's path and query.
async fn through_provider(location: &str) -> String {
    let resp = no_redirect_client().get(location).send().await.unwrap();
    let callback = url::Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap();
    format!("{}?{}", callback.path(), callback.query().unwrap())
}

fn request(path: &str, cookie: &str) -> http::Request<Body> {
    http::Request::get(path)
        .header("cookie", cookie)
        .body(Body::empty())
        .unwrap()
}

/// Starts the mock and an engine, and signs a person in through the engine
/// alone: the user the bare apps store.
async fn signed_in_pair() -> (Pair, SignedInUser) {
    let p = pair(Platform::FranceConnect, None).await;
    p.mock.auto_approve(Some("default"), None);
    let user = franceconnect_tests::login(&p, LoginOptions::default()).await.unwrap();
    (p, user)
}

/// Both axum apps, each with the cookie of its signed-in session.
pub(crate) struct AxumApps {
    /// The FranceConnect layer and the `Citizen` extractor.
    pub(crate) ours: Router,
    /// The session cookie of `ours`, from a real login.
    pub(crate) ours_cookie: String,
    /// tower-sessions alone.
    pub(crate) alone: Router,
    /// The session cookie of `alone`.
    pub(crate) alone_cookie: String,
    /// The mock provider and the engine, kept running.
    _provider: Pair,
}

/// Sets up both axum apps and checks they answer the same.
pub(crate) async fn axum_apps() -> AxumApps {
    let (p, user) = signed_in_pair().await;
    let (ours, ours_cookie) = axum_ours(p.fc.clone()).await;
    let (alone, alone_cookie) = axum_bare(&p.fc, user).await;
    // As `axum::serve` does (`into_make_service`): each route is built once,
    // with its layers, rather than at every request. Without it, a router
    // with one layer more pays for building that layer's route per request,
    // which no server does.
    let (ours, alone) = (ours.with_state(()), alone.with_state(()));
    assert_eq!(
        family_name(&ours, &ours_cookie).await,
        family_name(&alone, &alone_cookie).await
    );
    AxumApps {
        ours,
        ours_cookie,
        alone,
        alone_cookie,
        _provider: p,
    }
}

/// Our axum app, signed in through a real login; returns the app and the
/// session cookie.
async fn axum_ours(fc: FranceConnect) -> (Router, String) {
    use franceconnect_axum::{Citizen, FranceConnectRouterExt};
    let app = Router::new()
        .route("/me", get(|Citizen(p): Citizen| async move { p.family_name }))
        .franceconnect(fc, MemorySessionStore::default());
    let start = app.clone().oneshot(request("/auth/login", "")).await.unwrap();
    let cookie = cookie_named(
        start
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap()),
        "fc_login_",
    )
    .unwrap();
    let callback = through_provider(start.headers()["location"].to_str().unwrap()).await;
    let done = app.clone().oneshot(request(&callback, &cookie)).await.unwrap();
    assert_eq!(done.status(), 303, "signed in");
    let cookie = session_cookie(done.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap())).unwrap();
    (app, cookie)
}

/// The same route with tower-sessions alone, reading the same user and
/// deriving the same pivot identity.
async fn axum_bare(fc: &FranceConnect, user: SignedInUser) -> (Router, String) {
    use axum::Extension;
    use tower_sessions::Session;
    let app = Router::new()
        .route(
            "/me",
            get(|Extension(session): Extension<Session>| async move {
                let user: SignedInUser = session.get(USER_KEY).await.unwrap().unwrap();
                user.pivot_identity().unwrap().family_name
            }),
        )
        .route(
            "/seed",
            get(move |Extension(session): Extension<Session>| async move {
                // What ours stores: the user with its tokens (the
                // stored form), not the public Serialize without them.
                session
                    .insert(USER_KEY, franceconnect_tower::__private::stored_form(&user))
                    .await
                    .unwrap()
            }),
        )
        .layer(session_manager_layer(MemorySessionStore::default(), fc.config()));
    let seeded = app.clone().oneshot(request("/seed", "")).await.unwrap();
    let cookie = session_cookie(
        seeded
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap()),
    )
    .unwrap();
    (app, cookie)
}

/// `GET /me` on an axum app: the family name it answers.
pub(crate) async fn family_name(app: &Router, cookie: &str) -> String {
    let resp = app.clone().oneshot(request("/me", cookie)).await.unwrap();
    assert_eq!(resp.status(), 200);
    String::from_utf8(resp.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
}

/// The mock provider, the engine and the runtime serving the mock, kept
/// alive while the actix apps run.
pub(crate) struct ActixProvider {
    _pair: Pair,
    _runtime: tokio::runtime::Runtime,
}

/// Sets up both actix-web apps on `system` and checks they answer the same;
/// returns what keeps the provider running and one closure per app, each
/// answering one signed-in `GET /me` (ours first, then alone).
pub(crate) fn actix_apps(
    system: &actix_web::rt::SystemRunner,
) -> (
    ActixProvider,
    impl Fn() -> actix_web::web::Bytes + '_,
    impl Fn() -> actix_web::web::Bytes + '_,
) {
    use actix_web::cookie::Key;
    use actix_web::{App, HttpResponse, test, web};
    use franceconnect_actix::{Citizen, FranceConnectMiddleware, MemorySessionStore, configure, session_middleware};
    use franceconnect_tower::web::AuthRoutes;

    let tokio_rt = tokio::runtime::Runtime::new().unwrap();
    let (p, user) = tokio_rt.block_on(signed_in_pair());
    let key = Key::generate();
    let config = p.fc.config().clone();
    let routes = AuthRoutes::new(p.fc.clone());
    let ours = system.block_on(test::init_service(
        App::new()
            .route(
                "/me",
                web::get().to(|Citizen(p): Citizen| async move { HttpResponse::Ok().body(p.family_name) }),
            )
            .configure(configure(routes.clone()))
            .wrap(FranceConnectMiddleware::new(routes.clone()))
            .wrap(session_middleware(MemorySessionStore::default(), &config, key.clone())),
    ));
    let seeded_user = user.clone();
    let bare = system.block_on(test::init_service(
        App::new()
            .route(
                "/me",
                web::get().to(|session: actix_session::Session| async move {
                    let user: SignedInUser = session.get(USER_KEY).unwrap().unwrap();
                    HttpResponse::Ok().body(user.pivot_identity().unwrap().family_name)
                }),
            )
            .route(
                "/seed",
                web::get().to(move |session: actix_session::Session| {
                    let user = seeded_user.clone();
                    async move {
                        // What ours stores: the user with its tokens.
                        session
                            .insert(USER_KEY, franceconnect_tower::__private::stored_form(&user))
                            .unwrap();
                        HttpResponse::Ok().finish()
                    }
                }),
            )
            .wrap(session_middleware(MemorySessionStore::default(), &config, key.clone())),
    ));
    let get = |path: &str, cookie: &str| {
        test::TestRequest::get()
            .uri(path)
            .insert_header(("cookie", cookie))
            .to_request()
    };
    // Our app: a real login (the provider hop on the tokio runtime).
    let start = system.block_on(test::call_service(&ours, get("/auth/login", "")));
    let cookie = cookie_named(
        start.headers().get_all("set-cookie").map(|v| v.to_str().unwrap()),
        "fc_login_",
    )
    .unwrap();
    let location = start.headers().get("location").unwrap().to_str().unwrap().to_owned();
    let callback = tokio_rt.block_on(through_provider(&location));
    let done = system.block_on(test::call_service(&ours, get(&callback, &cookie)));
    assert_eq!(done.status(), 303, "signed in");
    let ours_cookie = actix_cookie(&done);
    let bare_cookie = actix_cookie(&system.block_on(test::call_service(&bare, get("/seed", ""))));
    let ours = move || actix_family_name(system, &ours, &ours_cookie);
    let alone = move || actix_family_name(system, &bare, &bare_cookie);
    assert_eq!(ours(), alone());
    (
        ActixProvider {
            _pair: p,
            _runtime: tokio_rt,
        },
        ours,
        alone,
    )
}

/// The session cookie an actix response sets.
fn actix_cookie<B>(resp: &actix_web::dev::ServiceResponse<B>) -> String {
    session_cookie(resp.headers().get_all("set-cookie").map(|v| v.to_str().unwrap())).unwrap()
}

/// `GET /me` on an actix test service.
fn actix_family_name<S, B>(system: &actix_web::rt::SystemRunner, app: &S, cookie: &str) -> actix_web::web::Bytes
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let req = actix_web::test::TestRequest::get()
        .uri("/me")
        .insert_header(("cookie", cookie))
        .to_request();
    let resp = system.block_on(actix_web::test::call_service(app, req));
    assert_eq!(resp.status(), 200);
    system.block_on(actix_web::test::read_body(resp))
}
