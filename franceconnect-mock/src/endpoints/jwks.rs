//! `GET /jwks`, on every platform: the provider's public signing keys,
//! cacheable like discovery.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::common::discovery::CACHE_CONTROL;
use crate::scenarios::{self, Endpoint};
use crate::state::shared::Shared;

/// `GET /jwks`.
pub(crate) async fn jwks(State(shared): State<Arc<Shared>>) -> Response {
    shared.counters.hit(Endpoint::Jwks);
    let failure = shared.scenarios().failure(Endpoint::Jwks);
    if let Some(response) = scenarios::apply_failure(failure, Endpoint::Jwks, "application/json").await {
        return response;
    }
    let jwks = shared.keys().current.public_jwks();
    ([(header::CACHE_CONTROL, CACHE_CONTROL)], Json(jwks)).into_response()
}
