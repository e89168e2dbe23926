//! A scriptable OpenID provider for the engine's integration tests: it
//! serves real HTTP on loopback, counts the requests it receives, and hands
//! out whatever tokens a test builds with josekit. It is deliberately dumb:
//! every token is made in the test, so each check of the engine can be
//! exercised on its own.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::State as AxState;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use franceconnect_tower::{
    CallbackParams, Config, EncryptionAlg, Environment, FranceConnect, LoginOptions, PendingLogin, Platform,
    ServiceKeys, SignedInUser,
};
use josekit::jwe::JweHeader;
use josekit::jwk::Jwk;
use josekit::jwk::alg::ec::{EcCurve, EcKeyPair};
use josekit::jwk::alg::rsa::RsaKeyPair;
use josekit::jws::JwsHeader;
use serde_json::{Map, Value, json};
use url::Url;

pub(crate) const CLIENT_ID: &str = "test-client";
pub(crate) const CLIENT_SECRET: &str = "test-client-secret-of-some-length";
pub(crate) const SUB: &str = "4d327dd1e427daf4d50296ab71d6f3fc82ccc40742943521d42cb2bae4df41afv1";

/// A provider signing key.
#[derive(Clone)]
pub(crate) struct SigningKey {
    pub kid: String,
    pub alg: &'static str,
    pub private: Jwk,
    pub public: Jwk,
}

impl SigningKey {
    pub(crate) fn es256(kid: &str) -> Self {
        let pair = EcKeyPair::generate(EcCurve::P256).unwrap();
        Self::new(kid, "ES256", pair.to_jwk_key_pair(), pair.to_jwk_public_key())
    }
    pub(crate) fn rs256(kid: &str) -> Self {
        let pair = RsaKeyPair::generate(2048).unwrap();
        Self::new(kid, "RS256", pair.to_jwk_key_pair(), pair.to_jwk_public_key())
    }
    fn new(kid: &str, alg: &'static str, mut private: Jwk, mut public: Jwk) -> Self {
        private.set_key_id(kid);
        public.set_key_id(kid);
        public.set_key_use("sig");
        public.set_algorithm(alg);
        Self {
            kid: kid.into(),
            alg,
            private,
            public,
        }
    }
    pub(crate) fn public(&self) -> Value {
        Value::Object(self.public.as_ref().clone())
    }
    /// A compact JWS of `claims` with this key.
    pub(crate) fn sign(&self, claims: &Value) -> String {
        let mut h = JwsHeader::new();
        h.set_token_type("JWT");
        h.set_key_id(&self.kid);
        let payload = serde_json::to_vec(claims).unwrap();
        match self.alg {
            "ES256" => josekit::jws::serialize_compact(
                &payload,
                &h,
                &josekit::jws::ES256.signer_from_jwk(&self.private).unwrap(),
            ),
            _ => josekit::jws::serialize_compact(
                &payload,
                &h,
                &josekit::jws::RS256.signer_from_jwk(&self.private).unwrap(),
            ),
        }
        .unwrap()
    }
}

/// What the provider answers; tests change it between logins.
pub(crate) struct Behaviour {
    pub published: Vec<Value>,
    pub jwks_status: u16,
    pub jwks_delay: Duration,
    pub jwks_max_age: Option<u64>,
    pub discovery_failures_left: usize,
    pub discovery: Option<Value>,
    pub token_response: Option<(u16, String)>,
    pub token_delay: Duration,
    pub id_token: Option<String>,
    pub userinfo: Option<(String, String)>,
    pub userinfo_status: u16,
    pub redirect_token_endpoint: bool,
}

pub(crate) struct Recorded {
    pub token_form: Vec<(String, String)>,
    pub token_authorization: Option<String>,
    pub userinfo_authorization: Option<String>,
}

pub(crate) struct TestProvider {
    pub addr: SocketAddr,
    pub issuer: String,
    pub key: SigningKey,
    pub behaviour: Arc<Mutex<Behaviour>>,
    pub recorded: Arc<Mutex<Recorded>>,
    pub discovery_hits: Arc<AtomicUsize>,
    pub jwks_hits: Arc<AtomicUsize>,
    pub token_hits: Arc<AtomicUsize>,
    pub userinfo_hits: Arc<AtomicUsize>,
}

