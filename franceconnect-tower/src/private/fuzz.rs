//! Entry points for fuzzers (the `fuzz/` targets and the bounded run of the
//! test suite): each takes arbitrary bytes, feeds them to one of the
//! parsers that read what the network sends, and must return without
//! panicking, whatever the input. Not part of the public API: compiled only
//! with the `__private` feature (and in this crate's tests).

use std::sync::OnceLock;

use josekit::jwk::Jwk;
use josekit::jws::JwsHeader;
use serde_json::{Map, Value};
use url::Url;

use crate::config::{Config, Environment, Platform};
use crate::eidas::Eidas;
use crate::flow::CallbackParams;
use crate::flow::claims as token_claims;
use crate::identity::UserClaims;
use crate::jose;
use crate::jose::ServiceKeys;
use crate::jose::{EncryptionAlg, SigningAlg};
use crate::provider::jwks;
use crate::values::{Nonce, ReturnTo};

/// The issuer the fixtures use.
pub const ISSUER: &str = "https://fournisseur.example/api/v2";
/// The client id the fixtures use.
pub const CLIENT_ID: &str = "fuzz-client";
/// The nonce the fixtures' ID tokens carry.
pub const NONCE: &str = "fuzz-nonce-0123456789abcdef0123456789abcdef";
/// Token size limit during fuzzing (the default of the configuration).
pub(crate) const MAX_TOKEN_BYTES: usize = 64 * 1024;

/// Keys and configuration shared by every run. The keys are fixed (read
/// from `fuzzing_keys.json`), so that a seed corpus written by one process
/// still verifies and decrypts in another.
pub struct Fixtures {
    /// The provider's ES256 signing key (private, to build seeds).
    pub provider_key: Jwk,
    /// The provider's public key, as published.
    pub provider_public: Jwk,
    /// The provider's keys, as the client would have cached them.
    pub(crate) provider_keys: Vec<jwks::ProviderKey>,
    /// The service's FranceConnect+ keys (ECDH-ES and RSA-OAEP-256).
    pub service_keys: ServiceKeys,
    /// A FranceConnect+ configuration using them.
    pub config: Config,
}

/// The fixed keys of the fixtures (test keys: they protect nothing).
const KEYS: &str = include_str!("fuzzing_keys.json");

/// The shared fixtures.
pub fn fixtures() -> &'static Fixtures {
    static FIXTURES: OnceLock<Fixtures> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let keys: Value = serde_json::from_str(KEYS).expect("valid JSON");
        let provider_key = Jwk::from_map(keys["provider_signing_key"].as_object().cloned().unwrap_or_default())
            .expect("the provider key");
        let mut public = provider_key.to_public_key().expect("public key");
        public.set_key_use("sig");
        public.set_algorithm("ES256");
        let service_keys = ServiceKeys::from_jwks_json(&keys["service_keys"].to_string()).expect("service keys");
        let config = Config::builder(
            Platform::FranceConnectPlus,
            Environment::Custom(Url::parse(ISSUER).expect("URL")),
        )
        .client_id(CLIENT_ID)
        .client_secret("fuzz-secret")
        .redirect_uri("https://service.example/auth/callback")
        .post_logout_redirect_uri("https://service.example/auth/logout/callback")
        .service_keys(service_keys.clone())
        .build()
        .expect("configuration");
        let jwks = serde_json::json!({ "keys": [Value::Object(public.as_ref().clone())] });
        let provider_keys = jwks::parse_jwks(jwks.to_string().as_bytes()).expect("the provider JWKS");
        Fixtures {
            provider_key,
            provider_public: public,
            provider_keys,
            service_keys,
            config,
        }
    })
}

/// A compact token as the token or userinfo endpoint would return it:
/// decrypted if it is a JWE (with the service's keys and allow-list), then
/// verified as a JWS against the provider's cached keys.
pub fn compact_token(data: &[u8]) {
    let Ok(token) = std::str::from_utf8(data) else { return };
    let f = fixtures();
    let token = token.trim();
    let jws = if jose::compact::is_jwe(token) {
        let allowed = [EncryptionAlg::EcdhEs, EncryptionAlg::RsaOaep256];
        match jose::compact::decrypt_nested(token, &f.service_keys, &allowed, MAX_TOKEN_BYTES) {
            Ok(inner) => inner,
            Err(_) => return,
        }
    } else {
        token.to_owned()
    };
    let Ok(header) = jose::compact::Header::parse(&jws, 3, MAX_TOKEN_BYTES) else {
        return;
    };
    let Ok(alg) = header.signing_alg(&[SigningAlg::Es256]) else {
        return;
    };
    let keys = jwks::candidates(&f.provider_keys, header.kid(), alg);
    if let Ok(claims) = jwks::verify_with_any(&jws, &keys) {
        id_token_claims_map(&claims);
    }
}

/// A JSON document read as ID token claims, then as userinfo claims and
/// the typed user claims (pivot identity fields, e-mail) they carry.
pub fn claims(data: &[u8]) {
    if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(data) {
        id_token_claims_map(&map);
    }
}

