//! What the platform says of a token: [`TokenCheck`], live
//! ([`TokenInfo`]) or not ([`InactiveReason`]).

use std::fmt;

use serde::Serialize;

use crate::config::{Platform, Scope};
use crate::identity::{PivotIdentity, UserClaims};
use crate::protocol::acr::Acr;
use crate::protocol::values::ClientId;

/// The answer about a token: live, or not (a refusal, `401
/// invalid_token`, not an error).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum TokenCheck {
    /// The platform says the token is live, and it passed the API's checks.
    Active(Box<TokenInfo>),
    /// The token must be refused.
    Inactive(InactiveReason),
}

/// Why a token is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InactiveReason {
    /// The platform says it is not active (`{"active": false}`): unknown,
    /// expired, revoked, or ended by a logout.
    NotActive,
    /// The platform called it active, but its `exp` has passed.
    Expired,
    /// It was issued to a service that is not on the allow-list
    /// ([`allowed_clients`](super::ResourceConfigBuilder::allowed_clients)).
    ForeignClient,
    /// It is longer than any the platform issues
    /// ([`max_token_bytes`](super::ResourceConfigBuilder::max_token_bytes)):
    /// refused without asking the platform.
    TooLong,
    /// It is shorter than any the platform issues
    /// ([`MIN_TOKEN_LEN`](super::MIN_TOKEN_LEN)): refused without asking
    /// the platform, so that a made-up token costs it no request.
    TooShort,
    /// ProConnect called it active but did not say it is an access token
    /// (`token_type` `Bearer`): a refresh token, which opens no API.
    NotAnAccessToken,
    /// FranceConnect called it active, with none of this data provider's
    /// scopes: the person consented to none of its data.
    NoScopeOfThisProvider,
}

impl InactiveReason {
    /// A short label: `not_active`, `expired`, `foreign_client`,
    /// `too_long`, `too_short`, `not_an_access_token` or
    /// `no_scope_of_this_provider`.
    pub fn label(self) -> &'static str {
        match self {
            InactiveReason::NotActive => "not_active",
            InactiveReason::Expired => "expired",
            InactiveReason::ForeignClient => "foreign_client",
            InactiveReason::TooLong => "too_long",
            InactiveReason::TooShort => "too_short",
            InactiveReason::NotAnAccessToken => "not_an_access_token",
            InactiveReason::NoScopeOfThisProvider => "no_scope_of_this_provider",
        }
    }
}

/// The facts of a live access token, checked.
///
/// On FranceConnect and FranceConnect+ (`checktoken`), `sub` is pairwise
/// for the data provider (not the `sub` the service saw), `acr` is the
/// token's level, and [`claims`](Self::claims) and
/// [`identity`](Self::identity) hold the civil register's identity of the
/// person. On ProConnect (introspection), `sub` is the agent's, the same
/// the service saw, and there is no identity.
///
/// Neither its `Debug` nor its `Serialize` shows the identity: `Debug`
/// hides it and the claims' values, `Serialize` leaves
/// [`claims`](Self::claims) and [`identity`](Self::identity) out, so that
/// answering or logging the whole `TokenInfo` as JSON never spreads the
/// civil register's identity. An API that must return it reads those
/// fields and serialises what it needs itself, e.g.
/// `serde_json::to_value(&info.identity)` (as `examples/resource-server`
/// does).
#[derive(Clone, Serialize)]
#[non_exhaustive]
pub struct TokenInfo {
    /// The platform that issued the token.
    pub platform: Platform,
    /// The person's subject identifier (see above).
    pub sub: String,
    /// The service the token was issued to.
    pub client_id: ClientId,
    /// The token's scopes: on FranceConnect, those this data provider
    /// serves only (possibly none).
    pub scopes: Vec<Scope>,
    /// The level of the login (FranceConnect, FranceConnect+); with
    /// several values, the lowest.
    pub acr: Option<Acr>,
    /// When the token expires (Unix seconds).
    pub expires_at: i64,
    /// When the token was issued (Unix seconds), when the platform says.
    pub issued_at: Option<i64>,
    /// The identity the platform attached, typed (FranceConnect,
    /// FranceConnect+; empty on ProConnect). Not serialised (see above).
    #[serde(skip_serializing)]
    pub claims: UserClaims,
    /// The pivot identity, when [`claims`](Self::claims) hold it whole.
    /// Not serialised (see above).
    #[serde(skip_serializing)]
    pub identity: Option<PivotIdentity>,
}

impl TokenInfo {
    /// True when the token carries `scope`.
    pub fn has_scope(&self, scope: &Scope) -> bool {
        self.scopes.contains(scope)
    }

    /// The scopes of `required` the token lacks.
    pub fn missing_scopes<'a>(&self, required: &'a [Scope]) -> Vec<&'a Scope> {
        required.iter().filter(|s| !self.has_scope(s)).collect()
    }

    /// The scopes, space-separated as the platform writes them.
    pub fn scope_string(&self) -> String {
        self.scopes.iter().map(Scope::as_str).collect::<Vec<_>>().join(" ")
    }
}

impl fmt::Debug for TokenInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenInfo")
            .field("platform", &self.platform)
            .field("sub", &self.sub)
            .field("client_id", &self.client_id)
            .field("scopes", &self.scope_string())
            .field("acr", &self.acr)
            .field("expires_at", &self.expires_at)
            .field("issued_at", &self.issued_at)
            .field("claims", &self.claims)
            .field("identity", &self.identity.as_ref().map(|_| "[present]"))
            .finish()
    }
}
