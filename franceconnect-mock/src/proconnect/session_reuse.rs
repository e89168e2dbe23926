//! Reusing ProConnect's single sign-on session: after a login the browser
//! holds a cookie, and the next authorization request from it reuses the
//! session without showing the login page, as long as the request's hints
//! and required levels fit (fca/controllers/interaction.controller.ts). A
//! test that sets `MockHandle::set_sso_age` stands for a browser arriving
//! with such a session, opened that long ago.

use axum::http::HeaderMap;

use crate::agents::Agent;
use crate::jose::tokens;
use crate::proconnect::{acr, agent_choice, session_cookie};
use crate::state::agent_session::AgentSession;
use crate::state::pending_login::AgentRequest;
use crate::state::pending_login::PendingLogin;
use crate::state::shared::Shared;

/// The browser's live session: the one its cookie names, or, when a test
/// set a single sign-on age, one opened that long ago for the agent an
/// automatic login would pick. Returns the session and, for a real one,
/// its cookie value.
pub(crate) fn current(
    shared: &Shared,
    headers: &HeaderMap,
    login: &PendingLogin,
) -> Option<(Option<String>, AgentSession)> {
    if let Some(id) = session_cookie::cookie_value(headers) {
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
    let agent = agent_choice::automatic_agent(shared, login)?;
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
