//! What a callback costs in CPU once the tokens have arrived: the ID token
//! and the userinfo response, as the token and userinfo endpoints return
//! them, checked and turned into the typed user (`validate_tokens`: JWE
//! decryption on FranceConnect+, JWS verification with the cached provider
//! keys, every claim check, the typed claims). Beside it, three floors: the
//! bare josekit decryption and verification of the same two tokens, keys
//! parsed from their JWK for each call (a naive client) and parsed once;
//! and, lowest, the primitive operations alone, measured in the same run
//! (`floor_primitives`: for each token one ES256 verification through
//! OpenSSL's EVP interface, plus on FC+ one P-256 key agreement or one
//! RSA-OAEP private-key operation, keys and inputs prepared) — what
//! `openssl speed ecdsap256 ecdhp256 rsa2048` counts.
//!
//! `cargo bench -p franceconnect-tower --features __private --bench callback`
// criterion's macros generate public functions that carry no docs.
#![allow(missing_docs)]

#[path = "../tests/support/mod.rs"]
mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use franceconnect_tower::__private::validate_tokens;
use franceconnect_tower::{Eidas, FranceConnect, LoginOptions, PendingLogin, Platform, ServiceKeys};
use josekit::jwe::{JweDecrypter, JweHeader};
use josekit::jwk::Jwk;
use josekit::jwk::alg::ec::EcCurve;
use josekit::jws::JwsVerifier;
use openssl::bn::BigNum;
use openssl::derive::Deriver;
use openssl::ec::{EcGroup, EcKey};
use openssl::ecdsa::EcdsaSig;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private, Public};
use openssl::rsa::{Padding, Rsa};
use openssl::sign::Verifier;
use serde_json::{Value, json};
use support::{TestProvider, now};

/// One benchmarked configuration: the engine, the pending login, the two
/// tokens, and the keys the floor needs.
struct Case {
    fc: FranceConnect,
    pending: PendingLogin,
    id_token: String,
    userinfo: String,
    provider_public: Jwk,
    service_private: Option<(Jwk, &'static str)>,
    primitives: Primitives,
}

/// What the primitive floor needs, prepared: per token, its signing input
/// and DER signature, and on FC+ the key-management input.
struct Primitives {
    verify_key: PKey<Public>,
    signed: Vec<(Vec<u8>, Vec<u8>)>,
    agreement: Option<Agreement>,
}

enum Agreement {
    /// Our EC key, and each token's ephemeral public key.
    Ecdh(PKey<Private>, Vec<PKey<Public>>),
    /// Our RSA key, and each token's encrypted key.
    RsaOaep(Rsa<Private>, Vec<Vec<u8>>),
}

impl Primitives {
    fn new(provider_public: &Jwk, jwss: [&str; 2], service: Option<(&Jwk, &str)>, jwes: [&str; 2]) -> Self {
        let number =
            |jwk: &Jwk, name: &str| BigNum::from_slice(&b64(jwk.parameter(name).unwrap().as_str().unwrap())).unwrap();
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
        let ec_public = |jwk: &Jwk| {
            let key = EcKey::from_public_key_affine_coordinates(&group, &number(jwk, "x"), &number(jwk, "y")).unwrap();
            PKey::from_ec_key(key).unwrap()
        };
        let signed = jwss
            .iter()
            .map(|jws| {
                let (input, signature) = jws.rsplit_once('.').unwrap();
                let raw = b64(signature);
                let (r, s) = raw.split_at(32);
                let der =
                    EcdsaSig::from_private_components(BigNum::from_slice(r).unwrap(), BigNum::from_slice(s).unwrap())
                        .unwrap()
                        .to_der()
                        .unwrap();
                (input.as_bytes().to_vec(), der)
            })
            .collect();
        let agreement = service.map(|(key, alg)| match alg {
            "ECDH-ES" => {
                let public =
                    EcKey::from_public_key_affine_coordinates(&group, &number(key, "x"), &number(key, "y")).unwrap();
                let private = EcKey::from_private_components(&group, &number(key, "d"), public.public_key()).unwrap();
                let epks = jwes
                    .iter()
                    .map(|jwe| {
                        let header: Value = serde_json::from_slice(&b64(jwe.split('.').next().unwrap())).unwrap();
                        let epk = Jwk::from_map(header["epk"].as_object().unwrap().clone()).unwrap();
                        ec_public(&epk)
                    })
                    .collect();
                Agreement::Ecdh(PKey::from_ec_key(private).unwrap(), epks)
            }
            _ => {
                let n = |name| number(key, name);
                let rsa = openssl::rsa::RsaPrivateKeyBuilder::new(n("n"), n("e"), n("d"))
                    .unwrap()
                    .set_factors(n("p"), n("q"))
                    .unwrap()
                    .set_crt_params(n("dp"), n("dq"), n("qi"))
                    .unwrap()
                    .build();
                let encrypted = jwes.iter().map(|jwe| b64(jwe.split('.').nth(1).unwrap())).collect();
                Agreement::RsaOaep(rsa, encrypted)
            }
        });
        Primitives {
            verify_key: ec_public(provider_public),
            signed,
            agreement,
        }
    }

