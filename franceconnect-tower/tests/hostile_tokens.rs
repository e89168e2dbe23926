//! Tokens a hostile or broken provider could send: each must be refused
//! with the matching error, and none may panic.

mod support;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use franceconnect_tower::{EncryptionAlg, Error, FranceConnect, JoseError, LoginOptions, Platform, ServiceKeys};
use josekit::jwe::JweHeader;
use josekit::jwk::Jwk;
use serde_json::Value;
use support::*;

/// Runs a login whose ID token is `make(nonce)`, with a valid userinfo.
async fn id_token_error(
    fc: &FranceConnect,
    tp: &TestProvider,
    keys: Option<&ServiceKeys>,
    make: impl FnOnce(&str) -> String,
) -> Error {
    let key = tp.key.clone();
    let mut info = key.sign(&tp.userinfo_claims());
    if let Some(k) = keys {
        info = encrypt(&info, &k.public_jwks()["keys"][0], |_| {});
    }
    let (_, result) = login_with(fc, tp, LoginOptions::default(), |nonce| (make(nonce), info)).await;
    result.expect_err("the token must be refused")
}

fn jose(e: Error) -> JoseError {
    match e {
        Error::Jose(j) => j,
        other => panic!("expected a JOSE error, got {other:?}"),
    }
}

#[tokio::test]
async fn fc_signatures_are_checked_against_the_allow_list_and_the_keys() {
    let tp = TestProvider::start().await;
    let rsa = SigningKey::rs256("pkcs11:RS256:hsm:1");
    tp.with(|b| b.published.push(rsa.public()));
    let fc = FranceConnect::new(tp.config(Platform::FranceConnect).build().unwrap());

    let e = id_token_error(&fc, &tp, None, |n| unsigned(&tp.id_claims(n, "eidas1"))).await;
    assert_eq!(jose(e), JoseError::SignatureAlgorithmNotAllowed("none".into()));

    let e = id_token_error(&fc, &tp, None, |n| {
        hs256_with_secret(&tp.id_claims(n, "eidas1"), &tp.key.kid)
    })
    .await;
    let e = jose(e);
    assert_eq!(e, JoseError::SignatureAlgorithmNotAllowed("HS256".into()));
    assert!(
        e.to_string().contains("register ES256 or RS256"),
        "the error says what to change: {e}"
    );

    // RS256 is refused unless the client accepts it (FC only).
    let e = id_token_error(&fc, &tp, None, |n| rsa.sign(&tp.id_claims(n, "eidas1"))).await;
    assert_eq!(jose(e), JoseError::SignatureAlgorithmNotAllowed("RS256".into()));
    let fc_rs = FranceConnect::new(tp.config(Platform::FranceConnect).accept_rs256(true).build().unwrap());
    let info = rsa.sign(&tp.userinfo_claims());
    let (_, ok) = login_with(&fc_rs, &tp, LoginOptions::default(), |n| {
        (rsa.sign(&tp.id_claims(n, "eidas1")), info)
    })
    .await;
    assert!(ok.is_ok(), "{ok:?}");

    // A forger's key under the provider's kid.
    let forger = SigningKey::es256(&tp.key.kid);
    let e = id_token_error(&fc, &tp, None, |n| forger.sign(&tp.id_claims(n, "eidas1"))).await;
    assert_eq!(jose(e), JoseError::BadSignature);

    // A payload changed after signing.
    let e = id_token_error(&fc, &tp, None, |n| {
        let jws = tp.key.sign(&tp.id_claims(n, "eidas1"));
        let parts: Vec<&str> = jws.split('.').collect();
        let mut claims = tp.id_claims(n, "eidas1");
        claims["sub"] = "someone-else".into();
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
        format!("{}.{}.{}", parts[0], payload, parts[2])
    })
    .await;
    assert_eq!(jose(e), JoseError::BadSignature);

    // Garbage of every shape.
    for garbage in ["", "a.b", "a.b.c", "!!!.###.$$$", "e30.e30.e30"] {
        let e = id_token_error(&fc, &tp, None, |_| garbage.to_owned()).await;
        assert!(matches!(e, Error::Jose(_)), "{garbage:?}");
    }
    let huge = format!("{}.{}.{}", "a".repeat(40_000), "b".repeat(40_000), "c");
    let e = id_token_error(&fc, &tp, None, |_| huge).await;
    assert_eq!(jose(e), JoseError::TooLarge { limit: 64 * 1024 });

    // FC never encrypts: a JWE is refused.
    let keys = service_keys(EncryptionAlg::EcdhEs);
    let e = id_token_error(&fc, &tp, None, |n| {
        encrypt(
            &tp.key.sign(&tp.id_claims(n, "eidas1")),
            &keys.public_jwks()["keys"][0],
            |_| {},
        )
    })
    .await;
    assert_eq!(jose(e), JoseError::UnexpectedEncryption);
}

