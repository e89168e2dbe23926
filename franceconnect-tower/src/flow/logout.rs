//! The logout: clear the local session first, then send the browser to the
//! provider's `/session/end` with the signed ID token as `id_token_hint`
//! (the inner JWS on FranceConnect+, which the provider can read), a fresh
//! `state`, and the registered post-logout URI.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::client::FranceConnect;
use crate::error::{Error, StateError};
use crate::identity::SignedInUser;
use crate::protocol::values::State;

/// A logout in progress: keep it (in the new, empty session) to check the
/// provider's redirect.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingLogout {
    /// The `state` sent to the provider.
    pub state: State,
}

impl FranceConnect {
    /// The provider's logout URL for this user, and the pending logout.
    pub async fn logout_url(&self, user: &SignedInUser) -> Result<(Url, PendingLogout), Error> {
        let metadata = self.discover().await?;
        let pending = PendingLogout { state: State::random() };
        let mut url = metadata
            .end_session_endpoint
            .clone()
            .ok_or_else(|| Error::discovery("the provider has no end_session_endpoint"))?;
        url.query_pairs_mut()
            .append_pair("id_token_hint", user.id_token_hint.secret())
            .append_pair("state", pending.state.secret())
            .append_pair(
                "post_logout_redirect_uri",
                self.inner.config.post_logout_redirect_uri.as_str(),
            );
        Ok((url, pending))
    }

    /// Checks the `state` of the provider's redirect after logout. Tolerant
    /// when the provider omits it; a *different* state is refused.
    pub fn check_logout_callback(&self, state: Option<&str>, pending: Option<&PendingLogout>) -> Result<(), Error> {
        match (state, pending) {
            (None, _) => Ok(()),
            (Some(s), Some(p)) if p.state.matches(s) => Ok(()),
            (Some(_), _) => Err(StateError::Mismatch.into()),
        }
    }
}
