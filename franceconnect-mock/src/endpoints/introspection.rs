//! `POST /token/introspection`, on ProConnect: a resource server asks about
//! an access token a service sent it (RFC 7662; RFC 9701 for the signed
//! answer), as ProConnect's `oidc-provider` answers it (PCF
//! back/libs/oidc-provider/src/services/oidc-provider-config.service.ts,
//! quality/cypress/integration/api/api-token-introspection.feature).
//!
//! The client authenticates with `client_secret_post` (a resource server,
//! or any registered service): without `client_id`, `400
//! invalid_request`; with a wrong or missing secret or an unknown client,
//! `401 invalid_client`; then without `token`, `400 invalid_request`. The
//! answer is plain JSON, or, when the client registered
//! `introspection_signed_response_alg` and sends `Accept:
//! application/token-introspection+jwt`, a JWS (header `alg`, `kid`, `typ:
//! token-introspection+jwt`; payload `iss`, `aud` = the client, `iat`,
//! `token_introspection`). An unknown, expired or revoked token is
//! `{"active": false}`; a live one has `active`, `sub` (the agent's public
//! sub), `client_id` (the service the token was issued to), `exp`, `iat`,
//! `iss`, `scope` and `token_type`.

use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use josekit::jws::JwsHeader;
use serde_json::{Map, Value};

use crate::common::client_auth::{check_secret, registered_client};
use crate::config::{SigningAlg, TokenAuth};
use crate::endpoints::checktoken::INTROSPECTION_JWT;
use crate::jose::tokens;
use crate::scenarios::{self, Endpoint};
use crate::state::shared::Shared;
use crate::web::params::Params;

/// The handler.
pub(crate) async fn introspect(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    shared.counters.hit(Endpoint::Introspection);
    let failure = shared.scenarios().failure(Endpoint::Introspection);
    if let Some(response) = scenarios::apply_failure(failure, Endpoint::Introspection, "application/json").await {
        return response;
    }
    let invalid_client = || {
        error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication failed",
        )
    };
    if headers.contains_key(header::AUTHORIZATION) {
        return invalid_client();
    }
    let params = match Params::parse(&String::from_utf8_lossy(&body)) {
        Ok(params) => params,
        Err(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "parameters must not be provided twice",
            );
        }
    };
    let Some(client_id) = params.get("client_id") else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "no client authentication mechanism provided",
        );
    };
    let secret = params.get("client_secret").unwrap_or_default();
    // A resource server, or a service (oidc-provider lets any
    // authenticated client introspect).
    let signing: Option<SigningAlg> = if let Some(rs) = shared.data_providers.get(client_id) {
        if !same_secret(&rs.client_secret, secret) {
            return invalid_client();
        }
        rs.signed_introspection.then_some(rs.signing_alg)
    } else {
        match registered_client(&shared, client_id) {
            Ok(client) if client.token_auth == TokenAuth::ClientSecretPost && check_secret(client, secret).is_ok() => {
                None
            }
            _ => return invalid_client(),
        }
    };
    let Some(token) = params.get("token") else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "missing required parameter 'token'",
        );
    };
    let introspection = token_introspection(&shared, token);
    let wants_jwt = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| {
            accept
                .split(',')
                .any(|media| media.split(';').next().unwrap_or_default().trim() == INTROSPECTION_JWT)
        });
    let active = introspection.get("active") == Some(&Value::Bool(true));
    tracing::info!(client_id, active, "token/introspection: answered");
    match signing.filter(|_| wants_jwt) {
        Some(alg) => match sign(&shared, client_id, alg, introspection) {
            Ok(jws) => (
                StatusCode::OK,
                [
                    (
                        header::CONTENT_TYPE,
                        "application/token-introspection+jwt; charset=utf-8",
                    ),
                    (header::CACHE_CONTROL, "no-store"),
                ],
                jws,
            )
                .into_response(),
            Err(e) => {
                tracing::error!(error = %e, "token/introspection: cannot sign the answer");
                error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "server_error",
                    "oops! something went wrong",
                )
            }
        },
        None => (
            StatusCode::OK,
            [(header::CACHE_CONTROL, "no-store")],
            Json(Value::Object(introspection)),
        )
            .into_response(),
    }
}

/// `{"active": false}`, or the live access token's facts.
fn token_introspection(shared: &Shared, token: &str) -> Map<String, Value> {
    let mut map = Map::new();
    let grant = {
        let store = shared.store();
        store
            .access_tokens
            .get(token)
            .filter(|g| g.expires > Instant::now())
            .cloned()
    };
    let sub = grant
        .as_ref()
        .and_then(|g| shared.subject(&g.client_id, &g.identity_id));
    let (Some(grant), Some(sub)) = (grant, sub) else {
        map.insert("active".into(), false.into());
        return map;
    };
    map.insert("active".into(), true.into());
    map.insert("sub".into(), sub.into());
    map.insert("client_id".into(), grant.client_id.into());
    map.insert("exp".into(), grant.expires_at.into());
    map.insert("iat".into(), grant.issued_at.into());
    map.insert("iss".into(), shared.issuer.clone().into());
    map.insert("scope".into(), grant.scopes.join(" ").into());
    map.insert("token_type".into(), "Bearer".into());
    map
}

/// The JWS answer (RFC 9701) for the client `audience`.
fn sign(shared: &Shared, audience: &str, alg: SigningAlg, introspection: Map<String, Value>) -> Result<String, String> {
    let mut claims = Map::new();
    claims.insert("iss".into(), shared.issuer.clone().into());
    claims.insert("aud".into(), audience.into());
    claims.insert("iat".into(), tokens::now().into());
    claims.insert("token_introspection".into(), Value::Object(introspection));
    let keys = shared.keys();
    let signer = keys
        .current
        .signer(alg)
        .ok_or_else(|| format!("no provider key for {}", alg.as_str()))?;
    let mut header = JwsHeader::new();
    header.set_token_type("token-introspection+jwt");
    if let Some(kid) = signer.key_id() {
        header.set_key_id(kid);
    }
    let payload = serde_json::to_vec(&claims).map_err(|e| e.to_string())?;
    josekit::jws::serialize_compact(&payload, &header, signer).map_err(|e| e.to_string())
}

/// `oidc-provider`'s error answer: `{error, error_description}`.
fn error(status: StatusCode, error: &str, description: &str) -> Response {
    tracing::warn!(%status, error, description, "token/introspection: refused");
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
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
