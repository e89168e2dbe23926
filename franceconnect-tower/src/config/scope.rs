//! Typed OpenID Connect scopes: FranceConnect's, with its aliases, its
//! data scopes ([`DataScope`]), and ProConnect's.
//!
//! FranceConnect and FranceConnect+ have closed lists (their tables in
//! `france-connect/sources`, `back/libs/scopes/src/data/*`): every scope
//! they define is typed here, and a configuration naming another is
//! refused, the scope named ([`Scope::is_defined_on`]). ProConnect's list
//! keeps growing (`groups`, `lasuite_visio:*`…): there, a scope this crate
//! does not know is kept as written ([`Scope::Other`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::Platform;
use super::data_scope::DataScope;

/// A scope the platforms understand.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Scope {
    /// `openid`: always sent, gives `sub`.
    OpenId,
    /// `given_name`.
    GivenName,
    /// `family_name` (birth name).
    FamilyName,
    /// `birthdate`.
    Birthdate,
    /// `gender`.
    Gender,
    /// `birthplace`.
    Birthplace,
    /// `birthcountry`.
    Birthcountry,
    /// `email`.
    Email,
    /// `preferred_username` (usage name).
    PreferredUsername,
    /// `identite_pivot`: given_name, family_name, birthdate, gender,
    /// birthplace, birthcountry. (Older documents say `pivot_identity`,
    /// which is parsed as this.)
    IdentitePivot,
    /// `profile`: given_name, family_name, birthdate, gender,
    /// preferred_username.
    Profile,
    /// `birth`: birthplace, birthcountry.
    Birth,
    /// FranceConnect+: `rnipp_identite_pivot`, the pivot identity as the
    /// identity provider gave it and, in the `rnipp_*` claims, as the civil
    /// register holds it (see [`CitizenMatchKey`](crate::CitizenMatchKey)).
    RnippIdentitePivot,
    /// FranceConnect+: `rnipp_gender`, `gender` and the register's.
    RnippGender,
    /// FranceConnect+: `rnipp_family_name`, `family_name` and the
    /// register's.
    RnippFamilyName,
    /// FranceConnect+: `rnipp_given_name`, `given_name` and the register's
    /// (with `rnipp_given_name_array`).
    RnippGivenName,
    /// FranceConnect+: `rnipp_birthdate`, `birthdate` and the register's.
    RnippBirthdate,
    /// FranceConnect+: `rnipp_birthplace`, `birthplace` and the register's.
    RnippBirthplace,
    /// FranceConnect+: `rnipp_birthcountry`, `birthcountry` and the
    /// register's.
    RnippBirthcountry,
    /// FranceConnect+: `rnipp_profile`, `profile` and the register's copies.
    RnippProfile,
    /// FranceConnect+: `rnipp_birth`, `birth` and the register's copies.
    RnippBirth,
    /// FranceConnect: `idp_birthdate`, the birth date as the identity
    /// provider gave it (FranceConnect's `birthdate` is the register's).
    IdpBirthdate,
    /// `amr`, the authentication methods, as a claim (every platform).
    Amr,
    /// ProConnect: `usual_name` (the agent's last name in use).
    UsualName,
    /// ProConnect: `uid`, the agent's id at their identity provider.
    Uid,
    /// ProConnect: `siret`, the agent's establishment.
    Siret,
    /// ProConnect: `siren`, the agent's organisation.
    Siren,
    /// ProConnect: `organizational_unit`.
    OrganizationalUnit,
    /// ProConnect: `belonging_population`.
    BelongingPopulation,
    /// ProConnect: `phone`, which gives `phone_number`.
    Phone,
    /// ProConnect: `chorusdt`, which gives `chorusdt:matricule` and
    /// `chorusdt:societe`.
    Chorusdt,
    /// `idp_id`, the identity provider that authenticated the person
    /// (ProConnect and FranceConnect; FranceConnect+ does not release it).
    IdpId,
    /// ProConnect: `idp_acr`, the raw `acr` of that identity provider.
    IdpAcr,
    /// ProConnect: `custom`, the identity provider's extra claims.
    Custom,
    /// ProConnect: `roles`.
    Roles,
    /// ProConnect: `organization_label`.
    OrganizationLabel,
    /// FranceConnect's data scopes (`dgfip_rfr`, `cnaf_quotient_familial`,
    /// …): no userinfo claim, the data come from the data provider's API
    /// with the access token. FranceConnect+ offers the DGFiP's, the
    /// CNAM's and the CNOUS's only.
    Data(DataScope),
    /// Another scope, kept as written: ProConnect only, whose list keeps
    /// growing (`groups`, `lasuite_visio:rooms:create`…); FranceConnect and
    /// FranceConnect+ define no scope but the typed ones, and a
    /// configuration asking them another is refused. Only scope-token
    /// characters are accepted.
    Other(String),
}

