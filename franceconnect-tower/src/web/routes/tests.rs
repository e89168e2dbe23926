//! The routes' unit tests: sign-in rules, session lifetimes, a federation's
//! routes, replaceable pages.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::*;
use crate::config::{Platform, test_builder};
use crate::web::sessions::{LOGOUT_NEXT_KEY, PENDING_LOGOUT_KEY};

/// A session in a map, with the id a store would give it.
#[derive(Default)]
struct MapSession {
    id: Mutex<u32>,
    data: Mutex<HashMap<&'static str, serde_json::Value>>,
}

impl SessionBackend for MapSession {
    async fn get<T: DeserializeOwned>(&self, key: &'static str) -> Result<Option<T>, SessionError> {
        let data = self.data.lock().unwrap();
        Ok(data.get(key).and_then(|v| serde_json::from_value(v.clone()).ok()))
    }
    async fn insert<T: Serialize + Sync>(&self, key: &'static str, value: &T) -> Result<(), SessionError> {
        let value = serde_json::to_value(value).unwrap();
        self.data.lock().unwrap().insert(key, value);
        Ok(())
    }
    async fn remove_value(&self, key: &'static str) -> Result<(), SessionError> {
        self.data.lock().unwrap().remove(key);
        Ok(())
    }
    async fn cycle_id(&self) -> Result<(), SessionError> {
        *self.id.lock().unwrap() += 1;
        Ok(())
    }
    async fn clear(&self) -> Result<(), SessionError> {
        self.data.lock().unwrap().clear();
        self.cycle_id().await
    }
    async fn discard(&self) -> Result<(), SessionError> {
        self.clear().await
    }
    async fn save(&self) -> Result<(), SessionError> {
        Ok(())
    }
}

fn routes() -> AuthRoutes {
    let config = test_builder(
        Platform::FranceConnect,
        "http://127.0.0.1:4000/api/v2",
        "http://localhost:3000",
    )
    .build()
    .unwrap();
    AuthRoutes::new(FranceConnect::new(config))
}

fn user(sub: &str) -> SignedInUser {
    SignedInUser::for_tests(sub)
}

#[tokio::test]
async fn signing_in_renews_the_id_and_drops_another_persons_data() {
    let routes = routes();
    let session = MapSession::default();
    session.insert("app.cart", &"before anyone").await.unwrap();
    routes.sign_in(&session, user("alice")).await.unwrap();
    assert_eq!(*session.id.lock().unwrap(), 1, "a new id at sign-in");
    assert!(
        session.get::<String>("app.cart").await.unwrap().is_some(),
        "an anonymous visit's data stay"
    );
    session.insert("app.cart", &"alice's").await.unwrap();
    routes.sign_in(&session, user("alice")).await.unwrap();
    assert_eq!(
        session.get::<String>("app.cart").await.unwrap().as_deref(),
        Some("alice's"),
        "the same person (a step-up) keeps the application's data"
    );
    routes.sign_in(&session, user("bob")).await.unwrap();
    assert_eq!(*session.id.lock().unwrap(), 3);
    assert!(
        session.get::<String>("app.cart").await.unwrap().is_none(),
        "nothing of the previous person survives"
    );
    assert_eq!(session.get::<SignedInUser>(USER_KEY).await.unwrap().unwrap().sub, "bob");
}

fn agent(sub: &str, siret: &str) -> SignedInUser {
    SignedInUser::for_testing(
        Platform::ProConnect,
        sub,
        crate::Acr::Eidas1,
        serde_json::json!({"given_name": "Inès", "usual_name": "Roy", "email": "ines.roy@mairie.example.fr",
                           "siret": siret}),
    )
    .unwrap()
}

#[tokio::test]
async fn an_agent_signing_in_for_another_organisation_starts_afresh() {
    let routes = routes();
    let session = MapSession::default();
    routes.sign_in(&session, agent("ines", "21750001600019")).await.unwrap();
    session.insert("app.dossiers", &"the town hall's").await.unwrap();
    routes.sign_in(&session, agent("ines", "21750001600019")).await.unwrap();
    assert!(
        session.get::<String>("app.dossiers").await.unwrap().is_some(),
        "the same organisation"
    );
    routes.sign_in(&session, agent("ines", "73282932000074")).await.unwrap();
    assert!(
        session.get::<String>("app.dossiers").await.unwrap().is_none(),
        "another organisation's sign-in sees nothing of the first's"
    );
}

