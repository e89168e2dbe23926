//! The provider's signing keys: cached for as long as the provider says,
//! re-fetched when a token names an unknown `kid` — at most once per
//! cooldown, so that forged key ids cannot make us hammer the provider.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use josekit::jwk::{Jwk, JwkSet};
use url::Url;

use crate::algorithms::SigningAlg;
use crate::cached_document::CachedDocument;
use crate::error::{Error, JoseError};
use crate::http_client::HttpClient;
use crate::jose;

/// At most this many keys are tried for a token that names no `kid`.
const MAX_CANDIDATES: usize = 4;

pub(crate) struct ProviderJwks {
    document: CachedDocument<Vec<Jwk>>,
    cooldown: Duration,
    last_forced_refetch: Mutex<Option<Instant>>,
}

impl ProviderJwks {
    pub(crate) fn new(http: HttpClient, cooldown: Duration) -> Self {
        let parse = Box::new(|body: &[u8]| {
            let set = JwkSet::from_bytes(body)
                .map_err(|_| Error::Discovery("the provider's JWKS is not a valid JWK set".into()))?;
            Ok(set.keys().into_iter().cloned().collect())
        });
        Self {
            document: CachedDocument::new("jwks", http, parse),
            cooldown,
            last_forced_refetch: Mutex::new(None),
        }
    }

    /// Verifies a compact JWS with the provider's keys and returns its
    /// payload.
    pub(crate) async fn verify(
        &self,
        jwks_uri: &Url,
        token: &str,
        allowed: &[SigningAlg],
        max_len: usize,
    ) -> Result<serde_json::Map<String, serde_json::Value>, Error> {
        let header = jose::Header::parse(token, 3, max_len)?;
        let alg = header.signing_alg(allowed)?;
        let kid = header.kid();
        let mut keys = self.candidates(&self.document.get(jwks_uri).await?, kid, alg);
        if keys.is_empty() {
            if self.may_refetch() {
                tracing::info!(kid, "unknown signing key id: re-fetching the provider's JWKS");
                keys = self.candidates(&self.document.refresh(jwks_uri).await?, kid, alg);
            } else {
                // Another task may be re-fetching right now: share its result.
                keys = self.candidates(&self.document.get(jwks_uri).await?, kid, alg);
            }
        }
        if keys.is_empty() {
            tracing::warn!(kid, "no provider key matches the token");
            return Err(JoseError::UnknownKey.into());
        }
        let mut last = JoseError::BadSignature;
        for key in keys.iter().take(MAX_CANDIDATES) {
            match jose::verify_with_key(token, alg, key) {
                Ok(payload) => return Ok(payload),
                Err(e) => last = e,
            }
        }
        Err(last.into())
    }

    fn candidates(&self, keys: &[Jwk], kid: Option<&str>, alg: SigningAlg) -> Vec<Jwk> {
        keys.iter()
            .filter(|k| kid.is_none_or(|kid| k.key_id() == Some(kid)) && jose::key_fits(k, alg))
            .cloned()
            .collect()
    }

    /// True at most once per cooldown.
    fn may_refetch(&self) -> bool {
        let mut last = self.last_forced_refetch.lock().expect("not poisoned");
        if last.is_some_and(|t| t.elapsed() < self.cooldown) {
            return false;
        }
        *last = Some(Instant::now());
        true
    }
}