/// A scope string with characters RFC 6749 does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid scope `{0}`")]
pub struct InvalidScope(String);

impl Scope {
    /// The scope as sent to the provider.
    pub fn as_str(&self) -> &str {
        match self {
            Scope::OpenId => "openid",
            Scope::GivenName => "given_name",
            Scope::FamilyName => "family_name",
            Scope::Birthdate => "birthdate",
            Scope::Gender => "gender",
            Scope::Birthplace => "birthplace",
            Scope::Birthcountry => "birthcountry",
            Scope::Email => "email",
            Scope::PreferredUsername => "preferred_username",
            Scope::IdentitePivot => "identite_pivot",
            Scope::Profile => "profile",
            Scope::Birth => "birth",
            Scope::RnippIdentitePivot => "rnipp_identite_pivot",
            Scope::RnippGender => "rnipp_gender",
            Scope::RnippFamilyName => "rnipp_family_name",
            Scope::RnippGivenName => "rnipp_given_name",
            Scope::RnippBirthdate => "rnipp_birthdate",
            Scope::RnippBirthplace => "rnipp_birthplace",
            Scope::RnippBirthcountry => "rnipp_birthcountry",
            Scope::RnippProfile => "rnipp_profile",
            Scope::RnippBirth => "rnipp_birth",
            Scope::IdpBirthdate => "idp_birthdate",
            Scope::Amr => "amr",
            Scope::Data(data) => data.as_str(),
            Scope::UsualName => "usual_name",
            Scope::Uid => "uid",
            Scope::Siret => "siret",
            Scope::Siren => "siren",
            Scope::OrganizationalUnit => "organizational_unit",
            Scope::BelongingPopulation => "belonging_population",
            Scope::Phone => "phone",
            Scope::Chorusdt => "chorusdt",
            Scope::IdpId => "idp_id",
            Scope::IdpAcr => "idp_acr",
            Scope::Custom => "custom",
            Scope::Roles => "roles",
            Scope::OrganizationLabel => "organization_label",
            Scope::Other(s) => s,
        }
    }

