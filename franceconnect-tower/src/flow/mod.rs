//! The authorization-code flow, in the order a login runs: `login` builds
//! the authorization URL and checks the callback, `exchange` makes the two
//! back-channel calls (token, authenticated by the secret or by
//! `client_assertion`; userinfo), `claims` checks what the tokens
//! say, and `logout` ends the session at the provider, after `revocation`
//! has revoked the tokens. Between the two, `refresh` renews ProConnect's
//! access token with its refresh token.

mod check;
pub(crate) mod claims;
mod client_assertion;
mod exchange;
mod login;
mod logout;
mod refresh;
mod revocation;
pub(crate) mod step_span;

pub use check::Registration;
pub(crate) use exchange::Userinfo;
pub use login::{CallbackParams, LoginOptions, PendingLogin};
pub use logout::PendingLogout;
pub(crate) use refresh::{REFRESH_TOKEN_KEY_INFO, RefreshFlights};
pub use revocation::Revocation;
