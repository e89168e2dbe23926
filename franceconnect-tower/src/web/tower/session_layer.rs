//! A `tower-sessions` manager that sets the cookie of [`CookiePolicy`].

use tower_sessions::cookie::SameSite;
use tower_sessions::cookie::time::Duration;
use tower_sessions::{Expiry, SessionManagerLayer, SessionStore};

use crate::config::Config;
use crate::web::adapter::CookiePolicy;

/// A `SessionManagerLayer` over `store` whose cookie follows
/// [`CookiePolicy`]: `HttpOnly`, `SameSite=Lax`, `Secure` unless the
/// service runs on a loopback `http://` URL, expiring after 30 minutes of
/// inactivity.
pub fn session_manager_layer<S: SessionStore>(store: S, config: &Config) -> SessionManagerLayer<S> {
    let policy = CookiePolicy::from_config(config);
    let inactivity = Duration::seconds(policy.inactivity_timeout().as_secs() as i64);
    SessionManagerLayer::new(store)
        .with_name(policy.name())
        .with_http_only(policy.http_only())
        .with_same_site(SameSite::Lax)
        .with_secure(policy.secure())
        .with_path(policy.path())
        .with_expiry(Expiry::OnInactivity(inactivity))
}
