//! Revoking the tokens at logout (RFC 7009), where the provider announces
//! a `revocation_endpoint`. The access token's form holds exactly `token`,
//! `client_id` and `client_secret`: FranceConnect refuses any other field,
//! `token_type_hint` included, so none is sent. ProConnect's refresh token
//! (kept with [`ConfigBuilder::refresh_tokens`](crate::ConfigBuilder::refresh_tokens))
//! goes with `token_type_hint=refresh_token`, which ProConnect accepts
//! (it takes extra fields since 2025-10); revoking it ends the whole grant
//! there.

use std::time::Duration;

use crate::client::FranceConnect;
use crate::error::{Error, NetworkError, NetworkErrorKind, sanitize};
use crate::flow::step_span::in_span;
use crate::identity::SignedInUser;

/// The longest a logout waits for the revocation: it is best effort, and
/// the person is waiting to leave.
const REVOCATION_TIMEOUT: Duration = Duration::from_secs(3);

/// What [`FranceConnect::revoke_access_token`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Revocation {
    /// The provider accepted the revocation.
    Revoked,
    /// Nothing was sent: the access token has expired, the provider
    /// announces no revocation endpoint, or the session predates
    /// revocation and holds no token.
    NotNeeded,
}

impl FranceConnect {
    /// Revokes the user's access token at the provider's
    /// `revocation_endpoint`, if it is still valid. Waits at most 3 seconds
    /// (or the configured HTTP timeout, when shorter).
    ///
    /// The routes call it at logout and only log a failure: a provider that
    /// refuses or does not answer must not keep anyone signed in.
    ///
    /// Runs in the span `franceconnect.revocation` (fields `platform`,
    /// `outcome`: `revoked` or `not_needed`, `error`, `duration_ms`).
    pub async fn revoke_access_token(&self, user: &SignedInUser) -> Result<Revocation, Error> {
        let span = tracing::info_span!(
            "franceconnect.revocation",
            platform = self.inner.config.platform.setting(),
            outcome = tracing::field::Empty,
            error = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let result = in_span(&span, self.revoke_access_token_inner(user)).await;
        if let Ok(done) = &result {
            span.record(
                "outcome",
                match done {
                    Revocation::Revoked => "revoked",
                    Revocation::NotNeeded => "not_needed",
                },
            );
        }
        result
    }

    async fn revoke_access_token_inner(&self, user: &SignedInUser) -> Result<Revocation, Error> {
        let Some(issued) = user
            .access_token
            .as_ref()
            .filter(|t| t.expires_at > crate::clock::now())
        else {
            return Ok(Revocation::NotNeeded);
        };
        self.revoke(issued.token.secret(), None).await
    }

    /// Revokes the user's refresh token (ProConnect, with
    /// [`ConfigBuilder::refresh_tokens`](crate::ConfigBuilder::refresh_tokens))
    /// at the provider's `revocation_endpoint`, with
    /// `token_type_hint=refresh_token`: on ProConnect this ends the whole
    /// grant, the access tokens it gave included. When a refresh spent the
    /// session's token (a copy older than the renewal), the one that
    /// replaced it. `NotNeeded` when the session keeps none (or one this
    /// service can no longer open). Waits
    /// at most 3 seconds, as [`revoke_access_token`](Self::revoke_access_token).
    ///
    /// The routes call it at logout before revoking the access token (and
    /// for a sign-in refused by the hook, or replaced by another), and only
    /// log a failure.
    ///
    /// Runs in the span `franceconnect.revocation` (fields `platform`,
    /// `outcome`, `error`, `duration_ms`).
    pub async fn revoke_refresh_token(&self, user: &SignedInUser) -> Result<Revocation, Error> {
        let span = tracing::info_span!(
            "franceconnect.revocation",
            platform = self.inner.config.platform.setting(),
            outcome = tracing::field::Empty,
            error = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let result = in_span(&span, async {
            match self.live_refresh_token(user).await {
                Some(token) => self.revoke(token.secret(), Some("refresh_token")).await,
                None => Ok(Revocation::NotNeeded),
            }
        })
        .await;
        if let Ok(done) = &result {
            span.record(
                "outcome",
                match done {
                    Revocation::Revoked => "revoked",
                    Revocation::NotNeeded => "not_needed",
                },
            );
        }
        result
    }

    /// Revokes `token` (with its `hint`, where the platform takes one).
    async fn revoke(&self, token: &str, hint: Option<&str>) -> Result<Revocation, Error> {
        let metadata = self.discover().await?;
        let Some(endpoint) = &metadata.revocation_endpoint else {
            return Ok(Revocation::NotNeeded);
        };
        let config = &self.inner.config;
        // `client_secret_post` whatever the token request uses: both
        // platforms validate this form as exactly `token`, `client_id` and
        // a `client_secret` of 32 characters or more, before their OpenID
        // provider authenticates the client (France Connect's
        // `revocation-token-params.dto.ts`, with `forbidNonWhitelisted`;
        // ProConnect's copy of it). A client assertion would be refused
        // there, or stripped and the request refused for its missing
        // secret.
        let mut form = vec![
            ("token", token),
            ("client_id", config.client_id.as_str()),
            ("client_secret", config.client_secret.secret()),
        ];
        // ProConnect alone takes the hint (refresh tokens are its alone).
        if let Some(hint) = hint.filter(|_| config.platform == crate::config::Platform::ProConnect) {
            form.push(("token_type_hint", hint));
        }
        let timeout = REVOCATION_TIMEOUT.min(config.http_timeout);
        let resp = self
            .inner
            .http
            .post_form_within("revocation", endpoint, &form, timeout)
            .await?;
        if resp.status != 200 {
            let code = serde_json::from_slice::<serde_json::Value>(&resp.body)
                .ok()
                .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(|e| sanitize(e, 64)));
            tracing::warn!(
                status = resp.status,
                code = code.as_deref(),
                "the provider refused the revocation"
            );
            return Err(NetworkError::new("revocation", NetworkErrorKind::Status(resp.status)).into());
        }
        tracing::debug!(hint, "token revoked");
        Ok(Revocation::Revoked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Platform, test_builder};
    use crate::protocol::values::{AccessToken, IssuedAccessToken};

    fn user(access_token: Option<IssuedAccessToken>) -> SignedInUser {
        SignedInUser {
            access_token,
            ..SignedInUser::for_tests("s")
        }
    }

    /// An expired token, or none, costs no request: the issuer here
    /// listens nowhere, so any request would fail.
    #[tokio::test]
    async fn nothing_is_sent_without_a_valid_token() {
        let config = test_builder(
            Platform::FranceConnect,
            "http://127.0.0.1:9/api/v2",
            "http://localhost:3000",
        );
        let fc = FranceConnect::new(config.build().unwrap());
        let expired = IssuedAccessToken {
            token: AccessToken::new("t".repeat(43)),
            expires_at: crate::clock::now() - 1,
        };
        assert_eq!(fc.revoke_access_token(&user(None)).await, Ok(Revocation::NotNeeded));
        assert_eq!(
            fc.revoke_access_token(&user(Some(expired))).await,
            Ok(Revocation::NotNeeded)
        );
        let valid = IssuedAccessToken {
            token: AccessToken::new("t".repeat(43)),
            expires_at: crate::clock::now() + 60,
        };
        let e = fc.revoke_access_token(&user(Some(valid))).await.unwrap_err();
        assert!(
            matches!(e, Error::Network(ref n) if n.kind == NetworkErrorKind::Connect),
            "{e:?}"
        );
    }

    /// Sessions written before revocation existed still load, and the token
    /// is never written in the clear through `Debug`.
    #[test]
    fn old_sessions_load_and_the_token_stays_secret() {
        let mut json = serde_json::to_value(user(None)).unwrap();
        assert!(json.get("access_token").is_none());
        json.as_object_mut().unwrap().remove("access_token");
        let old: SignedInUser = serde_json::from_value(json).unwrap();
        assert!(old.access_token.is_none());
        let issued = IssuedAccessToken {
            token: AccessToken::new("secret-access-token"),
            expires_at: 0,
        };
        assert!(!format!("{:?}", user(Some(issued))).contains("secret-access-token"));
    }
}
