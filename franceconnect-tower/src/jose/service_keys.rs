//! The service's own keys: encryption keys, to which FranceConnect+ (and
//! FranceConnect, when the service registered encryption) encrypts the ID
//! token and userinfo; and signing keys, for the client assertions of
//! `private_key_jwt`.
//!
//! Several keys can be loaded at once so that a key can be rotated: publish
//! the new key next to the old one, wait for the provider to pick it up, then
//! drop the old one. Decryption picks the key named by the JWE's `kid`.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use josekit::jwk::Jwk;
use josekit::jwk::alg::ec::{EcCurve, EcKeyPair};
use josekit::jwk::alg::rsa::RsaKeyPair;
use josekit::jws::{JwsHeader, JwsSigner};
use josekit::jwt::JwtPayload;
use serde_json::{Map, Value, json};

use super::prepared::Decryption;
use super::{EncryptionAlg, SigningAlg};
use crate::error::ConfigError;
use crate::protocol::values::random_token;

/// One private decryption key, with its decryption prepared.
#[derive(Clone)]
pub(crate) struct ServiceKey {
    pub(crate) kid: String,
    pub(crate) alg: EncryptionAlg,
    pub(crate) jwk: Jwk,
    pub(crate) decryption: Decryption,
}

/// One private signing key (`use: sig`), with its josekit signer prepared.
#[derive(Clone)]
pub(crate) struct ServiceSigningKey {
    pub(crate) kid: String,
    pub(crate) alg: SigningAlg,
    jwk: Jwk,
    signer: Arc<dyn JwsSigner>,
}

impl ServiceSigningKey {
    /// Signs `claims` as a compact JWS (`typ: JWT`, this key's `kid`).
    pub(crate) fn sign(&self, claims: Map<String, Value>) -> Result<String, ConfigError> {
        let mut header = JwsHeader::new();
        header.set_token_type("JWT");
        header.set_key_id(&self.kid);
        let payload = JwtPayload::from_map(claims).map_err(|_| ConfigError::new("unsignable claims"))?;
        josekit::jwt::encode_with_signer(&payload, &header, self.signer.as_ref())
            .map_err(|_| ConfigError::new(format!("signing with key `{}` failed", self.kid)))
    }
}

/// The service's private keys: encryption keys (`use: enc`) and, for
/// `private_key_jwt`, signing keys (`use: sig`). `Debug` shows only key
/// ids and algorithms.
#[derive(Clone)]
pub struct ServiceKeys {
    keys: Vec<ServiceKey>,
    signing: Vec<ServiceSigningKey>,
}

impl ServiceKeys {
    /// Parses a private JWK set (`{"keys":[…]}`). Each key needs a unique
    /// `kid` and its private part; EC keys must be P-256, RSA keys at least
    /// 2048 bits. A key with `use: sig`, or `alg` `ES256` or `RS256`, is a
    /// signing key (for `private_key_jwt`); any other is an encryption key
    /// (`ECDH-ES`, `RSA-OAEP` or `RSA-OAEP-256`), and without `alg` gets
    /// `ECDH-ES` (EC) or `RSA-OAEP-256` (RSA).
    pub fn from_jwks_json(json: &str) -> Result<Self, ConfigError> {
        let doc: Value =
            serde_json::from_str(json).map_err(|_| ConfigError::new("the service key set is not valid JSON"))?;
        let keys = doc
            .get("keys")
            .and_then(Value::as_array)
            .ok_or_else(|| ConfigError::new("the service key set has no `keys` array"))?;
        let mut loaded = Self {
            keys: Vec::new(),
            signing: Vec::new(),
        };
        for (i, key) in keys.iter().enumerate() {
            let at = |e: ConfigError| ConfigError::new(format!("service key #{}: {}", i + 1, e.0));
            let key = parse_any_key(key).map_err(at)?;
            loaded = loaded.merge(key).map_err(at)?;
        }
        if loaded.keys.is_empty() && loaded.signing.is_empty() {
            return Err(ConfigError::new("the service key set is empty"));
        }
        Ok(loaded)
    }

