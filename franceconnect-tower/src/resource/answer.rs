//! Reading the provider's answer once its cryptography holds: the signed
//! answer's own claims (`iss`, `aud`, `iat`: RFC 9701 §5), then the
//! `token_introspection` member as each platform writes it, into a
//! [`TokenCheck`].

use serde_json::{Map, Value};

use super::config::ResourceConfig;
use super::error::ResourceError;
use super::token_info::{InactiveReason, TokenCheck, TokenInfo};
use crate::config::Scope;
use crate::identity::UserClaims;
use crate::protocol::acr::Acr;
use crate::protocol::values::ClientId;

/// The claims of a signed answer: `iss` the provider's issuer, `aud` this
/// API's client id, `iat` now (give or take the leeway and the request's
/// time), no `exp` in the past; its `token_introspection` object.
pub(crate) fn signed_answer_claims(
    config: &ResourceConfig,
    mut payload: Map<String, Value>,
) -> Result<Map<String, Value>, ResourceError> {
    let invalid = |why: &str| ResourceError::invalid_answer(why.to_owned());
    let iss = payload
        .get("iss")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("no `iss`"))?;
    if !same_issuer(iss, config.issuer.as_str()) {
        return Err(invalid("`iss` is not the provider's issuer"));
    }
    let ours = config.client_id.as_str();
    let aud_ok = match payload.get("aud") {
        Some(Value::String(aud)) => aud == ours,
        Some(Value::Array(auds)) => auds.len() == 1 && auds[0].as_str() == Some(ours),
        _ => false,
    };
    if !aud_ok {
        return Err(invalid("`aud` is not this API's client id"));
    }
    let now = crate::clock::now();
    let leeway = config.clock_leeway.as_secs() as i64;
    let iat = payload
        .get("iat")
        .and_then(Value::as_i64)
        .ok_or_else(|| invalid("no numeric `iat`"))?;
    let oldest = now - leeway - config.http_timeout.as_secs().max(1) as i64;
    if iat > now + leeway || iat < oldest {
        return Err(invalid("`iat` is not now: the answer is stale or the clocks disagree"));
    }
    if let Some(exp) = payload.get("exp")
        && exp.as_i64().is_none_or(|exp| exp <= now - leeway)
    {
        return Err(invalid("the answer has expired"));
    }
    match payload.remove("token_introspection") {
        Some(Value::Object(introspection)) => Ok(introspection),
        _ => Err(invalid("no `token_introspection` object")),
    }
}

/// A FranceConnect or FranceConnect+ `token_introspection`: `active`, then
/// for a live token `aud` (the service), `sub` (pairwise for the data
/// provider), `exp`, `iat`, `acr`, `scope` and the register's identity.
pub(crate) fn franceconnect(config: &ResourceConfig, ti: &Map<String, Value>) -> Result<TokenCheck, ResourceError> {
    if !is_active(ti)? {
        return Ok(TokenCheck::Inactive(InactiveReason::NotActive));
    }
    let service = text(ti, "aud")?.ok_or_else(|| ResourceError::invalid_answer("no `aud` (the service)"))?;
    let common = common_facts(config, ti, service)?;
    let common = match common {
        Ok(common) => common,
        Err(reason) => return Ok(TokenCheck::Inactive(reason)),
    };
    // FranceConnect keeps in `scope` only the scopes this data provider
    // serves: none means the person consented to none of its data.
    if common.scopes.is_empty() {
        return Ok(TokenCheck::Inactive(InactiveReason::NoScopeOfThisProvider));
    }
    let acr = text(ti, "acr")?.and_then(lowest_acr);
    const IDENTITY: [&str; 7] = [
        "given_name",
        "given_name_array",
        "family_name",
        "birthdate",
        "gender",
        "birthplace",
        "birthcountry",
    ];
    let identity: Map<String, Value> = IDENTITY
        .iter()
        .filter_map(|name| ti.get(*name).map(|v| ((*name).to_owned(), v.clone())))
        .collect();
    let claims = UserClaims::from_userinfo(&identity)
        .map_err(|e| ResourceError::invalid_answer(format!("the identity is malformed: {e}")))?;
    // The register's identity; without `birthcountry`, the eIDAS bridge's.
    let identity = crate::identity::pivot_of(&claims, claims.birthcountry.is_none());
    Ok(TokenCheck::Active(Box::new(TokenInfo {
        platform: config.platform,
        acr,
        claims,
        identity,
        ..common
    })))
}

