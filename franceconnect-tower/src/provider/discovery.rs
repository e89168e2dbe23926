//! The provider's metadata (`/.well-known/openid-configuration`), fetched,
//! validated against the configuration, and cached.

use serde::Deserialize;
use url::Url;

use crate::config::{Config, TokenEndpointAuth, is_loopback};
use crate::error::Error;
use crate::protocol::acr::RequestedAcr;

/// What we use of the provider's metadata, validated.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ProviderMetadata {
    /// The issuer; equal to the configured one.
    pub issuer: String,
    /// `/authorize`.
    pub authorization_endpoint: Url,
    /// `/token`.
    pub token_endpoint: Url,
    /// `/userinfo`.
    pub userinfo_endpoint: Url,
    /// `/jwks`.
    pub jwks_uri: Url,
    /// `/session/end`, when the provider has one (FranceConnect always
    /// does); logout fails without it.
    pub end_session_endpoint: Option<Url>,
    /// `/token/revocation`, when the provider announces it: the logout
    /// revokes the access token there.
    pub revocation_endpoint: Option<Url>,
    /// Whether the provider promises an `iss` parameter on the callback
    /// (RFC 9207); when it does, a callback without one is refused.
    pub iss_parameter_supported: bool,
}

#[derive(Deserialize)]
struct RawMetadata {
    issuer: String,
    authorization_endpoint: Option<String>,
    token_endpoint: Option<String>,
    userinfo_endpoint: Option<String>,
    jwks_uri: Option<String>,
    end_session_endpoint: Option<String>,
    revocation_endpoint: Option<String>,
    response_types_supported: Option<Vec<String>>,
    id_token_signing_alg_values_supported: Option<Vec<String>>,
    userinfo_signing_alg_values_supported: Option<Vec<String>>,
    id_token_encryption_alg_values_supported: Option<Vec<String>>,
    id_token_encryption_enc_values_supported: Option<Vec<String>>,
    userinfo_encryption_alg_values_supported: Option<Vec<String>>,
    userinfo_encryption_enc_values_supported: Option<Vec<String>>,
    token_endpoint_auth_methods_supported: Option<Vec<String>>,
    token_endpoint_auth_signing_alg_values_supported: Option<Vec<String>>,
    acr_values_supported: Option<Vec<String>>,
    authorization_response_iss_parameter_supported: Option<bool>,
}

