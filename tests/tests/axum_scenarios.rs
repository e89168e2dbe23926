//! The shared scenario suites against the Axum quickstart.

use franceconnect_tests::Quickstart;

macro_rules! quickstart {
    () => {
        Quickstart(|settings| async move { axum_quickstart::start(&settings).await })
    };
}

franceconnect_tests::scenario_suite!(quickstart!());
franceconnect_tests::shared_store_suite!(quickstart!());
