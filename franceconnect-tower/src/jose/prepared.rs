//! josekit verifiers, decrypters and signers, prepared once from a JWK
//! (parsing a key costs as much as using it), and the rule for which
//! provider keys can carry which signature.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use josekit::jwe::JweDecrypter;
use josekit::jwk::Jwk;
use josekit::jws::{JwsSigner, JwsVerifier};
use openssl::bn::BigNum;
use openssl::ec::EcKey;
use openssl::pkey::Private;
use serde_json::Value;

use super::{EncryptionAlg, SigningAlg};
use crate::error::JoseError;

/// How one of our private keys decrypts, prepared once when the key is
/// loaded (parsing a key costs as much as using it).
#[derive(Clone)]
pub(crate) enum Decryption {
    /// ECDH-ES: our own composition (see `ecdh_es`), with the key as
    /// OpenSSL holds it.
    EcdhEs(EcKey<Private>),
    /// RSA-OAEP and RSA-OAEP-256: josekit's decrypter. It carries no `kid`:
    /// we choose the candidate keys ourselves, and josekit would otherwise
    /// refuse a JWE that names none (RFC 7516 makes `kid` optional).
    Josekit(Arc<dyn JweDecrypter>),
}

/// Prepares the decryption with `jwk` for `alg`.
pub(crate) fn decryption(alg: EncryptionAlg, jwk: &Jwk) -> Result<Decryption, JoseError> {
    let jwk = without_kid(jwk);
    let failed = |_| JoseError::DecryptionFailed;
    Ok(match alg {
        EncryptionAlg::EcdhEs => Decryption::EcdhEs(ec_private_key(&jwk)?),
        EncryptionAlg::RsaOaep => Decryption::Josekit(Arc::new(
            josekit::jwe::RSA_OAEP.decrypter_from_jwk(&jwk).map_err(failed)?,
        )),
        EncryptionAlg::RsaOaep256 => Decryption::Josekit(Arc::new(
            josekit::jwe::RSA_OAEP_256.decrypter_from_jwk(&jwk).map_err(failed)?,
        )),
    })
}

/// An EC P-256 private JWK as an OpenSSL key, built from its coordinates
/// and checked (the point on the curve, `d` matching it).
fn ec_private_key(jwk: &Jwk) -> Result<EcKey<Private>, JoseError> {
    let failed = |_| JoseError::DecryptionFailed;
    let number = |name: &str| {
        jwk.parameter(name)
            .and_then(Value::as_str)
            .and_then(|v| URL_SAFE_NO_PAD.decode(v).ok())
            .ok_or(JoseError::DecryptionFailed)
            .and_then(|bytes| BigNum::from_slice(&bytes).map_err(failed))
    };
    let group = super::ecdh_es::p256();
    let (x, y, d) = (number("x")?, number("y")?, number("d")?);
    let public = EcKey::from_public_key_affine_coordinates(group, &x, &y).map_err(failed)?;
    let key = EcKey::from_private_components(group, &d, public.public_key()).map_err(failed)?;
    key.check_key().map_err(failed)?;
    Ok(key)
}

/// A josekit verifier for one provider key and algorithm, prepared once
/// when the JWKS is fetched; without `kid`, for the same reason as
/// [`Decryption::Josekit`].
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
