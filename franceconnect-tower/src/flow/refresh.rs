//! Renewing ProConnect's access token with its refresh token
//! ([`FranceConnect::refresh`]), for a service that keeps them
//! ([`ConfigBuilder::refresh_tokens`](crate::ConfigBuilder::refresh_tokens)).
//!
//! The refresh token lives in the session sealed (AES-256-GCM under a key
//! of its own derived from the login cookie secret, bound to the issuer,
//! the client and the person's `sub`): a copy of the session store gives
//! nothing usable.
//!
//! ProConnect (`oidc-provider`) may rotate it when it is used: for a
//! confidential client, once 70 % of its lifetime has passed, the answer
//! carries a new refresh token and the one presented is consumed; a
//! consumed token presented again revokes the whole grant
//! (`lib/actions/grants/refresh_token.js`), which signs the person out. So
//! a spent token must never reach ProConnect again, and the engine sees
//! to it within one process ([`RefreshFlights`]):
//!
//! - concurrent requests of one session share one refresh;
//! - its result stays shared, for the requests that still bring the spent
//!   token (they loaded the session before the renewed one was saved, or
//!   saved their older copy over it), until the renewed access token nears
//!   its end;
//! - the new refresh token is never lost: each spent token's successor is
//!   remembered for the session's lifetime, and a request that brings a
//!   spent token refreshes with its successor; the routes store the new
//!   token even when the new ID token fails its checks (a JWKS that does
//!   not answer, a new key), which refuses that one renewal only.
//!
//! Instances that share a session store do not share these: one that
//! reads a session another instance has just renewed, before the renewal
//! is saved, may still present the spent token.

use std::sync::Arc;
use std::time::{Duration, Instant};

use moka::Expiry;
use moka::future::Cache;
use sha2::{Digest, Sha256};
use tracing::Instrument as _;

use crate::client::FranceConnect;
use crate::config::Platform;
use crate::error::{AccessTokenError, ConfigError, Error, TokenExchangeError};
use crate::flow::claims::check_refreshed_id_token;
use crate::identity::SignedInUser;
use crate::metrics::error_label;
use crate::protocol::eidas::Amr;
use crate::protocol::values::{IdTokenHint, IssuedAccessToken, RefreshToken, SealedRefreshToken};
use crate::provider::ProviderMetadata;
use crate::web::adapter::ACCESS_TOKEN_MARGIN;

/// HKDF's `info` for the key that seals refresh tokens: not the pending-
/// login cookies' key, though from the same secret.
pub(crate) const REFRESH_TOKEN_KEY_INFO: &[u8] = b"franceconnect-rs refresh token v1";

/// The shortest time a refresh's result is shared once done: otherwise
/// until its access token has [`ACCESS_TOKEN_MARGIN`] left (the requests
/// that bring the spent token get it without asking ProConnect).
const FLIGHT_MIN_TTL: Duration = Duration::from_secs(1);
/// At most this many refresh results remembered (per engine): each holds
/// the new tokens, a few kilobytes.
const FLIGHTS_CAPACITY: u64 = 10_000;
/// At most this many spent refresh tokens' successors remembered (per
/// engine), each for the session lifetime: a sealed token, a few hundred
/// bytes.
const SUCCESSORS_CAPACITY: u64 = 50_000;
/// At most this many successors followed from the token a session brings.
const MAX_SUCCESSOR_HOPS: usize = 16;

/// A refresh token's cache key: its SHA-256 (never the token itself).
type TokenKey = [u8; 32];

/// What the engine remembers of its refreshes (see the module's notes).
pub(crate) struct RefreshFlights {
    /// The refreshes under way, or done while their access token lives, by
    /// the key of the refresh token they spent.
    flights: Cache<TokenKey, Arc<Redemption>>,
    /// The refresh token that replaced a spent one (sealed for the same
    /// person), by the spent one's key, for the session lifetime.
    successors: Cache<TokenKey, SealedRefreshToken>,
}

impl RefreshFlights {
    /// The caches of an engine whose sessions last `session_lifetime` at
    /// most.
    pub(crate) fn new(session_lifetime: Duration) -> Self {
        Self {
            flights: Cache::builder()
                .max_capacity(FLIGHTS_CAPACITY)
                .expire_after(WhileTheRenewedTokenLives)
                .build(),
            successors: Cache::builder()
                .max_capacity(SUCCESSORS_CAPACITY)
                .time_to_live(session_lifetime)
                .build(),
        }
    }

