//! Is it the same person? Citizens compared as FranceConnect's own
//! data-provider example compares them, with the tolerance two sources of
//! one person need; agents matched on `sub`, then on their e-mail address.

use std::fmt;

use unicode_normalization::UnicodeNormalization;

use crate::identity::{AgentIdentity, Birthplace, Gender, PivotIdentity};

/// What two identities of a citizen must share to be taken for the same
/// person: the rules FranceConnect's data-provider example applies, made
/// tolerant of how the civil register and an identity provider (or two
/// platforms) write the same person.
///
/// - **Given names**: compared without accents, case, hyphens, apostrophes
///   or spaces. The first given name must be there on both sides, whether
///   written `Jean-Pierre` or `Jean Pierre`; later given names may be
///   missing on one side (`Jean-Pierre Marie` and `Jean Pierre` match,
///   `Jean-Pierre` and `Jean` do not).
/// - **Family name** (birth name): the same, folded the same way
///   (`DE LA ROCHE-MOREAU` and `de la Roche Moreau` match).
/// - **Birth date**: the same year; a month or day may differ only when one
///   side does not know it and the other writes it `01`, as FranceConnect
///   writes presumed parts (`1955-00-00` and `1955-01-01` match).
/// - **Gender** and **country of birth**: the same (European citizens have
///   no country of birth on either side; their gender may be absent on
///   both).
/// - **Commune of birth**: the same INSEE code when both say the person
///   was born in France; not compared otherwise.
///
/// Use it to link a signed-in citizen to the application's own records;
/// the `sub` stays the primary key once linked. The step-up from
/// FranceConnect to FranceConnect+ uses it to keep the session of the same
/// person, comparing the register's identity on both sides when
/// FranceConnect+ gives it
/// ([`SignedInUser::register_identity`](crate::SignedInUser::register_identity)).
///
/// ```
/// use franceconnect_tower::{Acr, CitizenMatchKey, Platform, SignedInUser};
/// use serde_json::json;
///
/// let register = SignedInUser::for_testing(Platform::FranceConnect, "a", Acr::Eidas1, json!({
///     "given_name": "Jean-Pierre Marie", "family_name": "LEBRETON", "birthdate": "1958-06-30",
///     "gender": "male", "birthplace": "35238", "birthcountry": "99100"})).unwrap();
/// let provider = SignedInUser::for_testing(Platform::FranceConnectPlus, "b", Acr::Eidas2, json!({
///     "given_name": "Jean Pierre", "family_name": "Lebreton", "birthdate": "1958-06-30",
///     "gender": "male", "birthplace": "35238", "birthcountry": "99100"})).unwrap();
///
/// let key = CitizenMatchKey::of(&register.pivot_identity().unwrap());
/// assert!(key.matches(&CitizenMatchKey::of(&provider.pivot_identity().unwrap())));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct CitizenMatchKey {
    /// Each given name's parts, folded: `Jean-Pierre Marie` is
    /// `[["JEAN", "PIERRE"], ["MARIE"]]`.
    given_names: Vec<Vec<String>>,
    family_name: String,
    year: u16,
    month: Option<u8>,
    day: Option<u8>,
    gender: Option<Gender>,
    birthcountry: Option<String>,
    birth_commune: Option<String>,
}

impl CitizenMatchKey {
    /// The key of an identity.
    pub fn of(identity: &PivotIdentity) -> Self {
        let given_names = identity
            .given_name
            .split_whitespace()
            .map(|name| name_parts(name).collect())
            .filter(|parts: &Vec<String>| !parts.is_empty())
            .collect();
        CitizenMatchKey {
            given_names,
            family_name: name_parts(&identity.family_name).collect(),
            year: identity.birthdate.year(),
            month: identity.birthdate.month(),
            day: identity.birthdate.day(),
            gender: identity.gender,
            birthcountry: identity.birthcountry.as_ref().map(|c| c.as_str().to_owned()),
            birth_commune: match &identity.birthplace {
                Some(Birthplace::Commune(commune)) => Some(commune.as_str().to_owned()),
                _ => None,
            },
        }
    }

    /// True when both keys are the same person by the rules above.
    pub fn matches(&self, other: &CitizenMatchKey) -> bool {
        self.family_name == other.family_name
            && same_given_names(&self.given_names, &other.given_names)
            && self.year == other.year
            && same_date_part(self.month, other.month)
            && same_date_part(self.day, other.day)
            && self.gender == other.gender
            && self.birthcountry == other.birthcountry
            && match (&self.birth_commune, &other.birth_commune) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }
}

