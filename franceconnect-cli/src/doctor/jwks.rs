//! Check 5, once for every platform: the JWKS the application publishes
//! (`APP_URL/auth/jwks`, which the provider fetches) holds exactly the
//! public keys of `FC_KEYS_FILE` (same `kid`s, same public members), each
//! with its `use` and `alg` (FranceConnect filters on both), and no private
//! member.

use std::collections::BTreeSet;

use franceconnect_tower::{ServiceKeys, TokenEndpointAuth};
use serde_json::Value;
use url::Url;

use super::http::Http;
use super::load::{Group, Loaded};
use super::{Lookup, listed, shown};
use crate::report::{Check, Report};

/// The members that make a JWK private (RFC 7518: EC and RSA private
/// parts, symmetric keys' `k`, RSA's other primes).
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// The public members compared, key by key.
const PUBLIC_MEMBERS: [&str; 8] = ["kty", "crv", "x", "y", "n", "e", "use", "alg"];

/// The members every published key must carry (FranceConnect filters a
/// service's JWKS on both).
const LABELS: [&str; 2] = ["use", "alg"];

/// A published key's `kid`, or a stand-in.
fn kid_of(key: &Value) -> String {
    key.get("kid").and_then(Value::as_str).unwrap_or("(no kid)").to_owned()
}

/// Fetches the application's JWKS and compares it with the keys file.
pub(crate) async fn check(report: &mut Report, loaded: &Loaded, lookup: &Lookup) {
    let Some(first) = loaded.configs.first() else { return };
    let needed = loaded
        .configs
        .iter()
        .any(|c| c.encrypts_tokens() || c.token_endpoint_auth() == TokenEndpointAuth::PrivateKeyJwt);
    let keys_refused = loaded.refusal(Group::Keys).is_some();
    // Set aside, the keys are placeholders: nothing to compare them with.
    let expected = if keys_refused { None } else { first.service_keys() };
    if !needed && expected.is_none() && !keys_refused {
        report.ok(
            Check::Jwks,
            None,
            "no JWKS to publish: no encrypted tokens, no private_key_jwt, no FC_KEYS_FILE",
        );
        return;
    }
    // A JWKS that is not needed is still checked, but failing it is a warning.
    let fail = |report: &mut Report, message: String, fix: String| {
        if needed {
            report.fail(Check::Jwks, None, message, fix);
        } else {
            report.warn(Check::Jwks, None, message, fix);
        }
    };
    let app_url = lookup("APP_URL").unwrap_or_else(|| "http://localhost:3000".to_owned());
    let Ok(url) = Url::parse(&format!("{}/auth/jwks", app_url.trim_end_matches('/'))) else {
        fail(
            report,
            format!(
                "APP_URL (`{}`) is not a URL: the JWKS cannot be fetched",
                shown(&app_url)
            ),
            "set APP_URL to the application's public base URL".to_owned(),
        );
        return;
    };
    let http = match Http::new(first.http_timeout()) {
        Ok(http) => http,
        Err(e) => return fail(report, e, "check the machine's TLS set-up".to_owned()),
    };
    let fetched = match http.get(&url).await {
        Ok(fetched) if fetched.status == 200 => fetched,
        Ok(fetched) => {
            return fail(
                report,
                format!("GET {url} answered HTTP {}", fetched.status),
                "mount the library's routes under /auth at APP_URL: the provider fetches the service's keys there"
                    .to_owned(),
            );
        }
        Err(why) => {
            return fail(
                report,
                format!("GET {url}: {why}"),
                "start the application where APP_URL says (this check runs against the deployed service)".to_owned(),
            );
        }
    };
    let published = match serde_json::from_slice::<Value>(&fetched.body) {
        Ok(doc) => doc.get("keys").and_then(Value::as_array).cloned(),
        Err(_) => None,
    };
    let Some(published) = published else {
        fail(
            report,
            format!("GET {url} answered, but not with a JWK set (`{{\"keys\":[…]}}`)"),
            "serve the library's /auth/jwks at APP_URL".to_owned(),
        );
        return;
    };
    // Whatever the keys file says, a private part must never be served.
    let leaks: Vec<String> = published
        .iter()
        .flat_map(|key| {
            let kid = kid_of(key);
            PRIVATE_MEMBERS
                .iter()
                .filter(move |m| key.get(**m).is_some())
                .map(move |m| format!("`{m}` of `{}`", shown(&kid)))
        })
        .collect();
    if !leaks.is_empty() {
        report.fail(
            Check::Jwks,
            None,
            format!("{url} publishes private key material: {}", leaks.join(", ")),
            "serve only ServiceKeys::public_jwks() (the library's /auth/jwks does) at once, then rotate the leaked \
             keys: `franceconnect keys add`, restart, then `franceconnect keys retire KID`",
        );
    } else {
        report.ok(Check::Jwks, None, format!("{url} publishes no private key material"));
    }
    // FranceConnect keeps, of a service's JWKS, the keys that say both
    // their use and their algorithm: a key without either is not there.
    let incomplete: Vec<String> = published
        .iter()
        .filter_map(|key| {
            let missing: Vec<String> = LABELS
                .iter()
                .filter(|m| key.get(**m).and_then(Value::as_str).is_none_or(str::is_empty))
                .map(|m| format!("`{m}`"))
                .collect();
            (!missing.is_empty()).then(|| format!("`{}` has no {}", shown(&kid_of(key)), missing.join(" nor ")))
        })
        .collect();
    if incomplete.is_empty() {
        report.ok(
            Check::Jwks,
            None,
            format!("{url}: every key says its `use` and its `alg`"),
        );
    } else {
        fail(
            report,
            format!(
                "{url} publishes keys the platform filters out (it keeps those with both `use` and `alg`): {}",
                incomplete.join(", ")
            ),
            "serve ServiceKeys::public_jwks(), as the library's /auth/jwks does: each key with its `use` (enc or \
             sig) and its `alg`"
                .to_owned(),
        );
    }
    if let Some(expected) = expected {
        compare(report, &url, &published, expected, &fail);
    } else if keys_refused {
        report.warn(
            Check::Jwks,
            None,
            "the published keys were not compared with FC_KEYS_FILE, which the loader refused (see `encryption`)",
            "fix FC_KEYS_FILE, then run the doctor again",
        );
    }
}