#[tokio::test]
async fn an_unreadable_user_and_a_logout_s_leftovers_pass_to_nobody() {
    let routes = routes();
    let session = MapSession::default();
    // Someone's session, written by a version whose user this one cannot read.
    session.insert(USER_KEY, &serde_json::json!({"sub": 42})).await.unwrap();
    session.insert("app.cart", &"someone's").await.unwrap();
    session.insert(PENDING_LOGOUT_KEY, &"someone's logout").await.unwrap();
    session.insert(LOGOUT_NEXT_KEY, &"someone's next logout").await.unwrap();
    routes.sign_in(&session, user("alice")).await.unwrap();
    for key in ["app.cart", PENDING_LOGOUT_KEY, LOGOUT_NEXT_KEY] {
        assert!(
            session.get::<serde_json::Value>(key).await.unwrap().is_none(),
            "{key} survived"
        );
    }
    // An unfinished logout's leftovers, in an otherwise readable session.
    session.insert(PENDING_LOGOUT_KEY, &"alice's logout").await.unwrap();
    session.insert(LOGOUT_NEXT_KEY, &"alice's next logout").await.unwrap();
    routes.sign_in(&session, user("alice")).await.unwrap();
    for key in [PENDING_LOGOUT_KEY, LOGOUT_NEXT_KEY] {
        assert!(
            session.get::<serde_json::Value>(key).await.unwrap().is_none(),
            "{key} survived"
        );
    }
}

/// The session keeps the tokens the logout needs; what an application
/// serialises of the user does not.
#[tokio::test]
async fn the_tokens_live_in_the_session_only() {
    let routes = routes();
    let session = MapSession::default();
    let mut alice = user("alice");
    alice.id_token_hint = crate::protocol::values::IdTokenHint::new("eyJ.the-id-token.sig");
    alice.access_token = Some(crate::protocol::values::IssuedAccessToken {
        token: crate::protocol::values::AccessToken::new("the-access-token-".repeat(3)),
        expires_at: crate::clock::now() + 60,
    });
    let public = serde_json::to_string(&alice).unwrap();
    assert!(
        !public.contains("the-id-token") && !public.contains("the-access-token"),
        "{public}"
    );
    routes.sign_in(&session, alice).await.unwrap();
    let stored = session.data.lock().unwrap()[USER_KEY].to_string();
    assert!(
        stored.contains("the-id-token") && stored.contains("the-access-token"),
        "{stored}"
    );
    let back = session.get::<SignedInUser>(USER_KEY).await.unwrap().unwrap();
    assert_eq!(back.id_token_hint.secret(), "eyJ.the-id-token.sig");
    assert!(back.access_token.is_some());
}

#[tokio::test]
async fn a_session_ends_at_its_absolute_lifetime() {
    let routes = routes();
    let session = MapSession::default();
    let mut old = user("alice");
    old.signed_in_at -= 13 * 3600;
    session.insert(USER_KEY, &old).await.unwrap();
    session.insert("app.cart", &"alice's").await.unwrap();
    assert!(routes.load_user(&session).await.unwrap().is_none());
    assert!(session.data.lock().unwrap().is_empty(), "the whole session is gone");
    session.insert(USER_KEY, &user("alice")).await.unwrap();
    assert!(routes.load_user(&session).await.unwrap().is_some());
}