    /// The primitive operations of one callback.
    fn run(&self) {
        for (i, (input, der)) in self.signed.iter().enumerate() {
            match &self.agreement {
                Some(Agreement::Ecdh(private, epks)) => {
                    let mut deriver = Deriver::new(private).unwrap();
                    deriver.set_peer(&epks[i]).unwrap();
                    std::hint::black_box(deriver.derive_to_vec().unwrap());
                }
                Some(Agreement::RsaOaep(rsa, encrypted)) => {
                    let mut out = vec![0; rsa.size() as usize];
                    std::hint::black_box(
                        rsa.private_decrypt(&encrypted[i], &mut out, Padding::PKCS1_OAEP)
                            .unwrap(),
                    );
                }
                None => {}
            }
            let mut verifier = Verifier::new(MessageDigest::sha256(), &self.verify_key).unwrap();
            assert!(verifier.verify_oneshot(der, input).unwrap());
        }
    }
}

fn b64(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s).unwrap()
}

fn encrypt(jws: &str, public: &Jwk, alg: &str) -> String {
    let mut h = JweHeader::new();
    h.set_content_encryption("A256GCM");
    h.set_content_type("JWT");
    h.set_key_id(public.key_id().unwrap());
    match alg {
        "ECDH-ES" => josekit::jwe::serialize_compact(
            jws.as_bytes(),
            &h,
            &josekit::jwe::ECDH_ES.encrypter_from_jwk(public).unwrap(),
        ),
        _ => josekit::jwe::serialize_compact(
            jws.as_bytes(),
            &h,
            &josekit::jwe::RSA_OAEP.encrypter_from_jwk(public).unwrap(),
        ),
    }
    .unwrap()
}

/// The service key for `alg`: EC P-256, or RSA 2048.
fn service_key(alg: &str) -> Jwk {
    let mut key = match alg {
        "ECDH-ES" => Jwk::generate_ec_key(EcCurve::P256).unwrap(),
        _ => Jwk::generate_rsa_key(2048).unwrap(),
    };
    key.set_key_id(format!("bench-{alg}"));
    key.set_algorithm(alg);
    key.set_key_use("enc");
    key
}

