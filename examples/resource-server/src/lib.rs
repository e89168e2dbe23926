//! An axum API that services call with their users' access tokens: a
//! FranceConnect or FranceConnect+ data provider (it asks
//! `POST /checktoken`), or a ProConnect resource server (it asks the token
//! introspection endpoint). Configured like the quickstarts; with no
//! provider configured it runs against an embedded mock provider, with a
//! demo service whose fresh tokens `GET /demo/token` hands out.
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `FC_PLATFORM` | `fc`, `fcplus` or `proconnect` | `fc` |
//! | `FC_ISSUER` / `FC_ENV` | a real or test provider; when set, no mock is started | the embedded mock |
//! | `FC_CLIENT_ID`, `FC_CLIENT_SECRET` | the API's registration (data provider, resource server) | the mock's |
//! | `FC_KEYS_FILE` | the API's private JWK set (FranceConnect, FranceConnect+); generated there when absent | in memory |
//! | `RESOURCE_SCOPES` | the scopes `GET /api/resource` requires, space- or comma-separated | none |
//! | `BIND` | listening address | `127.0.0.1:3001` |
//!
//! Every `FC_RESOURCE_*` variable of
//! [`ResourceConfig::from_env`](franceconnect_axum::resource::ResourceConfig::from_env)
//! applies too (`FC_RESOURCE_ALLOWED_CLIENTS`, `FC_RESOURCE_CACHE_SECS`,
//! `FC_RESOURCE_SIGNED_INTROSPECTION`…).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use franceconnect_axum::franceconnect_tower::{CallbackParams, LoginOptions};
use franceconnect_axum::resource::{Bearer, RequireBearer, ResourceConfig, ResourceServer};
use franceconnect_axum::{Config, EncryptionAlg, Environment, FranceConnect, Platform, Scope, ServiceKeys};
use franceconnect_mock::{Client, ClientKeys, DataProvider, MockHandle, MockProvider};
use serde_json::{Value, json};

/// The example's settings: the process environment, or pairs (tests).
#[derive(Clone, Default)]
pub struct Settings {
    vars: Vec<(String, String)>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Only the names: values may be secrets.
        f.debug_list().entries(self.vars.iter().map(|(k, _)| k)).finish()
    }
}

impl Settings {
    /// The `FC_*`, `RESOURCE_SCOPES` and `BIND` variables of the process.
    pub fn from_env() -> Self {
        Self {
            vars: std::env::vars()
                .filter(|(k, v)| !v.is_empty() && (k.starts_with("FC_") || k == "RESOURCE_SCOPES" || k == "BIND"))
                .collect(),
        }
    }

    /// Settings from explicit pairs.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        Self {
            vars: pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect(),
        }
    }

    fn get(&self, name: &str) -> Option<String> {
        self.vars.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    /// True when no provider is configured: no issuer, environment or
    /// client id.
    fn uses_mock(&self) -> bool {
        ["FC_ISSUER", "FC_ENV", "FC_CLIENT_ID"]
            .iter()
            .all(|n| self.get(n).is_none())
    }
}

