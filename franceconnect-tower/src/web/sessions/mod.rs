//! What the routes keep in the user's session, behind a small trait so that
//! any session library can carry it.
//!
//! Two keys: the signed-in user and the pending logout. Pending logins are
//! not here: each travels in its own sealed cookie (`login_cookie.rs`), so
//! that an anonymous visit stores nothing.

pub(crate) mod cookie;
pub(crate) mod memory;
pub(crate) mod order_check;
#[cfg(feature = "postgres")]
pub(crate) mod postgres;
pub(crate) mod store_metrics;

use std::future::Future;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::SignedInUser;
use crate::clock::now;

/// The session key of the signed-in user ([`crate::SignedInUser`]): for an
/// adapter that checks its session library kept the user (see
/// [`UserStored`](crate::web::adapter::UserStored)). Applications read the user
/// through the adapters' extractors, never by this key.
pub const USER_KEY: &str = "franceconnect.user";
/// The session key of the pending logout.
pub(crate) const PENDING_LOGOUT_KEY: &str = "franceconnect.pending_logout";
/// The sign-in on another platform that a step-up replaced (FranceConnect
/// before FranceConnect+), for the logout to end it too.
pub(crate) const EARLIER_SIGN_IN_KEY: &str = "franceconnect.earlier_sign_in";
/// During a logout that ends two platforms' sessions, the second one.
pub(crate) const LOGOUT_NEXT_KEY: &str = "franceconnect.logout_next";
/// How often a signed-in user's activity is written, to push back the
/// session's inactivity expiry without writing on every request.
const TOUCH_EVERY_SECS: i64 = 300;

/// The session store failed (unreachable, timed out, corrupt data). The
/// session library's own error is its [`source`](std::error::Error::source).
#[derive(Debug, Clone, thiserror::Error)]
#[error("session store error: {source}")]
pub struct SessionError {
    source: std::sync::Arc<dyn std::error::Error + Send + Sync>,
}

impl SessionError {
    /// The store's failure, `source`, as the routes see it.
    pub fn new(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self {
            source: std::sync::Arc::from(source.into()),
        }
    }
}

/// A user's session, as the routes need it. Values are serialised with
/// serde, as the session library stores them (JSON here).
///
/// Implemented for `tower_sessions::Session` in [`crate::web::tower`] and for
/// `actix_session::Session` in `franceconnect-actix`.
pub trait SessionBackend {
    /// Whether the session library pushes a session's inactivity expiry
    /// back on every request by itself (actix-session's
    /// `TtlExtensionPolicy::OnEveryRequest`). When it does not (the
    /// default; tower-sessions extends it only when it saves), the routes
    /// write the signed-in user back, with the time of activity, at most
    /// every five minutes, so that an active user stays signed in.
    const EXTENDS_EXPIRY_ON_EVERY_REQUEST: bool = false;

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
    /// Reads the session again from its store, dropping what this request
    /// changed and has not saved: the routes call it before a write that
    /// comes after long awaits (a renewed access token), to decide on what
    /// the store holds now — a logout, or another person's login, may have
    /// happened in another tab meanwhile, and must not be undone.
    ///
    /// The default does nothing, for a library that reads a session once
    /// per request (actix-session): there, the stores' own rule keeps a
    /// late write from bringing a deleted session back (the in-memory and
    /// PostgreSQL stores drop it; wrap a Redis store in
    /// `franceconnect_actix::NoResurrection`).
    fn reload(&self) -> impl Future<Output = Result<(), SessionError>> {
        async { Ok(()) }
    }
}

/// Whether a signed-in session is due its activity mark: the last one (or
/// the login, which wrote the session) is five minutes old.
pub(crate) fn activity_mark_due(user: &SignedInUser) -> bool {
    now() - user.active_at.unwrap_or(user.signed_in_at) >= TOUCH_EVERY_SECS
}

/// Marks a signed-in session active, so that a store that extends expiry
/// only on writes keeps an active user signed in. The mark travels with the
/// user: a request reads one value, not two.
pub(crate) async fn mark_active<S: SessionBackend + ?Sized>(
    s: &S,
    user: &mut SignedInUser,
) -> Result<(), SessionError> {
    user.active_at = Some(now());
    s.insert(USER_KEY, &crate::identity::StoredUser(user)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_failure_keeps_its_cause() {
        let cause = std::io::Error::new(std::io::ErrorKind::TimedOut, "redis did not answer");
        let e = SessionError::new(cause);
        assert_eq!(e.to_string(), "session store error: redis did not answer");
        let source = std::error::Error::source(&e).expect("the store's own error");
        assert_eq!(source.to_string(), "redis did not answer");
    }
}
