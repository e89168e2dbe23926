//! Turning a session store failure into a clear `503`.
//!
//! actix-session answers an opaque `500` when its store fails (while loading
//! the session before the handler, or saving it after). This middleware,
//! wrapped around the session middleware, answers instead the same `503`
//! page or JSON as the tower side, and logs and counts the failure
//! (`franceconnect_session_store_failures_total{adapter="actix"}`, with the
//! feature `metrics`). Nothing was written:
//! the store either saved the whole session or nothing.

use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::rc::Rc;

use actix_session::storage::{SaveError, UpdateError};
use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::error::InternalError;
use actix_web::http::header::ACCEPT;
use franceconnect_tower::web::Format;
use franceconnect_tower::web::adapter::session_unavailable_response;
use franceconnect_tower::web::adapter::{SessionAdapter, session_store_failed};

use crate::convert;

/// Wrap it last (outermost), around the session middleware.
#[derive(Clone, Debug, Default)]
pub struct SessionStoreGuard;

impl<S, B> Transform<S, ServiceRequest> for SessionStoreGuard
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Transform = SessionStoreGuardService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(SessionStoreGuardService {
            service: Rc::new(service),
        }))
    }
}

/// The service made by [`SessionStoreGuard`].
pub struct SessionStoreGuardService<S> {
    service: Rc<S>,
}

impl<S, B> Service<ServiceRequest> for SessionStoreGuardService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>>>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let service = self.service.clone();
        // Read now: the request is gone once the inner service has it.
        let format = Format::from_accept(req.headers().get(ACCEPT).and_then(|v| v.to_str().ok()));
        Box::pin(async move {
            match service.call(req).await {
                // The session middleware reports store failures as opaque 500 errors;
                // answer with our page instead (actix renders an error's own response).
                Err(e) if is_store_failure(&e) => {
                    session_store_failed(SessionAdapter::Actix);
                    tracing::error!(error = %e, "session store failure");
                    let res = convert::response(session_unavailable_response(format));
                    Err(InternalError::from_response(e.to_string(), res).into())
                }
                other => other,
            }
        })
    }
}

/// The errors actix-session's middleware makes of store failures (and only
/// those: other failures keep their own response).
fn is_store_failure(e: &Error) -> bool {
    e.as_error::<InternalError<anyhow::Error>>().is_some()
        || e.as_error::<InternalError<SaveError>>().is_some()
        || e.as_error::<InternalError<UpdateError>>().is_some()
}
