//! What every platform's `GET /.well-known/openid-configuration` shares:
//! the members every document opens with, the counting, failure scenarios
//! and caching. The documents themselves are `franceconnect::discovery`
//! and `proconnect::discovery`.

use axum::Json;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::scenarios::{self, Endpoint};
use crate::scopes;
use crate::state::shared::Shared;

/// The `Cache-Control` of discovery and JWKS: ten minutes.
pub(crate) const CACHE_CONTROL: &str = "public, max-age=600";

/// Where the back-channel endpoints are: under the issuer, or elsewhere
/// when a test tampers with the document.
fn back_channel_base(shared: &Shared) -> String {
    shared.scenarios().foreign_endpoints.as_ref().map_or_else(
        || shared.issuer.clone(),
        |origin| format!("{origin}{}", shared.base_path),
    )
}

/// A document: the members every platform's opens with (where the mock's
/// endpoints are, the same routes on all three, and the part of OpenID
/// Connect they all speak alike), then `own`, the platform's, in their
/// order.
pub(crate) fn with_common_members(shared: &Shared, own: Value) -> Value {
    let issuer = &shared.issuer;
    let back = back_channel_base(shared);
    let mut doc = json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{back}/token"),
        "userinfo_endpoint": format!("{back}/userinfo"),
        "end_session_endpoint": format!("{back}/session/end"),
        "revocation_endpoint": format!("{back}/token/revocation"),
        "jwks_uri": format!("{back}/jwks"),
        "scopes_supported": scopes::supported(shared.platform),
        "claims_supported": scopes::claims_supported(shared.platform),
        "claim_types_supported": ["normal"],
        "claims_parameter_supported": true,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
    });
    let Value::Object(own) = own else {
        unreachable!("a platform's members are an object literal");
    };
    doc.as_object_mut().expect("an object").extend(own);
    doc
}

/// The answer to `GET /.well-known/openid-configuration`: the request
/// counted, a failure scenario applied, else the platform's `document`
/// (each platform's handler passes its own).
pub(crate) async fn respond(shared: &Shared, document: fn(&Shared) -> Value) -> Response {
    shared.counters.hit(Endpoint::Discovery);
    let failure = shared.scenarios().failure(Endpoint::Discovery);
    if let Some(response) = scenarios::apply_failure(failure, Endpoint::Discovery, "application/json").await {
        return response;
    }
    ([(header::CACHE_CONTROL, CACHE_CONTROL)], Json(document(shared))).into_response()
}