#[derive(Clone)]
struct Shared {
    issuer: String,
    behaviour: Arc<Mutex<Behaviour>>,
    recorded: Arc<Mutex<Recorded>>,
    discovery_hits: Arc<AtomicUsize>,
    jwks_hits: Arc<AtomicUsize>,
    token_hits: Arc<AtomicUsize>,
    userinfo_hits: Arc<AtomicUsize>,
}

/// The callback a provider would send for `pending` with `code`.
pub(crate) fn callback_for(code: &str, pending: &PendingLogin, issuer: &str) -> CallbackParams {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("code", code)
        .append_pair("state", pending.state.secret())
        .append_pair("iss", issuer)
        .finish();
    CallbackParams::from_query(&query)
}

pub(crate) fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

impl TestProvider {
    pub(crate) async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let issuer = format!("http://{addr}/api/v2");
        let key = SigningKey::es256("pkcs11:ES256:hsm:1");
        let behaviour = Arc::new(Mutex::new(Behaviour {
            published: vec![key.public()],
            jwks_status: 200,
            jwks_delay: Duration::ZERO,
            jwks_max_age: Some(600),
            discovery_failures_left: 0,
            discovery: None,
            token_response: None,
            token_delay: Duration::ZERO,
            id_token: None,
            userinfo: None,
            userinfo_status: 200,
            redirect_token_endpoint: false,
        }));
        let recorded = Arc::new(Mutex::new(Recorded {
            token_form: vec![],
            token_authorization: None,
            userinfo_authorization: None,
        }));
        let shared = Shared {
            issuer: issuer.clone(),
            behaviour: behaviour.clone(),
            recorded: recorded.clone(),
            discovery_hits: Default::default(),
            jwks_hits: Default::default(),
            token_hits: Default::default(),
            userinfo_hits: Default::default(),
        };
        let app = Router::new()
            .route("/api/v2/.well-known/openid-configuration", get(discovery))
            .route("/api/v2/jwks", get(jwks))
            .route("/api/v2/token", post(token))
            .route("/api/v2/userinfo", get(userinfo))
            .with_state(shared.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            addr,
            issuer,
            key,
            behaviour,
            recorded,
            discovery_hits: shared.discovery_hits,
            jwks_hits: shared.jwks_hits,
            token_hits: shared.token_hits,
            userinfo_hits: shared.userinfo_hits,
        }
    }

    pub(crate) fn discovery_document(issuer: &str) -> Value {
        json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/authorize"),
            "token_endpoint": format!("{issuer}/token"),
            "userinfo_endpoint": format!("{issuer}/userinfo"),
            "jwks_uri": format!("{issuer}/jwks"),
            "end_session_endpoint": format!("{issuer}/session/end"),
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["ES256", "RS256"],
            "userinfo_signing_alg_values_supported": ["ES256", "RS256"],
            "id_token_encryption_alg_values_supported": ["ECDH-ES", "RSA-OAEP", "RSA-OAEP-256"],
            "id_token_encryption_enc_values_supported": ["A256GCM"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
            "authorization_response_iss_parameter_supported": true
        })
    }

    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut Behaviour) -> R) -> R {
        f(&mut self.behaviour.lock().unwrap())
    }

    /// Default ID token claims for a login with this nonce.
    pub(crate) fn id_claims(&self, nonce: &str, acr: &str) -> Value {
        let now = now();
        json!({
            "iss": self.issuer, "aud": CLIENT_ID, "sub": SUB, "iat": now, "exp": now + 60,
            "auth_time": now - 2, "nonce": nonce, "acr": acr, "amr": ["fc", "pwd"]
        })
    }

    /// Default userinfo claims.
    pub(crate) fn userinfo_claims(&self) -> Value {
        let now = now();
        json!({
            "iss": self.issuer, "aud": CLIENT_ID, "sub": SUB, "iat": now, "exp": now + 60,
            "given_name": "Élise Marie", "family_name": "D'ARTOIS", "birthdate": "1962-08-24",
            "gender": "female", "birthplace": "2A004", "birthcountry": "99100",
            "email": "elise@example.fr", "preferred_username": ""
        })
    }

    pub(crate) fn config(&self, platform: Platform) -> franceconnect_tower::ConfigBuilder {
        Config::builder(platform, Environment::Custom(Url::parse(&self.issuer).unwrap()))
            .client_id(CLIENT_ID)
            .client_secret(CLIENT_SECRET)
            .redirect_uri("http://127.0.0.1:3000/auth/callback")
            .post_logout_redirect_uri("http://127.0.0.1:3000/auth/logout/callback")
    }
}

