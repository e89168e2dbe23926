//! ProConnect's single sign-on session: after a login the browser holds a
//! cookie, and the next authorization request from it reuses the session
//! without showing the login page, as long as the request's hints and
//! required levels fit (fca/controllers/interaction.controller.ts). A test
//! that sets `MockHandle::set_sso_age` stands for a browser arriving with
//! such a session, opened that long ago.

use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderValue, header};

use crate::agents::Agent;
use crate::proconnect::{AgentRequest, acr};
use crate::random;
use crate::state::{PendingLogin, Shared};
use crate::tokens;

/// The session cookie's name (fca/config/session.ts).
pub(crate) const COOKIE: &str = "pc_session_id";

/// A session lasts 12 hours from the login, without sliding
/// (fca/config/session.ts).
pub(crate) const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);

/// What a session remembers of the agent's login.
#[derive(Debug, Clone)]
pub(crate) struct AgentSession {
    /// Who logged in.
    pub agent_id: String,
    /// The acr the identity provider gave.
    pub idp_acr: String,
    /// Whether the agent entered ProConnect's e-mail code.
    pub email_code_done: bool,
    /// The login's `amr`.
    pub amr: Vec<String>,
    /// When the agent authenticated (seconds since the epoch).
    pub auth_time: u64,
    /// The session id given to clients as `sid`.
    pub sid: String,
    /// When the session was opened.
    pub created: Instant,
}

impl AgentSession {
    /// A session for a login that just happened.
    pub(crate) fn new(agent_id: &str, idp_acr: &str, email_code_done: bool, amr: Vec<String>, auth_time: u64) -> Self {
        AgentSession {
            agent_id: agent_id.to_owned(),
            idp_acr: idp_acr.to_owned(),
            email_code_done,
            amr,
            auth_time,
            sid: random::token(),
            created: Instant::now(),
        }
    }
}

/// The session id the request's cookie names, if any.
pub(crate) fn cookie_value(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// The browser's live session: the one its cookie names, or, when a test
/// set a single sign-on age, one opened that long ago for the agent an
/// automatic login would pick. Returns the session and, for a real one,
/// its cookie value.
pub(crate) fn current(
    shared: &Shared,
    headers: &HeaderMap,
    login: &PendingLogin,
) -> Option<(Option<String>, AgentSession)> {
    if let Some(id) = cookie_value(headers) {
        let mut store = shared.store();
        shared.prune(&mut store);
        if let Some(session) = store.agent_sessions.get(&id) {
            return Some((Some(id), session.clone()));
        }
    }
    let (sso_age, email_code_done, auto_level) = {
        let scenarios = shared.scenarios();
        let level = scenarios.auto_approve.as_ref().and_then(|(_, level)| *level);
        (scenarios.sso_age_secs, scenarios.agent_mfa, level)
    };
    if sso_age == 0 {
        return None;
    }
    let agent = crate::proconnect::login::automatic_agent(shared, login)?;
    let idp_acr = auto_level.map_or_else(|| agent.idp_acr.clone(), |level| level.as_str().to_owned());
    let mut amr = acr::idp_amr(&idp_acr);
    if email_code_done {
        amr.push(acr::EMAIL_CODE_AMR.to_owned());
    }
    let auth_time = tokens::now().saturating_sub(sso_age);
    Some((
        None,
        AgentSession::new(&agent.id, &idp_acr, email_code_done, amr, auth_time),
    ))
}

/// Whether `session` can answer `request` without a new login: the hinted
/// identity provider and e-mail are the session's, and the required
/// levels are met without a new authentication.
pub(crate) fn reusable(session: &AgentSession, agent: &Agent, request: &AgentRequest) -> bool {
    if request.idp_hint.as_ref().is_some_and(|idp| *idp != agent.idp_id) {
        return false;
    }
    if request.login_hint.as_ref().is_some_and(|email| *email != agent.email) {
        return false;
    }
    match acr::login_acr(&session.idp_acr, &request.essential_acr, session.email_code_done) {
        Some(acr) => !acr::needs_new_session(&acr, &request.essential_acr),
        None => false,
    }
}

/// The `Set-Cookie` that gives the browser session `id`, for the
/// platform's paths only.
pub(crate) fn set_cookie(shared: &Shared, id: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{COOKIE}={id}; Path={}; HttpOnly; SameSite=Lax; Max-Age={}",
        shared.cookie_path,
        SESSION_LIFETIME.as_secs()
    ))
    .expect("a random token and a path of the mock are a valid header value")
}

/// The `Set-Cookie` that removes the session cookie (a browser removes the
/// cookie of the same path only).
pub(crate) fn clear_cookie(shared: &Shared) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{COOKIE}=; Path={}; HttpOnly; SameSite=Lax; Max-Age=0",
        shared.cookie_path
    ))
    .expect("a path of the mock is a valid header value")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; pc_session_id=abc; b=2"));
        assert_eq!(cookie_value(&headers).as_deref(), Some("abc"));
        headers.insert(header::COOKIE, HeaderValue::from_static("pc_session_idx=abc"));
        assert_eq!(cookie_value(&headers), None);
    }
}