#[tokio::test]
async fn claims_checks_apply_end_to_end() {
    let tp = TestProvider::start().await;
    let fc = FranceConnect::new(tp.config(Platform::FranceConnect).build().unwrap());
    for (field, value) in [
        ("nonce", Value::from("n".repeat(43))),
        ("iss", Value::from("https://evil.example/api/v2")),
        ("aud", Value::from("another-client")),
        ("exp", Value::from(now() - 3600)),
    ] {
        let e = id_token_error(&fc, &tp, None, |n| {
            let mut c = tp.id_claims(n, "eidas1");
            c[field] = value;
            tp.key.sign(&c)
        })
        .await;
        assert!(matches!(e, Error::Claims(ref c) if c.field == field), "{field}: {e:?}");
    }
}

/// Encrypts with any josekit algorithm, to test what our allow-list refuses.
fn encrypt_with(jws: &str, public: &Value, alg: &str, tweak: impl FnOnce(&mut JweHeader)) -> String {
    let mut map = public.as_object().unwrap().clone();
    map.remove("alg");
    let jwk = Jwk::from_map(map).unwrap();
    let mut h = JweHeader::new();
    h.set_content_encryption("A256GCM");
    h.set_content_type("JWT");
    h.set_key_id(jwk.key_id().unwrap());
    tweak(&mut h);
    let payload = jws.as_bytes();
    match alg {
        #[allow(deprecated)] // the point is to check that we refuse it
        "RSA1_5" => {
            josekit::jwe::serialize_compact(payload, &h, &josekit::jwe::RSA1_5.encrypter_from_jwk(&jwk).unwrap())
        }
        "RSA-OAEP" => {
            josekit::jwe::serialize_compact(payload, &h, &josekit::jwe::RSA_OAEP.encrypter_from_jwk(&jwk).unwrap())
        }
        "ECDH-ES+A256KW" => josekit::jwe::serialize_compact(
            payload,
            &h,
            &josekit::jwe::ECDH_ES_A256KW.encrypter_from_jwk(&jwk).unwrap(),
        ),
        other => panic!("{other}"),
    }
    .unwrap()
}

#[tokio::test]
async fn fc_plus_encryption_is_checked_against_the_allow_list_and_the_keys() {
    let tp = TestProvider::start().await;
    let (fc, keys, public) = fc_plus_engine(&tp, EncryptionAlg::RsaOaep256);
    let sign = |n: &str| tp.key.sign(&tp.id_claims(n, "eidas2"));

    // FC+ always encrypts: a bare JWS is refused even when its signature is good.
    let e = id_token_error(&fc, &tp, Some(&keys), |n| sign(n)).await;
    assert_eq!(jose(e), JoseError::NotEncrypted);

    let e = id_token_error(&fc, &tp, Some(&keys), |n| {
        encrypt_with(&sign(n), &public, "RSA1_5", |_| {})
    })
    .await;
    assert_eq!(jose(e), JoseError::EncryptionAlgorithmNotAllowed("RSA1_5".into()));
    // RSA-OAEP is a FC+ algorithm, but not the one our only key is for.
    let e = id_token_error(&fc, &tp, Some(&keys), |n| {
        encrypt_with(&sign(n), &public, "RSA-OAEP", |_| {})
    })
    .await;
    assert_eq!(jose(e), JoseError::EncryptionAlgorithmNotAllowed("RSA-OAEP".into()));

    let e = id_token_error(&fc, &tp, Some(&keys), |n| {
        encrypt(&sign(n), &public, |h| h.set_content_encryption("A128GCM"))
    })
    .await;
    assert_eq!(jose(e), JoseError::ContentEncryptionNotAllowed("A128GCM".into()));
    let e = id_token_error(&fc, &tp, Some(&keys), |n| {
        encrypt(&sign(n), &public, |h| h.set_compression("DEF"))
    })
    .await;
    assert_eq!(jose(e), JoseError::Compressed);
    let e = id_token_error(&fc, &tp, Some(&keys), |n| {
        encrypt(&sign(n), &public, |h| h.set_claim("cty", None).unwrap())
    })
    .await;
    assert_eq!(jose(e), JoseError::NotNested);
    let e = id_token_error(&fc, &tp, Some(&keys), |n| {
        encrypt(&sign(n), &public, |h| h.set_critical(&vec!["exp"]))
    })
    .await;
    assert_eq!(jose(e), JoseError::CriticalHeader);

    // Encrypted to a key we do not have.
    let stranger = service_keys(EncryptionAlg::RsaOaep256);
    let e = id_token_error(&fc, &tp, Some(&keys), |n| {
        encrypt(&sign(n), &stranger.public_jwks()["keys"][0], |_| {})
    })
    .await;
    assert_eq!(jose(e), JoseError::UnknownKey);
    // …or to a stranger's key under our kid.
    let e = id_token_error(&fc, &tp, Some(&keys), |n| {
        encrypt(&sign(n), &stranger.public_jwks()["keys"][0], |h| {
            h.set_key_id(keys.kids().next().unwrap())
        })
    })
    .await;
    assert_eq!(jose(e), JoseError::DecryptionFailed);

    // The plaintext must be a JWS, not the claims themselves.
    let e = id_token_error(&fc, &tp, Some(&keys), |n| {
        encrypt(&tp.id_claims(n, "eidas2").to_string(), &public, |_| {})
    })
    .await;
    assert_eq!(jose(e), JoseError::NotNested);
    // An unsigned inner token is refused like a bare one.
    let e = id_token_error(&fc, &tp, Some(&keys), |n| {
        encrypt(&unsigned(&tp.id_claims(n, "eidas2")), &public, |_| {})
    })
    .await;
    assert_eq!(jose(e), JoseError::SignatureAlgorithmNotAllowed("none".into()));
}