/// Encrypts a JWS to one of the service's public keys, as FranceConnect+
/// does; `tweak` may alter the header.
pub(crate) fn encrypt(jws: &str, public_key: &Value, tweak: impl FnOnce(&mut JweHeader)) -> String {
    let jwk = Jwk::from_map(public_key.as_object().unwrap().clone()).unwrap();
    let mut h = JweHeader::new();
    h.set_content_encryption("A256GCM");
    h.set_content_type("JWT");
    h.set_key_id(jwk.key_id().unwrap());
    tweak(&mut h);
    let alg = jwk.algorithm().unwrap().to_owned();
    let out = match alg.as_str() {
        "ECDH-ES" => josekit::jwe::serialize_compact(
            jws.as_bytes(),
            &h,
            &josekit::jwe::ECDH_ES.encrypter_from_jwk(&jwk).unwrap(),
        ),
        "RSA-OAEP" => josekit::jwe::serialize_compact(
            jws.as_bytes(),
            &h,
            &josekit::jwe::RSA_OAEP.encrypter_from_jwk(&jwk).unwrap(),
        ),
        "RSA-OAEP-256" => josekit::jwe::serialize_compact(
            jws.as_bytes(),
            &h,
            &josekit::jwe::RSA_OAEP_256.encrypter_from_jwk(&jwk).unwrap(),
        ),
        other => panic!("unexpected {other}"),
    };
    out.unwrap()
}

/// An unsigned token (`alg: none`).
pub(crate) fn unsigned(claims: &Value) -> String {
    let h = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let p = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap());
    format!("{h}.{p}.")
}

/// HS256 with the client secret as key: the classic algorithm-confusion
/// forgery.
pub(crate) fn hs256_with_secret(claims: &Value, kid: &str) -> String {
    let mut h = JwsHeader::new();
    h.set_key_id(kid);
    let signer = josekit::jws::HS256.signer_from_bytes(CLIENT_SECRET.as_bytes()).unwrap();
    josekit::jws::serialize_compact(&serde_json::to_vec(claims).unwrap(), &h, &signer).unwrap()
}

/// The query parameters of the authorization URL.
pub(crate) fn query(url: &Url) -> Map<String, Value> {
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
        .collect()
}

/// Begins a login, lets `tokens` build the ID token and userinfo for its
/// nonce, and completes it with a well-formed callback.
pub(crate) async fn login_with(
    fc: &FranceConnect,
    tp: &TestProvider,
    options: LoginOptions,
    tokens: impl FnOnce(&str) -> (String, String),
) -> (PendingLogin, Result<SignedInUser, franceconnect_tower::Error>) {
    let (url, pending) = fc.begin_login(options).await.unwrap();
    let q = query(&url);
    let (id_token, userinfo) = tokens(q["nonce"].as_str().unwrap());
    tp.with(|b| {
        b.id_token = Some(id_token);
        b.userinfo = Some(("application/jwt".into(), userinfo));
    });
    let callback = callback_for("the-code", &pending, &tp.issuer);
    let result = fc.complete_login(&callback, &pending).await;
    (pending, result)
}

/// A login whose tokens are signed with the provider key and, when `keys`
/// is given, encrypted to the service's first key.
pub(crate) async fn signed_login(
    fc: &FranceConnect,
    tp: &TestProvider,
    keys: Option<&ServiceKeys>,
    acr: &str,
) -> Result<SignedInUser, franceconnect_tower::Error> {
    let public = keys.map(|k| k.public_jwks()["keys"][0].clone());
    let key = tp.key.clone();
    let userinfo = tp.userinfo_claims();
    let build = |nonce: &str| {
        let id = key.sign(&tp.id_claims(nonce, acr));
        let info = key.sign(&userinfo);
        match &public {
            Some(p) => (encrypt(&id, p, |_| {}), encrypt(&info, p, |_| {})),
            None => (id, info),
        }
    };
    login_with(fc, tp, LoginOptions::default(), build).await.1
}

