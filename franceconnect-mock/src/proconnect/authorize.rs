//! `GET`/`POST /authorize` on ProConnect. First the platform's own checks
//! of the parameters it reads (fca/dto/authorize-params.dto.ts: a bad value
//! ends on its page `Y000400`; unknown parameters are ignored since
//! 2025-10), then `oidc-provider`'s (unknown client, unregistered
//! `redirect_uri`: page; the rest: callback), then silent authentication,
//! `idp_hint`, the single sign-on session, automatic approval or the login
//! page.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{RawForm, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use crate::agents::is_email;
use crate::common::authorize::{callback_error_description, response_type_refusal};
use crate::config::Eidas;
use crate::proconnect::login::{self, Authentication};
use crate::proconnect::page_codes::{BAD_PARAMETER, UNKNOWN_CLIENT, UNREGISTERED_REDIRECT_URI};
use crate::proconnect::{acr, agent_choice, login_page, pkce, session_reuse};
use crate::scenarios::Endpoint;
use crate::scopes;
use crate::state::pending_login::AgentRequest;
use crate::state::pending_login::PendingLogin;
use crate::state::shared::Shared;
use crate::web::html;
use crate::web::params::Params;

/// The parameters ProConnect reads; any other is ignored.
const KNOWN: &[&str] = &[
    "client_id",
    "acr_values",
    "claims",
    "response_type",
    "response_mode",
    "nonce",
    "login_hint",
    "siret_hint",
    "state",
    "redirect_uri",
    "scope",
    "prompt",
    "idp_hint",
    "code_challenge",
    "code_challenge_method",
];

/// The longest `nonce` accepted.
const MAX_NONCE_LEN: usize = 512;

/// The length of a SIRET, which `siret_hint` must have.
const SIRET_LEN: usize = 14;

