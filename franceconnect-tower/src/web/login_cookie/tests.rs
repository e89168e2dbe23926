//! The pending-login cookie's tests: sealing, opening, rotation, bounds.

use super::*;
use crate::config::{Platform, test_builder};
use crate::protocol::eidas::Eidas;
use crate::protocol::values::{Nonce as LoginNonce, ReturnTo, State};

fn config(secret: &str, previous: Option<&str>) -> Config {
    let mut b =
        test_builder(Platform::FranceConnect, LOOPBACK_ISSUER, "http://localhost:3000").login_cookie_secret(secret);
    if let Some(p) = previous {
        b = b.previous_login_cookie_secret(p);
    }
    b.build().unwrap()
}

fn pending() -> PendingLogin {
    PendingLogin {
        state: State::random(),
        nonce: LoginNonce::random(),
        acr: crate::protocol::acr::RequestedAcr::AtLeast(Eidas::Eidas1),
        return_to: None,
        created_at: crate::clock::now(),
        reauthenticate: false,
        // ProConnect's, the largest pending login: the size budget counts it.
        code_verifier: Some(crate::protocol::values::CodeVerifier::random()),
    }
}

/// The request headers a browser sends back for a `Set-Cookie`.
fn sent(set_cookie: &str) -> HeaderMap {
    let pair = set_cookie.split(';').next().unwrap();
    HeaderMap::from_iter([(COOKIE, pair.parse().unwrap())])
}

const LOOPBACK_ISSUER: &str = "http://127.0.0.1:4000/api/v2";
const SECRET: &str = "a-secret-of-at-least-thirty-two-characters";
const NEXT: &str = "the-next-secret-of-at-least-thirty-two-chars";

#[test]
fn a_sealed_login_opens_for_its_state_only() {
    let cookies = LoginCookies::new(&config(SECRET, None));
    let p = pending();
    let set = cookies.seal(&p);
    assert!(set.contains("Path=/;") && set.contains("HttpOnly") && set.contains("SameSite=Lax"));
    assert!(set.contains("Max-Age=660") && !set.contains("Secure"), "{set}");
    assert!(
        !set.contains(p.state.secret()) && !set.contains(p.nonce.secret()),
        "sealed, not readable"
    );
    let opened = cookies.open(&sent(&set), p.state.secret()).unwrap();
    assert_eq!(opened.nonce.secret(), p.nonce.secret());
    assert!(
        cookies.open(&sent(&set), State::random().secret()).is_none(),
        "another state"
    );
    assert!(cookies.clear(p.state.secret()).contains("Max-Age=0"));
    // Bound to the registered redirect URI: another service's (or a
    // reconfigured one's) cookie does not open.
    let nested = test_builder(Platform::FranceConnect, LOOPBACK_ISSUER, "http://localhost:3000/app")
        .login_cookie_secret(SECRET)
        .build()
        .unwrap();
    assert!(LoginCookies::new(&nested).open(&sent(&set), p.state.secret()).is_none());
}

#[test]
fn a_tampered_moved_or_foreign_cookie_does_not_open() {
    let cookies = LoginCookies::new(&config(SECRET, None));
    let p = pending();
    let set = cookies.seal(&p);
    let (pair, _) = set.split_once(';').unwrap();
    let (name, value) = pair.split_once('=').unwrap();
    let mut raw = URL_SAFE_NO_PAD.decode(value).unwrap();
    raw[20] ^= 1;
    let tampered = format!("{name}={}", URL_SAFE_NO_PAD.encode(&raw));
    assert!(cookies.open(&sent(&tampered), p.state.secret()).is_none(), "tampered");
    let other = pending();
    let moved = format!("{}={value}", cookies.name(other.state.secret()));
    assert!(
        cookies.open(&sent(&moved), other.state.secret()).is_none(),
        "moved to another name"
    );
    let stranger = LoginCookies::new(&config(NEXT, None));
    assert!(stranger.open(&sent(&set), p.state.secret()).is_none(), "another key");
    assert!(
        cookies
            .open(&sent(&format!("{name}=garbage")), p.state.secret())
            .is_none()
    );
}

