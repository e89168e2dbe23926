//! `FromRequest` extractors, equivalent to the axum ones.

use std::fmt;
use std::future::{Ready, ready};
use std::marker::PhantomData;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};
use franceconnect_tower::SignedInUser;
use franceconnect_tower::web::level::EidasLevel;
use franceconnect_tower::web::{AuthContext, not_signed_in_response, pivot_unavailable_response, step_up_response};

use crate::convert;

/// The signed-in user, with whatever claims the scopes gave. Without one,
/// browsers are sent to the login and API clients get `401`. Use
/// `Option<User>` on pages that work either way.
#[derive(Debug, Clone)]
pub struct User(pub SignedInUser);

/// The signed-in user's pivot identity; `403` when the scopes did not give
/// its six claims.
#[derive(Debug, Clone)]
pub struct PivotIdentity(pub franceconnect_tower::PivotIdentity);

/// A signed-in user at level `L` or above; others go through a new login at
/// that level (step-up), or get `403` JSON when API clients.
#[derive(Debug, Clone)]
pub struct RequireEidas<L: EidasLevel>(pub SignedInUser, pub PhantomData<L>);

/// The response an extractor answers with instead of running the handler.
pub struct AuthRejection(Box<http::Response<String>>);

impl fmt::Debug for AuthRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AuthRejection({})", self.0.status())
    }
}

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
        convert::response((*self.0).clone())
    }
}

fn reject(res: http::Response<String>) -> AuthRejection {
    AuthRejection(Box::new(res))
}

fn context(req: &HttpRequest) -> Result<AuthContext, AuthRejection> {
    req.extensions().get::<AuthContext>().cloned().ok_or_else(|| {
        tracing::error!("FranceConnectMiddleware is missing");
        let mut res = http::Response::new("FranceConnect middleware missing".to_owned());
        *res.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
        reject(res)
    })
}

fn requested(req: &HttpRequest) -> String {
    req.uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".into())
}

/// `f` applied to the signed-in user (borrowed: an extractor takes only
/// what it needs), or the not-signed-in rejection.
fn with_signed_in<T>(req: &HttpRequest, f: impl FnOnce(&SignedInUser) -> T) -> Result<T, AuthRejection> {
    if let Some(user) = req.extensions().get::<SignedInUser>() {
        return Ok(f(user));
    }
    let ctx = context(req)?;
    Err(reject(not_signed_in_response(
        &ctx,
        &requested(req),
        &convert::headers(req.headers()),
    )))
}

impl FromRequest for User {
    type Error = AuthRejection;
    type Future = Ready<Result<Self, Self::Error>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(with_signed_in(req, |user| User(user.clone())))
    }
}

impl FromRequest for PivotIdentity {
    type Error = AuthRejection;
    type Future = Ready<Result<Self, Self::Error>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(with_signed_in(req, SignedInUser::pivot_identity).and_then(|pivot| {
            pivot
                .map(PivotIdentity)
                .ok_or_else(|| reject(pivot_unavailable_response(&convert::headers(req.headers()))))
        }))
    }
}

impl<L: EidasLevel> FromRequest for RequireEidas<L> {
    type Error = AuthRejection;
    type Future = Ready<Result<Self, Self::Error>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            context(req).and_then(|ctx| match req.extensions().get::<SignedInUser>() {
                Some(user) if user.acr >= L::LEVEL => Ok(RequireEidas(user.clone(), PhantomData)),
                _ => Err(reject(step_up_response(
                    &ctx,
                    L::LEVEL,
                    &requested(req),
                    &convert::headers(req.headers()),
                ))),
            }),
        )
    }
}
