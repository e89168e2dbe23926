//! The handlers every platform serves the same way (whatever differs is a
//! rule of the platform they call, such as `proconnect::pkce`): token,
//! userinfo, revocation, JWKS, and cancelling on the login page.

pub(crate) mod abort;
pub(crate) mod jwks;
pub(crate) mod revocation;
pub(crate) mod token;
pub(crate) mod userinfo;
