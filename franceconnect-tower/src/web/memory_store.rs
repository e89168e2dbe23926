//! An in-memory `tower-sessions` store for development and single-instance
//! services, safer than `tower_sessions::MemoryStore` in two ways: expired
//! sessions are swept (anonymous visits cannot grow memory for ever), and a
//! save never brings back a session that was deleted meanwhile (a request
//! racing with a logout cannot sign the user back in), like the Redis
//! store's `SET XX`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use tower_sessions::cookie::time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

/// Sessions in this process's memory.
#[derive(Clone, Default)]
pub struct ExpiringMemoryStore {
    records: Arc<Mutex<HashMap<Id, Record>>>,
}

impl std::fmt::Debug for ExpiringMemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExpiringMemoryStore")
            .field("sessions", &self.len())
            .finish()
    }
}

impl ExpiringMemoryStore {
    /// The number of sessions held (expired ones included until swept).
    pub fn len(&self) -> usize {
        self.records.lock().expect("not poisoned").len()
    }

    /// True when no session is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn active(record: &Record) -> bool {
    record.expiry_date > OffsetDateTime::now_utc()
}

#[async_trait]
impl SessionStore for ExpiringMemoryStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let mut records = self.records.lock().expect("not poisoned");
        // Sweep now and then, not on every write.
        if records.len() % 256 == 255 {
            records.retain(|_, r| active(r));
        }
        while records.contains_key(&record.id) {
            record.id = Id::default();
        }
        records.insert(record.id, record.clone());
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        if let Some(existing) = self.records.lock().expect("not poisoned").get_mut(&record.id) {
            *existing = record.clone();
        }
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        Ok(self
            .records
            .lock()
            .expect("not poisoned")
            .get(id)
            .filter(|r| active(r))
            .cloned())
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.records.lock().expect("not poisoned").remove(id);
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
        let store = ExpiringMemoryStore::default();
        let mut live = record(Duration::minutes(5));
        store.create(&mut live).await.unwrap();
        assert!(store.load(&live.id).await.unwrap().is_some());
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
