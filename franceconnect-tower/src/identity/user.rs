//! The signed-in user: who they are, how they authenticated, and the claims
//! their scopes gave.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::config::{Platform, Scopes};
use crate::error::ClaimsError;
use crate::identity::{
    AgentIdentity, BirthDate, Birthplace, Gender, IdentityProvider, InseeCountry, KnownIdentityProvider, PivotIdentity,
    check_email, check_name,
};
use crate::protocol::acr::Acr;
use crate::protocol::eidas::Amr;
use crate::protocol::values::{IdTokenHint, IssuedAccessToken, SealedRefreshToken, StoredAccessToken};

/// A user signed in through FranceConnect, FranceConnect+ or ProConnect.
///
/// Its `Debug` shows the authentication facts but neither personal data nor
/// the ID token. Its `Serialize` (an application's JSON, its logs) carries
/// neither the ID token nor the access token: the session stores keep them
/// through a form of their own, which only this crate writes.
#[derive(Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SignedInUser {
    /// The subject identifier: match users on this (with [`Self::platform`]),
    /// never on names. Pairwise on FranceConnect, one per account on
    /// ProConnect.
    pub sub: String,
    /// The authentication context reached (`acr`), already checked against
    /// the request: an eIDAS level on FranceConnect and FranceConnect+
    /// ([`Acr::eidas`], [`Acr::reaches`]), one of ProConnect's values there.
    pub acr: Acr,
    /// How the user authenticated, when `amr` was requested.
    pub amr: Option<Vec<Amr>>,
    /// When the user authenticated at the provider (Unix seconds); with
    /// single sign-on it can predate this login.
    pub auth_time: Option<i64>,
    /// Which platform signed the user in.
    pub platform: Platform,
    /// The scopes the provider granted, as it wrote them.
    pub scope: String,
    /// The claims, typed.
    pub claims: UserClaims,
    /// The userinfo claims exactly as the provider sent them (without
    /// `iss`, `aud`, `iat`, `exp`, `nbf` and `jti`).
    pub raw_claims: Map<String, Value>,
    /// When this login completed (Unix seconds).
    pub signed_in_at: i64,
    /// The signed ID token, for `id_token_hint` at logout only. Never
    /// serialised but into the session (empty in what `Serialize` writes).
    #[serde(skip_serializing, default = "IdTokenHint::absent")]
    pub id_token_hint: IdTokenHint,
    /// The access token ([`Self::access_token`]). Never serialised but
    /// into the session.
    #[serde(
        default,
        skip_serializing,
        deserialize_with = "crate::protocol::values::read_access_token"
    )]
    pub(crate) access_token: Option<IssuedAccessToken>,
    /// ProConnect's refresh token, sealed, when the service keeps them
    /// ([`ConfigBuilder::refresh_tokens`](crate::ConfigBuilder::refresh_tokens)).
    /// Never serialised but into the session.
    #[serde(default, skip_serializing)]
    pub(crate) refresh_token: Option<SealedRefreshToken>,
    /// The application's own account for this person, as its sign-in hook
    /// gave it ([`SignInDecision::AcceptAs`](crate::web::SignInDecision::AcceptAs)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<Value>,
    /// When the session was last marked active (Unix seconds), if since the
    /// login: kept with the user so that one read serves both (see
    /// [`SessionBackend::EXTENDS_EXPIRY_ON_EVERY_REQUEST`](crate::web::adapter::SessionBackend::EXTENDS_EXPIRY_ON_EVERY_REQUEST)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) active_at: Option<i64>,
}

/// The form a session stores a [`SignedInUser`] in: the public one, plus the
/// tokens the public `Serialize` leaves out: `id_token_hint` (for the
/// logout), the access token, and the sealed refresh token. Read back with
/// the ordinary `Deserialize`.
pub(crate) struct StoredUser<'a>(pub(crate) &'a SignedInUser);

