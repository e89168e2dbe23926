//! The provider's shared state: configuration, keys, scenarios, and the
//! in-memory stores of pending logins, authorization codes, access and
//! refresh tokens and ProConnect's single sign-on sessions, with their
//! lifetimes.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use crate::agents::Agent;
use crate::config::{Client, Eidas, Platform};
use crate::identities::Identity;
use crate::keys::KeyRing;
use crate::proconnect::AgentRequest;
use crate::proconnect::session::{AgentSession, SESSION_LIFETIME};
use crate::random;
use crate::scenarios::{Counters, Scenarios};
use crate::tokens;

/// How long a pending login (the interaction page) stays usable: the
/// platform's interaction lifetime, 30 minutes on FranceConnect and 10 on
/// FranceConnect+; on ProConnect, `oidc-provider`'s default hour.
pub(crate) fn interaction_lifetime(platform: Platform) -> Duration {
    match platform {
        Platform::FranceConnect => Duration::from_secs(30 * 60),
        Platform::FranceConnectPlus => Duration::from_secs(10 * 60),
        Platform::ProConnect => Duration::from_secs(60 * 60),
    }
}

/// Default lifetime of an authorization code: 30 seconds on
/// FranceConnect(+), 60 on ProConnect (its documentation).
pub(crate) fn default_code_lifetime(platform: Platform) -> Duration {
    match platform {
        Platform::FranceConnect | Platform::FranceConnectPlus => Duration::from_secs(30),
        Platform::ProConnect => Duration::from_secs(60),
    }
}

/// The clock leeway on a client assertion's `exp`; an assertion's `jti`
/// is remembered until its `exp` plus this.
pub(crate) const ASSERTION_LEEWAY_SECS: i64 = 30;

/// Lifetime of an access token on `platform`.
pub(crate) fn access_token_lifetime(platform: Platform) -> Duration {
    Duration::from_secs(tokens::token_lifetime_secs(platform))
}

/// Lifetime of a ProConnect refresh token: the platform's session lifetime.
pub(crate) const REFRESH_TOKEN_LIFETIME: Duration = SESSION_LIFETIME;

/// A validated authorization request waiting for the user.
#[derive(Debug, Clone)]
pub(crate) struct PendingLogin {
    /// The client.
    pub client_id: String,
    /// The exact redirect URI of the request.
    pub redirect_uri: String,
    /// The client's state.
    pub state: String,
    /// The client's nonce (always there on FranceConnect(+), optional on
    /// ProConnect).
    pub nonce: Option<String>,
    /// Granted (known) scopes.
    pub scopes: Vec<String>,
    /// The level resolved from `acr_values` (FranceConnect(+); a
    /// placeholder on ProConnect, whose levels are in `agent_request`).
    pub requested_acr: Eidas,
    /// Whether `claims` asked for `amr` in the ID token.
    pub amr_requested: bool,
    /// Whether `prompt` asked the user to authenticate again (`login`).
    pub force_login: bool,
    /// What a ProConnect request adds (`None` on FranceConnect(+)).
    pub agent_request: Option<AgentRequest>,
    /// When the request arrived.
    pub created: Instant,
}

/// An authorization code, redeemable once; a refresh token keeps it to
/// issue the same login's tokens again.
#[derive(Debug, Clone)]
pub(crate) struct CodeGrant {
    /// The login it comes from.
    pub login: PendingLogin,
    /// Who logged in: an identity's id, or on ProConnect an agent's.
    pub identity_id: String,
    /// The `acr` reached (an eIDAS level, or one of ProConnect's values).
    pub acr: String,
    /// The `amr` of the login, sent when the client asked for it.
    pub amr: Vec<String>,
    /// Login time (seconds since the epoch).
    pub auth_time: u64,
    /// The provider session's id, ProConnect's `sid` claim.
    pub sid: Option<String>,
    /// When the code was issued.
    pub issued: Instant,
}

/// An access token for userinfo.
#[derive(Debug, Clone)]
pub(crate) struct AccessGrant {
    /// The client it was issued to.
    pub client_id: String,
    /// Who logged in (an identity or an agent id).
    pub identity_id: String,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// Expiry.
    pub expires: Instant,
}

