//! Pending logins kept in the browser, not on the server: each login
//! attempt is sealed into its own short-lived cookie, so that an anonymous
//! `GET /auth/login` leaves nothing behind on the server.
//!
//! - **Sealed**: AES-256-GCM (the audited `aes-gcm` crate) under a key
//!   derived with HKDF-SHA256 from the configured secret
//!   ([`ConfigBuilder::login_cookie_secret`](crate::ConfigBuilder::login_cookie_secret))
//!   or from a random one drawn at start. The cookie's name is the AEAD's
//!   associated data, so a sealed value cannot be moved to another name.
//!   The previous secret, when configured, still opens cookies (rotation).
//! - **One per attempt**: named after a hash of its `state`
//!   (`fc_login_<16 characters>`), so two tabs never overwrite each other
//!   and a callback consumes exactly its own.
//! - **Host-only**: `__Host-` off loopback (browsers then refuse it unless
//!   `Secure`, without `Domain` and with `Path=/`), so that a sibling
//!   subdomain cannot plant its own pending login in a victim's browser and
//!   sign them in as someone else; `HttpOnly`, `SameSite=Lax`, and a
//!   `Max-Age` a minute longer than the pending-login lifetime (so that a
//!   late callback is told "expired", which the engine decides, rather than
//!   "unknown"). The associated data also binds the client id and the
//!   redirect URI.
//! - **Bounded**: a new login keeps at most [`MAX_PENDING`] older ones; the
//!   oldest beyond are cleared.
//! - **Single use**: a callback clears its cookie, and the state's hash is
//!   remembered (LRU-bounded, for the cookie's lifetime) so that a replayed cookie is
//!   refused by this instance; another instance would try the code
//!   exchange, which the provider refuses (codes are single-use).

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::HeaderMap;
use http::header::COOKIE;
use moka::future::Cache;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use moka::policy::EvictionPolicy;

use crate::config::Config;
use crate::flow::PendingLogin;
use crate::protocol::sealing::Sealer;
use crate::web::adapter::CookiePolicy;

/// How long a cookie outlives its pending login, so that a late callback
/// still finds it and is told it came too late.
const GRACE: Duration = Duration::from_secs(60);
/// At most this many consumed states are remembered (per instance).
const CONSUMED_CAPACITY: u64 = 100_000;
/// At most this many older pending logins are kept when a new one starts.
pub(crate) const MAX_PENDING: usize = 4;
/// At most this many bytes of pending-login cookies (as the browser sends
/// them, the new one included): five of the largest (a long `return_to`)
/// would take the `Cookie` header past the 8 KB many proxies accept.
pub(crate) const MAX_PENDING_BYTES: usize = 4096;
/// The cookie names' stem (after the `__Host-` prefix off loopback).
const STEM: &str = "fc_login_";
/// HKDF's `info`: the key is for this purpose only.
const KEY_INFO: &[u8] = b"franceconnect-rs pending login cookie v1";

/// What a cookie carries: the pending login and the issuer it belongs to.
#[derive(Serialize, Deserialize)]
struct Sealed {
    iss: String,
    login: PendingLogin,
}

/// The sealing keys and the cookies' attributes, shared by every request.
pub(crate) struct LoginCookies {
    /// The current key first, then the previous one.
    keys: Sealer,
    issuer: String,
    /// What the associated data binds besides the cookie's name.
    binding: String,
    secure: bool,
    max_age: Duration,
    consumed: Cache<[u8; 32], ()>,
    /// With several platforms, each names its cookies after its issuer too:
    /// a callback on one platform's route never finds (nor clears) another
    /// platform's cookie.
    name_salt: Option<String>,
}

impl std::fmt::Debug for LoginCookies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginCookies")
            .field("secure", &self.secure)
            .finish_non_exhaustive()
    }
}

fn state_hash(state: &str) -> [u8; 32] {
    Sha256::digest(state.as_bytes()).into()
}

impl LoginCookies {
    /// The cookies of a service configured with `config`.
    pub(crate) fn new(config: &Config) -> Self {
        let lifetime = config.pending_login_lifetime() + GRACE;
        Self {
            keys: Sealer::new(config.login_cookie_secrets(), KEY_INFO),
            issuer: config.issuer().as_str().to_owned(),
            binding: format!("{} {}", config.client_id().as_str(), config.redirect_uri()),
            secure: CookiePolicy::from_config(config).secure(),
            max_age: lifetime,
            // LRU, not moka's default TinyLFU: every state is seen once, and
            // TinyLFU would refuse new ones once full, reopening replays.
            consumed: Cache::builder()
                .max_capacity(CONSUMED_CAPACITY)
                .eviction_policy(EvictionPolicy::lru())
                .time_to_live(lifetime)
                .build(),
            name_salt: None,
        }
    }

