//! [`Store`]: the in-memory maps of pending logins, codes, tokens,
//! ProConnect sessions and seen client assertions, and their pruning.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::jose::tokens;
use crate::state::agent_session::AgentSession;
use crate::state::grants::{AccessGrant, CodeGrant, ConsumedRefreshToken, RedeemedCode, RefreshGrant};
use crate::state::lifetimes::{ASSERTION_LEEWAY_SECS, SESSION_LIFETIME};
use crate::state::pending_login::PendingLogin;

/// In-memory stores.
#[derive(Debug, Default)]
pub(crate) struct Store {
    /// Pending logins by interaction uid.
    pub pending: HashMap<String, PendingLogin>,
    /// Unredeemed codes.
    pub codes: HashMap<String, CodeGrant>,
    /// Redeemed codes, by code.
    pub used_codes: HashMap<String, RedeemedCode>,
    /// Live access tokens.
    pub access_tokens: HashMap<String, AccessGrant>,
    /// Live ProConnect refresh tokens.
    pub refresh_tokens: HashMap<String, RefreshGrant>,
    /// ProConnect refresh tokens already used, until they would have
    /// expired: presented again, they end their grant.
    pub consumed_refresh_tokens: HashMap<String, ConsumedRefreshToken>,
    /// ProConnect single sign-on sessions, by the id their cookie carries.
    pub agent_sessions: HashMap<String, AgentSession>,
    /// The `jti` of each client assertion accepted (`client_id` and `jti`),
    /// with its expiry (Unix seconds), refused when seen again.
    pub used_assertions: HashMap<(String, String), i64>,
    /// When expired entries were last dropped.
    pub last_pruned: Option<Instant>,
}

impl Store {
    /// Forgets everything expired, at most once a second: it walks every
    /// entry, and the handlers check lifetimes themselves when they read
    /// one, so pruning only bounds memory (and scanning on every request
    /// would make a sustained load quadratic).
    pub(crate) fn prune(&mut self, code_lifetime: Duration, interaction_lifetime: Duration) {
        let now = Instant::now();
        if self
            .last_pruned
            .is_some_and(|t| now.duration_since(t) < Duration::from_secs(1))
        {
            return;
        }
        self.last_pruned = Some(now);
        self.pending
            .retain(|_, p| now.duration_since(p.created) < interaction_lifetime);
        self.codes
            .retain(|_, c| now.duration_since(c.issued) < code_lifetime.max(Duration::from_secs(60)));
        self.used_codes
            .retain(|_, redeemed| now.duration_since(redeemed.at) < Duration::from_secs(600));
        self.access_tokens.retain(|_, t| t.expires > now);
        self.refresh_tokens.retain(|_, t| t.expires > now);
        self.consumed_refresh_tokens.retain(|_, t| t.expires > now);
        self.agent_sessions
            .retain(|_, session| now.duration_since(session.created) < SESSION_LIFETIME);
        let unix_now = tokens::now() as i64;
        self.used_assertions
            .retain(|_, exp| *exp >= unix_now - ASSERTION_LEEWAY_SECS);
    }
}
