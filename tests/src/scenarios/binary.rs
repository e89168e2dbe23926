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
    let cases: [(&[(&str, &str)], &str); 5] = [
        (
            &[("FC_PLATFORM", "fcplus"), ("FC_ACR", "eidas1")],
            "does not accept eidas1",
        ),
        // Credentials without a provider would silently run on the mock.
        (
            &[("FC_CLIENT_ID", "my-client"), ("FC_CLIENT_SECRET", "s")],
            "neither FC_ENV nor FC_ISSUER",
        ),
        // Several instances need one secret for the pending-login cookies.
        (
            &[("REDIS_URL", "redis://127.0.0.1:1"), ("SESSION_KEY", "x")],
            "REDIS_URL needs FC_LOGIN_COOKIE_SECRET",
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
