//! Building the JWTs the provider issues: claim sets for the ID token and
//! userinfo, JWS signing with the provider's key, and the JWE wrapping of
//! FranceConnect+ (nested JWT). All cryptography is josekit's.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use josekit::jwe::{JweEncrypter, JweHeader};
use josekit::jwk::Jwk;
use josekit::jws::{JwsHeader, JwsSigner};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::config::{EncryptionAlg, Platform, SigningAlg};
use crate::identities::Identity;

/// Constant salt of the pairwise subject, so that the same person gets the
/// same `sub` for a given client across restarts of the mock.
const SUB_SALT: &str = "franceconnect-mock:pairwise:2024";

/// Lifetime of the ID token, the access token and the userinfo JWT on
/// FranceConnect(+).
pub(crate) const TOKEN_LIFETIME_SECS: u64 = 60;

/// Lifetime of ProConnect's ID token, access token and userinfo JWT: one
/// hour, `oidc-provider`'s default (the token response says
/// `expires_in: 3600`).
pub(crate) const PROCONNECT_TOKEN_LIFETIME_SECS: u64 = 3600;

/// Lifetime of the tokens `platform` issues.
pub(crate) fn token_lifetime_secs(platform: Platform) -> u64 {
    match platform {
        Platform::FranceConnect | Platform::FranceConnectPlus => TOKEN_LIFETIME_SECS,
        Platform::ProConnect => PROCONNECT_TOKEN_LIFETIME_SECS,
    }
}

/// The `amr` of a FranceConnect (`fc`, `pwd`) or FranceConnect+ (`fc`,
/// `pop`, `mfa`, `pin`) login, or of a European citizen's through the
/// eIDAS bridge (`eidas`, on both); ProConnect's comes from the agent's
/// identity provider.
pub(crate) fn franceconnect_amr(platform: Platform, identity: Option<&Identity>) -> &'static [&'static str] {
    if identity.is_some_and(|i| i.eidas) {
        return &["eidas"];
    }
    match platform {
        Platform::FranceConnectPlus => &["fc", "pop", "mfa", "pin"],
        Platform::FranceConnect | Platform::ProConnect => &["fc", "pwd"],
    }
}

/// Seconds since the Unix epoch.
pub(crate) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The pairwise subject of `identity_id` for `client_id`: 64 hex
/// characters followed by `v1`.
pub(crate) fn pairwise_sub(client_id: &str, identity_id: &str) -> String {
    let digest = Sha256::digest(format!("{client_id}:{identity_id}:{SUB_SALT}").as_bytes());
    format!("{}v1", hex::encode(digest))
}

/// Signs `claims` as a compact JWS. Its header has exactly `alg` and `kid`,
/// as the platform's (no `typ`).
pub(crate) fn sign(claims: &Map<String, Value>, alg: SigningAlg, key: &Jwk) -> Result<String, josekit::JoseError> {
    sign_with(claims, &*signer(alg, key)?)
}

/// Signs `claims` with a prepared signer (whose key id goes in the header).
pub(crate) fn sign_with(claims: &Map<String, Value>, signer: &dyn JwsSigner) -> Result<String, josekit::JoseError> {
    let mut header = JwsHeader::new();
    if let Some(kid) = signer.key_id() {
        header.set_key_id(kid);
    }
    let payload = serde_json::to_vec(claims).expect("a JSON map serialises");
    josekit::jws::serialize_compact(&payload, &header, signer)
}

/// A josekit signer for `alg` with `key`.
pub(crate) fn signer(alg: SigningAlg, key: &Jwk) -> Result<Box<dyn JwsSigner>, josekit::JoseError> {
    Ok(match alg {
        SigningAlg::ES256 => Box::new(josekit::jws::ES256.signer_from_jwk(key)?),
        SigningAlg::RS256 => Box::new(josekit::jws::RS256.signer_from_jwk(key)?),
    })
}

