//! How the service authenticates at the token endpoint.

use serde::{Deserialize, Serialize};

/// The token endpoint's client authentication method.
///
/// The platforms advertise both, but their service records may not store
/// the method yet: use [`TokenEndpointAuth::PrivateKeyJwt`] only if your
/// registration says so, or the token request fails with `invalid_client`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum TokenEndpointAuth {
    /// `client_secret_post`: the client secret in the request body (the
    /// default; never HTTP Basic, which the platforms refuse).
    #[default]
    #[serde(rename = "client_secret_post")]
    ClientSecretPost,
    /// `private_key_jwt`: a client assertion signed with a signing key of
    /// the service's key set (`use: sig`; ES256, or RS256 on
    /// FranceConnect), published at `/auth/jwks`. A fresh assertion per
    /// request: `iss` = `sub` = the client id, `aud` = the token endpoint,
    /// a unique `jti`, and an expiry 60 seconds ahead.
    #[serde(rename = "private_key_jwt")]
    PrivateKeyJwt,
}

impl TokenEndpointAuth {
    /// The name the provider's metadata uses.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenEndpointAuth::ClientSecretPost => "client_secret_post",
            TokenEndpointAuth::PrivateKeyJwt => "private_key_jwt",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "client_secret_post" => Some(TokenEndpointAuth::ClientSecretPost),
            "private_key_jwt" => Some(TokenEndpointAuth::PrivateKeyJwt),
            _ => None,
        }
    }
}
