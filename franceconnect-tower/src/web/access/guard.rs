//! Who may see a page: the one decision every adapter's extractors and
//! route guards translate, so that axum and actix-web answer alike.
//!
//! An adapter describes the request with a [`Guard`] — the routes'
//! [`AuthContext`] and the signed-in user its middleware put in the
//! request, the path asked for, the `Accept` header — and asks for what the
//! handler needs. It gets the value, or a ready [`Rejection`]: a redirect to
//! the login or a step-up for browsers, `401`/`403` JSON for API clients,
//! a `500` when the middleware is missing.
//!
//! ```
//! use franceconnect_tower::Eidas;
//! use franceconnect_tower::web::AuthContext;
//! use franceconnect_tower::web::adapter::Guard;
//!
//! let ctx = AuthContext::new("/auth");
//! let guard = Guard::new(Some(&ctx), None, "/vault", Some("text/html"));
//! let refusal = guard.require_level(Eidas::Eidas2).unwrap_err();
//! assert_eq!(refusal.status(), 303);
//! assert_eq!(
//!     refusal.response().headers()["location"],
//!     "/auth/login?return_to=%2Fvault&acr=eidas2"
//! );
//! ```

use std::time::Duration;

use http::{Response, StatusCode};

use crate::clock::age;

use crate::config::Platform;
use crate::error::AccessTokenError;
use crate::identity::{AgentIdentity, PivotIdentity, SignedInUser};
use crate::protocol::eidas::Eidas;
use crate::protocol::values::IssuedAccessToken;
use crate::web::pages::responses::{
    AuthContext, Format, access_token_unavailable_response, agent_unavailable_response, level_unavailable_response,
    not_signed_in_response, pivot_unavailable_response, step_up_response,
};

/// How long an access token must still live to be given to a handler: one
/// with less left counts as expired (renewed when it can be), too short
/// for the call to an API it is for.
pub const ACCESS_TOKEN_MARGIN: Duration = Duration::from_secs(10);

/// `user`'s access token when it lives longer than [`ACCESS_TOKEN_MARGIN`];
/// otherwise why not.
pub(crate) fn live_access_token(user: &SignedInUser) -> Result<&IssuedAccessToken, AccessTokenError> {
    match &user.access_token {
        Some(token) if !token.expires_within(ACCESS_TOKEN_MARGIN) => Ok(token),
        Some(_) => Err(AccessTokenError::Expired),
        None => Err(AccessTokenError::Missing),
    }
}

/// What a group of routes needs, checked in one place (the adapters'
/// `Require` layer and middleware) rather than by an extractor in every
/// handler: the same decisions as the extractors of the same names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Requirement {
    /// Any signed-in user.
    User,
    /// A citizen with a pivot identity.
    Citizen,
    /// An agent signed in through ProConnect.
    Agent,
    /// An agent who used a second factor.
    AgentWithMfa,
    /// A user at this eIDAS level or above (step-up otherwise).
    Level(Eidas),
    /// A user at this level who authenticated within this time.
    RecentLevel(Eidas, Duration),
}

/// A request, as the guard needs to see it.
#[derive(Debug, Clone, Copy)]
pub struct Guard<'a> {
    context: Option<&'a AuthContext>,
    user: Option<&'a SignedInUser>,
    path_and_query: &'a str,
    format: Format,
    setup_hint: &'static str,
}

impl<'a> Guard<'a> {
    /// `context` and `user` as the adapter's middleware left them in the
    /// request (no context: the middleware did not run), the path and query
    /// the user asked for (to come back to after the login), and the
    /// request's `Accept` header.
    pub fn new(
        context: Option<&'a AuthContext>,
        user: Option<&'a SignedInUser>,
        path_and_query: &'a str,
        accept: Option<&str>,
    ) -> Self {
        Self {
            context,
            user,
            path_and_query,
            format: Format::from_accept(accept),
            setup_hint: "see the adapter's documentation for the order of the layers",
        }
    }

    /// What to tell the developer when the middleware did not run for this
    /// request, in the adapter's own terms (where to call or wrap it).
    pub fn with_setup_hint(mut self, hint: &'static str) -> Self {
        self.setup_hint = hint;
        self
    }