    /// The cookies of one platform among several (see `name_salt`).
    pub(crate) fn among_several(mut self) -> Self {
        self.name_salt = Some(self.issuer.clone());
        self
    }

    /// The hash a cookie is named and remembered by.
    fn hash(&self, state: &str) -> [u8; 32] {
        match &self.name_salt {
            Some(salt) => state_hash(&format!("{salt} {state}")),
            None => state_hash(state),
        }
    }

    /// The names' prefix: `__Host-fc_login_` off loopback.
    fn prefix(&self) -> &'static str {
        if self.secure { "__Host-fc_login_" } else { STEM }
    }

    /// The cookie's name for a login's `state`.
    fn name(&self, state: &str) -> String {
        format!("{}{}", self.prefix(), URL_SAFE_NO_PAD.encode(&self.hash(state)[..12]))
    }

    fn attributes(&self, max_age: u64) -> String {
        let secure = if self.secure { "; Secure" } else { "" };
        format!("Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}")
    }

    /// The associated data of a cookie: its name and what it is bound to.
    fn aad(&self, name: &str) -> String {
        format!("{name} {}", self.binding)
    }

    /// The `Set-Cookie` value that keeps `pending` in the browser.
    pub(crate) fn seal(&self, pending: &PendingLogin) -> String {
        let name = self.name(pending.state.secret());
        let plaintext = serde_json::to_vec(&Sealed {
            iss: self.issuer.clone(),
            login: pending.clone(),
        })
        .expect("a pending login serialises");
        let value = self.keys.seal(&plaintext, self.aad(&name).as_bytes());
        format!("{name}={value}; {}", self.attributes(self.max_age.as_secs()))
    }

    /// The pending login the request's cookies hold for `state`, if one
    /// opens with our keys, belongs to this issuer and names this state.
    pub(crate) fn open(&self, headers: &HeaderMap, state: &str) -> Option<PendingLogin> {
        let name = self.name(state);
        let login = self.open_named(&name, cookie_value(headers, &name)?)?;
        login.state.matches(state).then_some(login)
    }

    /// The pending login a cookie holds, if it opens with our keys and
    /// belongs to this issuer.
    fn open_named(&self, name: &str, value: &str) -> Option<PendingLogin> {
        let plaintext = self.keys.open(value, self.aad(name).as_bytes())?;
        let Sealed { iss, login } = serde_json::from_slice(&plaintext).ok()?;
        (iss == self.issuer).then_some(login)
    }

    /// The `Set-Cookie` values that clear the request's pending logins
    /// beyond the [`MAX_PENDING`] newest (unreadable ones first), and the
    /// older ones that would take the pending logins past
    /// [`MAX_PENDING_BYTES`] beside the new one (`new_cookie`, its
    /// `Set-Cookie` value), so that abandoned attempts cannot pile up in
    /// the browser nor swell its requests past what proxies accept.
    pub(crate) fn evict_old(&self, headers: &HeaderMap, new_cookie: &str) -> Vec<String> {
        let mut pending: Vec<(i64, &str, usize)> = cookies(headers)
            .filter(|(name, _)| name.starts_with(self.prefix()))
            .map(|(name, value)| {
                let created = self.open_named(name, value).map_or(i64::MIN, |p| p.created_at);
                // As the browser sends it: `name=value; `.
                (created, name, name.len() + value.len() + 3)
            })
            .collect();
        // Newest first: they are the ones kept.
        pending.sort_by_key(|&(created, _, _)| std::cmp::Reverse(created));
        let new_size = new_cookie.split(';').next().unwrap_or_default().len() + 2;
        let mut room = MAX_PENDING_BYTES.saturating_sub(new_size);
        let mut kept = 0;
        pending
            .into_iter()
            .filter(|&(_, _, size)| {
                let keep = kept < MAX_PENDING && size <= room;
                if keep {
                    kept += 1;
                    room -= size;
                }
                !keep
            })
            .map(|(_, name, _)| format!("{name}=; {}", self.attributes(0)))
            .collect()
    }

    /// True when the request carries a cookie for `state` (valid or not).
    pub(crate) fn present(&self, headers: &HeaderMap, state: &str) -> bool {
        cookie_value(headers, &self.name(state)).is_some()
    }

    /// The `Set-Cookie` value that removes the cookie of `state`.
    pub(crate) fn clear(&self, state: &str) -> String {
        format!("{}=; {}", self.name(state), self.attributes(0))
    }

    /// Marks `state` used; false when it was already (a replay).
    pub(crate) async fn consume(&self, state: &str) -> bool {
        self.consumed.entry(self.hash(state)).or_insert(()).await.is_fresh()
    }
}

/// The request's cookies, as `(name, value)`.
fn cookies(headers: &HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
}

/// The value of the cookie `name` in the request's `Cookie` headers.
fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    cookies(headers).find_map(|(k, v)| (k == name).then_some(v))
}

#[cfg(test)]
mod tests;