#[tokio::test]
async fn activity_is_written_with_the_user_at_most_every_five_minutes() {
    let routes = routes();
    let session = MapSession::default();
    let stored = |s: &MapSession| {
        let data = s.data.lock().unwrap();
        serde_json::from_value::<SignedInUser>(data[USER_KEY].clone()).unwrap()
    };
    let mut alice = user("alice");
    session.insert(USER_KEY, &alice).await.unwrap();
    routes.load_user(&session).await.unwrap().unwrap();
    assert_eq!(
        stored(&session).active_at,
        None,
        "just signed in: the login's write counts"
    );

    // Five minutes after the login, with no mark yet.
    alice.signed_in_at -= 301;
    session.insert(USER_KEY, &alice).await.unwrap();
    let loaded = routes.load_user(&session).await.unwrap().unwrap();
    let now = crate::clock::now();
    assert!(stored(&session).active_at.is_some_and(|t| now - t <= 1), "written back");
    assert_eq!(
        loaded.active_at,
        stored(&session).active_at,
        "the request sees what is stored"
    );

    alice.active_at = Some(now - 299);
    session.insert(USER_KEY, &alice).await.unwrap();
    routes.load_user(&session).await.unwrap().unwrap();
    assert_eq!(
        stored(&session).active_at,
        Some(now - 299),
        "not written within five minutes"
    );
    alice.active_at = Some(now - 300);
    session.insert(USER_KEY, &alice).await.unwrap();
    routes.load_user(&session).await.unwrap().unwrap();
    assert!(
        stored(&session).active_at.is_some_and(|t| t >= now),
        "written after five"
    );
}

fn engine(platform: Platform, app: &str) -> FranceConnect {
    let at = format!("{app}/auth/{}", platform.setting());
    let mut b = test_builder(platform, "http://127.0.0.1:4000/api/v2", app)
        .redirect_uri(format!("{at}/callback"))
        .post_logout_redirect_uri(format!("{at}/logout/callback"));
    if platform == Platform::FranceConnectPlus {
        b = b.service_keys(crate::ServiceKeys::generate(crate::EncryptionAlg::EcdhEs).unwrap());
    }
    FranceConnect::new(b.build().unwrap())
}

fn federation() -> AuthRoutes {
    let app = "http://localhost:3000";
    AuthRoutes::federation([
        engine(Platform::FranceConnect, app),
        engine(Platform::FranceConnectPlus, app),
        engine(Platform::ProConnect, app),
    ])
    .unwrap()
}

async fn get(routes: &AuthRoutes, path: &str, accept: &str) -> Response<String> {
    let mut headers = HeaderMap::new();
    headers.insert(http::header::ACCEPT, accept.parse().unwrap());
    routes
        .handle(&Method::GET, &path.parse().unwrap(), &headers, &MapSession::default())
        .await
}

#[tokio::test]
async fn several_platforms_share_the_prefix_each_under_its_own_segment() {
    let routes = federation();
    let page = get(&routes, "/auth/login?return_to=%2Fdossier", "text/html").await;
    assert_eq!(page.status(), StatusCode::OK);
    for link in [
        "/auth/fc/login?return_to=%2Fdossier",
        "/auth/fcplus/login?return_to=%2Fdossier",
        "/auth/proconnect/login?return_to=%2Fdossier",
    ] {
        assert!(page.body().contains(link), "{link}: {}", page.body());
    }
    let api = get(&routes, "/auth/login", "application/json").await;
    let body: serde_json::Value = serde_json::from_str(api.body()).unwrap();
    assert_eq!(body["login_urls"]["proconnect"], "/auth/proconnect/login");
    // A platform's route exists under its segment only.
    assert_eq!(
        get(&routes, "/auth/callback", "text/html").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&routes, "/auth/nope/login", "text/html").await.status(),
        StatusCode::NOT_FOUND
    );
    // The service's keys are shared: FranceConnect+'s are published once.
    let jwks = get(&routes, "/auth/jwks", "application/json").await;
    assert!(jwks.body().contains("ECDH-ES"), "{}", jwks.body());
    assert_eq!(
        routes.engine(Platform::ProConnect).unwrap().config().platform(),
        Platform::ProConnect
    );
}

#[test]
fn a_federation_refuses_what_cannot_work() {
    assert!(AuthRoutes::federation([]).is_err());
    let twice = AuthRoutes::federation([
        engine(Platform::FranceConnect, "http://localhost:3000"),
        engine(Platform::FranceConnect, "http://localhost:3000"),
    ]);
    assert!(twice.unwrap_err().to_string().contains("twice"));
    let split = AuthRoutes::federation([
        engine(Platform::FranceConnect, "http://localhost:3000"),
        engine(Platform::ProConnect, "http://localhost:4000"),
    ]);
    assert!(split.unwrap_err().to_string().contains("same site"));
}

