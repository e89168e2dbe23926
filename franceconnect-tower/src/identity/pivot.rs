//! The pivot identity and the formats of its claims.
//!
//! Each type validates the format the protocol documents and is tolerant
//! where the provider is known to vary: FranceConnect+ passes the identity
//! provider's raw data, so names are not required to be upper case, and a
//! birth date may be presumed.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::ClaimsError;
use crate::identity::Birthplace;

/// The pivot identity: the claims that identify a citizen.
///
/// For a person of the French civil register all six are present:
/// names, birth date, gender, the commune of birth (or abroad) and the
/// country of birth. A European citizen signing in through FranceConnect's
/// eIDAS bridge has what their country sent: names in mixed case, a
/// [`Birthplace::Declared`] place or none, no `birthcountry` and possibly no
/// `gender`; see [`PivotIdentity::is_european`].
///
/// Its `Debug` names the fields but hides their values, so that logging a
/// handler's arguments cannot leak a person's identity. Compare people with
/// [`CitizenMatchKey`](crate::CitizenMatchKey), not with `==`: two sources
/// of the same person often differ in case, accents or presumed dates.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PivotIdentity {
    /// First names, space separated, as sent; may be empty for people who
    /// have none.
    pub given_name: String,
    /// The first names one by one (`given_name_array` on FranceConnect,
    /// otherwise `given_name` split on spaces).
    pub given_names: Vec<String>,
    /// Birth name (`family_name`), as sent: upper case from the register,
    /// mixed case from the eIDAS bridge or an identity provider.
    pub family_name: String,
    /// Date of birth, with its precision.
    pub birthdate: BirthDate,
    /// Gender; `None` only when a European citizen's country sent none.
    pub gender: Option<Gender>,
    /// Where the person was born; `None` only when a European citizen's
    /// country sent no place.
    pub birthplace: Option<Birthplace>,
    /// INSEE code of the country of birth; `None` for European citizens
    /// (the eIDAS bridge sends none).
    pub birthcountry: Option<InseeCountry>,
}

impl PivotIdentity {
    /// True for a European citizen's identity, as their own country sent it
    /// through FranceConnect's eIDAS bridge: the French register was not
    /// consulted, and there is no `birthcountry`.
    pub fn is_european(&self) -> bool {
        self.birthcountry.is_none()
    }
}

impl std::fmt::Debug for PivotIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "PivotIdentity { given_name, given_names, family_name, birthdate, gender, birthplace, birthcountry }",
        )
    }
}

/// `gender` as the national register holds it: `male`, `female` or
/// `unspecified`. Every person signs in, whichever they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Gender {
    /// `male`.
    Male,
    /// `female`.
    Female,
    /// `unspecified`: the register records neither.
    Unspecified,
}

impl Gender {
    pub(crate) fn parse(value: &str) -> Result<Self, ClaimsError> {
        match value {
            "male" => Ok(Gender::Male),
            "female" => Ok(Gender::Female),
            "unspecified" => Ok(Gender::Unspecified),
            _ => Err(ClaimsError::new("gender", "expected `male`, `female` or `unspecified`")),
        }
    }

    /// `male`, `female` or `unspecified`, as the protocol spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
            Gender::Unspecified => "unspecified",
        }
    }
}

/// How much of a [`BirthDate`] is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DatePrecision {
    /// Year, month and day are real.
    Day,
    /// The day is unknown (presumed).
    Month,
    /// Month and day are unknown (presumed).
    Year,
}

/// A date of birth that keeps its precision.
///
/// FranceConnect writes an unknown day or month as `01` in `birthdate`
/// (`1962-01-01` may mean "some day in 1962"); the identity provider's raw
/// date (`idp_birthdate`) writes it as `00`. When only `birthdate` is known,
/// [`BirthDate::may_be_presumed`] says whether the date could be a presumed
/// one; when `00` is seen, the precision is certain.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BirthDate {
    year: u16,
    month: u8,
    day: u8,
    precision: DatePrecision,
}

