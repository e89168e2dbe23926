//! `GET /.well-known/openid-configuration` on FranceConnect and
//! FranceConnect+: the members both platforms open with
//! (`common::discovery`), then theirs.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use serde_json::{Value, json};

use crate::common::discovery;
use crate::config::Platform;
use crate::state::shared::Shared;

/// `GET /.well-known/openid-configuration`.
pub(crate) async fn openid_configuration(State(shared): State<Arc<Shared>>) -> Response {
    discovery::respond(&shared, document).await
}

/// The document of FranceConnect or FranceConnect+: pairwise subjects,
/// the platform's eIDAS levels, encryption when the platform (or one of
/// its clients) uses it.
fn document(shared: &Shared) -> Value {
    let signing: Vec<&str> = match shared.platform {
        Platform::FranceConnect | Platform::ProConnect => vec!["ES256", "RS256"],
        Platform::FranceConnectPlus => vec!["ES256"],
    };
    let acr: Vec<&str> = shared.platform.accepted_levels().iter().map(|l| l.as_str()).collect();
    let mut doc = discovery::with_common_members(
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
