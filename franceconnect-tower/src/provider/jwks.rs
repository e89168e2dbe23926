//! The provider's signing keys: cached for as long as the provider says,
//! re-fetched when a token names an unknown `kid` — at most once per
//! cooldown, so that forged key ids cannot make us hammer the provider.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use josekit::jwk::Jwk;
use josekit::jws::JwsVerifier;
use serde_json::Value;
use url::Url;

use crate::error::{Error, JoseError};
use crate::jose;
use crate::jose::SigningAlg;
use crate::provider::cached_document::{CachedDocument, JWKS};
use crate::provider::http_client::HttpClient;

/// At most this many keys are tried for a token that names no `kid`.
const MAX_CANDIDATES: usize = 4;

/// One provider key, ready to verify one algorithm (a key that fits both
/// ES256 and RS256 cannot exist, but the type does not rely on it).
#[derive(Clone)]
pub(crate) struct ProviderKey {
    kid: Option<String>,
    alg: SigningAlg,
    verifier: Arc<dyn JwsVerifier>,
}

impl ProviderKey {
    /// The prepared josekit verifier.
    pub(crate) fn verifier(&self) -> &dyn JwsVerifier {
        self.verifier.as_ref()
    }
}

pub(crate) struct ProviderJwks {
    platform: crate::config::Platform,
    document: CachedDocument<Vec<ProviderKey>>,
    cooldown: Duration,
    last_forced_refetch: Mutex<Option<Instant>>,
}

impl ProviderJwks {
    pub(crate) fn new(http: HttpClient, cooldown: Duration) -> Self {
        let parse = Box::new(|body: &[u8]| parse_jwks(body));
        Self {
            platform: http.platform(),
            document: CachedDocument::new(JWKS, http, parse),
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
        let header = jose::compact::Header::parse(token, 3, max_len)?;
        let alg = header.signing_alg(allowed)?;
        let kid = header.kid();
        let keys = self.keys_for(jwks_uri, kid, alg).await?;
        Ok(verify_with_any(token, &keys)?)
    }

    /// The cached provider keys that may have signed a token naming `kid`
    /// with `alg`: refetches the JWKS once per cooldown for an unknown kid,
    /// and fails with [`JoseError::UnknownKey`] when none fits.
    pub(crate) async fn keys_for(
        &self,
        jwks_uri: &Url,
        kid: Option<&str>,
        alg: SigningAlg,
    ) -> Result<Vec<ProviderKey>, Error> {
        let logged_kid = kid.map(|k| crate::error::sanitize(k, 64));
        let mut keys = candidates(&self.document.get(jwks_uri).await?, kid, alg);
        if keys.is_empty() {
            if self.may_refetch() {
                crate::metrics::jwks_unknown_kid_refetch(self.platform);
                tracing::info!(
                    kid = logged_kid,
                    "unknown signing key id: re-fetching the provider's JWKS"
                );
                keys = candidates(&self.document.refresh(jwks_uri).await?, kid, alg);
            } else {
                // Another task may be re-fetching right now: share its result.
                keys = candidates(&self.document.get(jwks_uri).await?, kid, alg);
            }
        }
        if keys.is_empty() {
            tracing::warn!(kid = logged_kid, "no provider key matches the token");
            return Err(JoseError::UnknownKey.into());
        }
        Ok(keys)
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

/// The keys that may have signed a token: the one its `kid` names or,
/// failing that, keys published without a `kid` (RFC 7517 makes it
/// optional); every fitting key when the token names none.
pub(crate) fn candidates(keys: &[ProviderKey], kid: Option<&str>, alg: SigningAlg) -> Vec<ProviderKey> {
    let fitting = keys.iter().filter(|k| k.alg == alg);
    let named: Vec<ProviderKey> = fitting
        .clone()
        .filter(|k| kid.is_none_or(|kid| k.kid.as_deref() == Some(kid)))
        .cloned()
        .collect();
    if !named.is_empty() || kid.is_none() {
        return named;
    }
    fitting.filter(|k| k.kid.is_none()).cloned().collect()
}

/// Verifies a compact JWS with the first of the candidate `keys` (at most
/// [`MAX_CANDIDATES`]) under which its signature holds.
pub(crate) fn verify_with_any(
    token: &str,
    keys: &[ProviderKey],
) -> Result<serde_json::Map<String, serde_json::Value>, JoseError> {
    let mut last = JoseError::BadSignature;
    for key in keys.iter().take(MAX_CANDIDATES) {
        match jose::compact::verify_with(token, key.verifier()) {
            Ok(payload) => return Ok(payload),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Parses a JWK set into keys ready to verify, skipping the keys josekit
/// cannot read (RFC 7517 §5: unusable keys are ignored) rather than losing
/// the whole set, and the keys that fit no accepted signature algorithm
/// (encryption keys, small RSA moduli, other curves).
pub(crate) fn parse_jwks(body: &[u8]) -> Result<Vec<ProviderKey>, Error> {
    let invalid = || Error::discovery("the provider's JWKS is not a valid JWK set");
    let doc: Value = serde_json::from_slice(body).map_err(|_| invalid())?;
    let keys = doc.get("keys").and_then(Value::as_array).ok_or_else(invalid)?;
    let readable: Vec<Jwk> = keys
        .iter()
        .filter_map(|k| k.as_object())
        .filter_map(|k| {
            Jwk::from_map(k.clone())
                .inspect_err(|_| tracing::debug!("skipping an unreadable provider key"))
                .ok()
        })
        .collect();
    if readable.is_empty() && !keys.is_empty() {
        return Err(invalid());
    }
    let mut ready = Vec::new();
    for jwk in &readable {
        for alg in [SigningAlg::Es256, SigningAlg::Rs256] {
            if !jose::prepared::key_fits(jwk, alg) {
                continue;
            }
            match jose::prepared::verifier(alg, jwk) {
                Ok(verifier) => ready.push(ProviderKey {
                    kid: jwk.key_id().map(str::to_owned),
                    alg,
                    verifier,
                }),
                Err(_) => tracing::debug!("skipping a provider key josekit cannot verify with"),
            }
        }
    }
    Ok(ready)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_and_unfitting_keys_are_skipped_not_fatal() {
        let ec = Jwk::generate_ec_key(josekit::jwk::alg::ec::EcCurve::P256)
            .unwrap()
            .to_public_key()
            .unwrap();
        let mut ec = Value::Object(ec.as_ref().clone());
        ec["kid"] = "e".into();
        let body = serde_json::json!({
            "keys": [{"kty":"EC","crv":"P-256","x":1}, "nonsense", {"kty":"oct","k":"AAAA","kid":"h"}, ec]
        });
        let keys = parse_jwks(body.to_string().as_bytes()).unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].kid.as_deref(), Some("e"));
        assert!(keys[0].alg == SigningAlg::Es256);
        assert_eq!(candidates(&keys, Some("e"), SigningAlg::Es256).len(), 1);
        assert!(candidates(&keys, Some("e"), SigningAlg::Rs256).is_empty());
        assert!(candidates(&keys, Some("other"), SigningAlg::Es256).is_empty());
        // Readable keys that fit nothing: no error, nothing to verify with.
        assert!(
            parse_jwks(br#"{"keys":[{"kty":"oct","k":"AAAA"}]}"#)
                .unwrap()
                .is_empty()
        );
        assert!(parse_jwks(br#"{"keys":["x"]}"#).is_err());
        assert!(parse_jwks(br#"{"nokeys":[]}"#).is_err());
        assert!(parse_jwks(br#"{"keys":[]}"#).unwrap().is_empty());
    }
}
