//! For an application's own tests: its handlers as a signed-in citizen or
//! agent would reach them, without any provider or session store.
//!
//! [`signed_in_as`] puts the user (and the routes' context) where the layer
//! would, so that every extractor answers as in production:
//!
//! ```
//! use axum::Router;
//! use axum::body::Body;
//! use axum::routing::get;
//! use franceconnect_axum::{Acr, Platform, SignedInUser};
//! use franceconnect_axum::{Agent, Citizen, testing};
//! use http::{Request, StatusCode};
//! use tower::ServiceExt as _;
//!
//! fn app() -> Router {
//!     Router::new()
//!         .route("/demarches", get(|Citizen(c): Citizen| async move { c.family_name }))
//!         .route("/instruction", get(|Agent(a): Agent| async move { a.usual_name }))
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let agent = SignedInUser::for_testing(
//!     Platform::ProConnect,
//!     "3f2b6c1e-8d4a-4f7e-9b1c-5a6d7e8f9a0b",
//!     Acr::Eidas1,
//!     serde_json::json!({"given_name": "Inès", "usual_name": "Roy", "email": "ines.roy@mairie.example.fr"}),
//! )
//! .unwrap();
//! let as_agent = testing::signed_in_as(app(), agent);
//! let get = |path: &str| Request::get(path).body(Body::empty()).unwrap();
//! let ok = as_agent.clone().oneshot(get("/instruction")).await.unwrap();
//! assert_eq!(ok.status(), StatusCode::OK);
//! // A citizens' page refuses an agent.
//! let refused = as_agent.oneshot(get("/demarches")).await.unwrap();
//! assert_eq!(refused.status(), StatusCode::FORBIDDEN);
//! // Nobody signed in: the way to the login.
//! let anonymous = testing::anonymous(app()).oneshot(get("/demarches")).await.unwrap();
//! assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
//! # }
//! ```
//!
//! To sign in through a real login instead, against the mock provider
//! started in the test itself, see `franceconnect-axum/tests/sign_in_with_the_mock.rs`.

use axum::Extension;
use axum::Router;
use franceconnect_tower::SignedInUser;
use franceconnect_tower::web::AuthContext;

/// `router` as `user` reaches it: the user and the routes' context (under
/// `/auth`) put in every request, as [`FranceConnectRouterExt`](crate::FranceConnectRouterExt)'s
/// layer would. Apply it last, around the routes under test.
pub fn signed_in_as<S: Clone + Send + Sync + 'static>(router: Router<S>, user: SignedInUser) -> Router<S> {
    anonymous(router).layer(Extension(user))
}

/// `router` as an anonymous visitor reaches it: the routes' context only.
pub fn anonymous<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router.layer(Extension(AuthContext::new("/auth")))
}
