//! [`AgentRequest`]: what a ProConnect authorization request adds to a
//! pending login (required levels, hints, PKCE challenge, silence).

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
