//! `GET /.well-known/openid-configuration` and `GET /jwks`: the provider's
//! metadata and public signing keys, cacheable for ten minutes.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::config::Platform;
use crate::proconnect;
use crate::scenarios::{self, Endpoint};
use crate::scopes;
use crate::state::Shared;

/// The `Cache-Control` of discovery and JWKS.
const CACHE_CONTROL: &str = "public, max-age=600";

/// The discovery document.
pub(crate) fn document(shared: &Shared) -> Value {
    if shared.platform == Platform::ProConnect {
        return proconnect_document(shared);
    }
    let signing: Vec<&str> = match shared.platform {
        Platform::FranceConnect | Platform::ProConnect => vec!["ES256", "RS256"],
        Platform::FranceConnectPlus => vec!["ES256"],
    };
    let acr: Vec<&str> = shared.platform.accepted_levels().iter().map(|l| l.as_str()).collect();
    let mut doc = with_common_members(
        shared,
        json!({
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["pairwise"],
            "acr_values_supported": acr,
            "prompt_values_supported": ["login", "consent"],
            "id_token_signing_alg_values_supported": signing,
            "userinfo_signing_alg_values_supported": signing,
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": signing,
            "authorization_response_iss_parameter_supported": true,
        }),
    );
    // FranceConnect+ always encrypts. FranceConnect encrypts only behind a
    // platform switch, on for a deployment where a service registered
    // encryption (here: when a client is registered with it), and without
    // RSA-OAEP-256.
    let encryption: &[&str] = match shared.platform {
        Platform::FranceConnectPlus => &["ECDH-ES", "RSA-OAEP", "RSA-OAEP-256"],
        Platform::FranceConnect if shared.clients.values().any(|c| c.encryption.is_some()) => &["ECDH-ES", "RSA-OAEP"],
        Platform::FranceConnect | Platform::ProConnect => &[],
    };
    if !encryption.is_empty() {
        let object = doc.as_object_mut().expect("an object");
        object.insert("id_token_encryption_alg_values_supported".into(), json!(encryption));
        object.insert("id_token_encryption_enc_values_supported".into(), json!(["A256GCM"]));
        object.insert("userinfo_encryption_alg_values_supported".into(), json!(encryption));
        object.insert("userinfo_encryption_enc_values_supported".into(), json!(["A256GCM"]));
    }
    doc
}

/// Where the back-channel endpoints are: under the issuer, or elsewhere
/// when a test tampers with the document.
fn back_channel_base(shared: &Shared) -> String {
    shared.scenarios().foreign_endpoints.as_ref().map_or_else(
        || shared.issuer.clone(),
        |origin| format!("{origin}{}", shared.base_path),
    )
}

/// ProConnect's document (PCF back/libs/oidc-provider/src/services/
/// oidc-provider-config.service.ts, quality/cypress/integration/api/
/// api-discovery.feature): public subjects, refresh tokens, its seven acr
/// values, PKCE S256, no encryption. (The platform also offers HS256, which
/// the mock does not sign with.)
fn proconnect_document(shared: &Shared) -> Value {
    let signing = ["ES256", "RS256"];
    with_common_members(
        shared,
        json!({
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "subject_types_supported": ["public"],
            "acr_values_supported": proconnect::acr::SUPPORTED,
            "prompt_values_supported": ["login", "consent", "none"],
            "code_challenge_methods_supported": ["S256"],
            "id_token_signing_alg_values_supported": signing,
            "userinfo_signing_alg_values_supported": signing,
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": signing,
            "revocation_endpoint_auth_methods_supported": ["client_secret_post"],
            "authorization_response_iss_parameter_supported": true,
        }),
    )
}

/// A document: the members every platform's opens with (where the mock's
/// endpoints are, the same routes on all three, and the part of OpenID
/// Connect they all speak alike), then `own`, the platform's, in their
/// order.
fn with_common_members(shared: &Shared, own: Value) -> Value {
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

/// `GET /.well-known/openid-configuration`.
pub(crate) async fn openid_configuration(State(shared): State<Arc<Shared>>) -> Response {
    shared.counters.hit(Endpoint::Discovery);
    let failure = shared.scenarios().failure(Endpoint::Discovery);
    if let Some(response) = scenarios::apply_failure(failure, Endpoint::Discovery, "application/json").await {
        return response;
    }
    ([(header::CACHE_CONTROL, CACHE_CONTROL)], Json(document(&shared))).into_response()
}

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
