//! JWE `ECDH-ES` + `A256GCM` decryption (RFC 7518 §4.6 and §5.3), composed
//! from audited primitives: the P-256 point decoding and multiplication of
//! OpenSSL, the Concat KDF over RustCrypto's SHA-256, and RustCrypto's
//! AES-256-GCM.
//!
//! Why not josekit's decrypter: it turns the ephemeral public key into a
//! DER document that OpenSSL 3's generic decoders parse, then derives
//! through `EVP_PKEY_derive`, which exports both keys to OpenSSL's provider
//! on every call; together three times the key agreement itself (measured
//! in BENCHMARKS.md). Here the key agreement is what OpenSSL's own ECDH
//! computes (`ecdh_simple_compute_key`): the x-coordinate of our private
//! scalar times the peer's point, the point decoded by `EC_POINT_oct2point`,
//! which refuses a point off the curve (P-256's cofactor is 1, so a point
//! on the curve is in the group). The header has been checked already
//! (`compact::decrypt_nested`: `alg`, `enc`, no `zip`, IV and tag sizes).

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openssl::bn::{BigNum, BigNumContext};
use openssl::ec::{EcGroup, EcKey, EcPoint, EcPointRef};
use openssl::nid::Nid;
use openssl::pkey::Private;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::algorithms::CONTENT_ENCRYPTION;
use crate::error::JoseError;

/// The size of an A256GCM key, in bytes.
const KEY_BYTES: usize = 32;

/// The P-256 group, built once: building it costs a third of a key
/// agreement.
pub(crate) fn p256() -> &'static EcGroup {
    static GROUP: std::sync::OnceLock<EcGroup> = std::sync::OnceLock::new();
    GROUP.get_or_init(|| EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("OpenSSL knows P-256"))
}

/// Decrypts the five `parts` of a compact JWE whose protected `header` says
/// `ECDH-ES` and `A256GCM`, with our P-256 private key.
pub(crate) fn decrypt(
    parts: &[&str],
    header: &Map<String, Value>,
    private: &EcKey<Private>,
) -> Result<Vec<u8>, JoseError> {
    // Direct key agreement: there is no encrypted key (RFC 7518 §4.6).
    if !parts[1].is_empty() {
        return Err(JoseError::Malformed("ECDH-ES carries no encrypted key".into()));
    }
    let peer = ephemeral_point(header)?;
    let z = shared_secret(private, &peer)?;
    let apu = party_info(header, "apu")?;
    let apv = party_info(header, "apv")?;
    let key = concat_kdf(&z, CONTENT_ENCRYPTION, &apu, &apv, KEY_BYTES);
    let decode = |part: &str, what: &str| {
        URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| JoseError::Malformed(format!("the {what} is not base64url")))
    };
    let iv = decode(parts[2], "IV")?;
    let mut sealed = decode(parts[3], "ciphertext")?;
    sealed.extend_from_slice(&decode(parts[4], "authentication tag")?);
    let cipher = Aes256Gcm::new_from_slice(&key).map_err(|_| JoseError::DecryptionFailed)?;
    cipher
        .decrypt(
            Nonce::from_slice(&iv),
            Payload {
                msg: &sealed,
                // The AAD is the protected header exactly as sent (RFC 7516 §5.2).
                aad: parts[0].as_bytes(),
            },
        )
        .map_err(|_| JoseError::DecryptionFailed)
}

/// The `epk` header member as a point of P-256, which OpenSSL has checked
/// to be on the curve (an invalid-curve point would leak our private key).
fn ephemeral_point(header: &Map<String, Value>) -> Result<EcPoint, JoseError> {
    let bad = |why: &str| JoseError::Malformed(format!("invalid `epk`: {why}"));
    let epk = header
        .get("epk")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("missing"))?;
    let text = |name: &str| epk.get(name).and_then(Value::as_str);
    if text("kty") != Some("EC") || text("crv") != Some("P-256") {
        return Err(bad("not an EC P-256 key"));
    }
    let coordinate = |name: &str| {
        text(name)
            .and_then(|c| URL_SAFE_NO_PAD.decode(c).ok())
            .filter(|c| c.len() == 32)
            .ok_or_else(|| bad("a coordinate is not 32 bytes of base64url"))
    };
    // The uncompressed SEC 1 encoding: 0x04, x, y.
    let mut encoded = Vec::with_capacity(65);
    encoded.push(0x04);
    encoded.extend_from_slice(&coordinate("x")?);
    encoded.extend_from_slice(&coordinate("y")?);
    let mut ctx = BigNumContext::new().map_err(|_| JoseError::DecryptionFailed)?;
    EcPoint::from_bytes(p256(), &encoded, &mut ctx).map_err(|_| bad("not a point of P-256"))
}

/// Z, the x-coordinate of `private` × `peer` as 32 big-endian bytes, as
/// OpenSSL's ECDH computes it (its constant-time scalar multiplication).
fn shared_secret(private: &EcKey<Private>, peer: &EcPointRef) -> Result<Vec<u8>, JoseError> {
    let failed = |_| JoseError::DecryptionFailed;
    let group = p256();
    let mut ctx = BigNumContext::new().map_err(failed)?;
    let mut product = EcPoint::new(group).map_err(failed)?;
    product
        .mul2(group, peer, private.private_key(), &mut ctx)
        .map_err(failed)?;
    if product.is_infinity(group) {
        return Err(JoseError::DecryptionFailed);
    }
    let (mut x, mut y) = (BigNum::new().map_err(failed)?, BigNum::new().map_err(failed)?);
    product
        .affine_coordinates(group, &mut x, &mut y, &mut ctx)
        .map_err(failed)?;
    x.to_vec_padded(32).map_err(failed)
}

