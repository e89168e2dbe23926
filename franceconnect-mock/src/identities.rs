//! The people who can log in at the mock: an embedded default set of
//! fictional identities covering the edge cases of the real platform, or a
//! JSON file of your own.
//!
//! Two kinds of people sign in on FranceConnect and FranceConnect+:
//!
//! - people of the French civil register (RNIPP), the default: the fields
//!   hold the register's identity, which FranceConnect serves as is.
//!   FranceConnect+ serves the *identity provider's* identity in the plain
//!   claims (`given_name`, `family_name`, `birthdate`…), which
//!   [`Identity::idp_spelling`] may spell otherwise (case, accents, fewer
//!   first names, a presumed date), and the register's in the `rnipp_*`
//!   claims;
//! - European citizens signing in through FranceConnect's eIDAS bridge
//!   ([`Identity::eidas`]): the fields hold what their own country sent,
//!   which both platforms serve as is, with `amr` `["eidas"]` and nothing
//!   the bridge never sends (no `birthcountry`, `email`,
//!   `given_name_array`, `idp_birthdate` nor `rnipp_*`).

use std::path::Path;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::error::MockError;

/// The embedded default identities.
const DEFAULT_IDENTITIES: &str = include_str!("identities.json");

/// FranceConnect's `idp_id` of its eIDAS bridge, the identity provider of
/// every European citizen.
pub(crate) const EIDAS_BRIDGE_IDP_ID: &str = "1f4d6633-d853-43c6-b461-ce54fdc19bff";

/// FranceConnect's `idp_id` of impots.gouv.fr, the identity provider of a
/// register person whose [`Identity::identity_provider`] is not set.
pub(crate) const DEFAULT_IDP_ID: &str = "8dfc4080-c90d-4234-969b-f6c961de3e90";

/// A fictional person, with the claims the platform returns about them.
///
/// In a JSON file (`--identities-file`, [`Identity::load_file`]), an array
/// of objects with these fields; the optional ones may be left out. A
/// person of the register:
///
/// ```json
/// {
///   "id": "prenoms-composes",
///   "given_name": "Jean-Pierre Marie",
///   "family_name": "LEBRETON",
///   "birthdate": "1958-06-30",
///   "gender": "male",
///   "birthplace": "35238",
///   "birthcountry": "99100",
///   "email": "jp.lebreton@example.fr",
///   "idp_spelling": { "given_name": "Jean Pierre", "family_name": "Lebreton" },
///   "identity_provider": "7d4455fb-3141-4b12-8a18-718d2cb9b149",
///   "description": "Prénom composé et plusieurs prénoms, né à Rennes"
/// }
/// ```
///
/// A European citizen (no `birthcountry`, `email`, `idp_birthdate`,
/// `idp_spelling` nor `identity_provider`; `gender` and `birthplace`
/// optional):
///
/// ```json
/// {
///   "id": "eidas-italie",
///   "eidas": true,
///   "given_name": "Niccolò Andrea",
///   "family_name": "Dell'Acqua",
///   "preferred_username": "Dell'Acqua",
///   "birthdate": "1986-04-23",
///   "gender": "male",
///   "birthplace": "Milano",
///   "description": "Citoyen européen (Italie) venu par le pont eIDAS"
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// Login used to pick this person (e.g. in `auto_approve`), e.g. `"default"`.
    pub id: String,
    /// First names, space separated: the register's (empty for people
    /// without one), or as a European citizen's country sent them (mixed
    /// case, never empty).
    pub given_name: String,
    /// Birth name: the register's, upper case; a European citizen's as
    /// their country sent it, mixed case.
    pub family_name: String,
    /// Usage name, when the person has one (the eIDAS bridge sets it to the
    /// family name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_username: Option<String>,
    /// Date of birth `YYYY-MM-DD` (presumed dates use `01` for unknown parts).
    pub birthdate: String,
    /// The identity provider's raw date, with `00` for unknown parts
    /// (FranceConnect's `idp_birthdate`); `birthdate` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_birthdate: Option<String>,
    /// `male`, `female` or `unspecified`, as the national register holds
    /// it; always set for a person of the register, optional for a European
    /// citizen (the claim is then absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// INSEE code of the commune of birth; empty when born abroad. For a
    /// European citizen, the place as their country sent it, free text
    /// (`Milano`, `Paris 10`); empty when it sent none (the claim is then
    /// absent).
    #[serde(default)]
    pub birthplace: String,
    /// INSEE code of the country of birth (`99100` for France); always set
    /// for a person of the register, never for a European citizen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthcountry: Option<String>,
    /// Contact e-mail address, if any (never for a European citizen).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// A European citizen, signing in through FranceConnect's eIDAS bridge:
    /// their own country's identity, not the French register's.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub eidas: bool,
    /// How the person's identity provider spells them, where it differs
    /// from the register: what FranceConnect+ serves in the plain claims,
    /// while its `rnipp_*` claims (and FranceConnect) keep the register's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_spelling: Option<IdpSpelling>,
    /// FranceConnect's id of the identity provider the person signs in
    /// with, the `idp_id` claim (e.g. `07e573f2-3312-4bb9-bc48-6fcec737e497`
    /// for ameli.fr, see [`IDENTITY_PROVIDERS`](crate::IDENTITY_PROVIDERS));
    /// impots.gouv.fr's when absent, always the eIDAS bridge's
    /// (`1f4d6633-d853-43c6-b461-ce54fdc19bff`) for a European citizen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_provider: Option<String>,
    /// One line in French describing what this identity tests, shown on the
    /// login page.
    pub description: String,
}

