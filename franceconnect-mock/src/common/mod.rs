//! What the handlers of every platform have in common, below them all:
//! the parts of `/authorize`, the login page, `/session/end` and discovery
//! that `franceconnect` and `proconnect` share, client authentication, and
//! delivering a signed (and encrypted) token. It imports no handler.

pub(crate) mod authorize;
pub(crate) mod client_auth;
pub(crate) mod discovery;
pub(crate) mod issuance;
pub(crate) mod login_page;
pub(crate) mod logout;
