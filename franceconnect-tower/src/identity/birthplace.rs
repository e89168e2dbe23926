//! Where a citizen was born (`birthplace`): a French commune, abroad, or a
//! place as a European citizen's country declared it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::ClaimsError;
use crate::identity::InseeCommune;

/// The longest declared place kept; longer text is refused as hostile.
const MAX_DECLARED_CHARS: usize = 256;

/// The `birthplace` claim, typed.
///
/// - People in the French civil register are born in a commune
///   ([`Birthplace::Commune`], an INSEE code) or abroad
///   ([`Birthplace::Abroad`]: the claim is empty and `birthcountry` names
///   the country).
/// - European citizens who sign in through FranceConnect's eIDAS bridge
///   carry the place their own country sent, as free text (`Milano`,
///   `Paris 10`), and no `birthcountry` ([`Birthplace::Declared`]). Nothing
///   is guessed from that text: it is kept exactly as sent.
///
/// It serialises as the claim's string (empty when abroad).
#[derive(Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Birthplace {
    /// Born in this French commune (INSEE code).
    Commune(InseeCommune),
    /// Born outside France (the register's empty `birthplace`).
    Abroad,
    /// The place a European citizen's country declared, as sent.
    Declared(String),
}

impl Birthplace {
    /// Reads a `birthplace` claim. `with_birthcountry` says whether the same
    /// claims carry a `birthcountry`: a register identity does, so its
    /// birthplace must be an INSEE code or empty; an identity from the eIDAS
    /// bridge does not, and its birthplace may be any text without control
    /// characters (up to 256 characters).
    pub fn parse(value: &str, with_birthcountry: bool) -> Result<Self, ClaimsError> {
        if value.is_empty() {
            return Ok(Birthplace::Abroad);
        }
        match InseeCommune::parse(value) {
            Ok(commune) => Ok(Birthplace::Commune(commune)),
            Err(e) if with_birthcountry => Err(e),
            Err(_) => {
                let ok = value.chars().count() <= MAX_DECLARED_CHARS
                    && !value.chars().any(char::is_control)
                    && !value.trim().is_empty();
                if ok {
                    Ok(Birthplace::Declared(value.to_owned()))
                } else {
                    Err(ClaimsError::new(
                        "birthplace",
                        "expected an INSEE commune code, or a place name without control characters",
                    ))
                }
            }
        }
    }

    /// The commune, when born in France.
    pub fn commune(&self) -> Option<&InseeCommune> {
        match self {
            Birthplace::Commune(commune) => Some(commune),
            _ => None,
        }
    }

    /// The claim as the provider wrote it: the INSEE code, empty when born
    /// abroad, or the declared text.
    pub fn as_str(&self) -> &str {
        match self {
            Birthplace::Commune(commune) => commune.as_str(),
            Birthplace::Abroad => "",
            Birthplace::Declared(place) => place,
        }
    }
}

impl fmt::Debug for Birthplace {
    /// The kind only: a place of birth is personal data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Birthplace::Commune(_) => "Birthplace::Commune(..)",
            Birthplace::Abroad => "Birthplace::Abroad",
            Birthplace::Declared(_) => "Birthplace::Declared(..)",
        })
    }
}

impl Serialize for Birthplace {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Birthplace {
    /// Reads what [`Serialize`] wrote. `null` is read as abroad: sessions
    /// written before this type stored a birth abroad that way.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Option::<String>::deserialize(deserializer)? {
            None => Ok(Birthplace::Abroad),
            // What we wrote was checked at the login: a commune code stays
            // one, anything else was declared.
            Some(text) => Birthplace::parse(&text, false).map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_birthplaces_are_codes_or_empty() {
        assert_eq!(
            Birthplace::parse("75107", true).unwrap().commune().unwrap().as_str(),
            "75107"
        );
        assert_eq!(Birthplace::parse("", true).unwrap(), Birthplace::Abroad);
        assert_eq!(Birthplace::parse("Milano", true).unwrap_err().field, "birthplace");
    }

    #[test]
    fn european_birthplaces_are_kept_as_sent() {
        for text in ["Milano", "Paris 10", "São Paulo", "Łódź", "Α\u{301}θήνα"] {
            let place = Birthplace::parse(text, false).unwrap();
            assert_eq!(place, Birthplace::Declared(text.into()));
            assert_eq!(place.as_str(), text);
            assert_eq!(format!("{place:?}"), "Birthplace::Declared(..)");
        }
        for bad in ["a\nb", "   ", &"x".repeat(257)] {
            assert_eq!(Birthplace::parse(bad, false).unwrap_err().field, "birthplace");
        }
    }

    #[test]
    fn round_trips_through_a_session() {
        for place in [
            Birthplace::parse("2A004", true).unwrap(),
            Birthplace::Abroad,
            Birthplace::Declared("Paris 10".into()),
        ] {
            let text = serde_json::to_string(&place).unwrap();
            assert_eq!(serde_json::from_str::<Birthplace>(&text).unwrap(), place);
        }
        assert_eq!(serde_json::from_str::<Birthplace>("null").unwrap(), Birthplace::Abroad);
    }
}
