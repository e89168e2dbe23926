//! `franceconnect doctor` against the real mock provider on loopback: a good
//! deployment passes every check, and each broken one fails its own check,
//! saying what to change.

mod support;

use std::process::Command;
use std::time::Instant;

use franceconnect_cli::keys::{self, KeySpec};
use franceconnect_cli::report::{Check, Status};
use franceconnect_mock::{EncryptionAlg as MockEnc, MockProvider, Platform as MockPlatform};
use franceconnect_tower::{EncryptionAlg, ServiceKeys, SigningAlg};
use serde_json::json;
use support::*;

const EVERY_CHECK: [Check; 11] = [
    Check::Config,
    Check::Discovery,
    Check::Algorithms,
    Check::Encryption,
    Check::Uris,
    Check::Jwks,
    Check::Clock,
    Check::Scopes,
    Check::Acr,
    Check::Client,
    Check::Routes,
];

/// Every check that needs no running application (`routes` requests it).
fn every_check_but_routes() -> Vec<Check> {
    EVERY_CHECK.into_iter().filter(|c| *c != Check::Routes).collect()
}

/// A FranceConnect+ deployment as it should be: its keys file, the
/// application running with the library's routes (its real JWKS), the mock
/// fetching the keys from there. The library call and the binary agree.
#[tokio::test]
async fn a_good_deployment_passes_every_check() {
    let dir = temp_dir("good");
    let file = dir.join("fc-keys.json");
    keys::generate(
        &file,
        &[
            KeySpec::Encryption(EncryptionAlg::EcdhEs),
            KeySpec::Signing(SigningAlg::Es256),
        ],
        false,
    )
    .unwrap();
    let (app_listener, app) = listener().await;
    let provider = mock(
        MockProvider::new(MockPlatform::FranceConnectPlus)
            .client(client(&app).encryption(MockEnc::EcdhEs, app_keys(&app))),
    )
    .await;
    let vars = vars("fcplus", &provider.issuer(), &app).set("FC_KEYS_FILE", path_str(&file));
    serve_app(app_listener, &vars);

    let started = Instant::now();
    let report = vars.run().await;
    let took = started.elapsed();
    assert_all_ok(&report, &EVERY_CHECK);
    assert_eq!(report.count(Status::Warn), 0, "{report}");
    let text = report.to_string();
    assert!(text.contains("the engine's start-up check passes"), "{text}");
    assert!(
        text.contains(&format!("{app}/auth/jwks publishes the public part of every key")),
        "{text}"
    );
    eprintln!(
        "doctor against the mock (library call): {} ms\n{report}",
        took.as_millis()
    );

    // The binary, from the environment: exit 0, one `ok` line per finding.
    let binary = tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_franceconnect"))
            .arg("doctor")
            .env_clear()
            .envs(vars.0.iter())
            .output()
            .unwrap();
        (out, started.elapsed())
    })
    .await
    .unwrap();
    let (out, took) = binary;
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    let (summary, findings) = lines.split_last().unwrap();
    assert_eq!(findings.len(), report.lines.len(), "{stdout}");
    assert!(findings.iter().all(|l| l.starts_with("ok ")), "{stdout}");
    assert!(summary.ends_with("ready for qualification"), "{stdout}");
    eprintln!(
        "doctor against the mock (binary, process included): {} ms",
        took.as_millis()
    );

    // A keys file every user can read fails, and the binary exits 1; one
    // its group can read (a Kubernetes secret with an fsGroup) is worth a
    // warning, and the binary exits 0.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let doctor_binary = |vars: Vars| {
            tokio::task::spawn_blocking(move || {
                Command::new(env!("CARGO_BIN_EXE_franceconnect"))
                    .arg("doctor")
                    .env_clear()
                    .envs(vars.0.iter())
                    .output()
                    .unwrap()
            })
        };
        let vars = support::vars("fcplus", &provider.issuer(), &app).set("FC_KEYS_FILE", path_str(&file));

        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let report = vars.run().await;
        assert_fails_only(&report, Check::Encryption, "is readable by other users (mode 644)");
        let failures: Vec<String> = report
            .lines
            .iter()
            .filter(|l| l.status == Status::Fail)
            .map(ToString::to_string)
            .collect();
        assert_eq!(failures.len(), 1, "{report}");
        assert!(
            failures[0].contains(&format!("fix: chmod 600 {}", file.display())),
            "{report}"
        );
        assert_eq!(report.count(Status::Warn), 0, "{report}");
        let out = doctor_binary(vars.clone()).await.unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(1), "{stdout}");
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with("FAIL") && l.contains("is readable by other users (mode 644)")),
            "{stdout}"
        );

        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
        let report = vars.run().await;
        assert!(report.passed(), "{report}");
        let warnings: Vec<String> = report
            .lines
            .iter()
            .filter(|l| l.status == Status::Warn)
            .map(ToString::to_string)
            .collect();
        assert_eq!(warnings.len(), 1, "{report}");
        assert!(warnings[0].contains("is readable by its group (mode 640)"), "{report}");
        assert!(
            warnings[0].contains(&format!("fix: chmod 600 {}, unless", file.display())),
            "{report}"
        );
        let out = doctor_binary(vars).await.unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(0), "{stdout}");
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with("warn") && l.contains("is readable by its group (mode 640)")),
            "{stdout}"
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// Discovery reachable, but naming another issuer than the configured one
/// (the mock announces a public URL that is not the one configured).
#[tokio::test]
async fn a_wrong_issuer_fails_discovery() {
    let provider = mock(
        MockProvider::new(MockPlatform::FranceConnect)
            .client(client("http://localhost:3000"))
            .public_base_url("http://localhost:1"),
    )
    .await;
    let issuer = format!("{}/api/v2", origin(&provider));
    let report = vars("fc", &issuer, "http://localhost:3000").run().await;
    assert_fails_only(
        &report,
        Check::Discovery,
        "discovery names the issuer `http://localhost:1/api/v2`, not the configured",
    );
    assert!(
        report
            .to_string()
            .contains("set FC_ISSUER to exactly `http://localhost:1/api/v2`")
    );
}