async fn case(encryption: Option<&'static str>) -> Case {
    let tp = TestProvider::start().await;
    let platform = if encryption.is_some() {
        Platform::FranceConnectPlus
    } else {
        Platform::FranceConnect
    };
    let eidas = if encryption.is_some() {
        Eidas::Eidas2
    } else {
        Eidas::Eidas1
    };
    let service = encryption.map(|alg| (service_key(alg), alg));
    let mut config = tp.config(platform);
    if let Some((key, _)) = &service {
        let jwks = json!({ "keys": [Value::Object(key.as_ref().clone())] }).to_string();
        config = config.service_keys(ServiceKeys::from_jwks_json(&jwks).unwrap());
    }
    let fc = FranceConnect::new(config.build().unwrap());
    let (_, pending) = fc
        .begin_login(LoginOptions::default().eidas(eidas))
        .await
        .expect("the login starts");
    // Valid for an hour: a benchmark outlives the provider's usual minute.
    let mut id_claims = tp.id_claims(pending.nonce.secret(), eidas.as_str());
    let mut info_claims = tp.userinfo_claims();
    id_claims["exp"] = (now() + 3600).into();
    info_claims["exp"] = (now() + 3600).into();
    let (mut id_token, mut userinfo) = (tp.key.sign(&id_claims), tp.key.sign(&info_claims));
    let jwss = [id_token.clone(), userinfo.clone()];
    if let Some((key, alg)) = &service {
        let mut public = key.to_public_key().unwrap();
        public.set_key_id(key.key_id().unwrap());
        id_token = encrypt(&id_token, &public, alg);
        userinfo = encrypt(&userinfo, &public, alg);
    }
    // Warm the discovery and JWKS caches; check that the path succeeds.
    validate_tokens(&fc, &id_token, &userinfo, &pending)
        .await
        .expect("valid tokens");
    let primitives = Primitives::new(
        &tp.key.public,
        [&jwss[0], &jwss[1]],
        service.as_ref().map(|(k, a)| (k, *a)),
        [&id_token, &userinfo],
    );
    Case {
        fc,
        pending,
        id_token,
        userinfo,
        provider_public: tp.key.public.clone(),
        service_private: service,
        primitives,
    }
}

fn decrypter(key: &Jwk, alg: &str) -> Box<dyn JweDecrypter> {
    match alg {
        "ECDH-ES" => Box::new(josekit::jwe::ECDH_ES.decrypter_from_jwk(key).unwrap()),
        _ => Box::new(josekit::jwe::RSA_OAEP.decrypter_from_jwk(key).unwrap()),
    }
}

/// The floor for one token: josekit's decryption (FC+) and verification.
fn floor_one(token: &str, verifier: &dyn JwsVerifier, decrypter: Option<&dyn JweDecrypter>) -> Vec<u8> {
    let jws = match decrypter {
        Some(d) => String::from_utf8(josekit::jwe::deserialize_compact(token, d).unwrap().0).unwrap(),
        None => token.to_owned(),
    };
    josekit::jws::deserialize_compact(&jws, verifier).unwrap().0
}

fn callback(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut group = c.benchmark_group("callback");
    for (name, encryption) in [
        ("fc_es256", None),
        ("fcplus_ecdh_es", Some("ECDH-ES")),
        ("fcplus_rsa_oaep_2048", Some("RSA-OAEP")),
    ] {
        let case = rt.block_on(case(encryption));
        group.bench_function(format!("{name}/ours"), |b| {
            b.to_async(&rt).iter(|| async {
                validate_tokens(&case.fc, &case.id_token, &case.userinfo, &case.pending)
                    .await
                    .unwrap()
            })
        });
        group.bench_function(format!("{name}/floor_primitives"), |b| b.iter(|| case.primitives.run()));
        group.bench_function(format!("{name}/floor_keys_per_call"), |b| {
            b.iter(|| {
                for token in [&case.id_token, &case.userinfo] {
                    let verifier = josekit::jws::ES256.verifier_from_jwk(&case.provider_public).unwrap();
                    let decrypter = case.service_private.as_ref().map(|(k, alg)| decrypter(k, alg));
                    floor_one(token, &verifier, decrypter.as_deref());
                }
            })
        });
        let verifier = josekit::jws::ES256.verifier_from_jwk(&case.provider_public).unwrap();
        let decrypter = case.service_private.as_ref().map(|(k, alg)| decrypter(k, alg));
        group.bench_function(format!("{name}/floor_keys_prepared"), |b| {
            b.iter(|| {
                for token in [&case.id_token, &case.userinfo] {
                    floor_one(token, &verifier, decrypter.as_deref());
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, callback);
criterion_main!(benches);