    /// True when `platform` defines this scope: `openid`, `given_name`,
    /// `email` and `amr` everywhere; the rest of the pivot identity and its
    /// aliases on FranceConnect and FranceConnect+; `idp_id` on
    /// FranceConnect and ProConnect; `idp_birthdate` on FranceConnect; the
    /// `rnipp_*` scopes on FranceConnect+; the data scopes where
    /// [`DataScope::is_offered_on`] says; the agents' scopes, and any other
    /// ([`Scope::Other`]), on ProConnect.
    pub fn is_defined_on(&self, platform: Platform) -> bool {
        let citizens = platform != Platform::ProConnect;
        match self {
            Scope::OpenId | Scope::GivenName | Scope::Email | Scope::Amr => true,
            Scope::FamilyName
            | Scope::Birthdate
            | Scope::Gender
            | Scope::Birthplace
            | Scope::Birthcountry
            | Scope::PreferredUsername
            | Scope::IdentitePivot
            | Scope::Profile
            | Scope::Birth => citizens,
            Scope::IdpId => platform != Platform::FranceConnectPlus,
            Scope::IdpBirthdate => platform == Platform::FranceConnect,
            Scope::RnippIdentitePivot
            | Scope::RnippGender
            | Scope::RnippFamilyName
            | Scope::RnippGivenName
            | Scope::RnippBirthdate
            | Scope::RnippBirthplace
            | Scope::RnippBirthcountry
            | Scope::RnippProfile
            | Scope::RnippBirth => platform == Platform::FranceConnectPlus,
            Scope::Data(data) => data.is_offered_on(platform),
            Scope::UsualName
            | Scope::Uid
            | Scope::Siret
            | Scope::Siren
            | Scope::OrganizationalUnit
            | Scope::BelongingPopulation
            | Scope::Phone
            | Scope::Chorusdt
            | Scope::IdpAcr
            | Scope::Custom
            | Scope::Roles
            | Scope::OrganizationLabel
            | Scope::Other(_) => !citizens,
        }
    }

    /// Why `platform` refuses this scope, in a configuration error's words
    /// (`None` when [`defined`](Self::is_defined_on) there).
    pub(crate) fn refusal_on(&self, platform: Platform) -> Option<String> {
        if self.is_defined_on(platform) {
            return None;
        }
        let name = platform.display_name();
        Some(match self {
            Scope::Data(data) => format!(
                "`{self}` is a data scope of {} ({}), which {name} does not offer{} (FC_SCOPES)",
                Platform::FranceConnect.display_name(),
                data.provider(),
                match platform {
                    Platform::FranceConnectPlus =>
                        ": FranceConnect+ offers the DGFiP's, the CNAM's and the CNOUS's only",
                    _ => "",
                }
            ),
            Scope::Other(_) => format!("`{self}` is not a {name} scope (FC_SCOPES): {name}'s list is closed"),
            _ => format!("`{self}` is not a {name} scope (FC_SCOPES)"),
        })
    }

    /// The claims this scope gives, aliases expanded.
    pub fn claims(&self) -> &'static [&'static str] {
        match self {
            Scope::OpenId => &["sub"],
            Scope::GivenName => &["given_name"],
            Scope::FamilyName => &["family_name"],
            Scope::Birthdate => &["birthdate"],
            Scope::Gender => &["gender"],
            Scope::Birthplace => &["birthplace"],
            Scope::Birthcountry => &["birthcountry"],
            Scope::Email => &["email"],
            Scope::PreferredUsername => &["preferred_username"],
            Scope::IdentitePivot => &[
                "given_name",
                "family_name",
                "birthdate",
                "gender",
                "birthplace",
                "birthcountry",
            ],
            Scope::Profile => &["given_name", "family_name", "birthdate", "gender", "preferred_username"],
            Scope::Birth => &["birthplace", "birthcountry"],
            Scope::RnippIdentitePivot => &[
                "given_name",
                "family_name",
                "birthdate",
                "gender",
                "birthplace",
                "birthcountry",
                "rnipp_given_name",
                "rnipp_given_name_array",
                "rnipp_family_name",
                "rnipp_birthdate",
                "rnipp_gender",
                "rnipp_birthplace",
                "rnipp_birthcountry",
            ],
            Scope::RnippGender => &["gender", "rnipp_gender"],
            Scope::RnippFamilyName => &["family_name", "rnipp_family_name"],
            Scope::RnippGivenName => &["given_name", "rnipp_given_name", "rnipp_given_name_array"],
            Scope::RnippBirthdate => &["birthdate", "rnipp_birthdate"],
            Scope::RnippBirthplace => &["birthplace", "rnipp_birthplace"],
            Scope::RnippBirthcountry => &["birthcountry", "rnipp_birthcountry"],
            Scope::RnippProfile => &[
                "given_name",
                "rnipp_given_name",
                "rnipp_given_name_array",
                "family_name",
                "rnipp_family_name",
                "birthdate",
                "rnipp_birthdate",
                "gender",
                "rnipp_gender",
                "preferred_username",
            ],
            Scope::RnippBirth => &["birthplace", "rnipp_birthplace", "birthcountry", "rnipp_birthcountry"],
            Scope::IdpBirthdate => &["idp_birthdate"],
            Scope::Amr => &["amr"],
            // The data come from the data provider's API, not userinfo.
            Scope::Data(_) => &[],
            Scope::UsualName => &["usual_name"],
            Scope::Uid => &["uid"],
            Scope::Siret => &["siret"],
            Scope::Siren => &["siren"],
            Scope::OrganizationalUnit => &["organizational_unit"],
            Scope::BelongingPopulation => &["belonging_population"],
            Scope::Phone => &["phone_number"],
            Scope::Chorusdt => &["chorusdt:matricule", "chorusdt:societe"],
            Scope::IdpId => &["idp_id"],
            Scope::IdpAcr => &["idp_acr"],
            Scope::Custom => &["custom"],
            Scope::Roles => &["roles"],
            Scope::OrganizationLabel => &["organization_label"],
            Scope::Other(_) => &[],
        }
    }
}