    fn context(&self) -> Result<&'a AuthContext, Rejection> {
        self.context
            .ok_or_else(|| Rejection::setup_error("the FranceConnect layer or middleware", self.setup_hint))
    }

    /// Checks `requirement`: `Ok` lets the request through, the rejection
    /// answers it.
    pub fn check(self, requirement: Requirement) -> Result<(), Rejection> {
        match requirement {
            Requirement::User => self.require_user().map(drop),
            Requirement::Citizen => self.require_pivot().map(drop),
            Requirement::Agent => self.require_agent().map(drop),
            Requirement::AgentWithMfa => self.require_agent_with_mfa().map(drop),
            Requirement::Level(level) => self.require_level(level).map(drop),
            Requirement::RecentLevel(level, max_age) => self.require_recent_level(level, max_age).map(drop),
        }
    }

    /// The signed-in user, if any (pages that work either way).
    pub fn user(self) -> Result<Option<&'a SignedInUser>, Rejection> {
        self.context()?;
        Ok(self.user)
    }

    /// The signed-in user; without one, the way to the login (with several
    /// platforms, the page offering each).
    pub fn require_user(self) -> Result<&'a SignedInUser, Rejection> {
        self.require_user_of(None)
    }

    /// The signed-in user; without one, the way to `platform`'s login.
    fn require_user_of(&self, platform: Option<Platform>) -> Result<&'a SignedInUser, Rejection> {
        let ctx = self.context()?;
        self.user
            .ok_or_else(|| Rejection::new(not_signed_in_response(ctx, platform, self.path_and_query, self.format)))
    }

    /// The signed-in user's access token, when it lives longer than
    /// [`ACCESS_TOKEN_MARGIN`]; without a user, the way to the login; with
    /// an expired token (or none), a `401` page or JSON
    /// (`access_token_expired`, `access_token_missing`) offering a new
    /// login. Never renews it: for an adapter without the routes at hand
    /// (its testing module); the adapters' `AccessToken` extractors ask
    /// [`AuthRoutes::access_token`](crate::web::AuthRoutes::access_token),
    /// which renews it when it can.
    pub fn require_access_token(self) -> Result<&'a IssuedAccessToken, Rejection> {
        let user = self.require_user()?;
        live_access_token(user).map_err(|e| self.access_token_refusal(user, e))
    }

    /// The refusal of `user`'s access token, for `error`: a new login (the
    /// ordinary way to the login once the session is over).
    pub(crate) fn access_token_refusal(&self, user: &SignedInUser, error: AccessTokenError) -> Rejection {
        let Some(ctx) = self.context else {
            return Rejection::setup_error("the FranceConnect layer or middleware", self.setup_hint);
        };
        let platform = ctx.serves(user.platform).then_some(user.platform);
        if error == AccessTokenError::RefreshRefused {
            return Rejection::new(not_signed_in_response(ctx, platform, self.path_and_query, self.format));
        }
        Rejection::new(access_token_unavailable_response(
            ctx,
            user.platform,
            error,
            self.path_and_query,
            self.format,
        ))
    }

    /// The context the middleware left, if any.
    pub(crate) fn auth_context(&self) -> Option<&'a AuthContext> {
        self.context
    }

    /// How the client wants to be answered.
    pub(crate) fn format(&self) -> Format {
        self.format
    }

    /// The signed-in user's pivot identity, if someone is signed in; `403`
    /// when their scopes did not give its six claims.
    pub fn pivot(self) -> Result<Option<PivotIdentity>, Rejection> {
        match self.user()? {
            Some(user) => self.pivot_of(user).map(Some),
            None => Ok(None),
        }
    }

    /// The signed-in user's pivot identity; without a user, the way to the
    /// login; `403` when their scopes did not give its six claims.
    pub fn require_pivot(self) -> Result<PivotIdentity, Rejection> {
        let user = self.require_user_of(self.context()?.citizens_platform())?;
        self.pivot_of(user)
    }

    fn pivot_of(&self, user: &SignedInUser) -> Result<PivotIdentity, Rejection> {
        let ctx = self.context()?;
        user.pivot_identity()
            .ok_or_else(|| Rejection::new(pivot_unavailable_response(ctx, user, self.format)))
    }

    /// The agent signed in through ProConnect; without a user, the way to
    /// the login; `403` for a citizen (FranceConnect), or when the scopes
    /// did not name the agent (`given_name`, `usual_name`, `email`).
    pub fn require_agent(self) -> Result<AgentIdentity, Rejection> {
        let user = self.require_user_of(Some(Platform::ProConnect))?;
        let ctx = self.context()?;
        user.agent_identity()
            .ok_or_else(|| Rejection::new(agent_unavailable_response(ctx, self.format)))
    }

    /// The agent, if someone is signed in; `403` for a signed-in citizen.
    pub fn agent(self) -> Result<Option<AgentIdentity>, Rejection> {
        match self.user()? {
            Some(_) => self.require_agent().map(Some),
            None => Ok(None),
        }
    }

    /// An agent who authenticated with a second factor
    /// ([`Acr::is_mfa`](crate::Acr::is_mfa)); an agent without one is sent
    /// through a new ProConnect login asking for it (`acr=mfa`).
    pub fn require_agent_with_mfa(self) -> Result<AgentIdentity, Rejection> {
        let ctx = self.context()?;
        let agent = self.require_agent()?;
        match self.user {
            Some(user) if user.platform == Platform::ProConnect && user.acr.is_mfa() => Ok(agent),
            _ => Err(Rejection::new(step_up_response(
                ctx,
                Some(Platform::ProConnect),
                "mfa",
                false,
                self.path_and_query,
                self.format,
            ))),
        }
    }

    /// A user signed in at `level` or above; anyone else (nobody included)
    /// is sent through a new login at that level (step-up).
    pub fn require_level(self, level: Eidas) -> Result<&'a SignedInUser, Rejection> {
        let ctx = self.context()?;
        match self.user {
            Some(user) if user.acr.reaches(level) => Ok(user),
            user => Err(Rejection::new(step_up_response(
                ctx,
                self.platform_for_level(ctx, level, user)?,
                level.as_str(),
                false,
                self.path_and_query,
                self.format,
            ))),
        }
    }

    /// A user who authenticated at `level` or above within `max_age` (the
    /// provider's `auth_time`, else the sign-in time), for sensitive
    /// routes; anyone else is sent through a new login at that level with
    /// `prompt=login`, so that the provider authenticates them again.
    pub fn require_recent_level(self, level: Eidas, max_age: Duration) -> Result<&'a SignedInUser, Rejection> {
        let ctx = self.context()?;
        match self.user {
            Some(user) if user.acr.reaches(level) && age(user.auth_time.unwrap_or(user.signed_in_at)) <= max_age => {
                Ok(user)
            }
            // Authenticate again at the level already reached, if higher.
            user => Err(Rejection::new(step_up_response(
                ctx,
                self.platform_for_level(ctx, level, user)?,
                user.and_then(|u| u.acr.eidas())
                    .map_or(level, |reached| reached.max(level))
                    .as_str(),
                true,
                self.path_and_query,
                self.format,
            ))),
        }
    }
}

