//! `GET /session/end` on FranceConnect and FranceConnect+: RP-initiated
//! logout. The `id_token_hint` is required and must be one this provider
//! signed (`common::logout`), and the `post_logout_redirect_uri`, when
//! given, registered for the token's audience; without one the provider
//! ends on its own confirmation page, as `oidc-provider` does. Unknown
//! parameters are refused. ProConnect's variant is `proconnect::logout`.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::Value;

use crate::common::logout::{end_tokens, logged_out_page, verify_hint};
use crate::scenarios::Endpoint;
use crate::state::shared::Shared;
use crate::web::callback_url::callback_url;
use crate::web::html;
use crate::web::params::Params;

/// Parameters accepted by the endpoint.
const ALLOWED: &[&str] = &[
    "id_token_hint",
    "post_logout_redirect_uri",
    "state",
    "ui_locales",
    "client_id",
];

/// `GET /session/end`.
pub(crate) async fn end_session(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    shared.counters.hit(Endpoint::SessionEnd);
    let platform = shared.platform.display_name();
    let refuse = |error: &str, description: &str| {
        tracing::warn!(error, description, "session/end: refused");
        html::error_page(platform, error, description)
    };
    let params = match Params::parse(query.as_deref().unwrap_or("")) {
        Ok(params) => params,
        Err(name) => {
            return refuse(
                "invalid_request",
                &format!("Le paramètre « {name} » est présent plusieurs fois."),
            );
        }
    };
    if let Some(name) = params.first_unknown(ALLOWED) {
        return refuse(
            "invalid_request",
            &format!("Le paramètre « {name} » n'est pas autorisé."),
        );
    }
    let Some(hint) = params.get("id_token_hint") else {
        return refuse(
            "invalid_request",
            "Le paramètre obligatoire « id_token_hint » est manquant.",
        );
    };
    let claims = match verify_hint(&shared, hint) {
        Ok(claims) => claims,
        Err(description) => return refuse("invalid_request", description),
    };
    let aud = claims.get("aud").and_then(Value::as_str).unwrap_or_default();
    let Some(client) = shared.clients.get(aud) else {
        return refuse(
            "invalid_client",
            "Le fournisseur de service de l'id_token_hint est inconnu.",
        );
    };
    if params.get("client_id").is_some_and(|id| id != client.client_id) {
        return refuse(
            "invalid_request",
            "client_id ne correspond pas à l'audience de l'id_token_hint.",
        );
    }
    let target = params.get("post_logout_redirect_uri");
    if let Some(target) = target.filter(|target| !client.post_logout_redirect_uris.iter().any(|uri| uri == target)) {
        return refuse(
            "invalid_request",
            &format!("L'URL de déconnexion « {target} » n'est pas enregistrée pour ce fournisseur de service."),
        );
    }
    // End the provider-side session: the access tokens of this person at
    // this client stop working.
    if let Some(sub) = claims.get("sub").and_then(Value::as_str) {
        end_tokens(&shared, &client.client_id, sub);
    }
    tracing::info!(client_id = %client.client_id, "session/end: logged out");
    // Without a post-logout URI the provider shows its own confirmation page.
    let Some(target) = target else {
        return logged_out_page(platform);
    };
    let url = match params.get("state") {
        Some(state) => callback_url(target, &[("state", state)]),
        None => target.to_owned(),
    };
    Redirect::to(&url).into_response()
}
