//! Client authentication at the token endpoint, as the platform's
//! oidc-provider does it: `client_secret_post` (`client_id` and
//! `client_secret` in the form) or `private_key_jwt` (a client assertion),
//! exactly one of them, and the one the client is registered for. The
//! revocation endpoint takes the secret alone, through the same checks.
//!
//! An assertion (RFC 7523) is checked like this: `client_assertion_type`
//! is the JWT-bearer URN; the JWS is signed with ES256 (or RS256 on
//! FranceConnect and ProConnect) by a key of the client's JWKS; `iss` and `sub` are the
//! client id; `aud` names the issuer or the token endpoint; `exp` is
//! present and not past; `jti` is present and never seen before.

use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::config::{Client, ClientKeys, Platform, SigningAlg, TokenAuth};
use crate::jose::{keys, tokens};
use crate::state::lifetimes::ASSERTION_LEEWAY_SECS;
use crate::state::shared::Shared;
use crate::web::oauth_error::oauth_error;
use crate::web::params::Params;

/// The `client_assertion_type` of a signed JWT.
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The client the request authenticates, or the OAuth error to answer.
pub(crate) async fn authenticate<'a>(shared: &'a Shared, params: &Params) -> Result<&'a Client, Response> {
    let invalid_client = |description: &str| oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", description);
    let invalid_request = |description: &str| oauth_error(StatusCode::BAD_REQUEST, "invalid_request", description);
    let assertion = params.get("client_assertion");
    let assertion_type = params.get("client_assertion_type");
    let secret = params.get("client_secret");
    if (assertion.is_some() || assertion_type.is_some()) && secret.is_some() {
        return Err(invalid_request(
            "client authentication must only be provided using one mechanism",
        ));
    }
    let Some(assertion) = assertion else {
        if assertion_type.is_some() {
            return Err(invalid_request(
                "client_assertion must be provided with client_assertion_type",
            ));
        }
        let (Some(client_id), Some(secret)) = (params.get("client_id"), secret) else {
            return Err(invalid_client(
                "no client authentication mechanism provided (client_id and client_secret are required)",
            ));
        };
        let client = registered_client(shared, client_id).map_err(invalid_client)?;
        if client.token_auth != TokenAuth::ClientSecretPost {
            return Err(invalid_client(
                "the registered client token_endpoint_auth_method (private_key_jwt) does not match the provided auth mechanism",
            ));
        }
        check_secret(client, secret).map_err(invalid_client)?;
        return Ok(client);
    };
    if assertion_type != Some(JWT_BEARER) {
        return Err(invalid_request(&format!("client_assertion_type must be {JWT_BEARER}")));
    }
    // Which client: the form's `client_id`, else the assertion's `sub`
    // (read unverified only to find the keys it must verify with).
    let unverified_sub =
        unverified_claims(assertion).and_then(|claims| claims.get("sub").and_then(Value::as_str).map(str::to_owned));
    let client_id = params.get("client_id").map(str::to_owned).or(unverified_sub);
    let client = registered_client(shared, client_id.as_deref().unwrap_or_default()).map_err(invalid_client)?;
    let TokenAuth::PrivateKeyJwt(client_keys) = &client.token_auth else {
        return Err(invalid_client(
            "the registered client token_endpoint_auth_method (client_secret_post) does not match the provided auth mechanism",
        ));
    };
    let claims = verify(shared, client_keys, assertion)
        .await
        .map_err(|e| invalid_client(&format!("invalid client_assertion: {e}")))?;
    check_claims(shared, client, &claims).map_err(|e| invalid_client(&format!("invalid client_assertion: {e}")))?;
    Ok(client)
}

/// The client registered as `client_id`; the `invalid_client` description
/// otherwise.
pub(crate) fn registered_client<'a>(shared: &'a Shared, client_id: &str) -> Result<&'a Client, &'static str> {
    shared
        .clients
        .get(client_id)
        .ok_or("client authentication failed (client not found)")
}

