//! What being signed in costs on every request. Each pair answers the same
//! signed-in `GET /me` with the person's family name, in process (no
//! network): our app (the FranceConnect layer or middleware, and the
//! `Citizen` extractor) against the same app with the session
//! library alone reading the same `SignedInUser` from the session and
//! deriving the same pivot identity. The session of our app comes from a
//! real login against the mock provider.
//!
//! `cargo bench -p franceconnect-tests --bench per_request`
// criterion's macros generate public functions that carry no docs.
#![allow(missing_docs)]

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use criterion::{Criterion, criterion_group, criterion_main};
use franceconnect_tests::{no_redirect_client, pair};
use franceconnect_tower::web::tower::{ExpiringMemoryStore, session_manager_layer};
use franceconnect_tower::{FranceConnect, LoginOptions, Platform, SignedInUser};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// The value the bare apps store, under the same key our layer uses.
const USER_KEY: &str = franceconnect_tower::__private::USER_KEY;

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

/// Our axum app, signed in through a real login; returns the app and the
/// session cookie.
async fn axum_ours(fc: FranceConnect) -> (Router, String) {
    use franceconnect_axum::{Citizen, FranceConnectRouterExt};
    let app = Router::new()
        .route("/me", get(|Citizen(p): Citizen| async move { p.family_name }))
        .franceconnect(fc, ExpiringMemoryStore::default());
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

/// The same route with tower-sessions alone, reading the same user.
async fn axum_bare(fc: &FranceConnect, user: SignedInUser) -> (Router, String) {
    use axum::Extension;
    use tower_sessions::Session;
    let app =
        Router::new()
            .route(
                "/me",
                get(|Extension(session): Extension<Session>| async move {
                    let user: SignedInUser = session.get(USER_KEY).await.unwrap().unwrap();
                    user.claims.family_name.unwrap()
                }),
            )
            .route(
                "/seed",
                get(move |Extension(session): Extension<Session>| async move {
                    session.insert(USER_KEY, &user).await.unwrap()
                }),
            )
            .layer(session_manager_layer(ExpiringMemoryStore::default(), fc.config()));
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

async fn family_name(app: &Router, cookie: &str) -> String {
    let resp = app.clone().oneshot(request("/me", cookie)).await.unwrap();
    assert_eq!(resp.status(), 200);
    String::from_utf8(resp.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
}

fn axum_requests(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (ours, ours_cookie, bare, bare_cookie, _mock) = rt.block_on(async {
        let p = pair(Platform::FranceConnect, None).await;
        p.mock.auto_approve(Some("default"), None);
        let user = franceconnect_tests::login(&p, LoginOptions::default()).await.unwrap();
        let (ours, ours_cookie) = axum_ours(p.fc.clone()).await;
        let (bare, bare_cookie) = axum_bare(&p.fc, user).await;
        assert_eq!(
            family_name(&ours, &ours_cookie).await,
            family_name(&bare, &bare_cookie).await
        );
        (ours, ours_cookie, bare, bare_cookie, p.mock)
    });
    let mut group = c.benchmark_group("signed_in_request/axum");
    group.bench_function("franceconnect_layer", |b| {
        b.to_async(&rt).iter(|| family_name(&ours, &ours_cookie))
    });
    group.bench_function("tower_sessions_alone", |b| {
        b.to_async(&rt).iter(|| family_name(&bare, &bare_cookie))
    });
    group.finish();
    interleaved(
        "axum",
        || rt.block_on(family_name(&ours, &ours_cookie)),
        || rt.block_on(family_name(&bare, &bare_cookie)),
    );
}

/// Alternates short runs of `ours` and `alone` (2,000 requests each, 31
/// rounds, the order swapped every round) and prints the median of the
/// per-round ratios with its quartiles. On a VM whose speed drifts within
/// minutes, two criterion runs one after the other can disagree by more
/// than the overhead sought; adjacent short runs see the same machine.
fn interleaved<A, B>(name: &str, mut ours: impl FnMut() -> A, mut alone: impl FnMut() -> B) {
    const REQUESTS: u32 = 2_000;
    let time = |f: &mut dyn FnMut()| {
        let started = std::time::Instant::now();
        for _ in 0..REQUESTS {
            f();
        }
        started.elapsed() / REQUESTS
    };
    let mut ratios = Vec::new();
    let (mut ours_us, mut alone_us) = (Vec::new(), Vec::new());
    for round in 0..31 {
        let (a, b) = if round % 2 == 0 {
            let a = time(&mut || drop(std::hint::black_box(ours())));
            (a, time(&mut || drop(std::hint::black_box(alone()))))
        } else {
            let b = time(&mut || drop(std::hint::black_box(alone())));
            (time(&mut || drop(std::hint::black_box(ours()))), b)
        };
        ratios.push(a.as_secs_f64() / b.as_secs_f64());
        ours_us.push(a.as_secs_f64() * 1e6);
        alone_us.push(b.as_secs_f64() * 1e6);
    }
    let quartiles = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[v.len() / 4], v[v.len() / 2], v[3 * v.len() / 4])
    };
    let (q1, median, q3) = quartiles(&mut ratios);
    println!(
        "signed_in_request/{name}/interleaved: ours {:.1} µs, alone {:.1} µs (medians); ratio median {median:.3}× (quartiles {q1:.3}–{q3:.3}, 31 rounds of {REQUESTS})",
        quartiles(&mut ours_us).1,
        quartiles(&mut alone_us).1,
    );
}

fn actix_requests(c: &mut Criterion) {
    use actix_web::cookie::Key;
    use actix_web::{App, HttpResponse, test, web};
    use franceconnect_actix::{Citizen, FranceConnectMiddleware, MemorySessionStore, configure, session_middleware};
    use franceconnect_tower::web::AuthRoutes;

    let tokio_rt = tokio::runtime::Runtime::new().unwrap();
    let (p, user) = tokio_rt.block_on(async {
        let p = pair(Platform::FranceConnect, None).await;
        p.mock.auto_approve(Some("default"), None);
        let user = franceconnect_tests::login(&p, LoginOptions::default()).await.unwrap();
        (p, user)
    });
    let key = Key::generate();
    let config = p.fc.config().clone();
    let system = actix_web::rt::System::new();
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
                        session.insert(USER_KEY, user).unwrap();
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
    assert_eq!(
        actix_family_name(&system, &ours, &ours_cookie),
        actix_family_name(&system, &bare, &bare_cookie)
    );

    let mut group = c.benchmark_group("signed_in_request/actix");
    group.bench_function("franceconnect_middleware", |b| {
        b.iter(|| actix_family_name(&system, &ours, &ours_cookie))
    });
    group.bench_function("actix_session_alone", |b| {
        b.iter(|| actix_family_name(&system, &bare, &bare_cookie))
    });
    group.finish();
    interleaved(
        "actix",
        || actix_family_name(&system, &ours, &ours_cookie),
        || actix_family_name(&system, &bare, &bare_cookie),
    );
    drop(p);
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

criterion_group!(benches, axum_requests, actix_requests);
criterion_main!(benches);
