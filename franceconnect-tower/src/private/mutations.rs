//! The bounded run of the test suite: a few thousand structure-aware
//! mutations of the seeds per target, from a fixed PRNG seed (so that a
//! failure reproduces), on the stable toolchain. Long, coverage-guided
//! runs use `cargo fuzz` on the same entry points (see SECURITY.md).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::fuzz::*;
use crate::eidas::Eidas;
use crate::flow::CallbackParams;
use crate::flow::claims as token_claims;
use crate::identity::UserClaims;
use crate::jose::{self, EncryptionAlg, SigningAlg};
use crate::provider::jwks;
use crate::values::Nonce;
use serde_json::{Map, Value};

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
        let jws = if jose::compact::is_jwe(token) {
            jose::compact::decrypt_nested(
                token,
                &f.service_keys,
                &[EncryptionAlg::EcdhEs, EncryptionAlg::RsaOaep256],
                MAX_TOKEN_BYTES,
            )
            .unwrap()
        } else {
            token.to_owned()
        };
        let key = &jwks::candidates(&f.provider_keys, Some("fuzz:ES256:1"), SigningAlg::Es256)[0];
        let claims = jose::compact::verify_with(&jws, key.verifier()).unwrap();
        let nonce: Nonce = serde_json::from_value(Value::from(NONCE)).unwrap();
        token_claims::check_id_token(
            &f.config,
            ISSUER,
            &claims,
            &nonce,
            &crate::acr::RequestedAcr::AtLeast(Eidas::Eidas2),
        )
        .unwrap();
        let user = UserClaims::from_userinfo(&claims).unwrap();
        assert!(user.birthplace.is_some() && user.birthdate.is_some());
    }
    assert_eq!(seeds.compact_token.len(), 3);
    let params = CallbackParams::from_query(std::str::from_utf8(&seeds.callback_query[0]).unwrap());
    assert_eq!(params.iss.as_deref(), Some(ISSUER));
    assert_eq!(jwks::parse_jwks(&seeds.jwks[0]).unwrap().len(), 1);
}
