//! Checks on the payloads of the ID token and of userinfo (OpenID Connect
//! Core §3.1.3.7 and §5.3.2, and the platforms' `acr` rules).

use serde_json::{Map, Value};

use crate::clock::now;
use crate::config::Config;
use crate::error::{ClaimsError, Error};
use crate::protocol::acr::{Acr, RequestedAcr};
use crate::protocol::eidas::Amr;
use crate::protocol::values::Nonce;

/// What the ID token establishes once checked.
#[derive(Debug)]
pub(crate) struct IdTokenFacts {
    pub(crate) sub: String,
    pub(crate) acr: Acr,
    pub(crate) amr: Option<Vec<Amr>>,
    pub(crate) auth_time: Option<i64>,
}

/// Checks `iss`, `aud`/`azp`, `exp`/`iat`, `nonce`, `sub` and `acr`.
pub(crate) fn check_id_token(
    config: &Config,
    issuer: &str,
    claims: &Map<String, Value>,
    nonce: &Nonce,
    requested: &RequestedAcr,
) -> Result<IdTokenFacts, Error> {
    check_issuer_audience_times(config, issuer, claims, true)?;
    let received_nonce = string(claims, "nonce")?.ok_or(ClaimsError::new("nonce", "missing"))?;
    if !nonce.matches(received_nonce) {
        return Err(ClaimsError::new("nonce", "does not match this login").into());
    }
    let sub = subject(claims)?;
    let acr = platform_acr(config, claims)?;
    // What this login asked, and the configured floor on its own: a
    // pending login is checked, but the floor does not rest on it.
    let floor = config.requested_acr();
    for required in [requested, &floor] {
        if !required.is_met_by(acr) {
            return Err(match (required, acr.eidas()) {
                (RequestedAcr::AtLeast(level), Some(received)) => Error::EidasTooLow {
                    requested: *level,
                    received,
                },
                _ => Error::AcrNotMet {
                    requested: required.clone(),
                    received: acr,
                },
            });
        }
    }
    let (amr, auth_time) = amr_and_auth_time(config, claims)?;
    Ok(IdTokenFacts {
        sub,
        acr,
        amr,
        auth_time,
    })
}

/// Checks the ID token of a refresh (ProConnect's `refresh_token` grant)
/// as a login's, against the session's user rather than a pending login:
/// `iss`, `aud`/`azp`, `exp`/`iat` as at a login; `sub` and `acr` must be
/// the session's (a refresh never changes who is signed in, nor how
/// strongly). A `nonce`, which a refreshed ID token need not carry, is
/// not compared: no login is pending.
pub(crate) fn check_refreshed_id_token(
    config: &Config,
    issuer: &str,
    claims: &Map<String, Value>,
    sub: &str,
    acr: Acr,
) -> Result<IdTokenFacts, Error> {
    check_issuer_audience_times(config, issuer, claims, true)?;
    if subject(claims)? != sub {
        return Err(ClaimsError::new("sub", "the refreshed ID token names another user than the session's").into());
    }
    let refreshed = platform_acr(config, claims)?;
    if refreshed != acr {
        return Err(ClaimsError::new("acr", "the refreshed ID token reports another acr than the session's").into());
    }
    let (amr, auth_time) = amr_and_auth_time(config, claims)?;
    Ok(IdTokenFacts {
        sub: sub.to_owned(),
        acr,
        amr,
        auth_time,
    })
}

/// The ID token's `acr`: one of the platform's values. A value the
/// platform does not define is refused, never guessed at.
fn platform_acr(config: &Config, claims: &Map<String, Value>) -> Result<Acr, Error> {
    Ok(string(claims, "acr")?
        .ok_or(ClaimsError::new("acr", "missing"))?
        .parse::<Acr>()
        .ok()
        .filter(|a| config.platform.acr_values().contains(a))
        .ok_or(ClaimsError::new("acr", "not a value this platform defines"))?)
}

