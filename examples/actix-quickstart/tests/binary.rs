//! The quickstart binary itself, started as a newcomer would (environment
//! variables, no configuration), driven through a login and a logout.

franceconnect_tests::binary_suite!(env!("CARGO_BIN_EXE_actix-quickstart"));

/// actix-web's cookie key must be shared by the instances that share the
/// sessions: a shared store without `SESSION_KEY` does not start.
#[test]
fn a_shared_store_needs_a_session_key() {
    for (store, url) in [
        ("REDIS_URL", "redis://127.0.0.1:1"),
        ("DATABASE_URL", "postgres://app@127.0.0.1:1/app"),
    ] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_actix-quickstart"))
            .env_clear()
            .env("BIND", "127.0.0.1:0")
            .env(store, url)
            .env("FC_LOGIN_COOKIE_SECRET", "a-login-cookie-secret-of-32-characters")
            .output()
            .unwrap();
        assert!(!output.status.success(), "{store} without SESSION_KEY must not start");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(&format!("{store} needs SESSION_KEY")), "{stderr}");
    }
}
