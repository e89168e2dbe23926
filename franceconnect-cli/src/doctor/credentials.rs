//! Check 9 (`client`): the client authentication the platforms take,
//! and the client id and secret the platform accepts.
//!
//! - `private_key_jwt` (`FC_TOKEN_ENDPOINT_AUTH`) cannot work on
//!   ProConnect, whose service records store no authentication method
//!   (and, since 2026-08-11, no `jwks_uri`); FranceConnect and
//!   FranceConnect+ register every service as `client_secret_post`.
//! - A token request with a made-up authorization code, authenticated as
//!   the application authenticates, at the token endpoint the engine reads
//!   from discovery: the platform authenticates the client before it looks
//!   the code up, so `invalid_grant` means the client id and secret (or
//!   assertion) hold, and `invalid_client` that they do not.

use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime};

use franceconnect_tower::{
    CallbackParams, Error, FranceConnect, LoginOptions, Platform, ProviderMetadata, TokenEndpointAuth,
    TokenExchangeError,
};
use serde_json::Value;

use super::http::Http;
use super::{Lookup, Target, shown};
use crate::report::{Check, Report};

/// The platforms' authorization codes: 43 URL-safe characters.
const CODE_LEN: usize = 43;

/// Checks the configured method against the platform's; false when it
/// cannot work there (the token request is then not tried).
pub(crate) fn method(report: &mut Report, target: &Target<'_>) -> bool {
    if target.config.token_endpoint_auth() != TokenEndpointAuth::PrivateKeyJwt {
        return true;
    }
    let name = target.name();
    let var = target.var("FC_TOKEN_ENDPOINT_AUTH");
    match target.config.platform() {
        Platform::ProConnect => {
            report.fail(
                Check::Client,
                name,
                format!(
                    "{var} is private_key_jwt: ProConnect's service records store no token endpoint authentication \
                     method (and, since 2026-08-11, no jwks_uri), so its token endpoint cannot verify a client \
                     assertion"
                ),
                format!("use client_secret_post (the default): unset {var}"),
            );
            false
        }
        platform => {
            report.warn(
                Check::Client,
                name,
                format!(
                    "{var} is private_key_jwt: {} registers every service as client_secret_post, and refuses an \
                     assertion from a client registered so",
                    platform.display_name()
                ),
                format!(
                    "unset {var} (client_secret_post, the default), unless the platform registered this service for \
                     private_key_jwt"
                ),
            );
            true
        }
    }
}

/// What the token endpoint answered the made-up code.
enum Answer {
    /// An OAuth error: the HTTP status, `error`, and the texts that may say
    /// which credential is at fault (`error_description`, `error_uri`, the
    /// platform's code).
    Refused {
        status: u16,
        error: String,
        hints: Vec<String>,
    },
    /// Anything else, in a few words.
    Other(String),
}

/// Which credential an `invalid_client` blames.
#[derive(Debug, PartialEq, Eq)]
enum Culprit {
    Id,
    Secret,
    Either,
}

