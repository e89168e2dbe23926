//! The platforms' OAuth error answers (`{error, error_description,
//! error_uri}`), whose `error_uri` carries the platform's error code, as
//! the token, revocation and userinfo endpoints give them.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::random;

/// Documentation page given as `error_uri`.
const ERROR_URI: &str = "https://docs.partenaires.franceconnect.gouv.fr/fs/fs-technique/fs-technique-erreurs/";

/// An OAuth error response `{error, error_description, error_uri}`, its
/// `error_uri` ending with the platform's code (`?code=Y…&id=…`).
pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    tracing::warn!(%status, error, description, "token: refused");
    (
        status,
        [(header::CACHE_CONTROL, "no-store"), (header::PRAGMA, "no-cache")],
        Json(serde_json::json!({
            "error": error,
            "error_description": description,
            "error_uri": error_uri(platform_code(error, description)),
        })),
    )
        .into_response()
}

/// The platform's error code for a token or userinfo refusal (FCS
/// back/_doc/erreurs-oidc-provider.md).
pub(crate) fn platform_code(error: &str, description: &str) -> &'static str {
    match error {
        "invalid_client" => "Y0434A7B",
        "invalid_grant" if description.contains("expired") => "Y043F0A8",
        "invalid_grant" => "Y049E20B",
        "invalid_token" => "Y04146A2",
        _ => "Y040001",
    }
}

/// `error_uri` as the platform writes it: its documentation page, the code
/// and an incident id.
pub(crate) fn error_uri(code: &str) -> String {
    format!("{ERROR_URI}?code={code}&id={}", random::token())
}
