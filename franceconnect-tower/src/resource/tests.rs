//! The resource server against the real mock provider, over HTTP on
//! loopback: tokens from real logins, checked through FranceConnect's
//! checktoken and ProConnect's introspection; refusals, outages, key
//! rotation, the cache.

use std::time::{Duration, Instant};

use franceconnect_mock::{Client, ClientKeys, DataProvider, Endpoint, Failure, MockHandle, MockProvider};
use url::Url;

use super::*;
use crate::client::FranceConnect;
use crate::config::{Config, Environment, Platform, Scope};
use crate::flow::{CallbackParams, LoginOptions};
use crate::identity::SignedInUser;
use crate::jose::{EncryptionAlg, ServiceKeys};
use crate::protocol::acr::Acr;

const SERVICE: &str = "service";
const SERVICE_SECRET: &str = "service-secret";
const API: &str = "api";
const API_SECRET: &str = "api-secret";
const REDIRECT: &str = "http://127.0.0.1:3000/auth/callback";
const LOGOUT: &str = "http://127.0.0.1:3000/auth/logout/callback";

fn mock_platform(platform: Platform) -> franceconnect_mock::Platform {
    match platform {
        Platform::FranceConnect => franceconnect_mock::Platform::FranceConnect,
        Platform::FranceConnectPlus => franceconnect_mock::Platform::FranceConnectPlus,
        Platform::ProConnect => franceconnect_mock::Platform::ProConnect,
    }
}

/// The mock for `platform` with the service and `api` registered, and the
/// service's engine. FranceConnect+ encrypts the service's tokens too.
async fn start(platform: Platform, api: DataProvider) -> (MockHandle, FranceConnect) {
    let service_keys = ServiceKeys::generate(EncryptionAlg::EcdhEs).unwrap();
    let mut client = Client::new(SERVICE, SERVICE_SECRET, REDIRECT, LOGOUT);
    if platform == Platform::FranceConnectPlus {
        client = client.encryption(
            franceconnect_mock::EncryptionAlg::EcdhEs,
            ClientKeys::Inline(service_keys.public_jwks()),
        );
    }
    let mock = MockProvider::new(mock_platform(platform))
        .client(client)
        .data_provider(api)
        .start()
        .await
        .unwrap();
    let mut builder = Config::builder(platform, Environment::Custom(Url::parse(&mock.issuer()).unwrap()))
        .client_id(SERVICE)
        .client_secret(SERVICE_SECRET)
        .redirect_uri(REDIRECT)
        .post_logout_redirect_uri(LOGOUT);
    if platform == Platform::FranceConnectPlus {
        builder = builder.service_keys(service_keys);
    }
    let agent = if platform == Platform::ProConnect {
        "agent-etat"
    } else {
        "default"
    };
    mock.auto_approve(Some(agent), None);
    (mock, FranceConnect::new(builder.build().unwrap()))
}

