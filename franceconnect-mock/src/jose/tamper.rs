//! What each [`Tamper`] scenario does to a token: to its claims, to its
//! signature, or to its encryption. Every altered token is still built with
//! josekit, so that the only defect is the one the scenario names.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use josekit::jwe::JweEncrypter;
use josekit::jwk::Jwk;
use josekit::jwk::alg::ec::EcCurve;
use josekit::jws::JwsHeader;
use serde_json::{Map, Value};

use crate::config::{EncryptionAlg, Platform, SigningAlg};
use crate::jose::{keys, tokens};
use crate::random;
use crate::scenarios::Tamper;

/// Padding of [`Tamper::OversizedIdToken`].
const OVERSIZED_PADDING: usize = 100 * 1024;

/// Alters an ID token's claims for the claim-level scenarios.
/// `last_nonce` is the nonce of the previous login, if any.
pub(crate) fn id_token_claims(
    claims: &mut Map<String, Value>,
    tamper: Tamper,
    platform: Platform,
    last_nonce: Option<&str>,
) {
    let now = tokens::now();
    match tamper {
        Tamper::WrongIssuer => {
            claims.insert("iss".into(), platform.sandbox_issuer().into());
        }
        Tamper::WrongAudience => {
            claims.insert("aud".into(), "un-autre-fournisseur-de-service".into());
        }
        Tamper::ExtraAudience => {
            let ours = claims.get("aud").cloned().unwrap_or(Value::Null);
            claims.insert(
                "aud".into(),
                Value::Array(vec![ours, "un-autre-fournisseur-de-service".into()]),
            );
        }
        Tamper::ExtraAudienceWithAzp => {
            let ours = claims.get("aud").cloned().unwrap_or(Value::Null);
            claims.insert("azp".into(), ours.clone());
            claims.insert(
                "aud".into(),
                Value::Array(vec![ours, "un-autre-fournisseur-de-service".into()]),
            );
        }
        Tamper::NonStringAudience => {
            let ours = claims.get("aud").cloned().unwrap_or(Value::Null);
            claims.insert("aud".into(), Value::Array(vec![ours, 42.into()]));
        }
        Tamper::WrongNonce => {
            claims.insert("nonce".into(), random::token().into());
        }
        Tamper::MissingNonce => {
            claims.remove("nonce");
        }
        Tamper::ReplayedNonce => {
            let replayed = last_nonce.map(str::to_owned).unwrap_or_else(random::token);
            claims.insert("nonce".into(), replayed.into());
        }
        Tamper::Expired => set_times(claims, now.saturating_sub(3600)),
        Tamper::MissingExpiry => {
            claims.remove("exp");
        }
        Tamper::NotYetValid => {
            claims.insert("nbf".into(), (now + 600).into());
        }
        Tamper::IssuedInFuture => set_times(claims, now + 3600),
        Tamper::UnknownAcr => {
            claims.insert("acr".into(), "eidas9".into());
        }
        Tamper::MissingSub => {
            claims.remove("sub");
        }
        Tamper::OversizedIdToken => {
            claims.insert("padding".into(), "A".repeat(OVERSIZED_PADDING).into());
        }
        _ => {}
    }
}

/// Moves `iat`, `auth_time` and `exp` so that the token was issued at
/// `iat`.
pub(crate) fn set_times(claims: &mut Map<String, Value>, iat: u64) {
    claims.insert("iat".into(), iat.into());
    if claims.contains_key("auth_time") {
        claims.insert("auth_time".into(), iat.saturating_sub(2).into());
    }
    claims.insert("exp".into(), (iat + tokens::TOKEN_LIFETIME_SECS).into());
}

/// Shifts every time claim by the provider's clock offset.
pub(crate) fn shift_clock(claims: &mut Map<String, Value>, offset_secs: i64) {
    if offset_secs == 0 {
        return;
    }
    for name in ["iat", "exp", "auth_time", "nbf"] {
        if let Some(t) = claims.get(name).and_then(Value::as_u64) {
            claims.insert(name.into(), t.saturating_add_signed(offset_secs).into());
        }
    }
}

/// Signs `claims` as the signature-level scenario says, or returns `None`
/// for the scenarios that do not touch the signature. `key` is the
/// provider's real key for `alg`.
pub(crate) fn sign(
    claims: &Map<String, Value>,
    alg: SigningAlg,
    key: &Jwk,
    tamper: Tamper,
) -> Option<Result<String, josekit::JoseError>> {
    let payload = serde_json::to_vec(claims).expect("a JSON map serialises");
    let real_kid = key.key_id().unwrap_or_default().to_owned();
    let result = match tamper {
        Tamper::AlgNone => Ok(tokens::unsigned(claims)),
        Tamper::BadSignature => tokens::sign(claims, alg, key).map(|jws| corrupt_last_part(&jws)),
        Tamper::Hs256WithPublicKey => (|| {
            let public = serde_json::to_vec(key.to_public_key()?.as_ref()).expect("a JWK serialises");
            let signer = josekit::jws::HS256.signer_from_bytes(public)?;
            let mut header = JwsHeader::new();
            header.set_key_id(&real_kid);
            josekit::jws::serialize_compact(&payload, &header, &signer)
        })(),
        Tamper::ForeignKey => foreign_key(alg).and_then(|k| sign_with(&payload, alg, &k, &real_kid, false)),
        Tamper::UnknownKid => {
            let kid = format!("pkcs11:{}:inconnue-{}", alg.as_str(), random::hex(6));
            foreign_key(alg).and_then(|k| sign_with(&payload, alg, &k, &kid, false))
        }
        Tamper::EmbeddedJwk => {
            let kid = format!("attaquant-{}", random::hex(6));
            foreign_key(alg).and_then(|k| sign_with(&payload, alg, &k, &kid, true))
        }
        _ => return None,
    };
    Some(result)
}

