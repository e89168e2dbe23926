//! [`MockHandle`]: the running mock, its address, and the scenario switches.

use std::net::SocketAddr;
use std::sync::Arc;

use crate::agents::Agent;
use crate::config::{Eidas, Platform};
use crate::identities::Identity;
use crate::launch::listener::Server;
use crate::scenarios::{Endpoint, Failure, Scenarios, Tamper};
use crate::state::shared::Shared;

/// A running mock provider, or one platform of a running
/// [`MockFederation`](crate::MockFederation). Cheap to clone; the server
/// stops on [`MockHandle::shutdown`] or when the last clone (and, in a
/// federation, the last handle of any of its platforms) is dropped.
#[derive(Clone)]
pub struct MockHandle {
    inner: Arc<Inner>,
}

/// What the clones share.
struct Inner {
    shared: Arc<Shared>,
    /// The listener serving this platform (and, in a federation, the
    /// others): it stops when its last handle is dropped.
    server: Arc<Server>,
}

impl std::fmt::Debug for MockHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockHandle")
            .field("issuer", &self.inner.shared.issuer)
            .field("platform", &self.inner.shared.platform)
            .finish()
    }
}

impl MockHandle {
    /// The handle of the platform whose state is `shared`, served by
    /// `server`.
    pub(crate) fn new(shared: Arc<Shared>, server: Arc<Server>) -> Self {
        MockHandle {
            inner: Arc::new(Inner { shared, server }),
        }
    }

    fn shared(&self) -> &Shared {
        &self.inner.shared
    }

    fn with_scenarios<R>(&self, f: impl FnOnce(&mut Scenarios) -> R) -> R {
        f(&mut self.shared().scenarios())
    }

    /// The issuer, e.g. `http://127.0.0.1:4000/api/v2` (in a federation
    /// `http://127.0.0.1:4000/fc/api/v2` and the like; no trailing slash);
    /// discovery is at `{issuer}/.well-known/openid-configuration`.
    pub fn issuer(&self) -> String {
        self.shared().issuer.clone()
    }

    /// The bound address (in a federation, the one all platforms share).
    pub fn addr(&self) -> SocketAddr {
        self.inner.server.addr()
    }

    /// The platform imitated.
    pub fn platform(&self) -> Platform {
        self.shared().platform
    }

    /// The identities that can log in.
    pub fn identities(&self) -> Vec<Identity> {
        self.shared().identities().clone()
    }

    /// The agents who can log in on ProConnect.
    pub fn agents(&self) -> Vec<Agent> {
        self.shared().agents().clone()
    }

    /// Replaces the agents who can log in on ProConnect, while running.
    /// The first one is the default agent. An empty list is ignored.
    pub fn set_agents(&self, agents: Vec<Agent>) {
        if agents.is_empty() {
            tracing::warn!("set_agents: an empty list is ignored");
            return;
        }
        *self.shared().agents.write().unwrap_or_else(|e| e.into_inner()) = agents;
    }

    /// The provider's current public signing JWKS.
    pub fn jwks(&self) -> serde_json::Value {
        self.shared().keys().current.public_jwks()
    }

    /// The private JWK set (`{"keys":[…]}`) of the encryption key the mock
    /// generated for the data provider `client_id` (one registered without
    /// keys, on FranceConnect or FranceConnect+): what that data provider
    /// decrypts the checktoken answers with. `None` for a data provider
    /// that registered its own keys, or an unknown one.
    ///
    /// For development and tests only: a real data provider's private key
    /// never leaves it.
    pub fn data_provider_private_jwks(&self, client_id: &str) -> Option<serde_json::Value> {
        let key = self.shared().data_provider_keys.get(client_id)?;
        Some(serde_json::json!({ "keys": [serde_json::Value::Object(key.as_ref().clone())] }))
    }

