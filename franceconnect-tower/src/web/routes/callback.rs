//! `GET /auth/callback`: the login completes, the application's sign-in
//! hook decides, and the person is put in the session (or refused).

use http::{HeaderMap, Response, StatusCode};

use super::{AuthRoutes, PlatformRoutes, set_cookie};
use crate::error::{Error, ProviderError, ProviderErrorCode, StateError};
use crate::flow::CallbackParams;
use crate::identity::{CitizenMatchKey, SignedInUser, StoredUser};
use crate::protocol::acr::RequestedAcr;
use crate::protocol::values::ReturnTo;
use crate::web::access::sign_in_hook::SignInDecision;
use crate::web::pages::error_view::{error_code, platform_code_of};
use crate::web::pages::responses::{Format, redirect};
use crate::web::sessions::order_check::UserStored;
use crate::web::sessions::{
    EARLIER_SIGN_IN_KEY, LOGOUT_NEXT_KEY, PENDING_LOGOUT_KEY, SessionBackend, SessionError, USER_KEY,
};

impl AuthRoutes {
    pub(super) async fn callback(
        &self,
        p: &PlatformRoutes,
        query: &str,
        headers: &HeaderMap,
        format: Format,
        session: &impl SessionBackend,
    ) -> Result<Response<String>, SessionError> {
        let callback = CallbackParams::from_query(query);
        let state = callback.state.as_deref();
        let mut pending = state.and_then(|s| p.login_cookies.open(headers, s));
        // Used up whatever happens next (when it carries a code to exchange);
        // a replayed cookie finds it spent.
        if let (Some(s), Some(_), Some(_)) = (state, &pending, &callback.code)
            && !p.login_cookies.consume(s).await
        {
            tracing::warn!("callback replayed: its login was already used");
            pending = None;
        }
        let retry_target = pending.as_ref().and_then(|p| p.return_to.clone());
        let retry = self.ctx.login_url_on(
            Some(p.platform()),
            retry_target.as_ref().map(ReturnTo::as_str),
            pending.as_ref().and_then(|p| match p.acr {
                RequestedAcr::AtLeast(level) => Some(level),
                RequestedAcr::OneOf(_) => None,
            }),
        );
        let result = match &pending {
            Some(login) => p.fc.complete_login(&callback, login).await,
            None => {
                // The engine never sees it: counted here.
                let e = unmatched_callback(&callback);
                crate::metrics::login_failed(p.platform(), crate::metrics::LoginStep::Callback, &e);
                Err(e)
            }
        };
        let mut res = match result {
            Ok(mut user) => {
                let decision = match &self.sign_in_hook {
                    Some(hook) => hook.decide(&user).await,
                    None => SignInDecision::Accept,
                };
                match decision {
                    SignInDecision::Refuse(message) => {
                        tracing::info!(
                            platform = user.platform.display_name(),
                            "sign-in refused by the application"
                        );
                        if let Err(e) = super::revoke_tokens(&p.fc, &user).await {
                            tracing::warn!(code = error_code(&e), "tokens of a refused sign-in not revoked");
                        }
                        self.ctx
                            .refusal(StatusCode::FORBIDDEN, "sign_in_refused", &message, format)
                    }
                    decision => {
                        if let SignInDecision::AcceptAs(account) = decision {
                            user.account = Some(account);
                        }
                        let target = pending.and_then(|p| p.return_to).map(|r| r.as_str().to_owned());
                        self.sign_in(session, user).await?;
                        let mut res = redirect(target.as_deref().unwrap_or("/"));
                        res.extensions_mut().insert(UserStored);
                        res
                    }
                }
            }
            // A silent login that found no session: the visitor carries on
            // where they were, signed out, with nothing to alarm them.
            Err(e) if e.is_login_required() && pending.is_some() => {
                tracing::debug!("silent login: no session at the provider");
                redirect(retry_target.as_ref().map_or("/", ReturnTo::as_str))
            }
            Err(e) => {
                if let Some(c) = platform_code_of(&e) {
                    tracing::warn!(
                        platform = p.platform().display_name(),
                        platform_code = c.code,
                        cause = c.cause,
                        fix = c.fix,
                        "the platform refused the login"
                    );
                }
                if pending.is_none() {
                    tracing::warn!(code = error_code(&e), "callback without a matching pending login");
                } else if matches!(&e, Error::Provider(p) if p.code == ProviderErrorCode::InvalidIdpHint) {
                    tracing::warn!(
                        "invalid_idp_hint: the platform does not offer this identity provider to this service; \
                         check FC_IDP_HINTS against the providers your registration allows"
                    );
                }
                self.ctx.error_response(&e, p.platform(), format, Some(&retry))
            }
        };
        if let Some(s) = state
            && p.login_cookies.present(headers, s)
        {
            set_cookie(&mut res, &p.login_cookies.clear(s));
        }
        Ok(res)
    }

