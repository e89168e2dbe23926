//! A test an application can copy: its axum app signs a person in through a
//! real login, against the mock provider started in the test itself — no
//! network, no credentials, every check of the login made.

use axum::Router;
use axum::routing::get;
use franceconnect_axum::franceconnect_tower::web::tower::ExpiringMemoryStore;
use franceconnect_axum::franceconnect_tower::{Config, Environment, FranceConnect, Platform};
use franceconnect_axum::{Citizen, FranceConnectRouterExt};
use franceconnect_mock::{Client, MockProvider};

/// The application under test (in a real project: your own router).
fn app(fc: FranceConnect) -> Router {
    Router::new()
        .route(
            "/me",
            get(|Citizen(c): Citizen| async move { format!("{} {}", c.given_name, c.family_name) }),
        )
        .franceconnect(fc, ExpiringMemoryStore::default())
}

#[tokio::test]
async fn a_citizen_signs_in_through_the_mock() {
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
    // Logins go through without the provider's page, as its first person.
    mock.auto_approve(Some("default"), None);
    let person = mock.identities()[0].clone();

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
    tokio::spawn(async move { axum::serve(listener, app(FranceConnect::new(config))).await });

    // A browser: cookies kept, redirects followed (to the provider and back).
    let browser = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let page = browser
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
