//! Extractors for the signed-in user: thin translations of the engine's
//! [`Guard`] to axum's `FromRequestParts`.

use std::time::Duration;

use axum::extract::OriginalUri;
use axum_core::extract::{FromRequestParts, OptionalFromRequestParts};
use franceconnect_tower::web::AuthContext;
use franceconnect_tower::web::adapter::Guard;
use franceconnect_tower::web::level::EidasLevel;
use franceconnect_tower::{AgentIdentity, IssuedAccessToken, PivotIdentity, SignedInUser};
use http::header::ACCEPT;
use http::request::Parts;

use crate::rejection::AuthRejection;

/// The signed-in user, with whatever claims the scopes gave. Without one,
/// browsers are sent to the login and API clients get `401`. Use
/// `Option<User>` on pages that work either way.
#[derive(Debug, Clone)]
pub struct User(pub SignedInUser);

/// A citizen's pivot identity (needs the `identite_pivot` scope, or its six
/// claims). Without a user, like [`User`]; with a user whose scopes did not
/// give the six claims, `403`.
#[derive(Debug, Clone)]
pub struct Citizen(pub PivotIdentity);

/// An agent signed in through ProConnect, with their organisation. Without
/// a user, like [`User`]; a citizen signed in through FranceConnect gets
/// `403`. Use `Option<Agent>` on pages that work either way.
#[derive(Debug, Clone)]
pub struct Agent(pub AgentIdentity);

/// An agent who authenticated with a second factor (ProConnect's `-mfa`
/// values, `eidas2`, `eidas3`); an agent without one is sent through a new
/// ProConnect login asking for it.
#[derive(Debug, Clone)]
pub struct AgentWithMfa(pub AgentIdentity);

/// A signed-in user authenticated at level `L` or above
/// (`RequireEidas<level::High>`). A user below it is sent through a new
/// login at that level (step-up) — or gets `403` JSON when an API client.
#[derive(Debug, Clone)]
pub struct RequireEidas<L: EidasLevel>(pub SignedInUser, pub L);

/// A user who authenticated at level `L` or above within the last
/// `MAX_AGE_MINUTES` minutes (`RequireRecentEidas<level::Substantial, 15>`),
/// for sensitive routes. Anyone else is sent through a new login at that
/// level with `prompt=login`, so that the provider authenticates them again.
#[derive(Debug, Clone)]
pub struct RequireRecentEidas<L: EidasLevel, const MAX_AGE_MINUTES: u64>(pub SignedInUser, pub L);

/// The signed-in user's live access token, for the State's APIs that take
/// it (`Authorization: Bearer`, [`IssuedAccessToken::secret`]): the one of
/// the sign-in while it has more than
/// [`ACCESS_TOKEN_MARGIN`](franceconnect_tower::web::adapter::ACCESS_TOKEN_MARGIN)
/// to live; after that, on ProConnect with
/// [`ConfigBuilder::refresh_tokens`](franceconnect_tower::ConfigBuilder::refresh_tokens),
/// a renewed one (the session updated, and the request's [`User`] too for
/// the extractors after this one).
///
/// Without a user, like [`User`]. An expired token that cannot be renewed
/// (FranceConnect's live 60 seconds: use them in the sign-in hook) gets
/// `401`, a page offering a new login or JSON (`access_token_expired`,
/// with `login_url`). A renewal ProConnect refuses (the person signed out
/// there, the grant was revoked) signs the person out: the ordinary way to
/// the login, or `401` JSON.
///
/// ```no_run
/// use axum::Router;
/// use axum::routing::get;
/// use franceconnect_axum::AccessToken;
///
/// async fn documents(AccessToken(token): AccessToken) -> String {
///     // Call an API with `Authorization: Bearer {token.secret()}`;
///     // never send the token itself to the browser.
///     format!("valid until {}", token.expires_at())
/// }
/// let app: Router = Router::new().route("/documents", get(documents));
/// ```
#[derive(Debug, Clone)]
pub struct AccessToken(pub IssuedAccessToken);

/// The request as the engine's guard sees it. The path is
/// the one the user asked for, before any `nest` stripped it.
pub(crate) fn guard<'a>(parts: &'a Parts) -> Guard<'a> {
    let uri = parts
        .extensions
        .get::<OriginalUri>()
        .map(|o| &o.0)
        .unwrap_or(&parts.uri);
    Guard::new(
        parts.extensions.get::<AuthContext>(),
        parts.extensions.get::<SignedInUser>(),
        uri.path_and_query().map_or("/", |p| p.as_str()),
        parts.headers.get(ACCEPT).and_then(|v| v.to_str().ok()),
    )
    .with_setup_hint(
        "call `.franceconnect(fc, store)` (or `.franceconnect_layer(layer, store)`) after your `.route()` calls: axum's layers wrap only the routes added before them",
    )
}

impl<S: Send + Sync> FromRequestParts<S> for User {
    type Rejection = AuthRejection;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(User(guard(parts).require_user()?.clone()))
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for User {
    type Rejection = AuthRejection;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(guard(parts).user()?.cloned().map(User))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for AccessToken {
    type Rejection = AuthRejection;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let live = franceconnect_tower::web::tower::access_token(&parts.extensions, guard(parts)).await?;
        if let Some(user) = live.renewed_user {
            parts.extensions.insert(*user);
        }
        Ok(AccessToken(live.token))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Citizen {
    type Rejection = AuthRejection;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Citizen(guard(parts).require_pivot()?))
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for Citizen {
    type Rejection = AuthRejection;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(guard(parts).pivot()?.map(Citizen))
    }
}

impl<S: Send + Sync, L: EidasLevel> FromRequestParts<S> for RequireEidas<L> {
    type Rejection = AuthRejection;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let user = guard(parts).require_level(L::LEVEL)?;
        Ok(RequireEidas(user.clone(), L::VALUE))
    }
}

impl<S: Send + Sync, L: EidasLevel, const MAX_AGE_MINUTES: u64> FromRequestParts<S>
    for RequireRecentEidas<L, MAX_AGE_MINUTES>
{
    type Rejection = AuthRejection;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let max_age = Duration::from_secs(MAX_AGE_MINUTES * 60);
        let user = guard(parts).require_recent_level(L::LEVEL, max_age)?;
        Ok(RequireRecentEidas(user.clone(), L::VALUE))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Agent {
    type Rejection = AuthRejection;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Agent(guard(parts).require_agent()?))
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for Agent {
    type Rejection = AuthRejection;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(guard(parts).agent()?.map(Agent))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for AgentWithMfa {
    type Rejection = AuthRejection;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(AgentWithMfa(guard(parts).require_agent_with_mfa()?))
    }
}
