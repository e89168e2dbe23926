//! Keys: the provider's signing keys (generated at start, rotatable) and the
//! resolution of a client's public keys from its JWKS: the encryption key
//! tokens are encrypted to, and the keys its client assertions are signed
//! with.

use std::sync::Arc;
use std::time::Duration;

use josekit::jwk::Jwk;
use josekit::jwk::alg::ec::EcCurve;
use josekit::jws::JwsSigner;
use serde_json::Value;

use crate::config::{ClientKeys, EncryptionAlg, Platform, SigningAlg};
use crate::random;

/// Size of the provider's RSA signing key.
const RSA_BITS: u32 = 2048;

/// How long the mock waits for a client's `jwks_uri` (the whole exchange).
pub(crate) const CLIENT_JWKS_TIMEOUT: Duration = Duration::from_secs(5);

/// How long the mock waits for the connection to a client's `jwks_uri`.
pub(crate) const CLIENT_JWKS_CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// The largest client JWKS the mock reads; a bigger answer is refused.
pub(crate) const CLIENT_JWKS_MAX_BYTES: usize = 256 * 1024;

/// One generation of provider signing keys (private JWKs), with their
/// josekit signers prepared once: building a signer from a JWK goes through
/// OpenSSL's decoders and costs several times the signature.
#[derive(Clone)]
pub(crate) struct SigningKeys {
    /// The ES256 P-256 key.
    pub es256: Jwk,
    /// The RS256 key (FranceConnect and ProConnect).
    pub rs256: Option<Jwk>,
    es256_signer: Arc<dyn JwsSigner>,
    rs256_signer: Option<Arc<dyn JwsSigner>>,
}

impl SigningKeys {
    /// Generates a new generation with fresh, unique kids.
    pub(crate) fn generate(platform: Platform) -> Result<Self, josekit::JoseError> {
        let suffix = random::hex(4);
        let mut es256 = Jwk::generate_ec_key(EcCurve::P256)?;
        es256.set_key_id(format!("pkcs11:ES256:hsm:{suffix}"));
        es256.set_key_use("sig");
        es256.set_algorithm("ES256");
        let rs256 = match platform {
            Platform::FranceConnect | Platform::ProConnect => {
                let mut rsa = Jwk::generate_rsa_key(RSA_BITS)?;
                rsa.set_key_id(format!("pkcs11:RS256:hsm:{suffix}"));
                rsa.set_key_use("sig");
                rsa.set_algorithm("RS256");
                Some(rsa)
            }
            Platform::FranceConnectPlus => None,
        };
        let es256_signer = Arc::new(josekit::jws::ES256.signer_from_jwk(&es256)?) as Arc<dyn JwsSigner>;
        let rs256_signer = match &rs256 {
            Some(key) => Some(Arc::new(josekit::jws::RS256.signer_from_jwk(key)?) as Arc<dyn JwsSigner>),
            None => None,
        };
        Ok(SigningKeys {
            es256,
            rs256,
            es256_signer,
            rs256_signer,
        })
    }

    /// The prepared signer for `alg` (its key's `kid` set), if this
    /// generation has a key for it.
    pub(crate) fn signer(&self, alg: SigningAlg) -> Option<&dyn JwsSigner> {
        match alg {
            SigningAlg::ES256 => Some(self.es256_signer.as_ref()),
            SigningAlg::RS256 => self.rs256_signer.as_deref(),
        }
    }

    /// The private key used for `alg`, if this generation has one.
    pub(crate) fn for_alg(&self, alg: SigningAlg) -> Option<&Jwk> {
        match alg {
            SigningAlg::ES256 => Some(&self.es256),
            SigningAlg::RS256 => self.rs256.as_ref(),
        }
    }

    /// All private keys of this generation.
    pub(crate) fn all(&self) -> impl Iterator<Item = &Jwk> {
        std::iter::once(&self.es256).chain(self.rs256.as_ref())
    }

    /// The public JWK set published at `/jwks`.
    pub(crate) fn public_jwks(&self) -> Value {
        let keys: Vec<Value> = self.all().map(public_jwk).collect();
        serde_json::json!({ "keys": keys })
    }
}

