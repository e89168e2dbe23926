//! A `tower-sessions` manager with the cookie FranceConnect needs.

use tower_sessions::cookie::SameSite;
use tower_sessions::cookie::time::Duration;
use tower_sessions::{Expiry, SessionManagerLayer, SessionStore};

use crate::config::Config;

/// The session cookie's name on loopback `http://` (development).
pub const SESSION_COOKIE: &str = "fc_session";
/// The session cookie's name everywhere else: the `__Host-` prefix makes
/// browsers refuse it unless `Secure`, host-only and `Path=/`, so that a
/// sibling subdomain cannot plant a session (cookie tossing).
pub const SESSION_COOKIE_SECURE: &str = "__Host-fc_session";

/// The session cookie's name for this configuration.
pub fn session_cookie_name(config: &Config) -> &'static str {
    if config.is_loopback_http() {
        SESSION_COOKIE
    } else {
        SESSION_COOKIE_SECURE
    }
}

/// A `SessionManagerLayer` over `store` whose cookie is `HttpOnly`,
/// `SameSite=Lax` (the callback is a cross-site top-level redirect: `Strict`
/// would lose the session), `Secure` unless the service runs on a loopback
/// `http://` URL, and expires after 30 minutes of inactivity.
pub fn session_manager_layer<S: SessionStore>(store: S, config: &Config) -> SessionManagerLayer<S> {
    SessionManagerLayer::new(store)
        .with_name(session_cookie_name(config))
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(!config.is_loopback_http())
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(Duration::minutes(30)))
}