impl Guard<'_> {
    /// The platform whose login can bring `user` (or nobody) to `level`;
    /// with several platforms and none offering it, a page that says so
    /// (and a log naming the setting).
    fn platform_for_level(
        &self,
        ctx: &AuthContext,
        level: Eidas,
        user: Option<&SignedInUser>,
    ) -> Result<Option<Platform>, Rejection> {
        let platform = ctx.platform_for_level(level, user.map(|u| u.platform));
        if platform.is_none() && !ctx.platforms.is_empty() {
            tracing::error!(
                %level,
                "a route requires {level}, which none of the service's platforms offers to this user: \
                 serve FranceConnect+ (eidas2, eidas3) too (FC_PLATFORMS=fc,fcplus), or instead (FC_PLATFORM=fcplus)"
            );
            return Err(Rejection::new(level_unavailable_response(ctx, self.format)));
        }
        Ok(platform)
    }
}

/// The answer a guard gives instead of running the handler. Its `Debug`
/// shows the status only: the body may name the page the user asked for.
pub struct Rejection(Box<Response<String>>);

impl std::fmt::Debug for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Rejection({})", self.0.status())
    }
}

impl Rejection {
    pub(crate) fn new(response: Response<String>) -> Self {
        Self(Box::new(response))
    }

    /// A piece of the set-up (`what`) is missing for this request: logged
    /// for the developer with what to do (`fix`); the visitor gets a `500`
    /// page in French that says the service cannot sign them in, with the
    /// code `setup_error` to quote (nothing of the application's insides).
    /// The one wording of every adapter.
    pub fn setup_error(what: &str, fix: &str) -> Self {
        tracing::error!("FranceConnect is not set up for this route: {what} is missing; {fix}");
        let page = crate::web::pages::Pages::error(
            &crate::web::pages::FrenchPages,
            &crate::web::pages::ErrorPage {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                code: "setup_error",
                message: "Ce service ne peut pas vous identifier pour le moment, à cause d'un problème de son côté. \
                      Réessayer n'y changera rien : signalez-le au support du service.",
                error: None,
                retry_href: None,
                sign_out_action: None,
            },
        );
        Self::new(crate::web::pages::responses::html_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            page,
        ))
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.0.status()
    }

    /// The response.
    pub fn response(&self) -> &Response<String> {
        &self.0
    }

    /// The response, to send.
    pub fn into_response(self) -> Response<String> {
        *self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_the_middleware_every_guard_answers_500() {
        let guard = Guard::new(None, None, "/", None);
        assert_eq!(guard.user().unwrap_err().status(), 500);
        assert_eq!(guard.require_user().unwrap_err().status(), 500);
        assert_eq!(guard.pivot().unwrap_err().status(), 500);
        assert_eq!(guard.require_level(Eidas::Eidas1).unwrap_err().status(), 500);
    }

    #[test]
    fn nobody_signed_in_is_sent_to_the_login_or_told_in_json() {
        let ctx = AuthContext::new("/auth");
        let page = Guard::new(Some(&ctx), None, "/me?x=1", Some("text/html"));
        assert!(page.user().unwrap().is_none());
        assert!(page.pivot().unwrap().is_none());
        let refusal = page.require_pivot().unwrap_err();
        assert_eq!(refusal.status(), 303);
        assert_eq!(
            refusal.response().headers()["location"],
            "/auth/login?return_to=%2Fme%3Fx%3D1"
        );
        let api = Guard::new(Some(&ctx), None, "/api/me", Some("application/json"));
        let refusal = api.require_user().unwrap_err();
        assert_eq!(refusal.status(), 401);
        assert!(refusal.response().body().contains("not_signed_in"));
    }

    fn agent(acr: crate::Acr) -> SignedInUser {
        let mut user = SignedInUser::for_tests("3f2b6c1e-8d4a-4f7e-9b1c-5a6d7e8f9a0b");
        user.platform = Platform::ProConnect;
        user.acr = acr;
        let claims =
            serde_json::json!({"given_name": "Inès", "usual_name": "Roy", "email": "ines.roy@mairie.example.fr"});
        user.raw_claims = claims.as_object().unwrap().clone();
        user
    }

    #[test]
    fn agents_pages_take_agents_and_send_others_where_they_can_go() {
        let ctx = AuthContext::new("/auth");
        fn with<'a>(ctx: &'a AuthContext, user: &'a SignedInUser) -> Guard<'a> {
            Guard::new(Some(ctx), Some(user), "/agents", Some("text/html"))
        }
        let ines = agent(crate::Acr::Eidas1);
        assert_eq!(with(&ctx, &ines).require_agent().unwrap().usual_name, "Roy");
        let citizen = SignedInUser::for_tests("citizen");
        assert_eq!(with(&ctx, &citizen).require_agent().unwrap_err().status(), 403);
        assert_eq!(with(&ctx, &citizen).agent().unwrap_err().status(), 403);
        // Without a second factor: a new ProConnect login asking for one.
        let refusal = with(&ctx, &ines).require_agent_with_mfa().unwrap_err();
        assert_eq!(refusal.status(), 303);
        assert_eq!(
            refusal.response().headers()["location"],
            "/auth/login?return_to=%2Fagents&acr=mfa"
        );
        assert!(
            with(&ctx, &agent(crate::Acr::Eidas1Mfa))
                .require_agent_with_mfa()
                .is_ok()
        );
        // An eIDAS level on ProConnect: an eidas0 agent reaches none.
        let refusal = with(&ctx, &agent(crate::Acr::Eidas0))
            .require_level(Eidas::Eidas1)
            .unwrap_err();
        assert_eq!(refusal.status(), 303);
        assert!(with(&ctx, &ines).require_level(Eidas::Eidas1).is_ok());
    }
}