impl FromStr for Scope {
    type Err = InvalidScope;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "openid" => Scope::OpenId,
            "given_name" => Scope::GivenName,
            "family_name" => Scope::FamilyName,
            "birthdate" => Scope::Birthdate,
            "gender" => Scope::Gender,
            "birthplace" => Scope::Birthplace,
            "birthcountry" => Scope::Birthcountry,
            "email" => Scope::Email,
            "preferred_username" => Scope::PreferredUsername,
            "identite_pivot" | "pivot_identity" => Scope::IdentitePivot,
            "profile" => Scope::Profile,
            "birth" => Scope::Birth,
            "rnipp_identite_pivot" => Scope::RnippIdentitePivot,
            "rnipp_gender" => Scope::RnippGender,
            "rnipp_family_name" => Scope::RnippFamilyName,
            "rnipp_given_name" => Scope::RnippGivenName,
            "rnipp_birthdate" => Scope::RnippBirthdate,
            "rnipp_birthplace" => Scope::RnippBirthplace,
            "rnipp_birthcountry" => Scope::RnippBirthcountry,
            "rnipp_profile" => Scope::RnippProfile,
            "rnipp_birth" => Scope::RnippBirth,
            "idp_birthdate" => Scope::IdpBirthdate,
            "amr" => Scope::Amr,
            "usual_name" => Scope::UsualName,
            "uid" => Scope::Uid,
            "siret" => Scope::Siret,
            "siren" => Scope::Siren,
            "organizational_unit" => Scope::OrganizationalUnit,
            "belonging_population" => Scope::BelongingPopulation,
            "phone" => Scope::Phone,
            "chorusdt" => Scope::Chorusdt,
            "idp_id" => Scope::IdpId,
            "idp_acr" => Scope::IdpAcr,
            "custom" => Scope::Custom,
            "roles" => Scope::Roles,
            "organization_label" => Scope::OrganizationLabel,
            other if DataScope::parse(other).is_some() => Scope::Data(DataScope::parse(other).expect("just parsed")),
            other => {
                // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
                let valid = !other.is_empty()
                    && other.len() <= 64
                    && other
                        .bytes()
                        .all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b));
                if !valid {
                    return Err(InvalidScope(other.chars().take(64).collect()));
                }
                Scope::Other(other.to_owned())
            }
        })
    }
}

