//! `POST /token/revocation`: the platform's revocation endpoint (RFC 7009).
//! Its form holds exactly `token`, `client_id` and `client_secret`: on
//! FranceConnect any other field (`token_type_hint` included) is refused,
//! as its request validation does; ProConnect's validation ignores them
//! (fca/dto/revocation-token-params.dto.ts, whitelist only) and revokes
//! refresh tokens too. An unknown or expired token is "revoked" without
//! error, as the RFC says; another client's token is refused.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::common::client_auth::{check_secret, registered_client};
use crate::config::Platform;
use crate::scenarios::{self, Endpoint};
use crate::state::shared::Shared;
use crate::web::oauth_error::oauth_error;
use crate::web::params::Params;

/// The only fields the platform accepts.
const FIELDS: [&str; 3] = ["token", "client_id", "client_secret"];

/// The shortest token the platform's validation accepts.
const MIN_TOKEN_LEN: usize = 43;

/// The handler.
pub(crate) async fn revoke(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    shared.counters.hit(Endpoint::Revocation);
    let failure = shared.scenarios().failure(Endpoint::Revocation);
    if let Some(response) = scenarios::apply_failure(failure, Endpoint::Revocation, "application/json").await {
        return response;
    }
    let bad_request = |description: &str| oauth_error(StatusCode::BAD_REQUEST, "invalid_request", description);
    if headers.contains_key(header::AUTHORIZATION) {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication by HTTP Basic is not supported: send client_id and client_secret in the form",
        );
    }
    let params = match Params::parse(&String::from_utf8_lossy(&body)) {
        Ok(params) => params,
        Err(name) => return bad_request(&format!("parameter {name} is repeated")),
    };
    if let Some(extra) = params
        .first_unknown(&FIELDS)
        .filter(|_| shared.platform != Platform::ProConnect)
    {
        return bad_request(&format!(
            "unexpected parameter '{extra}': send exactly token, client_id and client_secret"
        ));
    }
    let (Some(token), Some(client_id), Some(secret)) = (
        params.get("token"),
        params.get("client_id"),
        params.get("client_secret"),
    ) else {
        return bad_request("token, client_id and client_secret are required");
    };
    if token.len() < MIN_TOKEN_LEN {
        return bad_request("token is too short");
    }
    let client = match registered_client(&shared, client_id).and_then(|c| check_secret(c, secret).map(|()| c)) {
        Ok(client) => client,
        Err(description) => return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", description),
    };
    let mut store = shared.store();
    let owner = match (store.access_tokens.get(token), store.refresh_tokens.get(token)) {
        (Some(access), _) => Some(access.client_id.clone()),
        (None, Some(refresh)) => Some(refresh.grant.login.client_id.clone()),
        (None, None) => None,
    };
    match owner {
        Some(owner) if owner != client.client_id => {
            return bad_request("client is not authorized to revoke the presented token");
        }
        Some(_) => {
            store.access_tokens.remove(token);
            store.refresh_tokens.remove(token);
            tracing::info!(client_id = %client.client_id, "token/revocation: token revoked");
        }
        None => tracing::info!(client_id = %client.client_id, "token/revocation: unknown or expired token"),
    }
    (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")]).into_response()
}
