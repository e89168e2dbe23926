//! The suite macros, each holding the one list of its scenarios: the tests
//! it generates in an adapter's test file, the constant naming them, and the
//! unit tests that fail when a scenario function is missing from its list.
//!
//! A macro's `@list` arm is its list, as `module::function` paths under
//! [`scenarios`](crate::scenarios); it hands the list to the arm it is given:
//! `@tests …` generates the tests (one per scenario, named after the
//! function), `@names` the constant. A scenario is a function of a scenario
//! module whose first parameter is the suite's subject (`starter: &impl
//! Starter`, or `binary: &str` for the binaries); the unit tests below read
//! the modules' sources and compare those functions with each list.

/// Generates one `#[tokio::test]` per single-instance scenario (the flows
/// and the attacks) for a [`Starter`](crate::harness::Starter), each named
/// after its scenario function.
#[macro_export]
macro_rules! scenario_suite {
    // The list. A scenario missing here would never run: the unit tests of
    // `scenarios/suites.rs` fail until it is added.
    (@list $($then:tt)*) => {
        $crate::scenario_suite! { $($then)*;
            flows::fc_login_and_logout,
            flows::logout_revokes_the_access_token,
            flows::fc_plus_login_with_each_algorithm,
            flows::fc_login_with_encrypted_tokens,
            flows::private_key_jwt_authenticates_the_token_request,
            flows::two_tabs_log_in_at_once,
            flows::return_to_must_be_relative,
            flows::step_up_to_a_higher_level,
            flows::cancelling_shows_a_french_page,
            flows::provider_failures_have_clear_outcomes,
            flows::forged_and_replayed_callbacks_are_refused,
            flows::cross_site_logout_is_refused,
            flows::api_clients_get_json,
            flows::a_browser_on_another_loopback_host_is_told,
            flows::service_keys_are_published,
            flows::secure_cookie_outside_loopback,
            flows::anonymous_logins_store_nothing,
            flows::sessions_end,
            flows::every_person_signs_in,
            flows::idp_hints_are_checked,
            flows::the_sector_identifier_is_served,
            proconnect::proconnect_agent_signs_in_and_out,
            proconnect::a_second_factor_is_asked_when_a_page_needs_it,
            proconnect::an_unreachable_level_gets_a_clear_page,
            proconnect::a_silent_login_comes_back_signed_out,
            proconnect::agents_pages_refuse_citizens,
            proconnect::pkce_goes_to_proconnect_only,
            proconnect::the_hook_and_the_handlers_get_the_access_token,
            proconnect::expired_access_tokens_are_renewed_and_the_agent_stays,
            proconnect::a_renewal_whose_id_token_fails_keeps_the_new_refresh_token,
            proconnect::a_refused_renewal_signs_the_agent_out,
            proconnect::logout_revokes_the_refresh_token,
            federation::citizens_and_agents_side_by_side,
            federation::a_callback_cannot_cross_platforms,
            federation::a_citizen_steps_up_through_franceconnect_plus_and_logs_out_of_both,
            federation::another_person_on_another_platform_starts_afresh,
            federation::the_same_person_steps_up_whatever_the_spelling_and_no_one_else,
            federation::a_level_no_platform_offers_is_said,
            attacks::hostile_tokens_change_no_session,
            attacks::forged_callbacks_change_no_session,
            attacks::provider_outages_are_survived,
            attacks::foreign_endpoints_are_refused,
            floor::a_visitor_cannot_lower_proconnect_s_floor,
            floor::a_visitor_cannot_lower_franceconnect_plus_s_floor,
            floor::a_visitor_s_silent_login_cannot_cancel_a_configured_login,
            floor::planted_cookies_make_an_ordinary_visitor,
        }
    };
    (@names; $($module:ident :: $name:ident),* $(,)?) => {
        &[$(concat!(stringify!($module), "::", stringify!($name))),*]
    };
    (@tests $starter:expr; $($module:ident :: $name:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $name() {
                $crate::scenarios::$module::$name(&$starter).await
            }
        )*
    };
    ($starter:expr) => {
        $crate::scenario_suite! { @list @tests $starter }
    };
}

