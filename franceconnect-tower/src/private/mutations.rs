//! The bounded run of the test suite: a few thousand structure-aware
//! mutations of the seeds per target, from a fixed PRNG seed (so that a
//! failure reproduces), on the stable toolchain. Long, coverage-guided
//! runs use `cargo fuzz` on the same entry points (see SECURITY.md).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::fuzz::*;
use crate::flow::CallbackParams;
use crate::flow::claims as token_claims;
use crate::identity::UserClaims;
use crate::jose::{self, EncryptionAlg, SigningAlg};
use crate::protocol::eidas::Eidas;
use crate::protocol::values::Nonce;
use crate::provider::jwks;
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
    run_with(
        name,
        |input| {
            target(input);
            false
        },
        seeds,
        rng_seed,
        None,
    );
}

/// A mutation that knows the input's structure.
type Structural = fn(&mut Rng, &[u8], &[Vec<u8>]) -> Vec<u8>;

/// Mutates the seeds `FUZZ_ITERATIONS` times (one time in three with
/// `structural`, when given) and feeds each mutant to `target`, which must
/// not panic; gives how many mutants `target` said went deep.
fn run_with(
    name: &str,
    target: impl Fn(&[u8]) -> bool + std::panic::RefUnwindSafe,
    seeds: &[Vec<u8>],
    rng_seed: u64,
    structural: Option<Structural>,
) -> usize {
    let iterations = std::env::var("FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_ITERATIONS);
    let mut rng = Rng(rng_seed);
    let mut pool: Vec<Vec<u8>> = seeds.to_vec();
    for seed in seeds {
        target(seed);
    }
    let mut deep = 0;
    for i in 0..iterations {
        let base = rng.pick(&pool).clone();
        let once = |rng: &mut Rng, input: &[u8]| match structural {
            Some(structural) if rng.below(3) == 0 => structural(rng, input, seeds),
            _ => mutate(rng, input, seeds),
        };
        let mut input = once(&mut rng, &base);
        // Stack a few mutations now and then.
        for _ in 0..rng.below(3) {
            input = once(&mut rng, &input);
        }
        let result = std::panic::catch_unwind(|| target(&input));
        match result {
            Ok(went_deep) => deep += usize::from(went_deep),
            Err(_) => panic!(
                "{name}: iteration {i} (seed {rng_seed}) panicked on {:?}",
                String::from_utf8_lossy(&input)
            ),
        }
        // Keep some mutants to mutate further, bounded.
        if pool.len() < 256 && rng.below(8) == 0 {
            pool.push(input);
        }
    }
    deep
}

/// Rewrites a request's cookies: the state swapped for another login's, a
/// cookie moved to another name, dropped, repeated, tampered with, or
/// stripped of its `__Host-` prefix; cookies moved between headers.
fn mutate_cookies(rng: &mut Rng, input: &[u8], _: &[Vec<u8>]) -> Vec<u8> {
    let text = String::from_utf8_lossy(input).into_owned();
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let mut pairs: Vec<String> = lines
        .drain(1..)
        .flat_map(|l| l.split("; ").map(str::to_owned).collect::<Vec<_>>())
        .collect();
    let logins = genuine_logins();
    let states: Vec<&str> = logins.iter().map(|l| l.state.secret()).collect();
    let f = fixtures();
    let n = pairs.len();
    match rng.below(8) {
        0 => lines[0] = (*rng.pick(&states)).to_owned(),
        1 if n > 0 => {
            // Moved: the value under the name of another state.
            let i = rng.below(n);
            let value = pairs[i].split_once('=').map_or("", |(_, v)| v).to_owned();
            let to = f.login_cookies.clear(rng.pick::<&str>(&states));
            let name = to.split('=').next().unwrap_or_default();
            pairs[i] = format!("{name}={value}");
        }
        2 if n > 0 => {
            pairs.remove(rng.below(n));
        }
        3 if n > 0 => {
            let pair = pairs[rng.below(n)].clone();
            pairs.insert(rng.below(n + 1), pair);
        }
        4 if n > 0 => {
            // Tampered: one character of a value changed.
            let i = rng.below(n);
            if let Some((name, value)) = pairs[i].split_once('=') {
                let mut value = value.as_bytes().to_vec();
                if !value.is_empty() {
                    let at = rng.below(value.len());
                    value[at] = *rng.pick(b"AQgw-_09azZ=");
                }
                pairs[i] = format!("{name}={}", String::from_utf8_lossy(&value));
            }
        }
        5 if n > 0 => {
            let i = rng.below(n);
            pairs[i] = match pairs[i].strip_prefix("__Host-") {
                Some(rest) => rest.to_owned(),
                None => format!("__Host-{}", pairs[i]),
            };
        }
        6 if n > 1 => {
            let (a, b) = (rng.below(n), rng.below(n));
            pairs.swap(a, b);
        }
        _ => {
            // Padding: a large foreign cookie.
            let size = rng.below(5000);
            pairs.insert(rng.below(n + 1), format!("pad={}", "x".repeat(size)));
        }
    }
    // Back into one to three `Cookie` headers.
    let headers = 1 + rng.below(3);
    let per = pairs.len().div_ceil(headers).max(1);
    let mut out = lines.remove(0);
    for chunk in pairs.chunks(per) {
        out.push('\n');
        out.push_str(&chunk.join("; "));
    }
    out.into_bytes()
}

/// JSON values a corrupt or tampered store might hold.
const JSON_VALUES: &[&str] = &[
    "null",
    "true",
    "0",
    "-1",
    "-9223372036854775808",
    "18446744073709551615",
    "1.5",
    "1e308",
    "\"\"",
    "\"eidas9\"",
    "\"eidas1\"",
    "[\"eidas1-mfa\"]",
    "\"ProConnect\"",
    "\"99100\"",
    "\"2A004\"",
    "\"97411\"",
    "\"1962-02-30\"",
    "\"1962-00-00\"",
    "{\"year\":1962,\"month\":13,\"day\":0,\"precision\":\"day\"}",
    "\"21750001600019\"",
    "\"/profil\"",
    "\"//evil.example\"",
    "[]",
    "{}",
    "[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]",
];

/// Field names of the stored values.
const JSON_KEYS: &[&str] = &[
    "sub",
    "acr",
    "amr",
    "auth_time",
    "platform",
    "scope",
    "claims",
    "raw_claims",
    "signed_in_at",
    "id_token_hint",
    "access_token",
    "token",
    "expires_at",
    "account",
    "active_at",
    "state",
    "nonce",
    "eidas",
    "return_to",
    "created_at",
    "reauthenticate",
    "birthdate",
    "birthplace",
    "birthcountry",
    "given_name",
    "usual_name",
    "email",
    "siret",
    "year",
    "month",
    "day",
    "precision",
];

/// Rewrites one value of a JSON document (any depth), removes or adds a
/// field, with values and names the stored types use.
fn mutate_json(rng: &mut Rng, input: &[u8], _: &[Vec<u8>]) -> Vec<u8> {
    let Ok(mut doc) = serde_json::from_slice::<Value>(input) else {
        return input.to_vec();
    };
    // Collect the paths to every node, then pick one.
    fn paths(v: &Value, here: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
        out.push(here.clone());
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    here.push(Value::from(k.as_str()));
                    paths(child, here, out);
                    here.pop();
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    here.push(Value::from(i));
                    paths(child, here, out);
                    here.pop();
                }
            }
            _ => {}
        }
    }
    let mut all = Vec::new();
    paths(&doc, &mut Vec::new(), &mut all);
    let path = rng.pick(&all).clone();
    let mut node = &mut doc;
    for step in &path {
        node = match step {
            Value::String(k) => &mut node[k.as_str()],
            _ => &mut node[step.as_u64().unwrap_or_default() as usize],
        };
    }
    let value: Value = serde_json::from_str(rng.pick::<&str>(JSON_VALUES)).expect("JSON");
    match (rng.below(4), node) {
        (0, Value::Object(m)) if !m.is_empty() => {
            let key = m.keys().nth(rng.below(m.len())).cloned().unwrap_or_default();
            m.remove(&key);
        }
        (1, Value::Object(m)) => {
            m.insert((*rng.pick(JSON_KEYS)).to_owned(), value);
        }
        (_, node) => *node = value,
    }
    serde_json::to_vec(&doc).expect("JSON")
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
fn login_cookie_parsing_never_panics() {
    let seeds = seeds().login_cookie;
    // The genuine cookies open (the entry point checks that whatever opens
    // was sealed by the fixtures, for the callback's state).
    let first = open_login_cookie(&seeds[0]).expect("the genuine cookie opens");
    assert!(same_login(&first, &genuine_logins()[0]));
    assert!(same_login(
        &open_login_cookie(&seeds[1]).expect("among others"),
        &genuine_logins()[2]
    ));
    assert!(fixtures().new_login_cookie.starts_with(LOGIN_COOKIE_PREFIX));
    let opened = run_with(
        "login_cookie",
        |input| open_login_cookie(input).is_some(),
        &seeds,
        0x5eed_0005,
        Some(mutate_cookies),
    );
    // Mutants that keep a genuine cookie and its state still open: the run
    // reaches past the AES-GCM check, not only up to it.
    assert!(opened > 0, "no mutant opened");
}