/// How a person's identity provider spells them (FranceConnect+'s plain
/// claims), each part falling back to the register's when absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdpSpelling {
    /// First names, e.g. `camille helene` or `Jean Pierre`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Birth name, e.g. `Marchand`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// Date of birth, e.g. `1955-00-00` where the register presumes
    /// `1955-01-01`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthdate: Option<String>,
}

impl Identity {
    /// The embedded default set (the first one is the default person).
    pub fn defaults() -> Vec<Identity> {
        // Parsed once per process: every mock starts with a copy.
        static DEFAULTS: LazyLock<Vec<Identity>> =
            LazyLock::new(|| parse(DEFAULT_IDENTITIES).expect("the embedded identities.json is valid"));
        DEFAULTS.clone()
    }

    /// Loads identities from a JSON file holding an array of identities.
    pub fn load_file(path: impl AsRef<Path>) -> Result<Vec<Identity>, MockError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| MockError::Identities(format!("cannot read {}: {e}", path.display())))?;
        parse(&text).map_err(|e| MockError::Identities(format!("{}: {e}", path.display())))
    }

    /// The first names as a list (`given_name_array`, FranceConnect only).
    pub fn given_name_array(&self) -> Vec<String> {
        self.given_name.split_whitespace().map(str::to_owned).collect()
    }

    /// The identity provider's raw birth date (`idp_birthdate`).
    pub fn idp_birthdate(&self) -> &str {
        self.idp_birthdate.as_deref().unwrap_or(&self.birthdate)
    }

    /// The first names as the identity provider spells them
    /// (FranceConnect+'s `given_name`): [`IdpSpelling::given_name`], else
    /// the register's.
    pub fn idp_spelled_given_name(&self) -> &str {
        self.spelling(|s| s.given_name.as_deref()).unwrap_or(&self.given_name)
    }

    /// The birth name as the identity provider spells it
    /// (FranceConnect+'s `family_name`): [`IdpSpelling::family_name`], else
    /// the register's.
    pub fn idp_spelled_family_name(&self) -> &str {
        self.spelling(|s| s.family_name.as_deref()).unwrap_or(&self.family_name)
    }

    /// The date of birth as the identity provider gives it
    /// (FranceConnect+'s `birthdate`): [`IdpSpelling::birthdate`], else the
    /// register's.
    pub fn idp_spelled_birthdate(&self) -> &str {
        self.spelling(|s| s.birthdate.as_deref()).unwrap_or(&self.birthdate)
    }

    fn spelling<'a>(&'a self, part: impl Fn(&'a IdpSpelling) -> Option<&'a str>) -> Option<&'a str> {
        self.idp_spelling.as_ref().and_then(part)
    }

    /// FranceConnect's `idp_id` of the identity provider the person signs
    /// in with: the eIDAS bridge's for a European citizen, else
    /// [`Identity::identity_provider`], else impots.gouv.fr's.
    pub fn idp_id(&self) -> &str {
        if self.eidas {
            EIDAS_BRIDGE_IDP_ID
        } else {
            self.identity_provider.as_deref().unwrap_or(DEFAULT_IDP_ID)
        }
    }

    /// Full display name, e.g. "Camille Hélène MARCHAND".
    pub fn display_name(&self) -> String {
        let mut name = if self.given_name.is_empty() {
            self.family_name.clone()
        } else {
            format!("{} {}", self.given_name, self.family_name)
        };
        if let Some(usage) = self
            .preferred_username
            .as_deref()
            .filter(|u| !u.is_empty() && *u != self.family_name)
        {
            name.push_str(&format!(" (usage : {usage})"));
        }
        if self.eidas {
            name.push_str(" — eIDAS");
        }
        name
    }
}

