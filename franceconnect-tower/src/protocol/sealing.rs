//! Sealing small secrets for the service's own later use: AES-256-GCM (the
//! audited `aes-gcm` crate) under a key derived with HKDF-SHA256 from the
//! login cookie secret
//! ([`ConfigBuilder::login_cookie_secret`](crate::ConfigBuilder::login_cookie_secret)),
//! one key per purpose (HKDF's `info`), the previous secret still opening
//! what the current one did not seal (rotation). The pending-login cookies
//! and the refresh tokens kept in sessions are sealed so.
//!
//! A sealed value is `base64url(nonce ‖ ciphertext ‖ tag)`, a fresh random
//! 96-bit nonce each time; the associated data binds it to where it
//! belongs (a cookie's name, a refresh token's issuer, client and subject),
//! so that it cannot be moved elsewhere.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::Sha256;

/// The AES-GCM nonce's length, in bytes.
const NONCE_LEN: usize = 12;
/// The AES-GCM tag's length, in bytes.
const TAG_LEN: usize = 16;

/// The keys of one purpose: the current one first, then the previous one.
pub(crate) struct Sealer {
    keys: Vec<Aes256Gcm>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer([redacted])")
    }
}

impl Sealer {
    /// The keys derived from `secrets` (current first) for the purpose
    /// `info`.
    pub(crate) fn new(secrets: Vec<&[u8]>, info: &[u8]) -> Self {
        Self {
            keys: secrets.into_iter().map(|secret| derive_key(secret, info)).collect(),
        }
    }

    /// `plaintext` sealed under the current key, bound to `aad`.
    pub(crate) fn seal(&self, plaintext: &[u8], aad: &[u8]) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).expect("the operating system's random generator is unavailable");
        let sealed = self.keys[0]
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plaintext, aad })
            .expect("AES-GCM encrypts any message of this size");
        let mut value = nonce.to_vec();
        value.extend_from_slice(&sealed);
        URL_SAFE_NO_PAD.encode(value)
    }

    /// What `sealed` holds, if one of the keys sealed it with this `aad`.
    pub(crate) fn open(&self, sealed: &str, aad: &[u8]) -> Option<Vec<u8>> {
        let raw = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        if raw.len() < NONCE_LEN + TAG_LEN {
            return None;
        }
        let (nonce, sealed) = raw.split_at(NONCE_LEN);
        self.keys
            .iter()
            .find_map(|key| key.decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad }).ok())
    }
}

fn derive_key(secret: &[u8], info: &[u8]) -> Aes256Gcm {
    let mut key = [0u8; 32];
    hkdf::Hkdf::<Sha256>::new(None, secret)
        .expand(info, &mut key)
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    Aes256Gcm::new(&key.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_purpose_and_binding() {
        let sealer = Sealer::new(vec![b"a secret of at least thirty-two bytes".as_slice()], b"one");
        let sealed = sealer.seal(b"the refresh token", b"bound here");
        assert!(!sealed.contains("refresh"));
        assert_eq!(sealer.open(&sealed, b"bound here").unwrap(), b"the refresh token");
        assert!(sealer.open(&sealed, b"bound elsewhere").is_none());
        assert_ne!(
            sealed,
            sealer.seal(b"the refresh token", b"bound here"),
            "a fresh nonce each time"
        );
        let other_purpose = Sealer::new(vec![b"a secret of at least thirty-two bytes".as_slice()], b"two");
        assert!(other_purpose.open(&sealed, b"bound here").is_none());
        // Rotation: the previous secret still opens, and new values use the current one.
        let rotated = Sealer::new(
            vec![
                b"the next secret, thirty-two bytes or more".as_slice(),
                b"a secret of at least thirty-two bytes".as_slice(),
            ],
            b"one",
        );
        assert!(rotated.open(&sealed, b"bound here").is_some());
        for garbage in ["", "AAAA", "not base64 at all!", &"A".repeat(200)] {
            assert!(sealer.open(garbage, b"bound here").is_none(), "{garbage}");
        }
    }
}
