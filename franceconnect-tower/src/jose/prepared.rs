//! josekit verifiers, decrypters and signers, prepared once from a JWK
//! (parsing a key costs as much as using it), and the rule for which
//! provider keys can carry which signature.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use josekit::jwe::JweDecrypter;
use josekit::jwk::Jwk;
use josekit::jws::{JwsSigner, JwsVerifier};
use serde_json::Value;

use super::{EncryptionAlg, SigningAlg};
use crate::error::JoseError;

/// A josekit decrypter for one of our private keys, prepared once when the
/// key is loaded (parsing a key costs as much as using it). It carries no
/// `kid`: we choose the candidate keys ourselves, and josekit would
/// otherwise refuse a JWE that names none (RFC 7516 makes `kid` optional).
pub(crate) fn decrypter(alg: EncryptionAlg, jwk: &Jwk) -> Result<Arc<dyn JweDecrypter>, JoseError> {
    let jwk = without_kid(jwk);
    let d: Result<Arc<dyn JweDecrypter>, _> = match alg {
        EncryptionAlg::EcdhEs => josekit::jwe::ECDH_ES.decrypter_from_jwk(&jwk).map(|d| Arc::new(d) as _),
        EncryptionAlg::RsaOaep => josekit::jwe::RSA_OAEP
            .decrypter_from_jwk(&jwk)
            .map(|d| Arc::new(d) as _),
        EncryptionAlg::RsaOaep256 => josekit::jwe::RSA_OAEP_256
            .decrypter_from_jwk(&jwk)
            .map(|d| Arc::new(d) as _),
    };
    d.map_err(|_| JoseError::DecryptionFailed)
}

/// A josekit verifier for one provider key and algorithm, prepared once
/// when the JWKS is fetched; without `kid`, for the same reason as
/// [`decrypter`].
pub(crate) fn verifier(alg: SigningAlg, jwk: &Jwk) -> Result<Arc<dyn JwsVerifier>, JoseError> {
    let jwk = without_kid(jwk);
    let v: Result<Arc<dyn JwsVerifier>, _> = match alg {
        SigningAlg::Es256 => josekit::jws::ES256.verifier_from_jwk(&jwk).map(|v| Arc::new(v) as _),
        SigningAlg::Rs256 => josekit::jws::RS256.verifier_from_jwk(&jwk).map(|v| Arc::new(v) as _),
    };
    v.map_err(|_| JoseError::UnknownKey)
}

/// A josekit signer for one of our private signing keys (client
/// assertions), prepared once when the key is loaded; without `kid`, which
/// the header we build carries.
pub(crate) fn signer(alg: SigningAlg, jwk: &Jwk) -> Result<Arc<dyn JwsSigner>, JoseError> {
    let jwk = without_kid(jwk);
    let s: Result<Arc<dyn JwsSigner>, _> = match alg {
        SigningAlg::Es256 => josekit::jws::ES256.signer_from_jwk(&jwk).map(|s| Arc::new(s) as _),
        SigningAlg::Rs256 => josekit::jws::RS256.signer_from_jwk(&jwk).map(|s| Arc::new(s) as _),
    };
    s.map_err(|_| JoseError::UnknownKey)
}

fn without_kid(jwk: &Jwk) -> Jwk {
    let mut map = jwk.as_ref().clone();
    map.remove("kid");
    Jwk::from_map(map).unwrap_or_else(|_| jwk.clone())
}

/// True when a provider JWK can carry signatures of this algorithm: right
/// key type and curve, `use` absent or `sig`, `alg` absent or equal, and RSA
/// moduli of at least 2048 bits.
pub(crate) fn key_fits(jwk: &Jwk, alg: SigningAlg) -> bool {
    let use_ok = jwk.key_use().is_none_or(|u| u == "sig");
    let alg_ok = jwk.algorithm().is_none_or(|a| a == alg.as_str());
    let type_ok = match alg {
        SigningAlg::Es256 => jwk.key_type() == "EC" && jwk.curve() == Some("P-256"),
        SigningAlg::Rs256 => {
            jwk.key_type() == "RSA"
                && jwk
                    .parameter("n")
                    .and_then(Value::as_str)
                    .and_then(|n| URL_SAFE_NO_PAD.decode(n).ok())
                    .is_some_and(|n| n.iter().skip_while(|b| **b == 0).count() >= 256)
        }
    };
    use_ok && alg_ok && type_ok
}
