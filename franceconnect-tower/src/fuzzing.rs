//! Entry points for fuzzers (the `fuzz/` targets and the bounded run of the
//! test suite): each takes arbitrary bytes, feeds them to one of the
//! parsers that read what the network sends, and must return without
//! panicking, whatever the input. Not part of the public API: compiled only
//! with the `internals` feature (and in this crate's tests).

use std::sync::OnceLock;

use josekit::jwk::Jwk;
use josekit::jws::JwsHeader;
use serde_json::{Map, Value};
use url::Url;

use crate::algorithms::{EncryptionAlg, SigningAlg};
use crate::config::{Config, Environment, Platform};
use crate::eidas::Eidas;
use crate::login::CallbackParams;
use crate::service_keys::ServiceKeys;
use crate::user::UserClaims;
use crate::values::{Nonce, ReturnTo};
use crate::{jose, provider_jwks, token_claims};

/// The issuer the fixtures use.
pub const ISSUER: &str = "https://fournisseur.example/api/v2";
/// The client id the fixtures use.
pub const CLIENT_ID: &str = "fuzz-client";
/// The nonce the fixtures' ID tokens carry.
pub const NONCE: &str = "fuzz-nonce-0123456789abcdef0123456789abcdef";
/// Token size limit during fuzzing (the default of the configuration).
const MAX_TOKEN_BYTES: usize = 64 * 1024;

/// Keys and configuration shared by every run. The keys are fixed (read
/// from `fuzzing_keys.json`), so that a seed corpus written by one process
/// still verifies and decrypts in another.
pub struct Fixtures {
    /// The provider's ES256 signing key (private, to build seeds).
    pub provider_key: Jwk,
    /// The provider's public key, as published.
    pub provider_public: Jwk,
    /// The provider's keys, as the client would have cached them.
    pub(crate) provider_keys: Vec<provider_jwks::ProviderKey>,
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
        let provider_keys = provider_jwks::parse_jwks(jwks.to_string().as_bytes()).expect("the provider JWKS");
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
    let jws = if jose::is_jwe(token) {
        let allowed = [EncryptionAlg::EcdhEs, EncryptionAlg::RsaOaep256];
        match jose::decrypt_nested(token, &f.service_keys, &allowed, MAX_TOKEN_BYTES) {
            Ok(inner) => inner,
            Err(_) => return,
        }
    } else {
        token.to_owned()
    };
    let Ok(header) = jose::Header::parse(&jws, 3, MAX_TOKEN_BYTES) else {
        return;
    };
    let Ok(alg) = header.signing_alg(&[SigningAlg::Es256]) else {
        return;
    };
    let keys = provider_jwks::candidates(&f.provider_keys, header.kid(), alg);
    if let Ok(claims) = provider_jwks::verify_with_any(&jws, &keys) {
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
    let _ = token_claims::check_id_token(&f.config, ISSUER, map, &nonce, Eidas::Eidas2);
    let _ = token_claims::check_userinfo(&f.config, ISSUER, map, "sub");
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
    if let Ok(keys) = provider_jwks::parse_jwks(data) {
        for alg in [SigningAlg::Es256, SigningAlg::Rs256] {
            let _ = provider_jwks::candidates(&keys, Some("fuzz:ES256:1"), alg);
        }
    }
}

/// Valid inputs to start mutating from, for each target: a signed ID token,
/// the same encrypted to each service key, its claims, a callback query and
/// the provider's JWKS.
pub fn seeds() -> Seeds {
    let f = fixtures();
    let now = token_claims::now();
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
    /// For [`jwks`].
    pub jwks: Vec<Vec<u8>>,
}

#[cfg(test)]
mod tests {
    //! The bounded run of the test suite: a few thousand structure-aware
    //! mutations of the seeds per target, from a fixed PRNG seed (so that a
    //! failure reproduces), on the stable toolchain. Long, coverage-guided
    //! runs use `cargo fuzz` on the same entry points (see SECURITY.md).

    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;

    /// Iterations per target; `FUZZ_ITERATIONS` overrides it.
    const DEFAULT_ITERATIONS: usize = 4_000;

