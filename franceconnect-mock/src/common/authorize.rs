//! What `/authorize` does alike on every platform, which each platform's
//! handler (`franceconnect::authorize`, `proconnect::authorize`) calls:
//! `oidc-provider`'s `response_type` rule, and the descriptions of the
//! errors the callback receives when a scenario forces one.

use crate::state::shared::Shared;

/// `oidc-provider`'s checks of `response_type`, which every platform runs
/// once the client and its `redirect_uri` are known good: `None` for
/// `code`, else the callback URL carrying the error.
pub(crate) fn response_type_refusal(
    shared: &Shared,
    redirect_uri: &str,
    state: &str,
    response_type: &str,
) -> Option<String> {
    if response_type.is_empty() {
        let (error, description) = ("invalid_request", "missing required parameter 'response_type'");
        tracing::warn!(error, description, "authorize: error sent to the callback");
        return Some(shared.error_callback(redirect_uri, state, error, description));
    }
    if response_type == "code" {
        return None;
    }
    let description = "unsupported response_type requested";
    tracing::warn!(response_type, "authorize: unsupported_response_type");
    // Implicit and hybrid types answer in the fragment.
    let fragment = response_type.split(' ').any(|t| t == "token" || t == "id_token");
    Some(if fragment {
        shared.error_callback_fragment(redirect_uri, state, "unsupported_response_type", description)
    } else {
        shared.error_callback(redirect_uri, state, "unsupported_response_type", description)
    })
}

/// A French description of an error sent to the callback: one a scenario
/// forces, or FranceConnect's `invalid_idp_hint`.
pub(crate) fn callback_error_description(error: &str) -> String {
    match error {
        "access_denied" => "L'utilisateur a annulé la connexion.".into(),
        "server_error" => "Une erreur technique est survenue.".into(),
        "temporarily_unavailable" => {
            "Le service est temporairement indisponible (registre national injoignable).".into()
        }
        "invalid_idp_hint" => "Y030032 : le fournisseur d'identité demandé n'est pas disponible.".into(),
        other => format!("Erreur simulée : {other}."),
    }
}