impl BirthDate {
    /// Parses `YYYY-MM-DD`, where `MM` and `DD` may be `00` (unknown).
    pub fn parse(value: &str) -> Result<Self, ClaimsError> {
        const BAD: ClaimsError = ClaimsError {
            field: "birthdate",
            reason: "expected a date formatted YYYY-MM-DD",
        };
        let b = value.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(BAD);
        }
        let num = |r: std::ops::Range<usize>| -> Result<u16, ClaimsError> {
            let s = &value[r];
            if s.bytes().all(|c| c.is_ascii_digit()) {
                s.parse().map_err(|_| BAD)
            } else {
                Err(BAD)
            }
        };
        let (year, month, day) = (num(0..4)?, num(5..7)? as u8, num(8..10)? as u8);
        if !(1800..=2200).contains(&year) || month > 12 || (month == 0 && day != 0) {
            return Err(BAD);
        }
        if day > days_in_month(year, month) {
            return Err(BAD);
        }
        let precision = match (month, day) {
            (0, _) => DatePrecision::Year,
            (_, 0) => DatePrecision::Month,
            _ => DatePrecision::Day,
        };
        Ok(Self {
            year,
            month,
            day,
            precision,
        })
    }

    /// Parses `birthdate` and, when the provider also sent the identity
    /// provider's raw date (`idp_birthdate`, where unknown parts are `00`),
    /// uses it to know which parts are presumed.
    pub fn from_claims(birthdate: &str, idp_birthdate: Option<&str>) -> Result<Self, ClaimsError> {
        let mut date = Self::parse(birthdate)?;
        if let Some(raw) = idp_birthdate.and_then(|raw| Self::parse(raw).ok())
            && raw.year == date.year
            && raw.precision != DatePrecision::Day
        {
            date.precision = raw.precision;
            if raw.precision == DatePrecision::Year {
                date.month = 0;
            }
            date.day = 0;
        }
        Ok(date)
    }

    /// The year.
    pub fn year(&self) -> u16 {
        self.year
    }
    /// The month (1–12), or `None` when known to be unknown.
    pub fn month(&self) -> Option<u8> {
        (self.month != 0).then_some(self.month)
    }
    /// The day (1–31), or `None` when known to be unknown.
    pub fn day(&self) -> Option<u8> {
        (self.day != 0).then_some(self.day)
    }
    /// How much of the date is known to be real.
    pub fn precision(&self) -> DatePrecision {
        self.precision
    }
    /// True when the date could be presumed: a known-unknown part, or a day
    /// or month of `01`, which FranceConnect uses for unknown parts.
    pub fn may_be_presumed(&self) -> bool {
        self.precision != DatePrecision::Day || self.day == 1
    }
}