    /// Reads a private JWK set from a file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let json = std::fs::read_to_string(path)
            .map_err(|e| ConfigError::new(format!("cannot read the service keys at {}: {e}", path.display())))?;
        Self::from_jwks_json(&json)
    }

    /// Reads the private JWK set at `path`, or, when no file is there,
    /// generates an ECDH-ES key (P-256) and writes it there first, readable
    /// by its owner only (mode 600). For a development machine or a first
    /// deployment: keep the file afterwards, since the platform encrypts to
    /// the keys it fetched from the service's JWKS.
    ///
    /// ```
    /// use franceconnect_tower::ServiceKeys;
    ///
    /// let dir = std::env::temp_dir().join(format!("fc-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("fc-keys.json");
    /// let first = ServiceKeys::load_or_generate(&path).unwrap(); // written
    /// let again = ServiceKeys::load_or_generate(&path).unwrap(); // read back
    /// assert_eq!(first.kids().collect::<Vec<_>>(), again.kids().collect::<Vec<_>>());
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn load_or_generate(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        if path.exists() {
            return Self::from_file(path);
        }
        let keys = Self::generate(EncryptionAlg::EcdhEs)?;
        keys.write_private_jwks(path)?;
        tracing::info!(path = %path.display(), "generated the service's encryption key");
        Ok(keys)
    }

    /// Writes the private JWK set to a new file at `path`, readable by its
    /// owner only (mode 600 on Unix), and flushes it and its directory to
    /// disk before returning. An existing file is never overwritten:
    /// remove it first, on purpose. A write that fails removes the file it
    /// created, so no half key set is left to be loaded on the next start.
    pub fn write_private_jwks(&self, path: impl AsRef<Path>) -> Result<(), ConfigError> {
        use std::io::Write as _;
        let path = path.as_ref();
        let failed =
            |e: std::io::Error| ConfigError::new(format!("cannot write the service keys to {}: {e}", path.display()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(failed)?;
        let written = file
            .write_all(self.to_private_jwks_json().as_bytes())
            .and_then(|()| file.sync_all())
            .and_then(|()| Self::sync_directory_of(path));
        if let Err(e) = written {
            drop(file);
            let _ = std::fs::remove_file(path);
            return Err(failed(e));
        }
        Ok(())
    }

    /// Flushes the directory holding the key file `path` (`.` for a bare
    /// file name) to disk, so that a file just created or renamed there
    /// survives a crash, not only its content: what
    /// [`write_private_jwks`](Self::write_private_jwks) does after writing,
    /// and what a tool that writes the key file its own way (`franceconnect
    /// keys`, which renames a new file over the old one) does after it. A
    /// no-op where a directory cannot be opened as a file (outside Unix).
    pub fn sync_directory_of(path: impl AsRef<Path>) -> std::io::Result<()> {
        #[cfg(unix)]
        {
            let path = path.as_ref();
            let directory = match path.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent,
                _ => Path::new("."),
            };
            std::fs::File::open(directory)?.sync_all()
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            Ok(())
        }
    }

    /// Generates a new key for `alg` (P-256 for ECDH-ES, RSA 3072 bits for
    /// RSA-OAEP*), with a random `kid`. For development, or to start a
    /// rotation; store it with [`ServiceKeys::to_private_jwks_json`].
    pub fn generate(alg: EncryptionAlg) -> Result<Self, ConfigError> {
        let failed = |_| ConfigError::new("key generation failed");
        let mut jwk = match alg {
            EncryptionAlg::EcdhEs => EcKeyPair::generate(EcCurve::P256).map_err(failed)?.to_jwk_key_pair(),
            EncryptionAlg::RsaOaep | EncryptionAlg::RsaOaep256 => {
                RsaKeyPair::generate(3072).map_err(failed)?.to_jwk_key_pair()
            }
        };
        let kid = format!("enc-{}", &random_token()[..16]);
        jwk.set_key_id(&kid);
        jwk.set_key_use("enc");
        jwk.set_algorithm(alg.as_str());
        let decryption =
            super::prepared::decryption(alg, &jwk).map_err(|_| ConfigError::new("key generation failed"))?;
        Ok(Self {
            keys: vec![ServiceKey {
                kid,
                alg,
                jwk,
                decryption,
            }],
            signing: Vec::new(),
        })
    }

    /// Generates a new signing key for `alg` (P-256 for ES256, RSA 3072 bits
    /// for RS256), with a random `kid`, for `private_key_jwt`; merge it
    /// with the encryption keys ([`ServiceKeys::merge`]).
    pub fn generate_signing(alg: SigningAlg) -> Result<Self, ConfigError> {
        let failed = |_| ConfigError::new("key generation failed");
        let mut jwk = match alg {
            SigningAlg::Es256 => EcKeyPair::generate(EcCurve::P256).map_err(failed)?.to_jwk_key_pair(),
            SigningAlg::Rs256 => RsaKeyPair::generate(3072).map_err(failed)?.to_jwk_key_pair(),
        };
        let kid = format!("sig-{}", &random_token()[..16]);
        jwk.set_key_id(&kid);
        jwk.set_key_use("sig");
        jwk.set_algorithm(alg.as_str());
        let key = parse_signing_key(jwk.as_ref(), &kid, alg)?;
        Ok(Self {
            keys: Vec::new(),
            signing: vec![key],
        })
    }

    /// Adds the keys of `other` (e.g. a newly generated key during a
    /// rotation). Fails on a duplicate `kid`.
    pub fn merge(mut self, other: ServiceKeys) -> Result<Self, ConfigError> {
        let taken: Vec<String> = self.kids().map(str::to_owned).collect();
        if let Some(kid) = other.kids().find(|kid| taken.iter().any(|t| t == kid)) {
            return Err(ConfigError::new(format!("duplicate kid `{kid}`")));
        }
        self.keys.extend(other.keys);
        self.signing.extend(other.signing);
        Ok(self)
    }

    /// Removes the key `kid`, encryption or signing key: the last step of a
    /// rotation, once the provider has fetched the JWKS holding its
    /// successor. Fails when no key has this `kid`, or when it is the only
    /// key left (an empty set cannot be loaded).
    ///
    /// ```
    /// use franceconnect_tower::{EncryptionAlg, ServiceKeys};
    ///
    /// let old = ServiceKeys::generate(EncryptionAlg::EcdhEs).unwrap();
    /// let old_kid = old.kids().next().unwrap().to_owned();
    /// let rotated = old.merge(ServiceKeys::generate(EncryptionAlg::EcdhEs).unwrap()).unwrap();
    /// let new = rotated.without(&old_kid).unwrap();
    /// assert!(new.kids().all(|kid| kid != old_kid));
    /// assert!(new.without("no-such-kid").is_err());
    /// ```
    pub fn without(mut self, kid: &str) -> Result<Self, ConfigError> {
        let before = self.keys.len() + self.signing.len();
        self.keys.retain(|k| k.kid != kid);
        self.signing.retain(|k| k.kid != kid);
        if self.keys.len() + self.signing.len() == before {
            return Err(ConfigError::new(format!(
                "no service key has the kid `{}`",
                crate::error::sanitize(kid, 80)
            )));
        }
        if self.keys.is_empty() && self.signing.is_empty() {
            return Err(ConfigError::new(
                "it is the only service key: an empty key set cannot be loaded",
            ));
        }
        Ok(self)
    }

    /// The private JWK set, to be stored as a secret (e.g. `FC_KEYS_FILE`).
    pub fn to_private_jwks_json(&self) -> String {
        let keys: Vec<Value> = self
            .keys
            .iter()
            .map(|k| &k.jwk)
            .chain(self.signing.iter().map(|k| &k.jwk))
            .map(|jwk| Value::Object(jwk.as_ref().clone()))
            .collect();
        serde_json::to_string_pretty(&json!({ "keys": keys })).expect("a JWK set serialises")
    }

    /// The public JWK set to serve at the `jwks_uri` registered with the
    /// platform: public members only, with `kid`, `use` (`enc`, then `sig`)
    /// and `alg`.
    pub fn public_jwks(&self) -> Value {
        let keys: Vec<Value> = self
            .keys
            .iter()
            .map(|k| public_part(&k.jwk, &k.kid, "enc", k.alg.as_str()))
            .chain(
                self.signing
                    .iter()
                    .map(|k| public_part(&k.jwk, &k.kid, "sig", k.alg.as_str())),
            )
            .collect();
        json!({ "keys": keys })
    }

    /// The key ids, encryption keys first, in order.
    pub fn kids(&self) -> impl Iterator<Item = &str> {
        self.keys
            .iter()
            .map(|k| k.kid.as_str())
            .chain(self.signing.iter().map(|k| k.kid.as_str()))
    }

    /// The algorithms of the signing keys, in order.
    pub fn signing_algorithms(&self) -> Vec<SigningAlg> {
        distinct(self.signing.iter().map(|k| k.alg))
    }

    /// The first signing key whose algorithm is in `allowed` (the current
    /// one: a key added for a rotation goes after it).
    pub(crate) fn signing_key(&self, allowed: &[SigningAlg]) -> Option<&ServiceSigningKey> {
        self.signing.iter().find(|k| allowed.contains(&k.alg))
    }

    /// The algorithms these keys can decrypt.
    pub fn algorithms(&self) -> Vec<EncryptionAlg> {
        distinct(self.keys.iter().map(|k| k.alg))
    }

    /// The keys that may decrypt a JWE with this `kid` and `alg`: the one
    /// named by `kid`, or, when the JWE names none, every key of that
    /// algorithm.
    pub(crate) fn candidates(&self, kid: Option<&str>, alg: EncryptionAlg) -> Vec<&ServiceKey> {
        self.keys
            .iter()
            .filter(|k| k.alg == alg && kid.is_none_or(|kid| kid == k.kid))
            .collect()
    }
}