/// `FC_PLATFORMS=proconnect` (a town hall starting with its agents): the
/// routes are where the configuration put the redirect URIs, so the
/// provider's answer reaches a route, never a 404; adding a platform later
/// changes no registered URI. `AuthRoutes::new` keeps one platform at `/auth`.
#[tokio::test]
async fn one_platform_listed_in_a_federation_is_served_where_its_uris_say() {
    let vars = [
        ("FC_PLATFORMS", "proconnect"),
        ("APP_URL", "http://localhost:3000"),
        ("FC_PROCONNECT_ISSUER", "http://127.0.0.1:4000/api/v2"),
        ("FC_PROCONNECT_CLIENT_ID", "pc"),
        ("FC_PROCONNECT_CLIENT_SECRET", "s"),
    ];
    let configs =
        crate::Config::federation_from_lookup(|n| vars.iter().find(|(k, _)| *k == n).map(|(_, v)| v.to_string()))
            .unwrap();
    let callback = configs[0].redirect_uri().path().to_owned();
    assert_eq!(callback, "/auth/proconnect/callback");
    let one = AuthRoutes::federation(configs.into_iter().map(FranceConnect::new)).unwrap();
    assert_eq!(
        one.context().platform_prefix(Platform::ProConnect),
        Some("/auth/proconnect")
    );
    let answer = get(&one, &format!("{callback}?error=access_denied"), "application/json").await;
    assert_ne!(answer.status(), StatusCode::NOT_FOUND, "{}", answer.body());
    assert_eq!(
        answer.status(),
        StatusCode::FORBIDDEN,
        "the provider's answer is read: {}",
        answer.body()
    );
    assert_eq!(
        get(&one, "/auth/callback", "text/html").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        routes().context().platform_prefix(Platform::FranceConnect),
        Some("/auth")
    );
}

#[test]
fn a_step_up_goes_to_the_platform_that_offers_the_level() {
    let ctx = federation().context().clone();
    use crate::protocol::eidas::Eidas;
    assert_eq!(
        ctx.platform_for_level(Eidas::Eidas2, Some(Platform::FranceConnect)),
        Some(Platform::FranceConnectPlus)
    );
    assert_eq!(
        ctx.platform_for_level(Eidas::Eidas1, None),
        Some(Platform::FranceConnect)
    );
    assert_eq!(
        ctx.platform_for_level(Eidas::Eidas3, None),
        Some(Platform::FranceConnectPlus)
    );
    assert_eq!(
        ctx.platform_for_level(Eidas::Eidas2, Some(Platform::ProConnect)),
        Some(Platform::ProConnect)
    );
    let citizens_only = AuthRoutes::federation([
        engine(Platform::FranceConnect, "http://localhost:3000"),
        engine(Platform::ProConnect, "http://localhost:3000"),
    ])
    .unwrap();
    assert_eq!(
        citizens_only
            .context()
            .platform_for_level(Eidas::Eidas2, Some(Platform::FranceConnect)),
        None
    );
    let guard = crate::web::adapter::Guard::new(Some(citizens_only.context()), None, "/coffre", Some("text/html"));
    let refusal = guard.require_level(Eidas::Eidas2).unwrap_err();
    assert_eq!(refusal.status(), 403, "no platform offers eidas2: said, not looped");
    let ctx = federation().context().clone();
    let guard = crate::web::adapter::Guard::new(Some(&ctx), None, "/agents", Some("text/html"));
    assert_eq!(
        guard.require_agent().unwrap_err().response().headers()["location"],
        "/auth/proconnect/login?return_to=%2Fagents"
    );
    assert_eq!(
        guard.require_pivot().unwrap_err().response().headers()["location"],
        "/auth/fc/login?return_to=%2Fagents"
    );
    assert_eq!(
        guard.require_user().unwrap_err().response().headers()["location"],
        "/auth/login?return_to=%2Fagents"
    );
}

