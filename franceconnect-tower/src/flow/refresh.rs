//! Renewing ProConnect's access token with its refresh token
//! ([`FranceConnect::refresh`]), for a service that keeps them
//! ([`ConfigBuilder::refresh_tokens`](crate::ConfigBuilder::refresh_tokens)).
//!
//! The refresh token lives in the session sealed (AES-256-GCM under a key
//! of its own derived from the login cookie secret, bound to the issuer,
//! the client and the person's `sub`): a copy of the session store gives
//! nothing usable. ProConnect rotates it at each use (`oidc-provider`):
//! the new one replaces it in the session, and concurrent requests of one
//! session share one refresh ([`RefreshFlights`]) rather than spending the
//! same token twice, which ProConnect would refuse.

use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;
use sha2::{Digest, Sha256};

use crate::client::FranceConnect;
use crate::config::Platform;
use crate::error::{AccessTokenError, ConfigError, Error, TokenExchangeError};
use crate::flow::claims::check_refreshed_id_token;
use crate::flow::step_span::in_span;
use crate::identity::SignedInUser;
use crate::protocol::values::{IdTokenHint, RefreshToken, SealedRefreshToken};

/// HKDF's `info` for the key that seals refresh tokens: not the pending-
/// login cookies' key, though from the same secret.
pub(crate) const REFRESH_TOKEN_KEY_INFO: &[u8] = b"franceconnect-rs refresh token v1";

/// How long a refresh's result is shared with the requests that bring the
/// same (now spent) refresh token: those that started before the renewed
/// session was saved.
const FLIGHT_TTL: Duration = Duration::from_secs(30);
/// At most this many refreshes remembered (per engine).
const FLIGHTS_CAPACITY: u64 = 10_000;

/// The refreshes under way, or done within [`FLIGHT_TTL`], by the SHA-256
/// of the refresh token they spent.
pub(crate) struct RefreshFlights(Cache<[u8; 32], Arc<SignedInUser>>);

impl RefreshFlights {
    pub(crate) fn new() -> Self {
        Self(
            Cache::builder()
                .max_capacity(FLIGHTS_CAPACITY)
                .time_to_live(FLIGHT_TTL)
                .build(),
        )
    }
}

impl FranceConnect {
    /// What a sealed refresh token is bound to: this issuer, this client,
    /// this person.
    fn refresh_binding(&self, sub: &str) -> String {
        let config = &self.inner.config;
        format!("{} {} {sub}", config.issuer, config.client_id.as_str())
    }

    /// `token`, sealed for the session of `sub`.
    pub(crate) fn seal_refresh_token(&self, token: &RefreshToken, sub: &str) -> SealedRefreshToken {
        SealedRefreshToken(
            self.inner
                .refresh_sealer
                .seal(token.secret().as_bytes(), self.refresh_binding(sub).as_bytes()),
        )
    }

    /// The refresh token `user`'s session keeps, if it opens: sealed by
    /// this service (under its current or previous login cookie secret),
    /// for this person.
    pub(crate) fn open_refresh_token(&self, user: &SignedInUser) -> Option<RefreshToken> {
        let sealed = user.refresh_token.as_ref()?;
        let plain = self
            .inner
            .refresh_sealer
            .open(&sealed.0, self.refresh_binding(&user.sub).as_bytes())?;
        String::from_utf8(plain).ok().map(RefreshToken::new)
    }

