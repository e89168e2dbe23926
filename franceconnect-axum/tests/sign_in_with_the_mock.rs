//! Tests an application can copy: its axum app signs a person in through a
//! real login, against the mock provider started in the test itself — no
//! network, no credentials, every check of the login made.

use axum::Router;
use axum::routing::get;
use franceconnect_axum::{AuthRoutes, SignInDecision};
use franceconnect_axum::{Citizen, FranceConnectRouterExt, User};
use franceconnect_axum::{Config, Environment, FranceConnect, Platform};
use franceconnect_axum::{FranceConnectLayer, MemorySessionStore};
use franceconnect_mock::{Client, MockHandle, MockProvider};

/// The application under test (in a real project: your own router), with
/// its routes given by `routes` (to add a sign-in hook, say).
fn app(routes: AuthRoutes) -> Router {
    Router::new()
        .route(
            "/me",
            get(|Citizen(c): Citizen| async move { format!("{} {}", c.given_name, c.family_name) }),
        )
        .route(
            "/account",
            get(|User(u): User| async move { u.account.map(|a| a.to_string()).unwrap_or_default() }),
        )
        .franceconnect_layer(FranceConnectLayer::from_routes(routes), MemorySessionStore::default())
}

/// Starts the mock provider, and the app (its routes adjusted by `adjust`)
/// on a loopback port; returns the app's URL and the mock.
async fn start(adjust: impl FnOnce(AuthRoutes) -> AuthRoutes) -> (String, MockHandle) {
    // The app's address first: the provider must know its redirect URIs.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app_url = format!("http://localhost:{}", listener.local_addr().unwrap().port());
    let mock = MockProvider::new(franceconnect_mock::Platform::FranceConnect)
        .client(Client::new(
            "test-client",
            "test-secret",
            format!("{app_url}/auth/callback"),
            format!("{app_url}/auth/logout/callback"),
        ))
        .start()
        .await
        .unwrap();
    let config = Config::builder(
        Platform::FranceConnect,
        Environment::Custom(mock.issuer().parse().unwrap()),
    )
    .client_id("test-client")
    .client_secret("test-secret")
    .redirect_uri(format!("{app_url}/auth/callback"))
    .post_logout_redirect_uri(format!("{app_url}/auth/logout/callback"))
    .build()
    .unwrap();
    let routes = adjust(AuthRoutes::new(FranceConnect::new(config)));
    tokio::spawn(async move { axum::serve(listener, app(routes)).await });
    (app_url, mock)
}

/// A browser: cookies kept, redirects followed (to the provider and back).
fn browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).build().unwrap()
}

#[tokio::test]
async fn a_citizen_signs_in_through_the_mock() {
    let (app_url, mock) = start(|routes| routes).await;
    // Logins go through without the provider's page, as its first person.
    mock.auto_approve(Some("default"), None);
    let person = mock.identities()[0].clone();
    let page = browser()
        .get(format!("{app_url}/auth/login?return_to=/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.url().path(), "/me");
    assert_eq!(
        page.text().await.unwrap(),
        format!("{} {}", person.given_name, person.family_name)
    );
    mock.shutdown().await;
}

#[tokio::test]
async fn the_sign_in_hook_maps_accounts_and_refuses_people() {
    let (app_url, mock) = start(|routes| {
        routes.on_sign_in(|user| async move {
            match user.pivot_identity() {
                Some(p) if p.family_name == "MARCHAND" => {
                    SignInDecision::AcceptAs(format!("account-{}", p.family_name).into())
                }
                _ => SignInDecision::Refuse("Ce service ne vous est pas ouvert.".into()),
            }
        })
    })
    .await;
    let people = mock.identities();
    let accepted = people.iter().find(|p| p.family_name == "MARCHAND").unwrap();
    let refused = people.iter().find(|p| p.family_name != "MARCHAND").unwrap();

    mock.auto_approve(Some(&accepted.id), None);
    let b = browser();
    let page = b
        .get(format!("{app_url}/auth/login?return_to=/account"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.text().await.unwrap(), "\"account-MARCHAND\"");

    mock.auto_approve(Some(&refused.id), None);
    let other = browser();
    let page = other
        .get(format!("{app_url}/auth/login?return_to=/account"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 403);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Ce service ne vous est pas ouvert.")
    );
    let me = other
        .get(format!("{app_url}/account"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 401, "nothing was stored");
    assert_eq!(
        mock.live_access_tokens(),
        1,
        "the refused person's access token is revoked"
    );
    mock.shutdown().await;
}
