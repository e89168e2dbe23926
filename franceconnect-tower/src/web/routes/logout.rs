//! `POST /auth/logout` and its callback: the local session cleared, the
//! access tokens revoked, the browser sent through each platform's logout.
//! `GET /auth/logout` shows the button that posts it.

use http::{HeaderMap, Response, StatusCode};
use tracing::Instrument;
use url::form_urlencoded;

use super::{AuthRoutes, PlatformRoutes, method_not_allowed};
use crate::flow::PendingLogout;
use crate::identity::{SignedInUser, StoredUser};
use crate::web::access::cross_site::is_cross_site_request;
use crate::web::pages::error_view::error_code;
use crate::web::pages::responses::{Format, html_response, redirect};
use crate::web::sessions::{
    EARLIER_SIGN_IN_KEY, LOGOUT_NEXT_KEY, PENDING_LOGOUT_KEY, SessionBackend, SessionError, USER_KEY,
};

impl AuthRoutes {
    /// `POST /auth/logout`, in the span `franceconnect.logout` (fields
    /// `platform`, `outcome`: `provider`, `local`, `no_session` or
    /// `cross_site_refused`, `duration_ms`), which holds the revocations'.
    pub(super) async fn logout(
        &self,
        headers: &HeaderMap,
        format: Format,
        session: &impl SessionBackend,
    ) -> Result<Response<String>, SessionError> {
        let span = tracing::info_span!(
            "franceconnect.logout",
            platform = tracing::field::Empty,
            outcome = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let started = std::time::Instant::now();
        let result = self
            .logout_inner(headers, format, session)
            .instrument(span.clone())
            .await;
        span.record("duration_ms", started.elapsed().as_secs_f64() * 1e3);
        result
    }

    async fn logout_inner(
        &self,
        headers: &HeaderMap,
        format: Format,
        session: &impl SessionBackend,
    ) -> Result<Response<String>, SessionError> {
        if is_cross_site_request(headers, &self.app_origin) {
            tracing::Span::current().record("outcome", "cross_site_refused");
            tracing::warn!("cross-site logout refused");
            return Ok(self.ctx.refusal(
                StatusCode::FORBIDDEN,
                "cross_site_request",
                "La déconnexion doit être demandée depuis ce site.",
                format,
            ));
        }
        let Some(user) = session.get::<SignedInUser>(USER_KEY).await? else {
            tracing::Span::current().record("outcome", "no_session");
            session.discard().await?;
            return Ok(redirect("/"));
        };
        tracing::Span::current().record("platform", user.platform.setting());
        let earlier = session.get::<SignedInUser>(EARLIER_SIGN_IN_KEY).await?;
        // Clear the local session first: the providers' logouts may fail.
        session.clear().await?;
        self.end_and_revoke(session, user, earlier).await
    }

    /// The logout once the local session is cleared: the tokens revoked
    /// (each refresh token, then each access token), the browser sent to
    /// the providers.
    async fn end_and_revoke(
        &self,
        session: &impl SessionBackend,
        user: SignedInUser,
        earlier: Option<SignedInUser>,
    ) -> Result<Response<String>, SessionError> {
        for signed_in in std::iter::once(&user).chain(&earlier) {
            // Revocation is best effort: a refusal or an outage is logged
            // and the logout goes on.
            if let Some(fc) = self.engine(signed_in.platform)
                && let Err(e) = super::revoke_tokens(fc, signed_in).await
            {
                tracing::warn!(code = error_code(&e), error = %e, "tokens not revoked; logout goes on");
            }
        }
        self.end_at_provider(session, user, earlier).await
    }

    /// Sends the browser to the logout of the platform that signed `user`
    /// in; with an `earlier` sign-in on another platform (a step-up), that
    /// one's logout follows from the first's callback. Records its
    /// `outcome` on the logout span, when it runs in one.
    async fn end_at_provider(
        &self,
        session: &impl SessionBackend,
        user: SignedInUser,
        earlier: Option<SignedInUser>,
    ) -> Result<Response<String>, SessionError> {
        let Some(fc) = self.engine(user.platform) else {
            tracing::warn!(
                platform = user.platform.display_name(),
                "no routes for this platform; signed out locally"
            );
            tracing::Span::current().record("outcome", "local");
            return Ok(redirect("/"));
        };
        match fc.logout_url(&user).await {
            Ok((url, pending)) => {
                tracing::Span::current().record("outcome", "provider");
                session.insert(PENDING_LOGOUT_KEY, &pending).await?;
                if let Some(next) = &earlier {
                    session.insert(LOGOUT_NEXT_KEY, &StoredUser(next)).await?;
                }
                session.save().await?;
                Ok(redirect(url.as_str()))
            }
            Err(e) => {
                tracing::warn!(code = error_code(&e), error = %e, "provider logout unavailable; signed out locally");
                match earlier {
                    Some(next) => Box::pin(self.end_at_provider(session, next, None)).await,
                    None => {
                        tracing::Span::current().record("outcome", "local");
                        Ok(redirect("/"))
                    }
                }
            }
        }
    }

    pub(super) async fn logout_callback(
        &self,
        p: &PlatformRoutes,
        query: &str,
        format: Format,
        session: &impl SessionBackend,
    ) -> Result<Response<String>, SessionError> {
        let state = form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "state")
            .map(|(_, v)| v.into_owned());
        let pending: Option<PendingLogout> = session.get(PENDING_LOGOUT_KEY).await?;
        if pending.is_some() {
            session.remove_value(PENDING_LOGOUT_KEY).await?;
            session.save().await?;
        }
        match p.fc.check_logout_callback(state.as_deref(), pending.as_ref()) {
            Ok(()) => match session.get::<SignedInUser>(LOGOUT_NEXT_KEY).await? {
                Some(next) => {
                    session.remove_value(LOGOUT_NEXT_KEY).await?;
                    self.end_at_provider(session, next, None).await
                }
                None => Ok(redirect("/")),
            },
            Err(e) => {
                tracing::warn!(code = error_code(&e), "logout callback with an unknown state");
                Ok(self.ctx.error_response(&e, p.platform(), format, None))
            }
        }
    }

    /// `GET /auth/logout`: a page holding the button that `POST`s the
    /// logout (for a browser that followed a link or typed the address);
    /// `405` for an API client, which must `POST`.
    pub(super) fn logout_page(&self, format: Format) -> Response<String> {
        if format == Format::Json {
            return method_not_allowed("POST");
        }
        html_response(StatusCode::OK, self.ctx.pages().logout(&self.ctx.logout_action()))
    }
}
