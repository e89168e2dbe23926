//! Which agent a ProConnect login picks when nobody chooses on the page
//! (automatic approval, a simulated single sign-on session) and which one
//! the page preselects: the hints of the request, else the first agent.

use crate::agents::Agent;
use crate::state::pending_login::AgentRequest;
use crate::state::pending_login::PendingLogin;
use crate::state::shared::Shared;

/// The agent a login picks without the page: the one `auto_approve`
/// names, else [`default_agent`].
pub(crate) fn automatic_agent(shared: &Shared, login: &PendingLogin) -> Option<Agent> {
    let named = shared.scenarios().auto_approve.as_ref().and_then(|(id, _)| id.clone());
    match named {
        Some(id) => shared.agent(&id),
        None => default_agent(shared, login.agent_request.as_ref()),
    }
}

/// The agent a request points to: the one whose e-mail is the
/// `login_hint`, else the first of the hinted identity provider, else the
/// first agent.
pub(crate) fn default_agent(shared: &Shared, request: Option<&AgentRequest>) -> Option<Agent> {
    let agents = shared.agents();
    let hinted_email = request.and_then(|r| r.login_hint.as_deref());
    let hinted_idp = request.and_then(|r| r.idp_hint.as_deref());
    agents
        .iter()
        .find(|agent| hinted_email == Some(agent.email.as_str()))
        .or_else(|| agents.iter().find(|agent| hinted_idp == Some(agent.idp_id.as_str())))
        .or_else(|| agents.first())
        .cloned()
}
