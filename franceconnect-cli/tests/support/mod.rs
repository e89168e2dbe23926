//! What the doctor's tests share: the variables of a deployment, the mock
//! provider, the application (the library's real routes, on axum), a proxy
//! in front of the mock that rewrites what it answers, and a server of any
//! JSON document.

#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use franceconnect_axum::FranceConnectRouterExt;
use franceconnect_cli::doctor::Doctor;
use franceconnect_cli::report::{Check, Report, Status};
use franceconnect_mock::{Client, ClientKeys, MockHandle, MockProvider};
use franceconnect_tower::web::tower::MemorySessionStore;
use franceconnect_tower::{Config, FranceConnect};
use serde_json::Value;
use tokio::net::TcpListener;

/// A deployment's variables.
#[derive(Clone, Default)]
pub struct Vars(pub HashMap<String, String>);

impl Vars {
    pub fn new(pairs: &[(&str, &str)]) -> Self {
        Self(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    pub fn set(mut self, name: &str, value: impl Into<String>) -> Self {
        self.0.insert(name.to_owned(), value.into());
        self
    }

    pub fn unset(mut self, name: &str) -> Self {
        self.0.remove(name);
        self
    }

    pub fn lookup(&self) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
        let vars = self.0.clone();
        move |name| vars.get(name).cloned()
    }

    pub fn doctor(&self) -> Doctor {
        Doctor::from_lookup(self.lookup())
    }

    pub async fn run(&self) -> Report {
        self.doctor().run().await
    }

    /// The configuration the application builds from these variables.
    pub fn config(&self) -> Config {
        Config::from_lookup(self.lookup()).expect("the application's configuration loads")
    }
}

/// A listener on a free loopback port, and its origin (`http://127.0.0.1:…`).
pub async fn listener() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    (listener, origin)
}

/// The client the mock knows, with its URIs under `app`.
pub fn client(app: &str) -> Client {
    Client::new(
        "doctor-client",
        "doctor-secret",
        format!("{app}/auth/callback"),
        format!("{app}/auth/logout/callback"),
    )
}

/// The mock's public JWKS link for a client whose keys the app publishes.
pub fn app_keys(app: &str) -> ClientKeys {
    ClientKeys::JwksUri(format!("{app}/auth/jwks").parse().unwrap())
}

/// The variables of a deployment of `platform` (`fc`, `fcplus`,
/// `proconnect`) on the mock at `issuer`, for an application at `app`.
pub fn vars(platform: &str, issuer: &str, app: &str) -> Vars {
    Vars::new(&[
        ("FC_PLATFORM", platform),
        ("FC_ISSUER", issuer),
        ("FC_CLIENT_ID", "doctor-client"),
        ("FC_CLIENT_SECRET", "doctor-secret"),
        ("APP_URL", app),
    ])
}

/// Starts a mock provider.
pub async fn mock(provider: MockProvider) -> MockHandle {
    provider.start().await.expect("the mock starts")
}

/// Serves the application on `listener`: the library's real routes
/// (`/auth/*`, its JWKS among them), configured from `vars`.
pub fn serve_app(listener: TcpListener, vars: &Vars) {
    let fc = FranceConnect::new(vars.config());
    let app = Router::new()
        .route("/", get(|| async { "home" }))
        .franceconnect(fc, MemorySessionStore::default());
    tokio::spawn(async move { axum::serve(listener, app).await });
}

/// Serves `doc` as JSON at every path of `listener` (a JWKS that differs
/// from the keys file, or leaks a private part).
pub fn serve_json(listener: TcpListener, doc: Value) {
    let app = Router::new().fallback(get(move || {
        let doc = doc.clone();
        async move { axum::Json(doc) }
    }));
    tokio::spawn(async move { axum::serve(listener, app).await });
}