#[test]
fn the_previous_secret_still_opens_after_a_rotation() {
    let before = LoginCookies::new(&config(SECRET, None));
    let p = pending();
    let set = before.seal(&p);
    let after = LoginCookies::new(&config(NEXT, Some(SECRET)));
    assert!(after.open(&sent(&set), p.state.secret()).is_some());
    let later = LoginCookies::new(&config(NEXT, None));
    assert!(
        later.open(&sent(&set), p.state.secret()).is_none(),
        "once the old secret is dropped"
    );
}

#[test]
fn off_loopback_only_a_host_only_cookie_opens() {
    let config = test_builder(
        Platform::FranceConnect,
        "https://fc.example/api/v2",
        "https://service.example.fr",
    )
    .login_cookie_secret(SECRET)
    .build()
    .unwrap();
    let cookies = LoginCookies::new(&config);
    let p = pending();
    let set = cookies.seal(&p);
    assert!(set.starts_with("__Host-fc_login_") && set.contains("; Secure"), "{set}");
    assert!(cookies.open(&sent(&set), p.state.secret()).is_some());
    // A sibling subdomain can plant `fc_login_…` (with `Domain=`), never
    // a `__Host-` cookie: the unprefixed name is not read.
    let tossed = set.strip_prefix("__Host-").unwrap();
    assert!(cookies.open(&sent(tossed), p.state.secret()).is_none());
}

#[test]
fn only_the_newest_pending_logins_are_kept() {
    let cookies = LoginCookies::new(&config(SECRET, None));
    let mut logins: Vec<PendingLogin> = (0..7).map(|_| pending()).collect();
    for (age, p) in logins.iter_mut().enumerate() {
        p.created_at -= age as i64;
    }
    let header = logins
        .iter()
        .map(|p| cookies.seal(p).split(';').next().unwrap().to_owned())
        .chain(["fc_login_garbage=xyz".to_owned(), "other=1".to_owned()])
        .collect::<Vec<_>>()
        .join("; ");
    let headers = HeaderMap::from_iter([(COOKIE, header.parse().unwrap())]);
    let cleared = cookies.evict_old(&headers, &cookies.seal(&pending()));
    assert_eq!(cleared.len(), 8 - MAX_PENDING, "{cleared:?}");
    assert!(
        cleared.last().unwrap().starts_with("fc_login_garbage=;"),
        "unreadable first"
    );
    for old in &logins[MAX_PENDING..] {
        assert!(
            cleared
                .iter()
                .any(|c| c.starts_with(&format!("{}=;", cookies.name(old.state.secret()))))
        );
    }
    assert!(cleared.iter().all(|c| c.contains("Max-Age=0")));
}

/// Pending logins with the longest `return_to` each: however many
/// tabs, what the browser sends of them stays within the budget.
#[test]
fn the_pending_logins_stay_within_their_size_budget() {
    let cookies = LoginCookies::new(&config(SECRET, None));
    let long = ReturnTo::parse(&format!("/{}", "a".repeat(ReturnTo::MAX_LEN - 1))).unwrap();
    let big = || PendingLogin {
        return_to: Some(long.clone()),
        ..pending()
    };
    let mut jar: Vec<(String, String)> = Vec::new();
    for attempt in 1..=8 {
        let headers = HeaderMap::from_iter((!jar.is_empty()).then(|| {
            let header = jar
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            (COOKIE, header.parse().unwrap())
        }));
        let new = cookies.seal(&big());
        for cleared in cookies.evict_old(&headers, &new) {
            let name = cleared.split('=').next().unwrap().to_owned();
            jar.retain(|(n, _)| *n != name);
        }
        let (name, value) = new.split(';').next().unwrap().split_once('=').unwrap();
        jar.push((name.to_owned(), value.to_owned()));
        let sent: usize = jar.iter().map(|(n, v)| n.len() + v.len() + 3).sum();
        assert!(sent <= MAX_PENDING_BYTES, "{sent} bytes in {} cookies", jar.len());
        assert!(
            jar.len() >= attempt.min(3),
            "the newest attempts survive: {}",
            jar.len()
        );
    }
}

#[tokio::test]
async fn a_state_is_consumed_once() {
    let cookies = LoginCookies::new(&config(SECRET, None));
    assert!(cookies.consume("s").await);
    assert!(!cookies.consume("s").await, "a replay");
    assert!(cookies.consume("t").await);
}