/// A whole headless login, and its access token.
async fn login(fc: &FranceConnect) -> (SignedInUser, String) {
    let (url, pending) = fc.begin_login(LoginOptions::default()).await.unwrap();
    let resp = http().get(url).send().await.unwrap();
    assert!(resp.status().is_redirection(), "{}", resp.status());
    let location = Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap();
    let params = CallbackParams::from_query(location.query().unwrap_or_default());
    let user = fc.complete_login(&params, &pending).await.unwrap();
    let stored = crate::__private::stored_form(&user);
    let token = stored["access_token"]["token"]
        .as_str()
        .expect("an access token")
        .to_owned();
    (user, token)
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// The API's configuration on the mock.
fn api_config(platform: Platform, mock: &MockHandle) -> ResourceConfigBuilder {
    ResourceConfig::builder(platform, Environment::Custom(Url::parse(&mock.issuer()).unwrap()))
        .client_id(API)
        .client_secret(API_SECRET)
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Revokes `token` at the mock, as the service's logout does.
async fn revoke(mock: &MockHandle, token: &str) {
    let resp = http()
        .post(format!("{}/token/revocation", mock.issuer()))
        .form(&[
            ("token", token),
            ("client_id", SERVICE),
            ("client_secret", SERVICE_SECRET),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

fn challenge(refusal: &Refusal) -> String {
    refusal
        .response()
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_proconnect_token_is_accepted_in_json_and_signed() {
    let (mock, fc) = start(Platform::ProConnect, DataProvider::new(API, API_SECRET)).await;
    let (user, token) = login(&fc).await;
    for signed in [false, true] {
        let api = ResourceServer::new(
            api_config(Platform::ProConnect, &mock)
                .signed_introspection(signed)
                .build()
                .unwrap(),
        );
        let info = api
            .authorize(Some(&bearer(&token)), &[Scope::Email])
            .await
            .unwrap_or_else(|r| panic!("signed {signed}: {r}"));
        assert_eq!(info.sub, user.sub, "ProConnect's sub is the one the service saw");
        assert_eq!(info.client_id.as_str(), SERVICE);
        assert!(info.has_scope(&Scope::Siret) && info.has_scope(&Scope::OpenId));
        assert!(info.expires_at > crate::clock::now() + 3000, "an hour's token");
        assert_eq!(info.platform, Platform::ProConnect);
        assert!(info.identity.is_none());
    }
    assert_eq!(mock.request_count(Endpoint::Introspection), 2);
}

#[tokio::test]
async fn refusals_follow_rfc_6750() {
    let (mock, fc) = start(Platform::ProConnect, DataProvider::new(API, API_SECRET)).await;
    let (_, token) = login(&fc).await;
    let api = ResourceServer::new(api_config(Platform::ProConnect, &mock).realm("demo").build().unwrap());
    // No token: a bare challenge.
    let missing = api.authorize(None, &[]).await.unwrap_err();
    assert_eq!(missing.kind(), RefusalKind::MissingToken);
    assert_eq!(missing.status(), 401);
    assert_eq!(challenge(&missing), r#"Bearer realm="demo""#);
    let basic = api.authorize(Some("Basic YTpi"), &[]).await.unwrap_err();
    assert_eq!(basic.kind(), RefusalKind::MissingToken);
    // Malformed: 400, the provider not asked.
    let before = mock.request_count(Endpoint::Introspection);
    for bad in ["Bearer", "Bearer a b", "Bearer {}"] {
        let r = api.authorize(Some(bad), &[]).await.unwrap_err();
        assert_eq!(r.status(), 400, "{bad}");
        assert!(challenge(&r).contains(r#"error="invalid_request""#));
    }
    // Too long: invalid, the provider not asked.
    let long = api.authorize(Some(&bearer(&"a".repeat(5000))), &[]).await.unwrap_err();
    assert_eq!(long.kind(), RefusalKind::InvalidToken);
    assert_eq!(mock.request_count(Endpoint::Introspection), before);
    // Garbage: asked, inactive.
    // Made up: too short for a platform's token, refused without asking
    // it; as long as one, asked once, then the refusal is cached.
    let asked = mock.request_count(Endpoint::Introspection);
    let garbage = api.authorize(Some("Bearer not-a-token"), &[]).await.unwrap_err();
    assert_eq!(garbage.status(), 401);
    assert!(challenge(&garbage).starts_with(r#"Bearer realm="demo", error="invalid_token""#));
    let short = "x".repeat(MIN_TOKEN_LEN - 1);
    let check = api
        .check(
            &BearerToken::from_authorization(Some(&bearer(&short)), 4096)
                .unwrap()
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(
        matches!(check, TokenCheck::Inactive(InactiveReason::TooShort)),
        "{check:?}"
    );
    assert_eq!(mock.request_count(Endpoint::Introspection), asked, "not asked");
    let made_up = bearer(&"x".repeat(43));
    let long_enough = api.authorize(Some(&made_up), &[]).await.unwrap_err();
    assert_eq!(long_enough.kind(), RefusalKind::InvalidToken);
    assert_eq!(mock.request_count(Endpoint::Introspection), asked + 1, "asked");
    assert!(token.len() >= MIN_TOKEN_LEN, "the mock's tokens pass: {}", token.len());
    // A live token without the scope the route needs.
    let dgfip: Scope = "dgfip_rfr".parse().unwrap();
    let scope = api
        .authorize(Some(&bearer(&token)), &[Scope::Email, dgfip.clone()])
        .await
        .unwrap_err();
    assert_eq!(scope.status(), 403);
    assert!(
        challenge(&scope).ends_with(r#"error="insufficient_scope", error_description="the access token does not grant the scope this resource needs", scope="email dgfip_rfr""#),
        "{}",
        challenge(&scope)
    );
    // Another service's token, when only some services are accepted.
    let only_others = ResourceServer::new(
        api_config(Platform::ProConnect, &mock)
            .allowed_clients(["someone-else"])
            .build()
            .unwrap(),
    );
    let foreign = only_others.authorize(Some(&bearer(&token)), &[]).await.unwrap_err();
    assert_eq!(foreign.kind(), RefusalKind::InvalidToken);
    let token = BearerToken::from_authorization(Some(&bearer(&token)), 4096)
        .unwrap()
        .unwrap();
    assert!(matches!(
        only_others.check(&token).await.unwrap(),
        TokenCheck::Inactive(InactiveReason::ForeignClient)
    ));
}

#[tokio::test]
async fn a_revoked_token_stops_within_the_cache_time() {
    let (mock, fc) = start(Platform::ProConnect, DataProvider::new(API, API_SECRET)).await;
    let (_, token) = login(&fc).await;
    let ttl = Duration::from_millis(800);
    let api = ResourceServer::new(api_config(Platform::ProConnect, &mock).cache_ttl(ttl).build().unwrap());
    let header = bearer(&token);
    api.authorize(Some(&header), &[]).await.unwrap();
    api.authorize(Some(&header), &[]).await.unwrap();
    assert_eq!(
        mock.request_count(Endpoint::Introspection),
        1,
        "the second answer came from the cache"
    );
    revoke(&mock, &token).await;
    let revoked_at = Instant::now();
    // Within the TTL the cached answer may still open the API; past it, never.
    loop {
        match api.authorize(Some(&header), &[]).await {
            Ok(_) => assert!(revoked_at.elapsed() < ttl, "still accepted after the cache time"),
            Err(r) => {
                assert_eq!(r.kind(), RefusalKind::InvalidToken);
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(revoked_at.elapsed() < ttl + Duration::from_millis(500));
    // The refusal is cached briefly too: one more request at most.
    let asked = mock.request_count(Endpoint::Introspection);
    api.authorize(Some(&header), &[]).await.unwrap_err();
    assert_eq!(mock.request_count(Endpoint::Introspection), asked);
}

#[tokio::test]
async fn a_provider_down_or_slow_is_503_within_the_timeout() {
    // Nothing listens there.
    let closed = ResourceServer::new(
        ResourceConfig::builder(
            Platform::ProConnect,
            Environment::Custom(Url::parse("http://127.0.0.1:9/api/v2").unwrap()),
        )
        .client_id(API)
        .client_secret(API_SECRET)
        .http_timeout(Duration::from_secs(1))
        .build()
        .unwrap(),
    );
    let started = Instant::now();
    let r = closed.authorize(Some(&bearer(&"a".repeat(43))), &[]).await.unwrap_err();
    assert_eq!((r.kind(), r.status().as_u16()), (RefusalKind::Unavailable, 503));
    assert!(r.response().headers().contains_key("retry-after"));
    assert!(started.elapsed() < Duration::from_secs(3));

    // A provider that answers too late.
    let (mock, fc) = start(Platform::ProConnect, DataProvider::new(API, API_SECRET)).await;
    let (_, token) = login(&fc).await;
    let api = ResourceServer::new(
        api_config(Platform::ProConnect, &mock)
            .http_timeout(Duration::from_millis(400))
            .build()
            .unwrap(),
    );
    mock.set_failure(Endpoint::Introspection, Some(Failure::Slow(Duration::from_secs(5))));
    let started = Instant::now();
    let token = BearerToken::from_authorization(Some(&bearer(&token)), 4096)
        .unwrap()
        .unwrap();
    let e = api.check(&token).await.unwrap_err();
    assert!(e.is_unavailable() && e.is_timeout(), "{e}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    for failure in [
        Failure::ServerError,
        Failure::Garbage,
        Failure::Oversized,
        Failure::RedirectElsewhere,
    ] {
        mock.set_failure(Endpoint::Introspection, Some(failure));
        let r = api.authorize(Some(&bearer(token.secret())), &[]).await.unwrap_err();
        assert_eq!(r.status(), 503, "{failure:?}");
    }
    // The mock stopped: still 503.
    mock.set_failure(Endpoint::Introspection, None);
    mock.shutdown().await;
    let r = api.authorize(Some(&bearer(token.secret())), &[]).await.unwrap_err();
    assert_eq!(r.status(), 503);
}

/// At most `max_concurrent_checks` checks wait for the provider: one more
/// waits for a place at most the timeout, then is answered `503` without
/// a request; a place freed in time lets it through.
#[tokio::test]
async fn concurrent_checks_are_bounded() {
    let (mock, _fc) = start(Platform::ProConnect, DataProvider::new(API, API_SECRET)).await;
    let api = ResourceServer::new(
        api_config(Platform::ProConnect, &mock)
            .max_concurrent_checks(2)
            .http_timeout(Duration::from_millis(300))
            .negative_cache_ttl(Duration::ZERO)
            .build()
            .unwrap(),
    );
    let made_up = BearerToken::from_authorization(Some(&bearer(&"x".repeat(43))), 4096)
        .unwrap()
        .unwrap();
    let held = api.inner.checks.acquire_many(2).await.unwrap();
    let asked = mock.request_count(Endpoint::Introspection);
    let started = Instant::now();
    let e = api.check(&made_up).await.unwrap_err();
    assert!(e.is_saturated() && e.is_unavailable(), "{e}");
    assert_eq!(e.label(), "too_many_checks");
    assert!(started.elapsed() >= Duration::from_millis(300), "waited the timeout");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    let r = api.authorize(Some(&bearer(made_up.secret())), &[]).await.unwrap_err();
    assert_eq!((r.kind(), r.status().as_u16()), (RefusalKind::Unavailable, 503));
    assert_eq!(mock.request_count(Endpoint::Introspection), asked, "never sent");
    // A place freed while it waits: the check goes on.
    let free = async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        drop(held);
    };
    let (check, ()) = tokio::join!(api.check(&made_up), free);
    let check = check.unwrap();
    assert!(
        matches!(check, TokenCheck::Inactive(InactiveReason::NotActive)),
        "{check:?}"
    );
    assert_eq!(mock.request_count(Endpoint::Introspection), asked + 1);
    assert_eq!(api.inner.checks.available_permits(), 2, "every place given back");
    assert!(
        ResourceConfig::builder(Platform::ProConnect, Environment::Sandbox)
            .client_id(API)
            .client_secret(API_SECRET)
            .max_concurrent_checks(0)
            .build()
            .is_err()
    );
    assert_eq!(
        ResourceConfig::builder(Platform::ProConnect, Environment::Sandbox)
            .client_id(API)
            .client_secret(API_SECRET)
            .build()
            .unwrap()
            .max_concurrent_checks,
        DEFAULT_MAX_CONCURRENT_CHECKS
    );
}

#[tokio::test]
async fn wrong_credentials_are_a_typed_error() {
    let (mock, fc) = start(Platform::ProConnect, DataProvider::new(API, API_SECRET)).await;
    let (_, token) = login(&fc).await;
    let wrong = ResourceServer::new(
        api_config(Platform::ProConnect, &mock)
            .client_secret("not-the-secret")
            .build()
            .unwrap(),
    );
    let token = BearerToken::from_authorization(Some(&bearer(&token)), 4096)
        .unwrap()
        .unwrap();
    let e = wrong.check(&token).await.unwrap_err();
    assert!(e.is_invalid_client() && !e.is_unavailable(), "{e}");
    assert_eq!(e.label(), "invalid_client");
    assert!(!e.to_string().contains(token.secret()));
    // Signed answers asked of a registration that has none: refused.
    let (mock, fc) = start(
        Platform::ProConnect,
        DataProvider::new(API, API_SECRET).unsigned_introspection(),
    )
    .await;
    let (_, token) = login(&fc).await;
    let api = ResourceServer::new(
        api_config(Platform::ProConnect, &mock)
            .signed_introspection(true)
            .build()
            .unwrap(),
    );
    let token = BearerToken::from_authorization(Some(&bearer(&token)), 4096)
        .unwrap()
        .unwrap();
    assert!(api.check(&token).await.unwrap_err().is_invalid_answer());
}

/// Several keys of the data provider, the answer encrypted to the second
/// (the first of what it registered), then the provider's signing keys
/// rotated: still decrypted and verified.
#[tokio::test]
async fn franceconnect_checktoken_with_several_keys_and_a_rotation() {
    let first = ServiceKeys::generate(EncryptionAlg::EcdhEs).unwrap();
    let second = ServiceKeys::generate(EncryptionAlg::EcdhEs).unwrap();
    let both = first.clone().merge(second.clone()).unwrap();
    let registered = DataProvider::new(API, API_SECRET)
        .scopes(["identite_pivot", "email", "dgfip_rfr"])
        .signing_alg(franceconnect_mock::SigningAlg::RS256)
        .encryption(
            franceconnect_mock::EncryptionAlg::EcdhEs,
            ClientKeys::Inline(second.public_jwks()),
        );
    let (mock, fc) = start(Platform::FranceConnect, registered).await;
    let (user, token) = login(&fc).await;
    let api = ResourceServer::new(
        api_config(Platform::FranceConnect, &mock)
            .service_keys(both)
            .cache_ttl(Duration::ZERO)
            .build()
            .unwrap(),
    );
    let info = api.authorize(Some(&bearer(&token)), &[Scope::Email]).await.unwrap();
    assert_eq!(info.client_id.as_str(), SERVICE);
    assert_eq!(info.acr, Some(Acr::Eidas1));
    assert_ne!(info.sub, user.sub, "pairwise for the data provider");
    assert_eq!(info.sub.len(), 66);
    assert_eq!(
        info.scope_string(),
        "identite_pivot email",
        "the token's scopes this data provider serves"
    );
    let person = info.identity.as_ref().expect("the register's identity");
    let default = &mock.identities()[0];
    assert_eq!(person.family_name, default.family_name);
    assert_eq!(person.birthdate.to_string(), default.birthdate);
    assert!(
        !format!("{info:?}").contains(&default.family_name),
        "Debug hides the identity"
    );
    let json = serde_json::to_value(&info).unwrap();
    assert!(
        !json.to_string().contains(&default.family_name)
            && json.get("identity").is_none()
            && json.get("claims").is_none(),
        "Serialize leaves the identity out: {json}"
    );
    assert_eq!(json["sub"], info.sub.as_str(), "the rest is there");
    // The provider rotates its signing keys: the JWKS is fetched again.
    mock.rotate_signing_key();
    api.authorize(Some(&bearer(&token)), &[]).await.unwrap();
    // Only the first key: the answer cannot be decrypted.
    let only_first = ResourceServer::new(
        api_config(Platform::FranceConnect, &mock)
            .service_keys(first)
            .build()
            .unwrap(),
    );
    let t = BearerToken::from_authorization(Some(&bearer(&token)), 4096)
        .unwrap()
        .unwrap();
    let e = only_first.check(&t).await.unwrap_err();
    assert!(e.is_invalid_answer(), "{e}");
    assert_eq!(
        only_first
            .authorize(Some(&bearer(&token)), &[])
            .await
            .unwrap_err()
            .status(),
        503
    );
    // Revoked: inactive.
    revoke(&mock, &token).await;
    let r = api.authorize(Some(&bearer(&token)), &[]).await.unwrap_err();
    assert_eq!(r.kind(), RefusalKind::InvalidToken);
}

#[tokio::test]
async fn franceconnect_plus_checktoken_with_a_generated_rsa_key() {
    let (mock, fc) = start(
        Platform::FranceConnectPlus,
        DataProvider::new(API, API_SECRET)
            .scopes(["email"])
            .generated_key(franceconnect_mock::EncryptionAlg::RsaOaep256),
    )
    .await;
    let (_, token) = login(&fc).await;
    let jwks = mock.data_provider_private_jwks(API).expect("generated");
    let keys = ServiceKeys::from_jwks_json(&jwks.to_string()).unwrap();
    assert_eq!(keys.algorithms(), [EncryptionAlg::RsaOaep256]);
    let api = ResourceServer::new(
        api_config(Platform::FranceConnectPlus, &mock)
            .service_keys(keys)
            .build()
            .unwrap(),
    );
    let info = api.authorize(Some(&bearer(&token)), &[Scope::Email]).await.unwrap();
    assert!(
        info.acr
            .is_some_and(|a| a.reaches(crate::protocol::eidas::Eidas::Eidas2))
    );
    // Garbage and the mock's refusals.
    assert_eq!(
        api.authorize(Some("Bearer garbage"), &[]).await.unwrap_err().kind(),
        RefusalKind::InvalidToken
    );
    let checktoken = format!("{}/checktoken", mock.issuer());
    let post = |form: Vec<(&'static str, String)>| {
        let url = checktoken.clone();
        async move {
            let resp = http().post(url).form(&form).send().await.unwrap();
            let status = resp.status().as_u16();
            let body: serde_json::Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
            (status, body)
        }
    };
    let creds = || {
        vec![
            ("token", token.clone()),
            ("client_id", API.to_owned()),
            ("client_secret", API_SECRET.to_owned()),
        ]
    };
    let mut extra = creds();
    extra.push(("token_type_hint", "access_token".into()));
    let (status, body) = post(extra).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request")));
    let mut wrong = creds();
    wrong[2].1 = "wrong".into();
    let (status, body) = post(wrong).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")));
}

#[tokio::test]
async fn the_configuration_is_checked_at_build() {
    let env = || Environment::Custom(Url::parse("http://127.0.0.1:4000/api/v2").unwrap());
    let base = |p| ResourceConfig::builder(p, env()).client_id("a").client_secret("s");
    let e = base(Platform::FranceConnect).build().unwrap_err();
    assert!(e.to_string().contains("encryption key set is required"), "{e}");
    let keys = ServiceKeys::generate(EncryptionAlg::EcdhEs).unwrap();
    assert!(base(Platform::ProConnect).service_keys(keys.clone()).build().is_err());
    assert!(
        base(Platform::FranceConnect)
            .service_keys(keys.clone())
            .signed_introspection(true)
            .build()
            .is_err()
    );
    assert!(base(Platform::ProConnect).realm("a\"b").build().is_err());
    assert!(
        base(Platform::ProConnect)
            .cache_ttl(Duration::from_secs(301))
            .build()
            .is_err()
    );
    assert!(base(Platform::ProConnect).http_timeout(Duration::ZERO).build().is_err());
    assert!(base(Platform::ProConnect).max_token_bytes(10).build().is_err());
    assert!(
        ResourceConfig::builder(Platform::ProConnect, env())
            .client_id("a")
            .build()
            .is_err()
    );
    let plain = ResourceConfig::builder(
        Platform::ProConnect,
        Environment::Custom(Url::parse("http://api.example/api/v2").unwrap()),
    );
    assert!(
        plain.client_id("a").client_secret("s").build().is_err(),
        "plain http off loopback"
    );
    let fc = base(Platform::FranceConnectPlus).service_keys(keys).build().unwrap();
    assert_eq!(fc.signing_algorithms(), [crate::jose::SigningAlg::Es256]);
    assert_eq!(fc.cache_ttl(), Duration::from_secs(3));
    assert!(!format!("{fc:?}").contains("\"s\""), "no secret in Debug");
    let server = ResourceServer::new(fc);
    let published = server.public_jwks();
    assert_eq!(published["keys"].as_array().unwrap().len(), 1);
    assert!(published["keys"][0].get("d").is_none());
}

/// What the platforms' own code answers and the mock does not (yet) say:
/// `oidc-provider` (ProConnect's) introspects a live refresh token as
/// active with no `token_type`; FranceConnect keeps in `scope` only this
/// data provider's scopes, maybe none; scope lists grow.
#[test]
fn answers_that_open_no_api() {
    let env = || Environment::Custom(Url::parse("http://127.0.0.1:4000/api/v2").unwrap());
    let keys = ServiceKeys::generate(EncryptionAlg::EcdhEs).unwrap();
    let proconnect = ResourceConfig::builder(Platform::ProConnect, env())
        .client_id("api")
        .client_secret("s")
        .build()
        .unwrap();
    let franceconnect = ResourceConfig::builder(Platform::FranceConnect, env())
        .client_id("api")
        .client_secret("s")
        .service_keys(keys)
        .build()
        .unwrap();
    let exp = crate::clock::now() + 3600;
    let live = |extra: serde_json::Value| {
        let mut ti = serde_json::json!({"active": true, "sub": "s", "client_id": "svc", "aud": "svc",
                                        "exp": exp, "scope": "openid given_name"});
        ti.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        ti.as_object().unwrap().clone()
    };
    let refresh = answer::proconnect(&proconnect, &live(serde_json::json!({}))).unwrap();
    assert!(matches!(
        refresh,
        TokenCheck::Inactive(InactiveReason::NotAnAccessToken)
    ));
    let access = answer::proconnect(&proconnect, &live(serde_json::json!({"token_type": "Bearer"}))).unwrap();
    assert!(matches!(access, TokenCheck::Active(_)));
    // An odd scope is left out, the answer still read.
    let odd = live(serde_json::json!({"token_type": "Bearer", "scope": format!("openid {}", "é".repeat(80))}));
    let TokenCheck::Active(info) = answer::proconnect(&proconnect, &odd).unwrap() else {
        panic!("a live token");
    };
    assert_eq!(info.scopes, [Scope::OpenId]);

    let none = answer::franceconnect(&franceconnect, &live(serde_json::json!({"scope": ""}))).unwrap();
    assert!(matches!(
        none,
        TokenCheck::Inactive(InactiveReason::NoScopeOfThisProvider)
    ));
    let served = answer::franceconnect(&franceconnect, &live(serde_json::json!({"scope": "dgfip_rfr"}))).unwrap();
    assert!(matches!(served, TokenCheck::Active(_)));
}
