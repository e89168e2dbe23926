//! `GET`/`POST /authorize` on FranceConnect and FranceConnect+: strict
//! validation of the authorization request, then the acr resolution, the
//! scenario switches (callback error, automatic approval) or the login
//! page. ProConnect's is `proconnect::authorize`.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{RawForm, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::common::authorize::{callback_error_description, response_type_refusal};
use crate::config::Eidas;
use crate::franceconnect::identity_providers::IDENTITY_PROVIDERS;
use crate::franceconnect::{login, login_page};
use crate::scenarios::Endpoint;
use crate::scopes;
use crate::state::pending_login::PendingLogin;
use crate::state::shared::Shared;
use crate::web::html;
use crate::web::params::Params;

/// Parameters the platform accepts; anything else is refused.
const ALLOWED: &[&str] = &[
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "acr_values",
    "nonce",
    "state",
    "prompt",
    "claims",
    "idp_hint",
    "ui_locales",
];

/// Minimum length of `nonce` and `state`.
const MIN_RANDOM_LEN: usize = 22;

/// A refused request: rendered as the error page, never redirected.
struct Refusal {
    error: &'static str,
    description: String,
}

fn refuse(error: &'static str, description: impl Into<String>) -> Refusal {
    Refusal {
        error,
        description: description.into(),
    }
}

/// Why a request is not taken further.
enum Rejection {
    /// Malformed request, unknown client or unregistered `redirect_uri`: the
    /// provider's error page.
    Page(Refusal),
    /// Once the client and its `redirect_uri` are known good, the provider
    /// answers errors on the callback (`303`), as `oidc-provider` does.
    Redirect(String),
}

impl From<Refusal> for Rejection {
    fn from(refusal: Refusal) -> Self {
        Rejection::Page(refusal)
    }
}

/// `GET /authorize`.
pub(crate) async fn authorize(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    handle(&shared, query.as_deref().unwrap_or(""))
}

/// `POST /authorize` (form-encoded), which the platform accepts too.
pub(crate) async fn authorize_post(State(shared): State<Arc<Shared>>, RawForm(form): RawForm) -> Response {
    handle(&shared, &String::from_utf8_lossy(&form))
}

/// Both methods: validation, acr resolution, scenarios, login page.
fn handle(shared: &Shared, raw: &str) -> Response {
    shared.counters.hit(Endpoint::Authorize);
    let platform = shared.platform.display_name();
    let params = match Params::parse(raw) {
        Ok(params) => params,
        Err(name) => {
            return html::error_page(
                platform,
                "invalid_request",
                &format!("Le paramètre « {name} » est présent plusieurs fois."),
            );
        }
    };
    let login = match validate(shared, &params) {
        Ok(login) => login,
        Err(Rejection::Page(refusal)) => {
            tracing::warn!(error = refusal.error, description = %refusal.description, "authorize: request refused");
            return html::error_page(platform, refusal.error, &refusal.description);
        }
        Err(Rejection::Redirect(url)) => return redirect(&url),
    };

    // acr_values: unknown values dropped, the lowest known one taken (the
    // platform's default level when none is known), and it must be one the
    // platform accepts.
    let acr_values = params.get("acr_values").unwrap_or_default();
    let requested = acr_values
        .split(' ')
        .filter_map(Eidas::parse)
        .min()
        .unwrap_or(shared.platform.default_level());
    if !shared.platform.accepts(requested) {
        let accepted: Vec<&str> = shared.platform.accepted_levels().iter().map(|l| l.as_str()).collect();
        tracing::warn!(acr_values, "authorize: invalid_acr");
        let url = shared.error_callback(
            &login.redirect_uri,
            &login.state,
            "invalid_acr",
            &format!(
                "acr_value is not valid, should be equal one of these values, expected {}, got {requested}",
                accepted.join(",")
            ),
        );
        return redirect(&url);
    }
    let login = PendingLogin {
        requested_acr: requested,
        ..login
    };
    // `idp_hint` must name an identity provider of the platform's allow-list
    // (Y030032 otherwise).
    if let Some(hint) = params.raw("idp_hint")
        && !IDENTITY_PROVIDERS.iter().any(|(id, _)| *id == hint)
    {
        tracing::warn!("authorize: invalid_idp_hint");
        let url = shared.error_callback(
            &login.redirect_uri,
            &login.state,
            "invalid_idp_hint",
            &callback_error_description("invalid_idp_hint"),
        );
        return redirect(&url);
    }

    let (callback_error, auto_approve) = {
        let scenarios = shared.scenarios();
        (scenarios.callback_error.clone(), scenarios.auto_approve.clone())
    };
    if let Some(error) = callback_error {
        tracing::info!(error, "scenario: callback error");
        let url = shared.error_callback(
            &login.redirect_uri,
            &login.state,
            &error,
            &callback_error_description(&error),
        );
        return redirect(&url);
    }
    if let Some((identity_id, level)) = auto_approve {
        let identity_id = match identity_id {
            Some(id) => id,
            None => shared.identities()[0].id.clone(),
        };
        if shared.identity(&identity_id).is_none() {
            return html::error_page_with_status(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                platform,
                "server_error",
                &format!("auto_approve : identité « {identity_id} » inconnue du simulateur."),
            );
        }
        let acr = level.unwrap_or(requested);
        tracing::info!(identity = %identity_id, %acr, "scenario: auto-approve");
        let url = login::complete(shared, login, &identity_id, acr);
        return redirect(&url);
    }

    let uid = shared.add_pending(login.clone());
    login_page::render(shared, &uid, &login)
}

