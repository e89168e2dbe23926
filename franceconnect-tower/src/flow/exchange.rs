//! The two back-channel calls of a login: the code exchange at `/token`
//! (`client_secret_post` or `private_key_jwt`, never HTTP Basic; with
//! PKCE's `code_verifier` on ProConnect) and the userinfo request, whose
//! answer is a JWT, or plain JSON only for a service registered without a
//! userinfo signature. ProConnect's `refresh_token` grant goes through the
//! same token request.

use serde::Deserialize;

use super::client_assertion::{JWT_BEARER, client_assertion};
use super::step_span::in_span;
use crate::client::FranceConnect;
use crate::config::TokenEndpointAuth;
use crate::error::{Error, NetworkError, NetworkErrorKind, TokenExchangeError, sanitize};
use crate::protocol::values::{AccessToken, CodeVerifier, IdTokenHint, IssuedAccessToken, RefreshToken};
use crate::provider::ProviderMetadata;

/// When the token response says nothing of the access token's lifetime, it
/// is kept (for revocation) this long: ProConnect's, the longest the
/// platforms give.
const DEFAULT_ACCESS_TOKEN_LIFETIME_SECS: i64 = 3600;

/// What the token endpoint gave us.
pub(crate) struct Tokens {
    pub(crate) access_token: IssuedAccessToken,
    pub(crate) id_token: IdTokenHint,
    pub(crate) scope: String,
    /// ProConnect's refresh token, only when the service keeps them
    /// ([`Config::refresh_tokens`](crate::Config::refresh_tokens)):
    /// otherwise dropped here, never stored.
    pub(crate) refresh_token: Option<RefreshToken>,
}

/// A userinfo answer.
pub(crate) enum Userinfo {
    /// A JWT (JWS, or JWE when encrypted), still to open.
    Token(String),
    /// Plain JSON claims, for a service registered without a signature.
    Json(serde_json::Map<String, serde_json::Value>),
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    id_token: String,
    token_type: String,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
    #[serde(default)]
    refresh_token: Option<String>,
}

#[derive(Deserialize)]
struct OAuthError {
    error: String,
    error_description: Option<String>,
    error_uri: Option<String>,
}

impl FranceConnect {
    /// Exchanges the code at the token endpoint (with PKCE's
    /// `code_verifier` when the login sent a challenge), in the span
    /// `franceconnect.token` (fields `platform`, `status`, `error`,
    /// `duration_ms`).
    pub(crate) async fn exchange_code(
        &self,
        metadata: &ProviderMetadata,
        code: &str,
        code_verifier: Option<&CodeVerifier>,
    ) -> Result<Tokens, Error> {
        let span = tracing::info_span!(
            "franceconnect.token",
            platform = self.inner.config.platform.setting(),
            status = tracing::field::Empty,
            error = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let config = &self.inner.config;
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", config.redirect_uri.as_str()),
            ("client_id", config.client_id.as_str()),
        ];
        if let Some(verifier) = code_verifier {
            form.push(("code_verifier", verifier.secret()));
        }
        in_span(&span, self.token_request(metadata, form)).await
    }