/// The public half of a private JWK, keeping `kid`, `use` and `alg`.
fn public_jwk(private: &Jwk) -> Value {
    let mut public = private
        .to_public_key()
        .expect("generated EC/RSA keys have a public half");
    if let Some(kid) = private.key_id() {
        public.set_key_id(kid);
    }
    if let Some(alg) = private.algorithm() {
        public.set_algorithm(alg);
    }
    public.set_key_use("sig");
    Value::Object(public.as_ref().clone())
}

/// The provider's keys: the current generation and the retired ones (kept
/// only to recognise `id_token_hint`s signed before a rotation).
pub(crate) struct KeyRing {
    /// Keys used to sign and published in the JWKS.
    pub current: SigningKeys,
    /// Previous generations, no longer published nor used to sign.
    pub retired: Vec<SigningKeys>,
}

/// Why a client's key could not be obtained.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ClientKeyError {
    /// Fetching the `jwks_uri` failed.
    #[error("cannot fetch the client's jwks_uri {0}: {1}")]
    Fetch(String, String),
    /// The JWKS is not a JWK set.
    #[error("the client's JWKS is invalid: {0}")]
    Invalid(String),
    /// No key of the right type.
    #[error("the client's JWKS has no key usable with {0}")]
    NoKey(&'static str),
}

/// Fetches (or reads) the client's JWKS and picks the key for `alg`: the
/// first key whose `kty` fits the algorithm, whose `use` is `enc` or absent
/// and whose `alg`, when present, is `alg`.
pub(crate) async fn resolve_client_key(
    http: &reqwest::Client,
    alg: EncryptionAlg,
    keys: &ClientKeys,
) -> Result<Jwk, ClientKeyError> {
    select_key(&client_jwks(http, keys).await?, alg)
}

