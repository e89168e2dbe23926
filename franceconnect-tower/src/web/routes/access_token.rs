//! The signed-in request's live access token, for the adapters'
//! `AccessToken` extractors: the one in the session while it lives, else
//! renewed with ProConnect's refresh token (stored back in the session),
//! else a clear refusal; a refresh the platform refuses signs the person
//! out.

use super::AuthRoutes;
use crate::error::{AccessTokenError, Error};
use crate::identity::{SignedInUser, StoredUser};
use crate::protocol::values::IssuedAccessToken;
use crate::web::access::guard::{Guard, Rejection, live_access_token};
use crate::web::pages::responses::session_unavailable_response;
use crate::web::sessions::{SessionBackend, SessionError, USER_KEY};

/// What [`AuthRoutes::access_token`] gives: the live token, and the user
/// renewed with it when it had to be (already stored in the session,
/// unless the session held a later renewal; put it in the request in place
/// of the one the middleware left).
#[derive(Debug)]
#[non_exhaustive]
pub struct LiveAccessToken {
    /// The access token, with at least
    /// [`ACCESS_TOKEN_MARGIN`](crate::web::adapter::ACCESS_TOKEN_MARGIN)
    /// to live (unless the platform gave a shorter one).
    pub token: IssuedAccessToken,
    /// The signed-in user with the renewed tokens, when this request
    /// renewed them.
    pub renewed_user: Option<Box<SignedInUser>>,
}

impl AuthRoutes {
    /// The access token of the user `guard` sees, for an adapter's
    /// `AccessToken` extractor: without a user, the way to the login (as
    /// the `User` extractor); while the token lives longer than
    /// [`ACCESS_TOKEN_MARGIN`](crate::web::adapter::ACCESS_TOKEN_MARGIN),
    /// that token; once it has (nearly) expired, on ProConnect with
    /// [`ConfigBuilder::refresh_tokens`](crate::ConfigBuilder::refresh_tokens),
    /// a new one ([`FranceConnect::refresh`](crate::FranceConnect::refresh)),
    /// the renewed user written to `session` at once — after reading the
    /// session again ([`SessionBackend::reload`]): only when it still holds
    /// the same person, and never over a later renewal. When it no longer
    /// does (a logout, another person's login in another tab during the
    /// renewal), nothing is written and the request is answered as not
    /// signed in.
    ///
    /// When ProConnect rotated the refresh token but the new ID token fails
    /// its checks (its keys unreachable…), the renewal is refused for this
    /// request and the new refresh token is stored all the same, with the
    /// old access token: the spent one, presented again, would end the
    /// grant.
    ///
    /// The refusals: an expired token with no way to renew it (FranceConnect
    /// and FranceConnect+'s 60-second tokens, the option off), or none,
    /// `401` (`access_token_expired`, `access_token_missing`: a page
    /// offering a new login, or JSON with `login_url`); a refresh the
    /// platform refuses (`invalid_grant`: the grant ended), or whose new ID
    /// token names someone else, signs the person out, and answers as to
    /// anyone not signed in (a 303 to the login, a `401` JSON); an outage
    /// of the provider, its error page (`503`…), the session kept; a session
    /// store that fails, `503`.
    pub async fn access_token<S: SessionBackend>(
        &self,
        session: &S,
        guard: Guard<'_>,
    ) -> Result<LiveAccessToken, Rejection> {
        let user = guard.require_user()?;
        let error = match live_access_token(user) {
            Ok(token) => {
                return Ok(LiveAccessToken {
                    token: token.clone(),
                    renewed_user: None,
                });
            }
            Err(e) => e,
        };
        let renewable = user.refresh_token.is_some()
            && self
                .engine(user.platform)
                .is_some_and(|fc| fc.config().refresh_tokens());
        if !renewable {
            return Err(guard.access_token_refusal(user, error));
        }
        let fc = self.engine(user.platform).expect("renewable: served");
        let format = guard.format();
        let unavailable = |e: SessionError| {
            tracing::error!(error = %e, "session store failure while keeping a renewed access token");
            Rejection::new(session_unavailable_response(format))
        };
        let refreshed = fc.refresh_keeping(user).await;
        match refreshed.result {
            Ok(renewed) => {
                let token = renewed.access_token.clone().expect("a refresh gives an access token");
                match write_back(fc, session, user, &renewed).await.map_err(unavailable)? {
                    WriteBack::SessionChanged => {
                        Err(guard.access_token_refusal(user, AccessTokenError::RefreshRefused))
                    }
                    WriteBack::Stored | WriteBack::NewerKept => Ok(LiveAccessToken {
                        token,
                        renewed_user: Some(Box::new(renewed)),
                    }),
                }
            }
            Err(e) if e.ends_session() || matches!(e, Error::Claims(_)) => {
                if e.ends_session() {
                    tracing::info!(
                        platform = user.platform.display_name(),
                        "the platform ended the session (refresh refused): signed out"
                    );
                } else {
                    tracing::warn!(error = %e, "the refreshed ID token does not fit the session: signed out");
                }
                // Only the session this request saw: not a newer login.
                let current = still_holds(session, user).await.map_err(unavailable)?;
                let ours = match &current {
                    Some(current) => fc.may_replace(current, user).await,
                    None => false,
                };
                if ours && let Err(e) = session.discard().await {
                    tracing::error!(error = %e, "session store failure while signing out an ended session");
                    return Err(Rejection::new(session_unavailable_response(format)));
                }
                Err(guard.access_token_refusal(user, AccessTokenError::RefreshRefused))
            }
            Err(e) => {
                // ProConnect rotated the refresh token before the new ID
                // token failed its checks: the new one is kept, the spent
                // one would end the grant.
                if let Some(keep) = &refreshed.keep
                    && write_back(fc, session, user, keep).await.map_err(unavailable)? == WriteBack::SessionChanged
                {
                    return Err(guard.access_token_refusal(user, AccessTokenError::RefreshRefused));
                }
                match e {
                    Error::AccessToken(e) => Err(guard.access_token_refusal(user, e)),
                    e => {
                        tracing::warn!(code = crate::web::error_code(&e), error = %e, "the access token could not be renewed");
                        let ctx = guard.auth_context().expect("a user implies the context");
                        Err(Rejection::new(ctx.error_response(&e, user.platform, format, None)))
                    }
                }
            }
        }
    }
}