impl TryFrom<String> for Scope {
    type Error = InvalidScope;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Scope> for String {
    fn from(s: Scope) -> Self {
        s.as_str().to_owned()
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of scopes that always contains `openid`, in a stable order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Scopes(Vec<Scope>);

impl Scopes {
    /// `openid` plus the given scopes, without duplicates.
    pub fn new(scopes: impl IntoIterator<Item = Scope>) -> Self {
        let mut all = vec![Scope::OpenId];
        for s in scopes {
            if !all.contains(&s) {
                all.push(s);
            }
        }
        Scopes(all)
    }

    /// Parses a space- or comma-separated list (`"identite_pivot email"`).
    pub fn parse(list: &str) -> Result<Self, InvalidScope> {
        let scopes = list
            .split([' ', ','])
            .filter(|s| !s.is_empty())
            .map(str::parse)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self::new(scopes))
    }

    /// The scopes, `openid` first.
    pub fn iter(&self) -> impl Iterator<Item = &Scope> {
        self.0.iter()
    }

    /// True if the set contains this scope.
    pub fn contains(&self, scope: &Scope) -> bool {
        self.0.contains(scope)
    }

    /// True if some scope in the set gives this claim.
    pub fn grants_claim(&self, claim: &str) -> bool {
        self.0.iter().any(|s| s.claims().contains(&claim))
    }
}

impl Scopes {
    /// The scopes asked when the configuration names none: on FranceConnect
    /// and FranceConnect+ `openid identite_pivot email`, the pivot identity
    /// and a contact address; on ProConnect `openid given_name usual_name
    /// email uid siret organization_label idp_id`, the agent, their
    /// establishment and its name, and their identity provider.
    pub fn default_for(platform: Platform) -> Self {
        match platform {
            Platform::FranceConnect | Platform::FranceConnectPlus => Scopes::default(),
            Platform::ProConnect => Scopes::new([
                Scope::GivenName,
                Scope::UsualName,
                Scope::Email,
                Scope::Uid,
                Scope::Siret,
                Scope::OrganizationLabel,
                Scope::IdpId,
            ]),
        }
    }
}

impl Default for Scopes {
    /// `openid identite_pivot email`: FranceConnect's default (see
    /// [`Scopes::default_for`]).
    fn default() -> Self {
        Scopes::new([Scope::IdentitePivot, Scope::Email])
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(s.as_str())?;
        }
        Ok(())
    }
}

impl TryFrom<String> for Scopes {
    type Error = InvalidScope;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Scopes::parse(&s)
    }
}