/// Generates the multi-instance tests (several instances sharing a session
/// store), one multi-threaded `#[tokio::test]` per scenario and store, for a
/// [`Starter`](crate::harness::Starter): the module `redis` runs them on a
/// real Redis, the module `postgres` on a real PostgreSQL.
#[macro_export]
macro_rules! shared_store_suite {
    // The list. A scenario missing here would never run: the unit tests of
    // `scenarios/suites.rs` fail until it is added.
    (@list $($then:tt)*) => {
        $crate::shared_store_suite! { $($then)*;
            shared_store::login_hops_between_instances,
            shared_store::instances_restart_without_losing_sessions,
            shared_store::a_store_outage_gives_503_and_recovers,
            shared_store::a_frozen_store_gives_503_in_time,
            shared_store::five_hundred_logins_at_once,
            shared_store::anonymous_logins_leave_the_shared_store_empty,
            shared_store::a_session_the_store_lost_is_an_ordinary_visitor,
        }
    };
    (@names; $($module:ident :: $name:ident),* $(,)?) => {
        &[$(concat!(stringify!($module), "::", stringify!($name))),*]
    };
    (@tests $starter:expr; $($module:ident :: $name:ident),* $(,)?) => {
        $crate::shared_store_suite! { @store redis Redis $starter; $($module::$name),* }
        $crate::shared_store_suite! { @store postgres Postgres $starter; $($module::$name),* }
    };
    (@store $store:ident $kind:ident $starter:expr; $($module:ident :: $name:ident),*) => {
        mod $store {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let kind = $crate::harness::SharedStoreKind::$kind;
                    if !$crate::harness::services_enabled(kind.name()) {
                        return;
                    }
                    $crate::scenarios::$module::$name(&$starter, kind).await
                }
            )*
        }
    };
    ($starter:expr) => {
        $crate::shared_store_suite! { @list @tests $starter }
    };
}

/// Generates one test per journey for a [`Starter`](crate::harness::Starter)
/// and an adapter name.
#[macro_export]
macro_rules! journey_suite {
    // The list. A journey missing here would never run: the unit tests of
    // `scenarios/suites.rs` fail until it is added.
    (@list $($then:tt)*) => {
        $crate::journey_suite! { $($then)*;
            journeys::sign_in_reload_and_sign_out,
            journeys::cancel_then_retry,
            journeys::step_up_from_eidas2_to_eidas3,
            journeys::an_agent_signs_in_with_proconnect,
            journeys::a_citizen_steps_up_through_franceconnect_plus,
            journeys::a_citizen_and_an_agent_at_once,
        }
    };
    (@names; $($module:ident :: $name:ident),* $(,)?) => {
        &[$(concat!(stringify!($module), "::", stringify!($name))),*]
    };
    (@tests $starter:expr, $adapter:literal; $($module:ident :: $name:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $name() {
                if !$crate::harness::services_enabled("Chromium") {
                    return;
                }
                $crate::scenarios::$module::$name(&$starter, $adapter).await
            }
        )*
    };
    ($starter:expr, $adapter:literal) => {
        $crate::journey_suite! { @list @tests $starter, $adapter }
    };
}

/// Generates the binary tests of a quickstart, from its
/// `env!("CARGO_BIN_EXE_…")` path.
#[macro_export]
macro_rules! binary_suite {
    // The list: each test's kind (`async` for a `#[tokio::test]`, `sync` for
    // a `#[test]`), its name, and its scenario. A scenario missing here
    // would never run: the unit tests of `scenarios/suites.rs` fail until it
    // is added.
    (@list $($then:tt)*) => {
        $crate::binary_suite! { $($then)*;
            async the_binary_runs_a_login_with_no_configuration =
                binary::binary_runs_a_login_with_no_configuration,
            async the_binary_runs_fc_plus_with_a_generated_key_file =
                binary::binary_runs_fc_plus_with_a_generated_key_file,
            sync a_misconfiguration_stops_the_binary_with_a_clear_message =
                binary::binary_refuses_a_misconfiguration,
            async a_public_sandbox_app_starts_with_a_warning =
                binary::binary_warns_about_a_public_sandbox_app,
            async the_binary_counts_its_logins_for_prometheus =
                binary::binary_counts_its_logins_for_prometheus,
        }
    };
    (@names; $($kind:tt $test:ident = $module:ident :: $name:ident),* $(,)?) => {
        &[$(concat!(stringify!($module), "::", stringify!($name))),*]
    };
    (@tests $binary:expr; $($kind:tt $test:ident = $module:ident :: $name:ident),* $(,)?) => {
        $(
            $crate::binary_suite! { @test $kind $test = $module::$name($binary) }
        )*
    };
    (@test async $test:ident = $module:ident :: $name:ident ($binary:expr)) => {
        #[tokio::test]
        async fn $test() {
            $crate::scenarios::$module::$name($binary).await;
        }
    };
    (@test sync $test:ident = $module:ident :: $name:ident ($binary:expr)) => {
        #[test]
        fn $test() {
            $crate::scenarios::$module::$name($binary);
        }
    };
    ($binary:expr) => {
        $crate::binary_suite! { @list @tests $binary }
    };
}

