//! An in-memory `tower-sessions` store for development and single-instance
//! services, on the engine's [`MemorySessions`] (the same rules as the
//! actix-web side): expired sessions are swept, and a save never brings back
//! a session that was deleted meanwhile, like the Redis store's `SET XX`.
//! `tower_sessions::MemoryStore` does neither.

use std::time::Instant;

use async_trait::async_trait;
use tower_sessions::cookie::time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use crate::web::sessions::memory::MemorySessions;

/// Sessions in this process's memory.
#[derive(Clone, Default)]
pub struct MemorySessionStore {
    sessions: MemorySessions<Id, Record>,
}

impl std::fmt::Debug for MemorySessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemorySessionStore")
            .field("sessions", &self.len())
            .finish()
    }
}

impl MemorySessionStore {
    /// The number of sessions held (expired ones included until swept).
    pub fn len(&self) -> usize {
        self.sessions.len()
    }

    /// True when no session is held.
    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty()
    }
}

/// The record's expiry on the monotonic clock (now, if already past).
fn expires_at(record: &Record) -> Instant {
    let left = record.expiry_date - OffsetDateTime::now_utc();
    let now = Instant::now();
    std::time::Duration::try_from(left).map_or(now, |left| now + left)
}

#[async_trait]
impl SessionStore for MemorySessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // The record's own id first, a fresh one while it is taken.
        let mut proposed = Some(record.id);
        let expiry = expires_at(record);
        record.id = self.sessions.create(
            expiry,
            || proposed.take().unwrap_or_default(),
            |id| Record {
                id: *id,
                ..record.clone()
            },
        );
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        // Dropped when the session was deleted meanwhile (see MemorySessions).
        self.sessions.update(&record.id, record.clone(), expires_at(record));
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        Ok(self.sessions.load(id))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.sessions.delete(id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_sessions::cookie::time::Duration;

    fn record(expires_in: Duration) -> Record {
        Record {
            id: Id::default(),
            data: Default::default(),
            expiry_date: OffsetDateTime::now_utc() + expires_in,
        }
    }

    #[tokio::test]
    async fn deleted_sessions_stay_deleted_and_expired_ones_are_not_served() {
        let store = MemorySessionStore::default();
        let mut live = record(Duration::minutes(5));
        store.create(&mut live).await.unwrap();
        assert_eq!(store.load(&live.id).await.unwrap().map(|r| r.id), Some(live.id));
        store.delete(&live.id).await.unwrap();
        store.save(&live).await.unwrap();
        assert!(
            store.load(&live.id).await.unwrap().is_none(),
            "a late save does not resurrect it"
        );

        let mut old = record(Duration::seconds(-1));
        store.create(&mut old).await.unwrap();
        assert!(store.load(&old.id).await.unwrap().is_none());
        for _ in 0..300 {
            store.create(&mut record(Duration::seconds(-1))).await.unwrap();
        }
        assert!(store.len() < 300, "expired sessions are swept");
    }
}
