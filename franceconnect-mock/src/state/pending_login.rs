//! [`PendingLogin`]: a validated authorization request waiting for the
//! user, on every platform.

use std::time::Instant;

use crate::config::Eidas;
use crate::proconnect::agent_request::AgentRequest;

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
