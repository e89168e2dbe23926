//! [`PendingLogin`]: a validated authorization request waiting for the
//! user, on every platform, with what a ProConnect request adds to it
//! ([`AgentRequest`]).

use std::time::Instant;

use crate::config::Eidas;

/// A validated authorization request waiting for the user.
#[derive(Debug, Clone)]
pub(crate) struct PendingLogin {
    /// The client.
    pub client_id: String,
    /// The exact redirect URI of the request.
    pub redirect_uri: String,
    /// The client's state.
    pub state: String,
    /// The client's nonce (always there on FranceConnect(+), optional on
    /// ProConnect).
    pub nonce: Option<String>,
    /// Granted (known) scopes.
    pub scopes: Vec<String>,
    /// The level resolved from `acr_values` (FranceConnect(+); a
    /// placeholder on ProConnect, whose levels are in `agent_request`).
    pub requested_acr: Eidas,
    /// Whether `claims` asked for `amr` in the ID token.
    pub amr_requested: bool,
    /// Whether `prompt` asked the user to authenticate again (`login`).
    pub force_login: bool,
    /// What a ProConnect request adds (`None` on FranceConnect(+)).
    pub agent_request: Option<AgentRequest>,
    /// When the request arrived.
    pub created: Instant,
}

/// What a ProConnect authorization request adds to a pending login.
#[derive(Debug, Clone, Default)]
pub(crate) struct AgentRequest {
    /// The acr values the `claims` parameter requires (known ones only;
    /// empty when nothing is required).
    pub essential_acr: Vec<String>,
    /// `login_hint`: the agent's e-mail address.
    pub login_hint: Option<String>,
    /// `idp_hint`: the identity provider to use (an `idp_id`).
    pub idp_hint: Option<String>,
    /// `siret_hint`: the organisation to preselect at the identity
    /// provider (shown, not used).
    pub siret_hint: Option<String>,
    /// `code_challenge` (S256), checked against the token request's
    /// `code_verifier`.
    pub code_challenge: Option<String>,
    /// Whether `prompt` is `none` (silent authentication).
    pub silent: bool,
}