/// An unsigned JWT (`alg` `none`), for the corresponding tamper scenario.
pub(crate) fn unsigned(claims: &Map<String, Value>) -> String {
    let header = serde_json::json!({ "alg": "none", "typ": "JWT" });
    format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).expect("a JSON map serialises")),
    )
}

/// Encrypts a compact JWS for the client (nested JWT). The header is the
/// platform's: `alg` from the client's registration, `enc` A256GCM, `cty`
/// JWT, `kid` of the client's key, `iss` (the issuer) and `aud` (the
/// client), plus `epk` for ECDH-ES.
pub(crate) fn encrypt(
    jws: &str,
    alg: EncryptionAlg,
    key: &Jwk,
    issuer: &str,
    audience: &str,
) -> Result<String, josekit::JoseError> {
    let mut header = jwe_header(key, "A256GCM");
    header.set_claim("iss", Some(issuer.into()))?;
    header.set_claim("aud", Some(audience.into()))?;
    encrypt_with_header(jws, alg, key, header)
}

/// A JWE header with `enc`, `cty` JWT and the key's kid.
pub(crate) fn jwe_header(key: &Jwk, enc: &str) -> JweHeader {
    let mut header = JweHeader::new();
    header.set_content_encryption(enc);
    header.set_content_type("JWT");
    if let Some(kid) = key.key_id() {
        header.set_key_id(kid);
    }
    header
}

/// Encrypts a compact JWS to `key` with `alg` and the given header.
pub(crate) fn encrypt_with_header(
    jws: &str,
    alg: EncryptionAlg,
    key: &Jwk,
    header: JweHeader,
) -> Result<String, josekit::JoseError> {
    let encrypter: Box<dyn JweEncrypter> = match alg {
        EncryptionAlg::EcdhEs => Box::new(josekit::jwe::ECDH_ES.encrypter_from_jwk(key)?),
        EncryptionAlg::RsaOaep => Box::new(josekit::jwe::RSA_OAEP.encrypter_from_jwk(key)?),
        EncryptionAlg::RsaOaep256 => Box::new(josekit::jwe::RSA_OAEP_256.encrypter_from_jwk(key)?),
    };
    josekit::jwe::serialize_compact(jws.as_bytes(), &header, &*encrypter)
}

/// What an ID token says, before tampering and signing.
pub(crate) struct IdTokenClaims<'a> {
    /// Issuer.
    pub iss: &'a str,
    /// Audience: the client id.
    pub aud: &'a str,
    /// Subject: pairwise on FranceConnect(+), the agent's on ProConnect.
    pub sub: &'a str,
    /// Issue time.
    pub iat: u64,
    /// Seconds from `iat` to `exp`.
    pub lifetime: u64,
    /// Time of the login.
    pub auth_time: u64,
    /// The nonce of the authorization request, when it had one.
    pub nonce: Option<&'a str>,
    /// The level reached.
    pub acr: &'a str,
    /// Authentication methods, when requested through `claims`.
    pub amr: Option<&'a [String]>,
    /// The provider session (ProConnect's `sid`).
    pub sid: Option<&'a str>,
}

impl IdTokenClaims<'_> {
    /// The claim set.
    pub(crate) fn to_map(&self) -> Map<String, Value> {
        let mut map = Map::new();
        map.insert("iss".into(), self.iss.into());
        map.insert("aud".into(), self.aud.into());
        map.insert("sub".into(), self.sub.into());
        map.insert("exp".into(), (self.iat + self.lifetime).into());
        map.insert("iat".into(), self.iat.into());
        map.insert("auth_time".into(), self.auth_time.into());
        if let Some(nonce) = self.nonce {
            map.insert("nonce".into(), nonce.into());
        }
        map.insert("acr".into(), self.acr.into());
        if let Some(amr) = self.amr {
            map.insert("amr".into(), amr.to_vec().into());
        }
        if let Some(sid) = self.sid {
            map.insert("sid".into(), sid.into());
        }
        map
    }
}

