//! Issue 30 §1 against the real mock provider: PKCE on ProConnect only,
//! the access token of a sign-in, and ProConnect's refresh tokens (kept
//! only when asked, rotated at each refresh by the mock, the new ID token
//! checked, revoked at logout, refused once revoked; a rotated one never
//! lost, a spent one never presented again).

use std::time::Duration;

use franceconnect_mock::{Client, Endpoint, MockHandle, MockProvider};
use franceconnect_tower::{
    AccessTokenError, CallbackParams, CodeVerifier, Config, Environment, Error, FranceConnect, LoginOptions,
    PendingLogin, Platform, Revocation, SignedInUser,
};
use url::Url;

const CLIENT_ID: &str = "access-tokens-client";
const CLIENT_SECRET: &str = "access-tokens-client-secret-of-32-characters-or-more";
const REDIRECT_URI: &str = "http://127.0.0.1:3000/auth/callback";
const POST_LOGOUT_URI: &str = "http://127.0.0.1:3000/auth/logout/callback";
const SECRET: &str = "the login cookie secret, thirty-two characters or more";

async fn mock(platform: franceconnect_mock::Platform) -> MockHandle {
    let mock = MockProvider::new(platform)
        .client(Client::new(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, POST_LOGOUT_URI))
        .start()
        .await
        .expect("the mock starts");
    let person = match platform {
        franceconnect_mock::Platform::ProConnect => "agent-etat",
        _ => "default",
    };
    mock.auto_approve(Some(person), None);
    mock
}

fn engine(platform: Platform, mock: &MockHandle, refresh: bool) -> FranceConnect {
    let mut b = Config::builder(platform, Environment::Custom(Url::parse(&mock.issuer()).unwrap()))
        .client_id(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .redirect_uri(REDIRECT_URI)
        .post_logout_redirect_uri(POST_LOGOUT_URI)
        .login_cookie_secret(SECRET);
    if refresh {
        b = b.refresh_tokens(true);
    }
    FranceConnect::new(b.build().expect("a valid configuration"))
}

/// The mock's answer to the authorization URL: the callback's query.
async fn authorize(url: &Url) -> CallbackParams {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let resp = client.get(url.clone()).send().await.expect("the mock answers");
    assert!(resp.status().is_redirection(), "{}", resp.status());
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(REDIRECT_URI), "redirected to {location}");
    CallbackParams::from_query(Url::parse(&location).unwrap().query().unwrap_or_default())
}

async fn begin(fc: &FranceConnect) -> (Url, PendingLogin) {
    fc.begin_login(LoginOptions::default()).await.expect("a login begins")
}

async fn login(fc: &FranceConnect) -> SignedInUser {
    let (url, pending) = begin(fc).await;
    let callback = authorize(&url).await;
    fc.complete_login(&callback, &pending).await.expect("signed in")
}

