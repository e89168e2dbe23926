//! The session cookie's rules, derived once from the [`Config`] and applied
//! by every adapter's session library, so that the tower and actix-web
//! sides set the same cookie.

use std::time::Duration;

use crate::config::Config;

/// The session cookie's name on loopback `http://` (development).
const LOOPBACK_NAME: &str = "fc_session";
/// The session cookie's name everywhere else: the `__Host-` prefix makes
/// browsers refuse it unless `Secure`, host-only and `Path=/`, so that a
/// sibling subdomain cannot plant a session (cookie tossing).
const HOST_NAME: &str = "__Host-fc_session";
/// How long a session lives without activity.
const INACTIVITY: Duration = Duration::from_secs(30 * 60);

/// How the session cookie is set: `HttpOnly`, `SameSite=Lax` (the callback
/// is a cross-site top-level redirect: `Strict` would lose the session),
/// `Path=/`, `Secure` and `__Host-` unless the service runs on a loopback
/// `http://` URL, and a session that ends after 30 minutes of inactivity.
///
/// ```
/// use franceconnect_tower::web::adapter::CookiePolicy;
/// # fn show(config: &franceconnect_tower::Config) {
/// let policy = CookiePolicy::from_config(config);
/// assert!(policy.http_only() && policy.path() == "/");
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookiePolicy {
    secure: bool,
}

impl CookiePolicy {
    /// The policy for a service configured with `config`.
    pub fn from_config(config: &Config) -> Self {
        Self {
            secure: !config.is_loopback_http(),
        }
    }

    /// The cookie's name: `__Host-fc_session`, or `fc_session` on loopback
    /// `http://`.
    pub fn name(&self) -> &'static str {
        if self.secure { HOST_NAME } else { LOOPBACK_NAME }
    }

    /// `Secure`: everywhere but loopback `http://`.
    pub fn secure(&self) -> bool {
        self.secure
    }

    /// `HttpOnly`: always.
    pub fn http_only(&self) -> bool {
        true
    }

    /// The cookie's `Path`: `/`, which `__Host-` requires.
    pub fn path(&self) -> &'static str {
        "/"
    }

    /// How long a session lives without activity: 30 minutes.
    pub fn inactivity_timeout(&self) -> Duration {
        INACTIVITY
    }
}