impl fmt::Debug for CitizenMatchKey {
    /// Nothing of the person: the key is their identity.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CitizenMatchKey(..)")
    }
}

/// The letters of a name, folded (accents dropped, upper case), in the
/// parts its hyphens, apostrophes, spaces and periods separate.
fn name_parts(name: &str) -> impl Iterator<Item = String> + '_ {
    name.split(|c: char| !c.is_alphanumeric() && !is_combining_mark(c))
        .map(fold)
        .filter(|part| !part.is_empty())
}

/// Accents dropped (canonical decomposition, then the combining marks
/// removed; the letters that do not decompose spelled out), upper case.
fn fold(part: &str) -> String {
    let mut folded = String::with_capacity(part.len());
    for c in part.nfd().filter(|c| !is_combining_mark(*c)) {
        match c {
            'æ' | 'Æ' => folded.push_str("AE"),
            'œ' | 'Œ' => folded.push_str("OE"),
            'ß' | 'ẞ' => folded.push_str("SS"),
            'ø' | 'Ø' => folded.push('O'),
            'ł' | 'Ł' => folded.push('L'),
            'đ' | 'Đ' => folded.push('D'),
            'ı' => folded.push('I'),
            c => folded.extend(c.to_uppercase()),
        }
    }
    folded
}

fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// The first given name whole on both sides, whatever separates its parts;
/// the later ones the same as far as the shorter list goes.
fn same_given_names(a: &[Vec<String>], b: &[Vec<String>]) -> bool {
    // FranceConnect's example: the first given name, folded whole.
    if a.first().map(|n| n.concat()) == b.first().map(|n| n.concat()) {
        return true;
    }
    let flat = |names: &[Vec<String>]| names.iter().flatten().cloned().collect::<Vec<_>>();
    let (fa, fb) = (flat(a), flat(b));
    let first = |names: &[Vec<String>]| names.first().map_or(0, Vec::len);
    let common = fa.len().min(fb.len());
    common >= first(a).max(first(b)) && fa[..common] == fb[..common]
}

/// A month or day: the same, or unknown on one side and `01` (FranceConnect's
/// way of writing an unknown part) or unknown on the other.
fn same_date_part(a: Option<u8>, b: Option<u8>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        (None, other) | (other, None) => matches!(other, None | Some(1)),
    }
}

/// How an agent signed in through ProConnect matches one of the
/// application's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AgentMatch {
    /// The record holds this agent's `sub`: the same ProConnect account.
    BySub,
    /// The record holds no `sub` yet, and its e-mail address is the agent's
    /// (compared without case): link it, store the `sub`, and match on the
    /// `sub` from now on.
    ByEmail,
    /// Not this agent, or a record linked to another ProConnect account.
    No,
}

impl AgentIdentity {
    /// Matches this agent against a record of the application: on its
    /// `sub` first; a record that has none yet on its e-mail address,
    /// without case. A record linked to another `sub` is never matched on
    /// its e-mail: the address may have passed to someone else.
    ///
    /// ```
    /// use franceconnect_tower::{Acr, AgentMatch, Platform, SignedInUser};
    /// use serde_json::json;
    ///
    /// let user = SignedInUser::for_testing(Platform::ProConnect, "3f2b6c1e-8d4a-4f7e-9b1c-5a6d7e8f9a0b",
    ///     Acr::Eidas1, json!({"given_name": "Inès", "usual_name": "Roy",
    ///     "email": "ines.roy@mairie.example.fr"})).unwrap();
    /// let agent = user.agent_identity().unwrap();
    /// assert_eq!(agent.matches_record(None, Some("Ines.Roy@Mairie.example.fr")), AgentMatch::ByEmail);
    /// assert_eq!(agent.matches_record(Some("another-sub"), Some("ines.roy@mairie.example.fr")), AgentMatch::No);
    /// ```
    pub fn matches_record(&self, record_sub: Option<&str>, record_email: Option<&str>) -> AgentMatch {
        match record_sub {
            Some(sub) if sub == self.sub => AgentMatch::BySub,
            Some(_) => AgentMatch::No,
            None if record_email.is_some_and(|email| same_email(email, &self.email)) => AgentMatch::ByEmail,
            None => AgentMatch::No,
        }
    }
}

/// Two e-mail addresses, without case (Unicode lower case: internationalised
/// addresses included) and surrounding spaces; empty never matches.
fn same_email(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    !a.is_empty() && a.to_lowercase() == b.to_lowercase()
}

#[cfg(test)]
mod tests;
