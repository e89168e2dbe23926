//! `franceconnect doctor`: checks a deployment before qualification, from
//! the same variables as the application, and says line by line what holds
//! and what to fix.
//!
//! The checks, in the order they run for each platform:
//!
//! | group | module | what it checks |
//! |---|---|---|
//! | `config` | `load` | the variables load through the engine's own loader |
//! | `discovery` | `discovery` | discovery answers, names exactly the configured issuer, and passes the engine's start-up check ([`FranceConnect::check`](franceconnect_tower::FranceConnect::check)) |
//! | `algorithms` | `algorithms` | the signature algorithms accepted (ES256, RS256; never HS256) and the client authentication are offered |
//! | `encryption` | `encryption` | when tokens are encrypted, the keys file holds a key for an algorithm the provider encrypts with |
//! | `uris` | `uris` | the redirect and post-logout URIs: HTTPS (loopback aside), ending with the routes the library mounts |
//! | `clock` | `clock` | the local clock against the provider's `Date`, within the engine's leeway |
//! | `scopes` | `scopes` | the scopes are the platform's and in `scopes_supported` |
//! | `acr` | `acr` | the levels (`acr` values on ProConnect) are offered |
//! | `client` | `credentials` | a client authentication the platform takes (no `private_key_jwt` on ProConnect), and the client id and secret it accepts: a token request with a made-up code must meet `invalid_grant`, not `invalid_client` |
//! | `jwks` | `jwks` | once: `APP_URL/auth/jwks` publishes the keys file's public keys, each with `alg` and `use`, and nothing private |
//! | `routes` | `routes` | once: the application answers each redirect URI configured (no 404) |
//!
//! With `--resource-server` ([`Doctor::run_resource_server`]), it checks
//! an API's side instead (a FranceConnect data provider, a ProConnect
//! resource server, configured as `ResourceConfig::from_env` reads it):
//! `config`, then `resource`, the platform asked about a made-up token —
//! an inactive answer that decrypts and verifies, not `invalid_client`.

mod acr;
mod algorithms;
mod clock;
mod credentials;
mod discovery;
mod encryption;
mod http;
mod jwks;
mod load;
mod resource;
mod routes;
mod scopes;
mod uris;

use franceconnect_tower::Config;
use serde_json::{Map, Value};

use crate::report::{Check, Report, Status};

pub use clock::skew_finding;

/// Where the doctor reads its variables: the process environment, or a
/// table in tests.
pub type Lookup = dyn Fn(&str) -> Option<String> + Send + Sync;

/// The doctor: runs every check against the configuration it reads.
pub struct Doctor {
    lookup: Box<Lookup>,
}

impl Doctor {
    /// Reads the variables from the process environment (an empty value
    /// counts as unset, as for the application).
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// Reads the variables through `lookup`.
    ///
    /// ```
    /// use franceconnect_cli::doctor::Doctor;
    ///
    /// let vars = [("FC_PLATFORM", "nowhere")];
    /// let doctor = Doctor::from_lookup(move |name| {
    ///     vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    /// });
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let report = doctor.run().await;
    /// assert!(!report.passed());
    /// assert!(report.to_string().contains("FC_PLATFORM must be"));
    /// # });
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self {
            lookup: Box::new(lookup),
        }
    }

    /// Runs every check: every request has the configured timeout.
    pub async fn run(&self) -> Report {
        let mut report = Report::default();
        let loaded = match load::load(&*self.lookup) {
            Ok(loaded) => loaded,
            Err(e) => {
                report.fail(
                    Check::Config,
                    None,
                    format!("the configuration does not load: {e}"),
                    "set the variable this names (the README's settings table), then run the doctor again",
                );
                return report;
            }
        };
        for (index, config) in loaded.configs.iter().enumerate() {
            let target = Target {
                config,
                federation: loaded.federation,
            };
            // The loader's refusals are the whole configuration's: said once.
            let first = index == 0;
            let before = report.count(Status::Fail);
            report.ok(
                Check::Config,
                target.name(),
                format!(
                    "loaded: issuer {}, client id `{}`",
                    config.issuer(),
                    shown(config.client_id().as_str())
                ),
            );
            let http = match http::Http::new(config.http_timeout()) {
                Ok(http) => http,
                Err(e) => {
                    report.fail(Check::Config, target.name(), e, "check the machine's TLS set-up");
                    continue;
                }
            };
            let discovered = discovery::check(&mut report, &target, &http).await;
            let doc = discovered.as_ref().map(|d| &d.doc);
            if let Some(doc) = doc {
                algorithms::check(&mut report, &target, doc);
            }
            if !loaded.said_refused(&mut report, load::Group::Keys, first, || {
                encryption::fix_for_refused((self.lookup)("FC_KEYS_FILE").as_deref())
            }) {
                encryption::check(&mut report, &target, doc);
            }
            if !loaded.said_refused(&mut report, load::Group::Uris, first, || {
                uris::fix_for_refused(&*self.lookup)
            }) {
                uris::check(&mut report, &target, &*self.lookup);
            }
            if let Some(discovered) = &discovered {
                clock::check(&mut report, &target, &discovered.fetched);
            }
            if !loaded.said_refused(&mut report, load::Group::Scopes, first, || {
                scopes::FIX_FOR_REFUSED.to_owned()
            }) {
                scopes::check(&mut report, &target, doc);
            }
            if !loaded.said_refused(&mut report, load::Group::Acr, first, || acr::FIX_FOR_REFUSED.to_owned()) {
                acr::check(&mut report, &target, doc);
            }
            // A client assertion signed with placeholder keys would prove
            // nothing: the token request waits for FC_KEYS_FILE then.
            let placeholder_keys = loaded.refusal(load::Group::Keys).is_some()
                && config.token_endpoint_auth() == franceconnect_tower::TokenEndpointAuth::PrivateKeyJwt;
            if credentials::method(&mut report, &target) && discovered.is_some() && !placeholder_keys {
                credentials::check(&mut report, &target, &*self.lookup).await;
            }
            // What the specific checks did not cover: the engine's own
            // start-up check, worth running once they all hold.
            if discovered.is_some() && loaded.refused.is_empty() && report.count(Status::Fail) == before {
                discovery::engine_check(&mut report, &target).await;
            }
        }
        encryption::file_mode(&mut report, &*self.lookup);
        jwks::check(&mut report, &loaded, &*self.lookup).await;
        routes::check(&mut report, &loaded).await;
        report
    }
}