/// How the proxy rewrites the mock's answers.
#[derive(Clone, Default)]
pub struct Rewrite {
    /// Members of the discovery document replaced.
    pub discovery: Vec<(&'static str, Value)>,
    /// Seconds added to the `Date` header (negative: earlier).
    pub date_offset_secs: i64,
}

struct Proxy {
    upstream: String,
    own: String,
    rewrite: Rewrite,
    http: reqwest::Client,
}

/// A proxy in front of the mock at `upstream` (its origin), listening on
/// `listener` whose origin is `own`: every answer's URLs name the proxy
/// (so discovery stays self-consistent), then `rewrite` applies.
pub fn serve_proxy(listener: TcpListener, own: &str, upstream: &str, rewrite: Rewrite) {
    let proxy = Arc::new(Proxy {
        upstream: upstream.to_owned(),
        own: own.to_owned(),
        rewrite,
        http: reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
    });
    let app = Router::new().fallback(forward).with_state(proxy);
    tokio::spawn(async move { axum::serve(listener, app).await });
}

async fn forward(State(proxy): State<Arc<Proxy>>, uri: Uri) -> Response {
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let Ok(answer) = proxy.http.get(format!("{}{path}", proxy.upstream)).send().await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let status = answer.status();
    let date = answer
        .headers()
        .get(header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .unwrap_or_else(std::time::SystemTime::now);
    let content_type = answer.headers().get(header::CONTENT_TYPE).cloned();
    let body = answer
        .text()
        .await
        .unwrap_or_default()
        .replace(&proxy.upstream, &proxy.own);
    let body = if path.ends_with("/.well-known/openid-configuration") && !proxy.rewrite.discovery.is_empty() {
        let mut doc: Value = serde_json::from_str(&body).unwrap();
        for (member, value) in &proxy.rewrite.discovery {
            doc[*member] = value.clone();
        }
        doc.to_string()
    } else {
        body
    };
    let offset = std::time::Duration::from_secs(proxy.rewrite.date_offset_secs.unsigned_abs());
    let date = if proxy.rewrite.date_offset_secs >= 0 {
        date + offset
    } else {
        date - offset
    };
    let mut headers = HeaderMap::new();
    headers.insert(
        header::DATE,
        HeaderValue::from_str(&httpdate::fmt_http_date(date)).unwrap(),
    );
    if let Some(content_type) = content_type {
        headers.insert(header::CONTENT_TYPE, content_type);
    }
    (StatusCode::from_u16(status.as_u16()).unwrap(), headers, body).into_response()
}

/// The origin of a mock (`http://127.0.0.1:port`).
pub fn origin(mock: &MockHandle) -> String {
    let addr: SocketAddr = mock.addr();
    format!("http://{addr}")
}

/// A fresh directory for key files.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "franceconnect-cli-{name}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn path_str(path: &Path) -> String {
    path.to_str().unwrap().to_owned()
}

/// The failures of a report, each as printed.
pub fn failures(report: &Report) -> Vec<String> {
    report
        .lines
        .iter()
        .filter(|l| l.status == Status::Fail)
        .map(ToString::to_string)
        .collect()
}

/// Asserts that the report fails, on lines of `check` only, one of them
/// saying `text`.
pub fn assert_fails_only(report: &Report, check: Check, text: &str) {
    let failing: Vec<_> = report.lines.iter().filter(|l| l.status == Status::Fail).collect();
    assert!(!report.passed(), "expected a failure:\n{report}");
    assert!(
        failing.iter().all(|l| l.check == check),
        "only `{}` may fail:\n{report}",
        check.name()
    );
    assert!(
        failing.iter().any(|l| l.to_string().contains(text)),
        "no FAIL line says `{text}`:\n{report}"
    );
    assert!(
        failing.iter().all(|l| l.fix.as_deref().is_some_and(|f| !f.is_empty())),
        "every failure says what to change:\n{report}"
    );
}

/// Asserts that everything holds, each group of checks with an `ok` line.
pub fn assert_all_ok(report: &Report, groups: &[Check]) {
    assert!(report.passed(), "{report}");
    for group in groups {
        assert!(
            report.of(*group).any(|l| l.status == Status::Ok),
            "no ok line for `{}`:\n{report}",
            group.name()
        );
    }
}
