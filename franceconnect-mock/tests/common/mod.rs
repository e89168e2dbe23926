//! Helpers shared by the integration tests: a real HTTP client, login
//! helpers, an independent check of what the mock issues (josekit with
//! the JWKS fetched over HTTP, and the client's own private key), and the
//! mock binary run as a child process.
#![allow(dead_code)]

// The binary exists only with the `cli` feature (its `required-features`).
#[cfg(feature = "cli")]
mod binary;
// Each test file uses some helpers only, as with `dead_code` above.
#[cfg(feature = "cli")]
#[allow(unused_imports)]
pub(crate) use binary::{RunningBinary, start_binary};

use std::collections::HashMap;

use franceconnect_mock::{Client, ClientKeys, EncryptionAlg, MockHandle, MockProvider, Platform};
use josekit::jwk::alg::ec::EcCurve;
use josekit::jwk::{Jwk, JwkSet};
use serde_json::{Map, Value};

pub(crate) const CALLBACK: &str = "http://127.0.0.1:1/callback";
pub(crate) const LOGOUT: &str = "http://127.0.0.1:1/logged-out";
pub(crate) const NONCE: &str = "nonce-0123456789abcdefghijklmnop";
pub(crate) const STATE: &str = "state-0123456789abcdefghijklmnop";

/// An HTTP client that does not follow redirects.
pub(crate) fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A FranceConnect client.
pub(crate) fn fc_client(id: &str) -> Client {
    Client::new(id, format!("{id}-secret"), CALLBACK, LOGOUT)
}

/// A FranceConnect mock with clients `app` and `other`.
pub(crate) async fn fc_mock() -> MockHandle {
    MockProvider::new(Platform::FranceConnect)
        .client(fc_client("app"))
        .client(fc_client("other"))
        .start()
        .await
        .unwrap()
}

/// A client encryption key pair for `alg` (private JWK, public JWKS).
pub(crate) fn client_key(alg: EncryptionAlg, kid: &str) -> (Jwk, Value) {
    let mut private = match alg {
        EncryptionAlg::EcdhEs => Jwk::generate_ec_key(EcCurve::P256).unwrap(),
        _ => Jwk::generate_rsa_key(2048).unwrap(),
    };
    private.set_key_id(kid);
    let mut public = private.to_public_key().unwrap();
    public.set_key_id(kid);
    public.set_key_use("enc");
    let jwks = serde_json::json!({ "keys": [Value::Object(public.as_ref().clone())] });
    (private, jwks)
}

/// A FranceConnect+ mock with client `app` encrypting with `alg` to `keys`.
pub(crate) async fn fcplus_mock(alg: EncryptionAlg, keys: ClientKeys) -> MockHandle {
    MockProvider::new(Platform::FranceConnectPlus)
        .client(fc_client("app").encryption(alg, keys))
        .start()
        .await
        .unwrap()
}

/// A FranceConnect+ mock encrypting with ECDH-ES to an inline client key;
/// returns the client's private key and the mock.
pub(crate) async fn fcplus_ec_mock() -> (Jwk, MockHandle) {
    let (private, jwks) = client_key(EncryptionAlg::EcdhEs, "k");
    let mock = fcplus_mock(EncryptionAlg::EcdhEs, ClientKeys::Inline(jwks)).await;
    (private, mock)
}

/// The `id_token` of a token response.
pub(crate) fn id_token(tokens: &Value) -> String {
    tokens["id_token"].as_str().unwrap().to_owned()
}

/// The inner JWS of a FranceConnect+ token response's `id_token`, decrypted
/// with the client's private key.
pub(crate) fn inner_id_token(alg: EncryptionAlg, key: &Jwk, tokens: &Value) -> String {
    decrypt(alg, key, &id_token(tokens)).unwrap().0
}