impl From<Scopes> for String {
    fn from(s: Scopes) -> Self {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openid_is_always_first_and_duplicates_go() {
        let s = Scopes::parse("email,identite_pivot email").unwrap();
        assert_eq!(s.to_string(), "openid email identite_pivot");
        assert_eq!(Scopes::parse("openid").unwrap().to_string(), "openid");
    }

    #[test]
    fn aliases_expand_to_claims() {
        let s = Scopes::parse("profile birth").unwrap();
        assert!(s.grants_claim("preferred_username"));
        assert!(s.grants_claim("birthcountry"));
        assert!(!s.grants_claim("email"));
        assert_eq!(
            Scopes::parse("pivot_identity").unwrap().to_string(),
            "openid identite_pivot"
        );
    }

    #[test]
    fn each_platform_has_its_scopes() {
        let pc = Scopes::parse("usual_name siret phone chorusdt").unwrap();
        assert!(pc.grants_claim("phone_number") && pc.grants_claim("chorusdt:societe"));
        assert!(pc.iter().all(|s| s.is_defined_on(Platform::ProConnect)));
        assert!(!Scope::Siret.is_defined_on(Platform::FranceConnect));
        assert!(!Scope::IdentitePivot.is_defined_on(Platform::ProConnect));
        // `idp_id` on FranceConnect and ProConnect; FranceConnect+ does not
        // release it. The register's copies only on FranceConnect+.
        assert!(
            Scope::IdpId.is_defined_on(Platform::FranceConnect) && Scope::IdpId.is_defined_on(Platform::ProConnect)
        );
        assert!(!Scope::IdpId.is_defined_on(Platform::FranceConnectPlus));
        let rnipp: Scope = "rnipp_identite_pivot".parse().unwrap();
        assert!(rnipp.is_defined_on(Platform::FranceConnectPlus) && !rnipp.is_defined_on(Platform::FranceConnect));
        assert!(
            Scopes::parse("openid rnipp_identite_pivot")
                .unwrap()
                .grants_claim("rnipp_birthcountry")
        );
        assert!(
            Scope::Email.is_defined_on(Platform::ProConnect) && Scope::Email.is_defined_on(Platform::FranceConnectPlus)
        );
        assert_eq!(
            Scopes::default_for(Platform::ProConnect).to_string(),
            "openid given_name usual_name email uid siret organization_label idp_id"
        );
    }

    #[test]
    fn invalid_scope_characters_are_refused() {
        assert!(Scopes::parse("email \"x\"").is_err());
        assert!(Scopes::parse("a\\b").is_err());
        assert_eq!(
            Scopes::parse("idp_birthdate").unwrap().to_string(),
            "openid idp_birthdate"
        );
        assert_eq!(
            Scopes::parse("groups").unwrap().iter().nth(1),
            Some(&Scope::Other("groups".into()))
        );
    }

    /// Issue 30 §1.2: FranceConnect's and FranceConnect+'s lists are
    /// closed, each data scope where its platform offers it; ProConnect
    /// keeps scopes it does not know.
    #[test]
    fn franceconnect_s_lists_are_closed_and_proconnect_s_open() {
        let data: Scope = "dgfip_rfr".parse().unwrap();
        assert_eq!(data, Scope::Data(DataScope::DgfipRfr));
        assert!(data.claims().is_empty(), "the data come from the provider's API");
        assert!(data.is_defined_on(Platform::FranceConnect) && data.is_defined_on(Platform::FranceConnectPlus));
        assert!(!data.is_defined_on(Platform::ProConnect));
        let cnaf: Scope = "cnaf_quotient_familial".parse().unwrap();
        assert!(cnaf.is_defined_on(Platform::FranceConnect) && !cnaf.is_defined_on(Platform::FranceConnectPlus));
        let refusal = cnaf.refusal_on(Platform::FranceConnectPlus).unwrap();
        assert!(
            refusal.contains("`cnaf_quotient_familial`") && refusal.contains("CNAF/MSA"),
            "{refusal}"
        );
        let unknown: Scope = "frobnicate".parse().unwrap();
        assert!(!unknown.is_defined_on(Platform::FranceConnect) && !unknown.is_defined_on(Platform::FranceConnectPlus));
        assert!(unknown.is_defined_on(Platform::ProConnect));
        assert!(
            unknown
                .refusal_on(Platform::FranceConnect)
                .unwrap()
                .contains("`frobnicate`")
        );
        for (scope, fc, plus) in [
            ("idp_birthdate", true, false),
            ("amr", true, true),
            ("rnipp_given_name", false, true),
            ("rnipp_birth", false, true),
            ("mi_siv_carte_grise", true, false),
            ("cnous_statut_boursier", true, true),
            ("droits_assurance_maladie", true, true),
            (
                "ants_extrait_immatriculation_vehicule_caracteristiques_techniques_vehicule",
                true,
                false,
            ),
        ] {
            let s: Scope = scope.parse().unwrap();
            assert!(!matches!(s, Scope::Other(_)), "{scope} is typed");
            assert_eq!(s.as_str(), scope);
            assert_eq!(
                (
                    s.is_defined_on(Platform::FranceConnect),
                    s.is_defined_on(Platform::FranceConnectPlus)
                ),
                (fc, plus),
                "{scope}"
            );
        }
        assert!(
            Scopes::parse("rnipp_given_name")
                .unwrap()
                .grants_claim("rnipp_given_name_array")
        );
    }
}
