//! [`AuthRejection`]: what an extractor answers instead of running the
//! handler, and the one place the engine's guard is asked about a request.

use std::fmt;

use actix_web::http::header::ACCEPT;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, ResponseError};
use franceconnect_tower::SignedInUser;
use franceconnect_tower::web::AuthContext;
use franceconnect_tower::web::adapter::{Guard, Rejection};

use crate::convert;

/// The response an extractor answers with instead of running the handler
/// (the engine's [`Rejection`]). Its `Debug` shows the status only.
#[derive(Debug)]
pub struct AuthRejection(Rejection);

impl fmt::Display for AuthRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "request refused by FranceConnect ({})", self.0.status())
    }
}

impl ResponseError for AuthRejection {
    fn status_code(&self) -> actix_web::http::StatusCode {
        actix_web::http::StatusCode::from_u16(self.0.status().as_u16())
            .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR)
    }
    fn error_response(&self) -> HttpResponse {
        convert::response(self.0.response().clone())
    }
}

/// `decide` applied to the request as the engine's guard sees it (the
/// extensions are borrowed for the call: an extractor clones only what it
/// returns).
pub(crate) fn decide<T>(
    req: &HttpRequest,
    decide: impl FnOnce(Guard<'_>) -> Result<T, Rejection>,
) -> Result<T, AuthRejection> {
    let extensions = req.extensions();
    let guard = guard_of(req, extensions.get::<AuthContext>(), extensions.get::<SignedInUser>());
    decide(guard).map_err(AuthRejection)
}

/// The engine's guard on `req`, with the `context` and the `user` the
/// middleware left (or copies of them).
pub(crate) fn guard_of<'a>(
    req: &'a HttpRequest,
    context: Option<&'a AuthContext>,
    user: Option<&'a SignedInUser>,
) -> Guard<'a> {
    Guard::new(
        context,
        user,
        req.uri().path_and_query().map_or("/", |p| p.as_str()),
        req.headers().get(ACCEPT).and_then(|v| v.to_str().ok()),
    )
    .with_setup_hint(
        "wrap the App with `.wrap(FranceConnectMiddleware::new(routes))`, then the session middleware with a later `.wrap(session_middleware(..))`, and mount `.configure(configure(routes))`",
    )
}

impl From<Rejection> for AuthRejection {
    fn from(rejection: Rejection) -> Self {
        Self(rejection)
    }
}