impl fmt::Debug for ServiceKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.keys.iter().map(|k| format!("{} ({})", k.kid, k.alg)))
            .entries(self.signing.iter().map(|k| format!("{} ({})", k.kid, k.alg.as_str())))
            .finish()
    }
}

/// The values in their first order, each once.
fn distinct<T: PartialEq>(values: impl Iterator<Item = T>) -> Vec<T> {
    let mut out = Vec::new();
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// Parses one private key of either kind, as a one-key set.
fn parse_any_key(value: &Value) -> Result<ServiceKeys, ConfigError> {
    let map = value.as_object().ok_or_else(|| ConfigError::new("not a JSON object"))?;
    let text = |name: &str| map.get(name).and_then(Value::as_str);
    let kid = text("kid")
        .filter(|k| !k.is_empty())
        .ok_or_else(|| ConfigError::new("missing `kid`"))?;
    if text("d").is_none() {
        return Err(ConfigError::new("not a private key (no `d`)"));
    }
    let public_members: &[&str] = if text("kty") == Some("EC") {
        &["x", "y"]
    } else {
        &["n", "e"]
    };
    if let Some(m) = public_members.iter().find(|m| text(m).is_none()) {
        return Err(ConfigError::new(format!("missing the public member `{m}`")));
    }
    check_strength(map)?;
    let signing_alg = text("alg").and_then(|a| a.parse::<SigningAlg>().ok());
    match (text("use"), signing_alg) {
        (Some("sig"), Some(alg)) | (None, Some(alg)) => Ok(ServiceKeys {
            keys: Vec::new(),
            signing: vec![parse_signing_key(map, kid, alg)?],
        }),
        (Some("sig"), None) => Err(ConfigError::new(
            "a signing key (`use: sig`) needs `alg` ES256 or RS256",
        )),
        (Some("enc") | None, None) => Ok(ServiceKeys {
            keys: vec![parse_encryption_key(map, kid)?],
            signing: Vec::new(),
        }),
        (Some("enc"), Some(alg)) => Err(ConfigError::new(format!(
            "`use: enc` with the signature algorithm {}",
            alg.as_str()
        ))),
        (Some(_), _) => Err(ConfigError::new("`use` must be `enc` or `sig`")),
    }
}

/// P-256 for EC keys, at least 2048 bits for RSA keys.
fn check_strength(map: &Map<String, Value>) -> Result<(), ConfigError> {
    let text = |name: &str| map.get(name).and_then(Value::as_str);
    match text("kty") {
        Some("EC") if text("crv") != Some("P-256") => Err(ConfigError::new("EC keys must use the P-256 curve")),
        Some("RSA") => {
            let n = text("n")
                .and_then(|n| URL_SAFE_NO_PAD.decode(n).ok())
                .ok_or_else(|| ConfigError::new("invalid RSA modulus"))?;
            let bits = n.iter().skip_while(|b| **b == 0).count() * 8;
            if bits < 2048 {
                return Err(ConfigError::new("RSA keys must have at least 2048 bits"));
            }
            Ok(())
        }
        Some("EC") => Ok(()),
        _ => Err(ConfigError::new("`kty` must be EC or RSA")),
    }
}

/// A signing key for `alg`, its signer prepared.
fn parse_signing_key(map: &Map<String, Value>, kid: &str, alg: SigningAlg) -> Result<ServiceSigningKey, ConfigError> {
    let kty = map.get("kty").and_then(Value::as_str).unwrap_or_default();
    let wanted = match alg {
        SigningAlg::Es256 => "EC",
        SigningAlg::Rs256 => "RSA",
    };
    if kty != wanted {
        return Err(ConfigError::new(format!("{} needs an {wanted} key", alg.as_str())));
    }
    let mut map = map.clone();
    map.remove("key_ops");
    let jwk = Jwk::from_map(map).map_err(|_| ConfigError::new("not a valid JWK"))?;
    let signer = super::prepared::signer(alg, &jwk).map_err(|_| ConfigError::new("the key cannot sign"))?;
    Ok(ServiceSigningKey {
        kid: kid.to_owned(),
        alg,
        jwk,
        signer,
    })
}

/// An encryption key, its decrypter prepared.
fn parse_encryption_key(map: &Map<String, Value>, kid: &str) -> Result<ServiceKey, ConfigError> {
    let text = |name: &str| map.get(name).and_then(Value::as_str);
    let kty = text("kty").unwrap_or_default();
    let alg = match (kty, text("alg")) {
        ("EC", None) => EncryptionAlg::EcdhEs,
        ("RSA", None) => EncryptionAlg::RsaOaep256,
        (_, Some(a)) => a
            .parse::<EncryptionAlg>()
            .map_err(|_| ConfigError::new("`alg` must be ECDH-ES, RSA-OAEP or RSA-OAEP-256"))?,
        _ => return Err(ConfigError::new("`kty` must be EC or RSA")),
    };
    if alg.key_type() != kty {
        return Err(ConfigError::new(format!("{alg} needs an {} key", alg.key_type())));
    }
    // `alg` pins what the key does; a standards-style `key_ops` (`unwrapKey`,
    // `deriveBits`) would otherwise make josekit refuse the key.
    let mut map = map.clone();
    map.remove("key_ops");
    let mut jwk = Jwk::from_map(map).map_err(|_| ConfigError::new("not a valid JWK"))?;
    jwk.set_algorithm(alg.as_str());
    // Prepared now: a key josekit cannot use is refused at start, not at
    // the first login, and no login pays for parsing it.
    let decryption = super::prepared::decryption(alg, &jwk)
        .map_err(|_| ConfigError::new("the key cannot be used for decryption"))?;
    Ok(ServiceKey {
        kid: kid.to_owned(),
        alg,
        jwk,
        decryption,
    })
}

/// Copies only the public members of a key, whatever else the private JWK
/// carries, with its `kid`, `use` and `alg`.
fn public_part(jwk: &Jwk, kid: &str, key_use: &str, alg: &str) -> Value {
    let mut out = Map::new();
    let members: &[&str] = if jwk.key_type() == "EC" {
        &["kty", "crv", "x", "y"]
    } else {
        &["kty", "n", "e"]
    };
    for m in members {
        if let Some(v) = jwk.parameter(m) {
            out.insert((*m).to_owned(), v.clone());
        }
    }
    out.insert("kid".into(), kid.into());
    out.insert("use".into(), key_use.into());
    out.insert("alg".into(), alg.into());
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_round_trip_and_publish_only_public_parts() {
        let keys = ServiceKeys::generate(EncryptionAlg::EcdhEs)
            .unwrap()
            .merge(ServiceKeys::generate(EncryptionAlg::RsaOaep256).unwrap())
            .unwrap();
        let reloaded = ServiceKeys::from_jwks_json(&keys.to_private_jwks_json()).unwrap();
        assert_eq!(reloaded.kids().collect::<Vec<_>>(), keys.kids().collect::<Vec<_>>());
        let public = keys.public_jwks();
        let published = public["keys"].as_array().unwrap();
        assert_eq!(published.len(), 2);
        for k in published {
            for private in ["d", "p", "q", "dp", "dq", "qi"] {
                assert!(k.get(private).is_none(), "{private} published");
            }
            assert_eq!(k["use"], "enc");
            assert!(k["kid"].is_string() && k["alg"].is_string());
        }
        assert_eq!(published[0]["alg"], "ECDH-ES");
        assert_eq!(published[1]["alg"], "RSA-OAEP-256");
        assert!(!format!("{keys:?}").contains("\"d\""));
    }

    #[test]
    fn weak_or_wrong_keys_are_refused() {
        let small = RsaKeyPair::generate(1024).unwrap().to_jwk_key_pair();
        let mut small = small.as_ref().clone();
        small.insert("kid".into(), "k".into());
        let err = ServiceKeys::from_jwks_json(&json!({"keys":[small]}).to_string()).unwrap_err();
        assert!(err.0.contains("2048"), "{err}");

        let p384 = EcKeyPair::generate(EcCurve::P384).unwrap().to_jwk_key_pair();
        let mut p384 = p384.as_ref().clone();
        p384.insert("kid".into(), "k".into());
        assert!(
            ServiceKeys::from_jwks_json(&json!({"keys":[p384]}).to_string())
                .unwrap_err()
                .0
                .contains("P-256")
        );

        let public = ServiceKeys::generate(EncryptionAlg::EcdhEs).unwrap().public_jwks();
        assert!(
            ServiceKeys::from_jwks_json(&public.to_string())
                .unwrap_err()
                .0
                .contains("private")
        );

        let one = ServiceKeys::generate(EncryptionAlg::EcdhEs).unwrap();
        let twice = format!(
            "{{\"keys\":[{k},{k}]}}",
            k = serde_json::to_string(&Value::Object(one.keys[0].jwk.as_ref().clone())).unwrap()
        );
        assert!(ServiceKeys::from_jwks_json(&twice).unwrap_err().0.contains("duplicate"));
        assert!(ServiceKeys::from_jwks_json("{\"keys\":[]}").is_err());
    }

    /// The generated file is private to its owner and never overwritten.
    #[test]
    fn generated_files_are_private_and_kept() {
        let dir = std::env::temp_dir().join(format!("fc-keys-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("keys.json");
        let _ = std::fs::remove_file(&path);
        let keys = ServiceKeys::load_or_generate(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let e = keys.write_private_jwks(&path).unwrap_err();
        assert!(e.0.contains("cannot write"), "{e}");
        assert_eq!(
            ServiceKeys::load_or_generate(&path).unwrap().kids().collect::<Vec<_>>(),
            keys.kids().collect::<Vec<_>>()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A rotation's last step removes exactly the key named, of either
    /// use, and never the last one.
    #[test]
    fn without_removes_one_key_by_kid() {
        let keys = ServiceKeys::generate(EncryptionAlg::EcdhEs)
            .unwrap()
            .merge(ServiceKeys::generate(EncryptionAlg::RsaOaep256).unwrap())
            .unwrap()
            .merge(ServiceKeys::generate_signing(SigningAlg::Es256).unwrap())
            .unwrap();
        let kids: Vec<String> = keys.kids().map(str::to_owned).collect();
        let fewer = keys.clone().without(&kids[0]).unwrap();
        assert_eq!(fewer.kids().collect::<Vec<_>>(), [kids[1].as_str(), kids[2].as_str()]);
        assert_eq!(fewer.algorithms(), [EncryptionAlg::RsaOaep256]);
        let unsigned = fewer.without(&kids[2]).unwrap();
        assert!(unsigned.signing_algorithms().is_empty());
        assert_eq!(unsigned.kids().collect::<Vec<_>>(), [kids[1].as_str()]);
        let e = keys.clone().without("enc-missing").unwrap_err();
        assert!(e.0.contains("no service key has the kid `enc-missing`"), "{e}");
        let e = unsigned.without(&kids[1]).unwrap_err();
        assert!(e.0.contains("only service key"), "{e}");
        // What is left serialises and loads again.
        let reloaded = ServiceKeys::from_jwks_json(&keys.without(&kids[1]).unwrap().to_private_jwks_json()).unwrap();
        assert_eq!(
            reloaded.kids().collect::<Vec<_>>(),
            [kids[0].as_str(), kids[2].as_str()]
        );
    }

    /// Signing keys load beside encryption keys, publish as `use: sig`,
    /// and a key whose `use` and `alg` disagree is refused.
    #[test]
    fn signing_keys_sit_beside_encryption_keys() {
        let keys = ServiceKeys::generate(EncryptionAlg::EcdhEs)
            .unwrap()
            .merge(ServiceKeys::generate_signing(SigningAlg::Es256).unwrap())
            .unwrap()
            .merge(ServiceKeys::generate_signing(SigningAlg::Rs256).unwrap())
            .unwrap();
        let reloaded = ServiceKeys::from_jwks_json(&keys.to_private_jwks_json()).unwrap();
        assert_eq!(reloaded.algorithms(), [EncryptionAlg::EcdhEs]);
        assert_eq!(reloaded.signing_algorithms(), [SigningAlg::Es256, SigningAlg::Rs256]);
        assert_eq!(
            reloaded.signing_key(&[SigningAlg::Rs256]).unwrap().alg,
            SigningAlg::Rs256
        );
        let published = reloaded.public_jwks();
        let uses: Vec<&str> = published["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["use"].as_str().unwrap())
            .collect();
        assert_eq!(uses, ["enc", "sig", "sig"]);
        assert!(
            published["keys"]
                .as_array()
                .unwrap()
                .iter()
                .all(|k| k.get("d").is_none())
        );

        let mut private: Value = serde_json::from_str(
            &ServiceKeys::generate_signing(SigningAlg::Es256)
                .unwrap()
                .to_private_jwks_json(),
        )
        .unwrap();
        private["keys"][0]["use"] = "enc".into();
        let e = ServiceKeys::from_jwks_json(&private.to_string()).unwrap_err();
        assert!(e.0.contains("`use: enc` with the signature algorithm ES256"), "{e}");
        private["keys"][0]["use"] = "sig".into();
        private["keys"][0].as_object_mut().unwrap().remove("alg");
        let e = ServiceKeys::from_jwks_json(&private.to_string()).unwrap_err();
        assert!(e.0.contains("needs `alg` ES256 or RS256"), "{e}");
        private["keys"][0]["alg"] = "RS256".into();
        let e = ServiceKeys::from_jwks_json(&private.to_string()).unwrap_err();
        assert!(e.0.contains("RS256 needs an RSA key"), "{e}");
    }
}
