//! What every platform's login page ("interaction") shares: the pending
//! login behind `/interaction/{uid}`, the form and its buttons, and the
//! page for an expired one. Each platform's page itself is
//! `franceconnect::login_page` (identities and eIDAS levels) or
//! `proconnect::login_page` (agents and the e-mail code); cancelling is
//! `endpoints::abort`, the same on all.

use axum::response::Response;

use crate::state::lifetimes::interaction_lifetime;
use crate::state::pending_login::PendingLogin;
use crate::state::shared::Shared;
use crate::web::html::{self, escape};

/// The login page's form, on every platform: `fieldsets` (already-escaped
/// HTML), then the buttons that post it to `…/login` or cancel at
/// `…/abort`, the routes of interaction `uid`.
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

/// The pending login `uid`, if it exists and has not expired; `remove`
/// takes it out of the store (a login completes or is cancelled once).
pub(crate) fn pending(shared: &Shared, uid: &str, remove: bool) -> Option<PendingLogin> {
    let mut store = shared.store();
    let login = if remove {
        store.pending.remove(uid)?
    } else {
        store.pending.get(uid)?.clone()
    };
    (login.created.elapsed() < interaction_lifetime(shared.platform)).then_some(login)
}

/// The error page for an unknown or expired interaction.
pub(crate) fn expired(shared: &Shared) -> Response {
    html::error_page(
        shared.platform.display_name(),
        "session_not_found",
        "Cette demande de connexion est inconnue ou a expiré. Retournez sur le site du fournisseur de service pour recommencer.",
    )
}