/// A private key of the type `alg` needs that is not the provider's: a new
/// P-256 key, or the process's foreign RSA key (generated once: see
/// [`keys::pooled_rsa`]).
fn foreign_key(alg: SigningAlg) -> Result<Jwk, josekit::JoseError> {
    match alg {
        SigningAlg::ES256 => Jwk::generate_ec_key(EcCurve::P256),
        SigningAlg::RS256 => keys::pooled_rsa(keys::RsaUse::Foreign),
    }
}

/// Signs with `key` under `kid`, optionally embedding the public key in the
/// header.
fn sign_with(payload: &[u8], alg: SigningAlg, key: &Jwk, kid: &str, embed: bool) -> Result<String, josekit::JoseError> {
    let signer = tokens::signer(alg, key)?;
    let mut header = JwsHeader::new();
    header.set_key_id(kid);
    if embed {
        let mut public = key.to_public_key()?;
        public.set_key_id(kid);
        header.set_jwk(public);
    }
    josekit::jws::serialize_compact(payload, &header, &*signer)
}

/// Encrypts `jws` to `key` as the encryption-level scenario says, or
/// returns `None` for the scenarios that do not touch the encryption
/// (including [`Tamper::Unencrypted`] and [`Tamper::UnknownEncryptionKey`],
/// which the caller handles by choosing what, and to which key, it
/// encrypts).
pub(crate) fn encrypt(
    jws: &str,
    alg: EncryptionAlg,
    key: &Jwk,
    issuer: &str,
    audience: &str,
    tamper: Tamper,
) -> Option<Result<String, josekit::JoseError>> {
    let result = match tamper {
        Tamper::DisallowedEncryptionAlg => (|| {
            // The client's key names its algorithm; josekit would refuse to
            // use it with another, so the copy used here names none.
            let mut map = key.as_ref().clone();
            map.remove("alg");
            let key = &Jwk::from_map(map)?;
            let encrypter: Box<dyn JweEncrypter> = match alg {
                EncryptionAlg::EcdhEs => Box::new(josekit::jwe::ECDH_ES_A256KW.encrypter_from_jwk(key)?),
                EncryptionAlg::RsaOaep | EncryptionAlg::RsaOaep256 => {
                    // Deprecated, which is the point: a client must refuse it.
                    #[allow(deprecated)]
                    Box::new(josekit::jwe::RSA1_5.encrypter_from_jwk(key)?)
                }
            };
            josekit::jwe::serialize_compact(jws.as_bytes(), &tokens::jwe_header(key, "A256GCM"), &*encrypter)
        })(),
        Tamper::DisallowedContentEncryption => {
            tokens::encrypt_with_header(jws, alg, key, tokens::jwe_header(key, "A128CBC-HS256"))
        }
        Tamper::Compressed => {
            let mut h = tokens::jwe_header(key, "A256GCM");
            h.set_compression("DEF");
            tokens::encrypt_with_header(jws, alg, key, h)
        }
        Tamper::TruncatedJwe => {
            tokens::encrypt(jws, alg, key, issuer, audience).map(|jwe| jwe[..jwe.len() / 2].to_owned())
        }
        Tamper::TamperedTag => tokens::encrypt(jws, alg, key, issuer, audience).map(|jwe| corrupt_last_part(&jwe)),
        Tamper::ShortIv => tokens::encrypt(jws, alg, key, issuer, audience).map(|jwe| resize_part(&jwe, 2, 8)),
        Tamper::ShortTag => tokens::encrypt(jws, alg, key, issuer, audience).map(|jwe| resize_part(&jwe, 4, 12)),
        _ => return None,
    };
    Some(result)
}

/// Flips the bits of the first byte of the last part of a compact JWS
/// (the signature) or JWE (the authentication tag), keeping the token well
/// formed.
pub(crate) fn corrupt_last_part(compact: &str) -> String {
    let (head, last) = compact.rsplit_once('.').expect("a compact token has dots");
    let mut raw = URL_SAFE_NO_PAD.decode(last).unwrap_or_default();
    if raw.is_empty() {
        raw.push(0);
    }
    raw[0] ^= 0xff;
    format!("{head}.{}", URL_SAFE_NO_PAD.encode(raw))
}

/// Cuts part `index` of a compact JWE (the IV is 2, the tag 4) to `len`
/// bytes, keeping the token's five parts.
fn resize_part(compact: &str, index: usize, len: usize) -> String {
    let mut parts: Vec<String> = compact.split('.').map(str::to_owned).collect();
    let mut raw = URL_SAFE_NO_PAD.decode(&parts[index]).unwrap_or_default();
    raw.resize(len, 0);
    parts[index] = URL_SAFE_NO_PAD.encode(raw);
    parts.join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrupted_last_part_differs_and_keeps_the_rest() {
        let jws = "aGVhZA.cGF5bG9hZA.c2lnbmF0dXJl";
        let bad = corrupt_last_part(jws);
        assert_ne!(bad, jws);
        assert!(bad.starts_with("aGVhZA.cGF5bG9hZA."));
    }

    #[test]
    fn the_clock_shift_moves_every_time_claim() {
        let mut claims = Map::new();
        set_times(&mut claims, 1_000);
        claims.insert("nbf".into(), 1_000.into());
        shift_clock(&mut claims, -100);
        assert_eq!(claims["iat"], 900);
        assert_eq!(claims["nbf"], 900);
        assert_eq!(claims["exp"], 900 + tokens::TOKEN_LIFETIME_SECS);
    }
}