impl Serialize for StoredUser<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error as _;
        let user = self.0;
        let Value::Object(mut stored) = serde_json::to_value(user).map_err(S::Error::custom)? else {
            return Err(S::Error::custom("a signed-in user serialises to an object"));
        };
        stored.insert("id_token_hint".into(), Value::from(user.id_token_hint.secret()));
        if let Some(token) = &user.access_token {
            stored.insert(
                "access_token".into(),
                serde_json::to_value(StoredAccessToken::from(token)).map_err(S::Error::custom)?,
            );
        }
        if let Some(sealed) = &user.refresh_token {
            stored.insert("refresh_token".into(), Value::from(sealed.0.as_str()));
        }
        stored.serialize(serializer)
    }
}

impl SignedInUser {
    /// A user signed in on FranceConnect at eidas1 now, with no claims: for
    /// the engine's unit tests.
    #[cfg(test)]
    pub(crate) fn for_tests(sub: &str) -> Self {
        SignedInUser {
            sub: sub.into(),
            acr: Acr::Eidas1,
            amr: None,
            auth_time: None,
            platform: Platform::FranceConnect,
            scope: String::new(),
            claims: UserClaims::default(),
            raw_claims: Map::new(),
            signed_in_at: crate::clock::now(),
            id_token_hint: IdTokenHint::new("h"),
            access_token: None,
            refresh_token: None,
            account: None,
            active_at: None,
        }
    }

    /// A user as if `platform` had just signed them in at `acr`, with these
    /// userinfo `claims` (checked as at a login): for an application's own
    /// tests, which put it in the request where the middleware would (see
    /// the adapters' `testing` modules). It holds no access token, and its
    /// `id_token_hint` is no token either: keep it out of real sessions.
    ///
    /// ```
    /// use franceconnect_tower::{Acr, Platform, SignedInUser};
    /// use serde_json::json;
    ///
    /// let citizen = SignedInUser::for_testing(
    ///     Platform::FranceConnect,
    ///     "citizen-sub",
    ///     Acr::Eidas1,
    ///     json!({"given_name": "Camille", "family_name": "MARTIN", "birthdate": "1980-05-17",
    ///            "gender": "female", "birthplace": "75112", "birthcountry": "99100"}),
    /// )
    /// .unwrap();
    /// assert_eq!(citizen.pivot_identity().unwrap().family_name, "MARTIN");
    ///
    /// let agent = SignedInUser::for_testing(
    ///     Platform::ProConnect,
    ///     "3f2b6c1e-8d4a-4f7e-9b1c-5a6d7e8f9a0b",
    ///     Acr::Eidas1Mfa,
    ///     json!({"given_name": "Inès", "usual_name": "Roy", "email": "ines.roy@mairie.example.fr",
    ///            "siret": "21750001600019"}),
    /// )
    /// .unwrap();
    /// assert_eq!(agent.agent_identity().unwrap().usual_name, "Roy");
    /// ```
    pub fn for_testing(platform: Platform, sub: &str, acr: Acr, claims: Value) -> Result<SignedInUser, ClaimsError> {
        let Value::Object(raw_claims) = claims else {
            return Err(ClaimsError::new("userinfo", "expected a JSON object"));
        };
        if !platform.acr_values().contains(&acr) {
            return Err(ClaimsError::new("acr", "not a value this platform defines"));
        }
        let claims = match platform {
            Platform::ProConnect => UserClaims::from_agent_userinfo(&raw_claims)?,
            Platform::FranceConnect | Platform::FranceConnectPlus => UserClaims::from_userinfo(&raw_claims)?,
        };
        let now = crate::clock::now();
        Ok(SignedInUser {
            sub: sub.to_owned(),
            acr,
            amr: None,
            auth_time: Some(now),
            platform,
            scope: String::new(),
            claims,
            raw_claims,
            signed_in_at: now,
            id_token_hint: IdTokenHint::new("not-a-token: signed in by a test"),
            access_token: None,
            refresh_token: None,
            account: None,
            active_at: None,
        })
    }

