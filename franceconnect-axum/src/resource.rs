//! An API that services call with a user's access token: a FranceConnect
//! data provider or a ProConnect resource server (the engine's
//! [`franceconnect_tower::resource`]). A [`RequireBearer`] layer checks
//! the token and the scopes the routes need before any handler runs, and
//! the [`Bearer`] extractor gives the handler the token's facts; a refusal
//! is the RFC 6750 answer (`401` with its `WWW-Authenticate` challenge,
//! `400`, `403` naming the scope, or `503` when the platform cannot be
//! asked).
//!
//! ```no_run
//! use axum::{Json, Router, routing::get};
//! use franceconnect_axum::resource::{Bearer, RequireBearer, ResourceServer};
//! use franceconnect_axum::Scope;
//!
//! async fn resource(Bearer(token): Bearer) -> Json<serde_json::Value> {
//!     Json(serde_json::json!({ "sub": token.sub, "client_id": token.client_id }))
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let api = ResourceServer::from_env()?; // FC_PLATFORM, FC_ISSUER, FC_CLIENT_ID…
//! let app: Router = Router::new()
//!     .route("/api/resource", get(resource))
//!     .route_layer(RequireBearer::new(api).scopes(["dgfip_rfr".parse::<Scope>()?]));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3001").await?;
//! axum::serve(listener, app).await?;
//! # Ok(()) }
//! ```
//!
//! Without the layer, `Bearer` checks the token itself (no scope) with
//! the [`ResourceServer`] an `axum::Extension` layer provides.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum_core::body::Body;
use axum_core::extract::FromRequestParts;
use axum_core::response::{IntoResponse, Response};
use franceconnect_tower::Scope;
pub use franceconnect_tower::resource::{
    BearerToken, InactiveReason, Refusal, RefusalKind, ResourceConfig, ResourceConfigBuilder, ResourceError,
    ResourceServer, TokenCheck, TokenInfo,
};
use http::request::Parts;
use http::{Request, StatusCode};
use tower::{Layer, Service};

/// The live access token of the request, checked: put there by a
/// [`RequireBearer`] layer, or checked by the extractor itself (without
/// scope requirement) with the [`ResourceServer`] of an `Extension` layer.
/// Without either, a `500` naming the missing setup.
#[derive(Debug, Clone)]
pub struct Bearer(pub TokenInfo);

/// Why [`Bearer`] or [`RequireBearer`] refused a request: the RFC 6750
/// answer ([`Refusal`]), or a missing setup. Its `Debug` shows the status
/// and the kind only.
#[derive(Debug)]
pub struct ResourceRejection(Rejection);

#[derive(Debug)]
enum Rejection {
    Refused(Refusal),
    NoServer,
}

impl ResourceRejection {
    /// The HTTP status of the answer.
    pub fn status(&self) -> StatusCode {
        match &self.0 {
            Rejection::Refused(r) => r.status(),
            Rejection::NoServer => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
    /// The RFC 6750 refusal, unless the setup is what is missing.
    pub fn refusal(&self) -> Option<&Refusal> {
        match &self.0 {
            Rejection::Refused(r) => Some(r),
            Rejection::NoServer => None,
        }
    }
}

impl From<Refusal> for ResourceRejection {
    fn from(refusal: Refusal) -> Self {
        Self(Rejection::Refused(refusal))
    }
}

impl IntoResponse for ResourceRejection {
    fn into_response(self) -> Response {
        match self.0 {
            Rejection::Refused(refusal) => refusal.response().map(Body::from),
            Rejection::NoServer => (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(http::header::CONTENT_TYPE, "application/json")],
                r#"{"error":"server_error","error_description":"the Bearer extractor found neither a checked token nor a ResourceServer: add `.route_layer(RequireBearer::new(server))` or `.layer(axum::Extension(server))`"}"#,
            )
                .into_response(),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = ResourceRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        if let Some(info) = parts.extensions.get::<TokenInfo>() {
            return Ok(Bearer(info.clone()));
        }
        let server = parts
            .extensions
            .get::<ResourceServer>()
            .cloned()
            .ok_or(ResourceRejection(Rejection::NoServer))?;
        let info = server.authorize_headers(&parts.headers, &[]).await?;
        Ok(Bearer(info))
    }
}

/// A layer for `Router::route_layer`: every request must carry a live
/// access token with these scopes, or gets the RFC 6750 answer; the
/// token's facts go in the request for [`Bearer`].
#[derive(Debug, Clone)]
pub struct RequireBearer {
    server: ResourceServer,
    scopes: Arc<[Scope]>,
}

impl RequireBearer {
    /// A live token of `server`'s platform, any scope.
    pub fn new(server: ResourceServer) -> Self {
        Self {
            server,
            scopes: Arc::new([]),
        }
    }

    /// … carrying every scope of `scopes` (a `403` names them otherwise).
    pub fn scopes(mut self, scopes: impl IntoIterator<Item = Scope>) -> Self {
        self.scopes = scopes.into_iter().collect();
        self
    }
}

impl<S> Layer<S> for RequireBearer {
    type Service = RequireBearerService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        RequireBearerService {
            inner,
            server: self.server.clone(),
            scopes: self.scopes.clone(),
        }
    }
}

/// The service made by [`RequireBearer`].
#[derive(Debug, Clone)]
pub struct RequireBearerService<S> {
    inner: S,
    server: ResourceServer,
    scopes: Arc<[Scope]>,
}

impl<S, B> Service<Request<B>> for RequireBearerService<S>
where
    S: Service<Request<B>, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        // The clone that was made ready serves this request.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let server = self.server.clone();
        let scopes = self.scopes.clone();
        Box::pin(async move {
            let (mut parts, body) = req.into_parts();
            match server.authorize_headers(&parts.headers, &scopes).await {
                Ok(info) => {
                    parts.extensions.insert(info);
                    inner.call(Request::from_parts(parts, body)).await
                }
                Err(refusal) => Ok(ResourceRejection::from(refusal).into_response()),
            }
        })
    }
}
