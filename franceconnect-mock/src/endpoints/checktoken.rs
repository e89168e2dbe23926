//! `POST /checktoken`, on FranceConnect and FranceConnect+: a data provider
//! asks about an access token a service sent it (FC
//! back/apps/core-fcp/src/controllers/data-provider.controller.ts,
//! services/data-provider.service.ts,
//! quality/fcp/cypress/integration/api/api-checktoken.feature).
//!
//! The form holds exactly `token`, `client_id` and `client_secret`, each a
//! non-empty string: anything else is `400 invalid_request` ("Required
//! parameter missing or invalid.", code Y100013), checked before the
//! credentials (`401 invalid_client`, "Client authentication failed.").
//! The answer is always `200 application/token-introspection+jwt`: a JWS
//! (header `alg`, `kid`; payload exactly `token_introspection`, `iat`,
//! `iss`, `aud` = the data provider) signed with the provider's key for
//! the data provider's algorithm, encrypted (header `alg`, `enc`, and
//! `epk` for ECDH-ES: no `kid`, no `cty`) to the first key of the data
//! provider's JWK set with `use: enc` and the registered `alg`. An
//! unknown, expired or revoked token gets `{"active": false}` as its
//! `token_introspection`; a live one the platform's fields: `active`,
//! `aud` (the service), `sub` (pairwise for the data provider), `iat`,
//! `exp`, `acr`, `jti`, `scope` (the token's scopes the data provider
//! serves), then the register's identity.

use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use josekit::jwe::JweHeader;
use josekit::jwk::Jwk;
use serde_json::{Map, Value};

use crate::config::EncryptionAlg;
use crate::data_provider::DataProvider;
use crate::identities::Identity;
use crate::jose::{keys, tokens};
use crate::scenarios::{self, Endpoint};
use crate::state::shared::Shared;
use crate::web::params::Params;

/// The answer's media type (RFC 9701).
pub(crate) const INTROSPECTION_JWT: &str = "application/token-introspection+jwt";

/// The only fields the platform accepts.
const FIELDS: [&str; 3] = ["token", "client_id", "client_secret"];

/// The handler.
pub(crate) async fn checktoken(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    shared.counters.hit(Endpoint::Checktoken);
    let failure = shared.scenarios().failure(Endpoint::Checktoken);
    if let Some(response) = scenarios::apply_failure(failure, Endpoint::Checktoken, INTROSPECTION_JWT).await {
        return response;
    }
    let invalid_request = || {
        error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Required parameter missing or invalid.",
        )
    };
    // The platform validates its DTO first (whitelist, no unknown field,
    // each a non-empty string: a repeated field is an array there).
    let Ok(params) = Params::parse(&String::from_utf8_lossy(&body)) else {
        return invalid_request();
    };
    if params.first_unknown(&FIELDS).is_some() {
        return invalid_request();
    }
    let (Some(token), Some(client_id), Some(secret)) = (
        params.get("token"),
        params.get("client_id"),
        params.get("client_secret"),
    ) else {
        return invalid_request();
    };
    let Some(dp) = shared
        .data_providers
        .get(client_id)
        .filter(|dp| same_secret(&dp.client_secret, secret))
    else {
        return error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed.",
        );
    };
    let introspection = token_introspection(&shared, dp, token);
    let active = introspection.get("active") == Some(&Value::Bool(true));
    match answer(&shared, dp, introspection).await {
        Ok(jwe) => {
            tracing::info!(data_provider = %dp.client_id, active, "checktoken: answered");
            (StatusCode::OK, [(header::CONTENT_TYPE, INTROSPECTION_JWT)], jwe).into_response()
        }
        Err(e) => {
            tracing::error!(data_provider = %dp.client_id, error = %e, "checktoken: cannot sign or encrypt the answer");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "The authorization server encountered an unexpected condition that prevented it from fulfilling the request.",
            )
        }
    }
}

/// The `token_introspection` member: `{"active": false}`, or the live
/// token's facts as the platform writes them.
fn token_introspection(shared: &Shared, dp: &DataProvider, token: &str) -> Map<String, Value> {
    let inactive = || {
        let mut map = Map::new();
        map.insert("active".into(), false.into());
        map
    };
    let grant = {
        let store = shared.store();
        store
            .access_tokens
            .get(token)
            .filter(|g| g.expires > Instant::now())
            .cloned()
    };
    let Some(grant) = grant else {
        return inactive();
    };
    let Some(identity) = shared.identity(&grant.identity_id) else {
        return inactive();
    };
    // Only the token's scopes this data provider serves (RFC 7662 §2.2).
    let scope: Vec<&str> = grant
        .scopes
        .iter()
        .filter(|s| dp.scopes.contains(s))
        .map(String::as_str)
        .collect();
    let mut map = Map::new();
    map.insert("active".into(), true.into());
    map.insert("aud".into(), grant.client_id.clone().into());
    map.insert(
        "sub".into(),
        tokens::pairwise_sub(&dp.client_id, &grant.identity_id).into(),
    );
    map.insert("iat".into(), grant.issued_at.into());
    map.insert("exp".into(), grant.expires_at.into());
    map.insert("acr".into(), grant.acr.clone().into());
    // The access token's own id: for an opaque token, the token itself.
    map.insert("jti".into(), token.into());
    map.insert("scope".into(), scope.join(" ").into());
    map.extend(register_identity(&identity));
    map
}

