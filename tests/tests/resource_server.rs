//! Issue 30 §2–3, end to end: an API built with each adapter
//! (`franceconnect_axum::resource`, `franceconnect_actix::resource`) checks
//! the access tokens of real logins at the real mock, over HTTP on
//! loopback — ProConnect's introspection and FranceConnect's checktoken —
//! and answers as RFC 6750 says: the token's facts, `401` with a bare
//! challenge or `invalid_token`, `400`, `403 insufficient_scope`, and `503`
//! within the timeout once the provider is gone. A revoked token stops
//! within the cache time; the example `resource-server` answers alike.

use std::time::{Duration, Instant};

use franceconnect_mock::{Client, ClientKeys, DataProvider, MockHandle, MockProvider};
use franceconnect_tests::{CLIENT_ID, CLIENT_SECRET, POST_LOGOUT_URI, REDIRECT_URI, authorize, mock_platform};
use franceconnect_tower::resource::{ResourceConfig, ResourceServer};
use franceconnect_tower::{
    Config, EncryptionAlg, Environment, FranceConnect, LoginOptions, Platform, Scope, ServiceKeys,
};
use serde_json::{Value, json};

const API: &str = "e2e-api";
const API_SECRET: &str = "e2e-api-secret";
/// How long a live token's answer is reused here.
const CACHE: Duration = Duration::from_millis(700);
/// The API's timeout on the provider.
const TIMEOUT: Duration = Duration::from_secs(1);

/// The mock for `platform` with the service and the API registered; the
/// service's engine; the API's resource server.
async fn start(platform: Platform) -> (MockHandle, FranceConnect, ResourceServer) {
    let api_keys = ServiceKeys::generate(EncryptionAlg::EcdhEs).unwrap();
    let mut api = DataProvider::new(API, API_SECRET).scopes(["identite_pivot", "email"]);
    if platform != Platform::ProConnect {
        api = api.encryption(
            franceconnect_mock::EncryptionAlg::EcdhEs,
            ClientKeys::Inline(api_keys.public_jwks()),
        );
    }
    let mock = MockProvider::new(mock_platform(platform))
        .client(Client::new(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, POST_LOGOUT_URI))
        .data_provider(api)
        .start()
        .await
        .unwrap();
    mock.auto_approve(
        Some(if platform == Platform::ProConnect {
            "agent-etat"
        } else {
            "default"
        }),
        None,
    );
    let issuer = url::Url::parse(&mock.issuer()).unwrap();
    let fc = FranceConnect::new(
        Config::builder(platform, Environment::Custom(issuer.clone()))
            .client_id(CLIENT_ID)
            .client_secret(CLIENT_SECRET)
            .redirect_uri(REDIRECT_URI)
            .post_logout_redirect_uri(POST_LOGOUT_URI)
            .build()
            .unwrap(),
    );
    let mut config = ResourceConfig::builder(platform, Environment::Custom(issuer))
        .client_id(API)
        .client_secret(API_SECRET)
        .cache_ttl(CACHE)
        .http_timeout(TIMEOUT);
    if platform != Platform::ProConnect {
        config = config.service_keys(api_keys);
    }
    (mock, fc, ResourceServer::new(config.build().unwrap()))
}

/// A headless login of the service: the user's `sub` and access token.
async fn access_token(fc: &FranceConnect) -> (String, String) {
    let (url, pending) = fc.begin_login(LoginOptions::default()).await.unwrap();
    let user = fc.complete_login(&authorize(&url).await, &pending).await.unwrap();
    let token = user.access_token().expect("an access token").secret().to_owned();
    (user.sub, token)
}

/// The facts a handler answers with.
fn facts(token: &franceconnect_tower::resource::TokenInfo) -> Value {
    json!({
        "sub": token.sub,
        "client_id": token.client_id,
        "scope": token.scope_string(),
        "acr": token.acr.map(|a| a.as_str()),
        "family_name": token.identity.as_ref().map(|i| i.family_name.clone()),
    })
}

fn dgfip() -> Scope {
    "dgfip_rfr".parse().unwrap()
}

