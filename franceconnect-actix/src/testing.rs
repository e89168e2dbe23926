//! For an application's own tests: its handlers as a signed-in citizen or
//! agent would reach them, without any provider or session store.
//!
//! [`put_signed_in`] puts the user (and the routes' context) where the
//! middleware would, so that every extractor answers as in production:
//!
//! ```
//! use actix_web::dev::Service as _;
//! use actix_web::{App, test, web};
//! use franceconnect_actix::franceconnect_tower::{Acr, Platform, SignedInUser};
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
//!             testing::put_signed_in(&req, Some(&agent));
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

/// Puts `user` (or, with `None`, an anonymous visitor) and the routes'
/// context (under `/auth`) in the request, as
/// [`FranceConnectMiddleware`](crate::FranceConnectMiddleware) would: call
/// it from `App::wrap_fn` in a test.
pub fn put_signed_in(req: &ServiceRequest, user: Option<&SignedInUser>) {
    let mut extensions = req.extensions_mut();
    extensions.insert(AuthContext::new("/auth"));
    if let Some(user) = user {
        extensions.insert(user.clone());
    }
}