    /// Puts `user` in the session under a new id (against session
    /// fixation). A session that belonged to someone else is emptied first:
    /// nothing of the previous person's survives, application data
    /// included, and their access tokens are revoked (their single sign-on
    /// at the provider, which only a logout through the browser ends, stays
    /// until it expires there). The same person signing in again (a
    /// step-up) keeps the application's data; on ProConnect, only for the
    /// same organisation (`siret`). A step-up through another platform
    /// (FranceConnect then FranceConnect+) keeps them only when both give
    /// the same pivot identity, and remembers the earlier sign-in for the
    /// logout to end it too. What an unfinished logout left (its pending
    /// state, the next platform to leave) never passes to the new sign-in.
    pub(super) async fn sign_in(&self, session: &impl SessionBackend, user: SignedInUser) -> Result<(), SessionError> {
        let previous = session.get::<SignedInUser>(USER_KEY).await?;
        session.remove_value(PENDING_LOGOUT_KEY).await?;
        session.remove_value(LOGOUT_NEXT_KEY).await?;
        match previous {
            Some(p) if is_same_account(&p, &user) => {
                session.cycle_id().await?;
                // Not its refresh token: ProConnect gives the same person's
                // new login the same grant, which revoking a refresh token
                // would end, the new tokens with it.
                let mut replaced = p;
                replaced.refresh_token = None;
                self.revoke_replaced(&replaced, &user).await;
            }
            Some(p) if p.platform != user.platform && is_same_citizen(&p, &user) => {
                session.cycle_id().await?;
                session.insert(EARLIER_SIGN_IN_KEY, &StoredUser(&p)).await?;
            }
            Some(p) => {
                let earlier = session.get::<SignedInUser>(EARLIER_SIGN_IN_KEY).await?;
                session.clear().await?;
                for replaced in std::iter::once(p).chain(earlier) {
                    let mut replaced = replaced;
                    // The same agent for another organisation: the same
                    // ProConnect grant as the new login's (see above).
                    if replaced.platform == user.platform && replaced.sub == user.sub {
                        replaced.refresh_token = None;
                    }
                    self.revoke_replaced(&replaced, &user).await;
                }
            }
            // A user this version cannot read is still someone's session:
            // emptied like another person's.
            None if session.get::<serde::de::IgnoredAny>(USER_KEY).await?.is_some() => session.clear().await?,
            None => session.cycle_id().await?,
        }
        session.insert(USER_KEY, &StoredUser(&user)).await?;
        session.save().await
    }

    /// Revokes the tokens of a sign-in that `user`'s replaces (best effort:
    /// a failure is logged, the new sign-in goes on).
    async fn revoke_replaced(&self, replaced: &SignedInUser, user: &SignedInUser) {
        let Some(fc) = self.engine(replaced.platform) else {
            return;
        };
        if let Err(e) = super::revoke_tokens(fc, replaced).await {
            tracing::warn!(
                code = error_code(&e),
                replaced = replaced.platform.display_name(),
                platform = user.platform.display_name(),
                "the replaced sign-in's tokens were not revoked"
            );
        }
    }
}

/// True when two sign-ins are the same account: the same platform and
/// subject and, on ProConnect, the same organisation (an agent's `sub` is
/// theirs across the establishments they sign in for, the application's
/// data are not).
fn is_same_account(a: &SignedInUser, b: &SignedInUser) -> bool {
    let organisation = |u: &SignedInUser| u.agent_identity().and_then(|agent| agent.siret);
    a.platform == b.platform && a.sub == b.sub && organisation(a) == organisation(b)
}

/// True when two sign-ins on different platforms are the same citizen
/// (FranceConnect and FranceConnect+ give each service a different `sub`).
/// FranceConnect gives the civil register's identity, FranceConnect+ the
/// identity provider's with the register's copy in `rnipp_*` when asked:
/// the register's is compared with the register's where both are there,
/// otherwise the identities are, with [`CitizenMatchKey`]'s tolerance.
/// Agents are never matched.
fn is_same_citizen(a: &SignedInUser, b: &SignedInUser) -> bool {
    let key = |u: &SignedInUser| u.pivot_identity().map(|p| CitizenMatchKey::of(&p));
    let register = |u: &SignedInUser| u.register_identity().map(|p| CitizenMatchKey::of(&p));
    match (register(a), register(b)) {
        (Some(x), Some(y)) => x.matches(&y),
        _ => matches!((key(a), key(b)), (Some(x), Some(y)) if x.matches(&y)),
    }
}

/// The error for a callback that matches no pending login: the provider's
/// own error when it sent one without `state`, otherwise a state error.
fn unmatched_callback(callback: &CallbackParams) -> Error {
    match (&callback.error, &callback.state) {
        (Some(code), None) => Error::Provider(ProviderError::from_callback(
            code,
            callback.error_description.as_deref(),
            callback.error_uri.as_deref(),
        )),
        (_, None) => StateError::Missing.into(),
        (_, Some(_)) => StateError::Mismatch.into(),
    }
}