/// The ID token's `amr` (a list of strings) and `auth_time` (never in the
/// future: it would count as recent for ever), when sent.
fn amr_and_auth_time(config: &Config, claims: &Map<String, Value>) -> Result<(Option<Vec<Amr>>, Option<i64>), Error> {
    let amr = match claims.get("amr") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .map(|v| v.as_str().map(|s| Amr::from(s.to_owned())))
                .collect::<Option<Vec<_>>>()
                .ok_or(ClaimsError::new("amr", "expected a list of strings"))?,
        ),
        Some(_) => return Err(ClaimsError::new("amr", "expected a list of strings").into()),
    };
    let auth_time = match claims.get("auth_time") {
        None | Some(Value::Null) => None,
        Some(v) => Some(numeric_date(v).ok_or(ClaimsError::new("auth_time", "expected a number of seconds"))?),
    };
    if auth_time.is_some_and(|t| t > now() + config.clock_leeway.as_secs() as i64) {
        return Err(ClaimsError::new("auth_time", "in the future").into());
    }
    Ok((amr, auth_time))
}

/// Checks a userinfo payload against the ID token's subject. A signed one
/// must also name the issuer and this service (OpenID Connect Core §5.3.2);
/// plain JSON, which came over TLS from the endpoint, carries only claims.
pub(crate) fn check_userinfo(
    config: &Config,
    issuer: &str,
    claims: &Map<String, Value>,
    sub: &str,
    signed: bool,
) -> Result<(), Error> {
    if signed {
        check_issuer_audience_times(config, issuer, claims, false)?;
    }
    if subject(claims)? != sub {
        return Err(ClaimsError::new("sub", "userinfo names another user than the ID token").into());
    }
    Ok(())
}

fn check_issuer_audience_times(
    config: &Config,
    issuer: &str,
    claims: &Map<String, Value>,
    id_token: bool,
) -> Result<(), Error> {
    // The provider's exact spelling of its issuer (OpenID Connect Core §3.1.3.7).
    if string(claims, "iss")? != Some(issuer) {
        return Err(ClaimsError::new("iss", "not the configured issuer").into());
    }
    // This service alone: the client id, or an array holding only it. A
    // token also meant for another party (OpenID Connect Core §3.1.3.7
    // allows it with `azp`) is not one the platforms issue to a service.
    let client_id = config.client_id.as_str();
    let only_us = match claims.get("aud") {
        Some(Value::String(a)) => a == client_id,
        Some(Value::Array(list)) => matches!(list.as_slice(), [Value::String(a)] if a == client_id),
        None => return Err(ClaimsError::new("aud", "missing").into()),
        Some(_) => false,
    };
    if !only_us {
        return Err(ClaimsError::new("aud", "this service is not the only audience").into());
    }
    if string(claims, "azp")?.is_some_and(|a| a != client_id) {
        return Err(ClaimsError::new("azp", "this service is not the authorized party").into());
    }
    let leeway = config.clock_leeway.as_secs() as i64;
    let now = now();
    let exp = match claims.get("exp") {
        Some(v) => Some(numeric_date(v).ok_or(ClaimsError::new("exp", "expected a number of seconds"))?),
        None if id_token => return Err(ClaimsError::new("exp", "missing").into()),
        None => None,
    };
    if exp.is_some_and(|exp| now > exp.saturating_add(leeway)) {
        return Err(ClaimsError::new("exp", "the token has expired").into());
    }
    match claims.get("iat") {
        Some(v) => {
            let iat = numeric_date(v).ok_or(ClaimsError::new("iat", "expected a number of seconds"))?;
            if iat > now.saturating_add(leeway) {
                return Err(ClaimsError::new("iat", "issued in the future").into());
            }
        }
        None if id_token => return Err(ClaimsError::new("iat", "missing").into()),
        None => {}
    }
    if let Some(v) = claims.get("nbf") {
        let nbf = numeric_date(v).ok_or(ClaimsError::new("nbf", "expected a number of seconds"))?;
        if now.saturating_add(leeway) < nbf {
            return Err(ClaimsError::new("nbf", "the token is not valid yet").into());
        }
    }
    Ok(())
}

fn subject(claims: &Map<String, Value>) -> Result<String, ClaimsError> {
    match string(claims, "sub")? {
        Some(s) if !s.is_empty() && s.len() <= 255 && !s.chars().any(char::is_control) => Ok(s.to_owned()),
        Some(_) => Err(ClaimsError::new("sub", "not a valid subject identifier")),
        None => Err(ClaimsError::new("sub", "missing")),
    }
}