    /// This user with `token` as their access token: for an application's
    /// tests of a page that uses it (the adapters' `AccessToken`
    /// extractors give it when it is live; an expired one is refused as in
    /// production, never renewed).
    ///
    /// ```
    /// use franceconnect_tower::{Acr, IssuedAccessToken, Platform, SignedInUser};
    ///
    /// let user = SignedInUser::for_testing(Platform::FranceConnect, "s", Acr::Eidas1, serde_json::json!({}))
    ///     .unwrap()
    ///     .with_access_token(IssuedAccessToken::for_testing("a-test-token", i64::MAX));
    /// assert_eq!(user.access_token().unwrap().secret(), "a-test-token");
    /// ```
    pub fn with_access_token(mut self, token: IssuedAccessToken) -> Self {
        self.access_token = Some(token);
        self
    }

    /// The access token the platform issued at this sign-in (or at its
    /// latest renewal), live or expired: a bearer token for the State's
    /// APIs that accept it. `None` for a user made by
    /// [`Self::for_testing`], or read from a session an older version
    /// wrote.
    ///
    /// FranceConnect's lives 60 seconds: call the "API FranceConnectées"
    /// (API Particulier, with the data scopes, [`DataScope`](crate::DataScope))
    /// from the sign-in hook ([`AuthRoutes::on_sign_in`](crate::web::AuthRoutes::on_sign_in)),
    /// and keep what you need. In a handler, the adapters' `AccessToken`
    /// extractors give the request's live token, renewed on ProConnect with
    /// [`ConfigBuilder::refresh_tokens`](crate::ConfigBuilder::refresh_tokens).
    ///
    /// ```no_run
    /// use franceconnect_tower::SignedInUser;
    ///
    /// # async fn call(user: SignedInUser, http: reqwest::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let Some(token) = user.access_token().filter(|t| !t.is_expired()) else {
    ///     return Ok(()); // nothing to call the API with
    /// };
    /// let quotient = http
    ///     .get("https://particulier.api.gouv.fr/api/v2/composition-familiale-v2")
    ///     .bearer_auth(token.secret())
    ///     .timeout(std::time::Duration::from_secs(5))
    ///     .send()
    ///     .await?;
    /// # let _ = quotient; Ok(()) }
    /// ```
    pub fn access_token(&self) -> Option<&IssuedAccessToken> {
        self.access_token.as_ref()
    }

    /// True when the session keeps a refresh token for this user (ProConnect
    /// with [`ConfigBuilder::refresh_tokens`](crate::ConfigBuilder::refresh_tokens)):
    /// [`FranceConnect::refresh`](crate::FranceConnect::refresh) can renew
    /// their access token. The token itself is never shown.
    pub fn has_refresh_token(&self) -> bool {
        self.refresh_token.is_some()
    }

    /// The pivot identity, when the scopes gave it: names, birth date,
    /// gender, birthplace and country of birth for a person of the French
    /// register; for a European citizen ([`Self::is_european_citizen`]),
    /// what their country sent (names and birth date, the gender and the
    /// place when sent). See [`PivotIdentity`].
    pub fn pivot_identity(&self) -> Option<PivotIdentity> {
        pivot_of(&self.claims, self.is_european_citizen())
    }

    /// The civil register's identity of this citizen, when the platform
    /// gave it: on FranceConnect the pivot identity itself (FranceConnect
    /// returns the register's); on FranceConnect+ the register's copy in
    /// the `rnipp_*` claims (scope `rnipp_identite_pivot`, when the
    /// registration allows it), its plain claims being the identity
    /// provider's. `None` for European citizens, whom the register does
    /// not hold, and for agents.
    pub fn register_identity(&self) -> Option<PivotIdentity> {
        match self.platform {
            Platform::FranceConnect if !self.is_european_citizen() => self.pivot_identity(),
            Platform::FranceConnectPlus => {
                let register: Map<String, Value> = self
                    .raw_claims
                    .iter()
                    .filter_map(|(name, value)| Some((name.strip_prefix("rnipp_")?.to_owned(), value.clone())))
                    .collect();
                pivot_of(&UserClaims::from_userinfo(&register).ok()?, false)
            }
            _ => None,
        }
    }

