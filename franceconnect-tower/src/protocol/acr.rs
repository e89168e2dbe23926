//! Authentication contexts (`acr`): every value a platform reports, and
//! what a login asks for.
//!
//! FranceConnect and FranceConnect+ speak eIDAS levels only ([`Eidas`]),
//! asked in `acr_values` and met by that level or a higher one. ProConnect
//! adds its own values (`eidas0`, the `-mfa` variants, the company-head
//! certification), asked as essential values of the `claims` parameter and
//! met only by one of the values asked.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::protocol::eidas::Eidas;

/// An `acr` value, as a platform reports it in the ID token.
///
/// ```
/// use franceconnect_tower::{Acr, Eidas};
///
/// let acr: Acr = "eidas1-mfa".parse().unwrap();
/// assert!(acr.is_mfa());
/// assert_eq!(acr.eidas(), Some(Eidas::Eidas1));
/// assert!(acr.reaches(Eidas::Eidas1) && !acr.reaches(Eidas::Eidas2));
/// assert_eq!(Acr::from(Eidas::Eidas2).as_str(), "eidas2");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Acr {
    /// `eidas0` (ProConnect): a self-asserted identity, below eIDAS low.
    #[serde(rename = "eidas0")]
    Eidas0,
    /// `eidas0-mfa` (ProConnect): self-asserted, with a second factor.
    #[serde(rename = "eidas0-mfa")]
    Eidas0Mfa,
    /// `eidas1`: eIDAS low (FranceConnect; ProConnect's usual level).
    #[serde(rename = "eidas1")]
    Eidas1,
    /// `eidas1-mfa` (ProConnect): eIDAS low with a second factor.
    #[serde(rename = "eidas1-mfa")]
    Eidas1Mfa,
    /// `eidas2`: eIDAS substantial (FranceConnect+, ProConnect).
    #[serde(rename = "eidas2")]
    Eidas2,
    /// `eidas3`: eIDAS high (FranceConnect+, ProConnect).
    #[serde(rename = "eidas3")]
    Eidas3,
    /// ProConnect's certification that the person heads the company they
    /// sign in for (`https://proconnect.gouv.fr/assurance/certification-dirigeant`).
    #[serde(rename = "https://proconnect.gouv.fr/assurance/certification-dirigeant")]
    CertificationDirigeant,
}

impl Acr {
    /// Every value, lowest assurance first.
    pub const ALL: [Acr; 7] = [
        Acr::Eidas0,
        Acr::Eidas0Mfa,
        Acr::Eidas1,
        Acr::Eidas1Mfa,
        Acr::Eidas2,
        Acr::Eidas3,
        Acr::CertificationDirigeant,
    ];

    /// The values ProConnect counts as multi-factor: what a service asks
    /// for to require a second factor.
    pub const MFA: [Acr; 4] = [Acr::Eidas0Mfa, Acr::Eidas1Mfa, Acr::Eidas2, Acr::Eidas3];

    /// The value as sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Acr::Eidas0 => "eidas0",
            Acr::Eidas0Mfa => "eidas0-mfa",
            Acr::Eidas1 => "eidas1",
            Acr::Eidas1Mfa => "eidas1-mfa",
            Acr::Eidas2 => "eidas2",
            Acr::Eidas3 => "eidas3",
            Acr::CertificationDirigeant => "https://proconnect.gouv.fr/assurance/certification-dirigeant",
        }
    }

    /// The eIDAS level this value attests, if any: `eidas0` and the
    /// company-head certification attest none.
    pub fn eidas(self) -> Option<Eidas> {
        match self {
            Acr::Eidas1 | Acr::Eidas1Mfa => Some(Eidas::Eidas1),
            Acr::Eidas2 => Some(Eidas::Eidas2),
            Acr::Eidas3 => Some(Eidas::Eidas3),
            Acr::Eidas0 | Acr::Eidas0Mfa | Acr::CertificationDirigeant => None,
        }
    }

    /// True when this value attests `level` or a higher one.
    pub fn reaches(self, level: Eidas) -> bool {
        self.eidas().is_some_and(|e| e >= level)
    }

    /// True when the person authenticated with a second factor.
    pub fn is_mfa(self) -> bool {
        Acr::MFA.contains(&self)
    }

    /// The values that attest `level` or a higher one.
    pub(crate) fn reaching(level: Eidas) -> Vec<Acr> {
        Acr::ALL.into_iter().filter(|a| a.reaches(level)).collect()
    }
}

impl From<Eidas> for Acr {
    fn from(level: Eidas) -> Self {
        match level {
            Eidas::Eidas1 => Acr::Eidas1,
            Eidas::Eidas2 => Acr::Eidas2,
            Eidas::Eidas3 => Acr::Eidas3,
        }
    }
}

impl fmt::Display for Acr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A value that is none of the platforms' `acr` values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown acr value (expected eidas0, eidas0-mfa, eidas1, eidas1-mfa, eidas2, eidas3 or https://proconnect.gouv.fr/assurance/certification-dirigeant)"
)]
pub struct UnknownAcr;

impl FromStr for Acr {
    type Err = UnknownAcr;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Acr::ALL.into_iter().find(|a| a.as_str() == s).ok_or(UnknownAcr)
    }
}

