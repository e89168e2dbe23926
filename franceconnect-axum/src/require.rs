//! Protecting a group of routes in one place: a layer for
//! `Router::route_layer` that checks what the routes need, as the
//! extractors of the same names would, before any handler runs.
//!
//! ```
//! use axum::Router;
//! use axum::body::Body;
//! use axum::routing::get;
//! use franceconnect_axum::{Acr, Eidas, Platform, SignedInUser};
//! use franceconnect_axum::{Require, testing};
//! use http::{Request, StatusCode};
//! use tower::ServiceExt as _;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! // Every route of the group needs an agent; the handlers need no extractor.
//! let agents: Router = Router::new()
//!     .route("/dossiers", get(|| async { "dossiers" }))
//!     .route("/statistiques", get(|| async { "statistiques" }))
//!     .route_layer(Require::agent());
//! // eIDAS substantial for the whole vault.
//! let vault = Router::new()
//!     .route("/coffre", get(|| async { "coffre" }))
//!     .route_layer(Require::level(Eidas::Eidas2));
//! let app = Router::new().nest("/agents", agents).merge(vault);
//!
//! let citizen = SignedInUser::for_testing(Platform::FranceConnect, "c", Acr::Eidas1, serde_json::json!({})).unwrap();
//! let as_citizen = testing::signed_in_as(app, citizen);
//! let get = |path: &str| Request::get(path).body(Body::empty()).unwrap();
//! let refused = as_citizen.clone().oneshot(get("/agents/dossiers")).await.unwrap();
//! assert_eq!(refused.status(), StatusCode::FORBIDDEN);
//! let step_up = as_citizen.oneshot(get("/coffre")).await.unwrap();
//! assert_eq!(step_up.status(), StatusCode::SEE_OTHER);
//! assert_eq!(step_up.headers()["location"], "/auth/login?return_to=%2Fcoffre&acr=eidas2");
//! # }
//! ```
//!
//! Add the group's `route_layer` before [`franceconnect`](crate::FranceConnectRouterExt::franceconnect),
//! which must wrap it (the context and the user come from there).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum_core::response::{IntoResponse, Response};
use franceconnect_tower::Eidas;
use franceconnect_tower::web::adapter::Requirement;
use http::Request;
use tower::{Layer, Service};

use crate::extractors::guard;
use crate::rejection::AuthRejection;

/// A layer that lets through only the requests meeting its requirement
/// (see the module's documentation).
#[derive(Debug, Clone, Copy)]
pub struct Require(Requirement);

impl Require {
    /// Any signed-in user (as [`User`](crate::User)).
    pub fn user() -> Self {
        Self(Requirement::User)
    }
    /// A citizen with a pivot identity (as [`Citizen`](crate::Citizen)).
    pub fn citizen() -> Self {
        Self(Requirement::Citizen)
    }
    /// An agent signed in through ProConnect (as [`Agent`](crate::Agent)).
    pub fn agent() -> Self {
        Self(Requirement::Agent)
    }
    /// An agent who used a second factor (as [`AgentWithMfa`](crate::AgentWithMfa)).
    pub fn agent_with_mfa() -> Self {
        Self(Requirement::AgentWithMfa)
    }
    /// A user at `level` or above (as [`RequireEidas`](crate::RequireEidas)).
    pub fn level(level: Eidas) -> Self {
        Self(Requirement::Level(level))
    }
    /// A user at `level` or above who authenticated within `max_age` (as
    /// [`RequireRecentEidas`](crate::RequireRecentEidas)).
    pub fn recent_level(level: Eidas, max_age: Duration) -> Self {
        Self(Requirement::RecentLevel(level, max_age))
    }
}

impl<S> Layer<S> for Require {
    type Service = RequireService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        RequireService {
            inner,
            requirement: self.0,
        }
    }
}

/// The service made by [`Require`].
#[derive(Debug, Clone)]
pub struct RequireService<S> {
    inner: S,
    requirement: Requirement,
}

impl<S, B> Service<Request<B>> for RequireService<S>
where
    S: Service<Request<B>, Response = Response>,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let (parts, body) = req.into_parts();
        if let Err(rejection) = guard(&parts).check(self.requirement) {
            let response = AuthRejection::from(rejection).into_response();
            return Box::pin(async move { Ok(response) });
        }
        Box::pin(self.inner.call(Request::from_parts(parts, body)))
    }
}