/// The scenarios [`scenario_suite!`](crate::scenario_suite) runs, as
/// `module::function` under [`scenarios`](crate::scenarios), in its order.
pub const SINGLE_INSTANCE_SCENARIOS: &[&str] = crate::scenario_suite! { @list @names };

/// The scenarios [`shared_store_suite!`](crate::shared_store_suite) runs on
/// each store, as `module::function` under [`scenarios`](crate::scenarios),
/// in its order.
pub const SHARED_STORE_SCENARIOS: &[&str] = crate::shared_store_suite! { @list @names };

/// The journeys [`journey_suite!`](crate::journey_suite) runs, as
/// `module::function` under [`scenarios`](crate::scenarios), in its order.
pub const JOURNEY_SCENARIOS: &[&str] = crate::journey_suite! { @list @names };

/// The scenarios [`binary_suite!`](crate::binary_suite) runs, as
/// `module::function` under [`scenarios`](crate::scenarios), in its order.
pub const BINARY_SCENARIOS: &[&str] = crate::binary_suite! { @list @names };

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// The first parameter of a scenario the starter-driven suites run.
    const STARTER: &str = "starter: &impl Starter";
    /// The first parameter of a scenario of the quickstart binaries.
    const BINARY: &str = "binary: &str";

    /// The source of each scenario module, by its name under `scenarios`.
    const SCENARIO_MODULES: [(&str, &str); 8] = [
        ("flows", include_str!("flows.rs")),
        ("floor", include_str!("floor.rs")),
        ("federation", include_str!("federation.rs")),
        ("proconnect", include_str!("proconnect.rs")),
        ("attacks", include_str!("attacks.rs")),
        ("shared_store", include_str!("shared_store.rs")),
        ("journeys", include_str!("journeys.rs")),
        ("binary", include_str!("binary.rs")),
    ];

    /// The modules of `scenarios` that hold no scenario.
    const OTHER_MODULES: [&str; 3] = ["hostile", "people", "suites"];

    /// The names of the functions of `source` (Rust source) whose first
    /// parameter is `first`, whitespace aside, in their order.
    fn functions_taking(source: &str, first: &str) -> Vec<String> {
        let wanted: String = first.split_whitespace().collect();
        let is_ident = |c: char| c.is_alphanumeric() || c == '_';
        let mut found = Vec::new();
        for (at, _) in source.match_indices("fn ") {
            // `fn` as a word of its own, not the end of another one.
            if source[..at].chars().next_back().is_some_and(is_ident) {
                continue;
            }
            let rest = &source[at + "fn ".len()..];
            let name_end = rest.find(|c: char| !is_ident(c)).unwrap_or(rest.len());
            let name = &rest[..name_end];
            let Some(params) = rest[name_end..].trim_start().strip_prefix('(') else {
                continue;
            };
            let params = &params[..params.find(')').unwrap_or(params.len())];
            let first_param: String = params
                .split(',')
                .next()
                .unwrap_or_default()
                .split_whitespace()
                .collect();
            if !name.is_empty() && first_param == wanted {
                found.push(name.to_owned());
            }
        }
        found
    }

    /// Asserts that the functions of `modules` whose first parameter is
    /// `first` are exactly the entries of `listed` (`module::function`), the
    /// list of the macro `suite`.
    fn assert_lists_every_scenario(suite: &str, listed: &[&str], modules: &[&str], first: &str) {
        let mut declared = BTreeSet::new();
        for module in modules {
            let (_, source) = SCENARIO_MODULES
                .iter()
                .find(|(name, _)| name == module)
                .unwrap_or_else(|| panic!("{module} is not a scenario module"));
            for function in functions_taking(source, first) {
                assert!(
                    declared.insert(format!("{module}::{function}")),
                    "{module}::{function} is declared twice"
                );
            }
        }
        assert!(
            !declared.is_empty(),
            "no function taking `{first}` in {modules:?}: {suite}!'s guard reads nothing"
        );
        let listed_once: BTreeSet<String> = listed.iter().map(|entry| (*entry).to_owned()).collect();
        assert_eq!(
            listed_once.len(),
            listed.len(),
            "{suite}! lists a scenario twice: {listed:?}"
        );
        let missing: Vec<&String> = declared.difference(&listed_once).collect();
        assert!(
            missing.is_empty(),
            "{missing:?} take `{first}` but are missing from the list of {suite}! in \
             tests/src/scenarios/suites.rs, so no test runs them: add them to it"
        );
        let unknown: Vec<&String> = listed_once.difference(&declared).collect();
        assert!(
            unknown.is_empty(),
            "{suite}! lists {unknown:?}, which are not functions taking `{first}` in {modules:?}"
        );
        assert_eq!(listed_once, declared, "{suite}!");
    }

    #[test]
    fn scenario_suite_lists_every_flow_and_attack() {
        assert_lists_every_scenario(
            "scenario_suite",
            super::SINGLE_INSTANCE_SCENARIOS,
            &["flows", "proconnect", "federation", "attacks", "floor"],
            STARTER,
        );
    }

    #[test]
    fn shared_store_suite_lists_every_multi_instance_scenario() {
        assert_lists_every_scenario(
            "shared_store_suite",
            super::SHARED_STORE_SCENARIOS,
            &["shared_store"],
            STARTER,
        );
    }

    #[test]
    fn journey_suite_lists_every_journey() {
        assert_lists_every_scenario("journey_suite", super::JOURNEY_SCENARIOS, &["journeys"], STARTER);
    }

    #[test]
    fn binary_suite_lists_every_binary_scenario() {
        assert_lists_every_scenario("binary_suite", super::BINARY_SCENARIOS, &["binary"], BINARY);
    }

    /// A new module of `scenarios` is either read by the tests above or
    /// known to hold no scenario; and no scenario hides in those.
    #[test]
    fn every_scenario_module_is_read() {
        let mod_rs = include_str!("mod.rs");
        let declared: BTreeSet<&str> = mod_rs
            .lines()
            .filter_map(|line| {
                let line = line.trim();
                line.strip_prefix("pub mod ")
                    .or_else(|| line.strip_prefix("mod "))?
                    .strip_suffix(';')
            })
            .collect();
        let known: BTreeSet<&str> = SCENARIO_MODULES
            .iter()
            .map(|(name, _)| *name)
            .chain(OTHER_MODULES)
            .collect();
        assert_eq!(
            declared, known,
            "the modules of tests/src/scenarios/mod.rs are not those its suites.rs knows: add a new module to \
             SCENARIO_MODULES (with its suite's test below) or, when it holds no scenario, to OTHER_MODULES"
        );
        // No scenario hides outside the scenario modules (this file aside,
        // whose tests quote signatures).
        let elsewhere = [
            ("mod", mod_rs),
            ("hostile", include_str!("hostile.rs")),
            ("people", include_str!("people.rs")),
        ];
        for (name, source) in elsewhere {
            for first in [STARTER, BINARY] {
                let hidden = functions_taking(source, first);
                assert!(
                    hidden.is_empty(),
                    "{hidden:?} in scenarios/{name}.rs take `{first}`: scenarios belong in a scenario module"
                );
            }
        }
    }

    /// The reader finds scenarios, whatever their signature's layout, and
    /// nothing else.
    #[test]
    fn the_reader_finds_scenarios_and_only_them() {
        let source = "
            /// A scenario.
            pub async fn one(starter: &impl Starter) {}
            async fn helper(b: &Browser, starter: &impl Starter) {}
            pub fn not_async(starter: &impl Starter) {}
            type Forge = fn(&Url) -> String;
            pub async fn two(
                starter:  &impl Starter,
                adapter: &str,
            ) {}
            impl Cluster { pub async fn start(starter: &impl Starter) -> Self {} }
            pub fn three(binary: &str) {}
        ";
        assert_eq!(functions_taking(source, STARTER), ["one", "not_async", "two", "start"]);
        assert_eq!(functions_taking(source, BINARY), ["three"]);
        assert!(functions_taking("pub async fn helper(b: &Browser) {}", STARTER).is_empty());
    }
}
