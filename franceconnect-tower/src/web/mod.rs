//! The web side of the engine, shared by every adapter: the `/auth` routes,
//! the responses they give (HTML pages in French for browsers, JSON for API
//! clients), and the session they keep.
//!
//! [`AuthRoutes`] holds the behaviour; it reads and writes the session
//! through the small [`SessionBackend`] trait, so the tower layer
//! ([`FranceConnectLayer`], on `tower-sessions`) and the actix-web adapter
//! (on `actix-session`) behave identically.

mod cross_site;
mod layer;
pub mod level;
mod memory_store;
mod pages;
mod responses;
mod routes;
mod session;
mod session_layer;

pub use cross_site::is_cross_site_request;
pub use layer::{FranceConnectLayer, FranceConnectService};
pub use memory_store::ExpiringMemoryStore;
pub use responses::{
    AuthContext, keep_out_of_caches, not_signed_in_response, pivot_unavailable_response, session_unavailable_response,
    step_up_response, wants_json,
};
pub use routes::AuthRoutes;
pub use session::{
    MAX_PENDING_LOGINS, PENDING_LOGINS_KEY, PENDING_LOGOUT_KEY, SessionBackend, SessionError, TOUCHED_KEY,
    TowerSession, USER_KEY,
};
pub use session_layer::{SESSION_COOKIE, SESSION_COOKIE_SECURE, session_cookie_name, session_manager_layer};