/// The running API.
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its resource server.
    pub api: ResourceServer,
    /// The embedded mock provider, when no provider was configured.
    pub mock: Option<MockHandle>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Running {
    /// Waits until the server stops (it does not, unless it fails).
    pub async fn wait(mut self) -> std::io::Result<()> {
        match self.server.take() {
            Some(server) => server.await.unwrap_or_else(|e| Err(std::io::Error::other(e))),
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    /// Stops the server.
    fn drop(&mut self) {
        if let Some(server) = &self.server {
            server.abort();
        }
    }
}

/// The API's client id and secret on the embedded mock.
const MOCK_API_ID: &str = "resource-server";
const MOCK_API_SECRET: &str = "resource-server-secret-for-the-local-mock-only";
/// The demo service's, on the embedded mock.
const DEMO_SERVICE_ID: &str = "demo-service";
const DEMO_SERVICE_SECRET: &str = "demo-service-secret-for-the-local-mock-only";

/// Binds, configures the resource server (starting the embedded mock when
/// no provider is configured) and serves in a background task.
pub async fn start(settings: Settings) -> Result<Running, String> {
    let bind: SocketAddr = settings
        .get("BIND")
        .unwrap_or_else(|| "127.0.0.1:3001".into())
        .parse()
        .map_err(|_| "BIND must be an address such as 127.0.0.1:3001".to_owned())?;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| format!("cannot listen on {bind}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let required = match settings.get("RESOURCE_SCOPES") {
        Some(list) => list
            .split([' ', ','])
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<Scope>().map_err(|e| format!("RESOURCE_SCOPES: {e}")))
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    let (api, mock, demo) = if settings.uses_mock() {
        let (api, mock, demo) = with_embedded_mock(&settings, addr).await?;
        (api, Some(mock), Some(demo))
    } else {
        (configured(&settings)?, None, None)
    };
    let app = router(api.clone(), required, demo);
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(Running {
        addr,
        api,
        mock,
        server: Some(server),
    })
}

/// The API's routes: `GET /api/resource` behind the token check,
/// `GET /.well-known/jwks.json`, and with the embedded mock `GET /demo/token`.
pub fn router(api: ResourceServer, required: Vec<Scope>, demo: Option<FranceConnect>) -> Router {
    let protected = Router::new()
        .route("/api/resource", get(resource))
        .route_layer(RequireBearer::new(api.clone()).scopes(required));
    let mut app = Router::new()
        .route("/", get(index))
        .route("/.well-known/jwks.json", get(jwks))
        .with_state(api)
        .merge(protected);
    if let Some(demo) = demo {
        app = app.route("/demo/token", get(demo_token).with_state(Arc::new(demo)));
    }
    app
}

/// `GET /api/resource`: the token's facts.
async fn resource(Bearer(token): Bearer) -> Json<Value> {
    let mut body = json!({
        "platform": token.platform.setting(),
        "sub": token.sub,
        "client_id": token.client_id,
        "scope": token.scope_string(),
        "expires_at": token.expires_at,
    });
    if let Some(acr) = token.acr {
        body["acr"] = acr.as_str().into();
    }
    if let Some(identity) = &token.identity {
        body["identity"] = serde_json::to_value(identity).unwrap_or(Value::Null);
    }
    Json(body)
}

/// `GET /.well-known/jwks.json`: the API's public encryption keys, the
/// `jwks_uri` a FranceConnect data provider registers.
async fn jwks(State(api): State<ResourceServer>) -> Json<Value> {
    Json(api.public_jwks())
}

/// `GET /`.
async fn index(State(api): State<ResourceServer>) -> String {
    format!(
        "A {} resource server: GET /api/resource with Authorization: Bearer <access token>.\n",
        api.config().platform().display_name()
    )
}

/// `GET /demo/token` (embedded mock only): a headless login of the demo
/// service at the mock, and its access token. For development only.
async fn demo_token(State(demo): State<Arc<FranceConnect>>) -> Response {
    match demo_login(&demo).await {
        Ok((token, expires_at)) => Json(json!({
            "access_token": token,
            "expires_at": expires_at,
            "service": DEMO_SERVICE_ID,
        }))
        .into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "the demo login failed");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "error": e }))).into_response()
        }
    }
}

/// The demo service signs a person in at the embedded mock (which
/// approves automatically); its access token.
async fn demo_login(demo: &FranceConnect) -> Result<(String, i64), String> {
    let (url, pending) = demo
        .begin_login(LoginOptions::default())
        .await
        .map_err(|e| e.to_string())?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())?;
    let resp = client.get(url).send().await.map_err(|e| e.to_string())?;
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .ok_or("the mock did not redirect back")?;
    let callback = url::Url::parse(location).map_err(|e| e.to_string())?;
    let params = CallbackParams::from_query(callback.query().unwrap_or_default());
    let user = demo
        .complete_login(&params, &pending)
        .await
        .map_err(|e| e.to_string())?;
    let token = user.access_token().ok_or("no access token")?;
    Ok((token.secret().to_owned(), token.expires_at()))
}

/// A real provider, as the variables say; the key set of `FC_KEYS_FILE`
/// is generated there when absent (its public half is then to register,
/// or to serve at the registered `jwks_uri`: `/.well-known/jwks.json`).
fn configured(settings: &Settings) -> Result<ResourceServer, String> {
    let lookup = |name: &str| {
        if name == "FC_KEYS_FILE" {
            None
        } else {
            settings.get(name)
        }
    };
    let mut builder = ResourceConfig::builder_from_lookup(lookup).map_err(|e| e.to_string())?;
    if let Some(path) = settings.get("FC_KEYS_FILE") {
        builder = builder.service_keys(ServiceKeys::load_or_generate(PathBuf::from(path)).map_err(|e| e.to_string())?);
    }
    Ok(ResourceServer::new(builder.build().map_err(|e| e.to_string())?))
}

