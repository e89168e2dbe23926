//! The login page ("interaction"): the tester picks an identity and the
//! eIDAS level reached, then logs in or cancels (ProConnect's page, with
//! its agents, is `proconnect::page`).

use std::sync::Arc;

use axum::extract::{Path, RawForm, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::config::{Eidas, Platform};
use crate::html::{self, escape};
use crate::params::Params;
use crate::proconnect;
use crate::state::{PendingLogin, Shared, interaction_lifetime};

/// Renders the login page of pending login `uid`.
pub(crate) fn render(shared: &Shared, uid: &str, login: &PendingLogin) -> Response {
    if shared.platform == Platform::ProConnect {
        return proconnect::page::render(shared, uid, login);
    }
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

/// The login page's form, on every platform: `fieldsets` (already-escaped
/// HTML), then the buttons that post it to [`login`] or cancel at
/// [`abort`], the routes of interaction `uid`.
pub(crate) fn form(shared: &Shared, uid: &str, fieldsets: &str) -> String {
    let action = format!("{}/interaction/{}", shared.base_path, escape(uid));
    format!(
        r#"<form method="post" action="{action}/login">
{fieldsets}<div class="actions">
<button type="submit" class="primary">Se connecter</button>
<button type="submit" class="secondary" formaction="{action}/abort" formnovalidate>Annuler</button>
</div>
</form>"#
    )
}

/// The pending login `uid`, if it exists and has not expired.
fn pending(shared: &Shared, uid: &str, remove: bool) -> Option<PendingLogin> {
    let mut store = shared.store();
    let login = if remove {
        store.pending.remove(uid)?
    } else {
        store.pending.get(uid)?.clone()
    };
    (login.created.elapsed() < interaction_lifetime(shared.platform)).then_some(login)
}

/// The error page for an unknown or expired interaction.
fn expired(shared: &Shared) -> Response {
    html::error_page(
        shared.platform.display_name(),
        "session_not_found",
        "Cette demande de connexion est inconnue ou a expiré. Retournez sur le site du fournisseur de service pour recommencer.",
    )
}

/// `GET /interaction/{uid}`: shows the page again.
pub(crate) async fn show(State(shared): State<Arc<Shared>>, Path(uid): Path<String>) -> Response {
    match pending(&shared, &uid, false) {
        Some(login) => render(&shared, &uid, &login),
        None => expired(&shared),
    }
}

/// `POST /interaction/{uid}/login`: completes the login.
pub(crate) async fn login(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    RawForm(form): RawForm,
) -> Response {
    let platform = shared.platform.display_name();
    let form = Params::parse(&String::from_utf8_lossy(&form)).unwrap_or_default();
    if shared.platform == Platform::ProConnect {
        let Some((agent_id, mfa)) = proconnect::page::choice(&shared, &form) else {
            return proconnect::page::no_agent_chosen(&shared);
        };
        let Some(login) = pending(&shared, &uid, true) else {
            return expired(&shared);
        };
        return proconnect::page::submit(&shared, login, agent_id, mfa);
    }
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
    let url = shared.complete_login(login, &identity_id, acr);
    Redirect::to(&url).into_response()
}

/// `POST /interaction/{uid}/abort`: the user cancels.
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
