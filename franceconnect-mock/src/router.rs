//! The HTTP routes of one platform, all under its issuer's path (`/api/v2`,
//! or `/fc/api/v2` and the like in a federation): the one place where each
//! platform's own handlers are picked. No handler hands a request over to
//! another platform's, so `franceconnect` and `proconnect` never import
//! each other, and what they share (`common`) imports neither.

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

use crate::config::Platform;
use crate::endpoints::{abort, checktoken, introspection, jwks, revocation, token, userinfo};
use crate::franceconnect;
use crate::proconnect;
use crate::state::shared::Shared;

/// The router of one platform, its routes under the issuer's path.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let common = Router::new()
        .route("/jwks", get(jwks::jwks))
        .route("/token", post(token::token))
        .route("/token/revocation", post(revocation::revoke))
        .route("/userinfo", get(userinfo::userinfo))
        .route("/interaction/{uid}/abort", post(abort::abort));
    let routes = match shared.platform {
        Platform::FranceConnect | Platform::FranceConnectPlus => common
            .route("/checktoken", post(checktoken::checktoken))
            .route(
                "/.well-known/openid-configuration",
                get(franceconnect::discovery::openid_configuration),
            )
            .route(
                "/authorize",
                get(franceconnect::authorize::authorize).post(franceconnect::authorize::authorize_post),
            )
            .route("/interaction/{uid}", get(franceconnect::login_page::show))
            .route("/interaction/{uid}/login", post(franceconnect::login_page::submit))
            .route("/session/end", get(franceconnect::logout::end_session)),
        Platform::ProConnect => common
            .route("/token/introspection", post(introspection::introspect))
            .route(
                "/.well-known/openid-configuration",
                get(proconnect::discovery::openid_configuration),
            )
            .route(
                "/authorize",
                get(proconnect::authorize::authorize).post(proconnect::authorize::authorize_post),
            )
            .route("/interaction/{uid}", get(proconnect::login_page::show))
            .route("/interaction/{uid}/login", post(proconnect::login_page::submit))
            .route("/session/end", get(proconnect::logout::end_session)),
    };
    let base_path = shared.base_path.clone();
    Router::new().nest(&base_path, routes).with_state(shared)
}
