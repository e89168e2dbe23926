//! The journeys of a person in a real browser, through the quickstart's
//! pages and the mock provider's page, run against each adapter by
//! [`journey_suite!`](crate::journey_suite). Each step leaves a screenshot
//! under `target/tmp/journeys/<adapter>/<journey>/`. Each journey takes the
//! starter first and the adapter's name second.

use std::path::PathBuf;

use super::{fc, fc_plus};
use crate::harness::{Chromium, Starter};

/// The screenshot directory of a journey.
fn screenshots(adapter: &str, journey: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../target/tmp/journeys")
        .join(adapter)
        .join(journey)
}

/// On the mock's page: picks `identity`, the level `acr` (FC+), and signs
/// in.
async fn sign_in_at_provider(browser: &mut Chromium, identity: &str, acr: Option<&str>) {
    let page = browser.wait_for_path("/api/v2/authorize").await;
    assert!(page.contains("Choisissez une identité de test"), "{page}");
    browser
        .click(&format!("input[name=identity][value=\"{identity}\"]"))
        .await;
    if let Some(level) = acr {
        let select = browser
            .client
            .find(fantoccini::Locator::Css("select#acr"))
            .await
            .expect("the level choice");
        select.select_by_value(level).await.expect("a level");
    }
    browser.screenshot("provider-page").await;
    browser.click("button.primary").await;
}

/// Home → FranceConnect button → identity on the provider's page →
/// profile showing that identity → reload → logout → the protected page
/// sends the browser back to the login.
pub async fn sign_in_reload_and_sign_out(starter: &impl Starter, adapter: &str) {
    let app = starter.start(fc()).await;
    let person = app
        .mock()
        .identities()
        .into_iter()
        .find(|p| p.id == "corse-du-sud")
        .expect("a test identity born in Corse-du-Sud");
    let mut browser = Chromium::start(&screenshots(adapter, "sign-in-and-out")).await;
    browser.goto(&app.base).await;
    let home = browser.wait_for_path("/").await;
    assert!(home.contains("S'identifier avec"), "{home}");
    assert!(home.contains("Qu'est-ce que FranceConnect ?"));
    browser.screenshot("home").await;
    browser.click("a.fc-button").await;
    sign_in_at_provider(&mut browser, &person.id, None).await;

    browser.wait_for_path("/profil").await;
    let text = browser.text().await;
    assert!(text.contains(&person.family_name), "{text}");
    assert!(text.contains("Corse-du-Sud"), "the département is named: {text}");
    assert!(text.contains("2A004"), "the code is shown: {text}");
    browser.screenshot("profile").await;

    browser.client.refresh().await.expect("reload");
    browser.wait_for_path("/profil").await;
    assert!(browser.text().await.contains(&person.family_name), "still signed in");
    browser.screenshot("profile-reloaded").await;

    browser.click("header form[action='/auth/logout'] button").await;
    let home = browser.wait_for_path("/").await;
    assert!(home.contains("fc-button"), "signed out: {home}");
    browser.screenshot("signed-out").await;

    browser.goto(&format!("{}/profil", app.base)).await;
    let page = browser.wait_for_path("/api/v2/authorize").await;
    assert!(
        page.contains("Choisissez une identité de test"),
        "sent to the login: {page}"
    );
    browser.screenshot("protected-page-asks-to-sign-in").await;
    browser.close().await;
}

/// Cancelling on the provider's page shows the French error page, whose
/// retry link starts a new login.
pub async fn cancel_then_retry(starter: &impl Starter, adapter: &str) {
    let app = starter.start(fc()).await;
    let mut browser = Chromium::start(&screenshots(adapter, "cancel-and-retry")).await;
    browser.goto(&app.base).await;
    browser.click("a.fc-button").await;
    browser.wait_for_path("/api/v2/authorize").await;
    browser.click("button.secondary").await;
    browser.wait_for_path("/auth/callback").await;
    let text = browser.text().await;
    assert!(text.contains("Connexion annulée"), "{text}");
    assert!(text.contains("Vous avez annulé la connexion"), "{text}");
    browser.screenshot("cancelled").await;
    browser.click("a.button").await;
    let page = browser.wait_for_path("/api/v2/authorize").await;
    assert!(page.contains("Choisissez une identité de test"), "a new login: {page}");
    browser.screenshot("retry").await;
    browser.close().await;
}

/// On FranceConnect+, a person signed in at eidas2 opening the page that
/// requires eidas3 goes through the provider again and comes back at
/// eidas3.
pub async fn step_up_from_eidas2_to_eidas3(starter: &impl Starter, adapter: &str) {
    let app = starter.start(fc_plus()).await;
    let mut browser = Chromium::start(&screenshots(adapter, "step-up")).await;
    browser.goto(&app.base).await;
    assert!(browser.text().await.contains("FranceConnect+"));
    browser.screenshot("home").await;
    browser.click("a.fc-button").await;
    sign_in_at_provider(&mut browser, "default", Some("eidas2")).await;
    browser.wait_for_path("/profil").await;
    assert!(browser.text().await.contains("eidas2"));
    browser.screenshot("profile-eidas2").await;

    browser.click("a[href='/niveau-eleve']").await;
    let page = browser.wait_for_path("/api/v2/authorize").await;
    assert!(
        page.contains("<strong>eidas3</strong>"),
        "the provider is asked for eidas3: {page}"
    );
    sign_in_at_provider(&mut browser, "default", Some("eidas3")).await;
    browser.wait_for_path("/niveau-eleve").await;
    let text = browser.text().await;
    assert!(text.contains("eidas3"), "{text}");
    browser.screenshot("high-level-page").await;
    browser.close().await;
}