    /// True for a European citizen authenticated by their own country
    /// through FranceConnect's eIDAS bridge: `amr` says `eidas`, `idp_id`
    /// names the bridge, the birthplace is a place's name rather than an
    /// INSEE code, or the scopes gave `birthcountry` and none came (the
    /// bridge never sends one). Their identity is not the French register's.
    pub fn is_european_citizen(&self) -> bool {
        if self.platform == Platform::ProConnect {
            return false;
        }
        let c = &self.claims;
        self.amr.as_ref().is_some_and(|amr| amr.contains(&Amr::Eidas))
            || self
                .identity_provider()
                .is_some_and(|idp| idp.known() == Some(KnownIdentityProvider::EidasBridge))
            || matches!(c.birthplace, Some(Birthplace::Declared(_)))
            || (c.birthcountry.is_none()
                && c.family_name.is_some()
                && Scopes::parse(&self.scope).is_ok_and(|granted| granted.grants_claim("birthcountry")))
    }

    /// The identity provider that authenticated the person, when the
    /// platform sent `idp_id` (scope `idp_id`, on FranceConnect and
    /// ProConnect), with the well-known ones named.
    pub fn identity_provider(&self) -> Option<IdentityProvider> {
        let id = self.raw_claims.get("idp_id")?.as_str().filter(|id| !id.is_empty())?;
        Some(IdentityProvider::new(self.platform, id))
    }

    /// The agent identity, when the user signed in on ProConnect and the
    /// scopes named the person (`given_name`, `usual_name`, `email`).
    pub fn agent_identity(&self) -> Option<AgentIdentity> {
        if self.platform != Platform::ProConnect {
            return None;
        }
        // Checked when the user signed in: this cannot fail on a session
        // we wrote, and a tampered one gives nothing.
        AgentIdentity::from_claims(&self.raw_claims, Some(&self.sub))
            .ok()
            .flatten()
    }
}

impl fmt::Debug for SignedInUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Neither `sub` (personal data, if pseudonymous) nor claim values.
        f.debug_struct("SignedInUser")
            .field("acr", &self.acr)
            .field("amr", &self.amr)
            .field("auth_time", &self.auth_time)
            .field("platform", &self.platform)
            .field("scope", &self.scope)
            .field("claims", &self.raw_claims.keys().collect::<Vec<_>>())
            .field("id_token_hint", &self.id_token_hint)
            .field("access_token", &self.access_token.as_ref().map(|_| "[redacted]"))
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "[redacted]"))
            .finish_non_exhaustive()
    }
}

/// The typed claims of a user; each is present when the scopes gave it and
/// the provider sent it. `Debug` lists which are present, not their values.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserClaims {
    /// `given_name`, possibly empty.
    pub given_name: Option<String>,
    /// `given_name_array`, or `given_name` split on spaces.
    pub given_names: Option<Vec<String>>,
    /// `family_name` (birth name).
    pub family_name: Option<String>,
    /// `birthdate`, with its precision.
    pub birthdate: Option<BirthDate>,
    /// `gender`.
    pub gender: Option<Gender>,
    /// `birthplace`: a commune, abroad (the claim was empty), or the place
    /// a European citizen's country declared.
    // Sessions written by earlier versions stored a birth abroad as `null`:
    // read through `present`, it stays a birthplace (abroad), not absent.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub birthplace: Option<Birthplace>,
    /// `birthcountry`; never sent for European citizens.
    pub birthcountry: Option<InseeCountry>,
    /// `email`.
    pub email: Option<String>,
    /// `preferred_username` (usage name), absent when empty.
    pub preferred_username: Option<String>,
}

