//! The identities the platforms may really send, and the malformed ones
//! they must not: for each, the claims the mock serves and what the client
//! must make of them. The engine-level test (`engine_against_mock`) and the
//! adapters' scenario (`flows::every_person_signs_in`) walk this one table,
//! on FranceConnect and on FranceConnect+.
//!
//! Two kinds of people: those of the French civil register (FranceConnect
//! sends the register's identity; FranceConnect+ the identity provider's
//! spelling in the plain claims, the register's in `rnipp_*`), and European
//! citizens through the eIDAS bridge (what their country sent: mixed-case
//! names, a free-text birthplace, perhaps no gender, never a
//! `birthcountry`, an `email` nor `rnipp_*`).

use franceconnect_mock::{Identity, IdpSpelling};
use franceconnect_tower::Platform;

/// What a person's sign-in must give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Signed in, every claim coming back as sent.
    SignsIn,
    /// Refused, with an error naming this claim.
    RefusedOn(&'static str),
}

/// One row: a person as the mock serves them, and the outcome.
#[derive(Debug, Clone)]
pub struct Case {
    /// What the row is about.
    pub what: &'static str,
    /// The person.
    pub identity: Identity,
    /// What must happen.
    pub outcome: Outcome,
}

/// The mock's person `base` (one of its default identities), renamed `id`
/// and tweaked.
fn based_on(base: &str, id: &str, tweak: impl FnOnce(&mut Identity)) -> Identity {
    let mut identity = Identity::defaults()
        .into_iter()
        .find(|i| i.id == base)
        .unwrap_or_else(|| panic!("the mock's person `{base}`"));
    identity.id = id.to_owned();
    tweak(&mut identity);
    identity
}

/// The default person of the register, renamed `id` and tweaked.
fn person(id: &str, tweak: impl FnOnce(&mut Identity)) -> Identity {
    based_on("default", id, tweak)
}

/// A European citizen of the mock's (`eidas-italie`: a gender and a
/// birthplace), renamed `id` and tweaked.
fn european(id: &str, tweak: impl FnOnce(&mut Identity)) -> Identity {
    based_on("eidas-italie", id, tweak)
}

/// The table. Each person carries a distinct `id`, so that several can be
/// served by one mock.
pub fn cases() -> Vec<Case> {
    use Outcome::*;
    let case = |what, identity, outcome| Case {
        what,
        identity,
        outcome,
    };
    vec![
        case(
            "gender unspecified",
            person("unspecified", |i| i.gender = Some("unspecified".into())),
            SignsIn,
        ),
        case(
            "gender male",
            person("male", |i| i.gender = Some("male".into())),
            SignsIn,
        ),
        case(
            "no first name",
            person("no-given-name", |i| i.given_name = String::new()),
            SignsIn,
        ),
        case(
            "born abroad: empty birthplace",
            person("abroad", |i| {
                i.birthplace = String::new();
                i.birthcountry = Some("99134".into());
            }),
            SignsIn,
        ),
        case(
            "presumed day (idp_birthdate with 00)",
            person("presumed-day", |i| {
                i.birthdate = "1970-05-01".into();
                i.idp_birthdate = Some("1970-05-00".into());
            }),
            SignsIn,
        ),
        case(
            "presumed month and day",
            person("presumed-year", |i| {
                i.birthdate = "1955-01-01".into();
                i.idp_birthdate = Some("1955-00-00".into());
            }),
            SignsIn,
        ),
        case(
            "long and accented names",
            person("long-names", |i| {
                i.given_name = "Marie-Françoise Bernadette Geneviève Thérèse Éléonore Anaïs".into();
                i.family_name = "DE LA ROCHE-MONTBRISON DES ÉTANGS DU VAL D'ARGENTIÈRE ET DE SAINT-JEAN".into();
            }),
            SignsIn,
        ),
        case(
            "accents as combining marks (decomposed)",
            person("decomposed", |i| i.given_name = "E\u{0301}le\u{0301}onore".into()),
            SignsIn,
        ),
        case(
            "usage name",
            person("usage", |i| i.preferred_username = Some("LEMAIRE".into())),
            SignsIn,
        ),
        case(
            "empty usage name",
            person("empty-usage", |i| i.preferred_username = Some(String::new())),
            SignsIn,
        ),
        case(
            "overseas birthplace",
            person("overseas", |i| i.birthplace = "97411".into()),
            SignsIn,
        ),
        case("Corsica", person("corsica", |i| i.birthplace = "2A004".into()), SignsIn),
        case(
            "the identity provider's spelling (FranceConnect+'s plain claims): lower case, no accents",
            person("idp-spelling", |i| {
                i.idp_spelling = Some(IdpSpelling {
                    given_name: Some("camille helene".into()),
                    family_name: Some("Marchand".into()),
                    birthdate: None,
                });
            }),
            SignsIn,
        ),
        case(
            "a compound first name the identity provider splits, one first name fewer",
            based_on("prenoms-composes", "idp-compound", |_| {}),
            SignsIn,
        ),
        case(
            "a presumed date: 01 in the register, 00 at the identity provider",
            person("idp-presumed", |i| {
                i.birthdate = "1955-01-01".into();
                i.idp_birthdate = Some("1955-00-00".into());
                i.idp_spelling = Some(IdpSpelling {
                    birthdate: Some("1955-00-00".into()),
                    ..IdpSpelling::default()
                });
            }),
            SignsIn,
        ),
        case(
            "European citizen (eIDAS): mixed case, born in « Milano »",
            european("eidas-milano", |_| {}),
            SignsIn,
        ),
        case(
            "European citizen (eIDAS) whose country sent no gender",
            based_on("eidas-espagne", "eidas-no-gender", |_| {}),
            SignsIn,
        ),
        case(
            "European citizen (eIDAS) born in « Paris 10 »: free text, not an INSEE code",
            based_on("eidas-portugal", "eidas-paris-10", |_| {}),
            SignsIn,
        ),
        case(
            "European citizen (eIDAS) whose country sent no birthplace",
            european("eidas-no-birthplace", |i| i.birthplace = String::new()),
            SignsIn,
        ),
        case(
            "a European citizen's birthplace with a control character",
            european("eidas-bad-place", |i| i.birthplace = "Mi\u{7}lano".into()),
            RefusedOn("birthplace"),
        ),
        case(
            "a free-text birthplace with a birthcountry (the register's are INSEE codes)",
            person("free-text-place", |i| i.birthplace = "Milano".into()),
            RefusedOn("birthplace"),
        ),
        case(
            "a birth country that is not 99 + 3 digits",
            person("bad-country", |i| {
                i.birthplace = String::new();
                i.birthcountry = Some("12345".into());
            }),
            RefusedOn("birthcountry"),
        ),
        case(
            "a date that is not a date",
            person("bad-date", |i| {
                i.birthdate = "1984-02-30".into();
                i.idp_birthdate = None;
            }),
            RefusedOn("birthdate"),
        ),
        case(
            "a gender outside the register's",
            person("bad-gender", |i| i.gender = Some("x".into())),
            RefusedOn("gender"),
        ),
        case(
            "a birthplace that is no INSEE code",
            person("bad-place", |i| i.birthplace = "ABCDE".into()),
            RefusedOn("birthplace"),
        ),
        case(
            "a name with digits",
            person("bad-name", |i| i.family_name = "MARCHAND2".into()),
            RefusedOn("family_name"),
        ),
    ]
}