/// `secret` is the client's; the `invalid_client` description otherwise.
pub(crate) fn check_secret(client: &Client, secret: &str) -> Result<(), &'static str> {
    if same_secret(&client.client_secret, secret) {
        Ok(())
    } else {
        Err("client authentication failed (invalid secret provided)")
    }
}

/// Constant-time-ish comparison through digests.
fn same_secret(a: &str, b: &str) -> bool {
    Sha256::digest(a.as_bytes()) == Sha256::digest(b.as_bytes())
}

/// The assertion's claims once its signature is verified with the client's
/// key for its `alg` and `kid`.
async fn verify(shared: &Shared, client_keys: &ClientKeys, assertion: &str) -> Result<Map<String, Value>, String> {
    let header = josekit::jwt::decode_header(assertion).map_err(|_| "not a JWS".to_owned())?;
    let alg = header
        .claim("alg")
        .and_then(Value::as_str)
        .ok_or_else(|| "no alg".to_owned())?;
    let alg = match (alg, shared.platform) {
        ("ES256", _) => SigningAlg::ES256,
        ("RS256", Platform::FranceConnect | Platform::ProConnect) => SigningAlg::RS256,
        (other, _) => return Err(format!("alg {other} is not allowed")),
    };
    let kid = header.claim("kid").and_then(Value::as_str);
    let jwks = keys::client_jwks(&shared.http, client_keys)
        .await
        .map_err(|e| e.to_string())?;
    let key = keys::select_signing_key(&jwks, alg, kid).map_err(|e| e.to_string())?;
    let verified = match alg {
        SigningAlg::ES256 => josekit::jws::ES256
            .verifier_from_jwk(&key)
            .and_then(|v| josekit::jwt::decode_with_verifier(assertion, &v)),
        SigningAlg::RS256 => josekit::jws::RS256
            .verifier_from_jwk(&key)
            .and_then(|v| josekit::jwt::decode_with_verifier(assertion, &v)),
    };
    let (payload, _) = verified.map_err(|_| "invalid signature".to_owned())?;
    Ok(payload.claims_set().clone())
}

/// The claim rules, and the single use of `jti`.
fn check_claims(shared: &Shared, client: &Client, claims: &Map<String, Value>) -> Result<(), String> {
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    if text("iss") != Some(client.client_id.as_str()) {
        return Err("iss (JWT issuer) must be the client_id".into());
    }
    if text("sub") != Some(client.client_id.as_str()) {
        return Err("sub (JWT subject) must be the client_id".into());
    }
    let token_endpoint = format!("{}/token", shared.issuer);
    let accepted = |aud: &str| aud == shared.issuer || aud == token_endpoint;
    let aud_ok = match claims.get("aud") {
        Some(Value::String(aud)) => accepted(aud),
        Some(Value::Array(auds)) => auds.iter().filter_map(Value::as_str).any(accepted),
        _ => false,
    };
    if !aud_ok {
        return Err("list of audience (aud) must include the issuer identifier or the token endpoint url".into());
    }
    let now = tokens::now() as i64;
    let exp = claims
        .get("exp")
        .and_then(Value::as_i64)
        .ok_or_else(|| "expiration must be specified in the client_assertion JWT".to_owned())?;
    if exp < now - ASSERTION_LEEWAY_SECS {
        return Err("jwt expired".into());
    }
    let jti = text("jti")
        .filter(|j| !j.is_empty())
        .ok_or_else(|| "unique jti (JWT ID) must be provided in the client_assertion JWT".to_owned())?;
    let mut store = shared.store();
    let key = (client.client_id.clone(), jti.to_owned());
    if store.used_assertions.contains_key(&key) {
        return Err("client assertion tokens must only be used once".into());
    }
    store.used_assertions.insert(key, exp);
    Ok(())
}

/// The claims of a compact JWS, unverified (to find the client only).
fn unverified_claims(jws: &str) -> Option<Map<String, Value>> {
    let payload = jws.split('.').nth(1)?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}
