//! The engine's session trait over `actix_session::Session`, and a session
//! middleware with the cookie FranceConnect needs.

use actix_session::config::{PersistentSession, TtlExtensionPolicy};
use actix_session::storage::SessionStore;
use actix_session::{Session, SessionMiddleware};
use actix_web::cookie::time::Duration;
use actix_web::cookie::{Key, SameSite};
use franceconnect_tower::Config;
use franceconnect_tower::web::{SessionBackend, SessionError, session_cookie_name};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// [`SessionBackend`] over `actix_session::Session`. actix-session writes
/// the session to its store after the handler, atomically.
#[derive(Clone)]
pub struct ActixSession(pub Session);

impl SessionBackend for ActixSession {
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
        self.0.insert(key, value).map_err(|e| SessionError(e.to_string()))
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

/// A `SessionMiddleware` over `store` with the cookie rules of the tower
/// side: named `__Host-fc_session` (`fc_session` on loopback), `HttpOnly`, `SameSite=Lax`, `Secure` unless the
/// service runs on a loopback `http://` URL, expiring after 30 minutes of
/// inactivity. The cookie holds only the session key (signed and encrypted
/// with `key`); share `key` between instances.
pub fn session_middleware<S: SessionStore>(store: S, config: &Config, key: Key) -> SessionMiddleware<S> {
    SessionMiddleware::builder(store, key)
        .cookie_name(session_cookie_name(config).to_owned())
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Lax)
        .cookie_secure(!config.is_loopback_http())
        .cookie_path("/".to_owned())
        .session_lifecycle(
            PersistentSession::default()
                .session_ttl(Duration::minutes(30))
                .session_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest),
        )
        .build()
}