impl Doctor {
    /// Checks a resource server's configuration (`--resource-server`):
    /// that it loads, and that the platform answers its token check with
    /// its credentials (a made-up token: inactive, not `invalid_client`).
    pub async fn run_resource_server(&self) -> Report {
        let mut report = Report::default();
        resource::check(&mut report, &*self.lookup).await;
        report
    }
}

/// One platform's configuration, as the checks see it.
pub(crate) struct Target<'a> {
    pub(crate) config: &'a Config,
    /// True with `FC_PLATFORMS`.
    pub(crate) federation: bool,
}

impl Target<'_> {
    /// The platform's name on its lines, in a federation only (one
    /// platform alone needs no name).
    pub(crate) fn name(&self) -> Option<&'static str> {
        self.federation.then(|| self.config.platform().display_name())
    }

    /// The variable this platform reads for `name` (`FC_ISSUER`):
    /// `FC_ISSUER` alone, `FC_PROCONNECT_ISSUER` in a federation.
    pub(crate) fn var(&self, name: &str) -> String {
        if !self.federation {
            return name.to_owned();
        }
        let setting = self.config.platform().setting().to_ascii_uppercase();
        let own = format!("FC_{setting}_{}", name.trim_start_matches("FC_"));
        if self.config.platform() == franceconnect_tower::Platform::FranceConnect {
            format!("{own} (or {name})")
        } else {
            own
        }
    }

    /// The variable this platform reads `name` from, as [`Target::var`],
    /// but for FranceConnect in a federation the one actually set (its own
    /// name first, then the plain one), so that a fix names one variable.
    pub(crate) fn var_read(&self, lookup: &Lookup, name: &str) -> String {
        if !self.federation {
            return name.to_owned();
        }
        let setting = self.config.platform().setting().to_ascii_uppercase();
        let own = format!("FC_{setting}_{}", name.trim_start_matches("FC_"));
        let plain_read = self.config.platform() == franceconnect_tower::Platform::FranceConnect
            && lookup(&own).is_none()
            && lookup(name).is_some();
        if plain_read { name.to_owned() } else { own }
    }

    /// Where the library mounts this platform's routes: `/auth`, or
    /// `/auth/{platform}` in a federation.
    pub(crate) fn routes(&self) -> String {
        if self.federation {
            format!("/auth/{}", self.config.platform().setting())
        } else {
            "/auth".to_owned()
        }
    }
}

/// A member of the discovery document that lists strings.
pub(crate) fn strings(doc: &Map<String, Value>, name: &str) -> Option<Vec<String>> {
    doc.get(name)?
        .as_array()
        .map(|values| values.iter().filter_map(Value::as_str).map(str::to_owned).collect())
}

/// A list, for a message: `a, b, c`, or `nothing`.
pub(crate) fn listed<S: AsRef<str>>(values: &[S]) -> String {
    if values.is_empty() {
        return "nothing".to_owned();
    }
    shown(&values.iter().map(|v| v.as_ref()).collect::<Vec<_>>().join(", "))
}

/// A value from the provider or the application, safe to print: control
/// characters replaced, at most 160 characters.
pub(crate) fn shown(value: &str) -> String {
    let mut out: String = value
        .chars()
        .take(160)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if value.chars().count() > 160 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_values_are_printed_safely() {
        assert_eq!(shown("a\u{1b}[2Jb"), "a?[2Jb");
        assert_eq!(shown(&"x".repeat(200)).chars().count(), 161);
        assert_eq!(listed::<&str>(&[]), "nothing");
        assert_eq!(listed(&["ES256", "RS256"]), "ES256, RS256");
    }
}