fn id_token_claims_map(map: &Map<String, Value>) {
    let f = fixtures();
    let nonce: Nonce = serde_json::from_value(Value::from(NONCE)).expect("a nonce deserialises");
    let _ = token_claims::check_id_token(
        &f.config,
        ISSUER,
        map,
        &nonce,
        &crate::acr::RequestedAcr::AtLeast(Eidas::Eidas2),
    );
    let _ = token_claims::check_userinfo(&f.config, ISSUER, map, "sub", true);
    let _ = UserClaims::from_userinfo(map);
}

/// A callback's query string, and the `return_to` a login URL carries.
pub fn callback_query(data: &[u8]) {
    let Ok(query) = std::str::from_utf8(data) else { return };
    let params = CallbackParams::from_query(query);
    for value in [&params.code, &params.state, &params.iss, &params.error]
        .into_iter()
        .flatten()
    {
        let _ = ReturnTo::parse(value);
    }
    let _ = ReturnTo::parse(query);
}

/// A provider JWKS document.
pub fn jwks(data: &[u8]) {
    if let Ok(keys) = jwks::parse_jwks(data) {
        for alg in [SigningAlg::Es256, SigningAlg::Rs256] {
            let _ = jwks::candidates(&keys, Some("fuzz:ES256:1"), alg);
        }
    }
}

/// Valid inputs to start mutating from, for each target: a signed ID token,
/// the same encrypted to each service key, its claims, a callback query and
/// the provider's JWKS.
pub fn seeds() -> Seeds {
    let f = fixtures();
    let now = crate::clock::now();
    let claims = serde_json::json!({
        "iss": ISSUER, "aud": CLIENT_ID, "sub": "4d327dd1e427daf4d50296ab71d6f3fc82ccc40742943521d42cb2bae4df41afv1",
        // Valid for ten years, so that a corpus written today keeps reaching
        // the checks that follow the token's times.
        "iat": now, "exp": now + 10 * 365 * 86_400, "auth_time": now - 2, "nonce": NONCE, "acr": "eidas2",
        "amr": ["pwd", "mfa"], "given_name": "Élise Marie", "family_name": "D'ARTOIS",
        "birthdate": "1962-08-24", "gender": "female", "birthplace": "2A004", "birthcountry": "99100",
        "email": "elise@example.fr", "given_name_array": ["Élise", "Marie"]
    });
    let payload = serde_json::to_vec(&claims).expect("JSON");
    let mut header = JwsHeader::new();
    header.set_key_id("fuzz:ES256:1");
    let signer = josekit::jws::ES256.signer_from_jwk(&f.provider_key).expect("signer");
    let jws = josekit::jws::serialize_compact(&payload, &header, &signer).expect("JWS");
    let mut tokens = vec![jws.clone().into_bytes()];
    for key in f.service_keys.public_jwks()["keys"].as_array().into_iter().flatten() {
        let jwk = Jwk::from_map(key.as_object().cloned().unwrap_or_default()).expect("JWK");
        let mut h = josekit::jwe::JweHeader::new();
        h.set_content_encryption("A256GCM");
        h.set_content_type("JWT");
        h.set_key_id(jwk.key_id().unwrap_or_default());
        let encrypted = match jwk.algorithm() {
            Some("ECDH-ES") => josekit::jwe::ECDH_ES
                .encrypter_from_jwk(&jwk)
                .and_then(|e| josekit::jwe::serialize_compact(jws.as_bytes(), &h, &e)),
            _ => josekit::jwe::RSA_OAEP_256
                .encrypter_from_jwk(&jwk)
                .and_then(|e| josekit::jwe::serialize_compact(jws.as_bytes(), &h, &e)),
        };
        tokens.push(encrypted.expect("JWE").into_bytes());
    }
    let jwks = serde_json::json!({ "keys": [Value::Object(f.provider_public.as_ref().clone())] });
    Seeds {
        compact_token: tokens,
        claims: vec![payload],
        callback_query: vec![
            format!(
                "code=abc123&state=s-{NONCE}&iss={}",
                url::form_urlencoded::byte_serialize(ISSUER.as_bytes()).collect::<String>()
            )
            .into_bytes(),
            b"error=access_denied&error_description=User%20auth%20aborted&state=xyz".to_vec(),
            b"/profil?onglet=identite".to_vec(),
        ],
        jwks: vec![jwks.to_string().into_bytes()],
    }
}

/// Seed inputs per target (see [`seeds`]).
pub struct Seeds {
    /// For [`compact_token`].
    pub compact_token: Vec<Vec<u8>>,
    /// For [`claims`].
    pub claims: Vec<Vec<u8>>,
    /// For [`callback_query`].
    pub callback_query: Vec<Vec<u8>>,
    /// For [`jwks`](fn@jwks).
    pub jwks: Vec<Vec<u8>>,
}
