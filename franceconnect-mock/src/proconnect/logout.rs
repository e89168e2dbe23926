//! `GET /session/end` on ProConnect (fca/dto/logout-params.dto.ts): the
//! `id_token_hint` is recommended, `client_id` may name the service
//! instead, unknown parameters are ignored; a `post_logout_redirect_uri`
//! not registered on this platform ends on page `Y030111`. The agent's
//! single sign-on session ends (its cookie is removed) with the tokens it
//! gave this service.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::Value;

use crate::common::logout::{end_tokens, logged_out_page, verify_hint};
use crate::proconnect::page_codes::{BAD_PARAMETER, INVALID_REQUEST, UNKNOWN_CLIENT, UNREGISTERED_POST_LOGOUT_URI};
use crate::proconnect::session_cookie;
use crate::scenarios::Endpoint;
use crate::state::shared::Shared;
use crate::web::callback_url::callback_url;
use crate::web::html;
use crate::web::params::Params;

/// The parameters ProConnect reads; any other is ignored.
const KNOWN: &[&str] = &[
    "id_token_hint",
    "post_logout_redirect_uri",
    "state",
    "client_id",
    "logout_hint",
    "ui_locales",
];

/// `GET /session/end`.
pub(crate) async fn end_session(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    shared.counters.hit(Endpoint::SessionEnd);
    respond(&shared, query.as_deref().unwrap_or(""), &headers)
}

/// The checks, the end of the sessions and tokens, and the answer: the
/// confirmation page or the redirect to the service.
fn respond(shared: &Shared, raw: &str, headers: &HeaderMap) -> Response {
    let platform = shared.platform.display_name();
    let refuse = |code: &str, description: &str| {
        tracing::warn!(code, description, "session/end: refused");
        html::error_page(platform, code, description)
    };
    let params = match Params::parse_known(raw, KNOWN) {
        Ok(params) => params,
        Err(name) => {
            return refuse(
                BAD_PARAMETER,
                &format!("Le paramètre « {name} » est présent plusieurs fois."),
            );
        }
    };
    let target = params.get("post_logout_redirect_uri");
    if target.is_some_and(|uri| !uri.starts_with("https://") && !uri.starts_with("http://")) {
        return refuse(BAD_PARAMETER, "post_logout_redirect_uri n'est pas une URL http(s).");
    }
    let claims = match params.get("id_token_hint").map(|hint| verify_hint(shared, hint)) {
        Some(Ok(claims)) => Some(claims),
        Some(Err(description)) => return refuse(INVALID_REQUEST, description),
        None => None,
    };
    let hinted_client = claims
        .as_ref()
        .map(|claims| claims.get("aud").and_then(Value::as_str).unwrap_or_default().to_owned());
    let client_id = match (hinted_client, params.get("client_id")) {
        (Some(aud), Some(id)) if aud != id => {
            return refuse(
                INVALID_REQUEST,
                "client_id ne correspond pas à l'audience de l'id_token_hint.",
            );
        }
        (Some(aud), _) => Some(aud),
        (None, id) => id.map(str::to_owned),
    };
    let client = match client_id {
        Some(id) => match shared.clients.get(&id) {
            Some(client) => Some(client),
            None => return refuse(UNKNOWN_CLIENT, "client is invalid"),
        },
        None if target.is_some() => {
            return refuse(
                INVALID_REQUEST,
                "post_logout_redirect_uri can only be used in combination with id_token_hint or client_id",
            );
        }
        None => None,
    };
    if let (Some(client), Some(target)) = (client, target)
        && !client.post_logout_redirect_uris.iter().any(|uri| uri == target)
    {
        return refuse(
            UNREGISTERED_POST_LOGOUT_URI,
            &format!("L'URL de déconnexion « {target} » n'est pas enregistrée pour ce service sur cette plateforme."),
        );
    }

    // End the session: the browser's, and the one the hint names.
    let hinted_sid = claims
        .as_ref()
        .and_then(|claims| claims.get("sid").and_then(Value::as_str).map(str::to_owned));
    {
        let cookie = session_cookie::cookie_value(headers);
        let mut store = shared.store();
        store
            .agent_sessions
            .retain(|id, session| Some(id) != cookie.as_ref() && Some(&session.sid) != hinted_sid.as_ref());
    }
    if let (Some(client), Some(sub)) = (
        client,
        claims
            .as_ref()
            .and_then(|claims| claims.get("sub").and_then(Value::as_str)),
    ) {
        end_tokens(shared, &client.client_id, sub);
    }
    tracing::info!(client_id = ?client.map(|c| &c.client_id), "session/end: logged out");
    let mut response = match target {
        None => logged_out_page(platform),
        Some(target) => {
            let url = match params.get("state") {
                Some(state) => callback_url(target, &[("state", state)]),
                None => target.to_owned(),
            };
            Redirect::to(&url).into_response()
        }
    };
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie::clear_cookie(shared));
    response
}
