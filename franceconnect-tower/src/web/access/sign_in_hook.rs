//! The application's say in a sign-in: an async function given the person
//! the provider just authenticated, before anything is stored, that accepts
//! them (possibly as one of the application's own accounts) or refuses them
//! with a page. The place to create an account on a first login, to refuse
//! someone the service is not for, to write an audit entry, or to call the
//! State's APIs with the sign-in's access token
//! ([`SignedInUser::access_token`]: FranceConnect's lives 60 seconds).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::identity::SignedInUser;

/// What the application decides about a person who just signed in.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SignInDecision {
    /// Sign them in.
    Accept,
    /// Sign them in as this account of the application (its id, or any
    /// JSON), kept in the session as [`SignedInUser::account`].
    AcceptAs(serde_json::Value),
    /// Do not sign them in: the page says this message (in French, shown as
    /// text), with `403`. Nothing is stored; their tokens are revoked.
    Refuse(String),
}

type HookFn = dyn Fn(SignedInUser) -> Pin<Box<dyn Future<Output = SignInDecision> + Send>> + Send + Sync;

/// The hook [`AuthRoutes::on_sign_in`](crate::web::AuthRoutes::on_sign_in)
/// keeps.
#[derive(Clone)]
pub(crate) struct SignInHook(Arc<HookFn>);

impl SignInHook {
    pub(crate) fn new<F, Fut>(hook: F) -> Self
    where
        F: Fn(SignedInUser) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = SignInDecision> + Send + 'static,
    {
        Self(Arc::new(move |user| Box::pin(hook(user))))
    }

    pub(crate) async fn decide(&self, user: &SignedInUser) -> SignInDecision {
        (self.0)(user.clone()).await
    }
}

impl fmt::Debug for SignInHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SignInHook")
    }
}
