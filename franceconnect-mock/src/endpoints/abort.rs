//! `POST /interaction/{uid}/abort`, on every platform: the user cancels
//! on the login page, and the service's callback gets `access_denied`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::common::login_page::{expired, pending};
use crate::state::shared::Shared;

/// `POST /interaction/{uid}/abort`.
pub(crate) async fn abort(State(shared): State<Arc<Shared>>, Path(uid): Path<String>) -> Response {
    let Some(login) = pending(&shared, &uid, true) else {
        return expired(&shared);
    };
    tracing::info!(client_id = %login.client_id, "login cancelled by the user");
    let url = shared.error_callback(
        &login.redirect_uri,
        &login.state,
        "access_denied",
        "L'utilisateur a annulé la connexion.",
    );
    Redirect::to(&url).into_response()
}
