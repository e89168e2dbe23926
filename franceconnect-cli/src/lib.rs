//! `franceconnect`, the operator's command for a service signing its users
//! in with FranceConnect, FranceConnect+ or ProConnect:
//!
//! - [`keys`]: the service's private key file (`FC_KEYS_FILE`): generate
//!   it, add a key and retire one (the rotation), print the public JWK set;
//!   all through the engine's [`ServiceKeys`](franceconnect_tower::ServiceKeys);
//! - [`doctor`]: from the application's own variables, checks a deployment
//!   against its provider before qualification, line by line ([`report`]).
//!
//! `src/main.rs` only parses the command line and calls these.

pub mod doctor;
pub mod keys;
pub mod report;
