//! Catching a session layer that runs after ours, by a means no visitor
//! can trigger.
//!
//! When the session middleware is wrapped inside the FranceConnect
//! middleware (actix-web's order is easy to get backwards), the callback
//! stores the user, but every later request reaches our middleware before
//! its session is loaded: the user looks signed out, is sent to the login,
//! signs in again at once through the provider's single sign-on, and round
//! again — silently.
//!
//! The check runs at the callback itself, on the server's own state: the
//! routes mark the response of a callback that stored a user
//! ([`UserStored`]), and the adapter's middleware, on the way back out,
//! looks whether that user is still in the session its library has yet to
//! save. In the right order it is; in the wrong one, the session library
//! inside ours has already taken it away. Nothing in the request decides:
//! a planted cookie, a lost or expired session are ordinary signed-out
//! visitors. (tower-sessions needs no such check: its `Session` is missing
//! altogether when its layer runs inside ours.)

/// In the extensions of the routes' response (`http::Response::extensions`)
/// when the callback stored a signed-in user in the session: an adapter
/// whose session library may run inside its middleware checks, once the
/// response comes back through the middleware, that the user is still
/// there to be saved, and otherwise answers
/// [`AuthRoutes::session_order_error`](crate::web::AuthRoutes::session_order_error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserStored;
