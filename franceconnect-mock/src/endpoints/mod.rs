//! The endpoints both platforms share: the handlers that serve them all
//! (`token`, `userinfo`, `revocation`, the JWKS and cancelling a login),
//! and what the platforms' own handlers have in common (`authorize`,
//! `login_page`, `logout`, `discovery`), which imports no handler of
//! `franceconnect` or `proconnect`: those import it.

pub(crate) mod authorize;
pub(crate) mod client_auth;
pub(crate) mod discovery;
pub(crate) mod login_page;
pub(crate) mod logout;
pub(crate) mod revocation;
pub(crate) mod token;
pub(crate) mod userinfo;
