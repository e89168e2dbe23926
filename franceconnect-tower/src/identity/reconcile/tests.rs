use serde_json::{Value, json};

use super::*;
use crate::{Acr, Platform, SignedInUser};

fn key(platform: Platform, claims: Value) -> CitizenMatchKey {
    let acr = if platform == Platform::FranceConnectPlus {
        Acr::Eidas2
    } else {
        Acr::Eidas1
    };
    let user = SignedInUser::for_testing(platform, "s", acr, claims).unwrap();
    CitizenMatchKey::of(&user.pivot_identity().unwrap())
}

fn register(given: &str, family: &str, birthdate: &str) -> Value {
    json!({"given_name": given, "family_name": family, "birthdate": birthdate, "gender": "male",
           "birthplace": "35238", "birthcountry": "99100"})
}

#[test]
fn the_register_and_an_identity_provider_spell_one_person_differently() {
    let reg = key(
        Platform::FranceConnect,
        register("Jean-Pierre Marie", "DE LA ROCHE-MOREAU", "1955-01-01"),
    );
    for (given, family, date) in [
        ("Jean-Pierre Marie", "DE LA ROCHE-MOREAU", "1955-01-01"),
        ("jean pierre", "de la Roche Moreau", "1955-01-01"),
        ("Jéan-Piérre", "De La Roche-Moreau", "1955-00-00"),
        ("JEAN-PIERRE MARIE", "DELAROCHEMOREAU", "1955-01-00"),
        ("JeanPierre", "de la roche moreau", "1955-01-01"),
    ] {
        let other = key(Platform::FranceConnectPlus, register(given, family, date));
        assert!(reg.matches(&other) && other.matches(&reg), "{given} {family} {date}");
    }
    for (given, family, date) in [
        ("Jean", "DE LA ROCHE-MOREAU", "1955-01-01"),
        ("Jean-Paul Marie", "DE LA ROCHE-MOREAU", "1955-01-01"),
        ("Pierre Jean", "DE LA ROCHE-MOREAU", "1955-01-01"),
        ("Jean-Pierre Marie", "DE LA ROCHE", "1955-01-01"),
        ("Jean-Pierre Marie", "DE LA ROCHE-MOREAU", "1956-01-01"),
        ("Jean-Pierre Marie", "DE LA ROCHE-MOREAU", "1955-03-00"),
        ("Jean-Pierre Marie", "DE LA ROCHE-MOREAU", "1955-01-02"),
    ] {
        let other = key(Platform::FranceConnectPlus, register(given, family, date));
        assert!(!reg.matches(&other) && !other.matches(&reg), "{given} {family} {date}");
    }
}

#[test]
fn letters_without_a_decomposition_are_spelled_out() {
    let a = key(Platform::FranceConnect, register("Zoé", "LØKKE-ŒUVRARD", "1990-02-03"));
    let b = key(
        Platform::FranceConnectPlus,
        register("Zoe\u{301}", "Lokke Oeuvrard", "1990-02-03"),
    );
    assert!(a.matches(&b));
}

#[test]
fn gender_country_and_commune_tell_people_apart() {
    let base = register("Camille", "MARTIN", "1980-05-17");
    let reg = key(Platform::FranceConnect, base.clone());
    for (claim, value) in [("gender", "female"), ("birthcountry", "99134"), ("birthplace", "75112")] {
        let mut other = base.clone();
        other[claim] = value.into();
        if claim == "birthcountry" {
            other["birthplace"] = "".into();
        }
        assert!(!reg.matches(&key(Platform::FranceConnectPlus, other)), "{claim}");
    }
}

#[test]
fn european_citizens_match_without_a_country() {
    let giulia = json!({"given_name": "Giulia Maria", "family_name": "Rossi", "birthdate": "1990-04-12",
                        "birthplace": "Milano"});
    let a = key(Platform::FranceConnect, giulia.clone());
    assert!(a.matches(&key(Platform::FranceConnectPlus, giulia.clone())));
    let mut french = register("Giulia Maria", "ROSSI", "1990-04-12");
    french["gender"] = "female".into();
    assert!(!a.matches(&key(Platform::FranceConnect, french)));
    assert_eq!(format!("{a:?}"), "CitizenMatchKey(..)");
}

#[test]
fn agents_match_on_sub_then_on_an_unlinked_record_s_email() {
    let user = SignedInUser::for_testing(
        Platform::ProConnect,
        "sub-1",
        Acr::Eidas1,
        json!({"given_name": "Inès", "usual_name": "Roy", "email": "Ines.Roy@mairie.example.fr"}),
    )
    .unwrap();
    let agent = user.agent_identity().unwrap();
    assert_eq!(agent.matches_record(Some("sub-1"), None), AgentMatch::BySub);
    assert_eq!(
        agent.matches_record(Some("sub-1"), Some("other@x.fr")),
        AgentMatch::BySub
    );
    assert_eq!(
        agent.matches_record(None, Some(" ines.roy@MAIRIE.example.fr ")),
        AgentMatch::ByEmail
    );
    assert_eq!(
        agent.matches_record(Some("sub-2"), Some("ines.roy@mairie.example.fr")),
        AgentMatch::No
    );
    assert_eq!(
        agent.matches_record(None, Some("ines.roi@mairie.example.fr")),
        AgentMatch::No
    );
    assert_eq!(agent.matches_record(None, Some("")), AgentMatch::No);
    assert_eq!(agent.matches_record(None, None), AgentMatch::No);
}
