//! `private_key_jwt`: the mock verifies client assertions as the platform's
//! oidc-provider does (signature against the client's JWKS, each claim, a
//! single-use `jti`), and accepts only the method a client registered.

mod common;

use common::*;
use franceconnect_mock::{ClientKeys, MockHandle, MockProvider, Platform};
use josekit::jwk::Jwk;
use josekit::jwk::alg::ec::EcCurve;
use josekit::jws::JwsHeader;
use josekit::jwt::JwtPayload;
use serde_json::{Map, Value, json};

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// An ES256 key pair for the client: the private JWK and its public set.
fn client_signing_key(kid: &str) -> (Jwk, Value) {
    let mut private = Jwk::generate_ec_key(EcCurve::P256).unwrap();
    private.set_key_id(kid);
    let mut public = private.to_public_key().unwrap();
    public.set_key_id(kid);
    public.set_key_use("sig");
    public.set_algorithm("ES256");
    (private, json!({ "keys": [Value::Object(public.as_ref().clone())] }))
}

/// A mock on `platform` with `jwt-app` registered for `private_key_jwt`
/// (with `jwks`) and `app` for secrets.
async fn mock_with(platform: Platform, jwks: Value) -> MockHandle {
    let mut provider = MockProvider::new(platform);
    let mut jwt_app = fc_client("jwt-app").private_key_jwt(ClientKeys::Inline(jwks.clone()));
    let mut app = fc_client("app");
    if platform == Platform::FranceConnectPlus {
        let (_, enc) = client_key(franceconnect_mock::EncryptionAlg::EcdhEs, "enc");
        jwt_app = jwt_app.encryption(
            franceconnect_mock::EncryptionAlg::EcdhEs,
            ClientKeys::Inline(enc.clone()),
        );
        app = app.encryption(franceconnect_mock::EncryptionAlg::EcdhEs, ClientKeys::Inline(enc));
    }
    provider = provider.client(jwt_app).client(app);
    provider.start().await.unwrap()
}

/// The claims of a correct assertion for `jwt-app`.
fn good_claims(mock: &MockHandle) -> Map<String, Value> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    json!({
        "iss": "jwt-app",
        "sub": "jwt-app",
        "aud": format!("{}/token", mock.issuer()),
        "jti": format!("jti-{}", rand_suffix()),
        "iat": now,
        "exp": now + 60,
    })
    .as_object()
    .unwrap()
    .clone()
}

fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    format!("{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

/// Signs `claims` with `key`, naming `kid` in the header (josekit would
/// write the key's own kid over it: the key is used without one).
fn sign(claims: &Map<String, Value>, key: &Jwk, kid: &str) -> String {
    let mut header = JwsHeader::new();
    header.set_token_type("JWT");
    header.set_key_id(kid);
    let mut bare = key.as_ref().clone();
    bare.remove("kid");
    let signer = josekit::jws::ES256
        .signer_from_jwk(&Jwk::from_map(bare).unwrap())
        .unwrap();
    josekit::jwt::encode_with_signer(&JwtPayload::from_map(claims.clone()).unwrap(), &header, &signer).unwrap()
}

/// Redeems a fresh code of `client` with `auth` as its authentication
/// fields, at `acr`; returns the status, the OAuth `error` and its
/// description (empty on success).
async fn redeem_with(mock: &MockHandle, client: &str, acr: &str, auth: &[(&str, String)]) -> (u16, String, String) {
    let code = code(mock, &authorize_url(mock, client, acr, &[])).await;
    let mut form: Vec<(&str, String)> = vec![
        ("grant_type", "authorization_code".into()),
        ("code", code),
        ("redirect_uri", CALLBACK.into()),
    ];
    form.extend(auth.iter().cloned());
    let response = http()
        .post(format!("{}/token", mock.issuer()))
        .form(&form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap_or(Value::Null);
    (
        status,
        body["error"].as_str().unwrap_or_default().to_owned(),
        body["error_description"].as_str().unwrap_or_default().to_owned(),
    )
}

fn assertion_fields(assertion: String) -> Vec<(&'static str, String)> {
    vec![
        ("client_id", "jwt-app".into()),
        ("client_assertion_type", JWT_BEARER.into()),
        ("client_assertion", assertion),
    ]
}

/// A correct assertion is accepted (ID token issued); each broken one is
/// `invalid_client` with the rule it breaks, and issues nothing.
#[tokio::test]
async fn assertions_are_verified_claim_by_claim() {
    let (key, jwks) = client_signing_key("sig-1");
    let mock = mock_with(Platform::FranceConnect, jwks).await;
    mock.auto_approve(Some("default"), None);
    let good = good_claims(&mock);
    let (status, error, description) = redeem_with(
        &mock,
        "jwt-app",
        "eidas1",
        &assertion_fields(sign(&good, &key, "sig-1")),
    )
    .await;
    assert_eq!((status, error.as_str()), (200, ""), "{description}");

    let (other_key, _) = client_signing_key("sig-1");
    let mut cases: Vec<(&str, String, &str)> = vec![(
        "foreign key",
        sign(&good_claims(&mock), &other_key, "sig-1"),
        "invalid signature",
    )];
    let mut changed = |name: &'static str, edit: &dyn Fn(&mut Map<String, Value>), expected: &'static str| {
        let mut claims = good_claims(&mock);
        edit(&mut claims);
        cases.push((name, sign(&claims, &key, "sig-1"), expected));
    };
    changed(
        "iss",
        &|c| {
            c.insert("iss".into(), "app".into());
        },
        "iss (JWT issuer)",
    );
    changed(
        "sub",
        &|c| {
            c.insert("sub".into(), "app".into());
        },
        "sub (JWT subject)",
    );
    changed(
        "aud",
        &|c| {
            c.insert("aud".into(), "https://elsewhere.example/token".into());
        },
        "audience (aud)",
    );
    changed(
        "no exp",
        &|c| {
            c.remove("exp");
        },
        "expiration must be specified",
    );
    changed(
        "expired",
        &|c| {
            c.insert("exp".into(), (c["iat"].as_i64().unwrap() - 3600).into());
        },
        "jwt expired",
    );
    changed(
        "no jti",
        &|c| {
            c.remove("jti");
        },
        "unique jti",
    );
    // The issuer itself is an accepted audience, in an array too.
    let mut by_issuer = good_claims(&mock);
    by_issuer.insert("aud".into(), json!([mock.issuer()]));
    let (status, _, description) = redeem_with(
        &mock,
        "jwt-app",
        "eidas1",
        &assertion_fields(sign(&by_issuer, &key, "sig-1")),
    )
    .await;
    assert_eq!(status, 200, "aud = [issuer]: {description}");
    // A replayed assertion (same jti).
    let replayed = sign(&good, &key, "sig-1");
    cases.push(("replayed jti", replayed, "only be used once"));
    // An unknown kid, and `alg: none`.
    cases.push(("unknown kid", sign(&good_claims(&mock), &key, "sig-2"), "no key usable"));
    let unsigned = format!(
        "{}.{}.",
        base64_url(&json!({"alg": "none", "typ": "JWT"})),
        base64_url(&Value::Object(good_claims(&mock)))
    );
    cases.push(("alg none", unsigned, "alg none is not allowed"));
    for (case, assertion, expected) in cases {
        let tokens_before = mock.live_access_tokens();
        let (status, error, description) = redeem_with(&mock, "jwt-app", "eidas1", &assertion_fields(assertion)).await;
        assert_eq!(
            (status, error.as_str()),
            (401, "invalid_client"),
            "{case}: {description}"
        );
        assert!(description.contains(expected), "{case}: {description}");
        assert_eq!(mock.live_access_tokens(), tokens_before, "{case}: nothing issued");
    }
}

/// One method, the registered one: a secret for an assertion client, an
/// assertion for a secret client, both at once, or a wrong assertion type
/// are refused.
#[tokio::test]
async fn a_client_uses_the_method_it_registered() {
    let (key, jwks) = client_signing_key("sig-1");
    let mock = mock_with(Platform::FranceConnect, jwks).await;
    mock.auto_approve(Some("default"), None);
    let secret = |id: &str| vec![("client_id", id.to_owned()), ("client_secret", format!("{id}-secret"))];
    let (status, error, _) = redeem_with(&mock, "jwt-app", "eidas1", &secret("jwt-app")).await;
    assert_eq!(
        (status, error.as_str()),
        (401, "invalid_client"),
        "a secret for an assertion client"
    );
    let mut for_app = good_claims(&mock);
    for_app.insert("iss".into(), "app".into());
    for_app.insert("sub".into(), "app".into());
    let fields = vec![
        ("client_id", "app".to_owned()),
        ("client_assertion_type", JWT_BEARER.to_owned()),
        ("client_assertion", sign(&for_app, &key, "sig-1")),
    ];
    let (status, error, description) = redeem_with(&mock, "app", "eidas1", &fields).await;
    assert_eq!(
        (status, error.as_str()),
        (401, "invalid_client"),
        "an assertion for a secret client"
    );
    assert!(description.contains("does not match"), "{description}");
    let mut both = assertion_fields(sign(&good_claims(&mock), &key, "sig-1"));
    both.push(("client_secret", "jwt-app-secret".into()));
    let (status, error, description) = redeem_with(&mock, "jwt-app", "eidas1", &both).await;
    assert_eq!((status, error.as_str()), (400, "invalid_request"), "both");
    assert!(
        description.contains("only be provided using one mechanism"),
        "{description}"
    );
    let mut wrong_type = assertion_fields(sign(&good_claims(&mock), &key, "sig-1"));
    wrong_type[1].1 = "urn:ietf:params:oauth:client-assertion-type:saml2-bearer".into();
    let (status, error, _) = redeem_with(&mock, "jwt-app", "eidas1", &wrong_type).await;
    assert_eq!(
        (status, error.as_str()),
        (400, "invalid_request"),
        "wrong assertion type"
    );
    // Without client_id, the assertion's subject names the client.
    let (status, _, description) = redeem_with(
        &mock,
        "jwt-app",
        "eidas1",
        &assertion_fields(sign(&good_claims(&mock), &key, "sig-1"))[1..],
    )
    .await;
    assert_eq!(status, 200, "{description}");
}

/// FranceConnect+ takes ES256 assertions only.
#[tokio::test]
async fn fc_plus_refuses_rs256_assertions() {
    let mut private = Jwk::generate_rsa_key(2048).unwrap();
    private.set_key_id("rsa");
    let mut public = private.to_public_key().unwrap();
    public.set_key_id("rsa");
    let jwks = json!({ "keys": [Value::Object(public.as_ref().clone())] });
    let mock = mock_with(Platform::FranceConnectPlus, jwks).await;
    mock.auto_approve(Some("default"), None);
    let mut header = JwsHeader::new();
    header.set_key_id("rsa");
    let claims = JwtPayload::from_map(good_claims(&mock)).unwrap();
    let signer = josekit::jws::RS256.signer_from_jwk(&private).unwrap();
    let assertion = josekit::jwt::encode_with_signer(&claims, &header, &signer).unwrap();
    let (status, error, description) = redeem_with(&mock, "jwt-app", "eidas2", &assertion_fields(assertion)).await;
    assert_eq!((status, error.as_str()), (401, "invalid_client"));
    assert!(description.contains("RS256 is not allowed"), "{description}");
}

/// ProConnect takes ES256 and RS256 assertions (its
/// `tokenEndpointAuthSigningAlgValues`).
#[tokio::test]
async fn proconnect_takes_es256_and_rs256_assertions() {
    let (key, mut jwks) = client_signing_key("sig-1");
    let mut rsa = Jwk::generate_rsa_key(2048).unwrap();
    rsa.set_key_id("rsa");
    let mut public = rsa.to_public_key().unwrap();
    public.set_key_id("rsa");
    jwks["keys"]
        .as_array_mut()
        .unwrap()
        .push(Value::Object(public.as_ref().clone()));
    let mock = mock_with(Platform::ProConnect, jwks).await;
    mock.auto_approve(Some("agent-etat"), None);
    let es256 = sign(&good_claims(&mock), &key, "sig-1");
    let (status, error, description) = redeem_with(&mock, "jwt-app", "eidas1", &assertion_fields(es256)).await;
    assert_eq!((status, error.as_str()), (200, ""), "{description}");
    let mut header = JwsHeader::new();
    header.set_key_id("rsa");
    let claims = JwtPayload::from_map(good_claims(&mock)).unwrap();
    let signer = josekit::jws::RS256.signer_from_jwk(&rsa).unwrap();
    let rs256 = josekit::jwt::encode_with_signer(&claims, &header, &signer).unwrap();
    let (status, error, description) = redeem_with(&mock, "jwt-app", "eidas1", &assertion_fields(rs256)).await;
    assert_eq!((status, error.as_str()), (200, ""), "{description}");
    // A secret is refused for a client registered for assertions.
    let secret = vec![
        ("client_id", "jwt-app".to_owned()),
        ("client_secret", "jwt-app-secret".to_owned()),
    ];
    let (status, error, _) = redeem_with(&mock, "jwt-app", "eidas1", &secret).await;
    assert_eq!((status, error.as_str()), (401, "invalid_client"));
}

fn base64_url(value: &Value) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
}
