//! Why an extractor refused a request, as a ready response.

use axum_core::body::Body;
use axum_core::response::{IntoResponse, Response};
use franceconnect_tower::web::adapter::Rejection;
use http::StatusCode;

/// The response an extractor answers with instead of running the handler
/// (the engine's [`Rejection`]): a redirect to the login (browsers), a
/// `401`/`403` JSON (API clients), or a `500` when the FranceConnect layer
/// is missing. Its `Debug` shows the status only.
#[derive(Debug)]
pub struct AuthRejection(Rejection);

impl AuthRejection {
    /// The HTTP status of the rejection.
    pub fn status(&self) -> StatusCode {
        self.0.status()
    }
}

impl From<Rejection> for AuthRejection {
    fn from(rejection: Rejection) -> Self {
        Self(rejection)
    }
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        self.0.into_response().map(Body::from)
    }
}
