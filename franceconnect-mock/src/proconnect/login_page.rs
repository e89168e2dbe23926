//! ProConnect's login page: instead of the e-mail screen and the identity
//! provider, the tester picks a fictional agent and whether they would
//! enter ProConnect's e-mail code (the MFA step), then logs in or cancels.
//! Form fields: `identity` (the agent's id) and `mfa` (present when
//! chosen). Cancelling is `endpoints::abort`, as on every
//! platform.

use std::sync::Arc;

use axum::extract::{Path, RawForm, State};
use axum::http::StatusCode;
use axum::response::Response;

use crate::common::login_page::{expired, form, pending};
use crate::proconnect::agent_choice;
use crate::proconnect::login::{self, Authentication};
use crate::state::lifetimes::interaction_lifetime;
use crate::state::pending_login::PendingLogin;
use crate::state::shared::Shared;
use crate::web::html::{self, escape};
use crate::web::params::Params;

/// Renders the login page of pending login `uid`: the agents of the
/// hinted identity provider (all without `idp_hint`), the one `login_hint`
/// names preselected.
pub(crate) fn render(shared: &Shared, uid: &str, login: &PendingLogin) -> Response {
    let platform = shared.platform.display_name();
    let request = login.agent_request.clone().unwrap_or_default();
    let preselected = agent_choice::default_agent(shared, Some(&request)).map(|agent| agent.id);
    let mut agents = String::new();
    for agent in shared
        .agents()
        .iter()
        .filter(|agent| request.idp_hint.as_ref().is_none_or(|idp| *idp == agent.idp_id))
    {
        let organisation = agent.organization_label.as_deref().unwrap_or("organisation inconnue");
        agents.push_str(&format!(
            r#"<label class="identity"><input type="radio" name="identity" value="{id}"{checked} required> <strong>{name}</strong> — {organisation} <code>{email}</code><small>{description} (fournisseur d'identité : niveau <code>{idp_acr}</code>)</small></label>
"#,
            id = escape(&agent.id),
            checked = if preselected.as_deref() == Some(agent.id.as_str()) { " checked" } else { "" },
            name = escape(&agent.display_name()),
            organisation = escape(organisation),
            email = escape(&agent.email),
            description = escape(&agent.description),
            idp_acr = escape(&agent.idp_acr),
        ));
    }
    let required = if request.essential_acr.is_empty() {
        "aucun niveau exigé".to_owned()
    } else {
        format!(
            "niveaux exigés : <code>{}</code>",
            escape(&request.essential_acr.join(" "))
        )
    };
    let hint = match &request.login_hint {
        Some(email) => {
            let matched = shared.agents().iter().any(|agent| agent.email == *email);
            format!(
                "<p class=\"muted\">Adresse indiquée par le service (login_hint) : <code>{}</code>{}.</p>",
                escape(email),
                if matched { "" } else { " — aucun agent fictif ne l'a" }
            )
        }
        None => String::new(),
    };
    let siret = match &request.siret_hint {
        Some(siret) => format!(
            "<p class=\"muted\">Organisation indiquée par le service au fournisseur d'identité (siret_hint) : <code>{}</code>.</p>",
            escape(siret)
        ),
        None => String::new(),
    };
    let fieldsets = format!(
        r#"<fieldset>
<legend>Choisissez un agent de test</legend>
{agents}</fieldset>
<fieldset>
<legend>Double authentification</legend>
<label><input type="checkbox" name="mfa" value="on"> Saisir le code envoyé par e-mail par {platform}</label>
<p class="muted">Utilisé seulement si le service exige un niveau « -mfa » que le fournisseur d'identité n'atteint pas seul (eidas0 ou eidas1).</p>
</fieldset>
"#,
        platform = escape(platform),
    );
    let body = format!(
        r#"<h1>Connexion avec {platform}</h1>
<p>Le service <code>{client}</code> demande une connexion ({required}) avec les données : <code>{scopes}</code>.</p>
{hint}{siret}{form}
<p class="muted">Simulateur local : ces agents sont fictifs. Cette page expire dans {minutes} minutes.</p>"#,
        platform = escape(platform),
        client = escape(&login.client_id),
        scopes = escape(&login.scopes.join(" ")),
        form = form(shared, uid, &fieldsets),
        minutes = interaction_lifetime(shared.platform).as_secs() / 60,
    );
    html::response(StatusCode::OK, html::page("Connexion", platform, &body))
}

/// `GET /interaction/{uid}`: shows the page again.
pub(crate) async fn show(State(shared): State<Arc<Shared>>, Path(uid): Path<String>) -> Response {
    match pending(&shared, &uid, false) {
        Some(login) => render(&shared, &uid, &login),
        None => expired(&shared),
    }
}

/// `POST /interaction/{uid}/login`: the form submitted, the login
/// completed with the agent and the e-mail code chosen. A form naming no
/// known agent leaves the pending login in place, to choose again.
pub(crate) async fn submit(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    RawForm(form): RawForm,
) -> Response {
    let form = Params::parse(&String::from_utf8_lossy(&form)).unwrap_or_default();
    let agent_id = form.get("identity").unwrap_or_default().to_owned();
    if shared.agent(&agent_id).is_none() {
        return html::error_page(
            shared.platform.display_name(),
            "invalid_request",
            "Choisissez un agent de test.",
        );
    }
    let Some(login) = pending(&shared, &uid, true) else {
        return expired(&shared);
    };
    let authentication = Authentication::Fresh {
        agent_id,
        idp_acr: None,
        email_code_chosen: form.raw("mfa").is_some(),
    };
    login::complete(&shared, login, authentication)
}
