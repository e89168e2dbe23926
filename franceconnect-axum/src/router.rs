//! Mounting FranceConnect on a `Router` in one call.

use axum::Router;
use franceconnect_tower::FranceConnect;
use franceconnect_tower::web::tower::tower_sessions::SessionStore;
use franceconnect_tower::web::tower::{FranceConnectLayer, session_manager_layer};

/// Adds FranceConnect to an axum `Router`.
pub trait FranceConnectRouterExt {
    /// Mounts the routes under `/auth` and the session (on `store`, with the
    /// cookie settings FranceConnect needs). Call it after adding your
    /// routes: like every `Router::layer`, it wraps what is already there.
    fn franceconnect<S: SessionStore + Clone>(self, fc: FranceConnect, store: S) -> Self;

    /// Like [`franceconnect`](Self::franceconnect) with a configured layer:
    /// another prefix, or several platforms
    /// (`FranceConnectLayer::from_routes(AuthRoutes::federation(…)?)`).
    fn franceconnect_layer<S: SessionStore + Clone>(self, layer: FranceConnectLayer, store: S) -> Self;
}

impl<St: Clone + Send + Sync + 'static> FranceConnectRouterExt for Router<St> {
    fn franceconnect<S: SessionStore + Clone>(self, fc: FranceConnect, store: S) -> Self {
        self.franceconnect_layer(FranceConnectLayer::new(fc), store)
    }

    fn franceconnect_layer<S: SessionStore + Clone>(self, layer: FranceConnectLayer, store: S) -> Self {
        let sessions = session_manager_layer(store, layer.routes().first_engine().config());
        // The session layer must run first (outermost): FranceConnectLayer reads it.
        self.layer(layer).layer(sessions)
    }
}
