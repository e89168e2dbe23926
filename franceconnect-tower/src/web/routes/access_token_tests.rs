//! The renewal's write to the session, against the real mock ProConnect:
//! decided on what the store holds once the renewal is done (a logout,
//! another person's login, a later renewal may have happened meanwhile),
//! and never losing a rotated refresh token.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use franceconnect_mock::{Client, Endpoint, MockHandle, MockProvider, Tamper};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use super::*;
use crate::client::FranceConnect;
use crate::config::{Config, Environment, Platform};
use crate::flow::{CallbackParams, LoginOptions};
use crate::web::AuthRoutes;
use crate::web::adapter::Guard;

const CLIENT: &str = "renewal-client";
const SECRET: &str = "renewal-client-secret-of-32-characters-or-more";
const REDIRECT: &str = "http://127.0.0.1:3000/auth/callback";
const LOGOUT: &str = "http://127.0.0.1:3000/auth/logout/callback";

/// A session as a store-backed library keeps it: the request's copy (read
/// when the request began, and again by `reload`), and the store, which
/// `save` overwrites whole — bringing back a session deleted meanwhile, as
/// a store without the engine's rule does.
#[derive(Default)]
struct StoreSession {
    /// `None`: deleted (a logout).
    store: Mutex<Option<HashMap<&'static str, Value>>>,
    view: Mutex<HashMap<&'static str, Value>>,
}

impl StoreSession {
    /// A session holding `user`, read by the request.
    fn holding(user: &SignedInUser) -> Self {
        let data = HashMap::from([(USER_KEY, crate::__private::stored_form(user))]);
        Self {
            store: Mutex::new(Some(data.clone())),
            view: Mutex::new(data),
        }
    }
    /// What another request stored meanwhile (`None`: deleted it).
    fn meanwhile(&self, user: Option<&SignedInUser>) {
        *self.store.lock().unwrap() = user.map(|u| HashMap::from([(USER_KEY, crate::__private::stored_form(u))]));
    }
    /// The user the store holds.
    fn stored_user(&self) -> Option<SignedInUser> {
        let store = self.store.lock().unwrap();
        store
            .as_ref()?
            .get(USER_KEY)
            .map(|v| serde_json::from_value(v.clone()).unwrap())
    }
}

impl SessionBackend for StoreSession {
    async fn get<T: DeserializeOwned>(&self, key: &'static str) -> Result<Option<T>, SessionError> {
        let view = self.view.lock().unwrap();
        Ok(view.get(key).and_then(|v| serde_json::from_value(v.clone()).ok()))
    }
    async fn insert<T: Serialize + Sync>(&self, key: &'static str, value: &T) -> Result<(), SessionError> {
        let value = serde_json::to_value(value).unwrap();
        self.view.lock().unwrap().insert(key, value);
        Ok(())
    }
    async fn remove_value(&self, key: &'static str) -> Result<(), SessionError> {
        self.view.lock().unwrap().remove(key);
        Ok(())
    }
    async fn cycle_id(&self) -> Result<(), SessionError> {
        Ok(())
    }
    async fn clear(&self) -> Result<(), SessionError> {
        self.view.lock().unwrap().clear();
        Ok(())
    }
    async fn discard(&self) -> Result<(), SessionError> {
        self.view.lock().unwrap().clear();
        *self.store.lock().unwrap() = None;
        Ok(())
    }
    async fn save(&self) -> Result<(), SessionError> {
        *self.store.lock().unwrap() = Some(self.view.lock().unwrap().clone());
        Ok(())
    }
    async fn reload(&self) -> Result<(), SessionError> {
        *self.view.lock().unwrap() = self.store.lock().unwrap().clone().unwrap_or_default();
        Ok(())
    }
}

/// The mock ProConnect (its access tokens living `lifetime`), the engine
/// keeping refresh tokens, and its routes.
async fn start(lifetime: Duration) -> (MockHandle, FranceConnect, AuthRoutes) {
    let mock = MockProvider::new(franceconnect_mock::Platform::ProConnect)
        .client(Client::new(CLIENT, SECRET, REDIRECT, LOGOUT))
        .start()
        .await
        .unwrap();
    mock.auto_approve(Some("agent-etat"), None);
    mock.set_access_token_lifetime(Some(lifetime));
    let config = Config::builder(
        Platform::ProConnect,
        Environment::Custom(Url::parse(&mock.issuer()).unwrap()),
    )
    .client_id(CLIENT)
    .client_secret(SECRET)
    .redirect_uri(REDIRECT)
    .post_logout_redirect_uri(LOGOUT)
    .login_cookie_secret("the login cookie secret, thirty-two characters or more")
    .refresh_tokens(true)
    .build()
    .unwrap();
    let fc = FranceConnect::new(config);
    (mock, fc.clone(), AuthRoutes::new(fc))
}

/// A whole headless login.
async fn login(fc: &FranceConnect) -> SignedInUser {
    let (url, pending) = fc.begin_login(LoginOptions::default()).await.unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let resp = http.get(url).send().await.unwrap();
    assert!(resp.status().is_redirection(), "{}", resp.status());
    let location = Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap();
    let params = CallbackParams::from_query(location.query().unwrap_or_default());
    fc.complete_login(&params, &pending).await.unwrap()
}

