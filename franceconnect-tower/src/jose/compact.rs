//! JWE decryption and JWS verification with explicit allow-lists, on top of
//! `josekit` (and of `ecdh_es` for ECDH-ES).
//!
//! The header is inspected *before* josekit sees the token, so that an
//! algorithm outside the allow-list (`none`, `HS256`, `RSA1_5`, `dir`, …),
//! compression, critical extensions or an oversized token are refused
//! without touching any key.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use josekit::jws::JwsVerifier;
use serde_json::{Map, Value};

use super::algorithms::CONTENT_ENCRYPTION;
use super::prepared::Decryption;
use super::{EncryptionAlg, ServiceKeys, SigningAlg};
use crate::error::JoseError;

/// The protected header of a compact token, parsed without verifying it.
pub(crate) struct Header(Map<String, Value>);

impl Header {
    /// Splits a compact token and parses its header; `parts` is 3 for a JWS
    /// and 5 for a JWE.
    pub(crate) fn parse(token: &str, parts: usize, max_len: usize) -> Result<Self, JoseError> {
        if token.len() > max_len {
            return Err(JoseError::TooLarge { limit: max_len });
        }
        if token.split('.').count() != parts {
            return Err(JoseError::Malformed(format!("expected {parts} dot-separated parts")));
        }
        let first = token.split('.').next().unwrap_or_default();
        let bytes = URL_SAFE_NO_PAD
            .decode(first)
            .map_err(|_| JoseError::Malformed("the header is not base64url".into()))?;
        match serde_json::from_slice(&bytes) {
            Ok(Value::Object(map)) => {
                let header = Header(map);
                if header.0.contains_key("crit") {
                    return Err(JoseError::CriticalHeader);
                }
                Ok(header)
            }
            _ => Err(JoseError::Malformed("the header is not a JSON object".into())),
        }
    }

    fn text(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(Value::as_str)
    }

    /// The `kid`, if any.
    pub(crate) fn kid(&self) -> Option<&str> {
        self.text("kid")
    }

    /// The `typ`, if any.
    pub(crate) fn typ(&self) -> Option<&str> {
        self.text("typ")
    }

    /// True when the header has the member `name`, whatever its value.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// The `alg` if it is an allowed signature algorithm.
    pub(crate) fn signing_alg(&self, allowed: &[SigningAlg]) -> Result<SigningAlg, JoseError> {
        let name = self.text("alg").unwrap_or("(missing)");
        name.parse::<SigningAlg>()
            .ok()
            .filter(|a| allowed.contains(a))
            .ok_or_else(|| JoseError::SignatureAlgorithmNotAllowed(short(name)))
    }
}

/// True when a compact token has the five parts of a JWE.
pub(crate) fn is_jwe(token: &str) -> bool {
    token.bytes().filter(|b| *b == b'.').count() == 4
}

/// Decrypts a FranceConnect+ JWE and returns the nested JWS it carries.
pub(crate) fn decrypt_nested(
    token: &str,
    keys: &ServiceKeys,
    allowed: &[EncryptionAlg],
    max_len: usize,
) -> Result<String, JoseError> {
    decrypt_nested_with(token, keys, allowed, max_len, true)
}

/// Decrypts the JWE of a FranceConnect checktoken answer and returns the
/// JWS it carries. The platform's header holds `alg` and `enc` only (no
/// `kid`: every key of that algorithm is tried, and no `cty`): a `cty`
/// that is there must still say `JWT`, and the plaintext must be a JWS.
pub(crate) fn decrypt_introspection_answer(
    token: &str,
    keys: &ServiceKeys,
    allowed: &[EncryptionAlg],
    max_len: usize,
) -> Result<String, JoseError> {
    decrypt_nested_with(token, keys, allowed, max_len, false)
}

/// [`decrypt_nested`], requiring the header's `cty` or not.
fn decrypt_nested_with(
    token: &str,
    keys: &ServiceKeys,
    allowed: &[EncryptionAlg],
    max_len: usize,
    require_cty: bool,
) -> Result<String, JoseError> {
    let header = Header::parse(token, 5, max_len)?;
    let alg_name = header.text("alg").unwrap_or("(missing)");
    let alg = alg_name
        .parse::<EncryptionAlg>()
        .ok()
        .filter(|a| allowed.contains(a))
        .ok_or_else(|| JoseError::EncryptionAlgorithmNotAllowed(short(alg_name)))?;
    match header.text("enc") {
        Some(CONTENT_ENCRYPTION) => {}
        other => {
            return Err(JoseError::ContentEncryptionNotAllowed(short(
                other.unwrap_or("(missing)"),
            )));
        }
    }
    if header.0.contains_key("zip") {
        return Err(JoseError::Compressed);
    }
    // A256GCM's IV is 96 bits and its tag 128 (RFC 7518 §5.3): anything
    // else is refused before a key is touched (a truncated tag is easier to
    // forge).
    let parts: Vec<&str> = token.split('.').collect();
    if decoded_len(parts[2]) != Some(12) {
        return Err(JoseError::Malformed("the IV is not 96 bits".into()));
    }
    if decoded_len(parts[4]) != Some(16) {
        return Err(JoseError::Malformed("the authentication tag is not 128 bits".into()));
    }
    // RFC 7515 §4.1.10: `JWT`, or the full media type `application/jwt`.
    let cty_ok = match header.text("cty") {
        Some(c) => c.eq_ignore_ascii_case("JWT") || c.eq_ignore_ascii_case("application/jwt"),
        None => !require_cty && !header.0.contains_key("cty"),
    };
    if !cty_ok {
        return Err(JoseError::NotNested);
    }
    let candidates = keys.candidates(header.kid(), alg);
    if candidates.is_empty() {
        return Err(JoseError::UnknownKey);
    }
    for key in candidates {
        let plaintext = match &key.decryption {
            Decryption::EcdhEs(private) => match super::ecdh_es::decrypt(&parts, &header.0, private) {
                // A malformed `epk` is the token's fault, whichever key.
                Err(e @ JoseError::Malformed(_)) => return Err(e),
                other => other.ok(),
            },
            Decryption::Josekit(decrypter) => josekit::jwe::deserialize_compact(token, decrypter.as_ref())
                .ok()
                .map(|(plaintext, _)| plaintext),
        };
        if let Some(plaintext) = plaintext {
            let inner = String::from_utf8(plaintext).map_err(|_| JoseError::NotNested)?;
            let inner = inner.trim().to_owned();
            if is_jwe(&inner) || inner.split('.').count() != 3 {
                return Err(JoseError::NotNested);
            }
            return Ok(inner);
        }
    }
    Err(JoseError::DecryptionFailed)
}

/// The length of a base64url part once decoded, if it decodes.
fn decoded_len(part: &str) -> Option<usize> {
    URL_SAFE_NO_PAD.decode(part).ok().map(|bytes| bytes.len())
}

/// Verifies a compact JWS with one prepared verifier and returns its
/// payload as a JSON object.
pub(crate) fn verify_with(token: &str, verifier: &dyn JwsVerifier) -> Result<Map<String, Value>, JoseError> {
    let (payload, _) = josekit::jws::deserialize_compact(token, verifier).map_err(|_| JoseError::BadSignature)?;
    match serde_json::from_slice(&payload) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(JoseError::Malformed("the payload is not a JSON object".into())),
    }
}

fn short(s: &str) -> String {
    crate::error::sanitize(s, 32)
}
