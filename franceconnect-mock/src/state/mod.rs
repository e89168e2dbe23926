//! The provider's shared state: what a login leaves between requests
//! (pending logins, codes, tokens, single sign-on sessions), the stores
//! that hold it, and how long each thing lives.

pub(crate) mod agent_session;
pub(crate) mod grants;
pub(crate) mod lifetimes;
pub(crate) mod pending_login;
pub(crate) mod shared;
pub(crate) mod store;
