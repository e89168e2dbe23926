//! The catalogue of hostile tokens: for each [`Tamper`] scenario of the
//! mock, the typed error the engine must answer with. Both the engine-level
//! tests and the scenario suite (through each adapter's HTTP routes) walk
//! this one table, so a new scenario cannot be tested in one place and
//! forgotten in the other.

use franceconnect_mock::Tamper;
use franceconnect_tower::{Error, JoseError, NetworkErrorKind};

/// The scenarios that apply to a service whose tokens are encrypted (`true`
/// on FranceConnect+, and on FranceConnect when registered so) or not: the
/// encryption scenarios leave unencrypted tokens intact.
pub fn scenarios(encrypted: bool) -> impl Iterator<Item = Tamper> {
    Tamper::ALL.into_iter().filter(move |t| encrypted || !t.is_encryption())
}

/// True when `error` is the refusal `tamper` calls for.
pub fn is_expected_refusal(tamper: Tamper, error: &Error) -> bool {
    let claim = |field: &str| matches!(error, Error::Claims(c) if c.field == field);
    let jose = |check: &dyn Fn(&JoseError) -> bool| matches!(error, Error::Jose(j) if check(j));
    match tamper {
        Tamper::BadSignature | Tamper::ForeignKey => jose(&|j| *j == JoseError::BadSignature),
        Tamper::AlgNone | Tamper::UserinfoUnsigned => {
            jose(&|j| *j == JoseError::SignatureAlgorithmNotAllowed("none".into()))
        }
        Tamper::Hs256WithPublicKey => jose(&|j| *j == JoseError::SignatureAlgorithmNotAllowed("HS256".into())),
        Tamper::UnknownKid | Tamper::EmbeddedJwk | Tamper::UnknownEncryptionKey => {
            jose(&|j| *j == JoseError::UnknownKey)
        }
        Tamper::OversizedIdToken => jose(&|j| matches!(j, JoseError::TooLarge { .. })),
        Tamper::Unencrypted => jose(&|j| *j == JoseError::NotEncrypted),
        Tamper::DisallowedEncryptionAlg => jose(
            &|j| matches!(j, JoseError::EncryptionAlgorithmNotAllowed(a) if a == "ECDH-ES+A256KW" || a == "RSA1_5"),
        ),
        Tamper::DisallowedContentEncryption => {
            jose(&|j| *j == JoseError::ContentEncryptionNotAllowed("A128CBC-HS256".into()))
        }
        Tamper::Compressed => jose(&|j| *j == JoseError::Compressed),
        // Cut before its fourth dot, what is left reads as a JWS.
        Tamper::TruncatedJwe => jose(&|j| matches!(j, JoseError::Malformed(_) | JoseError::NotEncrypted)),
        Tamper::TamperedTag => jose(&|j| *j == JoseError::DecryptionFailed),
        Tamper::ShortIv => jose(&|j| matches!(j, JoseError::Malformed(m) if m.contains("IV"))),
        Tamper::ShortTag => jose(&|j| matches!(j, JoseError::Malformed(m) if m.contains("tag"))),
        // Refused on its media type, before anything reads it.
        Tamper::UserinfoPlainJson => {
            matches!(error, Error::Network(n) if n.endpoint == "userinfo" && n.kind == NetworkErrorKind::ContentType)
        }
        Tamper::WrongIssuer => claim("iss"),
        // This service must be the only audience, `azp` or not.
        Tamper::WrongAudience
        | Tamper::UserinfoWrongAudience
        | Tamper::ExtraAudience
        | Tamper::ExtraAudienceWithAzp
        | Tamper::NonStringAudience => claim("aud"),
        Tamper::WrongNonce | Tamper::MissingNonce | Tamper::ReplayedNonce => claim("nonce"),
        Tamper::Expired | Tamper::MissingExpiry => claim("exp"),
        Tamper::NotYetValid => claim("nbf"),
        Tamper::IssuedInFuture => claim("iat"),
        Tamper::UnknownAcr => claim("acr"),
        Tamper::MissingSub | Tamper::UserinfoSubMismatch => claim("sub"),
        other => panic!("{other:?} is missing from the catalogue"),
    }
}

/// The error code an API client receives for `tamper` (the JSON `error`
/// field), which is what [`error_code`](franceconnect_tower::web::error_code) gives for the expected refusal.
pub fn expected_code(tamper: Tamper) -> &'static str {
    match tamper {
        Tamper::WrongIssuer
        | Tamper::WrongAudience
        | Tamper::UserinfoWrongAudience
        | Tamper::ExtraAudience
        | Tamper::ExtraAudienceWithAzp
        | Tamper::NonStringAudience
        | Tamper::WrongNonce
        | Tamper::MissingNonce
        | Tamper::ReplayedNonce
        | Tamper::Expired
        | Tamper::MissingExpiry
        | Tamper::NotYetValid
        | Tamper::IssuedInFuture
        | Tamper::UnknownAcr
        | Tamper::MissingSub
        | Tamper::UserinfoSubMismatch => "invalid_claims",
        Tamper::UserinfoPlainJson => "provider_unavailable",
        _ => "invalid_token",
    }
}
