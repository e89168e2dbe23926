//! ProConnect, the federation of public agents' identity providers: what
//! differs from FranceConnect, after its own code (PCF =
//! proconnect-gouv/federation, `fca/` = its `back/apps/core-fca-low/src/`).
//! Its `/authorize` ignores unknown parameters and shows its own codes
//! (`Y000400`, `Y030031`); the acr comes from the agent's identity provider,
//! possibly raised by ProConnect's e-mail code; a single sign-on session
//! (cookie) spares the agent the next logins. The router picks its handlers
//! (`authorize`, `login_page`, `logout`, `discovery`); the token endpoint
//! uses its `pkce` and `refresh_grant` rules.

pub(crate) mod acr;
pub(crate) mod agent_choice;
pub(crate) mod authorize;
pub(crate) mod discovery;
pub(crate) mod login;
pub(crate) mod login_page;
pub(crate) mod logout;
pub(crate) mod page_codes;
pub(crate) mod pkce;
pub(crate) mod refresh_grant;
pub(crate) mod session_cookie;
pub(crate) mod session_reuse;