/// The identity claims a set of granted scopes allows on `platform`,
/// keyed by claim name, as the userinfo endpoint returns them.
///
/// FranceConnect serves the register's identity. FranceConnect+ serves the
/// identity provider's in the plain claims (its
/// [`idp_spelling`](Identity::idp_spelling), falling back to the
/// register's) and the register's in the `rnipp_*` claims. A European
/// citizen ([`Identity::eidas`]) gets only what the eIDAS bridge sends, on
/// both: `given_name`, `family_name`, `birthdate`, and when their country
/// sent them `gender`, `birthplace` and `preferred_username`; a claim
/// without a value is left out, never sent empty.
pub(crate) fn identity_claims(identity: &Identity, scopes: &[String], platform: Platform) -> Map<String, Value> {
    let wants = |claim: &str| scopes.iter().any(|s| crate::scopes::grants(s, claim, platform));
    let text = |value: &str| Some(Value::from(value));
    let values: Vec<(&str, Option<Value>)> = if identity.eidas {
        vec![
            ("given_name", text(&identity.given_name)),
            ("family_name", text(&identity.family_name)),
            ("birthdate", text(&identity.birthdate)),
            ("gender", identity.gender.as_deref().and_then(text)),
            (
                "birthplace",
                Some(identity.birthplace.as_str())
                    .filter(|p| !p.is_empty())
                    .and_then(text),
            ),
            (
                "preferred_username",
                identity
                    .preferred_username
                    .as_deref()
                    .filter(|u| !u.is_empty())
                    .and_then(text),
            ),
            ("idp_id", text(identity.idp_id())),
        ]
    } else {
        let given_name_array = || Some(Value::from(identity.given_name_array()));
        let plus = platform == Platform::FranceConnectPlus;
        // FranceConnect+'s plain claims are the identity provider's.
        let (given_name, family_name, birthdate) = if plus {
            (
                identity.idp_spelled_given_name(),
                identity.idp_spelled_family_name(),
                identity.idp_spelled_birthdate(),
            )
        } else {
            (
                identity.given_name.as_str(),
                identity.family_name.as_str(),
                identity.birthdate.as_str(),
            )
        };
        vec![
            ("given_name", text(given_name)),
            ("given_name_array", given_name_array()),
            ("family_name", text(family_name)),
            ("birthdate", text(birthdate)),
            ("idp_birthdate", text(identity.idp_birthdate())),
            ("gender", identity.gender.as_deref().and_then(text)),
            ("birthplace", text(&identity.birthplace)),
            ("birthcountry", identity.birthcountry.as_deref().and_then(text)),
            (
                "preferred_username",
                identity.preferred_username.as_deref().and_then(text),
            ),
            ("email", identity.email.as_deref().and_then(text)),
            ("idp_id", text(identity.idp_id())),
            ("rnipp_given_name", text(&identity.given_name)),
            ("rnipp_given_name_array", given_name_array()),
            ("rnipp_family_name", text(&identity.family_name)),
            ("rnipp_birthdate", text(&identity.birthdate)),
            ("rnipp_gender", identity.gender.as_deref().and_then(text)),
            ("rnipp_birthplace", text(&identity.birthplace)),
            ("rnipp_birthcountry", identity.birthcountry.as_deref().and_then(text)),
        ]
    };
    let mut map = Map::new();
    for (claim, value) in values {
        if let Some(value) = value.filter(|_| wants(claim)) {
            map.insert(claim.into(), value);
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_sub_format() {
        let a = pairwise_sub("client-a", "default");
        assert_eq!(a.len(), 66);
        assert!(a.ends_with("v1"));
        assert!(
            a[..64]
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_eq!(a, pairwise_sub("client-a", "default"));
        assert_ne!(a, pairwise_sub("client-b", "default"));
    }
}
