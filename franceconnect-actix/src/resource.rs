//! An API that services call with a user's access token: a FranceConnect
//! data provider or a ProConnect resource server (the engine's
//! [`franceconnect_tower::resource`]), answering exactly as the axum
//! adapter does. A [`RequireBearer`] middleware checks the token and the
//! scopes the routes need before any handler runs, and the [`Bearer`]
//! extractor gives the handler the token's facts; a refusal is the RFC
//! 6750 answer (`401` with its `WWW-Authenticate` challenge, `400`, `403`
//! naming the scope, or `503` when the platform cannot be asked).
//!
//! ```no_run
//! use actix_web::{App, HttpServer, web};
//! use franceconnect_actix::Scope;
//! use franceconnect_actix::resource::{Bearer, RequireBearer, ResourceServer};
//!
//! async fn resource(Bearer(token): Bearer) -> web::Json<serde_json::Value> {
//!     web::Json(serde_json::json!({ "sub": token.sub, "client_id": token.client_id }))
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let api = ResourceServer::from_env()?; // FC_PLATFORM, FC_ISSUER, FC_CLIENT_ID…
//! let needs: Scope = "dgfip_rfr".parse()?;
//! HttpServer::new(move || {
//!     App::new().service(
//!         web::scope("/api")
//!             .wrap(RequireBearer::new(api.clone()).scopes([needs.clone()]))
//!             .route("/resource", web::get().to(resource)),
//!     )
//! })
//! .bind("127.0.0.1:3001")?
//! .run()
//! .await?;
//! # Ok(()) }
//! ```
//!
//! Without the middleware, `Bearer` checks the token itself (no scope)
//! with the [`ResourceServer`] of the app data (`.app_data(web::Data::new(server))`).

use std::fmt;
use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::{Error, FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError, web};
use franceconnect_tower::Scope;
pub use franceconnect_tower::resource::{
    BearerToken, InactiveReason, Refusal, RefusalKind, ResourceConfig, ResourceConfigBuilder, ResourceError,
    ResourceServer, TokenCheck, TokenInfo,
};

use crate::convert;

/// The live access token of the request, checked: put there by a
/// [`RequireBearer`] middleware, or checked by the extractor itself
/// (without scope requirement) with the [`ResourceServer`] of the app data.
/// Without either, a `500` naming the missing setup.
#[derive(Debug, Clone)]
pub struct Bearer(pub TokenInfo);

/// Why [`Bearer`] or [`RequireBearer`] refused a request: the RFC 6750
/// answer ([`Refusal`]), or a missing setup.
#[derive(Debug)]
pub struct ResourceRejection(Option<Refusal>);

impl ResourceRejection {
    /// The RFC 6750 refusal, unless the setup is what is missing.
    pub fn refusal(&self) -> Option<&Refusal> {
        self.0.as_ref()
    }
}

impl From<Refusal> for ResourceRejection {
    fn from(refusal: Refusal) -> Self {
        Self(Some(refusal))
    }
}

impl fmt::Display for ResourceRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(refusal) => fmt::Display::fmt(refusal, f),
            None => f.write_str("the resource server is not set up"),
        }
    }
}

/// The answer when neither a checked token nor a server is there.
const NOT_SET_UP: &str = r#"{"error":"server_error","error_description":"the Bearer extractor found neither a checked token nor a ResourceServer: wrap the routes with `RequireBearer::new(server)` or add `.app_data(web::Data::new(server))`"}"#;

impl ResponseError for ResourceRejection {
    fn status_code(&self) -> actix_web::http::StatusCode {
        let status = self.0.as_ref().map_or(500, |r| r.status().as_u16());
        actix_web::http::StatusCode::from_u16(status).unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR)
    }
    fn error_response(&self) -> HttpResponse {
        match &self.0 {
            Some(refusal) => convert::response(refusal.response()),
            None => HttpResponse::InternalServerError()
                .content_type("application/json")
                .body(NOT_SET_UP),
        }
    }
}

impl FromRequest for Bearer {
    type Error = ResourceRejection;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if let Some(info) = req.extensions().get::<TokenInfo>().cloned() {
            return Box::pin(ready(Ok(Bearer(info))));
        }
        let server = req
            .app_data::<web::Data<ResourceServer>>()
            .map(|d| d.get_ref().clone())
            .or_else(|| req.app_data::<ResourceServer>().cloned());
        let Some(server) = server else {
            return Box::pin(ready(Err(ResourceRejection(None))));
        };
        let headers = convert::headers(req.headers());
        Box::pin(async move {
            let info = server.authorize_headers(&headers, &[]).await?;
            Ok(Bearer(info))
        })
    }
}

/// A middleware for a `Scope` (or a resource): every request must carry a
/// live access token with these scopes, or gets the RFC 6750 answer; the
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

impl<S, B> Transform<S, ServiceRequest> for RequireBearer
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = RequireBearerService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(RequireBearerService {
            service: Rc::new(service),
            server: self.server.clone(),
            scopes: self.scopes.clone(),
        }))
    }
}

/// The service made by [`RequireBearer`].
pub struct RequireBearerService<S> {
    service: Rc<S>,
    server: ResourceServer,
    scopes: Arc<[Scope]>,
}

impl<S, B> Service<ServiceRequest> for RequireBearerService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>>>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let service = self.service.clone();
        let server = self.server.clone();
        let scopes = self.scopes.clone();
        let headers = convert::headers(req.headers());
        Box::pin(async move {
            match server.authorize_headers(&headers, &scopes).await {
                Ok(info) => {
                    req.extensions_mut().insert(info);
                    Ok(service.call(req).await?.map_into_left_body())
                }
                Err(refusal) => {
                    let response = ResourceRejection::from(refusal).error_response();
                    Ok(req.into_response(response).map_into_right_body())
                }
            }
        })
    }
}