/// The axum API: `/api/resource` needs `email`, `/api/dgfip` needs
/// `dgfip_rfr`, `/api/any` checks the token in the extractor alone.
async fn serve_axum(api: ResourceServer) -> String {
    use axum::routing::get;
    use axum::{Extension, Json, Router};
    use franceconnect_axum::resource::{Bearer, RequireBearer};

    let handler = |Bearer(token): Bearer| async move { Json(facts(&token)) };
    let app = Router::new()
        .merge(
            Router::new()
                .route("/api/resource", get(handler))
                .route_layer(RequireBearer::new(api.clone()).scopes([Scope::Email])),
        )
        .merge(
            Router::new()
                .route("/api/dgfip", get(handler))
                .route_layer(RequireBearer::new(api.clone()).scopes([dgfip()])),
        )
        .merge(Router::new().route("/api/any", get(handler)).layer(Extension(api)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

/// The same API on actix-web.
fn serve_actix(api: ResourceServer) -> (String, actix_web::dev::ServerHandle) {
    use actix_web::{App, HttpServer, web};
    use franceconnect_actix::resource::{Bearer, RequireBearer};

    async fn handler(Bearer(token): Bearer) -> web::Json<Value> {
        web::Json(facts(&token))
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(api.clone()))
            .service(
                web::scope("/api/resource")
                    .wrap(RequireBearer::new(api.clone()).scopes([Scope::Email]))
                    .route("", web::get().to(handler)),
            )
            .service(
                web::scope("/api/dgfip")
                    .wrap(RequireBearer::new(api.clone()).scopes([dgfip()]))
                    .route("", web::get().to(handler)),
            )
            .route("/api/any", web::get().to(handler))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .unwrap()
    .run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    (format!("http://{addr}"), handle)
}

struct Answer {
    status: u16,
    challenge: String,
    body: Value,
}

async fn get(url: &str, authorization: Option<&str>) -> Answer {
    let mut request = reqwest::Client::new().get(url).timeout(Duration::from_secs(10));
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap_or(Value::Null);
    Answer {
        status,
        challenge,
        body,
    }
}

/// Everything an API must answer, at `base`, for `platform`'s tokens.
async fn exercise(platform: Platform, base: &str, mock: MockHandle, fc: &FranceConnect) {
    let (sub, token) = access_token(fc).await;
    let bearer = format!("Bearer {token}");
    let resource = format!("{base}/api/resource");

    let ok = get(&resource, Some(&bearer)).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.body["client_id"], CLIENT_ID);
    if platform == Platform::ProConnect {
        assert_eq!(ok.body["sub"], sub.as_str(), "ProConnect's sub is the service's");
    } else {
        assert_ne!(ok.body["sub"], sub.as_str(), "pairwise for the data provider");
        assert_eq!(ok.body["acr"], "eidas1");
        assert_eq!(ok.body["scope"], "identite_pivot email");
        assert_eq!(ok.body["family_name"], mock.identities()[0].family_name.as_str());
    }
    let any = get(&format!("{base}/api/any"), Some(&bearer)).await;
    assert_eq!(any.status, 200, "the extractor alone: {}", any.body);

    let missing = get(&resource, None).await;
    assert_eq!(
        (missing.status, missing.challenge.as_str()),
        (401, r#"Bearer realm="api""#)
    );
    let basic = get(&resource, Some("Basic YTpi")).await;
    assert_eq!((basic.status, basic.challenge.as_str()), (401, r#"Bearer realm="api""#));
    let garbage = get(&resource, Some("Bearer garbage-token")).await;
    assert_eq!(garbage.status, 401);
    assert!(
        garbage.challenge.contains(r#"error="invalid_token""#),
        "{}",
        garbage.challenge
    );
    assert_eq!(garbage.body["error"], "invalid_token");
    let malformed = get(&resource, Some("Bearer two words")).await;
    assert_eq!(malformed.status, 400);
    assert!(malformed.challenge.contains(r#"error="invalid_request""#));
    let scope = get(&format!("{base}/api/dgfip"), Some(&bearer)).await;
    assert_eq!(scope.status, 403);
    assert!(
        scope.challenge.contains(r#"error="insufficient_scope""#) && scope.challenge.ends_with(r#"scope="dgfip_rfr""#),
        "{}",
        scope.challenge
    );

    // Revoked at the mock (as the service's logout does): refused within
    // the cache time.
    let revoked = reqwest::Client::new()
        .post(format!("{}/token/revocation", mock.issuer()))
        .form(&[
            ("token", token.as_str()),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    let since = Instant::now();
    loop {
        let answer = get(&resource, Some(&bearer)).await;
        if answer.status == 401 {
            break;
        }
        assert_eq!(answer.status, 200);
        assert!(
            since.elapsed() < CACHE,
            "a revoked token still works after the cache time"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The provider is gone: 503 within the timeout, never a hang.
    mock.shutdown().await;
    let since = Instant::now();
    let down = get(&resource, Some("Bearer another-token-as-long-as-the-platform-s")).await;
    assert_eq!(down.status, 503, "{}", down.body);
    assert!(down.challenge.is_empty());
    assert!(
        since.elapsed() < TIMEOUT + Duration::from_secs(1),
        "{:?}",
        since.elapsed()
    );
}

#[tokio::test]
async fn axum_api_on_proconnect() {
    let (mock, fc, api) = start(Platform::ProConnect).await;
    let base = serve_axum(api).await;
    exercise(Platform::ProConnect, &base, mock, &fc).await;
}

#[tokio::test]
async fn axum_api_on_franceconnect() {
    let (mock, fc, api) = start(Platform::FranceConnect).await;
    let base = serve_axum(api).await;
    exercise(Platform::FranceConnect, &base, mock, &fc).await;
}

#[actix_web::test]
async fn actix_api_on_proconnect() {
    let (mock, fc, api) = start(Platform::ProConnect).await;
    let (base, server) = serve_actix(api);
    exercise(Platform::ProConnect, &base, mock, &fc).await;
    server.stop(false).await;
}

#[actix_web::test]
async fn actix_api_on_franceconnect() {
    let (mock, fc, api) = start(Platform::FranceConnect).await;
    let (base, server) = serve_actix(api);
    exercise(Platform::FranceConnect, &base, mock, &fc).await;
    server.stop(false).await;
}

/// The example, on its embedded mock: a demo token opens `/api/resource`,
/// and `RESOURCE_SCOPES` it lacks closes it.
#[tokio::test]
async fn the_example_answers_alike() {
    for (platform, scopes, expected) in [
        ("fc", "email", 200),
        ("proconnect", "", 200),
        ("fcplus", "dgfip_rfr", 403),
    ] {
        let running = resource_server::start(resource_server::Settings::from_pairs([
            ("BIND", "127.0.0.1:0"),
            ("FC_PLATFORM", platform),
            ("RESOURCE_SCOPES", scopes),
        ]))
        .await
        .unwrap();
        let base = format!("http://{}", running.addr);
        let demo = get(&format!("{base}/demo/token"), None).await;
        assert_eq!(demo.status, 200, "{platform}: {}", demo.body);
        let token = demo.body["access_token"].as_str().unwrap();
        let answer = get(&format!("{base}/api/resource"), Some(&format!("Bearer {token}"))).await;
        assert_eq!(answer.status, expected, "{platform}: {}", answer.body);
        if expected == 200 {
            assert_eq!(answer.body["client_id"], "demo-service");
        }
        if platform == "fc" {
            assert_eq!(answer.body["acr"], "eidas1");
            assert!(answer.body["identity"]["family_name"].is_string());
        }
        let jwks = get(&format!("{base}/.well-known/jwks.json"), None).await;
        assert_eq!(jwks.status, 200);
        assert_eq!(
            jwks.body["keys"].as_array().unwrap().is_empty(),
            platform == "proconnect",
            "{platform}"
        );
        assert_eq!(get(&format!("{base}/api/resource"), None).await.status, 401);
    }
}
