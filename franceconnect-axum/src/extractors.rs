//! Extractors for the signed-in user.

use std::marker::PhantomData;

use axum::extract::OriginalUri;
use axum_core::extract::{FromRequestParts, OptionalFromRequestParts};
use franceconnect_tower::SignedInUser;
use franceconnect_tower::web::level::EidasLevel;
use franceconnect_tower::web::{AuthContext, not_signed_in_response, pivot_unavailable_response, step_up_response};
use http::request::Parts;

use crate::rejection::AuthRejection;

/// The signed-in user, with whatever claims the scopes gave. Without one,
/// browsers are sent to the login and API clients get `401`. Use
/// `Option<User>` on pages that work either way.
#[derive(Debug, Clone)]
pub struct User(pub SignedInUser);

/// The signed-in user's pivot identity (needs the `identite_pivot` scope, or
/// its six claims). Without a user, like [`User`]; with a user whose scopes
/// did not give the six claims, `403`.
#[derive(Debug, Clone)]
pub struct PivotIdentity(pub franceconnect_tower::PivotIdentity);

/// A signed-in user authenticated at level `L` or above
/// (`RequireEidas<level::Eidas3>`). A user below it is sent through a new
/// login at that level (step-up) — or gets `403` JSON when an API client.
#[derive(Debug, Clone)]
pub struct RequireEidas<L: EidasLevel>(pub SignedInUser, pub PhantomData<L>);

fn context(parts: &Parts) -> Result<&AuthContext, AuthRejection> {
    parts
        .extensions
        .get::<AuthContext>()
        .ok_or_else(AuthRejection::layer_missing)
}

/// The path and query the user asked for, before any `nest` stripped it.
fn requested(parts: &Parts) -> String {
    let uri = parts
        .extensions
        .get::<OriginalUri>()
        .map(|o| &o.0)
        .unwrap_or(&parts.uri);
    uri.path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".into())
}

/// The signed-in user, borrowed (an extractor clones only what it needs),
/// or the not-signed-in rejection.
fn signed_in(parts: &Parts) -> Result<&SignedInUser, AuthRejection> {
    let ctx = context(parts)?;
    parts
        .extensions
        .get::<SignedInUser>()
        .ok_or_else(|| AuthRejection::new(not_signed_in_response(ctx, &requested(parts), &parts.headers)))
}

fn pivot(parts: &Parts, user: &SignedInUser) -> Result<franceconnect_tower::PivotIdentity, AuthRejection> {
    user.pivot_identity()
        .ok_or_else(|| AuthRejection::new(pivot_unavailable_response(&parts.headers)))
}

impl<S: Send + Sync> FromRequestParts<S> for User {
    type Rejection = AuthRejection;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        signed_in(parts).map(|user| User(user.clone()))
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for User {
    type Rejection = AuthRejection;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        context(parts)?;
        Ok(parts.extensions.get::<SignedInUser>().cloned().map(User))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PivotIdentity {
    type Rejection = AuthRejection;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let user = signed_in(parts)?;
        pivot(parts, user).map(PivotIdentity)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for PivotIdentity {
    type Rejection = AuthRejection;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        context(parts)?;
        match parts.extensions.get::<SignedInUser>() {
            Some(user) => pivot(parts, user).map(|p| Some(PivotIdentity(p))),
            None => Ok(None),
        }
    }
}

impl<S: Send + Sync, L: EidasLevel> FromRequestParts<S> for RequireEidas<L> {
    type Rejection = AuthRejection;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ctx = context(parts)?;
        match parts.extensions.get::<SignedInUser>() {
            Some(user) if user.acr >= L::LEVEL => Ok(RequireEidas(user.clone(), PhantomData)),
            _ => Err(AuthRejection::new(step_up_response(
                ctx,
                L::LEVEL,
                &requested(parts),
                &parts.headers,
            ))),
        }
    }
}