    /// Headless logins: when on, a valid `GET /authorize` immediately
    /// redirects (303) to the callback with a code, as if `identity_id`
    /// (default: the first identity) logged in at `eidas` (default: the
    /// requested level). `None, None` turns it off, so to log in as the
    /// default person at the requested level pass its id:
    /// `auto_approve(Some("default"), None)`.
    ///
    /// On ProConnect `identity_id` is an agent's id (default: the agent
    /// whose e-mail is the request's `login_hint`, else the first of the
    /// hinted identity provider, else the first agent) and `eidas`, when
    /// given, is the acr its identity provider answers instead of the
    /// agent's `idp_acr`; whether the agent enters ProConnect's e-mail code
    /// is [`set_agent_mfa`](Self::set_agent_mfa)'s. The platform's checks
    /// still apply: a required level not met, or a private-sector user at
    /// a public-only service, is `access_denied`; and a browser whose
    /// single sign-on session fits the request logs in as that session's
    /// agent, before any automatic choice.
    pub fn auto_approve(&self, identity_id: Option<&str>, eidas: Option<Eidas>) {
        let setting = match (identity_id, eidas) {
            (None, None) => None,
            (id, level) => Some((id.map(str::to_owned), level)),
        };
        self.with_scenarios(|s| s.auto_approve = setting);
    }

    /// When `Some(code)`, logins are answered on the callback with
    /// `?error=code&error_description=…&state=…&iss=…` (e.g.
    /// `access_denied`, `server_error`, `temporarily_unavailable`) until
    /// turned off with `None`.
    pub fn set_callback_error(&self, error: Option<&str>) {
        self.with_scenarios(|s| s.callback_error = error.map(str::to_owned));
    }

    /// Injects (or with `None` removes) a failure on an endpoint
    /// (`Token`, `Userinfo`, `Jwks`, `Discovery`, `Revocation`, `Checktoken`
    /// or `Introspection`; ignored on the others).
    pub fn set_failure(&self, endpoint: Endpoint, failure: Option<Failure>) {
        if matches!(endpoint, Endpoint::Authorize | Endpoint::SessionEnd) {
            tracing::warn!(
                ?endpoint,
                "set_failure: only Token, Userinfo, Jwks, Discovery, Revocation, Checktoken and Introspection can fail"
            );
            return;
        }
        self.with_scenarios(|s| s.set_failure(endpoint, failure));
    }

    /// Replaces the signing keys with newly generated ones of the same
    /// kinds (new kids); the old keys leave the JWKS and are no longer used
    /// to sign. An RS256 key takes a tenth of a second or more to generate.
    pub fn rotate_signing_key(&self) {
        let current = self.shared().keys().current.clone();
        let fresh = current.rotated().expect("key generation with OpenSSL succeeds");
        let mut keys = self.shared().keys_mut();
        let old = std::mem::replace(&mut keys.current, fresh);
        keys.retired.push(old);
        tracing::info!("scenario: signing keys rotated");
    }

    /// Tokens carry this `acr` whatever was requested and chosen (`None`:
    /// the level reached).
    pub fn set_acr_override(&self, acr: Option<Eidas>) {
        self.with_scenarios(|s| s.acr_override = acr);
    }

    /// ID tokens carry exactly this `acr` string, on any platform, whatever
    /// was requested and reached (for a client's tests of an unknown or
    /// unasked value); it wins over
    /// [`set_acr_override`](Self::set_acr_override). `None` turns it off.
    pub fn set_acr_value_override(&self, acr: Option<&str>) {
        self.with_scenarios(|s| s.acr_value_override = acr.map(str::to_owned));
    }

    /// Whether automatic ProConnect logins (and the sessions
    /// [`set_sso_age`](Self::set_sso_age) stands for) go through
    /// ProConnect's e-mail code, which raises an identity provider's
    /// `eidas0`/`eidas1` to `eidas0-mfa`/`eidas1-mfa` when the service
    /// requires it and adds `mail` to `amr`. Off by default; on the login
    /// page it is the tester's checkbox.
    pub fn set_agent_mfa(&self, mfa: bool) {
        self.with_scenarios(|s| s.agent_mfa = mfa);
    }

    /// Tampers with the tokens issued from now on (`None`: correct tokens).
    pub fn set_tamper(&self, tamper: Option<Tamper>) {
        self.with_scenarios(|s| s.tamper = tamper);
    }