/// Serves `jwks` on a loopback port; returns its URL.
pub(crate) async fn serve_jwks(jwks: Value) -> url::Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route(
        "/jwks.json",
        axum::routing::get(move || {
            let jwks = jwks.clone();
            async move { axum::Json(jwks) }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url::Url::parse(&format!("http://{addr}/jwks.json")).unwrap()
}

/// The authorize URL for client `app` with the usual parameters, replaced or
/// extended by `extra` (an empty value removes the parameter).
pub(crate) fn authorize_url(mock: &MockHandle, client_id: &str, acr: &str, extra: &[(&str, &str)]) -> String {
    let usual = [
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", CALLBACK),
        ("scope", "openid profile birth email"),
        ("acr_values", acr),
        ("nonce", NONCE),
        ("state", STATE),
    ];
    authorize_url_with(mock, &usual, extra)
}

/// The authorize URL with parameters `usual`, replaced or extended by
/// `extra` (an empty value removes the parameter).
fn authorize_url_with(mock: &MockHandle, usual: &[(&str, &str)], extra: &[(&str, &str)]) -> String {
    let mut params = usual.to_vec();
    for &(name, value) in extra {
        params.retain(|&(n, _)| n != name);
        if !value.is_empty() {
            params.push((name, value));
        }
    }
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    format!("{}/authorize?{query}", mock.issuer())
}

/// The query parameters of a redirect response's Location.
pub(crate) fn location_params(response: &reqwest::Response) -> (String, HashMap<String, String>) {
    let location = response
        .headers()
        .get("location")
        .expect("a redirect")
        .to_str()
        .unwrap()
        .to_owned();
    let url = url::Url::parse(&location).unwrap();
    let params = url.query_pairs().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let mut base = url.clone();
    base.set_query(None);
    (base.to_string(), params)
}

/// GET of the authorize URL built by [`authorize_url`] (redirects not followed).
pub(crate) async fn authorize(
    mock: &MockHandle,
    client_id: &str,
    acr: &str,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    http()
        .get(authorize_url(mock, client_id, acr, extra))
        .send()
        .await
        .unwrap()
}

/// POST /authorize with the query of authorize URL `url` as the form body
/// (redirects not followed): the platforms accept both methods.
pub(crate) async fn post_authorize(url: &str) -> reqwest::Response {
    let (endpoint, query) = url.split_once('?').expect("an authorize URL with a query");
    http()
        .post(endpoint)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(query.to_owned())
        .send()
        .await
        .unwrap()
}

/// The parameters of a redirect back to the client, after checking what every
/// such redirect carries: a 303 to [`CALLBACK`] with the request's state and
/// the issuer. `context` is added to the messages.
pub(crate) fn redirected_to_callback(
    mock: &MockHandle,
    response: &reqwest::Response,
    context: &str,
) -> HashMap<String, String> {
    assert_eq!(response.status(), 303, "{context}");
    let (base, params) = location_params(response);
    assert_eq!(base, CALLBACK, "{context}");
    assert_eq!(params["state"], STATE, "{context}");
    assert_eq!(params["iss"], mock.issuer(), "{context}");
    params
}

/// Like [`redirected_to_callback`], for an `error` sent back to the client (and no
/// code); returns the parameters to check the description.
pub(crate) fn error_sent_to_callback(
    mock: &MockHandle,
    response: &reqwest::Response,
    error: &str,
    context: &str,
) -> HashMap<String, String> {
    let params = redirected_to_callback(mock, response, context);
    assert_eq!(params["error"], error, "{context}");
    assert!(!params.contains_key("code"), "{context}");
    params
}

/// Logs in headlessly (auto-approve must be on) and returns the code.
pub(crate) async fn code(mock: &MockHandle, url: &str) -> String {
    let response = http().get(url).send().await.unwrap();
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap_or_default());
    let params = redirected_to_callback(mock, &response, url);
    params.get("code").expect("a code").clone()
}

/// The login page for client `app` at `acr` (auto-approve must be off).
pub(crate) async fn login_page(mock: &MockHandle, acr: &str) -> String {
    let response = authorize(mock, "app", acr, &[]).await;
    assert_eq!(response.status(), 200, "the login page");
    response.text().await.unwrap()
}

/// The value of the first `attribute="…"` of a page (a form's target path).
pub(crate) fn attribute(page: &str, attribute: &str) -> String {
    page.split(&format!("{attribute}=\""))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned()
}

/// Submits the login page's form to `path` with `identity` at `acr`.
pub(crate) async fn submit(mock: &MockHandle, path: &str, identity: &str, acr: &str) -> reqwest::Response {
    http()
        .post(format!("http://{}{path}", mock.addr()))
        .form(&[("identity", identity), ("acr", acr)])
        .send()
        .await
        .unwrap()
}

/// GET /session/end with `query`.
pub(crate) async fn end_session(mock: &MockHandle, query: &[(&str, &str)]) -> reqwest::Response {
    http()
        .get(format!("{}/session/end", mock.issuer()))
        .query(query)
        .send()
        .await
        .unwrap()
}

/// Redeems a code; returns (status, JSON body, headers).
pub(crate) async fn redeem(
    mock: &MockHandle,
    client_id: &str,
    code: &str,
    redirect_uri: &str,
) -> (u16, Value, reqwest::header::HeaderMap) {
    let secret = format!("{client_id}-secret");
    let response = http()
        .post(format!("{}/token", mock.issuer()))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("client_id", client_id),
            ("client_secret", &secret),
        ])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = serde_json::from_str(&response.text().await.unwrap()).unwrap_or(Value::Null);
    (status, body, headers)
}

/// Full headless login for client `app`; returns the token response.
pub(crate) async fn login(mock: &MockHandle, client_id: &str, acr: &str, extra: &[(&str, &str)]) -> Value {
    login_at(mock, client_id, &authorize_url(mock, client_id, acr, extra)).await
}