#[tokio::test]
async fn the_pages_can_be_replaced() {
    let routes = routes().with_pages(crate::web::EnglishPages).with_prefix("/connexion");
    let page = get(&routes, "/connexion/nope", "text/html").await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(page.body().contains(r#"lang="en""#) && page.body().contains("This page does not exist."));
    let logout = get(&routes, "/connexion/logout", "text/html").await;
    assert!(logout.body().contains(r#"action="/connexion/logout""#) && logout.body().contains("Sign out"));
    // The guards' refusals too: the pages travel in the context.
    let agent_only = crate::web::adapter::Guard::new(
        Some(routes.context()),
        Some(&SignedInUser::for_tests("citizen")),
        "/agents",
        Some("text/html"),
    )
    .require_agent()
    .unwrap_err();
    assert!(agent_only.response().body().contains("This page is for agents"));
    // API clients keep their JSON.
    let api = get(&routes, "/connexion/nope", "application/json").await;
    assert!(api.body().contains("\"error\":\"not_found\""));
}

/// Issue 30 §1.1: the access token a handler gets, and the refusals of one
/// it cannot get, without a provider (nothing here can be renewed).
#[tokio::test]
async fn a_handler_gets_a_live_access_token_or_a_clear_refusal() {
    use crate::protocol::values::IssuedAccessToken;
    let routes = routes();
    let session = MapSession::default();
    let ctx = routes.context().clone();
    let live = user("alice").with_access_token(IssuedAccessToken::for_testing("live-token", crate::clock::now() + 60));
    fn guard<'a>(
        ctx: &'a crate::web::AuthContext,
        u: Option<&'a SignedInUser>,
        accept: &'static str,
    ) -> crate::web::adapter::Guard<'a> {
        crate::web::adapter::Guard::new(Some(ctx), u, "/documents?x=1", Some(accept))
    }
    let got = routes
        .access_token(&session, guard(&ctx, Some(&live), "application/json"))
        .await
        .unwrap();
    assert_eq!(got.token.secret(), "live-token");
    assert!(got.renewed_user.is_none());
    assert_eq!(
        guard(&ctx, Some(&live), "text/html")
            .require_access_token()
            .unwrap()
            .secret(),
        "live-token"
    );

    // FranceConnect's 60 seconds are over (or nearly): no way to renew it.
    let expired = user("alice").with_access_token(IssuedAccessToken::for_testing("old-token", crate::clock::now() + 3));
    let refusal = routes
        .access_token(&session, guard(&ctx, Some(&expired), "application/json"))
        .await
        .unwrap_err();
    assert_eq!(refusal.status(), 401);
    let body: serde_json::Value = serde_json::from_str(refusal.response().body()).unwrap();
    assert_eq!(body["error"], "access_token_expired");
    assert_eq!(body["login_url"], "/auth/login?return_to=%2Fdocuments%3Fx%3D1");
    assert!(!refusal.response().body().contains("old-token"));
    let page = routes
        .access_token(&session, guard(&ctx, Some(&expired), "text/html"))
        .await
        .unwrap_err();
    assert_eq!(page.status(), 401);
    assert!(
        page.response().body().contains("a expiré"),
        "{}",
        page.response().body()
    );
    assert!(
        page.response()
            .body()
            .contains(r#"href="/auth/login?return_to=%2Fdocuments%3Fx%3D1""#)
    );

    let refusal = routes
        .access_token(&session, guard(&ctx, Some(&user("bob")), "application/json"))
        .await
        .unwrap_err();
    assert!(refusal.response().body().contains("access_token_missing"));
    // Nobody signed in: as the `User` extractor.
    let refusal = routes
        .access_token(&session, guard(&ctx, None, "text/html"))
        .await
        .unwrap_err();
    assert_eq!(refusal.status(), 303);
    assert_eq!(
        refusal.response().headers()["location"],
        "/auth/login?return_to=%2Fdocuments%3Fx%3D1"
    );
    // Nothing was written, nobody signed out.
    assert!(session.data.lock().unwrap().is_empty());
}
