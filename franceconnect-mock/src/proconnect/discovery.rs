//! `GET /.well-known/openid-configuration` on ProConnect: the members
//! every platform opens with (`common::discovery`), then its own.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use serde_json::{Value, json};

use crate::common::discovery;
use crate::proconnect::acr;
use crate::state::shared::Shared;

/// `GET /.well-known/openid-configuration`.
pub(crate) async fn openid_configuration(State(shared): State<Arc<Shared>>) -> Response {
    discovery::respond(&shared, document).await
}

/// ProConnect's document (PCF back/libs/oidc-provider/src/services/
/// oidc-provider-config.service.ts, quality/cypress/integration/api/
/// api-discovery.feature): public subjects, refresh tokens, its seven acr
/// values, PKCE S256, no encryption. (The platform also offers HS256, which
/// the mock does not sign with.)
fn document(shared: &Shared) -> Value {
    let signing = ["ES256", "RS256"];
    discovery::with_common_members(
        shared,
        json!({
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "subject_types_supported": ["public"],
            "acr_values_supported": acr::SUPPORTED,
            "prompt_values_supported": ["login", "consent", "none"],
            "code_challenge_methods_supported": ["S256"],
            "id_token_signing_alg_values_supported": signing,
            "userinfo_signing_alg_values_supported": signing,
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": signing,
            "revocation_endpoint_auth_methods_supported": ["client_secret_post"],
            "introspection_endpoint": format!("{}/token/introspection", shared.issuer),
            "introspection_endpoint_auth_methods_supported": ["client_secret_post"],
            "introspection_signing_alg_values_supported": signing,
            "authorization_response_iss_parameter_supported": true,
        }),
    )
}
