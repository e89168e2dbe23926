//! The tower layer: serves the FranceConnect routes and, for every other
//! request, puts the signed-in user ([`SignedInUser`]) and the
//! [`AuthContext`] into the request's extensions.
//!
//! It reads the `tower_sessions::Session` that a `SessionManagerLayer` put in
//! the extensions, so add that layer *outside* this one (see
//! [`session_manager_layer`](super::session_manager_layer)).

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::{Request, Response};
use tower::{Layer, Service};

use super::session::TowerSession;
use crate::client::FranceConnect;
use crate::web::adapter::{Rejection, session_unavailable_response};
use crate::web::pages::responses::{AuthContext, keep_out_of_caches};
use crate::web::{AuthRoutes, Format};

/// Adds FranceConnect to a tower service: it serves the routes, and puts the
/// signed-in user and the [`AuthContext`] into every other request.
#[derive(Clone, Debug)]
pub struct FranceConnectLayer {
    routes: AuthRoutes,
}

impl FranceConnectLayer {
    /// The layer with its routes under `/auth`.
    pub fn new(fc: FranceConnect) -> Self {
        Self {
            routes: AuthRoutes::new(fc),
        }
    }

    /// The layer serving `routes`: several platforms
    /// ([`AuthRoutes::federation`]), or one under another prefix.
    pub fn from_routes(routes: AuthRoutes) -> Self {
        Self { routes }
    }

    /// Mounts the routes under another prefix (see
    /// [`AuthRoutes::with_prefix`]).
    pub fn prefix(mut self, prefix: &str) -> Self {
        self.routes = self.routes.with_prefix(prefix);
        self
    }

    /// The routes this layer serves.
    pub fn routes(&self) -> &AuthRoutes {
        &self.routes
    }
}

impl<S> Layer<S> for FranceConnectLayer {
    type Service = FranceConnectService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        FranceConnectService {
            inner,
            routes: Arc::new(self.routes.clone()),
        }
    }
}

/// The service made by [`FranceConnectLayer`].
#[derive(Clone, Debug)]
pub struct FranceConnectService<S> {
    inner: S,
    // One count to take per request, where the routes' fields have several.
    routes: Arc<AuthRoutes>,
}

type BoxFuture<T> = Pin<Box<dyn std::future::Future<Output = T> + Send>>;

/// The routes of the layer that served a signed-in request, in its
/// extensions: what [`access_token`](super::access_token) renews tokens
/// with.
#[derive(Clone)]
pub(crate) struct LayerRoutes(pub(crate) Arc<AuthRoutes>);

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for FranceConnectService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send,
    ReqBody: Send + 'static,
    ResBody: From<String> + Send + 'static,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<ReqBody>) -> Self::Future {
        // Take the service that was driven to readiness, leave a clone.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let routes = self.routes.clone();
        Box::pin(async move {
            let Some(session) = req.extensions().get::<tower_sessions::Session>().cloned() else {
                let refusal = Rejection::setup_error(
                    "the tower-sessions SessionManagerLayer",
                    "add it outside FranceConnectLayer (`.layer(FranceConnectLayer…)` first, then `.layer(SessionManagerLayer…)`), or use `.franceconnect(fc, store)`, which adds both in order",
                );
                return Ok(refusal.into_response().map(ResBody::from));
            };
            let session = TowerSession(session);
            if routes.matches(req.uri().path()) {
                // Boxed apart: the routes' future (the callback's token
                // exchange) is kilobytes, which every other request's future
                // would otherwise carry, and copy into its box.
                let res = Box::pin(routes.handle(req.method(), req.uri(), req.headers(), &session)).await;
                return Ok(res.map(ResBody::from));
            }
            let signed_in = match routes.load_user(&session).await {
                Ok(Some(user)) => {
                    req.extensions_mut().insert(*user);
                    true
                }
                // Signed out, lost or expired alike: an ordinary visitor.
                Ok(None) => false,
                Err(_) => {
                    let res = session_unavailable_response(Format::from_headers(req.headers()));
                    return Ok(res.map(ResBody::from));
                }
            };
            req.extensions_mut().insert::<AuthContext>(routes.context().clone());
            if signed_in {
                // For the `AccessToken` extractor, which may renew the token.
                req.extensions_mut().insert(LayerRoutes(routes.clone()));
            }
            let mut res = inner.call(req).await?;
            if signed_in {
                keep_out_of_caches(res.headers_mut());
            }
            Ok(res)
        })
    }
}