impl fmt::Debug for UserClaims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let present = [
            ("given_name", self.given_name.is_some()),
            ("family_name", self.family_name.is_some()),
            ("birthdate", self.birthdate.is_some()),
            ("gender", self.gender.is_some()),
            ("birthplace", self.birthplace.is_some()),
            ("birthcountry", self.birthcountry.is_some()),
            ("email", self.email.is_some()),
            ("preferred_username", self.preferred_username.is_some()),
        ];
        f.debug_list()
            .entries(present.iter().filter(|(_, p)| *p).map(|(n, _)| n))
            .finish()
    }
}

impl UserClaims {
    /// The claims of a ProConnect userinfo payload, checked as an agent's
    /// ([`AgentIdentity::from_userinfo`]): the fields this type shares with
    /// FranceConnect (`given_name`, `email`) are filled, the agent's own stay
    /// in [`SignedInUser::agent_identity`].
    pub(crate) fn from_agent_userinfo(claims: &Map<String, Value>) -> Result<Self, ClaimsError> {
        AgentIdentity::from_userinfo(claims)?;
        let text = |f: &str| claims.get(f).and_then(Value::as_str).map(str::to_owned);
        Ok(Self {
            given_name: text("given_name"),
            email: text("email"),
            ..Self::default()
        })
    }

    /// Parses and validates the claims of a userinfo payload. Unknown claims
    /// are ignored here (they stay in [`SignedInUser::raw_claims`]).
    pub fn from_userinfo(claims: &Map<String, Value>) -> Result<Self, ClaimsError> {
        let given_name = opt_str(claims, "given_name")?;
        if let Some(g) = &given_name {
            check_name("given_name", g)?;
        }
        let given_names = match claims.get("given_name_array") {
            None | Some(Value::Null) => given_name
                .as_ref()
                .map(|g| g.split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect()),
            Some(Value::Array(items)) => {
                let names = items
                    .iter()
                    .map(|v| v.as_str().map(str::to_owned))
                    .collect::<Option<Vec<String>>>()
                    .ok_or(ClaimsError::new("given_name_array", "expected a list of strings"))?;
                for n in &names {
                    check_name("given_name_array", n)?;
                }
                Some(names)
            }
            Some(_) => return Err(ClaimsError::new("given_name_array", "expected a list of strings")),
        };
        let family_name = opt_str(claims, "family_name")?;
        if let Some(f) = &family_name {
            check_name("family_name", f)?;
        }
        let birthdate = match opt_str(claims, "birthdate")? {
            Some(b) => {
                let idp = opt_str(claims, "idp_birthdate").ok().flatten();
                Some(BirthDate::from_claims(&b, idp.as_deref())?)
            }
            None => None,
        };
        let gender = opt_str(claims, "gender")?.map(|g| Gender::parse(&g)).transpose()?;
        let birthcountry = opt_str(claims, "birthcountry")?
            .map(|c| InseeCountry::parse(&c))
            .transpose()?;
        // The register's identities carry `birthcountry`; the eIDAS bridge's
        // do not, and their birthplace is the text their country sent.
        let with_birthcountry = claims.get("birthcountry").is_some_and(|c| !c.is_null());
        let birthplace = opt_str(claims, "birthplace")?
            .map(|p| Birthplace::parse(&p, with_birthcountry))
            .transpose()?;
        let email = opt_str(claims, "email")?.filter(|e| !e.is_empty());
        if let Some(e) = &email {
            check_email(e)?;
        }
        // `idp_id` stays in the raw claims ([`SignedInUser::identity_provider`]);
        // checked here so that no hostile value reaches a page or a log.
        if let Some(id) = opt_str(claims, "idp_id")?
            && (id.len() > 128 || id.chars().any(|c| c.is_control() || c.is_whitespace()))
        {
            return Err(ClaimsError::new("idp_id", "expected an identity provider's id"));
        }
        let preferred_username = opt_str(claims, "preferred_username")?.filter(|u| !u.is_empty());
        if let Some(u) = &preferred_username {
            check_name("preferred_username", u)?;
        }
        Ok(Self {
            given_name,
            given_names,
            family_name,
            birthdate,
            gender,
            birthplace,
            birthcountry,
            email,
            preferred_username,
        })
    }
}