impl fmt::Display for BirthDate {
    /// `YYYY-MM-DD` as FranceConnect writes it (unknown parts as `01`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month.max(1), self.day.max(1))
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        0 => 0,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The INSEE code of a French commune (`birthplace`): two characters of
/// department (`01`–`95`, `2A`, `2B`, or `97`/`98` overseas) then three digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct InseeCommune(String);

impl InseeCommune {
    /// Parses a commune code; lower-case `2a`/`2b` are accepted and
    /// normalised.
    pub fn parse(value: &str) -> Result<Self, ClaimsError> {
        const BAD: ClaimsError = ClaimsError {
            field: "birthplace",
            reason: "expected a 5-character INSEE commune code",
        };
        let code = value.to_ascii_uppercase();
        let b = code.as_bytes();
        if b.len() != 5 || !b[2..].iter().all(u8::is_ascii_digit) {
            return Err(BAD);
        }
        let dept_ok = matches!(
            (b[0], b[1]),
            (b'2', b'A' | b'B') | (b'0', b'1'..=b'9') | (b'1'..=b'8', b'0'..=b'9') | (b'9', b'0'..=b'5' | b'7' | b'8')
        );
        if dept_ok { Ok(Self(code)) } else { Err(BAD) }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The department: two characters, or three overseas (`974`).
    pub fn department(&self) -> &str {
        if self.0.starts_with("97") || self.0.starts_with("98") {
            &self.0[..3]
        } else {
            &self.0[..2]
        }
    }
}

impl TryFrom<String> for InseeCommune {
    type Error = ClaimsError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}
impl From<InseeCommune> for String {
    fn from(c: InseeCommune) -> Self {
        c.0
    }
}

/// The INSEE code of a country (`birthcountry`): `99100` for France,
/// otherwise `99` and three digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct InseeCountry(String);

impl InseeCountry {
    /// Parses a country code.
    pub fn parse(value: &str) -> Result<Self, ClaimsError> {
        let b = value.as_bytes();
        if b.len() == 5 && b.starts_with(b"99") && b.iter().all(u8::is_ascii_digit) {
            Ok(Self(value.to_owned()))
        } else {
            Err(ClaimsError::new(
                "birthcountry",
                "expected an INSEE country code such as 99100",
            ))
        }
    }
    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// True for `99100`, France.
    pub fn is_france(&self) -> bool {
        self.0 == "99100"
    }
}

impl TryFrom<String> for InseeCountry {
    type Error = ClaimsError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}
impl From<InseeCountry> for String {
    fn from(c: InseeCountry) -> Self {
        c.0
    }
}

/// Checks a name claim: letters of any script, with their accents either
/// precomposed (`é`) or as combining marks (`e` + U+0301, as an identity
/// provider may send in decomposed form), spaces, hyphens, apostrophes and
/// periods (`St.`); at most 256 characters. Empty is allowed (no first
/// name). Digits, symbols and control characters are refused.
pub(crate) fn check_name(field: &'static str, value: &str) -> Result<(), ClaimsError> {
    let ok = value.chars().count() <= 256
        && value
            .chars()
            .all(|c| c.is_alphabetic() || is_combining_mark(c) || matches!(c, ' ' | '-' | '\'' | '\u{2019}' | '.'));
    if ok {
        Ok(())
    } else {
        Err(ClaimsError::new(field, "contains characters a name cannot have"))
    }
}

/// The Unicode blocks of combining diacritical marks.
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// Checks an e-mail address: one `@`, non-empty parts, no spaces or control
/// characters, at most 254 characters. Deliverability is not our concern.
pub(crate) fn check_email(value: &str) -> Result<(), ClaimsError> {
    let ok = value.len() <= 254
        && !value.chars().any(|c| c.is_control() || c.is_whitespace())
        && matches!(value.split_once('@'), Some((l, d)) if !l.is_empty() && !d.is_empty() && !d.contains('@'));
    if ok {
        Ok(())
    } else {
        Err(ClaimsError::new("email", "expected an e-mail address"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_dates_keep_their_precision() {
        let d = BirthDate::parse("1962-08-24").unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (1962, Some(8), Some(24)));
        assert_eq!(d.precision(), DatePrecision::Day);
        assert!(!d.may_be_presumed());
        assert!(BirthDate::parse("1962-01-01").unwrap().may_be_presumed());

        let m = BirthDate::from_claims("1970-05-01", Some("1970-05-00")).unwrap();
        assert_eq!(m.precision(), DatePrecision::Month);
        assert_eq!((m.month(), m.day()), (Some(5), None));
        assert_eq!(m.to_string(), "1970-05-01");

        let y = BirthDate::from_claims("1955-01-01", Some("1955-00-00")).unwrap();
        assert_eq!(y.precision(), DatePrecision::Year);
        assert_eq!((y.month(), y.day()), (None, None));
        assert_eq!(BirthDate::parse("1955-00-00").unwrap(), y);
    }

    #[test]
    fn impossible_dates_are_refused() {
        for bad in [
            "1962-02-30",
            "1962-13-01",
            "62-08-24",
            "1962/08/24",
            "1962-00-05",
            "1962-8-24 ",
            "２０００-01-01",
        ] {
            let e = BirthDate::parse(bad).unwrap_err();
            assert_eq!(e.field, "birthdate", "{bad}");
        }
        assert!(BirthDate::parse("2000-02-29").is_ok());
        assert!(BirthDate::parse("1900-02-29").is_err());
    }

    #[test]
    fn commune_codes() {
        for ok in ["75107", "2A004", "2b033", "97411", "98735", "01001"] {
            assert!(InseeCommune::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(InseeCommune::parse("2b033").unwrap().as_str(), "2B033");
        assert_eq!(InseeCommune::parse("97411").unwrap().department(), "974");
        assert_eq!(InseeCommune::parse("2A004").unwrap().department(), "2A");
        for bad in ["", "7510", "751070", "00123", "96001", "2C004", "99100", "7510A"] {
            assert!(InseeCommune::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn country_codes() {
        assert!(InseeCountry::parse("99100").unwrap().is_france());
        assert!(!InseeCountry::parse("99134").unwrap().is_france());
        for bad in ["", "FR", "98100", "9910", "991000"] {
            assert!(InseeCountry::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_and_emails() {
        assert_eq!(Gender::parse("unspecified").unwrap(), Gender::Unspecified);
        assert_eq!(Gender::Unspecified.as_str(), "unspecified");
        assert_eq!(Gender::parse("other").unwrap_err().field, "gender");
        for ok in [
            "",
            "Angela Claire",
            "Jean-Pierre",
            "D'ARTOIS",
            "Éléonore",
            "Loïc",
            "O\u{2019}Neil",
            "E\u{0301}le\u{0301}onore",
            "ST. JOHN",
            "Ærøskøbing",
            "Ζωή",
            "Мария",
        ] {
            assert!(check_name("given_name", ok).is_ok(), "{ok}");
            assert!(
                check_name("given_name", &ok.repeat(256 / ok.chars().count().max(1))).is_ok(),
                "{ok}, long"
            );
        }
        for bad in ["<script>", "Bob1", "a\u{0}b", "a\nb", "x@y"] {
            assert_eq!(check_name("family_name", bad).unwrap_err().field, "family_name");
        }
        assert!(check_email("a.b@example.fr").is_ok());
        for bad in ["", "a", "@x", "a@", "a b@x", "a@b@c"] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }
}