/// The published keys against the keys file's public part.
fn compare(
    report: &mut Report,
    url: &Url,
    published: &[Value],
    expected: &ServiceKeys,
    fail: &dyn Fn(&mut Report, String, String),
) {
    let wanted = expected.public_jwks();
    let wanted = wanted["keys"].as_array().map(Vec::as_slice).unwrap_or_default();
    let kid = |k: &Value| k.get("kid").and_then(Value::as_str).unwrap_or_default().to_owned();
    let published_kids: BTreeSet<String> = published.iter().map(kid).collect();
    let file_kids: BTreeSet<String> = wanted.iter().map(kid).collect();
    if published_kids != file_kids {
        let shown_published: Vec<String> = published_kids.iter().map(|k| shown(k)).collect();
        let file: Vec<&str> = file_kids.iter().map(String::as_str).collect();
        fail(
            report,
            format!(
                "{url} publishes the kids {}, FC_KEYS_FILE holds {}",
                listed(&shown_published),
                listed(&file)
            ),
            "restart the application with this FC_KEYS_FILE (a key added for a rotation is published only after a \
             restart)"
                .to_owned(),
        );
        return;
    }
    let differing: Vec<String> = wanted
        .iter()
        .filter(|want| {
            let Some(got) = published.iter().find(|p| kid(p) == kid(want)) else {
                return true;
            };
            // A label left out is said above: not another key for that.
            PUBLIC_MEMBERS
                .iter()
                .filter(|m| !(LABELS.contains(*m) && got.get(**m).is_none()))
                .any(|m| got.get(*m) != want.get(*m))
        })
        .map(kid)
        .collect();
    if differing.is_empty() {
        report.ok(
            Check::Jwks,
            None,
            format!("{url} publishes the public part of every key of FC_KEYS_FILE, and no other key"),
        );
    } else {
        fail(
            report,
            format!(
                "{url} publishes other key material than FC_KEYS_FILE under the kids {}",
                listed(&differing)
            ),
            "the application runs with another keys file: restart it with this FC_KEYS_FILE".to_owned(),
        );
    }
}
