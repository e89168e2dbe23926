//! `FromRequest` extractors, equivalent to the axum ones: thin translations
//! of the engine's [`Guard`](franceconnect_tower::web::adapter::Guard) to actix-web.

use std::future::{Ready, ready};
use std::time::Duration;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use franceconnect_tower::web::level::EidasLevel;
use franceconnect_tower::{AgentIdentity, PivotIdentity, SignedInUser};

use crate::rejection::{AuthRejection, decide};

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
