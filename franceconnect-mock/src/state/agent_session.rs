//! [`AgentSession`]: what ProConnect's single sign-on session remembers
//! of an agent's login, kept in the store under its cookie's value (the
//! cookie is `proconnect::session_cookie`, its reuse
//! `proconnect::session_reuse`).

use std::time::Instant;

use crate::random;

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
