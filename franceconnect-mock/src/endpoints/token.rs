//! `POST /token`, on every platform: `client_secret_post` or
//! `private_key_jwt` authentication (see `client_auth`; HTTP Basic is
//! refused), single-use 30-second codes (60 on ProConnect) bound to their
//! redirect URI, PKCE on ProConnect (`proconnect::pkce`), its
//! `refresh_token` grant (`proconnect::refresh_grant`), and the exact
//! response of the platform.

use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::common::{client_auth, issuance};
use crate::config::{Client, Platform};
use crate::jose::tamper;
use crate::jose::tokens::{self, IdTokenClaims};
use crate::proconnect::{pkce, refresh_grant};
use crate::random;
use crate::scenarios::{self, Endpoint};
use crate::state::grants::{AccessGrant, CodeGrant, RedeemedCode, RefreshGrant};
use crate::state::lifetimes::{REFRESH_TOKEN_LIFETIME, access_token_lifetime};
use crate::state::shared::Shared;
use crate::web::oauth_error::oauth_error;
use crate::web::params::Params;

/// The handler.
pub(crate) async fn token(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    shared.counters.hit(Endpoint::Token);
    let failure = shared.scenarios().failure(Endpoint::Token);
    if let Some(response) = scenarios::apply_failure(failure, Endpoint::Token, "application/json").await {
        return response;
    }
    let bad_request = |error: &str, description: &str| oauth_error(StatusCode::BAD_REQUEST, error, description);
    let invalid_client = |description: &str| oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", description);

    if headers.contains_key(header::AUTHORIZATION) {
        return invalid_client(
            "client authentication by HTTP Basic (client_secret_basic) is not supported: use client_secret_post",
        );
    }
    let params = match Params::parse(&String::from_utf8_lossy(&body)) {
        Ok(params) => params,
        Err(name) => return bad_request("invalid_request", &format!("parameter {name} is repeated")),
    };
    let Some(grant_type) = params.get("grant_type") else {
        return bad_request("invalid_request", "missing required parameter 'grant_type'");
    };
    let refresh = grant_type == "refresh_token" && shared.platform == Platform::ProConnect;
    if grant_type != "authorization_code" && !refresh {
        return bad_request(
            "unsupported_grant_type",
            &format!("unsupported grant_type requested ({grant_type})"),
        );
    }
    let client = match client_auth::authenticate(&shared, &params).await {
        Ok(client) => client,
        Err(refusal) => return refusal,
    };
    if refresh {
        return match refresh_grant::redeem(&shared, client, &params) {
            Ok(grant) => respond(&shared, client, grant, None).await,
            Err((error, description)) => bad_request(error, description),
        };
    }
    let Some(code) = params.get("code") else {
        return bad_request("invalid_request", "missing required parameter 'code'");
    };
    let Some(redirect_uri) = params.get("redirect_uri") else {
        return bad_request("invalid_request", "missing required parameter 'redirect_uri'");
    };

    // Single use: the code leaves the store now, whatever happens next.
    let grant = {
        let mut store = shared.store();
        shared.prune(&mut store);
        match store.codes.remove(code) {
            Some(grant) => {
                store.used_codes.insert(
                    code.to_owned(),
                    RedeemedCode {
                        access_token: None,
                        refresh_token: None,
                        at: Instant::now(),
                    },
                );
                Some(grant)
            }
            None => {
                if let Some(redeemed) = store.used_codes.get(code).cloned() {
                    // Reuse: revoke what the code gave, as the platform does.
                    if let Some(access_token) = redeemed.access_token {
                        store.access_tokens.remove(&access_token);
                        tracing::warn!("token: authorization code reused, its access token is revoked");
                    }
                    if let Some(refresh_token) = redeemed.refresh_token {
                        store.refresh_tokens.remove(&refresh_token);
                    }
                }
                None
            }
        }
    };
    let Some(grant) = grant else {
        return bad_request(
            "invalid_grant",
            "grant request is invalid (authorization code not found)",
        );
    };
    if grant.issued.elapsed() >= shared.code_lifetime {
        return bad_request("invalid_grant", "grant request is invalid (expired code)");
    }
    if grant.login.client_id != client.client_id {
        return bad_request(
            "invalid_grant",
            "grant request is invalid (code issued to another client)",
        );
    }
    if grant.login.redirect_uri != redirect_uri {
        return bad_request("invalid_grant", "grant request is invalid (redirect_uri mismatch)");
    }
    if shared.platform == Platform::ProConnect
        && !pkce::verified(
            grant
                .login
                .agent_request
                .as_ref()
                .and_then(|r| r.code_challenge.as_deref()),
            params.get("code_verifier"),
        )
    {
        return bad_request("invalid_grant", "grant request is invalid (PKCE verification failed)");
    }
    respond(&shared, client, grant, Some(code)).await
}