/// The claims a person who signs in must get back unchanged (in `/api/me`,
/// in the engine's `raw_claims`): what the mock sent on `platform` for the
/// scopes `identite_pivot email`, as `(claim, value)`; absent claims are
/// `None`.
///
/// FranceConnect sends the register's identity; FranceConnect+ the
/// identity provider's spelling of the names and birth date. A European
/// citizen gets what their country sent, on both, and never a
/// `birthcountry` nor an `email`.
pub fn expected_claims(identity: &Identity, platform: Platform) -> Vec<(&'static str, Option<String>)> {
    if identity.eidas {
        return vec![
            ("given_name", Some(identity.given_name.clone())),
            ("family_name", Some(identity.family_name.clone())),
            ("birthdate", Some(identity.birthdate.clone())),
            ("gender", identity.gender.clone()),
            (
                "birthplace",
                Some(identity.birthplace.clone()).filter(|p| !p.is_empty()),
            ),
            ("birthcountry", None),
            ("email", None),
        ];
    }
    let spelling = identity
        .idp_spelling
        .as_ref()
        .filter(|_| platform == Platform::FranceConnectPlus);
    let spelled = |part: fn(&IdpSpelling) -> Option<&String>, register: &String| {
        Some(spelling.and_then(part).unwrap_or(register).clone())
    };
    vec![
        ("given_name", spelled(|s| s.given_name.as_ref(), &identity.given_name)),
        (
            "family_name",
            spelled(|s| s.family_name.as_ref(), &identity.family_name),
        ),
        ("birthdate", spelled(|s| s.birthdate.as_ref(), &identity.birthdate)),
        ("gender", identity.gender.clone()),
        ("birthplace", Some(identity.birthplace.clone())),
        ("birthcountry", identity.birthcountry.clone()),
        ("email", identity.email.clone()),
    ]
}

/// The register's claims FranceConnect+ sends besides (scope
/// `rnipp_identite_pivot`), as `(claim, value)`: the register's identity
/// for its people, none at all for a European citizen.
pub fn expected_register_claims(identity: &Identity) -> Vec<(&'static str, Option<String>)> {
    let register = !identity.eidas;
    let claim = |value: Option<&String>| value.filter(|_| register).cloned();
    vec![
        ("rnipp_given_name", claim(Some(&identity.given_name))),
        ("rnipp_family_name", claim(Some(&identity.family_name))),
        ("rnipp_birthdate", claim(Some(&identity.birthdate))),
        ("rnipp_gender", claim(identity.gender.as_ref())),
        ("rnipp_birthplace", claim(Some(&identity.birthplace))),
        ("rnipp_birthcountry", claim(identity.birthcountry.as_ref())),
    ]
}
