//! For an application's own tests: its handlers as a signed-in citizen or
//! agent would reach them, without any provider or session store.
//!
//! [`signed_in_as`] puts the user (and the routes' context) where the
//! middleware would, so that every extractor answers as in production, and
//! [`anonymous`] the context alone (the same names as
//! `franceconnect_axum::testing`'s):
//!
//! ```
//! use actix_web::dev::Service as _;
//! use actix_web::{App, test, web};
//! use franceconnect_actix::{Acr, Platform, SignedInUser};
//! use franceconnect_actix::{Agent, Citizen, testing};
//!
//! async fn procedures(Citizen(c): Citizen) -> String {
//!     c.family_name
//! }
//! async fn casework(Agent(a): Agent) -> String {
//!     a.usual_name
//! }
//!
//! # actix_web::rt::System::new().block_on(async {
//! let agent = SignedInUser::for_testing(
//!     Platform::ProConnect,
//!     "3f2b6c1e-8d4a-4f7e-9b1c-5a6d7e8f9a0b",
//!     Acr::Eidas1,
//!     serde_json::json!({"given_name": "Inès", "usual_name": "Roy", "email": "ines.roy@mairie.example.fr"}),
//! )
//! .unwrap();
//! let app = test::init_service(
//!     App::new()
//!         .route("/demarches", web::get().to(procedures))
//!         .route("/instruction", web::get().to(casework))
//!         .wrap_fn(move |req, srv| {
//!             testing::signed_in_as(&req, &agent);
//!             srv.call(req)
//!         }),
//! )
//! .await;
//! let ok = test::call_service(&app, test::TestRequest::get().uri("/instruction").to_request()).await;
//! assert_eq!(ok.status(), 200);
//! // A citizens' page refuses an agent.
//! let refused = test::call_service(&app, test::TestRequest::get().uri("/demarches").to_request()).await;
//! assert_eq!(refused.status(), 403);
//! # });
//! ```

use actix_web::HttpMessage;
use actix_web::dev::ServiceRequest;
use franceconnect_tower::SignedInUser;
use franceconnect_tower::web::AuthContext;

/// Puts `user` and the routes' context (under `/auth`) in the request, as
/// [`FranceConnectMiddleware`](crate::FranceConnectMiddleware) would for a
/// signed-in visitor: call it from `App::wrap_fn` in a test.
pub fn signed_in_as(req: &ServiceRequest, user: &SignedInUser) {
    anonymous(req);
    req.extensions_mut().insert(user.clone());
}

/// Puts the routes' context (under `/auth`) in the request, as
/// [`FranceConnectMiddleware`](crate::FranceConnectMiddleware) would for a
/// visitor nobody signed in: the extractors then answer "sign in".
pub fn anonymous(req: &ServiceRequest) {
    req.extensions_mut().insert(AuthContext::new("/auth"));
}

/// The earlier name of [`signed_in_as`] and [`anonymous`] together.
#[deprecated(note = "use `signed_in_as(req, user)` or `anonymous(req)`, the names of franceconnect_axum::testing")]
pub fn put_signed_in(req: &ServiceRequest, user: Option<&SignedInUser>) {
    match user {
        Some(user) => signed_in_as(req, user),
        None => anonymous(req),
    }
}
