//! The handlers every platform serves the same way (whatever differs is a
//! rule of the platform they call, such as `proconnect::pkce`): token,
//! userinfo, revocation, JWKS, and cancelling on the login page; and the
//! two ways an API checks a token it was sent, each served by its own
//! platforms: `checktoken` (FranceConnect and FranceConnect+'s data
//! providers) and `introspection` (ProConnect's resource servers).

pub(crate) mod abort;
pub(crate) mod checktoken;
pub(crate) mod introspection;
pub(crate) mod jwks;
pub(crate) mod revocation;
pub(crate) mod token;
pub(crate) mod userinfo;
