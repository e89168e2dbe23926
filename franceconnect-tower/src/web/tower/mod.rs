//! FranceConnect on `tower` (feature `tower`, on by default): a layer that
//! serves the routes and puts the signed-in user into every other request,
//! a `tower-sessions` manager with the engine's cookie policy, and an
//! in-memory store with the engine's session rules.
//!
//! ```
//! use franceconnect_tower::web::tower::{FranceConnectLayer, MemorySessionStore, session_manager_layer};
//! use tower::ServiceBuilder;
//! # fn build(fc: franceconnect_tower::FranceConnect) {
//! // The session layer goes outside: FranceConnectLayer reads the session.
//! let layers = ServiceBuilder::new()
//!     .layer(session_manager_layer(MemorySessionStore::default(), fc.config()))
//!     .layer(FranceConnectLayer::new(fc));
//! # }
//! ```

mod layer;
mod memory_store;
#[cfg(feature = "postgres")]
mod postgres_store;
mod session;
mod session_layer;

pub use layer::{FranceConnectLayer, FranceConnectService};

use crate::web::adapter::{Guard, LiveAccessToken, Rejection};

/// The signed-in request's live access token, for `franceconnect-axum`'s
/// `AccessToken` extractor: [`AuthRoutes::access_token`](crate::web::AuthRoutes::access_token)
/// with the routes and the `tower-sessions` session that
/// [`FranceConnectLayer`] and the session layer left in `extensions`, so
/// that an expired token is renewed (and the session updated) when it can
/// be. Without them (a request an application's tests built), the token
/// while it lives ([`Guard::require_access_token`]), never renewed.
pub async fn access_token(extensions: &http::Extensions, guard: Guard<'_>) -> Result<LiveAccessToken, Rejection> {
    match (
        extensions.get::<layer::LayerRoutes>(),
        extensions.get::<tower_sessions::Session>(),
    ) {
        (Some(routes), Some(session)) => {
            let routes = routes.0.clone();
            let session = session::TowerSession(session.clone());
            routes.access_token(&session, guard).await
        }
        _ => guard.require_access_token().map(|token| LiveAccessToken {
            token: token.clone(),
            renewed_user: None,
        }),
    }
}
pub use memory_store::MemorySessionStore;
/// The earlier name of [`MemorySessionStore`] (the same name as
/// `franceconnect-actix`'s now).
#[deprecated(note = "renamed `MemorySessionStore`, as in franceconnect-actix")]
pub type ExpiringMemoryStore = MemorySessionStore;
#[cfg(feature = "postgres")]
pub use postgres_store::PostgresSessionStore;
pub use session_layer::session_manager_layer;
/// The `tower-sessions` version these types are built on, for applications
/// that name its store trait.
pub use tower_sessions;
