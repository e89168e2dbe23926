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
use crate::web::sessions::{SessionBackend, USER_KEY};

/// What [`AuthRoutes::access_token`] gives: the live token, and the user
/// renewed with it when it had to be (already stored in the session; put
/// it in the request in place of the one the middleware left).
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
    /// the renewed user written to `session` at once.
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
        match fc.refresh(user).await {
            Ok(renewed) => {
                let token = renewed.access_token.clone().expect("a refresh gives an access token");
                let stored = session.insert(USER_KEY, &StoredUser(&renewed)).await;
                if let Err(e) = stored.and(session.save().await) {
                    tracing::error!(error = %e, "session store failure while keeping a renewed access token");
                    return Err(Rejection::new(session_unavailable_response(format)));
                }
                Ok(LiveAccessToken {
                    token,
                    renewed_user: Some(Box::new(renewed)),
                })
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
                if let Err(e) = session.discard().await {
                    tracing::error!(error = %e, "session store failure while signing out an ended session");
                    return Err(Rejection::new(session_unavailable_response(format)));
                }
                Err(guard.access_token_refusal(user, AccessTokenError::RefreshRefused))
            }
            Err(Error::AccessToken(e)) => Err(guard.access_token_refusal(user, e)),
            Err(e) => {
                tracing::warn!(code = crate::web::error_code(&e), error = %e, "the access token could not be renewed");
                let ctx = guard.auth_context().expect("a user implies the context");
                Err(Rejection::new(ctx.error_response(&e, user.platform, format, None)))
            }
        }
    }
}
