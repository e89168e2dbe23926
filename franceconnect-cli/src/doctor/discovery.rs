//! Check 1: the provider's discovery document answers and names exactly the
//! configured issuer; and, once every other check holds, the engine's own
//! start-up check ([`FranceConnect::check`]), which validates the document
//! as a login would and looks for a usable key in the provider's JWKS.

use franceconnect_tower::FranceConnect;
use serde_json::{Map, Value};
use url::Url;

use super::http::{Fetched, Http};
use super::{Target, shown};
use crate::report::{Check, Report};

/// The discovery document, and the answer that carried it.
pub(crate) struct Discovered {
    pub(crate) doc: Map<String, Value>,
    pub(crate) fetched: Fetched,
}

/// Fetches discovery and checks its issuer; `None` when there is no
/// document to check further.
pub(crate) async fn check(report: &mut Report, target: &Target<'_>, http: &Http) -> Option<Discovered> {
    let issuer = target.config.issuer();
    let name = target.name();
    let issuer_var = target.var("FC_ISSUER");
    let env_var = target.var("FC_ENV");
    let url = match Url::parse(&format!(
        "{}/.well-known/openid-configuration",
        issuer.as_str().trim_end_matches('/')
    )) {
        Ok(url) => url,
        Err(_) => {
            report.fail(
                Check::Discovery,
                name,
                format!("no discovery URL can be built from the issuer {issuer}"),
                format!("set {issuer_var} to the provider's issuer URL"),
            );
            return None;
        }
    };
    let fetched = match http.get(&url).await {
        Ok(fetched) => fetched,
        Err(why) => {
            report.fail(
                Check::Discovery,
                name,
                format!("GET {url}: {why}"),
                format!(
                    "check {issuer_var} (or {env_var}) and that this machine reaches the provider (proxy, firewall, DNS)"
                ),
            );
            return None;
        }
    };
    if fetched.status != 200 {
        report.fail(
            Check::Discovery,
            name,
            format!("GET {url} answered HTTP {}", fetched.status),
            format!("check {issuer_var} (or {env_var}): the issuer is the URL discovery sits under"),
        );
        return None;
    }
    let doc = match serde_json::from_slice::<Value>(&fetched.body) {
        Ok(Value::Object(doc)) => doc,
        _ => {
            report.fail(
                Check::Discovery,
                name,
                format!("GET {url} answered, but not with a JSON document"),
                format!("check {issuer_var} (or {env_var}): it must be the provider's issuer"),
            );
            return None;
        }
    };
    report.ok(
        Check::Discovery,
        name,
        format!("{url} answered in {} ms", fetched.elapsed.as_millis()),
    );
    let configured = issuer.as_str();
    match doc.get("issuer").and_then(Value::as_str) {
        Some(named) if named == configured => {
            report.ok(
                Check::Discovery,
                name,
                format!("discovery names the issuer {configured}, as configured"),
            );
        }
        Some(named) if named.trim_end_matches('/') == configured.trim_end_matches('/') => report.warn(
            Check::Discovery,
            name,
            format!(
                "discovery names the issuer `{}`, the configuration {configured}: the engine accepts a trailing `/` \
                 apart",
                shown(named)
            ),
            format!("write {issuer_var} exactly as `{}`", shown(named)),
        ),
        Some(named) => report.fail(
            Check::Discovery,
            name,
            format!(
                "discovery names the issuer `{}`, not the configured {configured}: every login would be refused",
                shown(named)
            ),
            format!(
                "set {issuer_var} to exactly `{}` if this is the right provider (or use {env_var} for the \
                 platform's own)",
                shown(named)
            ),
        ),
        None => report.fail(
            Check::Discovery,
            name,
            "the discovery document names no issuer",
            format!("check {issuer_var} (or {env_var}): this is not an OpenID provider's discovery"),
        ),
    }
    Some(Discovered { doc, fetched })
}

/// The engine's start-up check, as the application runs it: discovery
/// validated for this configuration, a key of the provider's JWKS for an
/// accepted algorithm; on success, the URIs to register.
pub(crate) async fn engine_check(report: &mut Report, target: &Target<'_>) {
    let name = target.name();
    match FranceConnect::new(target.config.clone()).check().await {
        Ok(registration) => {
            let mut uris = format!(
                "redirect URI {}, post-logout redirect URI {}",
                registration.redirect_uri, registration.post_logout_redirect_uri
            );
            if let Some(jwks) = &registration.jwks_uri {
                uris.push_str(&format!(", JWKS URI {jwks}"));
            }
            if let Some(sector) = &registration.sector_identifier_uri {
                uris.push_str(&format!(", sector identifier URI {sector}"));
            }
            report.ok(
                Check::Discovery,
                name,
                format!(
                    "the engine's start-up check passes (discovery valid for this configuration, the provider's JWKS \
                     holds a usable key); registered URIs must be: {uris}"
                ),
            );
        }
        Err(e) => report.fail(
            Check::Discovery,
            name,
            format!("the engine's start-up check fails: {e}"),
            "fix what the message names: this is what every login would meet",
        ),
    }
}