    /// Makes the provider's clock run `secs` seconds ahead of the machine's
    /// (behind when negative): the times written in the tokens it issues
    /// (`iat`, `exp`, `auth_time`) move by that much.
    pub fn set_clock_offset(&self, secs: i64) {
        self.with_scenarios(|s| s.clock_offset_secs = secs);
    }

    /// Makes discovery name the token, userinfo, JWKS and logout endpoints
    /// under `origin` (such as `http://127.0.0.1:9999`) instead of under the
    /// issuer, as a tampered discovery document would: a client must refuse
    /// it and send nothing there. `None` restores the real document.
    pub fn set_foreign_endpoints(&self, origin: Option<&str>) {
        let origin = origin.map(|o| o.trim_end_matches('/').to_owned());
        self.with_scenarios(|s| s.foreign_endpoints = origin);
    }

    /// Makes the next logins come from a single sign-on session at the
    /// provider that authenticated the user `age` ago: their `auth_time` is
    /// that old, unless the request forces a new authentication
    /// (`prompt=login`). `Duration::ZERO` restores fresh logins.
    ///
    /// On ProConnect the browser then arrives with a session for the agent
    /// an automatic login would pick: `prompt=none` gets a code instead of
    /// `login_required`, and any request the session fits (hints, required
    /// levels short of `eidas2`/`eidas3`) gets one without the login page,
    /// `prompt=login` included, as the platform does.
    pub fn set_sso_age(&self, age: std::time::Duration) {
        self.with_scenarios(|s| s.sso_age_secs = age.as_secs());
    }

    /// Replaces the people who can sign in, while running (a test that
    /// tries a particular identity, well-formed or not). The first one is
    /// the default person. An empty list is ignored.
    pub fn set_identities(&self, identities: Vec<Identity>) {
        if identities.is_empty() {
            tracing::warn!("set_identities: an empty list is ignored");
            return;
        }
        *self.shared().identities.write().unwrap_or_else(|e| e.into_inner()) = identities;
    }

    /// Requests received by `endpoint` since start (or the last
    /// [`reset_counts`](Self::reset_counts)).
    pub fn request_count(&self, endpoint: Endpoint) -> usize {
        self.shared().counters.get(endpoint)
    }

    /// The access tokens still valid (issued, neither expired, revoked nor
    /// ended by a logout), for all clients.
    pub fn live_access_tokens(&self) -> usize {
        let now = std::time::Instant::now();
        self.shared()
            .store()
            .access_tokens
            .values()
            .filter(|g| g.expires > now)
            .count()
    }

    /// The refresh tokens still valid (ProConnect: issued, neither used,
    /// expired, revoked nor ended by a logout), for all clients.
    pub fn live_refresh_tokens(&self) -> usize {
        let now = std::time::Instant::now();
        self.shared()
            .store()
            .refresh_tokens
            .values()
            .filter(|t| t.expires > now)
            .count()
    }

    /// Makes the access tokens issued from now on live `lifetime` instead
    /// of the platform's (60 seconds on FranceConnect(+), an hour on
    /// ProConnect): `expires_in` says so, and the token stops working then
    /// (for a client's tests of expiry and refresh). `None` restores the
    /// platform's. The ID token keeps the platform's lifetime.
    pub fn set_access_token_lifetime(&self, lifetime: Option<std::time::Duration>) {
        self.with_scenarios(|s| s.access_token_lifetime = lifetime);
    }

    /// Sets all request counters back to zero.
    pub fn reset_counts(&self) {
        self.shared().counters.reset();
    }

    /// Turns every scenario off (counters are kept).
    pub fn reset(&self) {
        self.with_scenarios(|s| {
            let last_nonce = s.last_nonce.take();
            *s = Scenarios::default();
            s.last_nonce = last_nonce;
        });
    }

    /// Stops the server and waits for it to finish. In a federation this
    /// stops the shared listener, every platform with it.
    pub async fn shutdown(self) {
        self.inner.server.shutdown().await;
    }
}
