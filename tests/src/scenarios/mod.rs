//! The scenarios themselves, run on the [`harness`](crate::harness):
//!
//! - [`flows`], [`floor`] and [`attacks`], the single-instance suite every web adapter
//!   must pass, run by [`scenario_suite!`](crate::scenario_suite);
//! - [`shared_store`], several instances sharing a Redis or a PostgreSQL,
//!   run by [`shared_store_suite!`](crate::shared_store_suite);
//! - [`journeys`], a person in a real browser, run by
//!   [`journey_suite!`](crate::journey_suite);
//! - [`binary`], each quickstart binary as a process, run by
//!   [`binary_suite!`](crate::binary_suite);
//! - [`hostile`], the hostile tokens' expected refusals, and [`people`], the
//!   identities the platforms may send and what each must give, which the
//!   adapters' scenarios and the engine-level tests share.
//!
//! Each suite macro holds the one list of its scenarios, which it also
//! exports as a constant ([`SINGLE_INSTANCE_SCENARIOS`] and the others); a
//! unit test fails when a scenario function of a module is missing from its
//! suite's list, so that no scenario can be written and never run.

use url::Url;

use crate::harness::{Browser, Page};

pub mod attacks;
pub mod binary;
pub mod federation;
pub mod floor;
pub mod flows;
pub mod hostile;
pub mod journeys;
pub mod people;
pub mod proconnect;
pub mod shared_store;
mod suites;

pub use suites::{BINARY_SCENARIOS, JOURNEY_SCENARIOS, SHARED_STORE_SCENARIOS, SINGLE_INSTANCE_SCENARIOS};

/// Quickstart settings for FranceConnect.
pub(crate) fn fc() -> Vec<(&'static str, String)> {
    vec![("FC_PLATFORM", "fc".into())]
}

/// Quickstart settings for FranceConnect with encrypted tokens (a service
/// registered for encryption).
pub(crate) fn fc_encrypted() -> Vec<(&'static str, String)> {
    vec![("FC_PLATFORM", "fc".into()), ("FC_ENCRYPTED_TOKENS", "true".into())]
}

/// Quickstart settings for ProConnect.
pub(crate) fn proconnect() -> Vec<(&'static str, String)> {
    vec![("FC_PLATFORM", "proconnect".into())]
}

/// The mock's ids of three different people on the app's platform: its
/// fictional citizens, or its agents on ProConnect.
pub(crate) fn three_people(platform: franceconnect_tower::Platform) -> [&'static str; 3] {
    match platform {
        franceconnect_tower::Platform::ProConnect => ["agent-etat", "agent-territorial", "agent-hospitalier"],
        _ => ["default", "usage", "accents"],
    }
}

/// Quickstart settings for FranceConnect+.
pub(crate) fn fc_plus() -> Vec<(&'static str, String)> {
    vec![("FC_PLATFORM", "fcplus".into())]
}

/// Starts a login in `b` and returns the provider's redirect back to the
/// callback, not followed (the mock must auto-approve or answer with an
/// error).
pub(crate) async fn callback_url(b: &Browser) -> Url {
    callback_url_from(b, "/auth/login").await
}

/// Like [`callback_url`], starting at `login` (a login URL with its query).
pub(crate) async fn callback_url_from(b: &Browser, login: &str) -> Url {
    let start = b.get(login).await;
    let to_provider = start.location.expect("to the provider");
    b.get(to_provider.as_str())
        .await
        .location
        .expect("the mock redirects back")
}

/// Runs a login in `b` and returns the app's answer to its callback, asked
/// for as JSON (`json`) or as a page.
pub(crate) async fn open_callback(b: &Browser, json: bool) -> Page {
    let url = callback_url(b).await;
    if json {
        b.get_json(url.as_str()).await
    } else {
        b.get(url.as_str()).await
    }
}