fn guard<'a>(routes: &'a AuthRoutes, user: &'a SignedInUser) -> Guard<'a> {
    Guard::new(
        Some(routes.context()),
        Some(user),
        "/documents",
        Some("application/json"),
    )
}

/// Five seconds: less than the margin, so every token is renewed at once.
const SHORT: Duration = Duration::from_secs(5);

/// The person signed out in another tab while the renewal ran: the
/// renewed user is not written back (which would sign them in again), and
/// the request is answered as not signed in.
#[tokio::test]
async fn a_renewal_does_not_undo_a_logout_meanwhile() {
    let (mock, fc, routes) = start(SHORT).await;
    let user = login(&fc).await;
    let session = StoreSession::holding(&user);
    session.meanwhile(None);
    let refusal = routes.access_token(&session, guard(&routes, &user)).await.unwrap_err();
    assert_eq!(refusal.status(), 401);
    assert!(
        refusal.response().body().contains("not_signed_in"),
        "{}",
        refusal.response().body()
    );
    assert!(session.store.lock().unwrap().is_none(), "the session stays deleted");
    assert_eq!(mock.request_count(Endpoint::Token), 2, "renewed, then dropped");
}

/// Another person signed in in another tab while the renewal ran: their
/// session stays theirs, and neither is the first person's signed out
/// over it when ProConnect refuses the renewal.
#[tokio::test]
async fn a_renewal_does_not_replace_another_persons_login() {
    let (mock, fc, routes) = start(SHORT).await;
    let user = login(&fc).await;
    let other = SignedInUser::for_testing(
        Platform::ProConnect,
        "another-agent",
        crate::Acr::Eidas1,
        serde_json::json!({"email": "autre@example.gouv.fr"}),
    )
    .unwrap();
    let session = StoreSession::holding(&user);
    session.meanwhile(Some(&other));
    let refusal = routes.access_token(&session, guard(&routes, &user)).await.unwrap_err();
    assert_eq!(refusal.status(), 401);
    assert_eq!(session.stored_user().unwrap().sub, "another-agent");

    // A renewal ProConnect refuses signs out the session it started from
    // only, not the other person's.
    let user = login(&fc).await;
    fc.revoke_refresh_token(&user).await.unwrap();
    let session = StoreSession::holding(&user);
    session.meanwhile(Some(&other));
    let refusal = routes.access_token(&session, guard(&routes, &user)).await.unwrap_err();
    assert_eq!(refusal.status(), 401);
    assert_eq!(session.stored_user().unwrap().sub, "another-agent", "not discarded");
    drop(mock);
}

/// A request that loaded the session before two renewals gets the first
/// one's result, but does not write its (spent) refresh token over the
/// later one another request stored meanwhile.
#[tokio::test]
async fn a_renewal_never_replaces_a_later_one() {
    let (mock, fc, routes) = start(Duration::from_secs(3600)).await;
    let first = login(&fc).await;
    let second = fc.refresh(&first).await.unwrap();
    let third = fc.refresh(&second).await.unwrap();
    assert_eq!(mock.request_count(Endpoint::Token), 3);
    let session = StoreSession::holding(&first);
    session.meanwhile(Some(&third));
    // The first copy, its access token spent.
    let stale = first.with_access_token(crate::protocol::values::IssuedAccessToken::for_testing(
        "spent",
        crate::clock::now() - 1,
    ));
    let live = routes.access_token(&session, guard(&routes, &stale)).await.unwrap();
    assert_eq!(
        live.token.secret(),
        second.access_token().unwrap().secret(),
        "the shared result"
    );
    assert_eq!(mock.request_count(Endpoint::Token), 3, "ProConnect not asked");
    let stored = session.stored_user().unwrap();
    assert!(stored.refresh_token == third.refresh_token, "the later renewal stays");
    assert_eq!(
        stored.access_token().unwrap().secret(),
        third.access_token().unwrap().secret()
    );
}

/// ProConnect rotated the refresh token, and the new ID token failed its
/// checks: the renewal is refused for this request, the session keeps the
/// person, with the new refresh token (and the old access token), from
/// which the next renewal goes on.
#[tokio::test]
async fn a_rotated_refresh_token_is_stored_even_when_the_renewal_fails() {
    let (mock, fc, routes) = start(SHORT).await;
    let user = login(&fc).await;
    let session = StoreSession::holding(&user);
    mock.set_tamper(Some(Tamper::BadSignature));
    let refusal = routes.access_token(&session, guard(&routes, &user)).await.unwrap_err();
    assert!(refusal.status().is_server_error(), "{}", refusal.status());
    let kept = session.stored_user().expect("still signed in");
    assert!(
        kept.refresh_token.is_some() && kept.refresh_token != user.refresh_token,
        "the new refresh token"
    );
    assert_eq!(
        kept.access_token().unwrap().secret(),
        user.access_token().unwrap().secret()
    );
    assert_eq!(kept.id_token_hint.secret(), user.id_token_hint.secret());
    assert_eq!(mock.live_refresh_tokens(), 1);

    mock.set_tamper(None);
    let live = routes.access_token(&session, guard(&routes, &kept)).await.unwrap();
    assert_eq!(mock.request_count(Endpoint::Token), 3);
    assert_eq!(mock.live_refresh_tokens(), 1, "the grant lives on");
    let renewed = session.stored_user().unwrap();
    assert_eq!(renewed.access_token().unwrap().secret(), live.token.secret());
}
