//! What `/session/end` does alike on every platform, which each
//! platform's handler (`franceconnect::logout`, `proconnect::logout`)
//! calls: the `id_token_hint` check (a JWS this provider signed, checked
//! with its own keys, expired accepted, encrypted refused), the tokens a
//! logout ends, and the provider's own "logged out" page.

use axum::http::StatusCode;
use axum::response::Response;
use josekit::jwk::Jwk;
use josekit::jws::JwsVerifier;
use serde_json::Value;

use crate::state::shared::Shared;
use crate::web::html;

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