impl ProviderMetadata {
    /// Parses and validates a discovery document for this configuration:
    /// the issuer must be the configured one, every endpoint we call must be
    /// present (and `https://` unless on loopback), and the algorithms,
    /// authentication method and levels we need must be offered when the
    /// document lists them.
    pub fn validate(config: &Config, body: &[u8]) -> Result<Self, Error> {
        let raw: RawMetadata = serde_json::from_slice(body)
            .map_err(|e| Error::discovery_caused_by("the discovery document is not valid JSON metadata", e))?;
        if raw.issuer.trim_end_matches('/') != config.issuer.as_str().trim_end_matches('/') {
            return Err(Error::discovery("the discovery document names another issuer"));
        }
        let endpoint = |name: &str, value: Option<String>| -> Result<Url, Error> {
            let value = value.ok_or_else(|| Error::discovery(format!("`{name}` is missing")))?;
            let url =
                Url::parse(&value).map_err(|e| Error::discovery_caused_by(format!("`{name}` is not a URL"), e))?;
            // Plain http only when the issuer itself is a loopback http URL (the
            // mock, a test server): a document must not downgrade us.
            let issuer_is_local_http = config.issuer.scheme() == "http" && is_loopback(&config.issuer);
            if !(url.scheme() == "https" || (url.scheme() == "http" && is_loopback(&url) && issuer_is_local_http)) {
                return Err(Error::discovery(format!("`{name}` is not an https:// URL")));
            }
            // A tampered document must not send the code and the client secret
            // to a stranger, nor make us trust a stranger's keys.
            if !config.endpoints_outside_issuer && !is_under(&config.issuer, &url) {
                tracing::error!(
                    endpoint = name,
                    "discovery names an endpoint outside the issuer; refused"
                );
                return Err(Error::discovery(format!(
                    "`{name}` is not under the issuer {}: refused (every endpoint must share the issuer's scheme, host and port and sit under its path)",
                    config.issuer
                )));
            }
            Ok(url)
        };
        let offers = |name: &str, list: &Option<Vec<String>>, wanted: &str| -> Result<(), Error> {
            match list {
                Some(values) if !values.iter().any(|v| v == wanted) => {
                    Err(Error::discovery(format!("`{name}` does not offer {wanted}")))
                }
                _ => Ok(()),
            }
        };
        offers("response_types_supported", &raw.response_types_supported, "code")?;
        offers(
            "token_endpoint_auth_methods_supported",
            &raw.token_endpoint_auth_methods_supported,
            config.token_endpoint_auth.as_str(),
        )?;
        if config.token_endpoint_auth == TokenEndpointAuth::PrivateKeyJwt
            && let (Some(offered), Some(keys)) = (
                &raw.token_endpoint_auth_signing_alg_values_supported,
                &config.service_keys,
            )
            && keys
                .signing_key(config.assertion_algs())
                .is_none_or(|k| !offered.iter().any(|a| a == k.alg.as_str()))
        {
            return Err(Error::discovery(
                "`token_endpoint_auth_signing_alg_values_supported` offers none of our signing keys' algorithms",
            ));
        }
        // The usual cause is the wrong platform: say which setting to check.
        let asked: Vec<&str> = match config.requested_acr() {
            RequestedAcr::AtLeast(level) => vec![level.as_str()],
            RequestedAcr::OneOf(values) => values.iter().map(|v| v.as_str()).collect(),
        };
        if let Some(levels) = &raw.acr_values_supported
            && let Some(missing) = asked.iter().find(|a| !levels.iter().any(|l| l == *a))
        {
            return Err(Error::discovery(format!(
                "`acr_values_supported` does not offer {missing} (it offers {}): is FC_PLATFORM right for this issuer \
                 (`fc` for FranceConnect, eidas1; `fcplus` for FranceConnect+, eidas2 and eidas3; `proconnect` for \
                 ProConnect), and FC_ACR?",
                crate::error::sanitize(&levels.join(", "), 160)
            )));
        }
        let sig = |list: &Option<Vec<String>>| {
            list.as_ref()
                .is_none_or(|l| config.signing_algs.iter().any(|a| l.iter().any(|v| v == a.as_str())))
        };
        if !sig(&raw.id_token_signing_alg_values_supported) || !sig(&raw.userinfo_signing_alg_values_supported) {
            return Err(Error::discovery(
                "the provider offers none of the accepted signature algorithms",
            ));
        }
        if config.encrypted_tokens {
            let enc_algs = config.encryption_algs();
            for (name, list) in [
                (
                    "id_token_encryption_alg_values_supported",
                    &raw.id_token_encryption_alg_values_supported,
                ),
                (
                    "userinfo_encryption_alg_values_supported",
                    &raw.userinfo_encryption_alg_values_supported,
                ),
            ] {
                if list
                    .as_ref()
                    .is_some_and(|l| !enc_algs.iter().any(|a| l.iter().any(|v| v == a.as_str())))
                {
                    return Err(Error::discovery(format!(
                        "`{name}` offers none of our keys' algorithms"
                    )));
                }
            }
            offers(
                "id_token_encryption_enc_values_supported",
                &raw.id_token_encryption_enc_values_supported,
                "A256GCM",
            )?;
            offers(
                "userinfo_encryption_enc_values_supported",
                &raw.userinfo_encryption_enc_values_supported,
                "A256GCM",
            )?;
        }
        Ok(Self {
            authorization_endpoint: endpoint("authorization_endpoint", raw.authorization_endpoint)?,
            token_endpoint: endpoint("token_endpoint", raw.token_endpoint)?,
            userinfo_endpoint: endpoint("userinfo_endpoint", raw.userinfo_endpoint)?,
            jwks_uri: endpoint("jwks_uri", raw.jwks_uri)?,
            end_session_endpoint: raw
                .end_session_endpoint
                .map(|e| endpoint("end_session_endpoint", Some(e)))
                .transpose()?,
            revocation_endpoint: raw
                .revocation_endpoint
                .map(|e| endpoint("revocation_endpoint", Some(e)))
                .transpose()?,
            iss_parameter_supported: raw.authorization_response_iss_parameter_supported.unwrap_or(false),
            issuer: raw.issuer,
        })
    }
}

/// True when `url` carries no credentials and has the issuer's scheme, host
/// and port, and a path at or
/// below the issuer's (`/api/v2/token` under `/api/v2`, not `/api/v2x`).
/// The URL parser has already resolved `..` and lower-cased the host.
fn is_under(issuer: &Url, url: &Url) -> bool {
    let base = issuer.path().trim_end_matches('/');
    url.username().is_empty()
        && url.password().is_none()
        && url.scheme() == issuer.scheme()
        && url.host_str() == issuer.host_str()
        && url.port_or_known_default() == issuer.port_or_known_default()
        && (url.path() == base || url.path().starts_with(&format!("{base}/")))
}

