//! How many bytes a signed-in session stores in Redis, for each quickstart
//! (pivot identity, e-mail, `amr`, the ID token kept for logout, the
//! session's bookkeeping). Signs one person in through the provider's page,
//! then reads the stored value's size with `redis-cli STRLEN`. Prints the
//! figures; panics above the 2 KiB target.
//!
//! `cargo bench -p franceconnect-tests --bench session_size`

use std::process::Command;

use franceconnect_tests::{Browser, LOGIN_COOKIE_SECRET, Quickstart, RedisServer, SESSION_KEY, Starter};

fn redis_cli(url: &str, args: &[&str]) -> String {
    let out = Command::new("redis-cli")
        .args(["-u", url])
        .args(args)
        .output()
        .expect("redis-cli runs");
    String::from_utf8(out.stdout).unwrap()
}

async fn measure(name: &str, starter: &impl Starter, redis: &RedisServer) {
    redis_cli(&redis.url(), &["FLUSHALL"]);
    let app = starter
        .start(vec![
            ("REDIS_URL", redis.url()),
            ("SESSION_KEY", SESSION_KEY.into()),
            ("FC_LOGIN_COOKIE_SECRET", LOGIN_COOKIE_SECRET.into()),
            ("FC_REQUEST_AMR", "true".into()),
        ])
        .await;
    let b = Browser::new(&app.base);
    let person = app
        .mock()
        .identities()
        .into_iter()
        .find(|p| p.id == "prenoms-composes")
        .unwrap();
    let back = b.login_through_page("/auth/login", Some(&person.id), "eidas1").await;
    assert_eq!(back.status.as_u16(), 303, "{}", back.body);
    let me = b.get_json("/api/me").await.json();
    assert!(me["email"].is_string() && me["birthplace"].is_string());
    let keys = redis_cli(&redis.url(), &["--scan"]);
    let keys: Vec<&str> = keys.lines().filter(|k| !k.is_empty()).collect();
    assert_eq!(keys.len(), 1, "one session: {keys:?}");
    let bytes: usize = redis_cli(&redis.url(), &["STRLEN", keys[0]]).trim().parse().unwrap();
    println!(
        "session_size/{name}: {bytes} bytes stored for a signed-in session ({})",
        person.id
    );
    assert!(bytes <= 2048, "{name}: {bytes} bytes, above the 2 KiB target");
}

fn main() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let redis = RedisServer::start();
    rt.block_on(async {
        measure(
            "axum",
            &Quickstart(|s| async move { axum_quickstart::start(&s).await }),
            &redis,
        )
        .await;
        measure(
            "actix",
            &Quickstart(|s| async move { actix_quickstart::start(&s).await }),
            &redis,
        )
        .await;
    });
}