    /// xorshift64*: deterministic and dependency-free.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
        fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
            &items[self.below(items.len())]
        }
    }

    /// Header values an attacker would try.
    const HEADER_VALUES: [(&str, &str); 16] = [
        ("alg", "none"),
        ("alg", "HS256"),
        ("alg", "RS256"),
        ("alg", "ES256"),
        ("alg", "ECDH-ES"),
        ("alg", "ECDH-ES+A256KW"),
        ("alg", "RSA1_5"),
        ("alg", "dir"),
        ("enc", "A256GCM"),
        ("enc", "A128CBC-HS256"),
        ("zip", "DEF"),
        ("crit", "exp"),
        ("kid", "fuzz:ES256:1"),
        ("kid", ""),
        ("cty", "JWT"),
        ("typ", "JWT"),
    ];

    /// One mutation of `input`.
    fn mutate(rng: &mut Rng, input: &[u8], others: &[Vec<u8>]) -> Vec<u8> {
        let mut out = input.to_vec();
        match rng.below(8) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] = rng.next() as u8;
            }
            2 => {
                let i = rng.below(out.len() + 1);
                let byte = *rng.pick(b"{}[]\":,.=&%-_0aA\x00\xff");
                out.insert(i, byte);
            }
            3 if !out.is_empty() => {
                let start = rng.below(out.len());
                let end = (start + 1 + rng.below(32)).min(out.len());
                out.drain(start..end);
            }
            4 if !out.is_empty() => {
                let start = rng.below(out.len());
                let end = (start + 1 + rng.below(64)).min(out.len());
                let piece = out[start..end].to_vec();
                let at = rng.below(out.len() + 1);
                out.splice(at..at, piece);
            }
            5 => {
                let other = rng.pick(others);
                let cut = rng.below(out.len() + 1);
                let from = rng.below(other.len() + 1);
                out.truncate(cut);
                out.extend_from_slice(&other[from..]);
            }
            6 => return mutate_header(rng, input),
            _ => {
                // Swap two dot-separated parts (signature and payload, …).
                let text = String::from_utf8_lossy(input).into_owned();
                let mut parts: Vec<&str> = text.split('.').collect();
                if parts.len() > 1 {
                    let (a, b) = (rng.below(parts.len()), rng.below(parts.len()));
                    parts.swap(a, b);
                }
                return parts.join(".").into_bytes();
            }
        }
        out
    }

    /// Rewrites the JSON header of a compact token with an attacker's value.
    fn mutate_header(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
        let text = String::from_utf8_lossy(input).into_owned();
        let Some((head, rest)) = text.split_once('.') else {
            return input.to_vec();
        };
        let mut header: Map<String, Value> = URL_SAFE_NO_PAD
            .decode(head)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        let (name, value) = rng.pick(&HEADER_VALUES);
        if rng.below(4) == 0 {
            header.remove(*name);
        } else {
            header.insert((*name).to_owned(), Value::from(*value));
        }
        let head = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).expect("JSON"));
        format!("{head}.{rest}").into_bytes()
    }

    fn run(name: &str, target: fn(&[u8]), seeds: &[Vec<u8>], rng_seed: u64) {
        let iterations = std::env::var("FUZZ_ITERATIONS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_ITERATIONS);
        let mut rng = Rng(rng_seed);
        let mut pool: Vec<Vec<u8>> = seeds.to_vec();
        for seed in seeds {
            target(seed);
        }
        for i in 0..iterations {
            let base = rng.pick(&pool).clone();
            let mut input = mutate(&mut rng, &base, seeds);
            // Stack a few mutations now and then.
            for _ in 0..rng.below(3) {
                input = mutate(&mut rng, &input, seeds);
            }
            let result = std::panic::catch_unwind(|| target(&input));
            assert!(
                result.is_ok(),
                "{name}: iteration {i} (seed {rng_seed}) panicked on {:?}",
                String::from_utf8_lossy(&input)
            );
            // Keep some mutants to mutate further, bounded.
            if pool.len() < 256 && rng.below(8) == 0 {
                pool.push(input);
            }
        }
    }

    #[test]
    fn compact_token_parsing_never_panics() {
        run("compact_token", compact_token, &seeds().compact_token, 0x5eed_0001);
    }

    #[test]
    fn claims_parsing_never_panics() {
        run("claims", claims, &seeds().claims, 0x5eed_0002);
    }

    #[test]
    fn callback_query_parsing_never_panics() {
        run("callback_query", callback_query, &seeds().callback_query, 0x5eed_0003);
    }

    #[test]
    fn jwks_parsing_never_panics() {
        run("jwks", jwks, &seeds().jwks, 0x5eed_0004);
    }

    #[test]
    fn the_seeds_are_accepted_where_they_should_be() {
        // The seeds must reach the deepest checks, or mutating them would
        // only exercise the first refusal.
        let f = fixtures();
        let seeds = seeds();
        for token in &seeds.compact_token {
            let token = std::str::from_utf8(token).unwrap();
            let jws = if jose::is_jwe(token) {
                jose::decrypt_nested(
                    token,
                    &f.service_keys,
                    &[EncryptionAlg::EcdhEs, EncryptionAlg::RsaOaep256],
                    MAX_TOKEN_BYTES,
                )
                .unwrap()
            } else {
                token.to_owned()
            };
            let key = &provider_jwks::candidates(&f.provider_keys, Some("fuzz:ES256:1"), SigningAlg::Es256)[0];
            let claims = jose::verify_with(&jws, key.verifier()).unwrap();
            let nonce: Nonce = serde_json::from_value(Value::from(NONCE)).unwrap();
            token_claims::check_id_token(&f.config, ISSUER, &claims, &nonce, Eidas::Eidas2).unwrap();
            let user = UserClaims::from_userinfo(&claims).unwrap();
            assert!(user.birthplace.is_some() && user.birthdate.is_some());
        }
        assert_eq!(seeds.compact_token.len(), 3);
        let params = CallbackParams::from_query(std::str::from_utf8(&seeds.callback_query[0]).unwrap());
        assert_eq!(params.iss.as_deref(), Some(ISSUER));
        assert_eq!(provider_jwks::parse_jwks(&seeds.jwks[0]).unwrap().len(), 1);
    }
}
