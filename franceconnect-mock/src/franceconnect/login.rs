//! Completing a FranceConnect or FranceConnect+ login, chosen on the login
//! page or automatically: the code for the person and the level reached,
//! with the platform's `amr` (a European citizen's is `eidas`) and the
//! login time. ProConnect's is `proconnect::login`.

use std::time::Instant;

use crate::config::Eidas;
use crate::jose::tokens;
use crate::state::grants::CodeGrant;
use crate::state::pending_login::PendingLogin;
use crate::state::shared::Shared;

/// Completes `login` for `identity_id` at level `acr`: issues a code and
/// returns the callback URL `redirect_uri?code=…&state=…&iss=…`.
pub(crate) fn complete(shared: &Shared, login: PendingLogin, identity_id: &str, acr: Eidas) -> String {
    let login_forced = login.force_login;
    let identity = shared.identity(identity_id);
    let grant = CodeGrant {
        login,
        identity_id: identity_id.to_owned(),
        acr: acr.as_str().to_owned(),
        amr: tokens::franceconnect_amr(shared.platform, identity.as_ref())
            .iter()
            .map(|value| (*value).to_owned())
            .collect(),
        auth_time: auth_time(shared, login_forced),
        sid: None,
        issued: Instant::now(),
    };
    shared.issue_code(grant)
}

/// When the user authenticated: now, unless a test says they came with an
/// older single sign-on session and the request did not force a new
/// authentication (`prompt=login`).
fn auth_time(shared: &Shared, login_forced: bool) -> u64 {
    let sso_age = shared.scenarios().sso_age_secs;
    if login_forced {
        tokens::now()
    } else {
        tokens::now().saturating_sub(sso_age)
    }
}
