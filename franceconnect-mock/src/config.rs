//! Platform and client registration: which platform the mock imitates
//! (FranceConnect, FranceConnect+ or ProConnect) and which service
//! providers (clients) it knows.

use std::fmt;
use std::str::FromStr;

/// Path of the issuer under its origin (or, in a federation, under the
/// platform's prefix): every endpoint is below it. The platforms' own
/// issuers end so, and clients build endpoint URLs from the issuer.
pub(crate) const BASE_PATH: &str = "/api/v2";

/// The platform imitated by the mock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Platform {
    /// FranceConnect: eIDAS low (`eidas1`), signed tokens, ES256 or RS256.
    FranceConnect,
    /// FranceConnect+: eIDAS substantial/high (`eidas2`, `eidas3`), signed
    /// then encrypted tokens, ES256 only.
    FranceConnectPlus,
    /// ProConnect (formerly AgentConnect), the federation of public agents'
    /// identity providers: public `sub`, refresh tokens, acr from the
    /// agent's identity provider (`eidas0` … `eidas3`, `-mfa` after an
    /// e-mail code), no encryption, ES256 or RS256.
    ProConnect,
}

impl Platform {
    /// The eIDAS levels this platform accepts in `acr_values`. ProConnect
    /// accepts any value there and enforces none (its levels come from the
    /// agent's identity provider), so all three.
    pub fn accepted_levels(self) -> &'static [Eidas] {
        match self {
            Platform::FranceConnect => &[Eidas::Eidas1],
            Platform::FranceConnectPlus => &[Eidas::Eidas2, Eidas::Eidas3],
            Platform::ProConnect => &[Eidas::Eidas1, Eidas::Eidas2, Eidas::Eidas3],
        }
    }

    /// Whether this platform accepts `level` in `acr_values`.
    pub fn accepts(self, level: Eidas) -> bool {
        self.accepted_levels().contains(&level)
    }

    /// The level a login is asked at when `acr_values` holds no known eIDAS
    /// value (unknown values are dropped): `eidas1` on FranceConnect,
    /// `eidas3` on FranceConnect+, as the platform's configuration says; on
    /// ProConnect, `eidas1`, what an identity provider's unlisted acr counts
    /// as.
    pub fn default_level(self) -> Eidas {
        match self {
            Platform::FranceConnect | Platform::ProConnect => Eidas::Eidas1,
            Platform::FranceConnectPlus => Eidas::Eidas3,
        }
    }

    /// The real sandbox issuer of this platform (used by the
    /// [`Tamper::WrongIssuer`](crate::Tamper::WrongIssuer) scenario: a
    /// plausible but wrong issuer).
    pub fn sandbox_issuer(self) -> &'static str {
        match self {
            Platform::FranceConnect => "https://fcp-low.sbx.dev-franceconnect.fr/api/v2",
            Platform::FranceConnectPlus => "https://auth.integ01.dev-franceconnect.fr/api/v2",
            Platform::ProConnect => "https://fca.integ01.dev-agentconnect.fr/api/v2",
        }
    }

    /// Short name: `fc`, `fcplus` or `proconnect`. It is the platform's
    /// path prefix in a [`MockFederation`](crate::MockFederation) (its
    /// issuer is `{origin}/{short_name}/api/v2`), and parses back with
    /// [`FromStr`].
    pub fn short_name(self) -> &'static str {
        match self {
            Platform::FranceConnect => "fc",
            Platform::FranceConnectPlus => "fcplus",
            Platform::ProConnect => "proconnect",
        }
    }

    /// Human-readable name, as shown on the pages.
    pub fn display_name(self) -> &'static str {
        match self {
            Platform::FranceConnect => "FranceConnect",
            Platform::FranceConnectPlus => "FranceConnect+",
            Platform::ProConnect => "ProConnect",
        }
    }
}

impl FromStr for Platform {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "fc" | "franceconnect" => Ok(Platform::FranceConnect),
            "fcplus" | "fc+" | "franceconnectplus" | "franceconnect+" => Ok(Platform::FranceConnectPlus),
            "pc" | "proconnect" | "agentconnect" => Ok(Platform::ProConnect),
            other => Err(format!("unknown platform `{other}` (expected fc, fcplus or pc)")),
        }
    }
}

/// An eIDAS level of assurance, as carried by `acr_values` and `acr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Eidas {
    /// `eidas1`: low.
    Eidas1,
    /// `eidas2`: substantial.
    Eidas2,
    /// `eidas3`: high.
    Eidas3,
}