    /// Forgets the refreshes' shared results (not the successors), as if
    /// their time were up: for the tests.
    #[cfg(any(test, feature = "__private"))]
    pub(crate) fn forget_results(&self) {
        self.flights.invalidate_all();
    }
}

/// A refresh token's redemption, shared by every request that brings it.
struct Redemption {
    /// The refresh token to keep from now on, sealed for the person: the
    /// new one, or the one presented when ProConnect sent none (it stays
    /// valid).
    refresh_token: SealedRefreshToken,
    /// The new tokens, once the new ID token passed its checks; or why it
    /// did not (the result is then not shared: the next request that
    /// brings the spent token refreshes with its successor).
    renewed: Result<Renewed, Error>,
}

/// What a refresh changes in the session besides the refresh token.
struct Renewed {
    access_token: IssuedAccessToken,
    id_token_hint: IdTokenHint,
    auth_time: Option<i64>,
    amr: Option<Vec<Amr>>,
    scope: String,
}

impl Renewed {
    /// `user` with these tokens and `refresh_token`.
    fn apply(&self, user: &SignedInUser, refresh_token: &SealedRefreshToken) -> SignedInUser {
        let mut renewed = user.clone();
        renewed.access_token = Some(self.access_token.clone());
        renewed.refresh_token = Some(refresh_token.clone());
        renewed.id_token_hint = self.id_token_hint.clone();
        renewed.auth_time = self.auth_time.or(user.auth_time);
        if self.amr.is_some() {
            renewed.amr = self.amr.clone();
        }
        if !self.scope.is_empty() {
            renewed.scope = self.scope.clone();
        }
        renewed
    }
}

/// A shared result lives while its access token has more than
/// [`ACCESS_TOKEN_MARGIN`] left ([`FLIGHT_MIN_TTL`] at least); a failed
/// one not at all.
struct WhileTheRenewedTokenLives;

impl Expiry<TokenKey, Arc<Redemption>> for WhileTheRenewedTokenLives {
    fn expire_after_create(&self, _key: &TokenKey, value: &Arc<Redemption>, _now: Instant) -> Option<Duration> {
        Some(flight_ttl(value))
    }
}

/// How long `redemption` is shared.
fn flight_ttl(redemption: &Redemption) -> Duration {
    match &redemption.renewed {
        Ok(renewed) => {
            let left = renewed
                .access_token
                .expires_at
                .saturating_sub(crate::clock::now())
                .max(0) as u64;
            Duration::from_secs(left)
                .saturating_sub(ACCESS_TOKEN_MARGIN)
                .max(FLIGHT_MIN_TTL)
        }
        Err(_) => Duration::ZERO,
    }
}

/// The refresh token a refresh spends: the one a session holds, or its
/// latest known successor.
struct Spend {
    token: RefreshToken,
    sealed: SealedRefreshToken,
    key: TokenKey,
}

fn key_of(token: &RefreshToken) -> TokenKey {
    Sha256::digest(token.secret().as_bytes()).into()
}

/// What [`FranceConnect::refresh_keeping`] gives the routes.
pub(crate) struct Refreshed {
    /// The renewed user, or why not.
    pub(crate) result: Result<SignedInUser, Error>,
    /// On a failure after ProConnect had answered (the new ID token's
    /// checks): the user to store all the same, with the new refresh
    /// token and the old access token, when it changed.
    pub(crate) keep: Option<SignedInUser>,
}

