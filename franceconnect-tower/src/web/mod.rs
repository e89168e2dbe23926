//! The web side of the engine, shared by every adapter.
//!
//! What an application names:
//!
//! | item | what it does |
//! |---|---|
//! | [`AuthRoutes`] | the `/auth` routes: login, callback, logout, JWKS, for any framework; one platform or several |
//! | [`SignInDecision`] | the application's hook at each sign-in ([`AuthRoutes::on_sign_in`]) |
//! | [`error_status`], [`error_code`], [`error_message_fr`] | how an engine error is shown |
//! | [`level`] | eIDAS levels as types, for `RequireEidas<L>` |
//! | [`buttons`] | the platforms' login buttons, as HTML snippets |
//! | [`Pages`] | the HTML pages, replaceable: [`FrenchPages`] (default), [`EnglishPages`] |
//! | [`tower`] | the `tower` layer and `tower-sessions` glue (feature `tower`) |
//!
//! What only an adapter's author needs (the guard, the session trait, the
//! stores under the adapters' stores, the cookie policy) is in [`adapter`].
//!
//! The source tree, one folder per concern: `routes/` (the login, the
//! callback, the logout, the public documents), `sessions/` (the session
//! trait, the memory and PostgreSQL stores, the cookie policy, the
//! set-up check), `login_cookie/` (the sealed pending-login cookie),
//! `access/` (the guard and the levels, the sign-in hook, cross-site
//! checks), `pages/` (every page and message a person sees, and the
//! responses that carry them), `tower/` (the tower layer).
//!
//! Responses are `http::Response<String>`: an HTML page in French or a
//! redirect for browsers, JSON for API clients ([`Format`]).

mod access;
pub mod adapter;
pub(crate) mod login_cookie;
mod pages;
mod routes;
pub(crate) mod sessions;
#[cfg(feature = "tower")]
pub mod tower;

pub use access::level;
pub use access::sign_in_hook::SignInDecision;
pub use pages::buttons;
pub use pages::english::EnglishPages;
pub use pages::error_view::{error_code, error_message_fr, error_status, platform_code_of};
pub use pages::responses::{AuthContext, Format};
pub use pages::{ErrorPage, FrenchPages, Pages};
pub use routes::AuthRoutes;