impl Eidas {
    /// The protocol value: `"eidas1"`, `"eidas2"` or `"eidas3"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Eidas::Eidas1 => "eidas1",
            Eidas::Eidas2 => "eidas2",
            Eidas::Eidas3 => "eidas3",
        }
    }

    /// Parses a protocol value; `None` for anything else.
    pub fn parse(value: &str) -> Option<Eidas> {
        match value {
            "eidas1" => Some(Eidas::Eidas1),
            "eidas2" => Some(Eidas::Eidas2),
            "eidas3" => Some(Eidas::Eidas3),
            _ => None,
        }
    }

    /// French label shown on the login page.
    pub fn label(self) -> &'static str {
        match self {
            Eidas::Eidas1 => "eidas1 — niveau faible",
            Eidas::Eidas2 => "eidas2 — niveau substantiel",
            Eidas::Eidas3 => "eidas3 — niveau élevé",
        }
    }
}

impl fmt::Display for Eidas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Eidas {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Eidas::parse(s).ok_or_else(|| format!("unknown eIDAS level `{s}`"))
    }
}

/// Signature algorithm of the ID token and userinfo, chosen per client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[allow(clippy::upper_case_acronyms)]
pub enum SigningAlg {
    /// ECDSA P-256 SHA-256 (recommended; the only one on FranceConnect+).
    #[default]
    ES256,
    /// RSASSA-PKCS1-v1_5 SHA-256 (FranceConnect and ProConnect).
    RS256,
}

impl SigningAlg {
    /// The JOSE name.
    pub fn as_str(self) -> &'static str {
        match self {
            SigningAlg::ES256 => "ES256",
            SigningAlg::RS256 => "RS256",
        }
    }
}

impl FromStr for SigningAlg {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_uppercase().as_str() {
            "ES256" => Ok(SigningAlg::ES256),
            "RS256" => Ok(SigningAlg::RS256),
            other => Err(format!("unknown signing alg `{other}` (expected ES256 or RS256)")),
        }
    }
}

/// Key management algorithm of the JWE wrapping encrypted tokens (content
/// encryption is always `A256GCM`; `RSA-OAEP-256` on FranceConnect+ only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EncryptionAlg {
    /// `ECDH-ES` (client key: EC P-256).
    EcdhEs,
    /// `RSA-OAEP` (client key: RSA).
    RsaOaep,
    /// `RSA-OAEP-256` (client key: RSA).
    RsaOaep256,
}

impl EncryptionAlg {
    /// The JOSE name.
    pub fn as_str(self) -> &'static str {
        match self {
            EncryptionAlg::EcdhEs => "ECDH-ES",
            EncryptionAlg::RsaOaep => "RSA-OAEP",
            EncryptionAlg::RsaOaep256 => "RSA-OAEP-256",
        }
    }

    /// The JWK key type (`kty`) this algorithm needs.
    pub fn key_type(self) -> &'static str {
        match self {
            EncryptionAlg::EcdhEs => "EC",
            EncryptionAlg::RsaOaep | EncryptionAlg::RsaOaep256 => "RSA",
        }
    }
}

impl FromStr for EncryptionAlg {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_uppercase().as_str() {
            "ECDH-ES" => Ok(EncryptionAlg::EcdhEs),
            "RSA-OAEP" => Ok(EncryptionAlg::RsaOaep),
            "RSA-OAEP-256" => Ok(EncryptionAlg::RsaOaep256),
            other => Err(format!(
                "unknown encryption alg `{other}` (expected ECDH-ES, RSA-OAEP or RSA-OAEP-256)"
            )),
        }
    }
}

/// Where the mock finds a client's public encryption keys.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientKeys {
    /// Fetched over HTTP at token/userinfo time (as FranceConnect+ does).
    JwksUri(url::Url),
    /// A public JWK set `{"keys":[...]}` given directly.
    Inline(serde_json::Value),
}

/// How a client authenticates at the token endpoint.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum TokenAuth {
    /// `client_secret_post`: `client_id` and `client_secret` in the form
    /// (the platforms' default).
    #[default]
    ClientSecretPost,
    /// `private_key_jwt`: a client assertion signed with one of the keys of
    /// this JWK set (`use: sig` or none); a secret is then refused.
    PrivateKeyJwt(ClientKeys),
}

/// A registered service provider.
#[derive(Debug, Clone, PartialEq)]
pub struct Client {
    /// The client identifier.
    pub client_id: String,
    /// The client secret (`client_secret_post`).
    pub client_secret: String,
    /// Registered callback URIs (exact match).
    pub redirect_uris: Vec<String>,
    /// Registered post-logout redirect URIs (exact match).
    pub post_logout_redirect_uris: Vec<String>,
    /// Signature algorithm of its ID tokens and userinfo responses.
    pub signing_alg: SigningAlg,
    /// Encryption of its tokens: required on FranceConnect+; on
    /// FranceConnect, present when the service registered encryption
    /// (`ECDH-ES` or `RSA-OAEP`), absent otherwise (the default); never on
    /// ProConnect.
    pub encryption: Option<(EncryptionAlg, ClientKeys)>,
    /// How it authenticates at the token endpoint.
    pub token_auth: TokenAuth,
    /// Whether it registered a userinfo signature algorithm: userinfo is
    /// then a signed JWT (`application/jwt`), otherwise plain
    /// `application/json` (ProConnect only; true by default, and always on
    /// FranceConnect and FranceConnect+).
    pub userinfo_signed: bool,
    /// Whether the service is open to public agents only (ProConnect's
    /// service type `public`): a user without the `agent_public` role is
    /// then refused (`access_denied`, code Y500015). False by default.
    pub public_only: bool,
}