impl Refreshed {
    fn failed(e: impl Into<Error>) -> Self {
        Self {
            result: Err(e.into()),
            keep: None,
        }
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

    /// `sealed`, if it opens: sealed by this service (under its current or
    /// previous login cookie secret), for `sub`.
    fn open_sealed(&self, sealed: &SealedRefreshToken, sub: &str) -> Option<RefreshToken> {
        let plain = self
            .inner
            .refresh_sealer
            .open(&sealed.0, self.refresh_binding(sub).as_bytes())?;
        String::from_utf8(plain).ok().map(RefreshToken::new)
    }

    /// The refresh token `user`'s session keeps, if it opens: sealed by
    /// this service (under its current or previous login cookie secret),
    /// for this person.
    pub(crate) fn open_refresh_token(&self, user: &SignedInUser) -> Option<RefreshToken> {
        self.open_sealed(user.refresh_token.as_ref()?, &user.sub)
    }

    /// The refresh token to use for `user`: the session's, or when an
    /// earlier refresh spent it, its latest known successor — for a
    /// refresh, only once that refresh's result is no longer shared
    /// (`for_refresh`). `None` when the session keeps none that opens.
    async fn token_to_spend(&self, user: &SignedInUser, for_refresh: bool) -> Option<Spend> {
        let refreshes = &self.inner.refreshes;
        let sealed = user.refresh_token.clone()?;
        let token = self.open_sealed(&sealed, &user.sub)?;
        let mut spend = Spend {
            key: key_of(&token),
            token,
            sealed,
        };
        for _ in 0..MAX_SUCCESSOR_HOPS {
            if for_refresh && refreshes.flights.contains_key(&spend.key) {
                break; // its result is still shared
            }
            let Some(next) = refreshes.successors.get(&spend.key).await else {
                break;
            };
            let Some(token) = self.open_sealed(&next, &user.sub) else {
                break;
            };
            spend = Spend {
                key: key_of(&token),
                token,
                sealed: next,
            };
        }
        Some(spend)
    }

    /// The refresh token to revoke for `user`: the session's, or its
    /// latest known successor when it was spent.
    pub(crate) async fn live_refresh_token(&self, user: &SignedInUser) -> Option<RefreshToken> {
        self.token_to_spend(user, false).await.map(|spend| spend.token)
    }

    /// Whether the session's user now, `current`, may be replaced by what a
    /// refresh that started from `started` gave: the session still holds
    /// the refresh token the refresh started from, or one already spent (an
    /// older copy, saved over it by another request); never a newer one
    /// (another request stored a later renewal, or a new login, meanwhile).
    /// The caller checks that `current` is the same person.
    pub(crate) async fn may_replace(&self, current: &SignedInUser, started: &SignedInUser) -> bool {
        if current.refresh_token.is_none() || current.refresh_token == started.refresh_token {
            return true;
        }
        match self.open_refresh_token(current) {
            Some(token) => self.inner.refreshes.successors.contains_key(&key_of(&token)),
            None => true,
        }
    }

    /// Renews `user`'s access token with the refresh token their session
    /// keeps (ProConnect, with
    /// [`ConfigBuilder::refresh_tokens`](crate::ConfigBuilder::refresh_tokens)),
    /// and returns the user to store in the session instead: the new access
    /// token, the refresh token to use from now on (the new one when
    /// ProConnect rotated it), the new ID token for the logout. The
    /// identity and the sign-in time stay the same; the new ID token is
    /// checked as a login's, its `sub` and `acr` must be the session's (see
    /// below).
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
    /// - the provider's outages, as at a login, and a new ID token that
    ///   cannot be verified (its keys unreachable…): keep the session and
    ///   call again later. ProConnect may have rotated the refresh token
    ///   all the same: the engine remembers the new one, and a later call
    ///   with the session's (now spent) token uses it.
    ///
    /// The adapters' `AccessToken` extractors call it when the access
    /// token has (nearly) expired, store the result and sign the person
    /// out when the session is over. Concurrent calls with the same
    /// refresh token (parallel requests of one session) share one request
    /// to ProConnect, and calls with a token already spent get the same
    /// result, or a refresh with the token that replaced it: never the
    /// spent one, which would end the grant.
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
        self.refresh_keeping(user).await.result
    }