/// What a login asks for, and what meets it.
///
/// Serialised as the level (`"eidas2"`) or the list of values, so that a
/// pending login sealed before ProConnect existed still opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RequestedAcr {
    /// FranceConnect, FranceConnect+: this eIDAS level, sent in
    /// `acr_values`; met by it or a higher one.
    AtLeast(Eidas),
    /// ProConnect: one of these values, sent as essential in the `claims`
    /// parameter; met by one of them only. Empty: nothing required, the
    /// `acr` is only read (and must still be a known value).
    OneOf(Vec<Acr>),
}

impl RequestedAcr {
    /// True when a token reporting `acr` meets this request.
    pub fn is_met_by(&self, acr: Acr) -> bool {
        match self {
            RequestedAcr::AtLeast(level) => acr.reaches(*level),
            RequestedAcr::OneOf(values) => values.is_empty() || values.contains(&acr),
        }
    }

    /// The values of `asked` that the `configured` ProConnect request also
    /// allows (all of them when nothing is configured): a login's own
    /// values narrow what the service configured, never widen it. Empty
    /// when they have none in common.
    pub(crate) fn narrow(configured: &[Acr], asked: &[Acr]) -> Vec<Acr> {
        let mut narrowed: Vec<Acr> = Vec::with_capacity(asked.len());
        for &value in asked {
            if (configured.is_empty() || configured.contains(&value)) && !narrowed.contains(&value) {
                narrowed.push(value);
            }
        }
        narrowed
    }

    /// The ProConnect request that also demands `level`: the values of this
    /// one (all of them when empty) that attest it. Empty when none do.
    pub(crate) fn one_of_reaching(values: &[Acr], level: Eidas) -> Vec<Acr> {
        let all = Acr::reaching(level);
        if values.is_empty() {
            return all;
        }
        values.iter().copied().filter(|v| all.contains(v)).collect()
    }
}

impl fmt::Display for RequestedAcr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestedAcr::AtLeast(level) => write!(f, "{level} or higher"),
            RequestedAcr::OneOf(values) if values.is_empty() => f.write_str("any acr"),
            RequestedAcr::OneOf(values) => {
                let names: Vec<&str> = values.iter().map(|v| v.as_str()).collect();
                write!(f, "one of {}", names.join(", "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_and_unknown_ones_are_refused() {
        for acr in Acr::ALL {
            assert_eq!(acr.as_str().parse::<Acr>(), Ok(acr));
            assert_eq!(serde_json::to_string(&acr).unwrap(), format!("\"{}\"", acr.as_str()));
        }
        for unknown in [
            "eidas4",
            "EIDAS1",
            "",
            "https://proconnect.gouv.fr/assurance/self-asserted",
        ] {
            assert!(unknown.parse::<Acr>().is_err(), "{unknown}");
        }
    }

    #[test]
    fn a_level_is_met_by_itself_or_higher_and_a_list_by_its_members() {
        let fc = RequestedAcr::AtLeast(Eidas::Eidas2);
        assert!(fc.is_met_by(Acr::Eidas3) && fc.is_met_by(Acr::Eidas2));
        assert!(!fc.is_met_by(Acr::Eidas1Mfa) && !fc.is_met_by(Acr::CertificationDirigeant));
        let mfa = RequestedAcr::OneOf(Acr::MFA.to_vec());
        assert!(mfa.is_met_by(Acr::Eidas0Mfa) && !mfa.is_met_by(Acr::Eidas1));
        assert!(RequestedAcr::OneOf(vec![]).is_met_by(Acr::Eidas0));
        assert_eq!(
            RequestedAcr::one_of_reaching(&Acr::MFA, Eidas::Eidas2),
            [Acr::Eidas2, Acr::Eidas3]
        );
        assert_eq!(
            RequestedAcr::one_of_reaching(&[], Eidas::Eidas1),
            [Acr::Eidas1, Acr::Eidas1Mfa, Acr::Eidas2, Acr::Eidas3]
        );
    }

    #[test]
    fn a_login_narrows_the_configured_values_and_never_widens_them() {
        let floor = [Acr::Eidas2, Acr::Eidas3];
        assert_eq!(RequestedAcr::narrow(&floor, &Acr::MFA), floor);
        let no_self_asserted = [Acr::Eidas1, Acr::Eidas1Mfa, Acr::Eidas2, Acr::Eidas3];
        assert_eq!(
            RequestedAcr::narrow(&no_self_asserted, &Acr::MFA),
            [Acr::Eidas1Mfa, Acr::Eidas2, Acr::Eidas3]
        );
        assert!(RequestedAcr::narrow(&[Acr::CertificationDirigeant], &Acr::MFA).is_empty());
        assert_eq!(RequestedAcr::narrow(&[], &Acr::MFA), Acr::MFA, "nothing configured");
    }

    #[test]
    fn an_old_pending_level_still_reads() {
        let old: RequestedAcr = serde_json::from_str("\"eidas2\"").unwrap();
        assert_eq!(old, RequestedAcr::AtLeast(Eidas::Eidas2));
        let pc: RequestedAcr = serde_json::from_str(r#"["eidas1-mfa"]"#).unwrap();
        assert_eq!(pc, RequestedAcr::OneOf(vec![Acr::Eidas1Mfa]));
    }
}
