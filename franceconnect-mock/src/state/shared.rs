//! [`Shared`]: everything the handlers of one platform share (its
//! configuration, people, keys, stores, scenarios and counters), and the
//! steps every login goes through: a pending login stored, a code issued,
//! an error sent back to the client's callback.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use crate::agents::Agent;
use crate::config::{Client, Platform};
use crate::data_provider::DataProvider;
use crate::identities::Identity;
use crate::jose::keys::KeyRing;
use crate::jose::tokens;
use crate::random;
use crate::scenarios::{Counters, Scenarios};
use crate::state::grants::CodeGrant;
use crate::state::lifetimes::interaction_lifetime;
use crate::state::pending_login::PendingLogin;
use crate::state::store::Store;
use crate::web::callback_url::callback_url;

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
    /// Registered data providers (resource servers on ProConnect) by id.
    pub data_providers: HashMap<String, DataProvider>,
    /// The private encryption key the mock generated for each data
    /// provider that registered none, by its id.
    pub data_provider_keys: HashMap<String, josekit::jwk::Jwk>,
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
