//! FranceConnect and FranceConnect+: the handlers these two platforms have
//! their own way (strict `/authorize`, the identities' login page,
//! `/session/end`, the discovery document), which the router picks for
//! them.

pub(crate) mod authorize;
pub(crate) mod discovery;
pub(crate) mod identity_providers;
pub(crate) mod login;
pub(crate) mod login_page;
pub(crate) mod logout;
