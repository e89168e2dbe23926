//! How long each thing a login leaves lives, per platform: the pending
//! login, the code, the tokens, ProConnect's session, and how long a
//! client assertion's `jti` is remembered.

use std::time::Duration;

use crate::config::Platform;
use crate::jose::tokens;

/// How long a pending login (the interaction page) stays usable: the
/// platform's interaction lifetime, 30 minutes on FranceConnect and 10 on
/// FranceConnect+; on ProConnect, `oidc-provider`'s default hour.
pub(crate) fn interaction_lifetime(platform: Platform) -> Duration {
    match platform {
        Platform::FranceConnect => Duration::from_secs(30 * 60),
        Platform::FranceConnectPlus => Duration::from_secs(10 * 60),
        Platform::ProConnect => Duration::from_secs(60 * 60),
    }
}

/// Default lifetime of an authorization code: 30 seconds on
/// FranceConnect(+), 60 on ProConnect (its documentation).
pub(crate) fn default_code_lifetime(platform: Platform) -> Duration {
    match platform {
        Platform::FranceConnect | Platform::FranceConnectPlus => Duration::from_secs(30),
        Platform::ProConnect => Duration::from_secs(60),
    }
}

/// The clock leeway on a client assertion's `exp`; an assertion's `jti`
/// is remembered until its `exp` plus this.
pub(crate) const ASSERTION_LEEWAY_SECS: i64 = 30;

/// Lifetime of an access token on `platform`.
pub(crate) fn access_token_lifetime(platform: Platform) -> Duration {
    Duration::from_secs(tokens::token_lifetime_secs(platform))
}

/// A ProConnect single sign-on session lasts 12 hours from the login,
/// without sliding (fca/config/session.ts).
pub(crate) const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);

/// Lifetime of a ProConnect refresh token: the platform's session lifetime.
pub(crate) const REFRESH_TOKEN_LIFETIME: Duration = SESSION_LIFETIME;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interaction_lifetime_is_the_platform_one() {
        assert_eq!(interaction_lifetime(Platform::FranceConnect), Duration::from_secs(1800));
        assert_eq!(
            interaction_lifetime(Platform::FranceConnectPlus),
            Duration::from_secs(600)
        );
        assert_eq!(default_code_lifetime(Platform::FranceConnect), Duration::from_secs(30));
        assert_eq!(default_code_lifetime(Platform::ProConnect), Duration::from_secs(60));
    }
}