/// The pivot identity these claims make: all six for the register's
/// identities, names and birth date at least for a European citizen's.
pub(crate) fn pivot_of(c: &UserClaims, european: bool) -> Option<PivotIdentity> {
    if !european && (c.gender.is_none() || c.birthplace.is_none() || c.birthcountry.is_none()) {
        return None;
    }
    Some(PivotIdentity {
        given_name: c.given_name.clone()?,
        given_names: c.given_names.clone().unwrap_or_default(),
        family_name: c.family_name.clone()?,
        birthdate: c.birthdate.clone()?,
        gender: c.gender,
        birthplace: c.birthplace.clone(),
        birthcountry: c.birthcountry.clone(),
    })
}

/// A string claim, or `None` when absent or `null`. The field name must be
/// one of the static names above, so errors can name it.
fn opt_str(claims: &Map<String, Value>, field: &'static str) -> Result<Option<String>, ClaimsError> {
    match claims.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ClaimsError::new(field, "expected a string")),
    }
}

/// A field that is present, whatever its value (`null` included): with
/// `#[serde(default)]`, absent stays `None` and `null` is given to `T`.
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn full_pivot_identity_parses() {
        let c = UserClaims::from_userinfo(&map(json!({
            "sub": "x", "given_name": "Angela Claire Louise", "family_name": "DUBOIS",
            "birthdate": "1962-08-24", "gender": "female", "birthplace": "75107",
            "birthcountry": "99100", "email": "a@example.fr", "preferred_username": ""
        })))
        .unwrap();
        assert_eq!(c.given_names.as_deref().unwrap(), ["Angela", "Claire", "Louise"]);
        assert_eq!(c.preferred_username, None);
        assert_eq!(c.birthplace.as_ref().unwrap().commune().unwrap().as_str(), "75107");
    }

    #[test]
    fn born_abroad_has_no_birthplace() {
        let c = UserClaims::from_userinfo(&map(json!({"birthplace": "", "birthcountry": "99134"}))).unwrap();
        assert_eq!(c.birthplace, Some(Birthplace::Abroad));
        assert!(!c.birthcountry.unwrap().is_france());
    }

    #[test]
    fn bad_claims_name_their_field() {
        for (claims, field) in [
            (json!({"gender": "x"}), "gender"),
            (json!({"birthdate": "24/08/1962"}), "birthdate"),
            (json!({"birthplace": "ABCDE", "birthcountry": "99100"}), "birthplace"),
            (json!({"birthplace": "Mi\u{7}lano"}), "birthplace"),
            (json!({"birthcountry": "FR"}), "birthcountry"),
            (json!({"email": "nope"}), "email"),
            (json!({"given_name": 42}), "given_name"),
            (json!({"family_name": "<b>"}), "family_name"),
            (json!({"given_name_array": [1]}), "given_name_array"),
        ] {
            assert_eq!(UserClaims::from_userinfo(&map(claims)).unwrap_err().field, field);
        }
    }

    #[test]
    fn a_european_citizen_has_a_pivot_identity_as_sent() {
        let raw = json!({
            "given_name": "Giulia Maria", "family_name": "Rossi", "birthdate": "1990-04-12",
            "birthplace": "Milano"
        });
        let user = SignedInUser::for_testing(Platform::FranceConnect, "s", Acr::Eidas1, raw.clone()).unwrap();
        let pivot = user.pivot_identity().unwrap();
        assert!(pivot.is_european() && user.is_european_citizen());
        assert_eq!(pivot.birthplace, Some(Birthplace::Declared("Milano".into())));
        assert_eq!((pivot.gender, pivot.birthcountry.clone()), (None, None));
        assert_eq!(pivot.family_name, "Rossi");
        assert_eq!(Value::Object(user.raw_claims.clone()), raw);

        // The session keeps every piece of it.
        let stored = serde_json::to_string(&StoredUser(&user)).unwrap();
        let back: SignedInUser = serde_json::from_str(&stored).unwrap();
        assert_eq!(back.pivot_identity().unwrap(), pivot);
    }

    #[test]
    fn a_register_identity_needs_its_gender_and_country() {
        let mut claims = json!({
            "given_name": "Camille", "family_name": "MARTIN", "birthdate": "1980-05-17",
            "gender": "female", "birthplace": "75112", "birthcountry": "99100"
        });
        let full = SignedInUser::for_testing(Platform::FranceConnect, "s", Acr::Eidas1, claims.clone()).unwrap();
        assert!(!full.pivot_identity().unwrap().is_european() && !full.is_european_citizen());
        for missing in ["gender", "birthcountry", "birthplace"] {
            let mut partial = claims.clone();
            partial.as_object_mut().unwrap().remove(missing);
            let user = SignedInUser::for_testing(Platform::FranceConnect, "s", Acr::Eidas1, partial).unwrap();
            assert!(user.pivot_identity().is_none(), "{missing}");
        }
        // Born abroad, in a session written before `Birthplace` (`null`).
        claims["birthplace"] = "".into();
        claims["birthcountry"] = "99134".into();
        let abroad = SignedInUser::for_testing(Platform::FranceConnect, "s", Acr::Eidas1, claims).unwrap();
        let mut stored = serde_json::to_value(StoredUser(&abroad)).unwrap();
        assert_eq!(stored["claims"]["birthplace"], "");
        stored["claims"]["birthplace"] = Value::Null;
        let back: SignedInUser = serde_json::from_value(stored).unwrap();
        assert_eq!(back.pivot_identity().unwrap().birthplace, Some(Birthplace::Abroad));
    }

    #[test]
    fn a_european_citizen_is_known_without_a_birthplace() {
        let claims = json!({"given_name": "Jan", "family_name": "Novák", "birthdate": "1979-09-03",
                            "idp_id": "1f4d6633-d853-43c6-b461-ce54fdc19bff"});
        let user = SignedInUser::for_testing(Platform::FranceConnect, "s", Acr::Eidas1, claims).unwrap();
        assert_eq!(
            user.identity_provider().unwrap().known(),
            Some(KnownIdentityProvider::EidasBridge)
        );
        let pivot = user.pivot_identity().unwrap();
        assert_eq!((pivot.birthplace, pivot.gender), (None, None));

        // Without `idp_id`: `amr`, or a `birthcountry` granted and not sent.
        let claims = json!({"given_name": "Jan", "family_name": "Novák", "birthdate": "1979-09-03"});
        let mut user = SignedInUser::for_testing(Platform::FranceConnectPlus, "s", Acr::Eidas2, claims).unwrap();
        assert!(user.pivot_identity().is_none());
        user.amr = Some(vec![Amr::Eidas]);
        assert!(user.pivot_identity().is_some());
        user.amr = None;
        user.scope = "openid identite_pivot".into();
        assert!(user.pivot_identity().is_some());
        // Agents never are.
        user.platform = Platform::ProConnect;
        assert!(!user.is_european_citizen());
    }

    #[test]
    fn idp_id_is_checked() {
        for bad in [json!(42), json!("a b"), json!("x".repeat(129))] {
            let claims = map(json!({ "idp_id": bad }));
            assert_eq!(UserClaims::from_userinfo(&claims).unwrap_err().field, "idp_id");
        }
    }

    #[test]
    fn given_name_array_wins_over_splitting() {
        let c = UserClaims::from_userinfo(&map(json!({
            "given_name": "Jean Pierre", "given_name_array": ["Jean Pierre"]
        })))
        .unwrap();
        assert_eq!(c.given_names.unwrap(), ["Jean Pierre"]);
    }
}