    /// Redeems ProConnect's `refresh_token` grant: the same token request,
    /// authenticated the same way.
    pub(crate) async fn redeem_refresh_token(
        &self,
        metadata: &ProviderMetadata,
        refresh_token: &RefreshToken,
    ) -> Result<Tokens, Error> {
        let config = &self.inner.config;
        let form = vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.secret()),
            ("client_id", config.client_id.as_str()),
        ];
        self.token_request(metadata, form).await
    }

    /// Posts `form` to the token endpoint with the client's authentication,
    /// and reads the tokens of a success.
    async fn token_request(&self, metadata: &ProviderMetadata, mut form: Vec<(&str, &str)>) -> Result<Tokens, Error> {
        let config = &self.inner.config;
        let assertion;
        // One authentication method, never both (the platforms refuse it).
        match config.token_endpoint_auth {
            TokenEndpointAuth::PrivateKeyJwt => {
                assertion = client_assertion(config, &metadata.token_endpoint)?;
                form.push(("client_assertion_type", JWT_BEARER));
                form.push(("client_assertion", &assertion));
            }
            _ => form.push(("client_secret", config.client_secret.secret())),
        }
        let resp = self
            .inner
            .http
            .post_form("token", &metadata.token_endpoint, &form)
            .await?;
        tracing::Span::current().record("status", resp.status);
        if resp.status != 200 {
            if let Ok(e) = serde_json::from_slice::<OAuthError>(&resp.body) {
                return Err(TokenExchangeError::Refused {
                    status: resp.status,
                    code: sanitize(&e.error, 64),
                    platform_code: crate::protocol::platform_codes::find_code(
                        e.error_uri.as_deref().into_iter().chain(e.error_description.as_deref()),
                    ),
                }
                .into());
            }
            return Err(NetworkError::new("token", NetworkErrorKind::Status(resp.status)).into());
        }
        let tokens: TokenResponse = serde_json::from_slice(&resp.body).map_err(|_| {
            TokenExchangeError::Malformed("expected JSON with access_token, id_token and token_type".into())
        })?;
        if !tokens.token_type.eq_ignore_ascii_case("bearer") {
            return Err(TokenExchangeError::Malformed("token_type is not Bearer".into()).into());
        }
        if tokens.access_token.is_empty() || tokens.access_token.len() > config.max_token_bytes {
            return Err(TokenExchangeError::Malformed("unusable access_token".into()).into());
        }
        // Kept only when asked for: without the option, a refresh token the
        // platform sends anyway goes no further than this function.
        let refresh_token = match tokens.refresh_token {
            Some(token) if config.refresh_tokens => {
                if token.is_empty() || token.len() > config.max_token_bytes {
                    return Err(TokenExchangeError::Malformed("unusable refresh_token".into()).into());
                }
                Some(RefreshToken::new(token))
            }
            _ => None,
        };
        // Tolerant: a number or a numeric string, anything else the default.
        let lifetime = match &tokens.expires_in {
            Some(serde_json::Value::Number(n)) => n.as_i64(),
            Some(serde_json::Value::String(s)) => s.parse().ok(),
            _ => None,
        }
        .filter(|secs| *secs > 0)
        .unwrap_or(DEFAULT_ACCESS_TOKEN_LIFETIME_SECS)
        .min(DEFAULT_ACCESS_TOKEN_LIFETIME_SECS * 24);
        Ok(Tokens {
            access_token: IssuedAccessToken {
                token: AccessToken::new(tokens.access_token),
                expires_at: crate::clock::now() + lifetime,
            },
            id_token: IdTokenHint::new(tokens.id_token),
            scope: sanitize(&tokens.scope.unwrap_or_default(), 1024),
            refresh_token,
        })
    }

    /// Fetches userinfo: the raw token (a JWS, or a JWE when encrypted), or
    /// the claims of a plain JSON answer when the configuration accepts one;
    /// in the span `franceconnect.userinfo` (fields `platform`, `status`,
    /// `error`, `duration_ms`).
    pub(crate) async fn fetch_userinfo(
        &self,
        metadata: &ProviderMetadata,
        access_token: &AccessToken,
    ) -> Result<Userinfo, Error> {
        let span = tracing::info_span!(
            "franceconnect.userinfo",
            platform = self.inner.config.platform.setting(),
            status = tracing::field::Empty,
            error = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        in_span(&span, self.fetch_userinfo_inner(metadata, access_token)).await
    }

    async fn fetch_userinfo_inner(
        &self,
        metadata: &ProviderMetadata,
        access_token: &AccessToken,
    ) -> Result<Userinfo, Error> {
        let resp = self
            .inner
            .http
            .get("userinfo", &metadata.userinfo_endpoint, Some(access_token.secret()))
            .await?;
        tracing::Span::current().record("status", resp.status);
        if resp.status != 200 {
            return Err(NetworkError::new("userinfo", NetworkErrorKind::Status(resp.status)).into());
        }
        let unusable = || -> Error { NetworkError::new("userinfo", NetworkErrorKind::ContentType).into() };
        match resp.media_type().as_str() {
            "application/jwt" => String::from_utf8(resp.body)
                .map(|s| Userinfo::Token(s.trim().to_owned()))
                .map_err(|_| unusable()),
            // Only when registered so: otherwise a stripped signature would
            // pass for an answer.
            "application/json" if self.inner.config.unsigned_userinfo => {
                if resp.body.len() > self.inner.config.max_token_bytes {
                    return Err(unusable());
                }
                serde_json::from_slice(&resp.body)
                    .map(Userinfo::Json)
                    .map_err(|_| crate::error::ClaimsError::new("userinfo", "not a JSON object").into())
            }
            _ => Err(unusable()),
        }
    }
}