/// No provider there at all.
#[tokio::test]
async fn an_unreachable_provider_fails_discovery() {
    let (closed, origin) = listener().await;
    drop(closed);
    let report = vars("fc", &format!("{origin}/api/v2"), "http://localhost:3000")
        .set("FC_HTTP_TIMEOUT_SECS", "2")
        .run()
        .await;
    assert_fails_only(&report, Check::Discovery, "cannot connect");
}

/// A provider offering only HS256 for the ID token (FranceConnect's
/// default registration), through a proxy in front of the mock.
#[tokio::test]
async fn an_hs256_only_discovery_fails_algorithms() {
    let provider = mock(MockProvider::new(MockPlatform::FranceConnect).client(client("http://localhost:3000"))).await;
    let (proxy_listener, proxy) = listener().await;
    serve_proxy(
        proxy_listener,
        &proxy,
        &origin(&provider),
        Rewrite {
            discovery: vec![("id_token_signing_alg_values_supported", json!(["HS256"]))],
            ..Rewrite::default()
        },
    );
    let report = vars("fc", &format!("{proxy}/api/v2"), "http://localhost:3000")
        .run()
        .await;
    assert_fails_only(
        &report,
        Check::Algorithms,
        "the ID token signature: `id_token_signing_alg_values_supported` offers HS256, none of those the service accepts",
    );
    // Userinfo is still offered ES256: that line holds.
    assert!(
        report
            .to_string()
            .contains("ok   algorithms the userinfo signature: ES256 offered"),
        "{report}"
    );
}

/// FranceConnect+ with a keys file holding no encryption key: the loader
/// refuses it, and the doctor says to add one (the application is down,
/// so a tiny server publishes the file's public part).
#[tokio::test]
async fn fc_plus_keys_without_an_encryption_key_fail_encryption() {
    let dir = temp_dir("sig-only");
    let file = dir.join("fc-keys.json");
    let keys = keys::generate(&file, &[KeySpec::Signing(SigningAlg::Es256)], false).unwrap();
    let (app_listener, app) = listener().await;
    serve_json(app_listener, keys.public_jwks());
    let provider = mock(
        MockProvider::new(MockPlatform::FranceConnectPlus)
            .client(client(&app).encryption(MockEnc::EcdhEs, app_keys(&app))),
    )
    .await;
    let report = vars("fcplus", &provider.issuer(), &app)
        .set("FC_KEYS_FILE", path_str(&file))
        .run()
        .await;
    assert_fails_only(&report, Check::Encryption, "hold no encryption key");
    assert!(
        report.to_string().contains(&format!(
            "franceconnect keys add --file {} --enc ecdh-es",
            file.display()
        )),
        "{report}"
    );
    // Every other check still ran on the rest of the configuration.
    assert_all_ok_but(&report, Check::Encryption);
    std::fs::remove_dir_all(dir).unwrap();
}

