//! The authorization-code flow, in the order a login runs: `login` builds
//! the authorization URL and checks the callback, `exchange` makes the two
//! back-channel calls (token, userinfo), `claims` checks what the tokens
//! say, and `logout` ends the session at the provider, after `revocation`
//! has revoked the access token.

pub(crate) mod claims;
mod exchange;
mod login;
mod logout;
mod revocation;

pub use login::{CallbackParams, LoginOptions, PendingLogin};
pub use logout::PendingLogout;
pub use revocation::Revocation;