/// Parses and checks a JSON array of identities.
fn parse(text: &str) -> Result<Vec<Identity>, String> {
    let identities: Vec<Identity> = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if identities.is_empty() {
        return Err("the identity list is empty".into());
    }
    let mut seen = std::collections::HashSet::new();
    for identity in &identities {
        if identity.id.is_empty() {
            return Err("an identity has an empty id".into());
        }
        if !seen.insert(identity.id.as_str()) {
            return Err(format!("duplicate identity id `{}`", identity.id));
        }
        check(identity).map_err(|e| format!("identity `{}`: {e}", identity.id))?;
    }
    Ok(identities)
}

/// What each kind of person must (not) have. The values themselves are not
/// checked: a file may hold malformed ones on purpose, to test a client.
fn check(identity: &Identity) -> Result<(), String> {
    if !identity.eidas {
        if identity.gender.is_none() {
            return Err("`gender` is missing (only a European citizen, `eidas`, may have none)".into());
        }
        if identity.birthcountry.is_none() {
            return Err("`birthcountry` is missing (only a European citizen, `eidas`, has none)".into());
        }
        return Ok(());
    }
    let never = [
        ("birthcountry", identity.birthcountry.is_some()),
        ("email", identity.email.is_some()),
        ("idp_birthdate", identity.idp_birthdate.is_some()),
        ("idp_spelling", identity.idp_spelling.is_some()),
        ("identity_provider", identity.identity_provider.is_some()),
    ];
    if let Some((field, _)) = never.iter().find(|(_, set)| *set) {
        return Err(format!(
            "a European citizen (`eidas`) has no `{field}`: the eIDAS bridge never sends it"
        ));
    }
    for (field, value) in [
        ("given_name", &identity.given_name),
        ("family_name", &identity.family_name),
        ("birthdate", &identity.birthdate),
    ] {
        if value.is_empty() {
            return Err(format!(
                "a European citizen (`eidas`) needs a `{field}`: the eIDAS bridge requires it"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_cover_the_edge_cases() {
        let all = Identity::defaults();
        assert!(all.len() >= 16);
        assert_eq!(all[0].id, "default");
        let register: Vec<&Identity> = all.iter().filter(|i| !i.eidas).collect();
        assert!(register.iter().any(|i| i.given_name.is_empty()));
        assert!(register.iter().any(|i| i.email.is_none()));
        assert!(register.iter().any(|i| i.preferred_username.is_some()));
        assert!(register.iter().any(|i| i.family_name.chars().count() > 50));
        assert!(register.iter().any(|i| i.birthplace == "2A004"));
        assert!(register.iter().any(|i| i.birthplace.starts_with("2B")));
        assert!(register.iter().any(|i| i.birthplace.starts_with("97")));
        assert!(
            register
                .iter()
                .any(|i| i.birthplace.is_empty() && i.birthcountry.as_deref() != Some("99100"))
        );
        assert!(register.iter().any(|i| i.idp_birthdate() == "1955-00-00"));
        assert!(register.iter().any(|i| i.birthdate.starts_with("2012")));
        assert!(register.iter().any(|i| i.gender.as_deref() == Some("unspecified")));
        for i in &register {
            let gender = i.gender.as_deref().unwrap_or_default();
            assert!(["male", "female", "unspecified"].contains(&gender), "{}", i.id);
            assert!(i.birthplace.is_empty() || i.birthplace.len() == 5, "{}", i.id);
            let country = i.birthcountry.as_deref().unwrap_or_default();
            assert!(country.len() == 5 && country.starts_with("99"), "{}", i.id);
            assert_eq!(i.birthplace.is_empty(), country != "99100", "{}", i.id);
        }
    }

    #[test]
    fn defaults_have_european_citizens_as_their_country_sent_them() {
        let all = Identity::defaults();
        let europeans: Vec<&Identity> = all.iter().filter(|i| i.eidas).collect();
        assert!(europeans.len() >= 3);
        assert!(europeans.iter().any(|i| i.gender.is_some() && i.birthplace == "Milano"));
        assert!(europeans.iter().any(|i| i.gender.is_none()));
        assert!(europeans.iter().any(|i| i.birthplace == "Paris 10"));
        for i in &europeans {
            assert_eq!(i.birthcountry, None, "{}", i.id);
            assert_eq!(i.email, None, "{}", i.id);
            assert_eq!(i.idp_id(), EIDAS_BRIDGE_IDP_ID, "{}", i.id);
            // Mixed case, as the country sent it, never the register's
            // upper case.
            assert_ne!(i.family_name, i.family_name.to_uppercase(), "{}", i.id);
            assert!(!i.given_name.is_empty() && !i.birthdate.is_empty(), "{}", i.id);
            if let Some(gender) = &i.gender {
                assert!(["male", "female", "unspecified"].contains(&gender.as_str()), "{}", i.id);
            }
        }
        assert!(
            europeans
                .iter()
                .flat_map(|i| [&i.given_name, &i.family_name])
                .any(|name| !name.is_ascii()),
            "accents"
        );
    }

    #[test]
    fn the_identity_provider_spells_some_people_otherwise() {
        let all = Identity::defaults();
        let find = |id: &str| all.iter().find(|i| i.id == id).unwrap();
        let default = find("default");
        assert_eq!(
            default.idp_spelling, None,
            "the default person is the same on both platforms"
        );
        assert_eq!(default.idp_spelled_given_name(), "Camille Hélène");
        assert_eq!(default.idp_spelled_family_name(), "MARCHAND");
        assert_eq!(default.idp_spelled_birthdate(), "1984-03-17");
        let jp = find("prenoms-composes");
        assert_eq!(jp.idp_spelled_given_name(), "Jean Pierre");
        assert_eq!(jp.given_name, "Jean-Pierre Marie");
        let presumed = find("date-presumee");
        assert_eq!(
            (presumed.birthdate.as_str(), presumed.idp_spelled_birthdate()),
            ("1955-01-01", "1955-00-00")
        );
        let spelled = all.iter().filter(|i| i.idp_spelling.is_some()).count();
        assert!(spelled >= 4, "{spelled}");
        assert!(
            all.iter()
                .any(|i| i.idp_spelled_family_name() != i.family_name && !i.eidas)
        );
    }

    #[test]
    fn identity_providers_default_to_impots_gouv() {
        let all = Identity::defaults();
        let find = |id: &str| all.iter().find(|i| i.id == id).unwrap();
        assert_eq!(find("default").idp_id(), DEFAULT_IDP_ID);
        assert!(
            all.iter().any(|i| !i.eidas && i.idp_id() != DEFAULT_IDP_ID),
            "some people come through another provider"
        );
    }

    #[test]
    fn given_name_array_splits_on_spaces() {
        let all = Identity::defaults();
        let jp = all.iter().find(|i| i.id == "prenoms-composes").unwrap();
        assert_eq!(jp.given_name_array(), vec!["Jean-Pierre", "Marie"]);
        let none = all.iter().find(|i| i.id == "sans-prenom").unwrap();
        assert!(none.given_name_array().is_empty());
    }

    #[test]
    fn files_written_before_european_citizens_still_load() {
        let old = r#"[{"id": "a", "given_name": "Anne", "family_name": "MARTIN",
            "birthdate": "1980-01-02", "gender": "female", "birthplace": "75056",
            "birthcountry": "99100", "description": "d"}]"#;
        let people = parse(old).unwrap();
        assert!(!people[0].eidas && people[0].idp_spelling.is_none());
        assert_eq!(people[0].gender.as_deref(), Some("female"));
        let written = serde_json::to_value(&people).unwrap();
        assert_eq!(written, serde_json::from_str::<serde_json::Value>(old).unwrap());
    }

    #[test]
    fn each_kind_of_person_is_checked() {
        let with = |fields: &str| {
            parse(&format!(
                r#"[{{"id": "p", "given_name": "Ana", "family_name": "Silva",
                "birthdate": "1990-01-02", "description": "d"{fields}}}]"#
            ))
        };
        with(r#", "eidas": true"#).unwrap();
        with(r#", "eidas": true, "gender": "female", "birthplace": "Lisboa""#).unwrap();
        for (fields, named) in [
            (r#", "eidas": true, "birthcountry": "99139""#, "birthcountry"),
            (r#", "eidas": true, "email": "a@example.eu""#, "email"),
            (r#", "eidas": true, "idp_birthdate": "1990-01-00""#, "idp_birthdate"),
            (
                r#", "eidas": true, "idp_spelling": {"given_name": "ana"}"#,
                "idp_spelling",
            ),
            (r#", "eidas": true, "identity_provider": "x""#, "identity_provider"),
            (r#", "birthcountry": "99100", "birthplace": "75056""#, "gender"),
            (r#", "gender": "female", "birthplace": "75056""#, "birthcountry"),
        ] {
            let e = with(fields).unwrap_err();
            assert!(e.contains(named) && e.contains("`p`"), "{fields}: {e}");
        }
        let e = parse(r#"[{"id": "p", "eidas": true, "given_name": "", "family_name": "Silva", "birthdate": "1990-01-02", "description": "d"}]"#).unwrap_err();
        assert!(e.contains("given_name"), "{e}");
        let e =
            with(r#", "gender": "female", "birthcountry": "99100", "idp_spelling": {"gender": "male"}"#).unwrap_err();
        assert!(e.contains("gender"), "an unknown part of the spelling is refused: {e}");
    }
}