/// Tries the client's credentials at the token endpoint (once discovery
/// answered).
pub(crate) async fn check(report: &mut Report, target: &Target<'_>, lookup: &Lookup) {
    let name = target.name();
    let config = target.config;
    let id_var = target.var_read(lookup, "FC_CLIENT_ID");
    let secret_var = target.var_read(lookup, "FC_CLIENT_SECRET");
    let client_id = shown(config.client_id().as_str());
    let timeout = config.http_timeout();
    // The token endpoint as the engine reads it (discovery validated: the
    // issuer, endpoints under it): the secret goes nowhere the application
    // would not send it.
    let fc = FranceConnect::new(config.clone());
    let metadata = match tokio::time::timeout(timeout + Duration::from_secs(1), fc.discover()).await {
        Ok(Ok(metadata)) => metadata,
        Ok(Err(e)) => {
            report.warn(
                Check::Client,
                name,
                format!("the client id and secret were not tried: the engine refuses discovery ({e})"),
                "fix what `discovery` says, then run the doctor again",
            );
            return;
        }
        Err(_) => {
            report.warn(
                Check::Client,
                name,
                format!(
                    "the client id and secret were not tried: discovery gave no answer within {} s",
                    timeout.as_secs_f32()
                ),
                "check that this machine reaches the provider, then run the doctor again",
            );
            return;
        }
    };
    let code = made_up_code();
    let assertion = config.token_endpoint_auth() == TokenEndpointAuth::PrivateKeyJwt;
    let secret = lookup(&secret_var).unwrap_or_default();
    let answer = if assertion {
        by_assertion(&fc, &metadata, &code, timeout).await
    } else {
        by_secret(target, &metadata, &code, &secret, timeout).await
    };
    // Whatever the provider echoes, the secret is never printed.
    let scrub = |text: &str| {
        let text = shown(text);
        // A secret this short would mangle the text: none is.
        if secret.len() < 6 {
            text
        } else {
            text.replace(&secret, "[the secret]")
        }
    };
    let endpoint = &metadata.token_endpoint;
    let what = if assertion {
        "its client assertion (private_key_jwt)"
    } else {
        "its secret"
    };
    match answer {
        Answer::Refused { error, .. } if error == "invalid_grant" => report.ok(
            Check::Client,
            name,
            format!(
                "the platform accepts the client id `{client_id}` and {what}: {endpoint} authenticated the client, \
                 then refused a made-up code (invalid_grant)"
            ),
        ),
        Answer::Refused { status, error, hints } if error == "invalid_client" || status == 401 => {
            let said: Vec<String> = hints.iter().filter(|h| !h.is_empty()).map(|h| scrub(h)).collect();
            let said = if said.is_empty() {
                String::new()
            } else {
                format!(": {}", said.join(", "))
            };
            let error = if error.is_empty() {
                String::new()
            } else {
                format!(" {}", scrub(&error))
            };
            let culprit = culprit(&hints);
            let (cause, fix) = if assertion {
                let cause = match culprit {
                    Culprit::Id => format!("the client id `{client_id}` is unknown to the platform"),
                    _ => "the platform does not accept the client id with this assertion".to_owned(),
                };
                let fix = format!(
                    "check {id_var} against the partner space for this environment, that the platform registered \
                     this client for private_key_jwt (otherwise unset {}), and that it can fetch APP_URL/auth/jwks \
                     with the signing key of FC_KEYS_FILE",
                    target.var("FC_TOKEN_ENDPOINT_AUTH")
                );
                (cause, fix)
            } else {
                match culprit {
                    Culprit::Id => (
                        format!("the client id `{client_id}` is unknown to the platform"),
                        format!(
                            "set {id_var} to the client id of the partner space, for this environment (FC_ENV or \
                             {})",
                            target.var("FC_ISSUER")
                        ),
                    ),
                    Culprit::Secret => (
                        format!("the secret is not the one of the client id `{client_id}`"),
                        format!(
                            "set {secret_var} to the secret the partner space gives for the client id \
                             `{client_id}` ({id_var}), for this environment"
                        ),
                    ),
                    Culprit::Either => (
                        format!("the platform does not accept the client id `{client_id}` with this secret"),
                        format!(
                            "set {id_var} and {secret_var} to the pair the partner space gives, for this \
                             environment"
                        ),
                    ),
                }
            };
            report.fail(
                Check::Client,
                name,
                format!("{endpoint} refused the client (HTTP {status}{error}{said}): {cause}"),
                fix,
            );
        }
        Answer::Refused { status, error, hints } => {
            let said: Vec<String> = hints.iter().filter(|h| !h.is_empty()).map(|h| scrub(h)).collect();
            let said = if said.is_empty() {
                String::new()
            } else {
                format!(" ({})", said.join(", "))
            };
            report.warn(
                Check::Client,
                name,
                format!(
                    "{endpoint} answered a made-up code with HTTP {status} `{}`{said}, neither invalid_grant nor \
                     invalid_client: the client id and {what} are not confirmed",
                    scrub(&error)
                ),
                format!("check {id_var} and {secret_var} against the partner space, for this environment"),
            );
        }
        Answer::Other(what_came) => report.warn(
            Check::Client,
            name,
            format!(
                "{endpoint}: {}: the client id and {what} are not confirmed",
                scrub(&what_came)
            ),
            format!(
                "check that this machine reaches the token endpoint, and {id_var} and {secret_var} against the \
                 partner space"
            ),
        ),
    }
}

