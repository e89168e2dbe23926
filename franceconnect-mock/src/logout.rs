//! `GET /session/end`: RP-initiated logout. The `id_token_hint` must be a
//! JWS this provider signed (checked with its own keys, expired accepted,
//! encrypted refused) and the `post_logout_redirect_uri`, when given,
//! registered for the token's audience; without one the provider ends on
//! its own confirmation page, as `oidc-provider` does. ProConnect's
//! variant is `proconnect::logout`.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use josekit::jwk::Jwk;
use josekit::jws::JwsVerifier;
use serde_json::Value;

use crate::config::Platform;
use crate::html;
use crate::params::Params;
use crate::scenarios::Endpoint;
use crate::state::{Shared, callback_url};

/// Parameters accepted by the endpoint.
const ALLOWED: &[&str] = &[
    "id_token_hint",
    "post_logout_redirect_uri",
    "state",
    "ui_locales",
    "client_id",
];

/// A verifier for one of the provider's (private) keys.
fn verifier(key: &Jwk) -> Option<Box<dyn JwsVerifier>> {
    let mut public = key.to_public_key().ok()?;
    if let Some(kid) = key.key_id() {
        public.set_key_id(kid);
    }
    match key.algorithm()? {
        "ES256" => Some(Box::new(josekit::jws::ES256.verifier_from_jwk(&public).ok()?)),
        "RS256" => Some(Box::new(josekit::jws::RS256.verifier_from_jwk(&public).ok()?)),
        _ => None,
    }
}

/// Verifies `hint` with the provider's current and retired keys and returns
/// its claims.
pub(crate) fn verify_hint(shared: &Shared, hint: &str) -> Result<serde_json::Map<String, Value>, &'static str> {
    match hint.split('.').count() {
        3 => {}
        5 => return Err("L'id_token_hint est chiffré : transmettez le jeton signé (JWS) déchiffré."),
        _ => return Err("L'id_token_hint n'est pas un jeton JWT."),
    }
    let verifiers: Vec<Box<dyn JwsVerifier>> = {
        let keys = shared.keys();
        std::iter::once(&keys.current)
            .chain(&keys.retired)
            .flat_map(|generation| generation.all())
            .filter_map(verifier)
            .collect()
    };
    let (payload, _header) = josekit::jws::deserialize_compact_with_selector(hint, |header| {
        Ok(verifiers
            .iter()
            .find(|v| v.key_id() == header.key_id() && v.algorithm().name() == header.algorithm().unwrap_or(""))
            .map(|v| &**v))
    })
    .map_err(|_| "La signature de l'id_token_hint est invalide ou n'a pas été émise par ce fournisseur.")?;
    let claims: serde_json::Map<String, Value> =
        serde_json::from_slice(&payload).map_err(|_| "Le contenu de l'id_token_hint est illisible.")?;
    if claims.get("iss").and_then(Value::as_str) != Some(shared.issuer.as_str()) {
        return Err("L'id_token_hint n'a pas été émis par ce fournisseur.");
    }
    Ok(claims)
}

/// The handler.
pub(crate) async fn end_session(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    shared.counters.hit(Endpoint::SessionEnd);
    if shared.platform == Platform::ProConnect {
        return crate::proconnect::logout::end_session(&shared, query.as_deref().unwrap_or(""), &headers);
    }
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

/// Forgets the access (and refresh) tokens of subject `sub` at `client_id`.
pub(crate) fn end_tokens(shared: &Shared, client_id: &str, sub: &str) {
    let mut store = shared.store();
    store.access_tokens.retain(|_, grant| {
        grant.client_id != client_id || shared.subject(&grant.client_id, &grant.identity_id).as_deref() != Some(sub)
    });
    store.refresh_tokens.retain(|_, refresh| {
        let grant = &refresh.grant;
        grant.login.client_id != client_id
            || shared.subject(&grant.login.client_id, &grant.identity_id).as_deref() != Some(sub)
    });
}

/// The provider's own "logged out" page, shown when the service gave no
/// post-logout URI.
pub(crate) fn logged_out_page(platform: &str) -> Response {
    let body = format!(
        r#"<h1>Vous êtes déconnecté</h1>
<p>Votre session {platform} est terminée.</p>
<p class="muted">Le fournisseur de service n'a pas indiqué d'adresse de retour : vous pouvez fermer cet onglet.</p>"#,
        platform = html::escape(platform),
    );
    html::response(StatusCode::OK, html::page("Déconnexion", platform, &body))
}
