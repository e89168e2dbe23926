//! The browser journeys (headless Chromium) against the axum quickstart.

use franceconnect_tests::Quickstart;

franceconnect_tests::journey_suite!(
    Quickstart(|settings| async move { axum_quickstart::start(&settings).await }),
    "axum"
);
