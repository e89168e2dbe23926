//! Not part of the public API: what the fuzz targets, the benchmarks and
//! the test suite need from inside the engine, behind the `__private`
//! feature. Anything here may change or disappear in any release.

pub mod fuzz;
#[cfg(test)]
mod mutations;

use crate::client::FranceConnect;
use crate::error::Error;
use crate::flow::PendingLogin;
use crate::identity::SignedInUser;
use crate::jose::SigningAlg;

/// The user as a session stores it (with the tokens the logout needs,
/// which the public `Serialize` leaves out): for the tests that look for
/// secrets where they must not be.
pub fn stored_form(user: &SignedInUser) -> serde_json::Value {
    serde_json::to_value(crate::identity::StoredUser(user)).expect("a user serialises")
}

/// Forgets the refreshes' shared results, as once their access tokens
/// near their end (the successors of the spent refresh tokens are kept):
/// for the tests of a session that brings a spent refresh token later.
pub fn forget_shared_refreshes(fc: &FranceConnect) {
    fc.inner.refreshes.forget_results();
}

/// How long a failed fetch with no good copy is remembered before the
/// provider is asked again: tests that bring a provider back wait this long.
pub const PROVIDER_FAILURE_BACKOFF: std::time::Duration = crate::provider::cached_document::FAILURE_BACKOFF;

/// The checks of a callback's tokens, as they arrive from the token and
/// userinfo endpoints, to the typed user: what `complete_login` does after
/// the code exchange and the userinfo request (the `callback` benchmark).
pub async fn validate_tokens(
    fc: &FranceConnect,
    id_token: &str,
    userinfo: &str,
    pending: &PendingLogin,
) -> Result<SignedInUser, Error> {
    let metadata = fc.discover().await?;
    let checked = fc.check_id_token(&metadata, id_token, pending).await?;
    fc.signed_in_user(
        &metadata,
        checked,
        crate::flow::Userinfo::Token(userinfo.to_owned()),
        String::new(),
    )
    .await
}

/// The provider keys that fit an ES256 token naming `kid`, from the JWKS
/// cache (fetching it when cold, refetching once per cooldown for an
/// unknown kid): the `jwks_cache` benchmark.
pub async fn provider_keys_for(fc: &FranceConnect, kid: Option<&str>) -> Result<usize, Error> {
    let metadata = fc.discover().await?;
    let keys = fc
        .inner
        .jwks
        .keys_for(&metadata.jwks_uri, kid, SigningAlg::Es256)
        .await?;
    Ok(keys.len())
}
