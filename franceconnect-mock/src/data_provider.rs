//! The registrations of the APIs that check the platform's access tokens:
//! FranceConnect's and FranceConnect+'s data providers ("fournisseurs de
//! données", which call `POST /checktoken`) and ProConnect's resource
//! servers ("serveurs de ressources", which call
//! `POST /token/introspection`).

use crate::config::{ClientKeys, EncryptionAlg, Platform, SigningAlg};

/// A data provider (FranceConnect, FranceConnect+) or a resource server
/// (ProConnect): an API a service calls with a user's access token, and
/// which asks the platform about that token.
///
/// On FranceConnect and FranceConnect+, the answer of `POST /checktoken` is
/// signed with the provider's key for [`signing_alg`](Self::signing_alg),
/// then encrypted with [`encryption_alg`](Self::encryption_alg) to the
/// first key of the data provider's JWK set with `use: enc` and that `alg`
/// ([`keys`](Self::keys)), or, when it registered none, to a key the mock
/// generates for it and gives out with
/// [`MockHandle::data_provider_private_jwks`](crate::MockHandle::data_provider_private_jwks).
/// Only the token's scopes listed in [`scopes`](Self::scopes) are
/// reported. On ProConnect, `POST /token/introspection` answers plain JSON,
/// or a JWS signed with [`signing_alg`](Self::signing_alg) when the
/// registration has `introspection_signed_response_alg`
/// ([`signed_introspection`](Self::signed_introspection), the default) and
/// the request asks for `application/token-introspection+jwt`.
///
/// ```
/// use franceconnect_mock::{ClientKeys, DataProvider, EncryptionAlg, SigningAlg};
///
/// // A DGFiP-like data provider whose public keys are given inline.
/// let jwks = serde_json::json!({"keys": []}); // its public JWK set (`use: enc`, `alg`)
/// let dgfip = DataProvider::new("dp-dgfip", "dp-secret")
///     .scopes(["dgfip_rfr", "dgfip_nbpart"])
///     .signing_alg(SigningAlg::RS256)
///     .encryption(EncryptionAlg::RsaOaep256, ClientKeys::Inline(jwks));
/// assert_eq!(dgfip.scopes, ["dgfip_rfr", "dgfip_nbpart"]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DataProvider {
    /// The data provider's client id.
    pub client_id: String,
    /// Its client secret (`client_id` and `client_secret` in the form).
    pub client_secret: String,
    /// The scopes it serves: a checktoken answer names only these among
    /// the token's (FranceConnect and FranceConnect+; ProConnect reports
    /// the token's scopes whatever these are).
    pub scopes: Vec<String>,
    /// The signature of the answers (`checktoken_signed_response_alg`,
    /// ProConnect's `introspection_signed_response_alg`): ES256 (default)
    /// or RS256 (FranceConnect and ProConnect).
    pub signing_alg: SigningAlg,
    /// FranceConnect and FranceConnect+: the key management of the
    /// checktoken answer's JWE (`checktoken_encrypted_response_alg`; the
    /// content encryption is always A256GCM). Default ECDH-ES.
    pub encryption_alg: EncryptionAlg,
    /// FranceConnect and FranceConnect+: where its public encryption keys
    /// are (its `jwks_uri`, or the set inline); `None` (the default): the
    /// mock generates one key for [`encryption_alg`](Self::encryption_alg)
    /// at start.
    pub keys: Option<ClientKeys>,
    /// ProConnect: whether it registered `introspection_signed_response_alg`
    /// (true by default): asked with `Accept: application/token-introspection+jwt`,
    /// the answer is then a JWS; otherwise always plain JSON.
    pub signed_introspection: bool,
}

impl DataProvider {
    /// A data provider serving no scope, answered with ES256 signatures,
    /// encrypted with ECDH-ES to a key the mock generates.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        DataProvider {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            scopes: Vec::new(),
            signing_alg: SigningAlg::ES256,
            encryption_alg: EncryptionAlg::EcdhEs,
            keys: None,
            signed_introspection: true,
        }
    }

    /// The scopes it serves.
    pub fn scopes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, scopes: I) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The signature algorithm of its answers.
    pub fn signing_alg(mut self, alg: SigningAlg) -> Self {
        self.signing_alg = alg;
        self
    }

    /// Its encryption (FranceConnect, FranceConnect+): `alg`, to its own
    /// public keys.
    pub fn encryption(mut self, alg: EncryptionAlg, keys: ClientKeys) -> Self {
        self.encryption_alg = alg;
        self.keys = Some(keys);
        self
    }

    /// Its encryption (FranceConnect, FranceConnect+): `alg`, to a key the
    /// mock generates at start.
    pub fn generated_key(mut self, alg: EncryptionAlg) -> Self {
        self.encryption_alg = alg;
        self.keys = None;
        self
    }

    /// ProConnect: a registration without `introspection_signed_response_alg`,
    /// answered in plain JSON whatever the request accepts.
    pub fn unsigned_introspection(mut self) -> Self {
        self.signed_introspection = false;
        self
    }

    /// Checks the registration against the platform's rules.
    pub(crate) fn validate(&self, platform: Platform) -> Result<(), String> {
        let id = &self.client_id;
        if id.is_empty() {
            return Err("a data provider has an empty client_id".into());
        }
        if self.client_secret.is_empty() {
            return Err(format!("data provider `{id}` has an empty client_secret"));
        }
        if platform == Platform::ProConnect && self.keys.is_some() {
            return Err(format!(
                "data provider `{id}`: ProConnect's introspection answers are signed, never encrypted"
            ));
        }
        if platform == Platform::FranceConnectPlus && self.signing_alg == SigningAlg::RS256 {
            return Err(format!("data provider `{id}`: FranceConnect+ signs with ES256 only"));
        }
        if let Some(ClientKeys::Inline(jwks)) = &self.keys
            && !jwks["keys"].is_array()
        {
            return Err(format!(
                "data provider `{id}`: the inline JWKS must be an object with a `keys` array"
            ));
        }
        Ok(())
    }
}
