//! ProConnect's `refresh_token` grant: a refresh token (issued with every
//! token response, valid for the 12-hour session) gives the same login's
//! tokens again, once: each use returns a new refresh token and retires the
//! old one (`oidc-provider`'s rotation). An unknown, used, revoked, expired
//! or another client's token is `invalid_grant`; a used one presented again
//! also revokes every refresh token of its login's grant, as
//! `oidc-provider` does (`lib/actions/grants/refresh_token.js`): the
//! client that lost the new one is signed out at its next refresh. (The
//! grant's access tokens live on until they expire: the mock does not tie
//! them to the grant.)

use std::time::Instant;

use crate::config::Client;
use crate::state::grants::{CodeGrant, ConsumedRefreshToken};
use crate::state::shared::Shared;
use crate::web::params::Params;

/// Why a refresh is refused: the OAuth `error` and its description, both
/// answered with status 400.
pub(crate) type Refusal = (&'static str, &'static str);

/// Every refusal of a present token: `oidc-provider` says no more.
const INVALID_GRANT: Refusal = ("invalid_grant", "grant request is invalid");

/// The login `params`' refresh token renews, the token now retired; or why
/// not.
pub(crate) fn redeem(shared: &Shared, client: &Client, params: &Params) -> Result<CodeGrant, Refusal> {
    let Some(token) = params.get("refresh_token") else {
        return Err(("invalid_request", "missing required parameter 'refresh_token'"));
    };
    let mut store = shared.store();
    shared.prune(&mut store);
    let Some(refresh) = store.refresh_tokens.get(token) else {
        if let Some(consumed) = store.consumed_refresh_tokens.remove(token)
            && consumed.client_id == client.client_id
        {
            store.refresh_tokens.retain(|_, live| {
                live.grant.login.client_id != consumed.client_id || live.grant.issued != consumed.grant_issued
            });
            tracing::warn!(client_id = %client.client_id, "token: a used refresh token presented again, its grant revoked");
        }
        return Err(INVALID_GRANT);
    };
    if refresh.grant.login.client_id != client.client_id || refresh.expires <= Instant::now() {
        return Err(INVALID_GRANT);
    }
    let refresh = store.refresh_tokens.remove(token).expect("just found");
    store.consumed_refresh_tokens.insert(
        token.to_owned(),
        ConsumedRefreshToken {
            client_id: client.client_id.clone(),
            grant_issued: refresh.grant.issued,
            expires: refresh.expires,
        },
    );
    tracing::info!(client_id = %client.client_id, "token: refresh token used (rotated)");
    Ok(refresh.grant)
}
