//! Protecting a group of routes in one place: a middleware for a `Scope`
//! (or a resource) that checks what the routes need, as the extractors of
//! the same names would, before any handler runs.
//!
//! ```
//! use actix_web::dev::Service as _;
//! use actix_web::{App, test, web};
//! use franceconnect_actix::{Acr, Eidas, Platform, SignedInUser};
//! use franceconnect_actix::{Require, testing};
//!
//! # actix_web::rt::System::new().block_on(async {
//! let citizen = SignedInUser::for_testing(Platform::FranceConnect, "c", Acr::Eidas1, serde_json::json!({})).unwrap();
//! let app = test::init_service(
//!     App::new()
//!         // Every route of the scope needs an agent; the handlers need no extractor.
//!         .service(
//!             web::scope("/agents")
//!                 .wrap(Require::agent())
//!                 .route("/dossiers", web::get().to(|| async { "dossiers" })),
//!         )
//!         .service(
//!             web::scope("/coffre")
//!                 .wrap(Require::level(Eidas::Eidas2))
//!                 .route("", web::get().to(|| async { "coffre" })),
//!         )
//!         .wrap_fn(move |req, srv| {
//!             testing::signed_in_as(&req, &citizen);
//!             srv.call(req)
//!         }),
//! )
//! .await;
//! let refused = test::call_service(&app, test::TestRequest::get().uri("/agents/dossiers").to_request()).await;
//! assert_eq!(refused.status(), 403);
//! let step_up = test::call_service(&app, test::TestRequest::get().uri("/coffre").to_request()).await;
//! assert_eq!(step_up.status(), 303);
//! assert_eq!(step_up.headers().get("location").unwrap(), "/auth/login?return_to=%2Fcoffre&acr=eidas2");
//! # });
//! ```
//!
//! [`FranceConnectMiddleware`](crate::FranceConnectMiddleware) must wrap the
//! scope (the context and the user come from it): wrap the `App` with it.

use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use actix_web::Error;
use actix_web::ResponseError;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use franceconnect_tower::Eidas;
use franceconnect_tower::web::adapter::Requirement;

use crate::rejection::decide;

/// A middleware that lets through only the requests meeting its
/// requirement (see the module's documentation).
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

impl<S, B> Transform<S, ServiceRequest> for Require
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = RequireService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(RequireService {
            service: Rc::new(service),
            requirement: self.0,
        }))
    }
}

/// The service made by [`Require`].
pub struct RequireService<S> {
    service: Rc<S>,
    requirement: Requirement,
}

impl<S, B> Service<ServiceRequest> for RequireService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>>>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        if let Err(rejection) = decide(req.request(), |g| g.check(self.requirement)) {
            let response = rejection.error_response();
            return Box::pin(async move { Ok(req.into_response(response).map_into_right_body()) });
        }
        let service = self.service.clone();
        Box::pin(async move { Ok(service.call(req).await?.map_into_left_body()) })
    }
}