/// A ProConnect refresh token: the login it renews, for its client.
#[derive(Debug, Clone)]
pub(crate) struct RefreshGrant {
    /// The login's code grant (its client, person, scopes, acr, nonce).
    pub grant: CodeGrant,
    /// Expiry.
    pub expires: Instant,
}

/// A redeemed authorization code: what it gave, revoked if it comes back.
#[derive(Debug, Clone)]
pub(crate) struct RedeemedCode {
    /// The access token it gave, once issued.
    pub access_token: Option<String>,
    /// The refresh token it gave (ProConnect).
    pub refresh_token: Option<String>,
    /// When it was redeemed.
    pub at: Instant,
}

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
        self.agent_sessions
            .retain(|_, session| now.duration_since(session.created) < SESSION_LIFETIME);
        let unix_now = crate::tokens::now() as i64;
        self.used_assertions
            .retain(|_, exp| *exp >= unix_now - ASSERTION_LEEWAY_SECS);
    }
}

/// Everything the handlers share.
pub(crate) struct Shared {
    /// Platform imitated.
    pub platform: Platform,
    /// `http://127.0.0.1:{port}/api/v2` (`…/fc/api/v2` in a federation).
    pub issuer: String,
    /// The issuer's path, `/api/v2` (`/fc/api/v2` in a federation): where
    /// the routes are, and what the pages' forms post to, so that each
    /// platform of a federation keeps its browsers on its own endpoints.
    pub base_path: String,
    /// The path of ProConnect's session cookie: `/` alone, the platform's
    /// prefix in a federation, so that another platform never receives it.
    pub cookie_path: String,
    /// Registered clients by id.
    pub clients: HashMap<String, Client>,
    /// The people who can log in (replaceable while running).
    pub identities: RwLock<Vec<Identity>>,
    /// The agents who can log in on ProConnect (replaceable while running).
    pub agents: RwLock<Vec<Agent>>,
    /// Signing keys.
    pub keys: RwLock<KeyRing>,
    /// Pending logins, codes, tokens.
    pub store: Mutex<Store>,
    /// Switchable behaviours.
    pub scenarios: Mutex<Scenarios>,
    /// Request counters.
    pub counters: Counters,
    /// Lifetime of authorization codes.
    pub code_lifetime: Duration,
    /// HTTP client used to fetch clients' JWKS.
    pub http: reqwest::Client,
}

impl Shared {
    /// The store, recovering from a poisoned lock.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The scenarios, recovering from a poisoned lock.
    pub(crate) fn scenarios(&self) -> MutexGuard<'_, Scenarios> {
        self.scenarios.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The keys, for reading.
    pub(crate) fn keys(&self) -> RwLockReadGuard<'_, KeyRing> {
        self.keys.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The keys, for rotation.
    pub(crate) fn keys_mut(&self) -> RwLockWriteGuard<'_, KeyRing> {
        self.keys.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Forgets the expired entries of `store`.
    pub(crate) fn prune(&self, store: &mut Store) {
        store.prune(self.code_lifetime, interaction_lifetime(self.platform));
    }

