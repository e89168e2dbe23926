//! The journeys of a person in a real browser, through the quickstart's
//! pages and the mock provider's page, run against each adapter by
//! [`journey_suite!`](crate::journey_suite). Each step leaves a screenshot
//! under `target/tmp/journeys/<adapter>/<journey>/`. Each journey takes the
//! starter first and the adapter's name second.

use std::path::PathBuf;

use franceconnect_tower::Platform;

use super::{fc, fc_plus};
use crate::harness::{Chromium, Starter};

/// The screenshot directory of a journey.
fn screenshots(adapter: &str, journey: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../target/tmp/journeys")
        .join(adapter)
        .join(journey)
}

/// On the mock's page (wherever the embedded mock serves the platform):
/// picks `identity`, the level `acr` (FC+), and signs in.
async fn sign_in_at_provider(browser: &mut Chromium, identity: &str, acr: Option<&str>) {
    sign_in_at(browser, "*/api/v2/authorize", identity, acr).await
}

/// Like [`sign_in_at_provider`], on the page at `authorize` (a platform's
/// path when the app serves several).
async fn sign_in_at(browser: &mut Chromium, authorize: &str, identity: &str, acr: Option<&str>) {
    let page = browser.wait_for_path(authorize).await;
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
    let page = browser.wait_for_path("*/api/v2/authorize").await;
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
    browser.wait_for_path("*/api/v2/authorize").await;
    browser.click("button.secondary").await;
    browser.wait_for_path("/auth/callback").await;
    let text = browser.text().await;
    assert!(text.contains("Connexion annulée"), "{text}");
    assert!(text.contains("Vous avez annulé la connexion"), "{text}");
    browser.screenshot("cancelled").await;
    browser.click("a.button").await;
    let page = browser.wait_for_path("*/api/v2/authorize").await;
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
    let page = browser.wait_for_path("*/api/v2/authorize").await;
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

/// The three platforms (the quickstart's default): an agent clicks the
/// ProConnect button, picks themselves on ProConnect's page, and sees their
/// identity and their organisation.
pub async fn an_agent_signs_in_with_proconnect(starter: &impl Starter, adapter: &str) {
    let app = starter.start(Vec::new()).await;
    let agent = app.mock_of(Platform::ProConnect).agents()[0].clone();
    let mut browser = Chromium::start(&screenshots(adapter, "agent")).await;
    browser.goto(&app.base).await;
    let home = browser.wait_for_path("/").await;
    assert!(home.contains("Qu'est-ce que ProConnect ?"), "{home}");
    browser.screenshot("home").await;
    browser.click("a.fc-button[href^='/auth/proconnect/']").await;
    let page = browser.wait_for_path("/proconnect/api/v2/authorize").await;
    assert!(page.contains("Choisissez un agent de test"), "{page}");
    browser
        .click(&format!("input[name=identity][value=\"{}\"]", agent.id))
        .await;
    browser.screenshot("proconnect-page").await;
    browser.click("button.primary").await;
    browser.wait_for_path("/espace-agent").await;
    let text = browser.text().await;
    for shown in [&agent.usual_name, &agent.siret] {
        assert!(text.contains(shown.as_str()), "{shown}: {text}");
    }
    if let Some(organisation) = &agent.organization_label {
        assert!(text.contains(organisation.as_str()), "{organisation}: {text}");
    }
    browser.screenshot("agent-space").await;
    browser.close().await;
}

/// The three platforms: a citizen signed in on FranceConnect opens the page
/// that needs eIDAS high, goes through FranceConnect+'s page, and comes back
/// at eidas3.
pub async fn a_citizen_steps_up_through_franceconnect_plus(starter: &impl Starter, adapter: &str) {
    let app = starter.start(Vec::new()).await;
    let mut browser = Chromium::start(&screenshots(adapter, "step-up-across-platforms")).await;
    browser.goto(&app.base).await;
    browser.wait_for_path("/").await;
    browser.click("a.fc-button[href^='/auth/fc/']").await;
    sign_in_at(&mut browser, "/fc/api/v2/authorize", "default", None).await;
    browser.wait_for_path("/profil").await;
    assert!(browser.text().await.contains("eidas1"));
    browser.screenshot("profile-eidas1").await;
    browser.click("a[href='/niveau-eleve']").await;
    let page = browser.wait_for_path("/fcplus/api/v2/authorize").await;
    assert!(page.contains("FranceConnect+"), "{page}");
    sign_in_at(&mut browser, "/fcplus/api/v2/authorize", "default", Some("eidas3")).await;
    browser.wait_for_path("/niveau-eleve").await;
    assert!(browser.text().await.contains("eidas3"));
    browser.screenshot("high-level-page").await;
    browser.close().await;
}

/// The three platforms, two browsers at once: a citizen and an agent each
/// see only themselves.
pub async fn a_citizen_and_an_agent_at_once(starter: &impl Starter, adapter: &str) {
    let app = starter.start(Vec::new()).await;
    let person = app.mock_of(Platform::FranceConnect).identities()[0].clone();
    let agent = app.mock_of(Platform::ProConnect).agents()[0].clone();
    let mut citizen = Chromium::start(&screenshots(adapter, "two-browsers/citizen")).await;
    let mut civil_servant = Chromium::start(&screenshots(adapter, "two-browsers/agent")).await;
    citizen.goto(&app.base).await;
    civil_servant.goto(&app.base).await;
    citizen.wait_for_path("/").await;
    civil_servant.wait_for_path("/").await;
    citizen.click("a.fc-button[href^='/auth/fc/']").await;
    civil_servant.click("a.fc-button[href^='/auth/proconnect/']").await;
    sign_in_at(&mut citizen, "/fc/api/v2/authorize", &person.id, None).await;
    civil_servant.wait_for_path("/proconnect/api/v2/authorize").await;
    civil_servant
        .click(&format!("input[name=identity][value=\"{}\"]", agent.id))
        .await;
    civil_servant.click("button.primary").await;
    citizen.wait_for_path("/profil").await;
    civil_servant.wait_for_path("/espace-agent").await;
    for (browser, mine, theirs) in [
        (&mut citizen, &person.family_name, &agent.usual_name),
        (&mut civil_servant, &agent.usual_name, &person.family_name),
    ] {
        browser.client.refresh().await.expect("reload");
        let text = browser.text().await;
        assert!(
            text.contains(mine.as_str()) && !text.contains(theirs.as_str()),
            "{text}"
        );
        browser.screenshot("signed-in").await;
    }
    citizen.close().await;
    civil_servant.close().await;
}
