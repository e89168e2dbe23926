//! The browser journeys (headless Chromium) against the actix quickstart.

use franceconnect_tests::Quickstart;

franceconnect_tests::journey_suite!(
    Quickstart(|settings| async move { actix_quickstart::start(&settings).await }),
    "actix"
);