fn string<'a>(claims: &'a Map<String, Value>, field: &'static str) -> Result<Option<&'a str>, ClaimsError> {
    match claims.get(field) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ClaimsError::new(field, "expected a string")),
    }
}

/// A NumericDate: seconds (a fraction is truncated), between 1970 and 9999.
fn numeric_date(v: &Value) -> Option<i64> {
    const MAX: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
    let secs = v.as_i64().or_else(|| {
        v.as_f64()
            .filter(|f| f.is_finite() && (0.0..=MAX as f64).contains(f))
            .map(|f| f as i64)
    })?;
    (0..=MAX).contains(&secs).then_some(secs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Platform, test_builder};
    use crate::protocol::eidas::Eidas;
    use serde_json::json;

    const ISS: &str = "https://fc.example/api/v2";

    fn config() -> Config {
        test_builder(Platform::FranceConnect, ISS, "https://a.fr")
            .client_id("client")
            .build()
            .unwrap()
    }

    fn good(nonce: &Nonce) -> Map<String, Value> {
        let now = now();
        json!({
            "iss": "https://fc.example/api/v2", "aud": "client", "sub": format!("{}v1", "a".repeat(64)),
            "iat": now, "exp": now + 60, "auth_time": now - 5, "nonce": nonce.secret(), "acr": "eidas1",
            "amr": ["fc", "pwd"]
        })
        .as_object()
        .unwrap()
        .clone()
    }

    fn field_of(e: Error) -> &'static str {
        match e {
            Error::Claims(c) => c.field,
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn the_audience_is_this_service_alone() {
        let n = Nonce::random();
        let mut one = good(&n);
        one.insert("aud".into(), json!(["client"]));
        assert!(
            check_id_token(&config(), ISS, &one, &n, &RequestedAcr::AtLeast(Eidas::Eidas1)).is_ok(),
            "a one-element array"
        );
        let mut shared = good(&n);
        shared.insert("aud".into(), json!(["client", "other"]));
        shared.insert("azp".into(), json!("client"));
        let e = check_id_token(&config(), ISS, &shared, &n, &RequestedAcr::AtLeast(Eidas::Eidas1)).unwrap_err();
        assert_eq!(field_of(e), "aud", "another audience, even with azp");
    }

    #[test]
    fn a_good_id_token_passes() {
        let n = Nonce::random();
        let facts = check_id_token(&config(), ISS, &good(&n), &n, &RequestedAcr::AtLeast(Eidas::Eidas1)).unwrap();
        assert_eq!(facts.acr, Acr::Eidas1);
        assert_eq!(facts.amr.unwrap(), vec![Amr::Fc, Amr::Pwd]);
    }

    #[test]
    fn each_id_token_check_fails_on_its_own() {
        let n = Nonce::random();
        let now = now();
        let cases: Vec<(&str, Value, &str)> = vec![
            ("iss", json!("https://evil.example/api/v2"), "iss"),
            ("aud", json!("someone-else"), "aud"),
            ("aud", json!(["client", "other"]), "aud"),
            ("aud", json!(["client", 42]), "aud"),
            ("aud", json!([]), "aud"),
            ("aud", json!(42), "aud"),
            ("azp", json!("other"), "azp"),
            // Past the 30 s leeway by far enough that a second ticking during the
            // test changes nothing.
            ("exp", json!(now - 40), "exp"),
            ("iat", json!(now + 40), "iat"),
            ("nonce", json!("another-nonce-value-of-enough-length"), "nonce"),
            ("sub", json!(""), "sub"),
            ("acr", json!("eidas9"), "acr"),
            ("acr", json!("eidas1-mfa"), "acr"),
            ("acr", json!("eidas0"), "acr"),
            ("amr", json!("fc"), "amr"),
            ("nbf", json!(now + 3600), "nbf"),
            ("auth_time", json!(now + 3600), "auth_time"),
            ("exp", json!(i64::MAX), "exp"),
            ("exp", json!(1e300), "exp"),
            ("exp", json!(u64::MAX), "exp"),
            ("iat", json!(-5), "iat"),
        ];
        for (field, value, expected) in cases {
            let mut c = good(&n);
            c.insert(field.into(), value);
            assert_eq!(
                field_of(check_id_token(&config(), ISS, &c, &n, &RequestedAcr::AtLeast(Eidas::Eidas1)).unwrap_err()),
                expected,
                "{field}"
            );
        }
        for missing in ["iss", "aud", "exp", "iat", "nonce", "sub", "acr"] {
            let mut c = good(&n);
            c.remove(missing);
            assert_eq!(
                field_of(check_id_token(&config(), ISS, &c, &n, &RequestedAcr::AtLeast(Eidas::Eidas1)).unwrap_err()),
                missing
            );
        }
    }

    #[test]
    fn leeway_is_applied() {
        let n = Nonce::random();
        let mut c = good(&n);
        c.insert("exp".into(), json!(now() - 20));
        c.insert("iat".into(), json!(now() + 20));
        assert!(check_id_token(&config(), ISS, &c, &n, &RequestedAcr::AtLeast(Eidas::Eidas1)).is_ok());
    }

    #[test]
    fn acr_below_the_request_is_refused() {
        let n = Nonce::random();
        let mut c = good(&n);
        c.insert("acr".into(), json!("eidas2"));
        let e = check_id_token(&config(), ISS, &c, &n, &RequestedAcr::AtLeast(Eidas::Eidas3)).unwrap_err();
        assert!(matches!(
            e,
            Error::EidasTooLow {
                requested: Eidas::Eidas3,
                received: Eidas::Eidas2
            }
        ));
        assert!(check_id_token(&config(), ISS, &c, &n, &RequestedAcr::AtLeast(Eidas::Eidas2)).is_ok());
    }

    /// A pending login that asked for less than the configuration (a
    /// visitor's `acr=` that slipped through, an old sealed login) does not
    /// lower the floor: the callback checks the configured one on its own.
    #[test]
    fn the_configured_floor_is_checked_whatever_the_login_asked() {
        let n = Nonce::random();
        let keys = crate::ServiceKeys::generate(crate::EncryptionAlg::EcdhEs).unwrap();
        let fc_plus_at_eidas3 = test_builder(Platform::FranceConnectPlus, ISS, "https://a.fr")
            .client_id("client")
            .service_keys(keys)
            .eidas(Eidas::Eidas3)
            .build()
            .unwrap();
        let mut c = good(&n);
        c.insert("acr".into(), json!("eidas2"));
        let e = check_id_token(&fc_plus_at_eidas3, ISS, &c, &n, &RequestedAcr::AtLeast(Eidas::Eidas2)).unwrap_err();
        assert!(
            matches!(
                e,
                Error::EidasTooLow {
                    requested: Eidas::Eidas3,
                    received: Eidas::Eidas2
                }
            ),
            "{e}"
        );
        let agents_at_eidas2 = test_builder(Platform::ProConnect, ISS, "https://a.fr")
            .client_id("client")
            .scopes(crate::config::Scopes::parse("email").unwrap())
            .acr_values([Acr::Eidas2, Acr::Eidas3])
            .build()
            .unwrap();
        let asked_by_a_visitor = RequestedAcr::OneOf(vec![Acr::Eidas0Mfa, Acr::Eidas1Mfa, Acr::Eidas2, Acr::Eidas3]);
        for granted in ["eidas1-mfa", "eidas0-mfa", "eidas1"] {
            let mut c = good(&n);
            c.insert("acr".into(), json!(granted));
            let e = check_id_token(&agents_at_eidas2, ISS, &c, &n, &asked_by_a_visitor).unwrap_err();
            assert!(matches!(e, Error::AcrNotMet { .. }), "{granted}: {e}");
        }
        let mut c = good(&n);
        c.insert("acr".into(), json!("eidas2"));
        assert!(check_id_token(&agents_at_eidas2, ISS, &c, &n, &asked_by_a_visitor).is_ok());
    }

    /// Issue 30 §1.4: a refreshed ID token is checked as a login's, its
    /// `sub` and `acr` the session's; no nonce is needed.
    #[test]
    fn a_refreshed_id_token_keeps_the_session_s_person_and_level() {
        let n = Nonce::random();
        let sub = format!("{}v1", "a".repeat(64));
        let mut c = good(&n);
        c.remove("nonce");
        let facts = check_refreshed_id_token(&config(), ISS, &c, &sub, Acr::Eidas1).unwrap();
        assert_eq!((facts.sub.as_str(), facts.acr), (sub.as_str(), Acr::Eidas1));
        let e = check_refreshed_id_token(&config(), ISS, &c, "someone-else", Acr::Eidas1).unwrap_err();
        assert_eq!(field_of(e), "sub");
        let e = check_refreshed_id_token(&config(), ISS, &c, &sub, Acr::Eidas2).unwrap_err();
        assert_eq!(field_of(e), "acr");
        for (field, value) in [
            ("iss", json!("https://evil.example/api/v2")),
            ("aud", json!("someone-else")),
            ("exp", json!(now() - 40)),
        ] {
            let mut bad = c.clone();
            bad.insert(field.into(), value);
            assert_eq!(
                field_of(check_refreshed_id_token(&config(), ISS, &bad, &sub, Acr::Eidas1).unwrap_err()),
                field
            );
        }
    }

    fn proconnect() -> Config {
        test_builder(Platform::ProConnect, ISS, "https://a.fr")
            .client_id("client")
            .scopes(crate::config::Scopes::parse("email").unwrap())
            .build()
            .unwrap()
    }

    #[test]
    fn proconnect_acr_must_be_one_of_the_values_asked() {
        let n = Nonce::random();
        let mfa = RequestedAcr::OneOf(Acr::MFA.to_vec());
        let with = |acr: &str| {
            let mut c = good(&n);
            c.insert("acr".into(), json!(acr));
            c
        };
        assert_eq!(
            check_id_token(&proconnect(), ISS, &with("eidas1-mfa"), &n, &mfa)
                .unwrap()
                .acr,
            Acr::Eidas1Mfa
        );
        let e = check_id_token(&proconnect(), ISS, &with("eidas1"), &n, &mfa).unwrap_err();
        assert!(
            matches!(
                e,
                Error::AcrNotMet {
                    received: Acr::Eidas1,
                    ..
                }
            ),
            "{e}"
        );
        let any = RequestedAcr::OneOf(vec![]);
        assert_eq!(
            check_id_token(&proconnect(), ISS, &with("eidas0"), &n, &any)
                .unwrap()
                .acr,
            Acr::Eidas0
        );
        for unknown in ["eidas9", "https://proconnect.gouv.fr/assurance/self-asserted", ""] {
            let e = check_id_token(&proconnect(), ISS, &with(unknown), &n, &any).unwrap_err();
            assert_eq!(field_of(e), "acr", "{unknown}");
        }
        // An eIDAS level asked on ProConnect is met by the values attesting it only.
        let substantial = RequestedAcr::OneOf(RequestedAcr::one_of_reaching(&[], Eidas::Eidas2));
        assert!(check_id_token(&proconnect(), ISS, &with("eidas1-mfa"), &n, &substantial).is_err());
        assert!(check_id_token(&proconnect(), ISS, &with("eidas3"), &n, &substantial).is_ok());
    }

    #[test]
    fn plain_json_userinfo_needs_only_the_same_subject() {
        let info = json!({"sub": "agent", "email": "a@b.fr"}).as_object().unwrap().clone();
        assert!(check_userinfo(&proconnect(), ISS, &info, "agent", false).is_ok());
        assert!(
            check_userinfo(&proconnect(), ISS, &info, "agent", true).is_err(),
            "a JWT must name its issuer"
        );
        assert_eq!(
            field_of(check_userinfo(&proconnect(), ISS, &info, "other", false).unwrap_err()),
            "sub"
        );
    }

    #[test]
    fn userinfo_must_name_the_same_user() {
        let n = Nonce::random();
        let mut c = good(&n);
        c.remove("nonce");
        c.remove("acr");
        let sub = c["sub"].as_str().unwrap().to_owned();
        assert!(check_userinfo(&config(), ISS, &c, &sub, true).is_ok());
        assert_eq!(
            field_of(check_userinfo(&config(), ISS, &c, "other", true).unwrap_err()),
            "sub"
        );
        c.insert("aud".into(), json!("x"));
        assert_eq!(
            field_of(check_userinfo(&config(), ISS, &c, &sub, true).unwrap_err()),
            "aud"
        );
    }
}