/// The client's public JWK set: given inline, or fetched from its
/// `jwks_uri` (within a timeout and a size limit).
pub(crate) async fn client_jwks(http: &reqwest::Client, keys: &ClientKeys) -> Result<Value, ClientKeyError> {
    Ok(match keys {
        ClientKeys::Inline(jwks) => jwks.clone(),
        ClientKeys::JwksUri(url) => {
            let fetch_error = |e: reqwest::Error| ClientKeyError::Fetch(url.to_string(), e.to_string());
            let mut response = http
                .get(url.clone())
                .timeout(CLIENT_JWKS_TIMEOUT)
                .send()
                .await
                .map_err(fetch_error)?
                .error_for_status()
                .map_err(fetch_error)?;
            let too_big = || ClientKeyError::Invalid(format!("larger than {CLIENT_JWKS_MAX_BYTES} bytes"));
            if response
                .content_length()
                .is_some_and(|length| length > CLIENT_JWKS_MAX_BYTES as u64)
            {
                return Err(too_big());
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(fetch_error)? {
                if body.len() + chunk.len() > CLIENT_JWKS_MAX_BYTES {
                    return Err(too_big());
                }
                body.extend_from_slice(&chunk);
            }
            serde_json::from_slice(&body).map_err(|e| ClientKeyError::Invalid(e.to_string()))?
        }
    })
}

/// Picks the key that verifies a client assertion signed with `alg`: the
/// one named by `kid` (or, without `kid`, the first that fits), of the
/// right type, with `use` `sig` or absent and `alg` absent or equal.
pub(crate) fn select_signing_key(jwks: &Value, alg: SigningAlg, kid: Option<&str>) -> Result<Jwk, ClientKeyError> {
    let keys = jwks
        .get("keys")
        .and_then(Value::as_array)
        .ok_or_else(|| ClientKeyError::Invalid("no `keys` array".into()))?;
    let kty = match alg {
        SigningAlg::ES256 => "EC",
        SigningAlg::RS256 => "RSA",
    };
    for key in keys {
        let Some(map) = key.as_object() else { continue };
        let str_of = |name: &str| map.get(name).and_then(Value::as_str);
        let fits = str_of("kty") == Some(kty)
            && matches!(str_of("use"), None | Some("sig"))
            && str_of("alg").is_none_or(|a| a == alg.as_str())
            && kid.is_none_or(|kid| str_of("kid") == Some(kid))
            && (alg == SigningAlg::RS256 || str_of("crv") == Some("P-256"))
            && !map.contains_key("d");
        if fits && let Ok(jwk) = Jwk::from_map(map.clone()) {
            return Ok(jwk);
        }
    }
    Err(ClientKeyError::NoKey(alg.as_str()))
}

/// Picks the encryption key for `alg` in a JWK set.
pub(crate) fn select_key(jwks: &Value, alg: EncryptionAlg) -> Result<Jwk, ClientKeyError> {
    let keys = jwks
        .get("keys")
        .and_then(Value::as_array)
        .ok_or_else(|| ClientKeyError::Invalid("no `keys` array".into()))?;
    for key in keys {
        let Some(map) = key.as_object() else { continue };
        let str_of = |name: &str| map.get(name).and_then(Value::as_str);
        if str_of("kty") != Some(alg.key_type()) {
            continue;
        }
        if !matches!(str_of("use"), None | Some("enc")) {
            continue;
        }
        if str_of("alg").is_some_and(|a| a != alg.as_str()) {
            continue;
        }
        if alg == EncryptionAlg::EcdhEs && str_of("crv") != Some("P-256") {
            continue;
        }
        // A private key published by mistake must not be used as is.
        if map.contains_key("d") {
            continue;
        }
        if let Ok(jwk) = Jwk::from_map(map.clone()) {
            return Ok(jwk);
        }
    }
    Err(ClientKeyError::NoKey(alg.as_str()))
}

/// A private encryption key of a data provider (`alg`'s key type, a new
/// kid, `use: enc`, `alg`), for a registration that brings none.
pub(crate) fn generate_encryption_key(alg: EncryptionAlg) -> Result<Jwk, josekit::JoseError> {
    let mut key = match alg {
        EncryptionAlg::EcdhEs => Jwk::generate_ec_key(EcCurve::P256)?,
        EncryptionAlg::RsaOaep | EncryptionAlg::RsaOaep256 => Jwk::generate_rsa_key(RSA_BITS)?,
    };
    key.set_key_id(format!("dp-enc-{}", random::hex(8)));
    key.set_key_use("enc");
    key.set_algorithm(alg.as_str());
    Ok(key)
}

/// The public half of a private encryption key, with its `kid`, `use` and
/// `alg`.
pub(crate) fn public_encryption_jwk(private: &Jwk) -> Result<Jwk, josekit::JoseError> {
    let mut public = private.to_public_key()?;
    if let Some(kid) = private.key_id() {
        public.set_key_id(kid);
    }
    if let Some(alg) = private.algorithm() {
        public.set_algorithm(alg);
    }
    public.set_key_use("enc");
    Ok(public)
}

/// A fresh public key of the type `alg` needs, with a kid no client has
/// (for the [`Tamper::UnknownEncryptionKey`](crate::Tamper) scenario).
pub(crate) fn unknown_client_key(alg: EncryptionAlg) -> Result<Jwk, josekit::JoseError> {
    let private = match alg {
        EncryptionAlg::EcdhEs => Jwk::generate_ec_key(EcCurve::P256)?,
        EncryptionAlg::RsaOaep | EncryptionAlg::RsaOaep256 => Jwk::generate_rsa_key(RSA_BITS)?,
    };
    let mut public = private.to_public_key()?;
    public.set_key_id(format!("inconnue-{}", random::hex(8)));
    public.set_key_use("enc");
    Ok(public)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwks_is_public_with_kids() {
        let keys = SigningKeys::generate(Platform::FranceConnect).unwrap();
        let jwks = keys.public_jwks();
        let list = jwks["keys"].as_array().unwrap();
        assert_eq!(list.len(), 2);
        for k in list {
            assert!(k.get("d").is_none());
            assert_eq!(k["use"], "sig");
            assert!(k["kid"].as_str().unwrap().starts_with("pkcs11:"));
        }
        let plus = SigningKeys::generate(Platform::FranceConnectPlus).unwrap();
        assert_eq!(plus.public_jwks()["keys"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn selects_matching_encryption_key() {
        let sig = serde_json::json!({"kty":"EC","crv":"P-256","use":"sig","kid":"s","x":"a","y":"b"});
        let ec = Jwk::generate_ec_key(EcCurve::P256).unwrap().to_public_key().unwrap();
        let mut ec = Value::Object(ec.as_ref().clone());
        ec["kid"] = "e".into();
        let jwks = serde_json::json!({ "keys": [sig, ec] });
        assert_eq!(select_key(&jwks, EncryptionAlg::EcdhEs).unwrap().key_id(), Some("e"));
        assert!(matches!(
            select_key(&jwks, EncryptionAlg::RsaOaep),
            Err(ClientKeyError::NoKey(_))
        ));
    }
}
