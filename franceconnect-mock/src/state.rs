//! The provider's shared state: configuration, keys, scenarios, and the
//! in-memory stores of pending logins, authorization codes and access
//! tokens with their lifetimes.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use crate::config::{Client, Eidas, Platform};
use crate::identities::Identity;
use crate::keys::KeyRing;
use crate::random;
use crate::scenarios::{Counters, Scenarios};
use crate::tokens;

/// How long a pending login (the interaction page) stays usable: the
/// platform's interaction lifetime, 30 minutes on FranceConnect and 10 on
/// FranceConnect+.
pub(crate) fn interaction_lifetime(platform: Platform) -> Duration {
    match platform {
        Platform::FranceConnect => Duration::from_secs(30 * 60),
        Platform::FranceConnectPlus => Duration::from_secs(10 * 60),
    }
}

/// Default lifetime of an authorization code.
pub(crate) const DEFAULT_CODE_LIFETIME: Duration = Duration::from_secs(30);

/// The clock leeway on a client assertion's `exp`; an assertion's `jti`
/// is remembered until its `exp` plus this.
pub(crate) const ASSERTION_LEEWAY_SECS: i64 = 30;

/// Lifetime of an access token.
pub(crate) const ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(tokens::TOKEN_LIFETIME_SECS);

/// A validated authorization request waiting for the user.
#[derive(Debug, Clone)]
pub(crate) struct PendingLogin {
    /// The client.
    pub client_id: String,
    /// The exact redirect URI of the request.
    pub redirect_uri: String,
    /// The client's state.
    pub state: String,
    /// The client's nonce.
    pub nonce: String,
    /// Granted (known) scopes.
    pub scopes: Vec<String>,
    /// The level resolved from `acr_values`.
    pub requested_acr: Eidas,
    /// Whether `claims` asked for `amr` in the ID token.
    pub amr_requested: bool,
    /// Whether `prompt` asked the user to authenticate again (`login`).
    pub force_login: bool,
    /// When the request arrived.
    pub created: Instant,
}

/// An authorization code, redeemable once.
#[derive(Debug, Clone)]
pub(crate) struct CodeGrant {
    /// The login it comes from.
    pub login: PendingLogin,
    /// Who logged in.
    pub identity_id: String,
    /// The level reached.
    pub acr: Eidas,
    /// Login time (seconds since the epoch).
    pub auth_time: u64,
    /// When the code was issued.
    pub issued: Instant,
}

/// An access token for userinfo.
#[derive(Debug, Clone)]
pub(crate) struct AccessGrant {
    /// The client it was issued to.
    pub client_id: String,
    /// Who logged in.
    pub identity_id: String,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// Expiry.
    pub expires: Instant,
}

/// In-memory stores.
#[derive(Debug, Default)]
pub(crate) struct Store {
    /// Pending logins by interaction uid.
    pub pending: HashMap<String, PendingLogin>,
    /// Unredeemed codes.
    pub codes: HashMap<String, CodeGrant>,
    /// Redeemed codes, with the access token they gave (revoked on reuse)
    /// and when they were redeemed.
    pub used_codes: HashMap<String, (Option<String>, Instant)>,
    /// Live access tokens.
    pub access_tokens: HashMap<String, AccessGrant>,
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
            .retain(|_, (_, at)| now.duration_since(*at) < Duration::from_secs(600));
        self.access_tokens.retain(|_, t| t.expires > now);
        let unix_now = crate::tokens::now() as i64;
        self.used_assertions
            .retain(|_, exp| *exp >= unix_now - ASSERTION_LEEWAY_SECS);
    }
}

/// Everything the handlers share.
pub(crate) struct Shared {
    /// Platform imitated.
    pub platform: Platform,
    /// `http://127.0.0.1:{port}/api/v2`.
    pub issuer: String,
    /// Registered clients by id.
    pub clients: HashMap<String, Client>,
    /// The people who can log in (replaceable while running).
    pub identities: RwLock<Vec<Identity>>,
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

    /// Completes a login: issues a code and returns the callback URL
    /// `redirect_uri?code=…&state=…&iss=…`.
    pub(crate) fn complete_login(&self, login: PendingLogin, identity_id: &str, acr: Eidas) -> String {
        let code = random::token();
        let login_forced = login.force_login;
        let url = callback_url(
            &login.redirect_uri,
            &[("code", &code), ("state", &login.state), ("iss", &self.issuer)],
        );
        tracing::info!(client_id = %login.client_id, identity = identity_id, acr = %acr, "login completed, code issued");
        let grant = CodeGrant {
            login,
            identity_id: identity_id.to_owned(),
            acr,
            auth_time: self.auth_time(login_forced),
            issued: Instant::now(),
        };
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
    }
}