fn param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// ProConnect's logins carry PKCE (S256, the verifier kept with the
/// pending login, checked by the provider); FranceConnect's never do, and
/// FranceConnect, which refuses parameters it does not know, signs in.
#[tokio::test]
async fn pkce_goes_to_proconnect_only() {
    let pc = mock(franceconnect_mock::Platform::ProConnect).await;
    let fc = engine(Platform::ProConnect, &pc, false);
    let (url, pending) = begin(&fc).await;
    let verifier = pending.code_verifier.clone().expect("a verifier kept");
    assert_eq!(verifier.secret().len(), 43);
    assert_eq!(param(&url, "code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(param(&url, "code_challenge"), Some(verifier.s256_challenge()));
    assert!(!url.as_str().contains(verifier.secret()), "only the challenge travels");
    assert!(!format!("{pending:?}").contains(verifier.secret()), "Debug hides it");
    let callback = authorize(&url).await;
    fc.complete_login(&callback, &pending)
        .await
        .expect("the provider checked the verifier");

    // Another verifier than the challenge's: the provider refuses the code.
    let (url, mut pending) = begin(&fc).await;
    let callback = authorize(&url).await;
    pending.code_verifier = Some(CodeVerifier::random());
    let e = fc.complete_login(&callback, &pending).await.unwrap_err();
    assert!(e.to_string().contains("invalid_grant"), "{e}");

    let citizens = mock(franceconnect_mock::Platform::FranceConnect).await;
    let fc = engine(Platform::FranceConnect, &citizens, false);
    let (url, pending) = begin(&fc).await;
    assert!(pending.code_verifier.is_none());
    assert!(param(&url, "code_challenge").is_none() && param(&url, "code_challenge_method").is_none());
    let user = fc
        .complete_login(&authorize(&url).await, &pending)
        .await
        .expect("signed in");
    let token = user.access_token().expect("the sign-in's access token");
    assert!(!token.is_expired() && token.expires_at() <= franceconnect_tower_now() + 60);
    assert!(!user.has_refresh_token(), "FranceConnect issues none");
    assert!(!format!("{token:?}").contains(token.secret()));
}

fn franceconnect_tower_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Without `refresh_tokens`, nothing changes: the refresh token ProConnect
/// sends is not kept, and an expired access token stays expired.
#[tokio::test]
async fn without_the_option_no_refresh_token_is_kept() {
    let pc = mock(franceconnect_mock::Platform::ProConnect).await;
    let fc = engine(Platform::ProConnect, &pc, false);
    let user = login(&fc).await;
    assert!(!user.has_refresh_token());
    let e = fc.refresh(&user).await.unwrap_err();
    assert!(matches!(e, Error::AccessToken(AccessTokenError::Expired)), "{e}");
    assert_eq!(pc.request_count(Endpoint::Token), 1, "nothing sent");
}

/// With `refresh_tokens`: the refresh gives a new access token and a new
/// (rotated) refresh token, the same person at the same level; concurrent
/// refreshes of one session make one request; a refresh token revoked
/// (as at logout) is refused, which ends the session.
#[tokio::test]
async fn proconnect_access_tokens_are_renewed_then_the_grant_ends() {
    let pc = mock(franceconnect_mock::Platform::ProConnect).await;
    pc.set_access_token_lifetime(Some(Duration::from_secs(5)));
    let fc = engine(Platform::ProConnect, &pc, true);
    let user = login(&fc).await;
    assert!(user.has_refresh_token());
    let first = user.access_token().unwrap().clone();
    assert!(first.expires_at() <= franceconnect_tower_now() + 5);
    assert_eq!(pc.live_refresh_tokens(), 1);

    let (a, b) = tokio::join!(fc.refresh(&user), fc.refresh(&user));
    let renewed = a.expect("renewed");
    assert_eq!(
        renewed.access_token().unwrap().secret(),
        b.expect("the same renewal").access_token().unwrap().secret()
    );
    assert_eq!(pc.request_count(Endpoint::Token), 2, "one refresh for both");
    assert_ne!(renewed.access_token().unwrap().secret(), first.secret());
    assert_eq!((renewed.sub.as_str(), renewed.acr), (user.sub.as_str(), user.acr));
    assert_eq!(
        renewed.signed_in_at, user.signed_in_at,
        "the session's age is the sign-in's"
    );
    assert_ne!(
        renewed.id_token_hint.secret(),
        user.id_token_hint.secret(),
        "the new ID token, for the logout"
    );
    assert_eq!(pc.live_refresh_tokens(), 1, "rotated: the spent one is gone");
    assert!(
        !serde_json::to_string(&renewed)
            .unwrap()
            .contains(renewed.access_token().unwrap().secret()),
        "never in the public form"
    );

    // Renewed again, from the renewed session.
    let again = fc.refresh(&renewed).await.expect("renewed again");
    assert_eq!(pc.request_count(Endpoint::Token), 3);

    // A refreshed ID token with another acr is refused.
    pc.set_acr_value_override(Some("eidas2"));
    let e = fc.refresh(&again).await.unwrap_err();
    assert!(matches!(&e, Error::Claims(c) if c.field == "acr"), "{e}");
    pc.set_acr_value_override(None);

    // The logout's revocation ends the grant: the next refresh is refused.
    let pc2 = mock(franceconnect_mock::Platform::ProConnect).await;
    let fc2 = engine(Platform::ProConnect, &pc2, true);
    let user = login(&fc2).await;
    assert_eq!(fc2.revoke_refresh_token(&user).await, Ok(Revocation::Revoked));
    assert_eq!(pc2.live_refresh_tokens(), 0);
    assert_eq!(pc2.request_count(Endpoint::Revocation), 1);
    let e = fc2.refresh(&user).await.unwrap_err();
    assert!(e.ends_session(), "{e}");
    assert!(matches!(e, Error::AccessToken(AccessTokenError::RefreshRefused)));
}

/// ProConnect rotated the refresh token, then the new ID token failed its
/// checks (its keys unreachable, a new key): the renewal is refused, not
/// the session, and the new refresh token is not lost. A later call with
/// the session's token, now spent, refreshes with the new one: the spent
/// one, presented again, would end the grant (as `oidc-provider` does, and
/// the mock).
#[tokio::test]
async fn a_rotated_refresh_token_survives_a_new_id_token_that_fails() {
    let pc = mock(franceconnect_mock::Platform::ProConnect).await;
    pc.set_access_token_lifetime(Some(Duration::from_secs(5)));
    let fc = engine(Platform::ProConnect, &pc, true);
    let user = login(&fc).await;

    pc.set_tamper(Some(franceconnect_mock::Tamper::BadSignature));
    let e = fc.refresh(&user).await.unwrap_err();
    assert!(!e.ends_session(), "{e}");
    assert!(!matches!(e, Error::Claims(_)), "{e}");
    assert_eq!(pc.request_count(Endpoint::Token), 2);
    assert_eq!(pc.live_refresh_tokens(), 1, "the first one spent, the new one live");

    pc.set_tamper(None);
    let renewed = fc.refresh(&user).await.expect("renewed with the new refresh token");
    assert_eq!(pc.request_count(Endpoint::Token), 3);
    assert_eq!(pc.live_refresh_tokens(), 1, "the grant lives on");
    assert_eq!(renewed.sub, user.sub);
    let again = fc.refresh(&renewed).await.expect("and again from the renewed session");
    assert_ne!(
        again.access_token().unwrap().secret(),
        renewed.access_token().unwrap().secret()
    );
    assert_eq!(pc.live_refresh_tokens(), 1);
}

/// A copy of the session saved before its renewal (a parallel request
/// that loaded it earlier and saved it after) brings the spent refresh
/// token again: it gets the renewal's result while its access token lives,
/// and later a refresh with the token that replaced it — never the spent
/// one, which ProConnect answers by revoking the whole grant (as another
/// instance, which shares neither, shows).
#[cfg(feature = "__private")]
#[tokio::test]
async fn a_spent_refresh_token_never_reaches_proconnect_again() {
    let pc = mock(franceconnect_mock::Platform::ProConnect).await;
    pc.set_access_token_lifetime(Some(Duration::from_secs(3600)));
    let fc = engine(Platform::ProConnect, &pc, true);
    let stale = login(&fc).await;
    let renewed = fc.refresh(&stale).await.expect("renewed");
    assert_eq!(pc.request_count(Endpoint::Token), 2);

    // The old copy, at once: the same renewal, ProConnect not asked.
    let shared = fc.refresh(&stale).await.expect("the shared renewal");
    assert_eq!(
        shared.access_token().unwrap().secret(),
        renewed.access_token().unwrap().secret()
    );
    assert_eq!(pc.request_count(Endpoint::Token), 2);

    // Later, once that result is no longer shared: refreshed with the
    // token that replaced the spent one.
    franceconnect_tower::__private::forget_shared_refreshes(&fc);
    let later = fc.refresh(&stale).await.expect("renewed with the successor");
    assert_eq!(pc.request_count(Endpoint::Token), 3);
    assert_ne!(
        later.access_token().unwrap().secret(),
        renewed.access_token().unwrap().secret()
    );
    assert_eq!(pc.live_refresh_tokens(), 1, "the grant lives on");
    // The session renewed meanwhile, and the later one, renew on.
    franceconnect_tower::__private::forget_shared_refreshes(&fc);
    fc.refresh(&renewed).await.expect("the renewed copy renews");
    fc.refresh(&later).await.expect("the later copy renews");
    assert_eq!(pc.live_refresh_tokens(), 1);

    // Another instance knows nothing of it: it presents the spent token,
    // and ProConnect ends the grant.
    let elsewhere = engine(Platform::ProConnect, &pc, true);
    let e = elsewhere.refresh(&stale).await.unwrap_err();
    assert!(matches!(e, Error::AccessToken(AccessTokenError::RefreshRefused)), "{e}");
    assert_eq!(
        pc.live_refresh_tokens(),
        0,
        "a spent token presented again revokes the grant"
    );
}