/// `apu` or `apv`, decoded; empty when absent.
fn party_info(header: &Map<String, Value>, name: &str) -> Result<Vec<u8>, JoseError> {
    match header.get(name) {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => URL_SAFE_NO_PAD
            .decode(s)
            .map_err(|_| JoseError::Malformed(format!("`{name}` is not base64url"))),
        Some(_) => Err(JoseError::Malformed(format!("`{name}` is not a string"))),
    }
}

/// The Concat KDF of NIST SP 800-56A §5.8.1 as RFC 7518 §4.6.2 instantiates
/// it with SHA-256: `keydatalen` = `len` bytes, AlgorithmID = `enc`,
/// PartyUInfo = `apu`, PartyVInfo = `apv`, each prefixed by its 32-bit
/// big-endian length. One round gives 256 bits, enough for A256GCM.
fn concat_kdf(z: &[u8], enc: &str, apu: &[u8], apv: &[u8], len: usize) -> Vec<u8> {
    debug_assert!(len <= 32, "one SHA-256 round");
    let with_length = |data: &[u8]| {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(data);
        out
    };
    let digest = Sha256::new()
        .chain_update(1u32.to_be_bytes())
        .chain_update(z)
        .chain_update(with_length(enc.as_bytes()))
        .chain_update(with_length(apu))
        .chain_update(with_length(apv))
        .chain_update(((len * 8) as u32).to_be_bytes())
        .finalize();
    digest[..len].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7518 Appendix C: Bob's static key, Alice's ephemeral key, `apu`
    /// "Alice", `apv` "Bob", A128GCM: the key agreement gives the published
    /// Z and the KDF the published key.
    #[test]
    fn rfc7518_appendix_c() {
        let number = |v: &str| BigNum::from_slice(&URL_SAFE_NO_PAD.decode(v).unwrap()).unwrap();
        let group = p256();
        let public = EcKey::from_public_key_affine_coordinates(
            group,
            &number("weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ"),
            &number("e8lnCO-AlStT-NJVX-crhB7QRYhiix03illJOVAOyck"),
        )
        .unwrap();
        let d = number("VEmDZpDXXK8p8N0Cndsxs924q6nS1RXFASRl6BfUqdw");
        let bob = EcKey::from_private_components(group, &d, public.public_key()).unwrap();
        let header: Map<String, Value> = serde_json::from_value(serde_json::json!({
            "epk": {
                "kty": "EC", "crv": "P-256",
                "x": "gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0",
                "y": "SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps"
            },
            "apu": "QWxpY2U", "apv": "Qm9i"
        }))
        .unwrap();
        let z = shared_secret(&bob, &ephemeral_point(&header).unwrap()).unwrap();
        assert_eq!(
            z,
            [
                158, 86, 217, 29, 129, 113, 53, 211, 114, 131, 66, 131, 191, 132, 38, 156, 251, 49, 110, 163, 218, 128,
                106, 72, 246, 218, 167, 121, 140, 254, 144, 196
            ]
        );
        let apu = party_info(&header, "apu").unwrap();
        let apv = party_info(&header, "apv").unwrap();
        assert_eq!(
            URL_SAFE_NO_PAD.encode(concat_kdf(&z, "A128GCM", &apu, &apv, 16)),
            "VqqN6vgjbSBcIijNcacQGg"
        );
    }

    /// The same Z as OpenSSL's own ECDH (`EVP_PKEY_derive`) for random keys.
    #[test]
    fn the_key_agreement_is_openssls_ecdh() {
        use openssl::pkey::PKey;
        for _ in 0..8 {
            let ours = EcKey::generate(p256()).unwrap();
            let theirs = EcKey::generate(p256()).unwrap();
            let ours_pkey = PKey::from_ec_key(ours.clone()).unwrap();
            let peer = PKey::from_ec_key(EcKey::from_public_key(p256(), theirs.public_key()).unwrap()).unwrap();
            let mut deriver = openssl::derive::Deriver::new(&ours_pkey).unwrap();
            deriver.set_peer(&peer).unwrap();
            assert_eq!(
                shared_secret(&ours, theirs.public_key()).unwrap(),
                deriver.derive_to_vec().unwrap()
            );
        }
    }

    /// A point off the curve, a wrong curve or a short coordinate is refused
    /// before any key agreement.
    #[test]
    fn invalid_ephemeral_keys_are_refused() {
        let header =
            |epk: Value| -> Map<String, Value> { serde_json::from_value(serde_json::json!({ "epk": epk })).unwrap() };
        let x = "gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0";
        let y = "SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps";
        let off_curve = "SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFppo";
        for (epk, why) in [
            (
                serde_json::json!({"kty": "EC", "crv": "P-256", "x": x, "y": off_curve}),
                "not a point",
            ),
            (
                serde_json::json!({"kty": "EC", "crv": "P-384", "x": x, "y": y}),
                "not an EC P-256",
            ),
            (
                serde_json::json!({"kty": "EC", "crv": "P-256", "x": "AAAA", "y": y}),
                "32 bytes",
            ),
            (
                serde_json::json!({"kty": "OKP", "crv": "X25519", "x": x}),
                "not an EC P-256",
            ),
        ] {
            let e = ephemeral_point(&header(epk)).err().unwrap();
            assert!(matches!(&e, JoseError::Malformed(m) if m.contains(why)), "{why}: {e:?}");
        }
        assert!(matches!(
            ephemeral_point(&Map::new()).err().unwrap(),
            JoseError::Malformed(m) if m.contains("missing")
        ));
    }
}