#[test]
fn stored_session_parsing_never_panics() {
    let seeds = seeds().stored_session;
    let [citizen, _, agent] = seed_users();
    // The stored users read back as they were (the citizen born abroad:
    // `a_citizen_born_abroad_keeps_the_pivot_identity_in_the_store`).
    for (seed, user) in [(&seeds[0], &citizen), (&seeds[2], &agent)] {
        let read = stored_user(seed).expect("the stored user reads back");
        assert_same_user(user, &read);
        assert_eq!(read.id_token_hint.secret(), user.id_token_hint.secret());
        assert_eq!(read.access_token.is_some(), user.access_token.is_some());
    }
    assert!(citizen.pivot_identity().is_some() && citizen.access_token.is_some());
    assert!(agent.agent_identity().is_some_and(|a| a.siret.is_some()));
    for (seed, login) in [(&seeds[3], 0), (&seeds[4], 1)] {
        let read: crate::flow::PendingLogin = serde_json::from_slice(seed).expect("a pending login reads back");
        assert!(same_login(&read, &genuine_logins()[login]));
    }
    assert!(serde_json::from_slice::<crate::flow::PendingLogout>(&seeds[5]).is_ok());
    assert_eq!(seeds.len(), 9);
    let users = run_with(
        "stored_session",
        |input| {
            stored_session(input);
            stored_user(input).is_some()
        },
        &seeds,
        0x5eed_0006,
        Some(mutate_json),
    );
    assert!(users > 0, "no mutant read as a signed-in user");
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
            &crate::protocol::acr::RequestedAcr::AtLeast(Eidas::Eidas2),
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

/// Found by the fuzzing seeds (2026-12-07): a citizen born abroad
/// (`birthplace` "", abroad in the typed claims) was stored with
/// `"birthplace": null`, which read back as no birthplace, so
/// `pivot_identity()` was `None` on every request after the login.
#[test]
fn a_citizen_born_abroad_keeps_the_pivot_identity_in_the_store() {
    let [_, abroad, _] = seed_users();
    assert!(
        abroad
            .pivot_identity()
            .is_some_and(|p| p.birthplace == Some(crate::Birthplace::Abroad))
    );
    let stored = serde_json::to_vec(&crate::identity::StoredUser(&abroad)).unwrap();
    let read: crate::SignedInUser = serde_json::from_slice(&stored).unwrap();
    assert_eq!(read.claims.birthplace, Some(crate::Birthplace::Abroad));
    assert!(read.pivot_identity().is_some());
}
