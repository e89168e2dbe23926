//! The people who can log in at the mock: an embedded default set of
//! fictional identities covering the edge cases of the real platform, or a
//! JSON file of your own.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::MockError;

/// The embedded default identities.
const DEFAULT_IDENTITIES: &str = include_str!("identities.json");

/// A fictional person, with the claims the platform returns about them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// Login used to pick this person (e.g. in `auto_approve`), e.g. `"default"`.
    pub id: String,
    /// First names, space separated; empty for people without one.
    pub given_name: String,
    /// Birth name, upper case.
    pub family_name: String,
    /// Usage name, when the person has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_username: Option<String>,
    /// Date of birth `YYYY-MM-DD` (presumed dates use `01` for unknown parts).
    pub birthdate: String,
    /// The identity provider's raw date, with `00` for unknown parts
    /// (FranceConnect's `idp_birthdate`); `birthdate` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_birthdate: Option<String>,
    /// `male`, `female` or `unspecified`, as the national register holds it.
    pub gender: String,
    /// INSEE code of the commune of birth; empty when born abroad.
    pub birthplace: String,
    /// INSEE code of the country of birth (`99100` for France).
    pub birthcountry: String,
    /// Contact e-mail address, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// One line in French describing what this identity tests, shown on the
    /// login page.
    pub description: String,
}

impl Identity {
    /// The embedded default set (the first one is the default person).
    pub fn defaults() -> Vec<Identity> {
        parse(DEFAULT_IDENTITIES).expect("the embedded identities.json is valid")
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

    /// Full display name, e.g. "Camille Hélène MARCHAND".
    pub fn display_name(&self) -> String {
        let mut name = if self.given_name.is_empty() {
            self.family_name.clone()
        } else {
            format!("{} {}", self.given_name, self.family_name)
        };
        if let Some(usage) = self.preferred_username.as_deref().filter(|u| !u.is_empty()) {
            name.push_str(&format!(" (usage : {usage})"));
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
    }
    Ok(identities)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_cover_the_edge_cases() {
        let all = Identity::defaults();
        assert!(all.len() >= 16);
        assert_eq!(all[0].id, "default");
        assert!(all.iter().any(|i| i.given_name.is_empty()));
        assert!(all.iter().any(|i| i.email.is_none()));
        assert!(all.iter().any(|i| i.preferred_username.is_some()));
        assert!(all.iter().any(|i| i.family_name.chars().count() > 50));
        assert!(all.iter().any(|i| i.birthplace == "2A004"));
        assert!(all.iter().any(|i| i.birthplace.starts_with("2B")));
        assert!(all.iter().any(|i| i.birthplace.starts_with("97")));
        assert!(all.iter().any(|i| i.birthplace.is_empty() && i.birthcountry != "99100"));
        assert!(all.iter().any(|i| i.idp_birthdate() == "1955-00-00"));
        assert!(all.iter().any(|i| i.birthdate.starts_with("2012")));
        assert!(all.iter().any(|i| i.gender == "unspecified"));
        for i in &all {
            assert!(
                ["male", "female", "unspecified"].contains(&i.gender.as_str()),
                "{}",
                i.id
            );
            assert!(i.birthplace.is_empty() || i.birthplace.len() == 5, "{}", i.id);
            assert!(i.birthcountry.len() == 5 && i.birthcountry.starts_with("99"));
            assert_eq!(i.birthplace.is_empty(), i.birthcountry != "99100", "{}", i.id);
        }
    }

    #[test]
    fn given_name_array_splits_on_spaces() {
        let all = Identity::defaults();
        let jp = all.iter().find(|i| i.id == "prenoms-composes").unwrap();
        assert_eq!(jp.given_name_array(), vec!["Jean-Pierre", "Marie"]);
        let none = all.iter().find(|i| i.id == "sans-prenom").unwrap();
        assert!(none.given_name_array().is_empty());
    }
}