impl Client {
    /// A client with one callback and one post-logout URI, signing with
    /// ES256 and no encryption.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        redirect_uri: impl Into<String>,
        post_logout_redirect_uri: impl Into<String>,
    ) -> Self {
        Client {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            redirect_uris: vec![redirect_uri.into()],
            post_logout_redirect_uris: vec![post_logout_redirect_uri.into()],
            signing_alg: SigningAlg::ES256,
            encryption: None,
            token_auth: TokenAuth::ClientSecretPost,
            userinfo_signed: true,
            public_only: false,
        }
    }

    /// Sets the signature algorithm.
    pub fn signing_alg(mut self, alg: SigningAlg) -> Self {
        self.signing_alg = alg;
        self
    }

    /// Sets the token encryption (always on FranceConnect+; on FranceConnect
    /// for a service registered with it).
    pub fn encryption(mut self, alg: EncryptionAlg, keys: ClientKeys) -> Self {
        self.encryption = Some((alg, keys));
        self
    }

    /// Registers the client for `private_key_jwt`: its token requests must
    /// carry a client assertion signed with a key of `keys`, and a secret
    /// is refused. (The revocation endpoint still takes the secret, as the
    /// platform's does.)
    pub fn private_key_jwt(mut self, keys: ClientKeys) -> Self {
        self.token_auth = TokenAuth::PrivateKeyJwt(keys);
        self
    }

    /// Registers the client without a userinfo signature (ProConnect only):
    /// userinfo answers plain JSON.
    pub fn userinfo_unsigned(mut self) -> Self {
        self.userinfo_signed = false;
        self
    }

    /// Registers the client as a service open to public agents only
    /// (ProConnect only).
    pub fn public_only(mut self) -> Self {
        self.public_only = true;
        self
    }

    /// Registers one more callback URI.
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uris.push(uri.into());
        self
    }

    /// Registers one more post-logout redirect URI.
    pub fn post_logout_redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.post_logout_redirect_uris.push(uri.into());
        self
    }

    /// Checks the registration against the platform's rules.
    pub(crate) fn validate(&self, platform: Platform) -> Result<(), String> {
        let id = &self.client_id;
        if id.is_empty() {
            return Err("a client has an empty client_id".into());
        }
        if self.client_secret.is_empty() {
            return Err(format!("client `{id}` has an empty client_secret"));
        }
        if self.redirect_uris.is_empty() {
            return Err(format!("client `{id}` has no redirect_uri"));
        }
        for uri in self.redirect_uris.iter().chain(&self.post_logout_redirect_uris) {
            url::Url::parse(uri).map_err(|e| format!("client `{id}`: invalid URI `{uri}`: {e}"))?;
        }
        if platform != Platform::ProConnect {
            if !self.userinfo_signed {
                return Err(format!(
                    "client `{id}`: {} always signs userinfo (an unsigned userinfo is ProConnect's)",
                    platform.display_name()
                ));
            }
            if self.public_only {
                return Err(format!(
                    "client `{id}`: a service open to public agents only is a ProConnect registration"
                ));
            }
        }
        match (platform, self.signing_alg, &self.encryption) {
            (Platform::ProConnect, _, Some(_)) => Err(format!(
                "client `{id}`: ProConnect does not encrypt tokens (its service records have no encryption key)"
            )),
            (Platform::FranceConnectPlus, SigningAlg::RS256, _) => {
                Err(format!("client `{id}`: FranceConnect+ signs with ES256 only"))
            }
            (Platform::FranceConnectPlus, _, None) => Err(format!(
                "client `{id}`: FranceConnect+ always encrypts tokens, an encryption key is required"
            )),
            (Platform::FranceConnect, _, Some((EncryptionAlg::RsaOaep256, _))) => Err(format!(
                "client `{id}`: FranceConnect encrypts with ECDH-ES or RSA-OAEP only (RSA-OAEP-256 is FranceConnect+'s)"
            )),
            (_, _, Some((_, ClientKeys::Inline(jwks)))) if !jwks["keys"].is_array() => Err(format!(
                "client `{id}`: the inline JWKS must be an object with a `keys` array"
            )),
            _ if matches!(&self.token_auth, TokenAuth::PrivateKeyJwt(ClientKeys::Inline(jwks)) if !jwks["keys"].is_array()) => {
                Err(format!(
                    "client `{id}`: the inline JWKS of private_key_jwt must be an object with a `keys` array"
                ))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_parse_back() {
        for platform in [
            Platform::FranceConnect,
            Platform::FranceConnectPlus,
            Platform::ProConnect,
        ] {
            assert_eq!(platform.short_name().parse::<Platform>(), Ok(platform));
        }
    }
}