    /// [`refresh`](Self::refresh), with, when the new ID token fails its
    /// checks after ProConnect had rotated the refresh token, the user to
    /// store all the same (the new refresh token, the old access token).
    pub(crate) async fn refresh_keeping(&self, user: &SignedInUser) -> Refreshed {
        let config = &self.inner.config;
        if user.platform != config.platform {
            return Refreshed::failed(ConfigError::new(format!(
                "this user signed in with {}, not with this engine's {}",
                user.platform.display_name(),
                config.platform.display_name()
            )));
        }
        if !config.refresh_tokens || config.platform != Platform::ProConnect {
            return Refreshed::failed(AccessTokenError::Expired);
        }
        let Some(spend) = self.token_to_spend(user, true).await else {
            if user.refresh_token.is_some() {
                tracing::warn!(
                    "a session's refresh token does not open: the login cookie secret changed (FC_LOGIN_COOKIE_SECRET), \
                     or none is configured and the service restarted; the person will sign in again when needed"
                );
            }
            return Refreshed::failed(AccessTokenError::Expired);
        };
        let span = tracing::info_span!(
            "franceconnect.refresh",
            platform = config.platform.setting(),
            error = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let shared = self
            .inner
            .refreshes
            .flights
            .try_get_with(spend.key, self.redeem(user, &spend))
            .instrument(span.clone())
            .await
            .map_err(|e: Arc<Error>| (*e).clone());
        let refreshed = match shared {
            Err(e) => Refreshed::failed(e),
            Ok(redemption) => match &redemption.renewed {
                Ok(renewed) => Refreshed {
                    result: Ok(renewed.apply(user, &redemption.refresh_token)),
                    keep: None,
                },
                Err(e) => Refreshed {
                    result: Err(e.clone()),
                    keep: (user.refresh_token.as_ref() != Some(&redemption.refresh_token)).then(|| {
                        let mut keep = user.clone();
                        keep.refresh_token = Some(redemption.refresh_token.clone());
                        keep
                    }),
                },
            },
        };
        span.record("duration_ms", started.elapsed().as_secs_f64() * 1e3);
        if let Err(e) = &refreshed.result {
            span.record("error", error_label(e));
        }
        refreshed
    }

    /// The refresh itself, shared: the token request, the successor of the
    /// spent token remembered at once, then the new ID token's checks.
    async fn redeem(&self, user: &SignedInUser, spend: &Spend) -> Result<Arc<Redemption>, Error> {
        let metadata = self.discover().await?;
        let tokens = match self.redeem_refresh_token(&metadata, &spend.token).await {
            Ok(tokens) => tokens,
            Err(Error::TokenExchange(TokenExchangeError::Refused { code, .. })) if code == "invalid_grant" => {
                tracing::info!("ProConnect refused the refresh token (invalid_grant): the session is over");
                return Err(AccessTokenError::RefreshRefused.into());
            }
            Err(e) => return Err(e),
        };
        // Rotated: the new one replaces the spent one, whatever the new ID
        // token's checks say below (the spent one, presented again, would
        // end the grant). A provider that keeps the same token sends none,
        // or the same.
        let refresh_token = match &tokens.refresh_token {
            Some(new) if new.secret() != spend.token.secret() => {
                let sealed = self.seal_refresh_token(new, &user.sub);
                self.inner.refreshes.successors.insert(spend.key, sealed.clone()).await;
                sealed
            }
            _ => spend.sealed.clone(),
        };
        let renewed = self.check_refreshed(&metadata, user, tokens).await;
        match &renewed {
            Ok(_) => tracing::debug!("access token renewed"),
            Err(e) => tracing::warn!(
                error = %e,
                "the refreshed ID token failed its checks: this renewal is refused, the new refresh token kept"
            ),
        }
        Ok(Arc::new(Redemption { refresh_token, renewed }))
    }

    /// The new ID token's checks, as a login's, for `user`'s session.
    async fn check_refreshed(
        &self,
        metadata: &ProviderMetadata,
        user: &SignedInUser,
        tokens: super::exchange::Tokens,
    ) -> Result<Renewed, Error> {
        let (jws, claims) = self.open_token(metadata, tokens.id_token.secret()).await?;
        let facts = check_refreshed_id_token(&self.inner.config, &metadata.issuer, &claims, &user.sub, user.acr)?;
        Ok(Renewed {
            access_token: tokens.access_token,
            id_token_hint: IdTokenHint::new(jws),
            auth_time: facts.auth_time,
            amr: facts.amr,
            scope: tokens.scope,
        })
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

    /// A refresh's result is shared while its access token lives (less the
    /// margin): the requests that bring the spent refresh token later (a
    /// copy of the session saved over the renewed one) get it without
    /// presenting that token again. A failed one is not shared.
    #[test]
    fn a_refresh_result_is_shared_while_its_access_token_lives() {
        let redemption = |lifetime: i64, ok: bool| Redemption {
            refresh_token: SealedRefreshToken("sealed".into()),
            renewed: if ok {
                Ok(Renewed {
                    access_token: IssuedAccessToken::for_testing("at", crate::clock::now() + lifetime),
                    id_token_hint: IdTokenHint::new("id-token"),
                    auth_time: None,
                    amr: None,
                    scope: String::new(),
                })
            } else {
                Err(AccessTokenError::Expired.into())
            },
        };
        let hour = flight_ttl(&redemption(3600, true));
        assert!(
            hour > Duration::from_secs(3500) && hour <= Duration::from_secs(3600) - ACCESS_TOKEN_MARGIN,
            "{hour:?}"
        );
        assert_eq!(flight_ttl(&redemption(5, true)), FLIGHT_MIN_TTL);
        assert_eq!(flight_ttl(&redemption(3600, false)), Duration::ZERO);
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
