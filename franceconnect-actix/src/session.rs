//! The engine's session trait over `actix_session::Session`, and a session
//! middleware with the cookie FranceConnect needs.

use actix_session::config::{PersistentSession, TtlExtensionPolicy};
use actix_session::storage::SessionStore;
use actix_session::{Session, SessionMiddleware};
use actix_web::cookie::time::Duration;
use actix_web::cookie::{Key, SameSite};
use franceconnect_tower::Config;
use franceconnect_tower::web::adapter::{CookiePolicy, SessionBackend, SessionError};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// [`SessionBackend`] over `actix_session::Session`. actix-session writes
/// the session to its store after the handler, atomically.
#[derive(Clone)]
pub(crate) struct ActixSession(pub(crate) Session);

impl SessionBackend for ActixSession {
    // The session middleware pushes the expiry back on every request
    // (`TtlExtensionPolicy::OnEveryRequest`).
    const EXTENDS_EXPIRY_ON_EVERY_REQUEST: bool = true;

    async fn get<T: DeserializeOwned>(&self, key: &'static str) -> Result<Option<T>, SessionError> {
        // actix-session keeps each value as a JSON string: deserialised here
        // in one step. An unreadable value (another version, corrupt data)
        // is treated as absent, as on the tower side.
        Ok(self.0.get::<T>(key).unwrap_or_else(|_| {
            tracing::warn!(key, "unreadable session value ignored");
            None
        }))
    }
    async fn insert<T: Serialize + Sync>(&self, key: &'static str, value: &T) -> Result<(), SessionError> {
        self.0.insert(key, value).map_err(SessionError::new)
    }
    async fn remove_value(&self, key: &'static str) -> Result<(), SessionError> {
        self.0.remove(key);
        Ok(())
    }
    async fn cycle_id(&self) -> Result<(), SessionError> {
        self.0.renew();
        Ok(())
    }
    async fn clear(&self) -> Result<(), SessionError> {
        // Not `purge`: a purged session ignores what is inserted afterwards
        // (the pending logout). Clear the data and take a new key instead.
        self.0.clear();
        self.0.renew();
        Ok(())
    }
    async fn discard(&self) -> Result<(), SessionError> {
        self.0.purge();
        Ok(())
    }
    async fn save(&self) -> Result<(), SessionError> {
        Ok(())
    }
}

/// A `SessionMiddleware` over `store` whose cookie follows the engine's
/// [`CookiePolicy`], as on the tower side: named `__Host-fc_session`
/// (`fc_session` on loopback), `HttpOnly`, `SameSite=Lax`, `Secure` unless
/// the service runs on a loopback `http://` URL, expiring after 30 minutes
/// of inactivity. The cookie holds only the session key (signed and
/// encrypted with `key`); share `key` between instances.
pub fn session_middleware<S: SessionStore>(store: S, config: &Config, key: Key) -> SessionMiddleware<S> {
    let policy = CookiePolicy::from_config(config);
    let inactivity = Duration::seconds(policy.inactivity_timeout().as_secs() as i64);
    SessionMiddleware::builder(store, key)
        .cookie_name(policy.name().to_owned())
        .cookie_http_only(policy.http_only())
        .cookie_same_site(SameSite::Lax)
        .cookie_secure(policy.secure())
        .cookie_path(policy.path().to_owned())
        .session_lifecycle(
            PersistentSession::default()
                .session_ttl(inactivity)
                .session_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest),
        )
        .build()
}