/// A full headless login by `client_id` through authorize URL `url`
/// (auto-approve must be on); the token response.
async fn login_at(mock: &MockHandle, client_id: &str, url: &str) -> Value {
    let code = code(mock, url).await;
    let (status, body, _) = redeem(mock, client_id, &code, CALLBACK).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// GET of the mock's discovery document.
pub(crate) async fn discovery(mock: &MockHandle) -> reqwest::Response {
    http()
        .get(format!("{}/.well-known/openid-configuration", mock.issuer()))
        .send()
        .await
        .unwrap()
}

/// The discovery document under `issuer` (a mock's, or one a binary
/// printed), which must be served.
pub(crate) async fn discovery_document(issuer: &str) -> Value {
    let response = http()
        .get(format!("{issuer}/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{issuer}");
    serde_json::from_str(&response.text().await.unwrap()).unwrap()
}

/// Checks that discovery document `doc` names `issuer` and lists every
/// endpoint under it (where the mock serves them unless a test moves
/// them). `context` is added to the messages.
pub(crate) fn assert_endpoints_under_issuer(doc: &Value, issuer: &str, context: &str) {
    assert_eq!(doc["issuer"], issuer, "{context}");
    for (endpoint, path) in [
        ("authorization_endpoint", "/authorize"),
        ("token_endpoint", "/token"),
        ("userinfo_endpoint", "/userinfo"),
        ("end_session_endpoint", "/session/end"),
        ("revocation_endpoint", "/token/revocation"),
        ("jwks_uri", "/jwks"),
    ] {
        assert_eq!(doc[endpoint], format!("{issuer}{path}"), "{context}: {endpoint}");
    }
}

/// The mock's JWKS, fetched over HTTP.
pub(crate) async fn fetch_jwks(mock: &MockHandle) -> JwkSet {
    let text = http()
        .get(format!("{}/jwks", mock.issuer()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    JwkSet::from_bytes(text.as_bytes()).unwrap()
}

/// Independent verification of a compact JWS with the mock's published keys.
pub(crate) fn verify(jwks: &JwkSet, jws: &str) -> Result<Map<String, Value>, String> {
    let header = josekit::jwt::decode_header(jws).map_err(|e| e.to_string())?;
    let kid = header.claim("kid").and_then(Value::as_str).ok_or("no kid")?.to_owned();
    let alg = header.claim("alg").and_then(Value::as_str).ok_or("no alg")?.to_owned();
    let key = *jwks.get(&kid).first().ok_or("unknown kid")?;
    let verifier: Box<dyn josekit::jws::JwsVerifier> = match alg.as_str() {
        "ES256" => Box::new(josekit::jws::ES256.verifier_from_jwk(key).map_err(|e| e.to_string())?),
        "RS256" => Box::new(josekit::jws::RS256.verifier_from_jwk(key).map_err(|e| e.to_string())?),
        other => return Err(format!("unexpected alg {other}")),
    };
    let (payload, _) = josekit::jws::deserialize_compact(jws, &*verifier).map_err(|e| e.to_string())?;
    serde_json::from_slice(&payload).map_err(|e| e.to_string())
}

/// Independent decryption of a compact JWE with the client's private key.
pub(crate) fn decrypt(alg: EncryptionAlg, key: &Jwk, jwe: &str) -> Result<(String, josekit::jwe::JweHeader), String> {
    let decrypter: Box<dyn josekit::jwe::JweDecrypter> = match alg {
        EncryptionAlg::EcdhEs => Box::new(
            josekit::jwe::ECDH_ES
                .decrypter_from_jwk(key)
                .map_err(|e| e.to_string())?,
        ),
        EncryptionAlg::RsaOaep => Box::new(
            josekit::jwe::RSA_OAEP
                .decrypter_from_jwk(key)
                .map_err(|e| e.to_string())?,
        ),
        EncryptionAlg::RsaOaep256 => Box::new(
            josekit::jwe::RSA_OAEP_256
                .decrypter_from_jwk(key)
                .map_err(|e| e.to_string())?,
        ),
    };
    let (payload, header) = josekit::jwe::deserialize_compact(jwe, &*decrypter).map_err(|e| e.to_string())?;
    Ok((String::from_utf8(payload).map_err(|e| e.to_string())?, header))
}

/// Calls userinfo; returns (status, content type, body).
pub(crate) async fn userinfo(mock: &MockHandle, access_token: &str) -> (u16, String, String) {
    let response = http()
        .get(format!("{}/userinfo", mock.issuer()))
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, content_type, response.text().await.unwrap())
}

/// The payload of a JWS without verifying it (to inspect tampered tokens).
pub(crate) fn peek(jws: &str) -> Map<String, Value> {
    use base64::Engine;
    let payload = jws.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// The sorted identity claim names of verified userinfo claims (without
/// `iss`, `aud`, `sub`, `iat` and `exp`).
pub(crate) fn names(claims: &Map<String, Value>) -> Vec<&str> {
    let mut names: Vec<&str> = claims
        .keys()
        .map(String::as_str)
        .filter(|k| !["iss", "aud", "sub", "iat", "exp"].contains(k))
        .collect();
    names.sort_unstable();
    names
}

/// The sorted member names of a compact JWS/JWE protected header.
pub(crate) fn header_names(jwt: &str) -> Vec<String> {
    use base64::Engine;
    let header = jwt.split('.').next().unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header).unwrap();
    let map: Map<String, Value> = serde_json::from_slice(&bytes).unwrap();
    let mut names: Vec<String> = map.keys().cloned().collect();
    names.sort_unstable();
    names
}

// --- ProConnect ---

/// A ProConnect client (secret `{id}-secret`, as [`redeem`] sends).
pub(crate) fn pc_client(id: &str) -> Client {
    Client::new(id, format!("{id}-secret"), CALLBACK, LOGOUT)
}

/// A ProConnect mock with clients `app` and `other` (userinfo signed),
/// `plain` (no userinfo signature) and `public` (public agents only).
pub(crate) async fn pc_mock() -> MockHandle {
    MockProvider::new(Platform::ProConnect)
        .client(pc_client("app"))
        .client(pc_client("other"))
        .client(pc_client("plain").userinfo_unsigned())
        .client(pc_client("public").public_only())
        .start()
        .await
        .unwrap()
}

/// The usual scope of the ProConnect tests.
pub(crate) const PC_SCOPE: &str = "openid given_name usual_name email siret";

/// The authorize URL of a ProConnect request by `client_id` (no
/// `acr_values`: ProConnect takes levels from `claims`), its parameters
/// replaced or extended by `extra` (an empty value removes one).
pub(crate) fn pc_authorize_url(mock: &MockHandle, client_id: &str, extra: &[(&str, &str)]) -> String {
    let usual = [
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", CALLBACK),
        ("scope", PC_SCOPE),
        ("nonce", NONCE),
        ("state", STATE),
    ];
    authorize_url_with(mock, &usual, extra)
}

/// GET of [`pc_authorize_url`] (redirects not followed).
pub(crate) async fn pc_authorize(mock: &MockHandle, client_id: &str, extra: &[(&str, &str)]) -> reqwest::Response {
    http()
        .get(pc_authorize_url(mock, client_id, extra))
        .send()
        .await
        .unwrap()
}

/// A full headless ProConnect login (auto-approve must be on); the token
/// response.
pub(crate) async fn pc_login(mock: &MockHandle, client_id: &str, extra: &[(&str, &str)]) -> Value {
    login_at(mock, client_id, &pc_authorize_url(mock, client_id, extra)).await
}

/// The `claims` parameter requiring one of `values` as the ID token's acr.
pub(crate) fn essential_acr(values: &[&str]) -> String {
    serde_json::json!({ "id_token": { "acr": { "essential": true, "values": values } } }).to_string()
}

/// Submits ProConnect's login form at `path` for agent `agent`, with the
/// e-mail code (MFA) step when `mfa`.
pub(crate) async fn submit_agent(mock: &MockHandle, path: &str, agent: &str, mfa: bool) -> reqwest::Response {
    let mut form = vec![("identity", agent)];
    if mfa {
        form.push(("mfa", "on"));
    }
    http()
        .post(format!("http://{}{path}", mock.addr()))
        .form(&form)
        .send()
        .await
        .unwrap()
}

/// The verified claims of a token response's ID token.
pub(crate) async fn id_claims(mock: &MockHandle, tokens: &Value) -> Map<String, Value> {
    verify(&fetch_jwks(mock).await, &id_token(tokens)).unwrap()
}

/// The `pc_session_id` cookie a response sets, as `name=value`.
pub(crate) fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("pc_session_id="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// GET /authorize with a cookie.
pub(crate) async fn authorize_with_cookie(url: &str, cookie: &str) -> reqwest::Response {
    http().get(url).header("cookie", cookie).send().await.unwrap()
}

/// The error page `code` for `response`: 400, HTML, no redirect; returns
/// the page.
pub(crate) async fn assert_pc_error_page(response: reqwest::Response, code: &str, context: &str) -> String {
    assert_eq!(response.status(), 400, "{context}");
    assert!(
        response.headers().get("location").is_none(),
        "{context}: never a redirect"
    );
    let page = response.text().await.unwrap();
    assert!(
        page.contains(&format!(r#"<code id="error">{code}</code>"#)),
        "{context}: {page}"
    );
    page
}
