//! The identities the platforms may really send, and the malformed ones
//! they must not: for each, the claims the mock serves and what the client
//! must make of them. The engine-level test (`engine_against_mock`) and the
//! adapters' scenario (`flows::every_person_signs_in`) walk this one table.

use franceconnect_mock::Identity;

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

fn person(id: &str, tweak: impl FnOnce(&mut Identity)) -> Identity {
    let mut identity = Identity::defaults()
        .into_iter()
        .find(|i| i.id == "default")
        .expect("the default person");
    identity.id = id.to_owned();
    tweak(&mut identity);
    identity
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
            person("unspecified", |i| i.gender = "unspecified".into()),
            SignsIn,
        ),
        case("gender male", person("male", |i| i.gender = "male".into()), SignsIn),
        case(
            "no first name",
            person("no-given-name", |i| i.given_name = String::new()),
            SignsIn,
        ),
        case(
            "born abroad: empty birthplace",
            person("abroad", |i| {
                i.birthplace = String::new();
                i.birthcountry = "99134".into();
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
            "a birth country that is not 99 + 3 digits",
            person("bad-country", |i| {
                i.birthplace = String::new();
                i.birthcountry = "12345".into();
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
            person("bad-gender", |i| i.gender = "x".into()),
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

/// The claims `/api/me` must give back unchanged for a person who signs in
/// (what the mock sent), as `(claim, value)`; absent claims are `None`.
pub fn expected_claims(identity: &Identity) -> Vec<(&'static str, Option<String>)> {
    vec![
        ("given_name", Some(identity.given_name.clone())),
        ("family_name", Some(identity.family_name.clone())),
        ("birthdate", Some(identity.birthdate.clone())),
        ("gender", Some(identity.gender.clone())),
        ("birthplace", Some(identity.birthplace.clone())),
        ("birthcountry", Some(identity.birthcountry.clone())),
    ]
}
