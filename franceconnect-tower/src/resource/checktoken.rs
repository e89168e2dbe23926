//! FranceConnect's and FranceConnect+'s `POST {issuer}/checktoken`: the
//! data provider's question (a form of exactly `token`, `client_id` and
//! `client_secret`) and the platform's answer, a JWE (no `kid`: each of
//! our keys of its algorithm is tried) holding a JWS signed by the
//! provider's keys (`{issuer}/jwks`).

use super::answer;
use super::bearer::BearerToken;
use super::config::MAX_ANSWER_BYTES;
use super::error::ResourceError;
use super::server::Inner;
use super::token_info::TokenCheck;
use crate::error::{NetworkError, NetworkErrorKind};
use crate::jose;

/// The answer's media type (RFC 9701).
pub(crate) const INTROSPECTION_JWT: &str = "application/token-introspection+jwt";

/// Asks the platform about `token`.
pub(crate) async fn ask(inner: &Inner, token: &BearerToken) -> Result<TokenCheck, ResourceError> {
    let config = &inner.config;
    let form = [
        ("token", token.secret()),
        ("client_id", config.client_id.as_str()),
        ("client_secret", config.client_secret.secret()),
    ];
    let resp = inner
        .http
        .post_form("checktoken", &inner.endpoints.checktoken, &form)
        .await
        .map_err(ResourceError::unavailable)?;
    match resp.status {
        200 => {}
        400 => return Err(ResourceError::invalid_request()),
        401 => return Err(ResourceError::invalid_client()),
        status => {
            return Err(ResourceError::unavailable(NetworkError::new(
                "checktoken",
                NetworkErrorKind::Status(status),
            )));
        }
    }
    if resp.media_type() != INTROSPECTION_JWT {
        return Err(ResourceError::invalid_answer(format!(
            "the answer is not {INTROSPECTION_JWT}"
        )));
    }
    let body = std::str::from_utf8(&resp.body)
        .map_err(|_| ResourceError::invalid_answer("the answer is not text"))?
        .trim();
    let keys = config
        .service_keys
        .as_ref()
        .ok_or_else(|| ResourceError::invalid_answer("no key to decrypt the answer with"))?;
    let jws = jose::compact::decrypt_introspection_answer(body, keys, &keys.algorithms(), MAX_ANSWER_BYTES)
        .map_err(|e| ResourceError::invalid_answer(e.to_string()))?;
    let header = jose::compact::Header::parse(&jws, 3, MAX_ANSWER_BYTES)
        .map_err(|e| ResourceError::invalid_answer(e.to_string()))?;
    if header
        .typ()
        .is_some_and(|t| !super::introspection::is_introspection_type(t))
    {
        return Err(ResourceError::invalid_answer(
            "the answer's `typ` is not an introspection's",
        ));
    }
    let payload = inner
        .jwks
        .verify(&inner.endpoints.jwks_uri, &jws, &config.signing_algs, MAX_ANSWER_BYTES)
        .await
        .map_err(ResourceError::from_engine)?;
    let introspection = answer::signed_answer_claims(config, payload)?;
    answer::franceconnect(config, &introspection)
}
