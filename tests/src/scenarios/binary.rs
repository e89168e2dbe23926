//! The scenarios every quickstart binary must pass, started as a process as
//! a newcomer runs it (environment variables, no configuration). Each
//! quickstart runs them with [`binary_suite!`](crate::binary_suite); each
//! scenario takes the binary's path (`binary: &str`) first.

use std::process::Command;

use crate::harness::Browser;
use crate::harness::process::start_quickstart;

/// With no configuration: the embedded mock, a login and a logout.
pub async fn binary_runs_a_login_with_no_configuration(binary: &str) {
    let (_process, url) = start_quickstart(binary, &[]);
    assert!(url.starts_with("http://localhost:"), "{url}");
    let b = Browser::new(&url);
    assert!(b.get("/").await.body.contains("S'identifier avec FranceConnect"));
    let back = b
        .login_through_page("/auth/login?return_to=%2Fprofil", Some("default"), "eidas1")
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

/// A misconfiguration stops the binary with a clear message.
pub fn binary_refuses_a_misconfiguration(binary: &str) {
    let output = Command::new(binary)
        .env_clear()
        .env("BIND", "127.0.0.1:0")
        .env("FC_PLATFORM", "fcplus")
        .env("FC_ACR", "eidas1")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("does not accept eidas1"), "{stderr}");
}