#[tokio::test]
async fn ecdh_es_key_wrapping_variants_are_refused() {
    let tp = TestProvider::start().await;
    let (fc, keys, public) = fc_plus_engine(&tp, EncryptionAlg::EcdhEs);
    let e = id_token_error(&fc, &tp, Some(&keys), |n| {
        encrypt_with(
            &tp.key.sign(&tp.id_claims(n, "eidas2")),
            &public,
            "ECDH-ES+A256KW",
            |_| {},
        )
    })
    .await;
    assert_eq!(
        jose(e),
        JoseError::EncryptionAlgorithmNotAllowed("ECDH-ES+A256KW".into())
    );
}

/// Standards-compliant variations a friendly provider may send.
#[tokio::test]
async fn optional_kids_and_media_types_are_accepted() {
    let tp = TestProvider::start().await;
    // A JWKS key without `kid` and a token without `kid`.
    let anonymous = SigningKey::es256("ignored");
    let mut public = anonymous.public();
    public.as_object_mut().unwrap().remove("kid");
    tp.with(|b| b.published.push(public));
    let sign_without_kid = |claims: &Value| {
        let mut h = josekit::jws::JwsHeader::new();
        h.set_token_type("JWT");
        let signer = josekit::jws::ES256.signer_from_jwk(&anonymous.private).unwrap();
        josekit::jws::serialize_compact(&serde_json::to_vec(claims).unwrap(), &h, &signer).unwrap()
    };
    let fc = FranceConnect::new(tp.config(Platform::FranceConnect).build().unwrap());
    let info = sign_without_kid(&tp.userinfo_claims());
    let (_, ok) = login_with(&fc, &tp, LoginOptions::default(), |n| {
        (sign_without_kid(&tp.id_claims(n, "eidas1")), info)
    })
    .await;
    assert!(ok.is_ok(), "{ok:?}");
    // A token naming a kid the JWKS does not carry, signed by a kid-less key.
    let (_, ok) = login_with(&fc, &tp, LoginOptions::default(), |n| {
        let named = SigningKey {
            kid: "not-published".into(),
            ..anonymous.clone()
        };
        (
            named.sign(&tp.id_claims(n, "eidas1")),
            named.sign(&tp.userinfo_claims()),
        )
    })
    .await;
    assert!(ok.is_ok(), "{ok:?}");

    // A JWE without `kid`, with `cty: application/jwt`.
    let (fcp, _, public) = fc_plus_engine(&tp, EncryptionAlg::EcdhEs);
    let key = tp.key.clone();
    let info = encrypt(&key.sign(&tp.userinfo_claims()), &public, |h| {
        h.set_content_type("application/jwt")
    });
    let (_, ok) = login_with(&fcp, &tp, LoginOptions::default(), |n| {
        (
            encrypt(&key.sign(&tp.id_claims(n, "eidas2")), &public, |h| {
                h.set_claim("kid", None).unwrap()
            }),
            info,
        )
    })
    .await;
    assert!(ok.is_ok(), "{ok:?}");
}