/// Issues the ID token, the access token and (on ProConnect) a refresh
/// token for `grant`, and answers with them. `code` is the authorization
/// code redeemed, whose reuse must revoke what it gave (`None` for a
/// refresh).
async fn respond(shared: &Shared, client: &Client, grant: CodeGrant, code: Option<&str>) -> Response {
    let (acr_override, acr_value_override, tamper, clock_offset, last_nonce) = {
        let mut scenarios = shared.scenarios();
        let last_nonce = match &grant.login.nonce {
            Some(nonce) => scenarios.last_nonce.replace(nonce.clone()),
            None => scenarios.last_nonce.clone(),
        };
        (
            scenarios.acr_override,
            scenarios.acr_value_override.clone(),
            scenarios.tamper,
            scenarios.clock_offset_secs,
            last_nonce,
        )
    };
    let acr: String = acr_value_override
        .or_else(|| acr_override.map(|level| level.as_str().to_owned()))
        .unwrap_or_else(|| grant.acr.clone());
    let Some(sub) = shared.subject(&client.client_id, &grant.identity_id) else {
        return oauth_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "the person of this grant is no longer known to the mock",
        );
    };
    let lifetime = tokens::token_lifetime_secs(shared.platform);
    // The access token's own, when a scenario shortens it.
    let access_lifetime = shared
        .scenarios()
        .access_token_lifetime
        .unwrap_or_else(|| access_token_lifetime(shared.platform));
    let mut claims = IdTokenClaims {
        iss: &shared.issuer,
        aud: &client.client_id,
        sub: &sub,
        iat: tokens::now(),
        lifetime,
        auth_time: grant.auth_time,
        nonce: grant.login.nonce.as_deref(),
        acr: &acr,
        amr: grant.login.amr_requested.then_some(grant.amr.as_slice()),
        sid: grant.sid.as_deref(),
    }
    .to_map();
    tamper::shift_clock(&mut claims, clock_offset);
    if let Some(t) = tamper {
        tamper::id_token_claims(&mut claims, t, shared.platform, last_nonce.as_deref());
    }
    let id_token = match issuance::deliver(shared, client, &claims, tamper).await {
        Ok(token) => token,
        Err(error) => {
            tracing::error!(%error, "token: cannot issue the ID token");
            return oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", &error);
        }
    };

    let access_token = random::token();
    let refresh_token = (shared.platform == Platform::ProConnect).then(random::token);
    let scope = grant.login.scopes.join(" ");
    let identity_id = grant.identity_id.clone();
    {
        let mut store = shared.store();
        if let Some(code) = code {
            store.used_codes.insert(
                code.to_owned(),
                RedeemedCode {
                    access_token: Some(access_token.clone()),
                    refresh_token: refresh_token.clone(),
                    at: Instant::now(),
                },
            );
        }
        // The provider's clock, as the tokens' times (a clock scenario
        // moves both).
        let issued_at = (tokens::now() as i64).saturating_add(clock_offset).max(0) as u64;
        store.access_tokens.insert(
            access_token.clone(),
            AccessGrant {
                client_id: client.client_id.clone(),
                identity_id: grant.identity_id.clone(),
                scopes: grant.login.scopes.clone(),
                acr: acr.clone(),
                issued_at,
                expires_at: issued_at + access_lifetime.as_secs(),
                expires: Instant::now() + access_lifetime,
            },
        );
        if let Some(refresh_token) = &refresh_token {
            store.refresh_tokens.insert(
                refresh_token.clone(),
                RefreshGrant {
                    grant,
                    expires: Instant::now() + REFRESH_TOKEN_LIFETIME,
                },
            );
        }
    }
    tracing::info!(client_id = %client.client_id, identity = %identity_id, %acr, "token: issued");
    let mut body = serde_json::json!({
        "access_token": access_token,
        "expires_in": access_lifetime.as_secs(),
        "id_token": id_token,
        "scope": scope,
        "token_type": "Bearer",
    });
    if let Some(refresh_token) = refresh_token {
        body["refresh_token"] = refresh_token.into();
    }
    (
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-store"), (header::PRAGMA, "no-cache")],
        Json(body),
    )
        .into_response()
}
