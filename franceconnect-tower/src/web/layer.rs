//! The tower layer: serves the FranceConnect routes and, for every other
//! request, puts the signed-in user ([`SignedInUser`]) and the
//! [`AuthContext`] into the request's extensions.
//!
//! It reads the `tower_sessions::Session` that a `SessionManagerLayer` put in
//! the extensions, so add that layer *outside* this one (see
//! [`session_manager_layer`](crate::web::session_manager_layer)):
//!
//! ```
//! use franceconnect_tower::web::{FranceConnectLayer, session_manager_layer};
//! use tower::ServiceBuilder;
//! # fn build(fc: franceconnect_tower::FranceConnect) {
//! let layers = ServiceBuilder::new()
//!     .layer(session_manager_layer(tower_sessions::MemoryStore::default(), fc.config()))
//!     .layer(FranceConnectLayer::new(fc));
//! # }
//! ```

use std::pin::Pin;
use std::task::{Context, Poll};

use http::{Request, Response, StatusCode};
use tower::{Layer, Service};

use crate::client::FranceConnect;
use crate::user::SignedInUser;
use crate::web::responses::keep_out_of_caches;
use crate::web::responses::{AuthContext, session_unavailable_response};
use crate::web::routes::AuthRoutes;
use crate::web::session::{TowerSession, touch};

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
            routes: self.routes.clone(),
        }
    }
}

/// The service made by [`FranceConnectLayer`].
#[derive(Clone, Debug)]
pub struct FranceConnectService<S> {
    inner: S,
    routes: AuthRoutes,
}

type BoxFuture<T> = Pin<Box<dyn std::future::Future<Output = T> + Send>>;

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
                tracing::error!("no tower_sessions::Session: add a SessionManagerLayer outside FranceConnectLayer");
                let mut res = Response::new(ResBody::from("session layer missing".to_owned()));
                *res.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
                return Ok(res);
            };
            let session = TowerSession(session);
            if routes.matches(req.uri().path()) {
                let res = routes.handle(req.method(), req.uri(), req.headers(), &session).await;
                return Ok(res.map(ResBody::from));
            }
            let signed_in = match routes.signed_in_user(&session).await {
                Ok(Some(user)) => {
                    req.extensions_mut().insert::<SignedInUser>(user);
                    true
                }
                Ok(None) => false,
                Err(e) => {
                    tracing::error!(error = %e, "session store failure while loading the signed-in user");
                    return Ok(session_unavailable_response(req.headers()).map(ResBody::from));
                }
            };
            if signed_in {
                // tower-sessions pushes the inactivity expiry back only when it saves.
                if let Err(e) = touch(&session).await {
                    tracing::warn!(error = %e, "could not mark the session active");
                }
            }
            req.extensions_mut().insert::<AuthContext>(routes.context().clone());
            let mut res = inner.call(req).await?;
            if signed_in {
                keep_out_of_caches(res.headers_mut());
            }
            Ok(res)
        })
    }
}
