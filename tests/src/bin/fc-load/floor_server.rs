//! The floor of a login's CPU: a bare axum server doing what any client of
//! FranceConnect must do for one login, and nothing more — redirect to the
//! provider, exchange the code (`client_secret_post`), fetch userinfo,
//! verify both ES256 signatures with josekit verifiers prepared once, keep
//! the claims under a random cookie, answer `/api/me` — with none of the
//! library's checks (no nonce, no claim rules, no sealed cookie, no
//! session library). `fc-load --cpu-logins N --cpu-floor` measures it the
//! way it measures the quickstarts.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt as _;
use josekit::jws::JwsVerifier;
use serde_json::{Map, Value};

struct Floor {
    issuer: String,
    client_id: String,
    client_secret: String,
    redirect_uri: String,
    http: reqwest::Client,
    verifiers: Vec<Box<dyn JwsVerifier>>,
    sessions: Mutex<HashMap<String, Map<String, Value>>>,
}

/// A 256-bit random token, URL-safe.
fn random() -> String {
    use std::fmt::Write as _;
    let mut bytes = [0u8; 32];
    getrandom_bytes(&mut bytes);
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn getrandom_bytes(buf: &mut [u8]) {
    use std::io::Read as _;
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(buf))
        .expect("random bytes");
}

/// Serves on `BIND` with the provider named by `FC_ISSUER`, `FC_CLIENT_ID`,
/// `FC_CLIENT_SECRET` and `APP_URL`.
pub(crate) async fn serve() {
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} is set"));
    let issuer = var("FC_ISSUER");
    let http = reqwest::Client::new();
    let jwks: Value = serde_json::from_slice(
        &http
            .get(format!("{issuer}/jwks"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();
    let verifiers = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["alg"] == "ES256")
        .map(|k| {
            let jwk = josekit::jwk::Jwk::from_map(k.as_object().unwrap().clone()).unwrap();
            Box::new(josekit::jws::ES256.verifier_from_jwk(&jwk).unwrap()) as Box<dyn JwsVerifier>
        })
        .collect();
    let state = Arc::new(Floor {
        issuer,
        client_id: var("FC_CLIENT_ID"),
        client_secret: var("FC_CLIENT_SECRET"),
        redirect_uri: format!("{}/auth/callback", var("APP_URL")),
        http,
        verifiers,
        sessions: Mutex::new(HashMap::new()),
    });
    let app = axum::Router::new()
        .route("/", get(|| async { "floor" }))
        .route("/auth/login", get(login))
        .route("/auth/callback", get(callback))
        .route("/api/me", get(me))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind(var("BIND")).await.unwrap().tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app).await.unwrap();
}

async fn login(State(floor): State<Arc<Floor>>) -> Response {
    let url = format!(
        "{}/authorize?response_type=code&client_id={}&redirect_uri={}&scope=openid%20identite_pivot%20email&state={}&nonce={}&acr_values=eidas1",
        floor.issuer,
        floor.client_id,
        url::form_urlencoded::byte_serialize(floor.redirect_uri.as_bytes()).collect::<String>(),
        random(),
        random(),
    );
    (StatusCode::SEE_OTHER, [(header::LOCATION, url)]).into_response()
}

async fn callback(State(floor): State<Arc<Floor>>, Query(query): Query<HashMap<String, String>>) -> Response {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", &query["code"]),
        ("redirect_uri", &floor.redirect_uri),
        ("client_id", &floor.client_id),
        ("client_secret", &floor.client_secret),
    ];
    let token = format!("{}/token", floor.issuer);
    let body = floor
        .http
        .post(token)
        .form(&form)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let tokens: Value = serde_json::from_slice(&body).unwrap();
    let userinfo = floor
        .http
        .get(format!("{}/userinfo", floor.issuer))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let verify = |jws: &str| -> Map<String, Value> {
        let (payload, _) = josekit::jws::deserialize_compact(jws, floor.verifiers[0].as_ref()).unwrap();
        serde_json::from_slice(&payload).unwrap()
    };
    let _id_token = verify(tokens["id_token"].as_str().unwrap());
    let claims = verify(&userinfo);
    let id = random();
    floor.sessions.lock().unwrap().insert(id.clone(), claims);
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, "/".to_owned()),
            (
                header::SET_COOKIE,
                format!("floor={id}; HttpOnly; SameSite=Lax; Path=/"),
            ),
        ],
    )
        .into_response()
}

async fn me(State(floor): State<Arc<Floor>>, headers: HeaderMap) -> Response {
    let id = headers
        .get(header::COOKIE)
        .and_then(|c| c.to_str().ok())
        .and_then(|c| c.split(';').find_map(|p| p.trim().strip_prefix("floor=")))
        .unwrap_or_default();
    match floor.sessions.lock().unwrap().get(id) {
        Some(claims) => axum::Json(claims.clone()).into_response(),
        None => StatusCode::UNAUTHORIZED.into_response(),
    }
}
