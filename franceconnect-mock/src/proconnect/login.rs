//! Completing a ProConnect login, whether the agent was picked on the
//! login page, automatically, or comes back with a single sign-on session:
//! the public-agents-only check, then the acr (with ProConnect's e-mail
//! code when it helps and the tester chose it), then the session and the
//! code, in the order of fca/controllers/interaction.controller.ts.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::jose::tokens;
use crate::proconnect::acr;
use crate::proconnect::session_cookie;
use crate::random;
use crate::state::agent_session::AgentSession;
use crate::state::grants::CodeGrant;
use crate::state::pending_login::PendingLogin;
use crate::state::shared::Shared;
use crate::web::html;

/// The callback's description when a service open to public agents only
/// meets a user without the `agent_public` role: ProConnect's page Y500015
/// leads back to the service with it
/// (fca/exceptions/core-fca-agent-not-from-public-service.exception.ts).
pub(crate) const NOT_A_PUBLIC_AGENT: &str = "authentication aborted due to invalid identity";

/// The callback's description when the required levels cannot be met.
pub(crate) const ACR_NOT_SATISFIED: &str = "requested ACRs could not be satisfied";

/// How the agent authenticated.
pub(crate) enum Authentication {
    /// Just now, at their identity provider.
    Fresh {
        /// The agent.
        agent_id: String,
        /// The acr the identity provider gave, when not the agent's usual
        /// one (an automatic login at a chosen level).
        idp_acr: Option<String>,
        /// Whether the agent would enter ProConnect's e-mail code if asked.
        email_code_chosen: bool,
    },
    /// Earlier, in the browser's single sign-on session.
    Session {
        /// The session's cookie value (`None` for a session a test
        /// simulates, which gets a cookie now).
        cookie: Option<String>,
        /// The session.
        session: AgentSession,
    },
}

/// Completes `login`: a redirect to the callback with a code (and the
/// session cookie), or with `access_denied`.
pub(crate) fn complete(shared: &Shared, login: PendingLogin, authentication: Authentication) -> Response {
    let agent_id = match &authentication {
        Authentication::Fresh { agent_id, .. } => agent_id.clone(),
        Authentication::Session { session, .. } => session.agent_id.clone(),
    };
    let Some(agent) = shared.agent(&agent_id) else {
        return html::error_page_with_status(
            StatusCode::INTERNAL_SERVER_ERROR,
            shared.platform.display_name(),
            "server_error",
            &format!("Agent « {agent_id} » inconnu du simulateur."),
        );
    };
    let request = login.agent_request.clone().unwrap_or_default();
    let refuse = |description: &str| {
        tracing::warn!(client_id = %login.client_id, agent = %agent.id, description, "login refused: access_denied");
        Redirect::to(&shared.error_callback(&login.redirect_uri, &login.state, "access_denied", description))
            .into_response()
    };
    let public_only = shared.clients.get(&login.client_id).is_some_and(|c| c.public_only);
    if public_only && !agent.is_public_agent() {
        return refuse(NOT_A_PUBLIC_AGENT);
    }
    let (cookie, session) = match authentication {
        Authentication::Session { cookie, session } => (cookie, session),
        Authentication::Fresh {
            idp_acr,
            email_code_chosen,
            ..
        } => {
            let idp_acr = idp_acr.unwrap_or_else(|| agent.idp_acr.clone());
            let mut amr = acr::idp_amr(&idp_acr);
            // ProConnect sends its e-mail code only when the identity
            // provider's level falls short and a `-mfa` level would do.
            let email_code_done = email_code_chosen
                && acr::login_acr(&idp_acr, &request.essential_acr, false).is_none()
                && acr::email_code_may_help(&request.essential_acr);
            if email_code_done {
                amr.push(acr::EMAIL_CODE_AMR.to_owned());
            }
            let session = AgentSession::new(&agent.id, &idp_acr, email_code_done, amr, tokens::now());
            (None, session)
        }
    };
    let Some(acr) = acr::login_acr(&session.idp_acr, &request.essential_acr, session.email_code_done) else {
        return refuse(ACR_NOT_SATISFIED);
    };
    let cookie = cookie.unwrap_or_else(random::token);
    {
        let mut store = shared.store();
        store.agent_sessions.insert(cookie.clone(), session.clone());
    }
    let grant = CodeGrant {
        login,
        identity_id: agent.id.clone(),
        acr,
        amr: session.amr,
        auth_time: session.auth_time,
        sid: Some(session.sid),
        issued: std::time::Instant::now(),
    };
    let url = shared.issue_code(grant);
    let mut response = Redirect::to(&url).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie::set_cookie(shared, &cookie));
    response
}
