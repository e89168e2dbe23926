//! eIDAS levels (`acr`) and authentication methods (`amr`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An eIDAS level of assurance, as FranceConnect names it in `acr`.
///
/// Levels are ordered: `Eidas1 < Eidas2 < Eidas3`, so a route can require
/// `user.acr >= Eidas::Eidas2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Eidas {
    /// eIDAS low: FranceConnect.
    #[serde(rename = "eidas1")]
    Eidas1,
    /// eIDAS substantial: FranceConnect+.
    #[serde(rename = "eidas2")]
    Eidas2,
    /// eIDAS high: FranceConnect+.
    #[serde(rename = "eidas3")]
    Eidas3,
}

impl Eidas {
    /// The `acr` value: `eidas1`, `eidas2` or `eidas3`.
    pub fn as_str(self) -> &'static str {
        match self {
            Eidas::Eidas1 => "eidas1",
            Eidas::Eidas2 => "eidas2",
            Eidas::Eidas3 => "eidas3",
        }
    }
}

impl fmt::Display for Eidas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An `acr` value that is not an eIDAS level.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown eIDAS level (expected eidas1, eidas2 or eidas3)")]
pub struct UnknownEidas;

impl FromStr for Eidas {
    type Err = UnknownEidas;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "eidas1" => Ok(Eidas::Eidas1),
            "eidas2" => Ok(Eidas::Eidas2),
            "eidas3" => Ok(Eidas::Eidas3),
            _ => Err(UnknownEidas),
        }
    }
}

/// An authentication method reference (`amr`), as FranceConnect sends them.
///
/// Unknown values are kept in [`Amr::Other`]: the list grows with the
/// identity providers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Amr {
    /// Authenticated through FranceConnect (always present).
    Fc,
    /// A password.
    Pwd,
    /// A one-time code sent by e-mail.
    Mail,
    /// A one-time code sent by SMS.
    Sms,
    /// A time-based one-time password.
    Totp,
    /// Multi-factor authentication.
    Mfa,
    /// Proof of possession of a device.
    Pop,
    /// A PIN.
    Pin,
    /// Authenticated by another European country, through FranceConnect's
    /// eIDAS bridge.
    Eidas,
    /// Another method, as sent.
    Other(String),
}

impl Amr {
    /// The value as sent in `amr`.
    pub fn as_str(&self) -> &str {
        match self {
            Amr::Fc => "fc",
            Amr::Pwd => "pwd",
            Amr::Mail => "mail",
            Amr::Sms => "sms",
            Amr::Totp => "totp",
            Amr::Mfa => "mfa",
            Amr::Pop => "pop",
            Amr::Pin => "pin",
            Amr::Eidas => "eidas",
            Amr::Other(s) => s,
        }
    }
}

impl From<String> for Amr {
    fn from(s: String) -> Self {
        match s.as_str() {
            "fc" => Amr::Fc,
            "pwd" => Amr::Pwd,
            "mail" => Amr::Mail,
            "sms" => Amr::Sms,
            "totp" => Amr::Totp,
            "mfa" => Amr::Mfa,
            "pop" => Amr::Pop,
            "pin" => Amr::Pin,
            "eidas" => Amr::Eidas,
            _ => Amr::Other(s),
        }
    }
}

impl From<Amr> for String {
    fn from(a: Amr) -> Self {
        a.as_str().to_owned()
    }
}

impl fmt::Display for Amr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_ordered_and_parse() {
        assert!(Eidas::Eidas1 < Eidas::Eidas2 && Eidas::Eidas2 < Eidas::Eidas3);
        assert_eq!("eidas2".parse::<Eidas>(), Ok(Eidas::Eidas2));
        assert!("EIDAS2".parse::<Eidas>().is_err());
        assert_eq!(serde_json::to_string(&Eidas::Eidas3).unwrap(), "\"eidas3\"");
    }

    #[test]
    fn amr_keeps_unknown_values() {
        let amr: Vec<Amr> = serde_json::from_str(r#"["fc","pwd","face"]"#).unwrap();
        assert_eq!(amr, vec![Amr::Fc, Amr::Pwd, Amr::Other("face".into())]);
        assert_eq!(serde_json::to_string(&amr).unwrap(), r#"["fc","pwd","face"]"#);
    }
}
