//! What the routes keep in the user's session, behind a small trait so that
//! any session library can carry it.
//!
//! Two keys: the signed-in user and the pending logout. Pending logins are
//! not here: each travels in its own sealed cookie (`login_cookie.rs`), so
//! that an anonymous visit stores nothing.

use std::future::Future;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::clock::now;

/// The session key of the signed-in user ([`crate::SignedInUser`]).
pub(crate) const USER_KEY: &str = "franceconnect.user";
/// The session key of the pending logout.
pub(crate) const PENDING_LOGOUT_KEY: &str = "franceconnect.pending_logout";
/// The sign-in on another platform that a step-up replaced (FranceConnect
/// before FranceConnect+), for the logout to end it too.
pub(crate) const EARLIER_SIGN_IN_KEY: &str = "franceconnect.earlier_sign_in";
/// During a logout that ends two platforms' sessions, the second one.
pub(crate) const LOGOUT_NEXT_KEY: &str = "franceconnect.logout_next";
/// When the session was last marked active (Unix seconds).
pub(crate) const TOUCHED_KEY: &str = "franceconnect.touched_at";
/// How often a signed-in user's activity is written, to push back the
/// session's inactivity expiry without writing on every request.
const TOUCH_EVERY_SECS: i64 = 300;

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
