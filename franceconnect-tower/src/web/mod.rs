//! The web side of the engine, shared by every adapter.
//!
//! | module | what it does |
//! |---|---|
//! | [`AuthRoutes`] | the `/auth` routes: login, callback, logout, JWKS, for any framework; one platform or several |
//! | [`SignInDecision`] | the application's hook at each sign-in ([`AuthRoutes::on_sign_in`]) |
//! | [`Guard`], [`Requirement`] | who may see a page: signed in, citizen or agent, level reached or step-up |
//! | [`SessionBackend`] | what the routes keep in the session, over any session library |
//! | [`CookiePolicy`] | the session cookie's rules, from the [`Config`](crate::Config) |
//! | [`MemorySessions`] | the in-memory session map under both development stores |
//! | `PostgresSessions` | the PostgreSQL session table under both adapters' PostgreSQL stores (feature `postgres`) |
//! | [`error_status`], [`error_code`], [`error_message_fr`] | how an engine error is shown |
//! | [`level`] | eIDAS levels as types, for `RequireEidas<L>` |
//! | [`buttons`] | the platforms' login buttons, as HTML snippets |
//! | [`Pages`] | the HTML pages, replaceable: [`FrenchPages`] (default), [`EnglishPages`] |
//! | [`tower`] | the `tower` layer and `tower-sessions` glue (feature `tower`) |
//!
//! Responses are `http::Response<String>`: an HTML page in French or a
//! redirect for browsers, JSON for API clients ([`Format`]).

pub mod buttons;
mod cookie;
mod cross_site;
mod english_pages;
mod error_view;
mod guard;
pub mod level;
pub(crate) mod login_cookie;
mod memory;
mod pages;
#[cfg(feature = "postgres")]
mod postgres;
mod responses;
mod routes;
pub(crate) mod session;
mod session_check;
mod sign_in_hook;
#[cfg(feature = "tower")]
pub mod tower;

pub use cookie::CookiePolicy;
pub use cross_site::is_cross_site_request;
pub use english_pages::EnglishPages;
pub use error_view::{error_code, error_message_fr, error_status, platform_code_of};
pub use guard::{Guard, Rejection, Requirement};
pub use memory::MemorySessions;
pub use pages::{ErrorPage, FrenchPages, Pages};
#[cfg(feature = "postgres")]
pub use postgres::{
    CLEANUP_BATCH, DEFAULT_SESSION_TABLE, DEFAULT_STATEMENT_LIMIT, PostgresSessions, PostgresSessionsError,
    StoredSession,
};
pub use responses::{AuthContext, Format, SIGNED_IN_CACHE_CONTROL, session_unavailable_response};
pub use routes::AuthRoutes;
pub use session::{SessionBackend, SessionError, USER_KEY};
pub use session_check::UserStored;
pub use sign_in_hook::SignInDecision;
/// The `sqlx` version [`PostgresSessions`] is built on (0.8), for
/// applications that make its pool: another version's `PgPool` would not fit.
#[cfg(feature = "postgres")]
pub use sqlx;