/// Why a request is not taken further.
enum Refusal {
    /// ProConnect's page with this code and description.
    Page(&'static str, String),
    /// An error redirected to the (verified) callback.
    Callback(String),
}

/// `GET /authorize`.
pub(crate) async fn authorize(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    handle(&shared, query.as_deref().unwrap_or(""), &headers)
}

/// `POST /authorize` (form-encoded), which the platform accepts too.
pub(crate) async fn authorize_post(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawForm(form): RawForm,
) -> Response {
    handle(&shared, &String::from_utf8_lossy(&form), &headers)
}

/// Both methods: the checks, then silent authentication, `idp_hint`, the
/// single sign-on session, scenarios, or the login page.
fn handle(shared: &Shared, raw: &str, headers: &HeaderMap) -> Response {
    shared.counters.hit(Endpoint::Authorize);
    let login = match validate(shared, raw) {
        Ok(login) => login,
        Err(Refusal::Page(code, description)) => {
            tracing::warn!(code, %description, "authorize: request refused");
            return html::error_page(shared.platform.display_name(), code, &description);
        }
        Err(Refusal::Callback(url)) => return Redirect::to(&url).into_response(),
    };
    let request = login.agent_request.clone().unwrap_or_default();
    let to_callback = |error: &str, description: &str| {
        tracing::warn!(error, description, "authorize: error sent to the callback");
        Redirect::to(&shared.error_callback(&login.redirect_uri, &login.state, error, description)).into_response()
    };

    let (callback_error, auto_approve, email_code_chosen) = {
        let scenarios = shared.scenarios();
        (
            scenarios.callback_error.clone(),
            scenarios.auto_approve.clone(),
            scenarios.agent_mfa,
        )
    };
    if let Some(error) = callback_error {
        tracing::info!(error, "scenario: callback error");
        return to_callback(&error, &callback_error_description(&error));
    }
    let current = session_reuse::current(shared, headers, &login);
    if request.silent && current.is_none() {
        return to_callback("login_required", "End-User authentication is required");
    }
    if let Some(idp) = &request.idp_hint
        && !shared.agents().iter().any(|agent| agent.idp_id == *idp)
    {
        return to_callback("idp_hint_not_found", "provided idp_hint could not be found");
    }
    // The session is reused whatever `prompt` says, as ProConnect does.
    if let Some((cookie, session)) = current
        && let Some(agent) = shared.agent(&session.agent_id)
        && session_reuse::reusable(&session, &agent, &request)
    {
        tracing::info!(agent = %agent.id, "authorize: single sign-on session reused");
        return login::complete(shared, login, Authentication::Session { cookie, session });
    }
    if let Some((named, level)) = auto_approve {
        let Some(agent) = agent_choice::automatic_agent(shared, &login) else {
            return html::error_page_with_status(
                StatusCode::INTERNAL_SERVER_ERROR,
                shared.platform.display_name(),
                "server_error",
                &format!(
                    "auto_approve : agent « {} » inconnu du simulateur.",
                    named.unwrap_or_default()
                ),
            );
        };
        tracing::info!(agent = %agent.id, "scenario: auto-approve");
        let authentication = Authentication::Fresh {
            agent_id: agent.id,
            idp_acr: level.map(|level: Eidas| level.as_str().to_owned()),
            email_code_chosen,
        };
        return login::complete(shared, login, authentication);
    }
    let uid = shared.add_pending(login.clone());
    login_page::render(shared, &uid, &login)
}

/// The platform's checks, in its order; the pending login when they pass.
fn validate(shared: &Shared, raw: &str) -> Result<PendingLogin, Refusal> {
    let bad = |description: String| Refusal::Page(BAD_PARAMETER, description);
    let params = Params::parse_known(raw, KNOWN)
        .map_err(|name| bad(format!("Le paramètre « {name} » est présent plusieurs fois.")))?;
    let missing = |name: &str| bad(format!("Le paramètre obligatoire « {name} » est manquant."));
    // Present, possibly empty (as the platform's `IsString` accepts).
    let present = |name: &'static str| params.raw(name).ok_or_else(|| missing(name));
    let client_id = params.get("client_id").ok_or_else(|| missing("client_id"))?;
    let response_type = present("response_type")?;
    let redirect_uri = present("redirect_uri")?;
    if !is_http_url(redirect_uri) {
        return Err(bad(format!(
            "redirect_uri « {redirect_uri} » n'est pas une URL http(s)."
        )));
    }
    let scope = present("scope")?;
    let state = params.get("state").ok_or_else(|| missing("state"))?;
    let nonce = params.raw("nonce");
    if let Some(nonce) = nonce
        && (nonce.is_empty() || nonce.len() > MAX_NONCE_LEN || !nonce.is_ascii())
    {
        return Err(bad(format!(
            "Le nonce doit être composé de 1 à {MAX_NONCE_LEN} caractères ASCII."
        )));
    }
    let login_hint = params.raw("login_hint");
    if login_hint.is_some_and(|hint| !is_email(hint)) {
        return Err(bad("Le login_hint doit être une adresse email valide".into()));
    }
    let siret_hint = params.raw("siret_hint");
    if siret_hint.is_some_and(|hint| hint.chars().count() != SIRET_LEN) {
        return Err(bad("Le siret_hint doit contenir 14 caractères".into()));
    }

    let client = shared
        .clients
        .get(client_id)
        .ok_or_else(|| Refusal::Page(UNKNOWN_CLIENT, "client is invalid".into()))?;
    if !client.redirect_uris.iter().any(|uri| uri == redirect_uri) {
        return Err(Refusal::Page(
            UNREGISTERED_REDIRECT_URI,
            format!("L'URL de retour « {redirect_uri} » n'est pas enregistrée pour ce service sur cette plateforme."),
        ));
    }

    // From here on, errors go back to the (verified) callback.
    let on_callback = |error: &str, description: &str| {
        tracing::warn!(error, description, "authorize: error sent to the callback");
        Refusal::Callback(shared.error_callback(redirect_uri, state, error, description))
    };
    if let Some(url) = response_type_refusal(shared, redirect_uri, state, response_type) {
        return Err(Refusal::Callback(url));
    }
    if !scope.split(' ').any(|s| s == "openid") {
        return Err(on_callback("invalid_request", "openid scope must be requested"));
    }
    if let Some(prompt) = params.get("prompt") {
        let values: Vec<&str> = prompt.split(' ').filter(|v| !v.is_empty()).collect();
        if values.iter().any(|v| !["login", "consent", "none"].contains(v)) {
            return Err(on_callback("invalid_request", "unsupported prompt value requested"));
        }
        if values.contains(&"none") && values.len() > 1 {
            return Err(on_callback("invalid_request", "prompt none must only be used alone"));
        }
    }
    let claims = match params.get("claims") {
        None => acr::ClaimsRequest::default(),
        Some(claims) => acr::parse_claims(claims)
            .ok_or_else(|| on_callback("invalid_request", "could not parse the claims parameter JSON"))?,
    };
    let code_challenge = pkce::check_challenge(params.get("code_challenge"), params.get("code_challenge_method"))
        .map_err(|description| on_callback("invalid_request", description))?;
    if let Some(acr_values) = params.get("acr_values") {
        // Accepted and logged, never enforced (PCF back/libs/oidc-acr).
        tracing::info!(acr_values, "authorize: acr_values ignored, use the claims parameter");
    }

    Ok(PendingLogin {
        client_id: client_id.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        state: state.to_owned(),
        nonce: nonce.map(str::to_owned),
        scopes: scopes::granted(scope, shared.platform),
        requested_acr: shared.platform.default_level(),
        amr_requested: claims.amr,
        // `prompt=login` does not make ProConnect forget its session.
        force_login: false,
        agent_request: Some(AgentRequest {
            essential_acr: claims.essential_acr,
            login_hint: login_hint.map(str::to_owned),
            idp_hint: params.get("idp_hint").map(str::to_owned),
            siret_hint: siret_hint.map(str::to_owned),
            code_challenge,
            silent: params.get("prompt") == Some("none"),
        }),
        created: Instant::now(),
    })
}

/// The platform's `redirect_uri` pattern, `^https?://[^/].+$`.
fn is_http_url(uri: &str) -> bool {
    let rest = uri.strip_prefix("https://").or_else(|| uri.strip_prefix("http://"));
    rest.is_some_and(|rest| rest.chars().count() >= 2 && !rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uri_pattern() {
        assert!(is_http_url("https://service.example/callback"));
        assert!(is_http_url("http://localhost:3000/cb"));
        assert!(!is_http_url("https:///callback"));
        assert!(!is_http_url("ftp://service.example/"));
        assert!(!is_http_url("https://a"));
    }
}
