//! The HTTP routes of the provider, all under its issuer's path (`/api/v2`,
//! or `/fc/api/v2` and the like in a federation).

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

use crate::state::Shared;
use crate::{authorize, discovery, interaction, logout, revocation, token_endpoint, userinfo};

/// The router of one platform, its routes under the issuer's path.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let routes = Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(discovery::openid_configuration),
        )
        .route("/jwks", get(discovery::jwks))
        .route("/authorize", get(authorize::authorize).post(authorize::authorize_post))
        .route("/token", post(token_endpoint::token))
        .route("/token/revocation", post(revocation::revoke))
        .route("/userinfo", get(userinfo::userinfo))
        .route("/session/end", get(logout::end_session))
        .route("/interaction/{uid}", get(interaction::show))
        .route("/interaction/{uid}/login", post(interaction::login))
        .route("/interaction/{uid}/abort", post(interaction::abort));
    let base_path = shared.base_path.clone();
    Router::new().nest(&base_path, routes).with_state(shared)
}
