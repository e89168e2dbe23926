//! The scenarios every quickstart binary must pass, started as a process as
//! a newcomer runs it (environment variables, no configuration). Each
//! quickstart runs them with [`binary_suite!`](crate::binary_suite); each
//! scenario takes the binary's path (`binary: &str`) first.

use std::process::Command;

use crate::harness::Browser;
use crate::harness::process::start_quickstart;

/// With no configuration: the embedded mocks of the three platforms, a
/// citizen's login through the home page's FranceConnect button, and a
/// logout.
pub async fn binary_runs_a_login_with_no_configuration(binary: &str) {
    let (_process, url) = start_quickstart(binary, &[]);
    assert!(url.starts_with("http://localhost:"), "{url}");
    let b = Browser::new(&url);
    let home = b.get("/").await.body;
    assert!(home.contains("S'identifier avec FranceConnect") && home.contains("S'identifier avec ProConnect"));
    let back = b
        .login_through_page("/auth/fc/login?return_to=%2Fprofil", Some("default"), "eidas1")
        .await;
    assert_eq!(back.location_path(), "/profil");
    let me = b.get_json("/api/me").await.json();
    assert_eq!(me["acr"], "eidas1");
    let out = b.post_form("/auth/logout", &[], &b.origin()).await;
    let done = b.follow(out).await;
    assert_eq!(done.status.as_u16(), 200);
    assert_eq!(b.get_json("/api/me").await.status.as_u16(), 401);
}