/// A ProConnect `token_introspection` (RFC 7662): `active`, then for a live
/// token `client_id` (the service), `sub`, `exp`, `iat`, `scope`, `iss`
/// (which may be missing), `token_type`.
pub(crate) fn proconnect(config: &ResourceConfig, ti: &Map<String, Value>) -> Result<TokenCheck, ResourceError> {
    if !is_active(ti)? {
        return Ok(TokenCheck::Inactive(InactiveReason::NotActive));
    }
    if let Some(iss) = text(ti, "iss")?
        && !same_issuer(iss, config.issuer.as_str())
    {
        return Err(ResourceError::invalid_answer("`iss` is not the provider's issuer"));
    }
    // A refresh token opens no API: `oidc-provider` (ProConnect's) answers
    // one as active with no `token_type` at all, so only an explicit
    // `Bearer` passes.
    if !text(ti, "token_type")?.is_some_and(|t| t.eq_ignore_ascii_case("bearer")) {
        return Ok(TokenCheck::Inactive(InactiveReason::NotAnAccessToken));
    }
    let service = text(ti, "client_id")?.ok_or_else(|| ResourceError::invalid_answer("no `client_id`"))?;
    Ok(match common_facts(config, ti, service)? {
        Ok(info) => TokenCheck::Active(Box::new(info)),
        Err(reason) => TokenCheck::Inactive(reason),
    })
}

/// `active`, which must be a boolean.
fn is_active(ti: &Map<String, Value>) -> Result<bool, ResourceError> {
    ti.get("active")
        .and_then(Value::as_bool)
        .ok_or_else(|| ResourceError::invalid_answer("`active` is not a boolean"))
}

/// The facts both platforms give: the service (checked against the
/// allow-list), `sub`, `exp` (not passed), `iat`, `scope`. `Ok(Err(_))`
/// for a token to refuse.
fn common_facts(
    config: &ResourceConfig,
    ti: &Map<String, Value>,
    service: &str,
) -> Result<Result<TokenInfo, InactiveReason>, ResourceError> {
    if service.is_empty() || service.len() > 256 || service.chars().any(char::is_control) {
        return Err(ResourceError::invalid_answer("the service's client id is malformed"));
    }
    let sub = text(ti, "sub")?.ok_or_else(|| ResourceError::invalid_answer("no `sub`"))?;
    if sub.is_empty() || sub.len() > 256 || sub.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(ResourceError::invalid_answer("`sub` is malformed"));
    }
    let exp = ti
        .get("exp")
        .and_then(Value::as_i64)
        .ok_or_else(|| ResourceError::invalid_answer("no numeric `exp`"))?;
    let issued_at = match ti.get("iat") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_i64()
                .ok_or_else(|| ResourceError::invalid_answer("`iat` is not a number"))?,
        ),
    };
    // A scope this version cannot type (the platforms' lists grow) is
    // left out: it cannot satisfy a requirement, and it must not make
    // every answer unusable.
    let scopes: Vec<Scope> = text(ti, "scope")?
        .unwrap_or_default()
        .split(' ')
        .filter_map(|s| s.parse::<Scope>().ok())
        .collect();
    if !config.allowed_clients.is_empty() && !config.allowed_clients.iter().any(|c| c.as_str() == service) {
        return Ok(Err(InactiveReason::ForeignClient));
    }
    if exp <= crate::clock::now() - config.clock_leeway.as_secs() as i64 {
        return Ok(Err(InactiveReason::Expired));
    }
    Ok(Ok(TokenInfo {
        platform: config.platform,
        sub: sub.to_owned(),
        client_id: ClientId::new(service),
        scopes,
        acr: None,
        expires_at: exp,
        issued_at,
        claims: UserClaims::default(),
        identity: None,
    }))
}

/// A string member: `None` when absent or `null`, an error when of
/// another type.
fn text<'a>(ti: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, ResourceError> {
    match ti.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ResourceError::invalid_answer(format!("`{name}` is not a string"))),
    }
}

/// The lowest known level of a space-separated `acr` (FranceConnect
/// writes the login's values joined).
fn lowest_acr(values: &str) -> Option<Acr> {
    values
        .split(' ')
        .filter_map(|v| v.parse::<Acr>().ok())
        .min_by_key(|acr| Acr::ALL.iter().position(|a| a == acr))
}

/// Two spellings of one issuer, a trailing `/` aside.
fn same_issuer(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}
