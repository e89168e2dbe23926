//! ProConnect, the federation of public agents' identity providers: what
//! differs from FranceConnect, after its own code (PCF =
//! proconnect-gouv/federation, `fca/` = its `back/apps/core-fca-low/src/`).
//! Its `/authorize` ignores unknown parameters and shows its own codes
//! (`Y000400`, `Y030031`); the acr comes from the agent's identity provider,
//! possibly raised by ProConnect's e-mail code; a single sign-on session
//! (cookie) spares the agent the next logins.

pub(crate) mod acr;
pub(crate) mod authorize;
pub(crate) mod login;
pub(crate) mod logout;
pub(crate) mod page;
pub(crate) mod session;

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