/// The identity the civil register holds (the platform's `rnippIdentity`):
/// as FranceConnect serves it, whatever the platform.
fn register_identity(identity: &Identity) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert("given_name".into(), identity.given_name.clone().into());
    if !identity.eidas {
        map.insert("given_name_array".into(), identity.given_name_array().into());
    }
    map.insert("family_name".into(), identity.family_name.clone().into());
    map.insert("birthdate".into(), identity.birthdate.clone().into());
    if let Some(gender) = &identity.gender {
        map.insert("gender".into(), gender.clone().into());
    }
    if !identity.eidas || !identity.birthplace.is_empty() {
        map.insert("birthplace".into(), identity.birthplace.clone().into());
    }
    if let Some(country) = &identity.birthcountry {
        map.insert("birthcountry".into(), country.clone().into());
    }
    map
}

/// The signed then encrypted answer.
async fn answer(shared: &Shared, dp: &DataProvider, introspection: Map<String, Value>) -> Result<String, String> {
    let mut claims = Map::new();
    claims.insert("token_introspection".into(), Value::Object(introspection));
    claims.insert("iat".into(), tokens::now().into());
    claims.insert("iss".into(), shared.issuer.clone().into());
    claims.insert("aud".into(), dp.client_id.clone().into());
    let jws = {
        let keys = shared.keys();
        let signer = keys
            .current
            .signer(dp.signing_alg)
            .ok_or_else(|| format!("no provider key for {}", dp.signing_alg.as_str()))?;
        tokens::sign_with(&claims, signer).map_err(|e| e.to_string())?
    };
    let key = encryption_key(shared, dp).await?;
    // The platform's header: `alg` and `enc` only (josekit adds `epk`),
    // without the key's `kid`: the data provider tries each of its keys.
    let mut header = JweHeader::new();
    header.set_content_encryption("A256GCM");
    tokens::encrypt_with_header(&jws, dp.encryption_alg, &without_kid(&key), header).map_err(|e| e.to_string())
}

/// The data provider's key the answer is encrypted to: the first of its JWK
/// set with `use: enc` and the registered `alg` (both required, as the
/// platform's `getFirstRelevantKey`), or the one the mock generated.
async fn encryption_key(shared: &Shared, dp: &DataProvider) -> Result<Jwk, String> {
    let alg = dp.encryption_alg;
    let jwks = match &dp.keys {
        None => {
            let private = shared
                .data_provider_keys
                .get(&dp.client_id)
                .ok_or("no key was generated for this data provider")?;
            return keys::public_encryption_jwk(private).map_err(|e| e.to_string());
        }
        Some(client_keys) => keys::client_jwks(&shared.http, client_keys)
            .await
            .map_err(|e| e.to_string())?,
    };
    first_relevant_key(&jwks, alg).ok_or_else(|| {
        format!(
            "the data provider's JWKS has no key with use `enc` and alg `{}`",
            alg.as_str()
        )
    })
}

/// The first public key of `jwks` with `use: enc`, `alg` and a key type
/// that fits it.
fn first_relevant_key(jwks: &Value, alg: EncryptionAlg) -> Option<Jwk> {
    jwks.get("keys")?.as_array()?.iter().find_map(|key| {
        let map = key.as_object()?;
        let text = |name: &str| map.get(name).and_then(Value::as_str);
        let fits = text("use") == Some("enc")
            && text("alg") == Some(alg.as_str())
            && text("kty") == Some(alg.key_type())
            && (alg != EncryptionAlg::EcdhEs || text("crv") == Some("P-256"))
            && !map.contains_key("d");
        fits.then(|| Jwk::from_map(map.clone()).ok()).flatten()
    })
}

/// A copy of `key` without its `kid` (josekit would write it in the JWE
/// header).
fn without_kid(key: &Jwk) -> Jwk {
    let mut map = key.as_ref().clone();
    map.remove("kid");
    Jwk::from_map(map).unwrap_or_else(|_| key.clone())
}

/// The platform's error answer for the data providers: `{error,
/// error_description}` in JSON.
fn error(status: StatusCode, error: &str, description: &str) -> Response {
    tracing::warn!(%status, error, "checktoken: refused");
    (
        status,
        Json(serde_json::json!({ "error": error, "error_description": description })),
    )
        .into_response()
}

/// Comparison through digests, so that the time taken says nothing of
/// the secret.
fn same_secret(a: &str, b: &str) -> bool {
    use sha2::{Digest, Sha256};
    Sha256::digest(a.as_bytes()) == Sha256::digest(b.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_key_with_use_enc_and_the_alg_is_chosen() {
        let ec = keys::generate_encryption_key(EncryptionAlg::EcdhEs).unwrap();
        let public = keys::public_encryption_jwk(&ec).unwrap();
        let mut no_use = Value::Object(public.as_ref().clone());
        no_use.as_object_mut().unwrap().remove("use");
        let mut second = Value::Object(public.as_ref().clone());
        second["kid"] = "second".into();
        let jwks = serde_json::json!({ "keys": [no_use, second] });
        let chosen = first_relevant_key(&jwks, EncryptionAlg::EcdhEs).unwrap();
        assert_eq!(chosen.key_id(), Some("second"), "a key without `use` is skipped");
        assert!(first_relevant_key(&jwks, EncryptionAlg::RsaOaep).is_none());
    }
}
