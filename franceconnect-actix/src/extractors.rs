//! `FromRequest` extractors, equivalent to the axum ones: thin translations
//! of the engine's [`Guard`](franceconnect_tower::web::adapter::Guard) to actix-web.

use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::time::Duration;

use actix_session::SessionExt as _;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage as _, HttpRequest};
use franceconnect_tower::web::AuthContext;
use franceconnect_tower::web::level::EidasLevel;
use franceconnect_tower::{AgentIdentity, IssuedAccessToken, PivotIdentity, SignedInUser};

use crate::middleware::MiddlewareRoutes;
use crate::rejection::{AuthRejection, decide, guard_of};
use crate::session::ActixSession;

/// The signed-in user, with whatever claims the scopes gave. Without one,
/// browsers are sent to the login and API clients get `401`. Use
/// `Option<User>` on pages that work either way.
#[derive(Debug, Clone)]
pub struct User(pub SignedInUser);

/// A citizen's pivot identity; `403` when the scopes did not give its six
/// claims.
#[derive(Debug, Clone)]
pub struct Citizen(pub PivotIdentity);

/// An agent signed in through ProConnect; a citizen gets `403`. Use
/// `Option<Agent>` on pages that work either way.
#[derive(Debug, Clone)]
pub struct Agent(pub AgentIdentity);

/// An agent who authenticated with a second factor; an agent without one
/// goes through a new ProConnect login asking for it.
#[derive(Debug, Clone)]
pub struct AgentWithMfa(pub AgentIdentity);

/// A signed-in user at level `L` or above; others go through a new login at
/// that level (step-up), or get `403` JSON when API clients.
#[derive(Debug, Clone)]
pub struct RequireEidas<L: EidasLevel>(pub SignedInUser, pub L);

/// A user who authenticated at level `L` or above within the last
/// `MAX_AGE_MINUTES` minutes, for sensitive routes; anyone else goes through
/// a new login at that level with `prompt=login`.
#[derive(Debug, Clone)]
pub struct RequireRecentEidas<L: EidasLevel, const MAX_AGE_MINUTES: u64>(pub SignedInUser, pub L);

/// The signed-in user's live access token, for the State's APIs that take
/// it (`Authorization: Bearer`, [`IssuedAccessToken::secret`]): the one of
/// the sign-in while it has more than
/// [`ACCESS_TOKEN_MARGIN`](franceconnect_tower::web::adapter::ACCESS_TOKEN_MARGIN)
/// to live; after that, on ProConnect with
/// [`ConfigBuilder::refresh_tokens`](franceconnect_tower::ConfigBuilder::refresh_tokens),
/// a renewed one (the session updated, and the request's user too for the
/// extractors after this one).
///
/// Without a user, like [`User`]. An expired token that cannot be renewed
/// (FranceConnect's live 60 seconds: use them in the sign-in hook) gets
/// `401`, a page offering a new login or JSON (`access_token_expired`,
/// with `login_url`). A renewal ProConnect refuses (the person signed out
/// there, the grant was revoked) signs the person out: the ordinary way to
/// the login, or `401` JSON.
///
/// ```no_run
/// use franceconnect_actix::AccessToken;
///
/// async fn documents(AccessToken(token): AccessToken) -> String {
///     // Call an API with `Authorization: Bearer {token.secret()}`;
///     // never send the token itself to the browser.
///     format!("valid until {}", token.expires_at())
/// }
/// ```
#[derive(Debug, Clone)]
pub struct AccessToken(pub IssuedAccessToken);

impl FromRequest for AccessToken {
    type Error = AuthRejection;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            // Copies: no borrow of the request's extensions lasts across
            // the renewal's awaits.
            let (context, user, routes) = {
                let extensions = req.extensions();
                (
                    extensions.get::<AuthContext>().cloned(),
                    extensions.get::<SignedInUser>().cloned(),
                    extensions.get::<MiddlewareRoutes>().cloned(),
                )
            };
            let guard = guard_of(&req, context.as_ref(), user.as_ref());
            let Some(MiddlewareRoutes(routes)) = routes else {
                // No middleware routes (an application's tests): never renewed.
                return Ok(AccessToken(guard.require_access_token()?.clone()));
            };
            let live = routes.access_token(&ActixSession(req.get_session()), guard).await?;
            if let Some(renewed) = live.renewed_user {
                req.extensions_mut().insert(*renewed);
            }
            Ok(AccessToken(live.token))
        })
    }
}

impl FromRequest for User {
    type Error = AuthRejection;
    type Future = Ready<Result<Self, Self::Error>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(decide(req, |g| g.require_user().map(|u| User(u.clone()))))
    }
}

impl FromRequest for Citizen {
    type Error = AuthRejection;
    type Future = Ready<Result<Self, Self::Error>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(decide(req, |g| g.require_pivot().map(Citizen)))
    }
}

impl<L: EidasLevel> FromRequest for RequireEidas<L> {
    type Error = AuthRejection;
    type Future = Ready<Result<Self, Self::Error>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(decide(req, |g| {
            g.require_level(L::LEVEL).map(|u| RequireEidas(u.clone(), L::VALUE))
        }))
    }
}

impl<L: EidasLevel, const MAX_AGE_MINUTES: u64> FromRequest for RequireRecentEidas<L, MAX_AGE_MINUTES> {
    type Error = AuthRejection;
    type Future = Ready<Result<Self, Self::Error>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let max_age = Duration::from_secs(MAX_AGE_MINUTES * 60);
        ready(decide(req, |g| {
            g.require_recent_level(L::LEVEL, max_age)
                .map(|u| RequireRecentEidas(u.clone(), L::VALUE))
        }))
    }
}

impl FromRequest for Agent {
    type Error = AuthRejection;
    type Future = Ready<Result<Self, Self::Error>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(decide(req, |g| g.require_agent().map(Agent)))
    }
}

impl FromRequest for AgentWithMfa {
    type Error = AuthRejection;
    type Future = Ready<Result<Self, Self::Error>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(decide(req, |g| g.require_agent_with_mfa().map(AgentWithMfa)))
    }
}