pub(crate) fn service_keys(alg: EncryptionAlg) -> ServiceKeys {
    ServiceKeys::generate(alg).unwrap()
}

/// A FranceConnect+ engine for this provider with a fresh service key for
/// `alg`, the key set, and its public JWK (to encrypt to).
pub(crate) fn fc_plus_engine(tp: &TestProvider, alg: EncryptionAlg) -> (FranceConnect, ServiceKeys, Value) {
    let keys = service_keys(alg);
    let public = keys.public_jwks()["keys"][0].clone();
    let fc = FranceConnect::new(
        tp.config(Platform::FranceConnectPlus)
            .service_keys(keys.clone())
            .build()
            .unwrap(),
    );
    (fc, keys, public)
}

async fn discovery(AxState(s): AxState<Shared>) -> Response {
    s.discovery_hits.fetch_add(1, Ordering::SeqCst);
    let doc = {
        let mut b = s.behaviour.lock().unwrap();
        if b.discovery_failures_left > 0 {
            b.discovery_failures_left -= 1;
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
        b.discovery
            .clone()
            .unwrap_or_else(|| TestProvider::discovery_document(&s.issuer))
    };
    ([(header::CACHE_CONTROL, "public, max-age=600")], axum::Json(doc)).into_response()
}

async fn jwks(AxState(s): AxState<Shared>) -> Response {
    s.jwks_hits.fetch_add(1, Ordering::SeqCst);
    let (status, delay, keys, max_age) = {
        let b = s.behaviour.lock().unwrap();
        (b.jwks_status, b.jwks_delay, b.published.clone(), b.jwks_max_age)
    };
    tokio::time::sleep(delay).await;
    if status != 200 {
        return StatusCode::from_u16(status).unwrap().into_response();
    }
    let mut headers = HeaderMap::new();
    if let Some(age) = max_age {
        headers.insert(header::CACHE_CONTROL, format!("public, max-age={age}").parse().unwrap());
    }
    (headers, axum::Json(json!({ "keys": keys }))).into_response()
}

async fn token(AxState(s): AxState<Shared>, headers: HeaderMap, body: String) -> Response {
    s.token_hits.fetch_add(1, Ordering::SeqCst);
    {
        let mut r = s.recorded.lock().unwrap();
        r.token_form = url::form_urlencoded::parse(body.as_bytes()).into_owned().collect();
        r.token_authorization = headers
            .get(header::AUTHORIZATION)
            .map(|v| v.to_str().unwrap().to_owned());
    }
    let (custom, delay, id_token, redirect) = {
        let b = s.behaviour.lock().unwrap();
        (
            b.token_response.clone(),
            b.token_delay,
            b.id_token.clone(),
            b.redirect_token_endpoint,
        )
    };
    tokio::time::sleep(delay).await;
    if redirect {
        return (StatusCode::FOUND, [(header::LOCATION, "http://127.0.0.1:1/elsewhere")]).into_response();
    }
    if let Some((status, body)) = custom {
        return (
            StatusCode::from_u16(status).unwrap(),
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
    }
    axum::Json(json!({
        "access_token": "opaque-access-token", "expires_in": 60, "id_token": id_token.unwrap_or_default(),
        "scope": "openid identite_pivot email", "token_type": "Bearer"
    }))
    .into_response()
}

async fn userinfo(AxState(s): AxState<Shared>, headers: HeaderMap) -> Response {
    s.userinfo_hits.fetch_add(1, Ordering::SeqCst);
    s.recorded.lock().unwrap().userinfo_authorization = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap().to_owned());
    let (status, body) = {
        let b = s.behaviour.lock().unwrap();
        (b.userinfo_status, b.userinfo.clone())
    };
    let (content_type, body) = body.unwrap_or_default();
    (
        StatusCode::from_u16(status).unwrap(),
        [(header::CONTENT_TYPE, content_type)],
        body,
    )
        .into_response()
}