/// The request the application makes with `client_secret_post`.
async fn by_secret(
    target: &Target<'_>,
    metadata: &ProviderMetadata,
    code: &str,
    secret: &str,
    timeout: Duration,
) -> Answer {
    let config = target.config;
    let http = match Http::new(timeout) {
        Ok(http) => http,
        Err(e) => return Answer::Other(e),
    };
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", config.redirect_uri().as_str()),
        ("client_id", config.client_id().as_str()),
        ("client_secret", secret),
    ];
    let fetched = match http.post_form(&metadata.token_endpoint, &form).await {
        Ok(fetched) => fetched,
        Err(why) => return Answer::Other(why),
    };
    let doc = serde_json::from_slice::<Value>(&fetched.body).ok();
    let text = |name: &str| {
        doc.as_ref()
            .and_then(|d| d.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    match text("error") {
        Some(error) => Answer::Refused {
            status: fetched.status,
            error,
            hints: ["error_description", "error_uri"]
                .iter()
                .filter_map(|n| text(n))
                .collect(),
        },
        None if fetched.status == 401 => Answer::Refused {
            status: 401,
            error: String::new(),
            hints: Vec::new(),
        },
        None if fetched.status == 200 => {
            Answer::Other("HTTP 200: the platform exchanged a made-up code, which it must not".to_owned())
        }
        None => Answer::Other(format!("HTTP {}, with no OAuth error in the answer", fetched.status)),
    }
}

/// The application's own code exchange, which signs a fresh client
/// assertion: a login begun, then completed with the made-up code.
async fn by_assertion(fc: &FranceConnect, metadata: &ProviderMetadata, code: &str, timeout: Duration) -> Answer {
    let attempt = async {
        let (url, pending) = fc.begin_login(LoginOptions::default()).await?;
        let state = url
            .query_pairs()
            .find(|(k, _)| k == "state")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("code", code)
            .append_pair("state", &state)
            .append_pair("iss", &metadata.issuer)
            .finish();
        fc.complete_login(&CallbackParams::from_query(&query), &pending).await
    };
    // The engine's own timeout holds for each request; this bounds the whole.
    match tokio::time::timeout(timeout * 2 + Duration::from_secs(1), attempt).await {
        Err(_) => Answer::Other(format!(
            "no answer within {} s (FC_HTTP_TIMEOUT_SECS)",
            timeout.as_secs_f32()
        )),
        Ok(Ok(_)) => Answer::Other("the platform exchanged a made-up code, which it must not".to_owned()),
        Ok(Err(Error::TokenExchange(TokenExchangeError::Refused {
            status,
            code,
            platform_code,
            ..
        }))) => Answer::Refused {
            status,
            error: code,
            hints: platform_code.into_iter().collect(),
        },
        Ok(Err(e)) => Answer::Other(e.to_string()),
    }
}

/// Which credential the platform's words blame: its code for an unknown
/// client (`Y04EA6EF`) or a description saying so; its code for a wrong
/// secret (`Y0434A7B`) or a description naming the secret; otherwise
/// either.
fn culprit(hints: &[String]) -> Culprit {
    let text = hints.join(" ").to_ascii_lowercase();
    if ["y04ea6ef", "not found", "unknown client"]
        .iter()
        .any(|w| text.contains(w))
    {
        Culprit::Id
    } else if ["y0434a7b", "secret"].iter().any(|w| text.contains(w)) {
        Culprit::Secret
    } else {
        Culprit::Either
    }
}

/// An authorization code no platform issued: 43 random URL-safe
/// characters, the shape of a real one.
fn made_up_code() -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // `RandomState` is keyed from the OS's randomness: enough for a code
    // that must only be unknown to the platform.
    let state = std::collections::hash_map::RandomState::new();
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut code = String::with_capacity(CODE_LEN);
    let mut round = 0u64;
    while code.len() < CODE_LEN {
        let mut hasher = state.build_hasher();
        hasher.write_u128(nanos);
        hasher.write_u64(round);
        let mut bits = hasher.finish();
        for _ in 0..10 {
            code.push(char::from(ALPHABET[(bits & 63) as usize]));
            bits >>= 6;
        }
        round += 1;
    }
    code.truncate(CODE_LEN);
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_made_up_code_has_the_shape_of_a_real_one() {
        let a = made_up_code();
        assert_eq!(a.len(), CODE_LEN);
        assert!(
            a.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "{a}"
        );
        assert_ne!(a, made_up_code());
    }

    #[test]
    fn the_platform_words_name_the_credential_at_fault() {
        let hints = |h: &[&str]| h.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            culprit(&hints(&["client authentication failed (client not found)"])),
            Culprit::Id
        );
        assert_eq!(
            culprit(&hints(&["client authentication failed", "https://x/?code=Y04EA6EF"])),
            Culprit::Id
        );
        assert_eq!(
            culprit(&hints(&["client authentication failed (invalid secret provided)"])),
            Culprit::Secret
        );
        assert_eq!(culprit(&hints(&["client authentication failed"])), Culprit::Either);
    }
}
