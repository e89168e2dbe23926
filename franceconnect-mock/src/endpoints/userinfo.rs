//! `GET /userinfo`: the identity claims the granted scopes allow, delivered
//! as `application/jwt` (JWS on FranceConnect and ProConnect, JWE around a
//! JWS on FranceConnect+), or on ProConnect as plain JSON for a client
//! registered without a userinfo signature.

use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::common::issuance;
use crate::config::Platform;
use crate::jose::{tamper, tokens};
use crate::scenarios::{self, Endpoint, Tamper};
use crate::state::shared::Shared;
use crate::web::oauth_error::{error_uri, platform_code};

/// 401 with `WWW-Authenticate: Bearer error="invalid_token"` and the
/// platform's JSON error `{error, error_description, error_uri}`.
fn invalid_token(description: &str) -> Response {
    tracing::warn!(description, "userinfo: refused");
    (
        StatusCode::UNAUTHORIZED,
        [(
            header::WWW_AUTHENTICATE,
            format!(r#"Bearer realm="franceconnect", error="invalid_token", error_description="{description}""#),
        )],
        Json(serde_json::json!({
            "error": "invalid_token",
            "error_description": description,
            "error_uri": error_uri(platform_code("invalid_token", description)),
        })),
    )
        .into_response()
}

/// Another UUID v4 than `sub`, always the same for it: the subject of
/// "someone else" for the [`Tamper::UserinfoSubMismatch`] scenario on
/// ProConnect.
fn another_agent_sub(sub: &str) -> String {
    use sha2::Digest;
    let digest = hex::encode(sha2::Sha256::digest(format!("{sub}:autre-agent").as_bytes()));
    format!(
        "{}-{}-4{}-a{}-{}",
        &digest[0..8],
        &digest[8..12],
        &digest[13..16],
        &digest[17..20],
        &digest[20..32]
    )
}

/// The bearer token of the `Authorization` header.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()).then(|| token.trim())
}

/// The handler.
pub(crate) async fn userinfo(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    shared.counters.hit(Endpoint::Userinfo);
    let failure = shared.scenarios().failure(Endpoint::Userinfo);
    if let Some(response) = scenarios::apply_failure(failure, Endpoint::Userinfo, "application/jwt").await {
        return response;
    }
    let Some(token) = bearer(&headers) else {
        return invalid_token("no access token provided");
    };
    let grant = {
        let mut store = shared.store();
        shared.prune(&mut store);
        store.access_tokens.get(token).cloned()
    };
    let Some(grant) = grant.filter(|g| g.expires > Instant::now()) else {
        return invalid_token("invalid token provided");
    };
    let Some(client) = shared.clients.get(&grant.client_id) else {
        return invalid_token("invalid token provided");
    };
    let (tamper, clock_offset) = {
        let scenarios = shared.scenarios();
        (scenarios.tamper, scenarios.clock_offset_secs)
    };
    let (sub, person_claims) = match shared.platform {
        Platform::ProConnect => {
            let Some(agent) = shared.agent(&grant.identity_id) else {
                return invalid_token("invalid token provided");
            };
            let sub = if tamper == Some(Tamper::UserinfoSubMismatch) {
                another_agent_sub(&agent.sub)
            } else {
                agent.sub.clone()
            };
            (sub, agent.claims(&grant.scopes))
        }
        Platform::FranceConnect | Platform::FranceConnectPlus => {
            let Some(identity) = shared.identity(&grant.identity_id) else {
                return invalid_token("invalid token provided");
            };
            let sub = if tamper == Some(Tamper::UserinfoSubMismatch) {
                tokens::pairwise_sub(&client.client_id, &format!("{}:autre-personne", identity.id))
            } else {
                tokens::pairwise_sub(&client.client_id, &identity.id)
            };
            (sub, tokens::identity_claims(&identity, &grant.scopes, shared.platform))
        }
    };
    if !client.userinfo_signed {
        // Registered without `userinfo_signed_response_alg`: ProConnect
        // answers the claims as plain JSON.
        let mut claims = serde_json::Map::new();
        claims.insert("sub".into(), sub.into());
        claims.extend(person_claims);
        tracing::info!(client_id = %client.client_id, identity = %grant.identity_id, "userinfo: delivered as JSON");
        return (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")], Json(claims)).into_response();
    }
    let iat = tokens::now();
    let mut claims = serde_json::Map::new();
    claims.insert("iss".into(), shared.issuer.clone().into());
    let audience = if tamper == Some(Tamper::UserinfoWrongAudience) {
        "un-autre-fournisseur-de-service".to_owned()
    } else {
        client.client_id.clone()
    };
    claims.insert("aud".into(), audience.into());
    claims.insert("sub".into(), sub.into());
    claims.insert("iat".into(), iat.into());
    claims.insert(
        "exp".into(),
        (iat + tokens::token_lifetime_secs(shared.platform)).into(),
    );
    claims.extend(person_claims);
    tamper::shift_clock(&mut claims, clock_offset);
    if tamper == Some(Tamper::UserinfoPlainJson) {
        return (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")], Json(claims)).into_response();
    }
    let signature_tamper = (tamper == Some(Tamper::UserinfoUnsigned)).then_some(Tamper::AlgNone);
    match issuance::deliver(&shared, client, &claims, signature_tamper).await {
        Ok(jwt) => {
            tracing::info!(client_id = %client.client_id, identity = %grant.identity_id, "userinfo: delivered");
            (
                StatusCode::OK,
                [
                    (header::CONTENT_TYPE, "application/jwt"),
                    (header::CACHE_CONTROL, "no-store"),
                ],
                jwt,
            )
                .into_response()
        }
        Err(error) => {
            tracing::error!(%error, "userinfo: cannot deliver");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(serde_json::json!({
                    "error": "server_error",
                    "error_description": error,
                    "error_uri": error_uri("Y040001"),
                })),
            )
                .into_response()
        }
    }
}