/// The embedded mock: the API registered as a data provider (resource
/// server on ProConnect) encrypting to its keys, and a demo service.
async fn with_embedded_mock(
    settings: &Settings,
    addr: SocketAddr,
) -> Result<(ResourceServer, MockHandle, FranceConnect), String> {
    let platform = match settings.get("FC_PLATFORM") {
        None => Platform::FranceConnect,
        Some(name) => Platform::from_setting(&name).ok_or("FC_PLATFORM must be `fc`, `fcplus` or `proconnect`")?,
    };
    let encrypts = platform != Platform::ProConnect;
    let api_keys = match (encrypts, settings.get("FC_KEYS_FILE")) {
        (false, _) => None,
        (true, Some(path)) => Some(ServiceKeys::load_or_generate(PathBuf::from(path)).map_err(|e| e.to_string())?),
        (true, None) => Some(ServiceKeys::generate(EncryptionAlg::EcdhEs).map_err(|e| e.to_string())?),
    };
    let mut api_registration = DataProvider::new(MOCK_API_ID, MOCK_API_SECRET).scopes(["identite_pivot", "email"]);
    if let Some(keys) = &api_keys {
        let alg = *keys
            .algorithms()
            .first()
            .ok_or("FC_KEYS_FILE holds no encryption key")?;
        api_registration = api_registration.encryption(mock_alg(alg), ClientKeys::Inline(keys.public_jwks()));
    }
    // The demo service: FranceConnect+ encrypts its tokens too.
    let demo_keys = ServiceKeys::generate(EncryptionAlg::EcdhEs).map_err(|e| e.to_string())?;
    let callback = format!("http://{addr}/demo/callback");
    let logout = format!("http://{addr}/demo/logout");
    let mut demo_client = Client::new(DEMO_SERVICE_ID, DEMO_SERVICE_SECRET, &callback, &logout);
    if platform == Platform::FranceConnectPlus {
        demo_client = demo_client.encryption(
            franceconnect_mock::EncryptionAlg::EcdhEs,
            ClientKeys::Inline(demo_keys.public_jwks()),
        );
    }
    let mock = MockProvider::new(mock_platform(platform))
        .client(demo_client)
        .data_provider(api_registration)
        .start()
        .await
        .map_err(|e| format!("the embedded mock provider could not start: {e}"))?;
    mock.auto_approve(
        Some(if platform == Platform::ProConnect {
            "agent-etat"
        } else {
            "default"
        }),
        None,
    );
    let issuer = url::Url::parse(&mock.issuer()).map_err(|e| e.to_string())?;
    // The API, as the variables say, on the mock.
    let mut vars = settings.vars.clone();
    vars.push(("FC_PLATFORM".into(), platform.setting().into()));
    vars.push(("FC_ISSUER".into(), issuer.to_string()));
    vars.push(("FC_CLIENT_ID".into(), MOCK_API_ID.into()));
    vars.push(("FC_CLIENT_SECRET".into(), MOCK_API_SECRET.into()));
    vars.retain(|(k, _)| k != "FC_KEYS_FILE");
    let lookup = |name: &str| vars.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let mut builder = ResourceConfig::builder_from_lookup(lookup).map_err(|e| e.to_string())?;
    if let Some(keys) = api_keys {
        builder = builder.service_keys(keys);
    }
    let api = ResourceServer::new(builder.build().map_err(|e| e.to_string())?);
    let mut demo = Config::builder(platform, Environment::Custom(issuer))
        .client_id(DEMO_SERVICE_ID)
        .client_secret(DEMO_SERVICE_SECRET)
        .redirect_uri(callback)
        .post_logout_redirect_uri(logout);
    if platform == Platform::FranceConnectPlus {
        demo = demo.service_keys(demo_keys);
    }
    let demo = FranceConnect::new(demo.build().map_err(|e| e.to_string())?);
    Ok((api, mock, demo))
}

fn mock_platform(platform: Platform) -> franceconnect_mock::Platform {
    match platform {
        Platform::FranceConnect => franceconnect_mock::Platform::FranceConnect,
        Platform::FranceConnectPlus => franceconnect_mock::Platform::FranceConnectPlus,
        Platform::ProConnect => franceconnect_mock::Platform::ProConnect,
    }
}

fn mock_alg(alg: EncryptionAlg) -> franceconnect_mock::EncryptionAlg {
    match alg {
        EncryptionAlg::EcdhEs => franceconnect_mock::EncryptionAlg::EcdhEs,
        EncryptionAlg::RsaOaep => franceconnect_mock::EncryptionAlg::RsaOaep,
        EncryptionAlg::RsaOaep256 => franceconnect_mock::EncryptionAlg::RsaOaep256,
    }
}
