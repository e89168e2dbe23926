//! The public documents the providers fetch: the service's keys
//! (`/auth/jwks`) and the sector identifier.

use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use http::{Response, StatusCode};

use super::{AuthRoutes, PlatformRoutes};
use crate::web::pages::responses::Format;

impl AuthRoutes {
    /// The JSON array of redirect URIs FranceConnect fetches at a
    /// service's `sector_identifier_uri`, when its redirect URIs span
    /// several hosts; `404` when none is configured.
    pub(super) fn sector_identifier(&self, p: &PlatformRoutes, format: Format) -> Response<String> {
        let uris = p.fc.config().sector_redirect_uris();
        if uris.is_empty() {
            return self
                .ctx
                .refusal(StatusCode::NOT_FOUND, "not_found", "Cette page n'existe pas.", format);
        }
        public_json(serde_json::Value::from(
            uris.iter().map(|u| u.as_str()).collect::<Vec<_>>(),
        ))
    }

    /// The service's keys, which every platform shares: those of the first
    /// engine that has some.
    pub(super) fn jwks(&self) -> Response<String> {
        let fc = self
            .platforms
            .iter()
            .map(|p| &p.fc)
            .find(|fc| fc.config().service_keys().is_some())
            .unwrap_or(self.first_engine());
        public_json(fc.public_jwks())
    }
}

/// A public document the provider fetches (JWKS, sector identifier):
/// JSON, cacheable for five minutes.
fn public_json(body: serde_json::Value) -> Response<String> {
    Response::builder()
        .status(StatusCode::OK)
        .header(CONTENT_TYPE, "application/json")
        .header(CACHE_CONTROL, "public, max-age=300")
        .body(body.to_string())
        .expect("a valid response")
}