/// `303 See Other` to `url`.
fn redirect(url: &str) -> Response {
    Redirect::to(url).into_response()
}

/// Checks everything but `acr_values`' content; the returned login has a
/// placeholder level. The order is the platform's: first the parameters
/// themselves (error page), then the client and its `redirect_uri` (error
/// page), then what `oidc-provider` answers on the callback
/// (`response_type`, the `openid` scope, `claims`).
fn validate(shared: &Shared, params: &Params) -> Result<PendingLogin, Rejection> {
    if let Some(name) = params.first_unknown(ALLOWED) {
        return Err(refuse(
            "invalid_request",
            format!("Le paramètre « {name} » n'est pas autorisé."),
        )
        .into());
    }
    let missing = |name: &str| {
        refuse(
            "invalid_request",
            format!("Le paramètre obligatoire « {name} » est manquant."),
        )
    };
    // Present, possibly empty (an empty one is refused later, on the callback).
    let present = |name: &'static str| params.raw(name).ok_or_else(|| missing(name));
    // Present and not empty.
    let required = |name: &'static str| params.get(name).ok_or_else(|| missing(name));
    let client_id = required("client_id")?;
    let redirect_uri = required("redirect_uri")?;
    let response_type = present("response_type")?;
    let scope = present("scope")?;
    required("acr_values")?;
    let nonce = required("nonce")?;
    if nonce.chars().count() < MIN_RANDOM_LEN {
        return Err(refuse(
            "invalid_request",
            format!("Le paramètre « nonce » doit contenir au moins {MIN_RANDOM_LEN} caractères."),
        )
        .into());
    }
    let state = required("state")?;
    if state.chars().count() < MIN_RANDOM_LEN {
        return Err(refuse(
            "invalid_request",
            format!("Le paramètre « state » doit contenir au moins {MIN_RANDOM_LEN} caractères."),
        )
        .into());
    }
    if let Some(prompt) = params.raw("prompt") {
        let values: Vec<&str> = prompt.split(' ').filter(|v| !v.is_empty()).collect();
        if values.is_empty() || values.iter().any(|v| *v != "login" && *v != "consent") {
            return Err(refuse(
                "invalid_request",
                format!("prompt « {prompt} » non supporté (valeurs acceptées : login, consent)."),
            )
            .into());
        }
    }
    let client = shared.clients.get(client_id).ok_or_else(|| {
        refuse(
            "invalid_client",
            format!("Le fournisseur de service « {client_id} » est inconnu."),
        )
    })?;
    if !client.redirect_uris.iter().any(|uri| uri == redirect_uri) {
        return Err(refuse(
            "invalid_redirect_uri",
            format!("L'URL de retour « {redirect_uri} » n'est pas enregistrée pour ce fournisseur de service."),
        )
        .into());
    }

    // From here on, errors go back to the (verified) callback.
    let on_callback = |error: &str, description: &str| {
        tracing::warn!(error, description, "authorize: error sent to the callback");
        Rejection::Redirect(shared.error_callback(redirect_uri, state, error, description))
    };
    if let Some(url) = response_type_refusal(shared, redirect_uri, state, response_type) {
        return Err(Rejection::Redirect(url));
    }
    if !scope.split(' ').any(|s| s == "openid") {
        return Err(on_callback(
            "invalid_request",
            "openid scope must be requested when using the acr_values parameter",
        ));
    }
    let amr_requested = match params.get("claims") {
        None => false,
        Some(claims) => amr_requested(claims)
            .ok_or_else(|| on_callback("invalid_request", "could not parse the claims parameter JSON"))?,
    };
    Ok(PendingLogin {
        client_id: client_id.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        state: state.to_owned(),
        nonce: Some(nonce.to_owned()),
        scopes: scopes::granted(scope, shared.platform),
        requested_acr: Eidas::Eidas1,
        amr_requested,
        force_login: params.raw("prompt").is_some_and(|p| p.split(' ').any(|v| v == "login")),
        agent_request: None,
        created: Instant::now(),
    })
}

/// Parses the `claims` parameter; `Some(true)` when it asks for `amr` in
/// the ID token, `None` when it is not a valid claims request.
fn amr_requested(claims: &str) -> Option<bool> {
    let value: serde_json::Value = serde_json::from_str(claims).ok()?;
    let object = value.as_object()?;
    for (member, request) in object {
        if member != "id_token" && member != "userinfo" {
            return None;
        }
        if !request.is_object() {
            return None;
        }
    }
    Some(
        object
            .get("id_token")
            .and_then(|id_token| id_token.get("amr"))
            .is_some_and(|amr| amr.is_null() || amr.is_object()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_parameter() {
        assert_eq!(amr_requested(r#"{"id_token":{"amr":{"essential":true}}}"#), Some(true));
        assert_eq!(amr_requested(r#"{"id_token":{"amr":null}}"#), Some(true));
        assert_eq!(amr_requested(r#"{"userinfo":{"email":null}}"#), Some(false));
        assert_eq!(amr_requested("not json"), None);
        assert_eq!(amr_requested("[1]"), None);
    }
}
