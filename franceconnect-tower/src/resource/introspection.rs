//! ProConnect's `POST {introspection_endpoint}` (RFC 7662): the resource
//! server's question (`client_id`, `client_secret`, `token`) and the
//! platform's answer, plain JSON, or with `Accept:
//! application/token-introspection+jwt` a JWS (RFC 9701) signed by the
//! provider's keys. The endpoint and the keys come from discovery.

use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::answer;
use super::bearer::BearerToken;
use super::checktoken::INTROSPECTION_JWT;
use super::config::{MAX_ANSWER_BYTES, ResourceConfig};
use super::error::ResourceError;
use super::server::Inner;
use super::token_info::TokenCheck;
use crate::config::is_loopback;
use crate::error::{Error, NetworkError, NetworkErrorKind};
use crate::jose;

/// What a resource server uses of the discovery document, validated.
#[derive(Debug)]
pub(crate) struct IntrospectionMetadata {
    /// `introspection_endpoint`.
    pub(crate) introspection_endpoint: Url,
    /// `jwks_uri`.
    pub(crate) jwks_uri: Url,
}

#[derive(Deserialize)]
struct Raw {
    issuer: String,
    introspection_endpoint: Option<String>,
    jwks_uri: Option<String>,
}

impl IntrospectionMetadata {
    /// Parses a discovery document: the issuer must be the configured
    /// one, and the two endpoints there, under the issuer (`https://`, or
    /// `http://` on loopback when the issuer is).
    pub(crate) fn validate(config: &ResourceConfig, body: &[u8]) -> Result<Self, Error> {
        let raw: Raw = serde_json::from_slice(body)
            .map_err(|e| Error::discovery_caused_by("the discovery document is not valid JSON metadata", e))?;
        let issuer = &config.issuer;
        if raw.issuer.trim_end_matches('/') != issuer.as_str().trim_end_matches('/') {
            return Err(Error::discovery("the discovery document names another issuer"));
        }
        let endpoint = |name: &str, value: Option<String>| -> Result<Url, Error> {
            let value = value.ok_or_else(|| {
                Error::discovery(format!(
                    "`{name}` is missing: is FC_PLATFORM right (introspection is ProConnect's; FranceConnect's data providers use checktoken)?"
                ))
            })?;
            let url =
                Url::parse(&value).map_err(|e| Error::discovery_caused_by(format!("`{name}` is not a URL"), e))?;
            let base = issuer.path().trim_end_matches('/');
            let under = url.username().is_empty()
                && url.password().is_none()
                && url.scheme() == issuer.scheme()
                && (url.scheme() == "https" || is_loopback(&url))
                && url.host_str() == issuer.host_str()
                && url.port_or_known_default() == issuer.port_or_known_default()
                && (url.path() == base || url.path().starts_with(&format!("{base}/")));
            if !under {
                return Err(Error::discovery(format!(
                    "`{name}` is not under the issuer {issuer}: refused"
                )));
            }
            Ok(url)
        };
        Ok(Self {
            introspection_endpoint: endpoint("introspection_endpoint", raw.introspection_endpoint)?,
            jwks_uri: endpoint("jwks_uri", raw.jwks_uri)?,
        })
    }
}

/// `typ` of a signed introspection answer (RFC 9701 §5), with or without
/// the `application/` prefix.
pub(crate) fn is_introspection_type(typ: &str) -> bool {
    let typ = typ.to_ascii_lowercase();
    typ == "token-introspection+jwt" || typ == INTROSPECTION_JWT
}

/// Asks the platform about `token`.
pub(crate) async fn ask(inner: &Inner, token: &BearerToken) -> Result<TokenCheck, ResourceError> {
    let config = &inner.config;
    let metadata = inner
        .discovery
        .get(&inner.endpoints.discovery)
        .await
        .map_err(ResourceError::from_engine)?;
    let form = [
        ("client_id", config.client_id.as_str()),
        ("client_secret", config.client_secret.secret()),
        ("token", token.secret()),
    ];
    let url = &metadata.introspection_endpoint;
    let sent = if config.signed_introspection {
        inner
            .http
            .post_form_accepting("introspection", url, &form, INTROSPECTION_JWT)
            .await
    } else {
        inner.http.post_form("introspection", url, &form).await
    };
    let resp = sent.map_err(ResourceError::unavailable)?;
    match resp.status {
        200 => {}
        400 => return Err(ResourceError::invalid_request()),
        401 => return Err(ResourceError::invalid_client()),
        status => {
            return Err(ResourceError::unavailable(NetworkError::new(
                "introspection",
                NetworkErrorKind::Status(status),
            )));
        }
    }
    let introspection = if config.signed_introspection {
        if resp.media_type() != INTROSPECTION_JWT {
            return Err(ResourceError::invalid_answer(format!(
                "the answer is not {INTROSPECTION_JWT} (is the resource server registered with introspection_signed_response_alg?)"
            )));
        }
        let body = std::str::from_utf8(&resp.body)
            .map_err(|_| ResourceError::invalid_answer("the answer is not text"))?
            .trim();
        let header = jose::compact::Header::parse(body, 3, MAX_ANSWER_BYTES)
            .map_err(|e| ResourceError::invalid_answer(e.to_string()))?;
        if header.typ().is_some_and(|t| !is_introspection_type(t)) || header.has("cty") {
            return Err(ResourceError::invalid_answer(
                "the answer's `typ` is not an introspection's",
            ));
        }
        let payload = inner
            .jwks
            .verify(&metadata.jwks_uri, body, &config.signing_algs, MAX_ANSWER_BYTES)
            .await
            .map_err(ResourceError::from_engine)?;
        answer::signed_answer_claims(config, payload)?
    } else {
        if resp.media_type() != "application/json" {
            return Err(ResourceError::invalid_answer("the answer is not application/json"));
        }
        match serde_json::from_slice(&resp.body) {
            Ok(Value::Object(map)) => map,
            _ => return Err(ResourceError::invalid_answer("the answer is not a JSON object")),
        }
    };
    answer::proconnect(config, &introspection)
}
