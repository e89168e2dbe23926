//! What a completed login gives: the authorization code, the access token,
//! ProConnect's refresh token, and what a redeemed code remembers.

use std::time::Instant;

use crate::state::pending_login::PendingLogin;

/// An authorization code, redeemable once; a refresh token keeps it to
/// issue the same login's tokens again.
#[derive(Debug, Clone)]
pub(crate) struct CodeGrant {
    /// The login it comes from.
    pub login: PendingLogin,
    /// Who logged in: an identity's id, or on ProConnect an agent's.
    pub identity_id: String,
    /// The `acr` reached (an eIDAS level, or one of ProConnect's values).
    pub acr: String,
    /// The `amr` of the login, sent when the client asked for it.
    pub amr: Vec<String>,
    /// Login time (seconds since the epoch).
    pub auth_time: u64,
    /// The provider session's id, ProConnect's `sid` claim.
    pub sid: Option<String>,
    /// When the code was issued.
    pub issued: Instant,
}

/// An access token for userinfo.
#[derive(Debug, Clone)]
pub(crate) struct AccessGrant {
    /// The client it was issued to.
    pub client_id: String,
    /// Who logged in (an identity or an agent id).
    pub identity_id: String,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// The `acr` of its ID token.
    pub acr: String,
    /// When it was issued (seconds since the epoch, the provider's clock).
    pub issued_at: u64,
    /// When it expires (seconds since the epoch, the provider's clock).
    pub expires_at: u64,
    /// Expiry.
    pub expires: Instant,
}

/// A ProConnect refresh token: the login it renews, for its client.
#[derive(Debug, Clone)]
pub(crate) struct RefreshGrant {
    /// The login's code grant (its client, person, scopes, acr, nonce).
    pub grant: CodeGrant,
    /// Expiry.
    pub expires: Instant,
}

/// A ProConnect refresh token already used: presented again, it revokes
/// its whole grant, as `oidc-provider` does.
#[derive(Debug, Clone)]
pub(crate) struct ConsumedRefreshToken {
    /// The client it was issued to.
    pub client_id: String,
    /// When the login's code was issued: the grant's identity, shared by
    /// every refresh token of the login.
    pub grant_issued: Instant,
    /// When it would have expired: forgotten then.
    pub expires: Instant,
}

/// A redeemed authorization code: what it gave, revoked if it comes back.
#[derive(Debug, Clone)]
pub(crate) struct RedeemedCode {
    /// The access token it gave, once issued.
    pub access_token: Option<String>,
    /// The refresh token it gave (ProConnect).
    pub refresh_token: Option<String>,
    /// When it was redeemed.
    pub at: Instant,
}
