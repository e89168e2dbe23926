//! `FromRequest` extractors, equivalent to the axum ones: thin translations
//! of the engine's [`Guard`] to actix-web.

use std::fmt;
use std::future::{Ready, ready};
use std::marker::PhantomData;
use std::time::Duration;

use actix_web::dev::Payload;
use actix_web::http::header::ACCEPT;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};
use franceconnect_tower::web::level::EidasLevel;
use franceconnect_tower::web::{AuthContext, Guard, Rejection};
use franceconnect_tower::{AgentIdentity, PivotIdentity, SignedInUser};

use crate::convert;

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
pub struct RequireEidas<L: EidasLevel>(pub SignedInUser, pub PhantomData<L>);

/// A user who authenticated at level `L` or above within the last
/// `MAX_AGE_MINUTES` minutes, for sensitive routes; anyone else goes through
/// a new login at that level with `prompt=login`.
#[derive(Debug, Clone)]
pub struct RequireRecentEidas<L: EidasLevel, const MAX_AGE_MINUTES: u64>(pub SignedInUser, pub PhantomData<L>);

/// The response an extractor answers with instead of running the handler
/// (the engine's [`Rejection`]). Its `Debug` shows the status only.
#[derive(Debug)]
pub struct AuthRejection(Rejection);

impl fmt::Display for AuthRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "request refused by FranceConnect ({})", self.0.status())
    }
}

impl ResponseError for AuthRejection {
    fn status_code(&self) -> actix_web::http::StatusCode {
        actix_web::http::StatusCode::from_u16(self.0.status().as_u16())
            .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR)
    }
    fn error_response(&self) -> HttpResponse {
        convert::response(self.0.response().clone())
    }
}

/// `decide` applied to the request as the engine's guard sees it (the
/// extensions are borrowed for the call: an extractor clones only what it
/// returns).
pub(crate) fn decide<T>(
    req: &HttpRequest,
    decide: impl FnOnce(Guard<'_>) -> Result<T, Rejection>,
) -> Result<T, AuthRejection> {
    let extensions = req.extensions();
    let guard = Guard::new(
        extensions.get::<AuthContext>(),
        extensions.get::<SignedInUser>(),
        req.uri().path_and_query().map_or("/", |p| p.as_str()),
        req.headers().get(ACCEPT).and_then(|v| v.to_str().ok()),
    )
    .with_setup_hint(
        "wrap the App with `.wrap(FranceConnectMiddleware::new(routes))`, then the session middleware with a later `.wrap(session_middleware(..))`, and mount `.configure(configure(routes))`",
    );
    decide(guard).map_err(AuthRejection)
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
            g.require_level(L::LEVEL).map(|u| RequireEidas(u.clone(), PhantomData))
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
                .map(|u| RequireRecentEidas(u.clone(), PhantomData))
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
