//! Why an extractor refused a request, as a ready response.

use axum_core::body::Body;
use axum_core::response::{IntoResponse, Response};
use http::StatusCode;

/// The response an extractor answers with instead of running the handler:
/// a redirect to the login (browsers), a `401`/`403` JSON (API clients), or
/// a `500` when the FranceConnect layer is missing.
pub struct AuthRejection(Box<http::Response<String>>);

impl std::fmt::Debug for AuthRejection {
    /// The status only: the body may name the page the user asked for.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuthRejection({})", self.0.status())
    }
}

impl AuthRejection {
    pub(crate) fn new(response: http::Response<String>) -> Self {
        Self(Box::new(response))
    }

    /// The HTTP status of the rejection.
    pub fn status(&self) -> StatusCode {
        self.0.status()
    }

    pub(crate) fn layer_missing() -> Self {
        tracing::error!("FranceConnectLayer is missing: add it with Router::franceconnect");
        let mut res = http::Response::new("FranceConnect layer missing".to_owned());
        *res.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        Self::new(res)
    }
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        (*self.0).map(Body::from)
    }
}