/// What became of a renewed user.
#[derive(Debug, PartialEq, Eq)]
enum WriteBack {
    /// Stored in the session.
    Stored,
    /// Not stored: the session holds a later renewal of the same person's
    /// tokens (or a new login of theirs), which stays.
    NewerKept,
    /// Not stored: the session no longer holds this person (a logout, or
    /// another person's login, in another tab meanwhile).
    SessionChanged,
}

/// The session's user now, read again from the store, when it is still
/// `started`'s person on the same platform.
async fn still_holds<S: SessionBackend>(
    session: &S,
    started: &SignedInUser,
) -> Result<Option<SignedInUser>, SessionError> {
    session.reload().await?;
    let current: Option<SignedInUser> = session.get(USER_KEY).await?;
    Ok(current.filter(|c| c.platform == started.platform && c.sub == started.sub))
}

/// Writes `renewed`, the result of a refresh this request started from
/// `started` (the user it loaded), to `session` — seconds may have passed:
/// only when the session still holds the same person, and never over a
/// newer refresh token than the one the refresh started from.
async fn write_back<S: SessionBackend>(
    fc: &crate::FranceConnect,
    session: &S,
    started: &SignedInUser,
    renewed: &SignedInUser,
) -> Result<WriteBack, SessionError> {
    let Some(current) = still_holds(session, started).await? else {
        tracing::info!(
            "the session changed during the renewal (a logout, another login): the renewed tokens are dropped"
        );
        return Ok(WriteBack::SessionChanged);
    };
    if !fc.may_replace(&current, started).await {
        tracing::debug!("the session holds a later renewal: kept");
        return Ok(WriteBack::NewerKept);
    }
    session.insert(USER_KEY, &StoredUser(renewed)).await?;
    session.save().await?;
    Ok(WriteBack::Stored)
}

#[cfg(test)]
#[path = "access_token_tests.rs"]
mod tests;