/// FranceConnect with encrypted tokens, and a key for an algorithm its
/// discovery does not offer (RSA-OAEP-256 is FranceConnect+'s).
#[tokio::test]
async fn fc_keys_for_an_algorithm_not_offered_fail_encryption() {
    let dir = temp_dir("rsa-oaep-256");
    let file = dir.join("fc-keys.json");
    keys::generate(&file, &[KeySpec::Encryption(EncryptionAlg::RsaOaep256)], false).unwrap();
    let (app_listener, app) = listener().await;
    let provider = mock(
        MockProvider::new(MockPlatform::FranceConnect).client(client(&app).encryption(MockEnc::EcdhEs, app_keys(&app))),
    )
    .await;
    let vars = vars("fc", &provider.issuer(), &app)
        .set("FC_KEYS_FILE", path_str(&file))
        .set("FC_ENCRYPTED_TOKENS", "true");
    serve_app(app_listener, &vars);
    let report = vars.run().await;
    assert_fails_only(
        &report,
        Check::Encryption,
        "the ID token encryption: the provider encrypts with ECDH-ES, RSA-OAEP; FC_KEYS_FILE holds keys for RSA-OAEP-256 only",
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// A redirect URI in plain http on a public host: the loader refuses it,
/// the doctor names the variable.
#[tokio::test]
async fn an_http_redirect_uri_on_a_public_host_fails_uris() {
    let provider = mock(MockProvider::new(MockPlatform::FranceConnect).client(client("http://localhost:3000"))).await;
    let report = vars("fc", &provider.issuer(), "http://localhost:3000")
        .set("FC_REDIRECT_URI", "http://service.example.fr/auth/callback")
        .run()
        .await;
    assert_fails_only(
        &report,
        Check::Uris,
        "redirect_uri uses plain http:// on a non-loopback host",
    );
    assert!(
        report.to_string().contains("fix: set FC_REDIRECT_URI to https:// URLs"),
        "{report}"
    );
}

/// A redirect URI that is HTTPS but not the route the library mounts.
#[tokio::test]
async fn a_redirect_uri_off_the_library_routes_fails_uris() {
    let provider = mock(MockProvider::new(MockPlatform::FranceConnect).client(client("http://localhost:3000"))).await;
    let report = vars("fc", &provider.issuer(), "https://service.example.fr")
        .set("FC_REDIRECT_URI", "https://service.example.fr/oidc/cb")
        .run()
        .await;
    assert_fails_only(
        &report,
        Check::Uris,
        "https://service.example.fr/oidc/cb does not end with /auth/callback",
    );
    assert!(
        report
            .to_string()
            .contains("set FC_REDIRECT_URI to https://service.example.fr/auth/callback"),
        "{report}"
    );
}

/// The application publishes its private keys.
#[tokio::test]
async fn a_jwks_leaking_a_private_part_fails_jwks() {
    let dir = temp_dir("leak");
    let file = dir.join("fc-keys.json");
    let keys = keys::generate(&file, &[KeySpec::Encryption(EncryptionAlg::EcdhEs)], false).unwrap();
    let private: serde_json::Value = serde_json::from_str(&keys.to_private_jwks_json()).unwrap();
    let (app_listener, app) = listener().await;
    serve_json(app_listener, private);
    let provider = mock(
        MockProvider::new(MockPlatform::FranceConnectPlus)
            .client(client(&app).encryption(MockEnc::EcdhEs, app_keys(&app))),
    )
    .await;
    let report = vars("fcplus", &provider.issuer(), &app)
        .set("FC_KEYS_FILE", path_str(&file))
        .run()
        .await;
    let kid = keys.kids().next().unwrap().to_owned();
    assert_fails_only(
        &report,
        Check::Jwks,
        &format!("publishes private key material: `d` of `{kid}`"),
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// The application runs with another keys file than the one configured
/// (or was not restarted after `keys add`).
#[tokio::test]
async fn a_jwks_other_than_the_keys_file_fails_jwks() {
    let dir = temp_dir("other");
    let file = dir.join("fc-keys.json");
    keys::generate(&file, &[KeySpec::Encryption(EncryptionAlg::EcdhEs)], false).unwrap();
    let other = ServiceKeys::generate(EncryptionAlg::EcdhEs).unwrap();
    let (app_listener, app) = listener().await;
    serve_json(app_listener, other.public_jwks());
    let provider = mock(
        MockProvider::new(MockPlatform::FranceConnectPlus)
            .client(client(&app).encryption(MockEnc::EcdhEs, app_keys(&app))),
    )
    .await;
    let report = vars("fcplus", &provider.issuer(), &app)
        .set("FC_KEYS_FILE", path_str(&file))
        .run()
        .await;
    assert_fails_only(&report, Check::Jwks, "FC_KEYS_FILE holds");
    assert!(
        report
            .to_string()
            .contains("restart the application with this FC_KEYS_FILE"),
        "{report}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// The same kid, other key material.
#[tokio::test]
async fn a_jwks_with_other_key_material_under_the_same_kid_fails_jwks() {
    let dir = temp_dir("same-kid");
    let file = dir.join("fc-keys.json");
    let keys = keys::generate(&file, &[KeySpec::Encryption(EncryptionAlg::EcdhEs)], false).unwrap();
    let mut forged = ServiceKeys::generate(EncryptionAlg::EcdhEs).unwrap().public_jwks();
    forged["keys"][0]["kid"] = json!(keys.kids().next().unwrap());
    let (app_listener, app) = listener().await;
    serve_json(app_listener, forged);
    let provider = mock(
        MockProvider::new(MockPlatform::FranceConnectPlus)
            .client(client(&app).encryption(MockEnc::EcdhEs, app_keys(&app))),
    )
    .await;
    let report = vars("fcplus", &provider.issuer(), &app)
        .set("FC_KEYS_FILE", path_str(&file))
        .run()
        .await;
    assert_fails_only(&report, Check::Jwks, "publishes other key material than FC_KEYS_FILE");
    std::fs::remove_dir_all(dir).unwrap();
}

/// The provider's clock (its `Date`, through a proxy) two minutes ahead.
#[tokio::test]
async fn a_skewed_clock_fails_clock() {
    let provider = mock(MockProvider::new(MockPlatform::FranceConnect).client(client("http://localhost:3000"))).await;
    let (proxy_listener, proxy) = listener().await;
    serve_proxy(
        proxy_listener,
        &proxy,
        &origin(&provider),
        Rewrite {
            date_offset_secs: 120,
            ..Rewrite::default()
        },
    );
    let report = vars("fc", &format!("{proxy}/api/v2"), "http://localhost:3000")
        .run()
        .await;
    assert_fails_only(
        &report,
        Check::Clock,
        "s behind the provider's `Date`, beyond the 30 s leeway",
    );
    // A leeway that covers it (the engine's own setting) passes.
    let lenient = vars("fc", &format!("{proxy}/api/v2"), "http://localhost:3000")
        .set("FC_CLOCK_LEEWAY_SECS", "180")
        .run()
        .await;
    assert!(lenient.passed(), "{lenient}");
}

/// A scope the platform does not offer.
#[tokio::test]
async fn an_unknown_scope_fails_scopes() {
    let provider = mock(MockProvider::new(MockPlatform::FranceConnect).client(client("http://localhost:3000"))).await;
    // FranceConnect's list is closed: the engine's typed scopes refuse it.
    let report = vars("fc", &provider.issuer(), "http://localhost:3000")
        .set("FC_SCOPES", "openid identite_pivot frobnicate")
        .run()
        .await;
    assert_fails_only(
        &report,
        Check::Scopes,
        "`frobnicate` is not a FranceConnect scope (FC_SCOPES)",
    );
    // ProConnect keeps the scopes the engine does not know: discovery's
    // `scopes_supported` tells.
    let agents = mock(MockProvider::new(MockPlatform::ProConnect).client(client("http://localhost:3000"))).await;
    let report = vars("proconnect", &agents.issuer(), "http://localhost:3000")
        .set("FC_SCOPES", "openid email frobnicate")
        .run()
        .await;
    assert_fails_only(
        &report,
        Check::Scopes,
        "the scope `frobnicate` is not in the provider's `scopes_supported`",
    );
    // Another platform's scope: the engine's typed scopes refuse it.
    let report = vars("fc", &provider.issuer(), "http://localhost:3000")
        .set("FC_SCOPES", "openid siret")
        .run()
        .await;
    assert_fails_only(
        &report,
        Check::Scopes,
        "`siret` is not a FranceConnect scope (FC_SCOPES)",
    );
}

/// ProConnect asked for an acr value that does not exist.
#[tokio::test]
async fn an_unknown_acr_on_proconnect_fails_acr() {
    let provider = mock(MockProvider::new(MockPlatform::ProConnect).client(client("http://localhost:3000"))).await;
    let good = vars("proconnect", &provider.issuer(), "http://localhost:3000").set("FC_ACR", "mfa");
    let report = good.run().await;
    assert_all_ok(&report, &every_check_but_routes());
    assert!(
        report
            .to_string()
            .contains("acr eidas0-mfa, eidas1-mfa, eidas2, eidas3 asked, offered"),
        "{report}"
    );
    let report = good.set("FC_ACR", "eidas1 eidas9").run().await;
    assert_fails_only(&report, Check::Acr, "FC_ACR: `eidas9` is not a ProConnect acr value");
}

/// The binary on a broken deployment: exit 1, the FAIL line on stdout,
/// and the same findings as JSON with `--json`.
#[tokio::test]
async fn the_binary_exits_non_zero_and_prints_the_failure() {
    let provider = mock(MockProvider::new(MockPlatform::FranceConnect).client(client("http://localhost:3000"))).await;
    let vars = vars("fc", &provider.issuer(), "http://localhost:3000").set("FC_SCOPES", "openid frobnicate");
    let out = tokio::task::spawn_blocking(move || {
        let run = |json: bool| {
            let mut command = Command::new(env!("CARGO_BIN_EXE_franceconnect"));
            command.arg("doctor").env_clear().envs(vars.0.iter());
            if json {
                command.arg("--json");
            }
            command.output().unwrap()
        };
        (run(false), run(true))
    })
    .await
    .unwrap();
    let (text, json) = out;
    let stdout = String::from_utf8(text.stdout).unwrap();
    assert_eq!(text.status.code(), Some(1), "{stdout}");
    let fail: Vec<&str> = stdout.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert_eq!(fail.len(), 1, "{stdout}");
    assert!(
        fail[0].starts_with("FAIL scopes     `frobnicate` is not a FranceConnect scope"),
        "{stdout}"
    );
    assert!(
        fail[0].contains("— fix: FC_SCOPES: keep only the platform's scopes"),
        "{stdout}"
    );
    assert!(
        stdout
            .trim_end()
            .ends_with("fix the FAIL lines, then run `franceconnect doctor` again")
    );
    assert_eq!(json.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["passed"], false);
    let failing: Vec<&serde_json::Value> = doc["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["status"] == "fail")
        .collect();
    assert_eq!(failing.len(), 1);
    assert_eq!(failing[0]["check"], "scopes");
}

/// A configuration the loader refuses outright (no client id): one
/// `config` failure, nothing fetched.
#[tokio::test]
async fn a_configuration_that_does_not_load_fails_config() {
    let report = vars("fc", "http://127.0.0.1:9/api/v2", "http://localhost:3000")
        .unset("FC_CLIENT_ID")
        .run()
        .await;
    assert_fails_only(&report, Check::Config, "FC_CLIENT_ID is required");
    assert_eq!(report.lines.len(), 1, "{report}");
}

/// Several platforms at once (`FC_PLATFORMS`) on the mock federation:
/// each platform's lines under its name, its URIs under `/auth/{platform}`.
#[tokio::test]
async fn a_federation_is_checked_platform_by_platform() {
    let dir = temp_dir("federation");
    let file = dir.join("fc-keys.json");
    keys::generate(&file, &[KeySpec::Encryption(EncryptionAlg::EcdhEs)], false).unwrap();
    let (app_listener, app) = listener().await;
    let client = |platform: &str| {
        franceconnect_mock::Client::new(
            "doctor-client",
            "doctor-secret",
            format!("{app}/auth/{platform}/callback"),
            format!("{app}/auth/{platform}/logout/callback"),
        )
    };
    let federation = franceconnect_mock::MockFederation::new()
        .platform(MockProvider::new(MockPlatform::FranceConnect).client(client("fc")))
        .platform(
            MockProvider::new(MockPlatform::FranceConnectPlus)
                .client(client("fcplus").encryption(MockEnc::EcdhEs, app_keys(&app))),
        )
        .platform(MockProvider::new(MockPlatform::ProConnect).client(client("proconnect")))
        .start()
        .await
        .unwrap();
    let issuer = |p: MockPlatform| federation.handle(p).unwrap().issuer();
    let vars = Vars::new(&[
        ("FC_PLATFORMS", "fc,fcplus,proconnect"),
        ("FC_FC_ISSUER", &issuer(MockPlatform::FranceConnect)),
        ("FC_FCPLUS_ISSUER", &issuer(MockPlatform::FranceConnectPlus)),
        ("FC_PROCONNECT_ISSUER", &issuer(MockPlatform::ProConnect)),
        ("FC_CLIENT_ID", "doctor-client"),
        ("FC_CLIENT_SECRET", "doctor-secret"),
        ("FC_FCPLUS_CLIENT_ID", "doctor-client"),
        ("FC_FCPLUS_CLIENT_SECRET", "doctor-secret"),
        ("FC_PROCONNECT_CLIENT_ID", "doctor-client"),
        ("FC_PROCONNECT_CLIENT_SECRET", "doctor-secret"),
        ("APP_URL", &app),
        ("FC_KEYS_FILE", &path_str(&file)),
    ]);
    // The application: the library's routes for the three platforms.
    let engines = franceconnect_tower::Config::federation_from_lookup(vars.lookup())
        .unwrap()
        .into_iter()
        .map(franceconnect_tower::FranceConnect::new);
    let routes = franceconnect_tower::web::AuthRoutes::federation(engines).unwrap();
    let served = axum::Router::new().route("/", axum::routing::get(|| async { "home" }));
    let served = franceconnect_axum::FranceConnectRouterExt::franceconnect_layer(
        served,
        franceconnect_tower::web::tower::FranceConnectLayer::from_routes(routes),
        franceconnect_tower::web::tower::MemorySessionStore::default(),
    );
    tokio::spawn(async move { axum::serve(app_listener, served).await });

    let report = vars.run().await;
    assert_all_ok(&report, &EVERY_CHECK);
    let text = report.to_string();
    for platform in ["FranceConnect", "FranceConnect+", "ProConnect"] {
        assert!(text.contains(&format!("ok   discovery  {platform}: ")), "{text}");
    }
    assert!(
        text.contains(&format!(
            "{app}/auth/proconnect/logout/callback: plain HTTP on loopback"
        )),
        "{text}"
    );

    // ProConnect's redirect URI registered at the shared prefix: its own
    // variable is named.
    let report = vars
        .clone()
        .set("FC_PROCONNECT_REDIRECT_URI", format!("{app}/auth/callback"))
        .run()
        .await;
    assert_fails_only(&report, Check::Uris, "does not end with /auth/proconnect/callback");
    assert!(
        report.to_string().contains("set FC_PROCONNECT_REDIRECT_URI to"),
        "{report}"
    );

    // ProConnect's secret wrong: its own variable is named, and the
    // platforms whose pair holds pass.
    let report = vars
        .clone()
        .set("FC_PROCONNECT_CLIENT_SECRET", "another-secret-entirely")
        .run()
        .await;
    assert_fails_only(&report, Check::Client, "ProConnect: ");
    let failing = failures(&report);
    assert_eq!(failing.len(), 1, "{report}");
    assert!(
        failing[0].contains("fix: set FC_PROCONNECT_CLIENT_SECRET to the secret"),
        "{report}"
    );
    assert!(!report.to_string().contains("another-secret-entirely"), "{report}");
    for platform in ["FranceConnect", "FranceConnect+"] {
        assert!(
            report.to_string().contains(&format!(
                "ok   client     {platform}: the platform accepts the client id"
            )),
            "{report}"
        );
    }

    // The application mounts one platform's routes (`/auth/callback`…)
    // while FC_PLATFORMS is set: every redirect URI is a 404.
    let (single_listener, single) = listener().await;
    serve_app(single_listener, &vars.clone().unset("FC_PLATFORMS"));
    let report = vars.clone().set("APP_URL", &single).run().await;
    assert_fails_only(
        &report,
        Check::Routes,
        &format!("ProConnect: {single}/auth/proconnect/callback answers HTTP 404"),
    );
    assert_eq!(failures(&report).len(), 6, "{report}");
    assert!(
        report
            .to_string()
            .contains("with FC_PLATFORMS, the library mounts each platform's routes under /auth/{platform}"),
        "{report}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// Every group but `failing` has an `ok` line and no failure.
fn assert_all_ok_but(report: &franceconnect_cli::report::Report, failing: Check) {
    for group in EVERY_CHECK.iter().filter(|g| **g != failing) {
        assert!(
            report.of(*group).all(|l| l.status != Status::Fail),
            "`{}` failed:\n{report}",
            group.name()
        );
    }
    for group in [
        Check::Discovery,
        Check::Algorithms,
        Check::Uris,
        Check::Clock,
        Check::Scopes,
        Check::Acr,
    ] {
        assert!(
            report.of(group).any(|l| l.status == Status::Ok),
            "no ok line for `{}`:\n{report}",
            group.name()
        );
    }
}

/// `franceconnect doctor | head -1`: the reader goes away before the report
/// is written; the command ends with its own status, never a panic on the
/// broken pipe.
#[tokio::test]
async fn a_reader_that_goes_away_is_no_panic() {
    use std::process::Stdio;
    let provider = mock(MockProvider::new(MockPlatform::FranceConnect).client(client("http://localhost:3000"))).await;
    let vars = vars("fc", &provider.issuer(), "http://localhost:3000").set("FC_SCOPES", "openid frobnicate");
    let out = tokio::task::spawn_blocking(move || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_franceconnect"))
            .arg("doctor")
            .env_clear()
            .envs(vars.0.iter())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader closes its end at once, as `head` does once satisfied.
        drop(child.stdout.take());
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(1), "the report's own status: {stderr}");
}

/// A wrong client id, then a wrong secret: the token endpoint answers a
/// made-up code with `invalid_client`, and the doctor names the variable;
/// the right pair meets `invalid_grant`. The secret is never printed.
#[tokio::test]
async fn a_wrong_client_id_or_secret_fails_client() {
    let provider = mock(MockProvider::new(MockPlatform::FranceConnect).client(client("http://localhost:3000"))).await;
    let good = vars("fc", &provider.issuer(), "http://localhost:3000");
    let report = good.run().await;
    assert!(report.passed(), "{report}");
    assert!(
        report.to_string().contains(&format!(
            "ok   client     the platform accepts the client id `doctor-client` and its secret: {}/token \
             authenticated the client, then refused a made-up code (invalid_grant)",
            provider.issuer()
        )),
        "{report}"
    );
    assert!(!report.to_string().contains("doctor-secret"), "{report}");

    let report = good.clone().set("FC_CLIENT_ID", "someone-else").run().await;
    assert_fails_only(
        &report,
        Check::Client,
        "refused the client (HTTP 401 invalid_client: client authentication failed (client not found)",
    );
    let failure = &failures(&report)[0];
    assert!(
        failure.contains("the client id `someone-else` is unknown to the platform — fix: set FC_CLIENT_ID to"),
        "{report}"
    );
    assert!(!failure.contains("FC_CLIENT_SECRET"), "{report}");
    assert!(!report.to_string().contains("doctor-secret"), "{report}");

    let report = good
        .clone()
        .set("FC_CLIENT_SECRET", "not-the-registered-secret")
        .run()
        .await;
    assert_fails_only(
        &report,
        Check::Client,
        "the secret is not the one of the client id `doctor-client`",
    );
    assert!(
        failures(&report)[0].contains("fix: set FC_CLIENT_SECRET to the secret the partner space gives"),
        "{report}"
    );
    let text = report.to_string();
    assert!(
        !text.contains("not-the-registered-secret") && !text.contains("doctor-secret"),
        "{text}"
    );
}

/// The application's own routes: one that answers its callback (400
/// without a login) and its post-logout callback passes; one without the
/// callback, or with a callback that refuses GET, fails.
#[tokio::test]
async fn an_application_without_its_callback_fails_routes() {
    use axum::http::StatusCode;
    use axum::routing::{get, post};
    let serve = |listener: tokio::net::TcpListener, router: axum::Router| {
        tokio::spawn(async move { axum::serve(listener, router).await });
    };
    let logout_callback = || async { axum::response::Redirect::to("/") };

    let (good_listener, good_app) = listener().await;
    serve(
        good_listener,
        axum::Router::new()
            .route("/auth/callback", get(|| async { StatusCode::BAD_REQUEST }))
            .route("/auth/logout/callback", get(logout_callback)),
    );
    let provider = mock(MockProvider::new(MockPlatform::FranceConnect).client(client(&good_app))).await;
    let report = vars("fc", &provider.issuer(), &good_app).run().await;
    assert_all_ok(&report, &EVERY_CHECK);
    let text = report.to_string();
    assert!(
        text.contains(&format!(
            "ok   routes     {good_app}/auth/callback answers HTTP 400 without parameters: the application serves \
             its callback"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("{good_app}/auth/logout/callback answers HTTP 303")),
        "{text}"
    );

    let (missing_listener, missing_app) = listener().await;
    serve(
        missing_listener,
        axum::Router::new().route("/auth/logout/callback", get(logout_callback)),
    );
    let report = vars("fc", &provider.issuer(), &missing_app).run().await;
    assert_fails_only(
        &report,
        Check::Routes,
        &format!(
            "{missing_app}/auth/callback answers HTTP 404: the application has no callback there, so the routes it \
             mounts and the URI configured (FC_REDIRECT_URI) differ"
        ),
    );
    assert_eq!(failures(&report).len(), 1, "{report}");

    let (post_listener, post_app) = listener().await;
    serve(
        post_listener,
        axum::Router::new()
            .route("/auth/callback", post(|| async { "" }))
            .route("/auth/logout/callback", get(logout_callback)),
    );
    let report = vars("fc", &provider.issuer(), &post_app).run().await;
    assert_fails_only(
        &report,
        Check::Routes,
        &format!("{post_app}/auth/callback answers HTTP 405: the application's callback refuses GET"),
    );
}

/// A published key without `use`: FranceConnect+ would not find it.
#[tokio::test]
async fn a_jwks_key_without_use_fails_jwks() {
    let dir = temp_dir("no-use");
    let file = dir.join("fc-keys.json");
    let keys = keys::generate(
        &file,
        &[
            KeySpec::Encryption(EncryptionAlg::EcdhEs),
            KeySpec::Encryption(EncryptionAlg::RsaOaep),
        ],
        false,
    )
    .unwrap();
    let mut published = keys.public_jwks();
    published["keys"][1].as_object_mut().unwrap().remove("use");
    let kid = published["keys"][1]["kid"].as_str().unwrap().to_owned();
    let (app_listener, app) = listener().await;
    serve_json(app_listener, published);
    let provider = mock(
        MockProvider::new(MockPlatform::FranceConnectPlus)
            .client(client(&app).encryption(MockEnc::EcdhEs, app_keys(&app))),
    )
    .await;
    let report = vars("fcplus", &provider.issuer(), &app)
        .set("FC_KEYS_FILE", path_str(&file))
        .run()
        .await;
    assert_fails_only(
        &report,
        Check::Jwks,
        &format!(
            "publishes keys the platform filters out (it keeps those with both `use` and `alg`): `{kid}` has no `use`"
        ),
    );
    // Only that: the key material is the file's.
    assert_eq!(failures(&report).len(), 1, "{report}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// `private_key_jwt` on ProConnect cannot work: a failure, and the token
/// request is not tried.
#[tokio::test]
async fn private_key_jwt_on_proconnect_fails_client() {
    let dir = temp_dir("pkjwt-proconnect");
    let file = dir.join("fc-keys.json");
    keys::generate(&file, &[KeySpec::Signing(SigningAlg::Es256)], false).unwrap();
    let (app_listener, app) = listener().await;
    let provider = mock(MockProvider::new(MockPlatform::ProConnect).client(client(&app))).await;
    let vars = vars("proconnect", &provider.issuer(), &app)
        .set("FC_KEYS_FILE", path_str(&file))
        .set("FC_TOKEN_ENDPOINT_AUTH", "private_key_jwt");
    serve_app(app_listener, &vars);
    let report = vars.run().await;
    assert_fails_only(
        &report,
        Check::Client,
        "FC_TOKEN_ENDPOINT_AUTH is private_key_jwt: ProConnect's service records store no token endpoint \
         authentication method (and, since 2026-08-11, no jwks_uri)",
    );
    let failures = failures(&report);
    assert_eq!(failures.len(), 1, "{report}");
    assert!(
        failures[0].ends_with("fix: use client_secret_post (the default): unset FC_TOKEN_ENDPOINT_AUTH"),
        "{report}"
    );
    assert!(
        !report.to_string().contains("the platform accepts the client id"),
        "{report}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// `private_key_jwt` on FranceConnect: a warning (the platform registers
/// every service as `client_secret_post`); for a client the platform did
/// register so, the application's own assertion is tried, and a wrong
/// client id fails.
#[tokio::test]
async fn private_key_jwt_on_franceconnect_is_a_warning() {
    let dir = temp_dir("pkjwt-fc");
    let file = dir.join("fc-keys.json");
    keys::generate(&file, &[KeySpec::Signing(SigningAlg::Es256)], false).unwrap();
    let (app_listener, app) = listener().await;
    let provider =
        mock(MockProvider::new(MockPlatform::FranceConnect).client(client(&app).private_key_jwt(app_keys(&app)))).await;
    let vars = vars("fc", &provider.issuer(), &app)
        .set("FC_KEYS_FILE", path_str(&file))
        .set("FC_TOKEN_ENDPOINT_AUTH", "private_key_jwt");
    serve_app(app_listener, &vars);
    let report = vars.run().await;
    assert!(report.passed(), "{report}");
    let warnings: Vec<String> = report
        .lines
        .iter()
        .filter(|l| l.status == Status::Warn)
        .map(ToString::to_string)
        .collect();
    assert_eq!(warnings.len(), 1, "{report}");
    assert!(
        warnings[0].starts_with(
            "warn client     FC_TOKEN_ENDPOINT_AUTH is private_key_jwt: FranceConnect registers every service as \
             client_secret_post"
        ),
        "{report}"
    );
    assert!(
        warnings[0].contains("fix: unset FC_TOKEN_ENDPOINT_AUTH (client_secret_post, the default)"),
        "{report}"
    );
    assert!(
        report.to_string().contains(
            "ok   client     the platform accepts the client id `doctor-client` and its client assertion \
             (private_key_jwt)"
        ),
        "{report}"
    );

    let report = vars.clone().set("FC_CLIENT_ID", "someone-else").run().await;
    assert_fails_only(&report, Check::Client, "refused the client (HTTP 401 invalid_client");
    assert!(failures(&report)[0].contains("fix: check FC_CLIENT_ID"), "{report}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// `--resource-server`: a data provider and a resource server registered at
/// the mock pass; wrong credentials fail `resource` naming them, and keys
/// the answers are not encrypted to fail it naming the keys.
#[tokio::test]
async fn a_resource_server_is_checked_with_a_made_up_token() {
    use franceconnect_cli::doctor::Doctor;
    use franceconnect_mock::{Client, DataProvider};

    let run = |vars: Vec<(&'static str, String)>| async move {
        Doctor::from_lookup(move |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone()))
            .run_resource_server()
            .await
    };
    let client = || Client::new("svc", "svc-secret", "http://127.0.0.1:1/cb", "http://127.0.0.1:1/out");
    // A FranceConnect data provider, its key generated by the mock.
    let fc = MockProvider::new(MockPlatform::FranceConnect)
        .client(client())
        .data_provider(DataProvider::new("dp", "dp-secret"))
        .start()
        .await
        .unwrap();
    let dir = std::env::temp_dir().join(format!("fc-doctor-rs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let keys_file = dir.join("dp-keys.json");
    std::fs::write(&keys_file, fc.data_provider_private_jwks("dp").unwrap().to_string()).unwrap();
    let other_keys = dir.join("other-keys.json");
    std::fs::write(
        &other_keys,
        ServiceKeys::generate(EncryptionAlg::EcdhEs)
            .unwrap()
            .to_private_jwks_json(),
    )
    .unwrap();
    let vars = |secret: &str, keys: &std::path::Path| {
        vec![
            ("FC_PLATFORM", "fc".to_owned()),
            ("FC_ISSUER", fc.issuer()),
            ("FC_CLIENT_ID", "dp".to_owned()),
            ("FC_CLIENT_SECRET", secret.to_owned()),
            ("FC_KEYS_FILE", keys.display().to_string()),
        ]
    };
    let good = run(vars("dp-secret", &keys_file)).await;
    assert!(good.passed(), "{good}");
    assert_eq!(good.lines.last().unwrap().check, Check::Resource);
    let wrong = run(vars("wrong", &keys_file)).await;
    assert!(!wrong.passed());
    assert!(
        wrong.to_string().contains("invalid_client") && wrong.to_string().contains("FC_CLIENT_SECRET"),
        "{wrong}"
    );
    let foreign = run(vars("dp-secret", &other_keys)).await;
    assert!(!foreign.passed());
    assert!(foreign.to_string().contains("franceconnect keys jwks"), "{foreign}");
    // A ProConnect resource server.
    let pc = MockProvider::new(MockPlatform::ProConnect)
        .client(client())
        .data_provider(DataProvider::new("rs", "rs-secret"))
        .start()
        .await
        .unwrap();
    let pc_vars = vec![
        ("FC_PLATFORM", "proconnect".to_owned()),
        ("FC_ISSUER", pc.issuer()),
        ("FC_CLIENT_ID", "rs".to_owned()),
        ("FC_CLIENT_SECRET", "rs-secret".to_owned()),
        ("FC_RESOURCE_SIGNED_INTROSPECTION", "true".to_owned()),
    ];
    let report = run(pc_vars).await;
    assert!(report.passed(), "{report}");
    let unloadable = run(vec![("FC_PLATFORM", "proconnect".to_owned())]).await;
    assert!(!unloadable.passed() && unloadable.to_string().contains("FC_CLIENT_ID"));
    std::fs::remove_dir_all(&dir).unwrap();
}
