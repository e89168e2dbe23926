//! The client assertion of `private_key_jwt` (RFC 7523, OpenID Connect Core
//! §9): a JWT the service signs with one of its signing keys, fresh for each
//! token request.

use serde_json::{Map, Value};
use url::Url;

use crate::config::Config;
use crate::error::{ConfigError, Error};
use crate::protocol::values::random_token;

/// The `client_assertion_type` of a signed JWT.
pub(crate) const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How long an assertion is valid: the platforms' rule is "short", and one
/// request needs seconds.
const LIFETIME_SECS: i64 = 60;

/// A fresh assertion for a request to `audience` (the token endpoint):
/// `iss` = `sub` = the client id, a unique `jti`, `iat` now and `exp` 60
/// seconds later, signed with the first signing key the platform accepts.
pub(crate) fn client_assertion(config: &Config, audience: &Url) -> Result<String, Error> {
    let key = config
        .service_keys
        .as_ref()
        .and_then(|keys| keys.signing_key(config.assertion_algs()))
        .ok_or_else(|| ConfigError::new("private_key_jwt needs a signing key in the service keys (FC_KEYS_FILE)"))?;
    let now = crate::clock::now();
    let mut claims = Map::new();
    claims.insert("iss".into(), Value::from(config.client_id.as_str()));
    claims.insert("sub".into(), Value::from(config.client_id.as_str()));
    claims.insert("aud".into(), Value::from(audience.as_str()));
    claims.insert("jti".into(), Value::from(random_token()));
    claims.insert("iat".into(), Value::from(now));
    claims.insert("exp".into(), Value::from(now + LIFETIME_SECS));
    Ok(key.sign(claims)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Platform, TokenEndpointAuth, test_builder};
    use crate::jose::{ServiceKeys, SigningAlg};

    /// The assertion verifies with the published key and says what the
    /// platform checks; two assertions never share a `jti`.
    #[test]
    fn assertions_are_signed_fresh_and_say_who_we_are() {
        for alg in [SigningAlg::Es256, SigningAlg::Rs256] {
            let keys = ServiceKeys::generate_signing(alg).unwrap();
            let config = test_builder(
                Platform::FranceConnect,
                "http://127.0.0.1:4000/api/v2",
                "http://localhost:3000",
            )
            .service_keys(keys.clone())
            .token_endpoint_auth(TokenEndpointAuth::PrivateKeyJwt)
            .build()
            .unwrap();
            let token_endpoint = Url::parse("http://127.0.0.1:4000/api/v2/token").unwrap();
            let first = client_assertion(&config, &token_endpoint).unwrap();
            let second = client_assertion(&config, &token_endpoint).unwrap();
            let public =
                josekit::jwk::Jwk::from_map(keys.public_jwks()["keys"][0].as_object().unwrap().clone()).unwrap();
            let verifier: Box<dyn josekit::jws::JwsVerifier> = match alg {
                SigningAlg::Es256 => Box::new(josekit::jws::ES256.verifier_from_jwk(&public).unwrap()),
                SigningAlg::Rs256 => Box::new(josekit::jws::RS256.verifier_from_jwk(&public).unwrap()),
            };
            let (payload, header) = josekit::jwt::decode_with_verifier(&first, verifier.as_ref()).unwrap();
            assert_eq!(header.key_id(), keys.kids().next());
            assert_eq!(header.token_type(), Some("JWT"));
            assert_eq!(payload.issuer(), Some("id"));
            assert_eq!(payload.subject(), Some("id"));
            assert_eq!(payload.audience(), Some(vec!["http://127.0.0.1:4000/api/v2/token"]));
            let claims = payload.claims_set();
            assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 60);
            let (again, _) = josekit::jwt::decode_with_verifier(&second, verifier.as_ref()).unwrap();
            assert_ne!(claims["jti"], again.claims_set()["jti"]);
            assert!(claims["jti"].as_str().unwrap().len() >= 43);
        }
    }

    /// FranceConnect+ takes ES256 assertions only: an RS256 key alone is
    /// refused when the configuration is built.
    #[test]
    fn the_signing_key_must_suit_the_platform() {
        let build = |platform, keys: ServiceKeys| {
            test_builder(platform, "http://127.0.0.1:4000/api/v2", "http://localhost:3000")
                .service_keys(keys)
                .token_endpoint_auth(TokenEndpointAuth::PrivateKeyJwt)
                .build()
        };
        let enc = ServiceKeys::generate(crate::EncryptionAlg::EcdhEs).unwrap();
        let rs = enc
            .clone()
            .merge(ServiceKeys::generate_signing(SigningAlg::Rs256).unwrap())
            .unwrap();
        let e = build(Platform::FranceConnectPlus, rs.clone()).unwrap_err();
        assert!(e.to_string().contains("`use: sig`, ES256"), "{e}");
        assert!(
            build(Platform::FranceConnect, enc.clone())
                .unwrap_err()
                .to_string()
                .contains("FC_TOKEN_ENDPOINT_AUTH")
        );
        assert!(build(Platform::FranceConnect, rs).is_ok());
        let es = enc
            .merge(ServiceKeys::generate_signing(SigningAlg::Es256).unwrap())
            .unwrap();
        assert!(build(Platform::FranceConnectPlus, es).is_ok());
    }
}
