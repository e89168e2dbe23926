//! The engine's session contract ([`SessionBackend`]) over
//! `tower_sessions::Session`.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::web::sessions::{SessionBackend, SessionError};

/// [`SessionBackend`] over `tower_sessions::Session`. Its `Debug` shows
/// nothing: the session id is the cookie's secret and the data are personal.
#[derive(Clone)]
pub(crate) struct TowerSession(pub(crate) tower_sessions::Session);

impl std::fmt::Debug for TowerSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TowerSession(..)")
    }
}

/// Every failure of the tower-sessions store comes through here: it is
/// counted ([`metrics::SESSION_STORE_FAILURES`](crate::metrics::SESSION_STORE_FAILURES)),
/// and the routes answer it with a `503`.
fn store_error(e: tower_sessions::session::Error) -> SessionError {
    crate::web::adapter::session_store_failed(crate::web::adapter::SessionAdapter::Tower);
    SessionError::new(e)
}

impl SessionBackend for TowerSession {
    async fn get<T: DeserializeOwned>(&self, key: &'static str) -> Result<Option<T>, SessionError> {
        // Not `Session::get`: it reports a value that does not deserialise as
        // an error, and only a store failure is one here.
        let value = self.0.get_value(key).await.map_err(store_error)?;
        Ok(value.and_then(|v| {
            serde_json::from_value(v)
                .inspect_err(|_| tracing::warn!(key, "unreadable session value ignored"))
                .ok()
        }))
    }
    async fn insert<T: Serialize + Sync>(&self, key: &'static str, value: &T) -> Result<(), SessionError> {
        self.0.insert(key, value).await.map_err(store_error)
    }
    async fn remove_value(&self, key: &'static str) -> Result<(), SessionError> {
        self.0.remove_value(key).await.map(|_| ()).map_err(store_error)
    }
    async fn cycle_id(&self) -> Result<(), SessionError> {
        self.0.cycle_id().await.map_err(store_error)
    }
    async fn clear(&self) -> Result<(), SessionError> {
        self.0.flush().await.map_err(store_error)?;
        // `flush` keeps the record's id for the next save: take a new one.
        self.0.cycle_id().await.map_err(store_error)
    }
    async fn discard(&self) -> Result<(), SessionError> {
        // tower-sessions removes the cookie of an emptied session; the new id
        // makes sure a later write in this request cannot revive the old one.
        self.0.flush().await.map_err(store_error)?;
        self.0.cycle_id().await.map_err(store_error)
    }
    async fn reload(&self) -> Result<(), SessionError> {
        // A session this request created has nothing stored to read.
        if self.0.id().is_none() {
            return Ok(());
        }
        self.0.load().await.map_err(store_error)
    }
    async fn save(&self) -> Result<(), SessionError> {
        if self.0.is_empty().await {
            return Ok(());
        }
        self.0.save().await.map_err(store_error)
    }
}