    /// Renews `user`'s access token with the refresh token their session
    /// keeps (ProConnect, with
    /// [`ConfigBuilder::refresh_tokens`](crate::ConfigBuilder::refresh_tokens)),
    /// and returns the user to store in the session instead: the new access
    /// token, the new (rotated) refresh token, the new ID token for the
    /// logout. The identity and the sign-in time stay the same; the new ID
    /// token is checked as a login's, its `sub` and `acr` must be the
    /// session's (see below).
    ///
    /// Errors:
    /// - [`AccessTokenError::Expired`]: nothing to refresh with (another
    ///   platform, the option off, no refresh token in this session, or one
    ///   sealed under a login cookie secret this service no longer has);
    /// - [`AccessTokenError::RefreshRefused`]: ProConnect refused the
    ///   refresh token (`invalid_grant`: used, revoked, expired, or the
    ///   person signed out of ProConnect): the session is over
    ///   ([`Error::ends_session`]), sign the person out;
    /// - a claims error when the new ID token names another person or
    ///   another `acr`, which ends the session too in the routes;
    /// - the provider's outages, as at a login.
    ///
    /// The adapters' `AccessToken` extractors call it when the access
    /// token has (nearly) expired, store the result and sign the person
    /// out when the session is over. Concurrent calls with the same
    /// refresh token (parallel requests of one session) share one request
    /// to ProConnect.
    ///
    /// Runs in the span `franceconnect.refresh` (fields `platform`,
    /// `error`, `duration_ms`), which holds the token request's.
    ///
    /// ```no_run
    /// use franceconnect_tower::{Error, FranceConnect, SignedInUser};
    ///
    /// # async fn renew(fc: &FranceConnect, user: SignedInUser) -> Result<(), Error> {
    /// let user = match user.access_token() {
    ///     Some(token) if !token.is_expired() => user,
    ///     _ => match fc.refresh(&user).await {
    ///         Ok(renewed) => renewed, // store it in the session
    ///         Err(e) if e.ends_session() => return Err(e), // sign the person out
    ///         Err(e) => return Err(e),
    ///     },
    /// };
    /// # let _ = user; Ok(()) }
    /// ```
    pub async fn refresh(&self, user: &SignedInUser) -> Result<SignedInUser, Error> {
        let config = &self.inner.config;
        if user.platform != config.platform {
            return Err(ConfigError::new(format!(
                "this user signed in with {}, not with this engine's {}",
                user.platform.display_name(),
                config.platform.display_name()
            ))
            .into());
        }
        if !config.refresh_tokens || config.platform != Platform::ProConnect {
            return Err(AccessTokenError::Expired.into());
        }
        let Some(token) = self.open_refresh_token(user) else {
            if user.refresh_token.is_some() {
                tracing::warn!(
                    "a session's refresh token does not open: the login cookie secret changed (FC_LOGIN_COOKIE_SECRET), \
                     or none is configured and the service restarted; the person will sign in again when needed"
                );
            }
            return Err(AccessTokenError::Expired.into());
        };
        let key: [u8; 32] = Sha256::digest(token.secret().as_bytes()).into();
        let span = tracing::info_span!(
            "franceconnect.refresh",
            platform = config.platform.setting(),
            error = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let renewed = self
            .inner
            .refreshes
            .0
            .try_get_with(
                key,
                in_span(&span, async { self.refresh_with(user, &token).await.map(Arc::new) }),
            )
            .await
            .map_err(|e: Arc<Error>| (*e).clone())?;
        Ok((*renewed).clone())
    }

    /// The refresh itself: the token request, the new ID token's checks.
    async fn refresh_with(&self, user: &SignedInUser, token: &RefreshToken) -> Result<SignedInUser, Error> {
        let metadata = self.discover().await?;
        let tokens = match self.redeem_refresh_token(&metadata, token).await {
            Ok(tokens) => tokens,
            Err(Error::TokenExchange(TokenExchangeError::Refused { code, .. })) if code == "invalid_grant" => {
                tracing::info!("ProConnect refused the refresh token (invalid_grant): the session is over");
                return Err(AccessTokenError::RefreshRefused.into());
            }
            Err(e) => return Err(e),
        };
        let (jws, claims) = self.open_token(&metadata, tokens.id_token.secret()).await?;
        let facts = check_refreshed_id_token(&self.inner.config, &metadata.issuer, &claims, &user.sub, user.acr)?;
        let mut renewed = user.clone();
        renewed.access_token = Some(tokens.access_token);
        // Rotated: the new one replaces the spent one; a provider that
        // keeps the same token sends none, and the old one stays.
        if let Some(new) = tokens.refresh_token {
            renewed.refresh_token = Some(self.seal_refresh_token(&new, &user.sub));
        }
        renewed.id_token_hint = IdTokenHint::new(jws);
        renewed.auth_time = facts.auth_time.or(user.auth_time);
        if facts.amr.is_some() {
            renewed.amr = facts.amr;
        }
        if !tokens.scope.is_empty() {
            renewed.scope = tokens.scope;
        }
        tracing::debug!("access token renewed");
        Ok(renewed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test_builder;

    fn engine(platform: Platform, secret: &str, refresh: bool) -> FranceConnect {
        let mut b = test_builder(platform, "http://127.0.0.1:9/api/v2", "http://localhost:3000")
            .login_cookie_secret(secret)
            .refresh_tokens(refresh);
        if platform == Platform::ProConnect {
            b = b.scopes(crate::config::Scopes::parse("email").unwrap());
        }
        FranceConnect::new(b.build().unwrap())
    }

    const SECRET: &str = "a login cookie secret of thirty-two characters at least";

    fn agent(fc: &FranceConnect, sub: &str) -> SignedInUser {
        let mut user = SignedInUser::for_tests(sub);
        user.platform = Platform::ProConnect;
        user.acr = crate::Acr::Eidas1;
        user.refresh_token = Some(fc.seal_refresh_token(&RefreshToken::new("the-refresh-token"), sub));
        user
    }

    /// The sealed refresh token opens for its own person under the
    /// service's secret only, and shows nowhere.
    #[test]
    fn a_sealed_refresh_token_opens_only_where_it_belongs() {
        let fc = engine(Platform::ProConnect, SECRET, true);
        let user = agent(&fc, "agent-sub");
        assert_eq!(fc.open_refresh_token(&user).unwrap().secret(), "the-refresh-token");
        let stored = crate::__private::stored_form(&user).to_string();
        assert!(!stored.contains("the-refresh-token"), "sealed in the session: {stored}");
        assert!(stored.contains("refresh_token"));
        assert!(
            !serde_json::to_string(&user).unwrap().contains("refresh_token"),
            "never in the public form"
        );
        assert!(!format!("{user:?}").contains("the-refresh-token"));
        // Moved to another person's session, or opened by another service.
        let mut moved = agent(&fc, "another-sub");
        moved.refresh_token = user.refresh_token.clone();
        assert!(fc.open_refresh_token(&moved).is_none());
        let elsewhere = engine(Platform::ProConnect, "another secret, thirty-two characters long", true);
        assert!(elsewhere.open_refresh_token(&user).is_none());
        // Read back from the session.
        let back: SignedInUser = serde_json::from_value(crate::__private::stored_form(&user)).unwrap();
        assert_eq!(fc.open_refresh_token(&back).unwrap().secret(), "the-refresh-token");
    }

    /// Nothing to refresh with: no request (the issuer listens nowhere).
    #[tokio::test]
    async fn without_a_refresh_token_the_access_token_just_expires() {
        let fc = engine(Platform::ProConnect, SECRET, true);
        let expired =
            |result: Result<SignedInUser, Error>| matches!(result, Err(Error::AccessToken(AccessTokenError::Expired)));
        let mut user = agent(&fc, "agent-sub");
        user.refresh_token = None;
        assert!(expired(fc.refresh(&user).await));
        let unopenable = engine(Platform::ProConnect, "another secret, thirty-two characters long", true);
        assert!(expired(unopenable.refresh(&agent(&fc, "agent-sub")).await));
        let off = engine(Platform::ProConnect, SECRET, false);
        assert!(expired(off.refresh(&agent(&fc, "agent-sub")).await));
        let citizen = SignedInUser::for_tests("citizen");
        let e = fc.refresh(&citizen).await.unwrap_err();
        assert!(matches!(e, Error::Config(_)), "another platform's user: {e}");
        // With a token, the refresh is attempted: the provider is down.
        let e = fc.refresh(&agent(&fc, "agent-sub")).await.unwrap_err();
        assert!(matches!(e, Error::Discovery(_) | Error::Network(_)), "{e}");
        assert!(!e.ends_session());
    }
}