/// FranceConnect+ with `FC_KEYS_FILE` generated at start and `FC_SCOPES`.
pub async fn binary_runs_fc_plus_with_a_generated_key_file(binary: &str) {
    let name = std::path::Path::new(binary)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let dir = std::env::temp_dir().join(format!("{name}-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let keys = dir.join("keys.json");
    let (_process, url) = start_quickstart(
        binary,
        &[
            ("FC_PLATFORM", "fcplus"),
            ("FC_KEYS_FILE", keys.to_str().unwrap()),
            ("FC_SCOPES", "profile birth"),
        ],
    );
    assert!(keys.exists(), "the key file is generated");
    let b = Browser::new(&url);
    let back = b.login_through_page("/auth/login", Some("default"), "eidas2").await;
    assert_eq!(back.location_path(), "/");
    let me = b.get_json("/api/me").await.json();
    assert_eq!(me["acr"], "eidas2");
    assert!(me["birthplace"].is_string(), "birth scope");
    assert!(me["email"].is_null(), "no email scope");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Each misconfiguration stops the binary with a message that says what to
/// change, before anything is served.
pub fn binary_refuses_a_misconfiguration(binary: &str) {
    let cases: [(&[(&str, &str)], &str); 6] = [
        (
            &[("FC_PLATFORM", "fcplus"), ("FC_ACR", "eidas1")],
            "does not accept eidas1",
        ),
        // Several instances need one secret for the pending-login cookies.
        (
            &[("REDIS_URL", "redis://127.0.0.1:1"), ("SESSION_KEY", "x")],
            "REDIS_URL needs FC_LOGIN_COOKIE_SECRET",
        ),
        (
            &[("DATABASE_URL", "postgres://app@127.0.0.1:1/app"), ("SESSION_KEY", "x")],
            "DATABASE_URL needs FC_LOGIN_COOKIE_SECRET",
        ),
        // Sessions go to one store.
        (
            &[
                ("REDIS_URL", "redis://127.0.0.1:1"),
                ("DATABASE_URL", "postgres://127.0.0.1:1/app"),
            ],
            "REDIS_URL and DATABASE_URL are both set",
        ),
        (&[("FC_LOGIN_COOKIE_SECRET", "short")], "at least 32 characters"),
        (
            &[("FC_PENDING_LOGIN_SECS", "0")],
            "pending_login_lifetime must be between",
        ),
    ];
    for (vars, message) in cases {
        let output = Command::new(binary)
            .env_clear()
            .env("BIND", "127.0.0.1:0")
            .envs(vars.iter().copied())
            .output()
            .unwrap();
        assert!(!output.status.success(), "{vars:?} must not start");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{vars:?}: {stderr}");
    }
}

/// The public sandbox with a public `APP_URL` starts, with a warning: its
/// test identities are public, it is for development.
pub async fn binary_warns_about_a_public_sandbox_app(binary: &str) {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let mut child = Command::new(binary)
        .env_clear()
        .env("BIND", "127.0.0.1:0")
        .envs([
            ("FC_ENV", "sandbox"),
            ("FC_CLIENT_ID", "my-client"),
            ("FC_CLIENT_SECRET", "my-secret"),
            ("APP_URL", "https://demarches.example.fr"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let warned = tokio::task::spawn_blocking(move || {
        stderr
            .lines()
            .map_while(Result::ok)
            .take(50)
            .any(|line| line.contains("FC_ENV=sandbox with a public APP_URL"))
    });
    let warned = tokio::time::timeout(std::time::Duration::from_secs(20), warned).await;
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        matches!(warned, Ok(Ok(true))),
        "no warning about the public sandbox app"
    );
}

/// With `METRICS_BIND`, the binary serves the engine's metrics for
/// Prometheus, apart from the app: three logins against a provider of the
/// test's own (a success, a cancellation, a token signed with a key the
/// provider never published) give exactly these counters, and no label
/// carries anything but a value of the engine's closed sets.
pub async fn binary_counts_its_logins_for_prometheus(binary: &str) {
    use franceconnect_mock::{Client, MockProvider, Platform as MockPlatform, Tamper};

    let free_port = crate::harness::free_port;
    let (app_port, metrics_port) = (free_port(), free_port());
    let app_url = format!("http://localhost:{app_port}");
    let mock = MockProvider::new(MockPlatform::FranceConnect)
        .client(Client::new(
            "metrics",
            "metrics-secret",
            format!("{app_url}/auth/callback"),
            format!("{app_url}/auth/logout/callback"),
        ))
        .start()
        .await
        .unwrap();
    let (issuer, bind, metrics_bind) = (
        mock.issuer(),
        format!("127.0.0.1:{app_port}"),
        format!("127.0.0.1:{metrics_port}"),
    );
    let (_process, url) = start_quickstart(
        binary,
        &[
            ("FC_ISSUER", issuer.as_str()),
            ("FC_CLIENT_ID", "metrics"),
            ("FC_CLIENT_SECRET", "metrics-secret"),
            ("APP_URL", app_url.as_str()),
            ("BIND", bind.as_str()),
            ("METRICS_BIND", metrics_bind.as_str()),
        ],
    );

    let signed_in = Browser::new(&url)
        .login_through_page("/auth/login", Some("default"), "eidas1")
        .await;
    assert_eq!(signed_in.status.as_u16(), 303, "{}", signed_in.body);
    let cancelled = Browser::new(&url)
        .login_through_page("/auth/login", None, "eidas1")
        .await;
    assert_eq!(cancelled.status.as_u16(), 403, "{}", cancelled.body);
    mock.set_tamper(Some(Tamper::UnknownKid));
    let hostile = Browser::new(&url)
        .login_through_page("/auth/login", Some("default"), "eidas1")
        .await;
    assert_eq!(hostile.status.as_u16(), 502, "{}", hostile.body);
    mock.set_tamper(None);

    let scrape = Browser::new(&format!("http://127.0.0.1:{metrics_port}"))
        .get("/metrics")
        .await;
    assert_eq!(scrape.status.as_u16(), 200);
    let series = prometheus_series(&scrape.body);
    let value = |name: &str, labels: &[(&str, &str)]| -> f64 {
        series
            .iter()
            .filter(|(n, l, _)| n == name && labels.iter().all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v)))
            .map(|(_, _, v)| v)
            .sum()
    };
    let fc = ("platform", "fc");
    assert_eq!(value("franceconnect_logins_begun_total", &[fc]), 3.0, "{}", scrape.body);
    assert_eq!(
        value("franceconnect_logins_completed_total", &[fc, ("acr", "eidas1")]),
        1.0,
        "{}",
        scrape.body
    );
    assert_eq!(value("franceconnect_logins_completed_total", &[]), 1.0);
    let failed = |error| {
        value(
            "franceconnect_logins_failed_total",
            &[fc, ("step", "callback"), ("error", error)],
        )
    };
    assert_eq!(failed("access_denied"), 1.0, "{}", scrape.body);
    assert_eq!(failed("invalid_token"), 1.0, "{}", scrape.body);
    assert_eq!(value("franceconnect_logins_failed_total", &[]), 2.0, "{}", scrape.body);
    // The cancellation exchanged nothing; the hostile ID token was refused
    // before its access token was used.
    let requests = |endpoint| {
        value(
            "franceconnect_provider_request_duration_seconds_count",
            &[fc, ("endpoint", endpoint), ("outcome", "2xx")],
        )
    };
    assert_eq!(requests("token"), 2.0, "{}", scrape.body);
    assert_eq!(requests("userinfo"), 1.0, "{}", scrape.body);
    assert!(requests("discovery") >= 1.0, "{}", scrape.body);
    // The first fetch, and the refetch the unknown key id asked for.
    assert_eq!(
        value("franceconnect_jwks_unknown_kid_refetches_total", &[fc]),
        1.0,
        "{}",
        scrape.body
    );
    assert!(
        value("franceconnect_jwks_fetches_total", &[fc, ("outcome", "ok")]) >= 2.0,
        "{}",
        scrape.body
    );
    assert!(
        scrape.body.contains("# HELP franceconnect_logins_failed_total"),
        "the metrics are described"
    );
    // Every label of every series comes from a closed set.
    let allowed = |key: &str, value: &str| match key {
        "platform" => ["fc", "fcplus", "proconnect"].contains(&value),
        "acr" => franceconnect_tower::Acr::ALL.iter().any(|a| a.as_str() == value),
        "step" => ["begin", "callback"].contains(&value),
        "error" => franceconnect_tower::metrics::ERROR_LABELS.contains(&value),
        "endpoint" => ["discovery", "jwks", "token", "userinfo", "revocation"].contains(&value),
        "outcome" => [
            "2xx",
            "3xx",
            "4xx",
            "5xx",
            "other_status",
            "timeout",
            "connect_error",
            "too_large",
            "transport_error",
            "ok",
            "error",
        ]
        .contains(&value),
        "adapter" => ["tower", "actix"].contains(&value),
        // The exporter's own: a histogram's bucket bounds.
        "le" => value == "+Inf" || value.parse::<f64>().is_ok(),
        _ => false,
    };
    for (name, labels, _) in &series {
        assert!(name.starts_with("franceconnect_"), "{name}");
        for (k, v) in labels {
            assert!(allowed(k, v), "{name}: {k}={v:?} is outside the closed sets");
        }
    }
}

/// The samples of a Prometheus text exposition: each line's name, labels
/// and value (comments skipped).
fn prometheus_series(text: &str) -> Vec<(String, std::collections::BTreeMap<String, String>, f64)> {
    let mut series = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let (head, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("a sample: {line}"));
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("a value: {line}"));
        let (name, labels) = match head.split_once('{') {
            Some((name, rest)) => (name, rest.strip_suffix('}').unwrap_or_else(|| panic!("labels: {line}"))),
            None => (head, ""),
        };
        let labels = labels
            .split(',')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or_else(|| panic!("a label: {line}"));
                (k.to_owned(), v.trim_matches('"').to_owned())
            })
            .collect();
        series.push((name.to_owned(), labels, value));
    }
    series
}
