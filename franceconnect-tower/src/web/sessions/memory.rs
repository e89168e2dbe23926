//! The in-memory session map both adapters' development stores are built
//! on, so that they share one set of rules:
//!
//! - an expired session is never served, and expired sessions are swept
//!   now and then as new ones are created (anonymous visits cannot grow
//!   memory for ever);
//! - a save for a session that was deleted meanwhile is dropped: a request
//!   that was running while the user logged out (or the session expired)
//!   can never bring the session — and the signed-in user — back. Its
//!   cookie then names no session, and the next request starts afresh.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

/// Sweep expired sessions once every this many creations, not on every one.
const SWEEP_EVERY: usize = 256;

/// Sessions in this process's memory, keyed by session id, each with its
/// expiry.
#[derive(Debug)]
pub struct MemorySessions<K, D> {
    entries: Arc<Mutex<HashMap<K, (D, Instant)>>>,
}

impl<K, D> Clone for MemorySessions<K, D> {
    fn clone(&self) -> Self {
        Self {
            entries: self.entries.clone(),
        }
    }
}

impl<K, D> Default for MemorySessions<K, D> {
    fn default() -> Self {
        Self {
            entries: Arc::default(),
        }
    }
}

impl<K: Eq + Hash, D: Clone> MemorySessions<K, D> {
    fn entries(&self) -> MutexGuard<'_, HashMap<K, (D, Instant)>> {
        // A panic while holding the lock cannot leave a half-written entry
        // (each operation is a single map call): the data stay usable.
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The number of sessions held (expired ones included until swept).
    pub fn len(&self) -> usize {
        self.entries().len()
    }

    /// True when no session is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Stores a new session under the id `new_id` gives, calling it again
    /// while the id is taken; `data` makes the session's data for that id.
    /// Returns the id used.
    pub fn create(&self, expires_at: Instant, mut new_id: impl FnMut() -> K, data: impl FnOnce(&K) -> D) -> K
    where
        K: Clone,
    {
        let mut entries = self.entries();
        if entries.len() % SWEEP_EVERY == SWEEP_EVERY - 1 {
            let now = Instant::now();
            entries.retain(|_, (_, expiry)| *expiry > now);
        }
        let mut id = new_id();
        while entries.contains_key(&id) {
            id = new_id();
        }
        entries.insert(id.clone(), (data(&id), expires_at));
        id
    }

    /// Replaces a live session's data and expiry. Returns false, storing
    /// nothing, when the session was deleted (or has expired) meanwhile.
    pub fn update<Q: Hash + Eq + ?Sized>(&self, id: &Q, data: D, expires_at: Instant) -> bool
    where
        K: Borrow<Q>,
    {
        match self.entries().get_mut(id) {
            Some(entry) if entry.1 > Instant::now() => {
                *entry = (data, expires_at);
                true
            }
            _ => false,
        }
    }

    /// Pushes back a live session's expiry.
    pub fn extend<Q: Hash + Eq + ?Sized>(&self, id: &Q, expires_at: Instant)
    where
        K: Borrow<Q>,
    {
        if let Some(entry) = self.entries().get_mut(id)
            && entry.1 > Instant::now()
        {
            entry.1 = expires_at;
        }
    }

    /// A live session's data.
    pub fn load<Q: Hash + Eq + ?Sized>(&self, id: &Q) -> Option<D>
    where
        K: Borrow<Q>,
    {
        self.entries()
            .get(id)
            .filter(|(_, expiry)| *expiry > Instant::now())
            .map(|(data, _)| data.clone())
    }

    /// Deletes a session.
    pub fn delete<Q: Hash + Eq + ?Sized>(&self, id: &Q)
    where
        K: Borrow<Q>,
    {
        self.entries().remove(id);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn deleted_sessions_stay_deleted_and_expired_ones_are_not_served() {
        let sessions = MemorySessions::<u64, &str>::default();
        let mut next = 0;
        let mut new_id = || {
            next += 1;
            next
        };
        let soon = Instant::now() + Duration::from_secs(300);
        let live = sessions.create(soon, &mut new_id, |_| "signed in");
        assert_eq!(sessions.load(&live), Some("signed in"));
        sessions.delete(&live);
        assert!(!sessions.update(&live, "signed in", soon), "a late save is dropped");
        assert_eq!(sessions.load(&live), None, "and does not resurrect the session");

        let past = Instant::now() - Duration::from_secs(1);
        let old = sessions.create(past, &mut new_id, |_| "old");
        assert_eq!(sessions.load(&old), None);
        assert!(!sessions.update(&old, "old", soon), "an expired session is not revived");
        sessions.extend(&old, soon);
        assert_eq!(sessions.load(&old), None, "nor by pushing its expiry back");
        for _ in 0..300 {
            sessions.create(past, &mut new_id, |_| "old");
        }
        assert!(sessions.len() < 300, "expired sessions are swept");
    }

    #[test]
    fn a_taken_id_is_never_reused() {
        let sessions = MemorySessions::<u64, &str>::default();
        let soon = Instant::now() + Duration::from_secs(300);
        let first = sessions.create(soon, || 7, |_| "a");
        let mut ids = [7, 7, 8].into_iter();
        let second = sessions.create(soon, || ids.next().unwrap(), |_| "b");
        assert_eq!((first, second), (7, 8));
        assert_eq!(sessions.load(&7), Some("a"));
    }
}
