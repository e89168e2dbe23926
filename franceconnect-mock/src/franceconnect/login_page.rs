//! The login page ("interaction") of FranceConnect and FranceConnect+:
//! the tester picks an identity and the eIDAS level reached, then logs in
//! or cancels (`endpoints::abort`). ProConnect's page, with
//! its agents, is `proconnect::login_page`.

use std::sync::Arc;

use axum::extract::{Path, RawForm, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::common::login_page::{expired, form, pending};
use crate::config::Eidas;
use crate::franceconnect::login;
use crate::state::lifetimes::interaction_lifetime;
use crate::state::pending_login::PendingLogin;
use crate::state::shared::Shared;
use crate::web::html::{self, escape};
use crate::web::params::Params;

/// Renders the login page of pending login `uid`.
pub(crate) fn render(shared: &Shared, uid: &str, login: &PendingLogin) -> Response {
    let platform = shared.platform.display_name();
    let mut identities = String::new();
    for (index, identity) in shared.identities().iter().enumerate() {
        identities.push_str(&format!(
            r#"<label class="identity"><input type="radio" name="identity" value="{id}"{checked} required> <strong>{name}</strong> <code>{id}</code><small>{description}</small></label>
"#,
            id = escape(&identity.id),
            checked = if index == 0 { " checked" } else { "" },
            name = escape(&identity.display_name()),
            description = escape(&identity.description),
        ));
    }
    let mut levels = String::new();
    for level in shared.platform.accepted_levels() {
        levels.push_str(&format!(
            r#"<option value="{value}"{selected}>{label}</option>"#,
            value = level.as_str(),
            selected = if *level == login.requested_acr { " selected" } else { "" },
            label = escape(level.label()),
        ));
    }
    let fieldsets = format!(
        r#"<fieldset>
<legend>Choisissez une identité de test</legend>
{identities}</fieldset>
<fieldset>
<legend><label for="acr">Niveau eIDAS atteint</label></legend>
<select id="acr" name="acr">{levels}</select>
<p class="muted">Un niveau inférieur à celui demandé est transmis tel quel : le fournisseur de service doit le refuser.</p>
</fieldset>
"#
    );
    let body = format!(
        r#"<h1>Connexion avec {platform}</h1>
<p>Le fournisseur de service <code>{client}</code> demande une connexion au niveau <strong>{requested}</strong>
avec les données : <code>{scopes}</code>.</p>
{form}
<p class="muted">Simulateur local : ces personnes sont fictives. Cette page expire dans {minutes} minutes.</p>"#,
        platform = escape(platform),
        client = escape(&login.client_id),
        requested = login.requested_acr.as_str(),
        scopes = escape(&login.scopes.join(" ")),
        form = form(shared, uid, &fieldsets),
        minutes = interaction_lifetime(shared.platform).as_secs() / 60,
    );
    html::response(axum::http::StatusCode::OK, html::page("Connexion", platform, &body))
}

/// `GET /interaction/{uid}`: shows the page again.
pub(crate) async fn show(State(shared): State<Arc<Shared>>, Path(uid): Path<String>) -> Response {
    match pending(&shared, &uid, false) {
        Some(login) => render(&shared, &uid, &login),
        None => expired(&shared),
    }
}

/// `POST /interaction/{uid}/login`: the form submitted, the login
/// completed.
pub(crate) async fn submit(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    RawForm(form): RawForm,
) -> Response {
    let platform = shared.platform.display_name();
    let form = Params::parse(&String::from_utf8_lossy(&form)).unwrap_or_default();
    let identity_id = form.get("identity").unwrap_or_default().to_owned();
    let acr = form.get("acr").and_then(Eidas::parse);
    if shared.identity(&identity_id).is_none() {
        return html::error_page(platform, "invalid_request", "Choisissez une identité de test.");
    }
    let Some(acr) = acr.filter(|level| shared.platform.accepts(*level)) else {
        return html::error_page(
            platform,
            "invalid_request",
            "Niveau eIDAS invalide pour cette plateforme.",
        );
    };
    let Some(login) = pending(&shared, &uid, true) else {
        return expired(&shared);
    };
    let url = login::complete(&shared, login, &identity_id, acr);
    Redirect::to(&url).into_response()
}