/// The discovery URL of an issuer.
pub(crate) fn discovery_url(issuer: &Url) -> Url {
    Url::parse(&format!(
        "{}/.well-known/openid-configuration",
        issuer.as_str().trim_end_matches('/')
    ))
    .expect("an issuer URL plus a path is a URL")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Platform, test_builder};
    use crate::jose::{EncryptionAlg, ServiceKeys};
    use serde_json::{Value, json};

    fn config(platform: Platform) -> Config {
        let mut b = test_builder(platform, "https://fc.example/api/v2", "https://a.fr");
        if platform == Platform::FranceConnectPlus {
            b = b.service_keys(ServiceKeys::generate(EncryptionAlg::EcdhEs).unwrap());
        }
        b.build().unwrap()
    }

    fn doc() -> Value {
        let i = "https://fc.example/api/v2";
        json!({
            "issuer": i,
            "authorization_endpoint": format!("{i}/authorize"),
            "token_endpoint": format!("{i}/token"),
            "userinfo_endpoint": format!("{i}/userinfo"),
            "jwks_uri": format!("{i}/jwks"),
            "end_session_endpoint": format!("{i}/session/end"),
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["ES256", "RS256"],
            "id_token_encryption_alg_values_supported": ["ECDH-ES", "RSA-OAEP", "RSA-OAEP-256"],
            "id_token_encryption_enc_values_supported": ["A256GCM"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
            "acr_values_supported": ["eidas1", "eidas2", "eidas3"],
            "authorization_response_iss_parameter_supported": true
        })
    }

    fn check(platform: Platform, doc: &Value) -> Result<ProviderMetadata, Error> {
        ProviderMetadata::validate(&config(platform), doc.to_string().as_bytes())
    }

    #[test]
    fn a_good_document_validates() {
        let m = check(Platform::FranceConnectPlus, &doc()).unwrap();
        assert_eq!(
            m.end_session_endpoint.unwrap().as_str(),
            "https://fc.example/api/v2/session/end"
        );
        assert!(m.iss_parameter_supported);
    }

    #[test]
    fn a_host_only_issuer_matches_without_its_trailing_slash() {
        let config = test_builder(Platform::FranceConnect, "https://op.example", "https://a.fr")
            .build()
            .unwrap();
        let mut d = doc();
        for value in d.as_object_mut().unwrap().values_mut() {
            if let Some(v) = value.as_str() {
                *value = json!(v.replace("https://fc.example/api/v2", "https://op.example"));
            }
        }
        d["issuer"] = json!("https://op.example");
        let m = ProviderMetadata::validate(&config, d.to_string().as_bytes()).unwrap();
        assert_eq!(
            m.issuer, "https://op.example",
            "the provider's own spelling is kept for token checks"
        );
    }

    #[test]
    fn each_requirement_is_checked() {
        let cases: Vec<(&str, Value)> = vec![
            ("issuer", json!("https://evil.example/api/v2")),
            ("token_endpoint", Value::Null),
            ("jwks_uri", json!("http://127.0.0.1/jwks")),
            ("end_session_endpoint", json!("http://fc.example/api/v2/session/end")),
            ("id_token_signing_alg_values_supported", json!(["RS256"])),
            ("id_token_encryption_alg_values_supported", json!(["RSA-OAEP"])),
            ("id_token_encryption_enc_values_supported", json!(["A128GCM"])),
            ("token_endpoint_auth_methods_supported", json!(["client_secret_basic"])),
            ("acr_values_supported", json!(["eidas1"])),
            ("response_types_supported", json!(["id_token"])),
        ];
        for (field, value) in cases {
            let mut d = doc();
            d[field] = value;
            let e = check(Platform::FranceConnectPlus, &d).unwrap_err();
            assert!(matches!(e, Error::Discovery(_)), "{field}: {e}");
        }
        assert!(ProviderMetadata::validate(&config(Platform::FranceConnect), b"<html>").is_err());
    }

    /// An app set for FranceConnect facing FranceConnect+ (or the other way
    /// round) is told which setting to check.
    #[test]
    fn a_platform_mismatch_names_fc_platform() {
        let mut d = doc();
        d["acr_values_supported"] = json!(["eidas2", "eidas3"]);
        let e = check(Platform::FranceConnect, &d).unwrap_err().to_string();
        assert!(e.contains("does not offer eidas1 (it offers eidas2, eidas3)"), "{e}");
        assert!(e.contains("is FC_PLATFORM right"), "{e}");
    }

    #[test]
    fn every_endpoint_must_live_under_the_issuer() {
        let foreign = [
            "https://evil.example/api/v2/x",
            "https://fc.example.evil.example/api/v2/x",
            "https://fc.example:8443/api/v2/x",
            "https://fc.example/api/v3/x",
            "https://fc.example/api/v2x",
            "https://fc.example/api/v2/../../x",
            "https://user@evil.example/api/v2/x",
            "https://user:pass@fc.example/api/v2/x",
        ];
        for field in [
            "authorization_endpoint",
            "token_endpoint",
            "userinfo_endpoint",
            "jwks_uri",
            "end_session_endpoint",
        ] {
            for url in foreign {
                let mut d = doc();
                d[field] = json!(url);
                let e = check(Platform::FranceConnect, &d).unwrap_err();
                assert!(
                    e.to_string().contains(field) && e.to_string().contains("not under the issuer"),
                    "{field} = {url}: {e}"
                );
            }
        }
        let mut d = doc();
        d["token_endpoint"] = json!("https://FC.example:443/api/v2/token");
        assert!(
            check(Platform::FranceConnect, &d).is_ok(),
            "the same origin, spelt otherwise"
        );

        // The documented opt-out, for custom issuers only.
        let lax = test_builder(Platform::FranceConnect, "https://fc.example/api/v2", "https://a.fr")
            .allow_endpoints_outside_issuer(true)
            .build()
            .unwrap();
        let mut d = doc();
        d["token_endpoint"] = json!("https://tokens.example/token");
        assert!(ProviderMetadata::validate(&lax, d.to_string().as_bytes()).is_ok());
    }
}
