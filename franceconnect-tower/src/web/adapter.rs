//! What an adapter's author needs and an application does not: the engine's
//! decisions on a request ([`Guard`], [`Requirement`], [`Rejection`]; the
//! access token's, [`LiveAccessToken`] through
//! [`AuthRoutes::access_token`](crate::web::AuthRoutes::access_token)), the
//! session trait the routes write through ([`SessionBackend`]), the session
//! maps and tables the adapters' stores are built on ([`MemorySessions`],
//! `PostgresSessions`), the session cookie's rules ([`CookiePolicy`]) and
//! the set-up check ([`UserStored`]) and the store failures' counters
//! ([`session_store_failed`]). `franceconnect-axum` and
//! `franceconnect-actix` are built on these alone, with
//! [`AuthRoutes`](crate::web::AuthRoutes)'s `handle` and `load_user`.

pub use super::access::cross_site::is_cross_site_request;
pub use super::access::guard::{ACCESS_TOKEN_MARGIN, Guard, Rejection, Requirement};
pub use super::pages::responses::{SIGNED_IN_CACHE_CONTROL, session_unavailable_response};
pub use super::routes::LiveAccessToken;
pub use super::sessions::cookie::CookiePolicy;
pub use super::sessions::memory::MemorySessions;
pub use super::sessions::order_check::UserStored;
#[cfg(feature = "postgres")]
pub use super::sessions::postgres::{
    CLEANUP_BATCH, DEFAULT_SESSION_TABLE, DEFAULT_STATEMENT_LIMIT, PostgresSessions, PostgresSessionsError,
    StoredSession,
};
pub use super::sessions::store_metrics::{SessionAdapter, session_store_failed, session_store_timed_out};
pub use super::sessions::{SessionBackend, SessionError, USER_KEY};
/// The `sqlx` version `PostgresSessions` is built on (0.8), for
/// applications that make its pool: another version's `PgPool` would not fit.
#[cfg(feature = "postgres")]
pub use sqlx;