    /// The people who can log in.
    pub(crate) fn identities(&self) -> RwLockReadGuard<'_, Vec<Identity>> {
        self.identities.read().unwrap_or_else(|e| e.into_inner())
    }

    /// An identity by id.
    pub(crate) fn identity(&self, id: &str) -> Option<Identity> {
        self.identities().iter().find(|i| i.id == id).cloned()
    }

    /// The agents who can log in on ProConnect.
    pub(crate) fn agents(&self) -> RwLockReadGuard<'_, Vec<Agent>> {
        self.agents.read().unwrap_or_else(|e| e.into_inner())
    }

    /// An agent by id.
    pub(crate) fn agent(&self, id: &str) -> Option<Agent> {
        self.agents().iter().find(|a| a.id == id).cloned()
    }

    /// The `sub` of `identity_id` (an identity, or on ProConnect an agent)
    /// for `client_id`: pairwise on FranceConnect(+), the agent's own UUID
    /// on ProConnect (`None` for an agent no longer listed).
    pub(crate) fn subject(&self, client_id: &str, identity_id: &str) -> Option<String> {
        match self.platform {
            Platform::FranceConnect | Platform::FranceConnectPlus => Some(tokens::pairwise_sub(client_id, identity_id)),
            Platform::ProConnect => self.agent(identity_id).map(|agent| agent.sub),
        }
    }

    /// Stores a pending login and returns its interaction uid.
    pub(crate) fn add_pending(&self, login: PendingLogin) -> String {
        let uid = random::token();
        let mut store = self.store();
        self.prune(&mut store);
        store.pending.insert(uid.clone(), login);
        uid
    }

    /// When the user authenticated: now, unless a test says they came with
    /// an older single sign-on session and the request did not force a new
    /// authentication (`prompt=login`).
    fn auth_time(&self, login_forced: bool) -> u64 {
        let sso_age = self.scenarios().sso_age_secs;
        if login_forced {
            tokens::now()
        } else {
            tokens::now().saturating_sub(sso_age)
        }
    }

    /// Completes a FranceConnect(+) login: issues a code and returns the
    /// callback URL `redirect_uri?code=…&state=…&iss=…`.
    pub(crate) fn complete_login(&self, login: PendingLogin, identity_id: &str, acr: Eidas) -> String {
        let login_forced = login.force_login;
        let grant = CodeGrant {
            login,
            identity_id: identity_id.to_owned(),
            acr: acr.as_str().to_owned(),
            amr: tokens::franceconnect_amr(self.platform)
                .iter()
                .map(|value| (*value).to_owned())
                .collect(),
            auth_time: self.auth_time(login_forced),
            sid: None,
            issued: Instant::now(),
        };
        self.issue_code(grant)
    }

    /// Stores `grant` under a new code and returns the callback URL
    /// `redirect_uri?code=…&state=…&iss=…`.
    pub(crate) fn issue_code(&self, grant: CodeGrant) -> String {
        let code = random::token();
        let login = &grant.login;
        let url = callback_url(
            &login.redirect_uri,
            &[("code", &code), ("state", &login.state), ("iss", &self.issuer)],
        );
        tracing::info!(client_id = %login.client_id, identity = %grant.identity_id, acr = %grant.acr, "login completed, code issued");
        let mut store = self.store();
        self.prune(&mut store);
        store.codes.insert(code, grant);
        url
    }

    /// The callback URL carrying an error in its query.
    pub(crate) fn error_callback(&self, redirect_uri: &str, state: &str, error: &str, description: &str) -> String {
        callback_url(
            redirect_uri,
            &[
                ("error", error),
                ("error_description", description),
                ("state", state),
                ("iss", &self.issuer),
            ],
        )
    }

    /// The callback URL carrying an error in its fragment (the default
    /// response mode of the implicit and hybrid response types, which the
    /// platform uses to refuse them).
    pub(crate) fn error_callback_fragment(
        &self,
        redirect_uri: &str,
        state: &str,
        error: &str,
        description: &str,
    ) -> String {
        let fragment: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("error", error),
                ("error_description", description),
                ("state", state),
                ("iss", &self.issuer),
            ])
            .finish();
        match url::Url::parse(redirect_uri) {
            Ok(mut url) => {
                url.set_fragment(Some(&fragment));
                url.to_string()
            }
            Err(_) => format!("{redirect_uri}#{fragment}"),
        }
    }
}

/// `base` with `params` appended to its query.
pub(crate) fn callback_url(base: &str, params: &[(&str, &str)]) -> String {
    match url::Url::parse(base) {
        Ok(mut url) => {
            {
                let mut query = url.query_pairs_mut();
                for (name, value) in params {
                    query.append_pair(name, value);
                }
            }
            url.to_string()
        }
        // Registered URIs are validated at start; keep a sane fallback.
        Err(_) => {
            let query: String = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(params)
                .finish();
            let separator = if base.contains('?') { '&' } else { '?' };
            format!("{base}{separator}{query}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interaction_lifetime_is_the_platform_one() {
        assert_eq!(interaction_lifetime(Platform::FranceConnect), Duration::from_secs(1800));
        assert_eq!(
            interaction_lifetime(Platform::FranceConnectPlus),
            Duration::from_secs(600)
        );
        assert_eq!(default_code_lifetime(Platform::FranceConnect), Duration::from_secs(30));
        assert_eq!(default_code_lifetime(Platform::ProConnect), Duration::from_secs(60));
    }
}
