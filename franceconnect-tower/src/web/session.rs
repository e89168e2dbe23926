//! What the routes keep in the user's session, behind a small trait so that
//! any session library can carry it.
//!
//! Three keys: the signed-in user, the pending logins (a short list keyed by
//! `state`, so that two tabs can log in at once), and the pending logout.

use std::future::Future;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::clock::{age, now};
use crate::flow::PendingLogin;

/// The session key of the signed-in user ([`crate::SignedInUser`]).
pub(crate) const USER_KEY: &str = "franceconnect.user";
/// The session key of the pending logins.
pub(crate) const PENDING_LOGINS_KEY: &str = "franceconnect.pending_logins";
/// The session key of the pending logout.
pub(crate) const PENDING_LOGOUT_KEY: &str = "franceconnect.pending_logout";
/// When the session was last marked active (Unix seconds).
pub(crate) const TOUCHED_KEY: &str = "franceconnect.touched_at";
/// How often a signed-in user's activity is written, to push back the
/// session's inactivity expiry without writing on every request.
const TOUCH_EVERY_SECS: i64 = 300;

/// At most this many logins may be pending in one session; the oldest goes
/// first.
pub(crate) const MAX_PENDING_LOGINS: usize = 5;

/// The session store failed (unreachable, timed out, corrupt data).
#[derive(Debug, Clone, thiserror::Error)]
#[error("session store error: {0}")]
pub struct SessionError(pub String);

/// A user's session, as the routes need it. Values are serialised with
/// serde, as the session library stores them (JSON here).
///
/// Implemented for `tower_sessions::Session` in [`crate::web::tower`] and for
/// `actix_session::Session` in `franceconnect-actix`.
pub trait SessionBackend {
    /// Reads a value. A value that does not read as `T` (written by another
    /// version, or corrupt) reads as absent: it must never lock a user out.
    /// Typed, so that each library deserialises from what it stores, in one
    /// step.
    fn get<T: DeserializeOwned>(&self, key: &'static str) -> impl Future<Output = Result<Option<T>, SessionError>>;
    /// Writes a value.
    fn insert<T: Serialize + Sync>(
        &self,
        key: &'static str,
        value: &T,
    ) -> impl Future<Output = Result<(), SessionError>>;
    /// Removes a value.
    fn remove_value(&self, key: &'static str) -> impl Future<Output = Result<(), SessionError>>;
    /// Gives the session a new id, keeping its data (at login, against
    /// session fixation).
    fn cycle_id(&self) -> impl Future<Output = Result<(), SessionError>>;
    /// Drops all data and takes a new id (at logout, before storing the
    /// pending logout).
    fn clear(&self) -> impl Future<Output = Result<(), SessionError>>;
    /// Drops the session entirely, cookie included (a logout with nobody
    /// signed in: nothing is left to store).
    fn discard(&self) -> impl Future<Output = Result<(), SessionError>>;
    /// Writes the session to its store now, so that a store failure is seen
    /// before the response is sent (a no-op where writes are immediate).
    fn save(&self) -> impl Future<Output = Result<(), SessionError>>;
    /// Pushes back a signed-in session's inactivity expiry. The default
    /// writes the time of activity at most every five minutes, for session
    /// libraries that extend expiry only when they save; a library that
    /// extends it on every request overrides this with a no-op.
    fn mark_active(&self) -> impl Future<Output = Result<(), SessionError>> {
        touch(self)
    }
}

/// The pending logins of a session, expired ones included.
pub(crate) async fn pending_logins(s: &impl SessionBackend) -> Result<Vec<PendingLogin>, SessionError> {
    Ok(s.get(PENDING_LOGINS_KEY).await?.unwrap_or_default())
}

/// Drops the pending logins older than `lifetime`.
pub(crate) fn drop_expired(list: &mut Vec<PendingLogin>, lifetime: std::time::Duration) {
    list.retain(|p| age(p.created_at) <= lifetime);
}

/// Marks a signed-in session active at most every five minutes, so that a
/// store that extends expiry only on writes keeps active users signed in.
async fn touch<S: SessionBackend + ?Sized>(s: &S) -> Result<(), SessionError> {
    let now = now();
    let last: i64 = s.get(TOUCHED_KEY).await?.unwrap_or(0);
    if now - last >= TOUCH_EVERY_SECS {
        s.insert(TOUCHED_KEY, &now).await?;
    }
    Ok(())
}

/// Adds a pending login, dropping the oldest beyond [`MAX_PENDING_LOGINS`].
pub(crate) fn push_pending(list: &mut Vec<PendingLogin>, pending: PendingLogin) {
    list.push(pending);
    if list.len() > MAX_PENDING_LOGINS {
        let excess = list.len() - MAX_PENDING_LOGINS;
        list.drain(..excess);
    }
}

/// Takes the pending login whose state matches (constant-time comparison of
/// each), if any.
pub(crate) fn take_pending(list: &mut Vec<PendingLogin>, state: Option<&str>) -> Option<PendingLogin> {
    let state = state?;
    let index = list.iter().position(|p| p.state.matches(state))?;
    Some(list.remove(index))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::now;
    use crate::eidas::Eidas;
    use crate::values::{Nonce, State};

    fn pending(created_at: i64) -> PendingLogin {
        PendingLogin {
            state: State::random(),
            nonce: Nonce::random(),
            eidas: Eidas::Eidas1,
            return_to: None,
            created_at,
        }
    }

    #[test]
    fn the_pending_list_is_bounded_and_single_use() {
        let mut list = Vec::new();
        let all: Vec<PendingLogin> = (0..7).map(|_| pending(now())).collect();
        for p in &all {
            push_pending(&mut list, p.clone());
        }
        assert_eq!(list.len(), MAX_PENDING_LOGINS);
        assert!(
            take_pending(&mut list, Some(all[0].state.secret())).is_none(),
            "the oldest were dropped"
        );
        let last = all[6].state.secret();
        assert!(take_pending(&mut list, Some(last)).is_some());
        assert!(take_pending(&mut list, Some(last)).is_none(), "single use");
        assert!(take_pending(&mut list, None).is_none());
    }
}
