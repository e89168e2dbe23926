//! ProConnect's agent identity: who the agent is, for which establishment,
//! through which identity provider; with the SIRET and SIREN checked.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::ClaimsError;
use crate::identity::check_email;

/// An agent (or professional) signed in through ProConnect, from the
/// userinfo claims their scopes gave.
///
/// [`SignedInUser::agent_identity`](crate::SignedInUser::agent_identity)
/// gives it when the user signed in on ProConnect and the claims name the
/// person (`given_name`, `usual_name`, `email`); every other claim is there
/// when its scope was asked and the agent's identity provider had it.
/// `Debug` lists which claims are present, never their values.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AgentIdentity {
    /// The ProConnect subject: one UUID per ProConnect account, the same for
    /// every service. Treat it as opaque.
    pub sub: String,
    /// `given_name`.
    pub given_name: String,
    /// `usual_name`: the last name in use (ProConnect has no birth name).
    pub usual_name: String,
    /// `email`: the professional address.
    pub email: String,
    /// `uid`: the agent's id at their identity provider.
    pub uid: Option<String>,
    /// `siret`: the establishment the agent signed in for.
    pub siret: Option<Siret>,
    /// `siren`: its organisation, when the identity provider gives it.
    pub siren: Option<Siren>,
    /// `organizational_unit`.
    pub organizational_unit: Option<String>,
    /// `belonging_population`.
    pub belonging_population: Option<String>,
    /// `organization_label`: the organisation's name.
    pub organization_label: Option<String>,
    /// `phone_number` (scope `phone`).
    pub phone_number: Option<String>,
    /// `chorusdt:matricule` (scope `chorusdt`).
    pub chorusdt_matricule: Option<String>,
    /// `chorusdt:societe` (scope `chorusdt`).
    pub chorusdt_societe: Option<String>,
    /// `idp_id`: the identity provider the agent came through (a UUID, the
    /// value of a later login's `idp_hint`).
    pub idp_id: Option<String>,
    /// `idp_acr`: that provider's own `acr`, as it sent it.
    pub idp_acr: Option<String>,
    /// `roles` (empty when not asked or when the agent has none).
    pub roles: Vec<AgentRole>,
    /// `custom`: the identity provider's extra claims (empty when none).
    pub custom: Map<String, Value>,
}

impl fmt::Debug for AgentIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let present = [
            ("uid", self.uid.is_some()),
            ("siret", self.siret.is_some()),
            ("siren", self.siren.is_some()),
            ("organizational_unit", self.organizational_unit.is_some()),
            ("belonging_population", self.belonging_population.is_some()),
            ("organization_label", self.organization_label.is_some()),
            ("phone_number", self.phone_number.is_some()),
            ("chorusdt", self.chorusdt_matricule.is_some()),
            ("idp_id", self.idp_id.is_some()),
            ("idp_acr", self.idp_acr.is_some()),
            ("roles", !self.roles.is_empty()),
            ("custom", !self.custom.is_empty()),
        ];
        f.debug_struct("AgentIdentity")
            .field(
                "claims",
                &present.iter().filter(|(_, p)| *p).map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl AgentIdentity {
    /// Parses and checks ProConnect userinfo claims. `Ok(None)` when the
    /// claims do not name the person (`given_name`, `usual_name`, `email`);
    /// an error names the first claim in a shape ProConnect never sends.
    pub fn from_userinfo(claims: &Map<String, Value>) -> Result<Option<Self>, ClaimsError> {
        Self::from_claims(claims, None)
    }

    /// Like [`AgentIdentity::from_userinfo`], with the subject given apart
    /// (`Some`) rather than read from the claims: a signed-in user's own
    /// `sub`, without copying its claims to add it.
    pub(crate) fn from_claims(claims: &Map<String, Value>, sub: Option<&str>) -> Result<Option<Self>, ClaimsError> {
        let text = |field: &'static str| text(claims, field);
        let given_name = text("given_name")?;
        let usual_name = text("usual_name")?;
        let email = text("email")?;
        if let Some(e) = &email {
            check_email(e)?;
        }
        let siret = text("siret")?.map(|s| Siret::parse(&s)).transpose()?;
        let siren = text("siren")?.map(|s| Siren::parse(&s)).transpose()?;
        let phone_number = text("phone_number")?;
        if let Some(p) = &phone_number
            && !is_phone_number(p)
        {
            return Err(ClaimsError::new("phone_number", "expected a phone number"));
        }
        let roles = match claims.get("roles") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| v.as_str().filter(|s| is_text(s)).map(AgentRole::from))
                .collect::<Option<Vec<_>>>()
                .ok_or(ClaimsError::new("roles", "expected a list of strings"))?,
            Some(_) => return Err(ClaimsError::new("roles", "expected a list of strings")),
        };
        let custom = match claims.get("custom") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(_) => return Err(ClaimsError::new("custom", "expected an object")),
        };
        let identity = Self {
            sub: match sub {
                Some(sub) => sub.to_owned(),
                None => text("sub")?.unwrap_or_default(),
            },
            given_name: String::new(),
            usual_name: String::new(),
            email: String::new(),
            uid: text("uid")?,
            siret,
            siren,
            organizational_unit: text("organizational_unit")?,
            belonging_population: text("belonging_population")?,
            organization_label: text("organization_label")?,
            phone_number,
            chorusdt_matricule: text("chorusdt:matricule")?,
            chorusdt_societe: text("chorusdt:societe")?,
            idp_id: text("idp_id")?,
            idp_acr: text("idp_acr")?,
            roles,
            custom,
        };
        Ok(match (given_name, usual_name, email) {
            (Some(given_name), Some(usual_name), Some(email)) => Some(Self {
                given_name,
                usual_name,
                email,
                ..identity
            }),
            _ => None,
        })
    }
}

/// A text claim: a string of 1 to 256 characters without control
/// characters, or `None` when absent or `null`. Names from ProConnect's
/// identity providers come in every script: nothing else is assumed.
fn text(claims: &Map<String, Value>, field: &'static str) -> Result<Option<String>, ClaimsError> {
    match claims.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if is_text(s) => Ok(Some(s.clone())),
        Some(Value::String(_)) => Err(ClaimsError::new(field, "expected 1 to 256 printable characters")),
        Some(_) => Err(ClaimsError::new(field, "expected a string")),
    }
}

fn is_text(s: &str) -> bool {
    !s.is_empty() && s.chars().count() <= 256 && !s.chars().any(char::is_control)
}

/// ProConnect's own filter: `^\+?(?:[0-9][ -]?){6,14}[0-9]$`.
fn is_phone_number(p: &str) -> bool {
    let body = p.strip_prefix('+').unwrap_or(p);
    let bytes = body.as_bytes();
    let digits = bytes.iter().filter(|b| b.is_ascii_digit()).count();
    bytes.first().is_some_and(u8::is_ascii_digit)
        && bytes.last().is_some_and(u8::is_ascii_digit)
        && (7..=15).contains(&digits)
        && bytes.iter().all(|b| b.is_ascii_digit() || *b == b' ' || *b == b'-')
        && !bytes
            .windows(2)
            .any(|w| !w[0].is_ascii_digit() && !w[1].is_ascii_digit())
}

/// A role ProConnect reports for an agent.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum AgentRole {
    /// `agent_public`: a public agent.
    AgentPublic,
    /// `agent_public_etat`: of the State.
    AgentPublicEtat,
    /// `agent_public_territorial`: of a local authority.
    AgentPublicTerritorial,
    /// `agent_public_hospitalier`: of a public hospital.
    AgentPublicHospitalier,
    /// `agent_public_L100-3`: of another administration in the sense of the
    /// code des relations entre le public et l'administration, L100-3.
    AgentPublicL1003,
    /// `dirigeant`: heads the company.
    Dirigeant,
    /// Another role, as sent.
    Other(String),
}

impl AgentRole {
    /// The role as ProConnect spells it.
    pub fn as_str(&self) -> &str {
        match self {
            AgentRole::AgentPublic => "agent_public",
            AgentRole::AgentPublicEtat => "agent_public_etat",
            AgentRole::AgentPublicTerritorial => "agent_public_territorial",
            AgentRole::AgentPublicHospitalier => "agent_public_hospitalier",
            AgentRole::AgentPublicL1003 => "agent_public_L100-3",
            AgentRole::Dirigeant => "dirigeant",
            AgentRole::Other(s) => s,
        }
    }
}

impl From<&str> for AgentRole {
    fn from(s: &str) -> Self {
        match s {
            "agent_public" => AgentRole::AgentPublic,
            "agent_public_etat" => AgentRole::AgentPublicEtat,
            "agent_public_territorial" => AgentRole::AgentPublicTerritorial,
            "agent_public_hospitalier" => AgentRole::AgentPublicHospitalier,
            "agent_public_L100-3" => AgentRole::AgentPublicL1003,
            "dirigeant" => AgentRole::Dirigeant,
            other => AgentRole::Other(other.to_owned()),
        }
    }
}

impl From<String> for AgentRole {
    fn from(s: String) -> Self {
        AgentRole::from(s.as_str())
    }
}

impl From<AgentRole> for String {
    fn from(r: AgentRole) -> Self {
        r.as_str().to_owned()
    }
}

/// A SIRET: 14 digits whose Luhn sum is a multiple of 10, except for La
/// Poste's establishments (SIREN `356000000`), whose digits add up to a
/// multiple of 5, as INSEE publishes.
///
/// ```
/// use franceconnect_tower::Siret;
///
/// assert!(Siret::parse("73282932000074").is_ok());
/// assert!(Siret::parse("35600000049837").is_ok()); // La Poste
/// assert!(Siret::parse("12345678912345").is_err());
/// assert_eq!(Siret::parse("73282932000074").unwrap().siren().as_str(), "732829320");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siret(String);

impl Siret {
    /// Checks a SIRET.
    pub fn parse(s: &str) -> Result<Self, ClaimsError> {
        // Digits first: the sums below read each byte as one.
        let digits = s.len() == 14 && s.bytes().all(|b| b.is_ascii_digit());
        let la_poste =
            || s.starts_with("356000000") && s.bytes().map(|b| u32::from(b - b'0')).sum::<u32>().is_multiple_of(5);
        if digits && (luhn(s) || la_poste()) {
            Ok(Siret(s.to_owned()))
        } else {
            Err(ClaimsError::new("siret", "not a valid SIRET"))
        }
    }

    /// The 14 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The organisation's SIREN: the first nine digits.
    pub fn siren(&self) -> Siren {
        Siren(self.0[..9].to_owned())
    }
}

impl TryFrom<String> for Siret {
    type Error = ClaimsError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Siret::parse(&s)
    }
}

impl From<Siret> for String {
    fn from(s: Siret) -> Self {
        s.0
    }
}

impl fmt::Display for Siret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A SIREN: nine digits (the check digit is not enforced: ProConnect passes
/// the identity provider's value on).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siren(String);

impl Siren {
    /// Checks a SIREN.
    pub fn parse(s: &str) -> Result<Self, ClaimsError> {
        if s.len() == 9 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Siren(s.to_owned()))
        } else {
            Err(ClaimsError::new("siren", "expected nine digits"))
        }
    }

    /// The nine digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Siren {
    type Error = ClaimsError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Siren::parse(&s)
    }
}

impl From<Siren> for String {
    fn from(s: Siren) -> Self {
        s.0
    }
}

impl fmt::Display for Siren {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The Luhn check over ASCII digits.
fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn agent() -> Value {
        json!({
            "sub": "9f0f5d3e-1c1b-4a5e-9c1e-2f3a4b5c6d7e", "given_name": "Angèle", "usual_name": "Dubois-Nguyễn",
            "email": "angele.dubois@interieur.example.gouv.fr", "uid": "adubois", "siret": "11000201100044",
            "idp_id": "71144ab3-ee1a-4401-b7b3-79b44f7daeeb", "idp_acr": "eidas1",
            "roles": ["agent_public", "agent_public_etat"], "custom": {}, "phone_number": "+33 1 23 45 67 89",
            "chorusdt:matricule": "USER_AGC", "chorusdt:societe": "CHT"
        })
    }

    #[test]
    fn a_full_agent_parses() {
        let a = AgentIdentity::from_userinfo(&map(agent())).unwrap().unwrap();
        assert_eq!(a.usual_name, "Dubois-Nguyễn");
        assert_eq!(a.siret.as_ref().unwrap().siren().as_str(), "110002011");
        assert_eq!(a.roles, [AgentRole::AgentPublic, AgentRole::AgentPublicEtat]);
        assert_eq!(a.chorusdt_societe.as_deref(), Some("CHT"));
        assert!(!format!("{a:?}").contains("Angèle"), "Debug shows no value");
    }

    #[test]
    fn without_the_person_there_is_no_agent_identity() {
        let mut claims = map(agent());
        claims.remove("usual_name");
        assert_eq!(AgentIdentity::from_userinfo(&claims).unwrap(), None);
    }

    #[test]
    fn bad_claims_name_their_field() {
        for (field, value) in [
            ("siret", json!("11000201100045")),
            ("siret", json!("356000000 !!!!")),
            ("siret", json!("3560000004983é")),
            ("siret", json!("1100020110004")),
            ("siren", json!("12345678")),
            ("email", json!("nope")),
            ("roles", json!("agent_public")),
            ("roles", json!([1])),
            ("custom", json!([])),
            ("phone_number", json!("call me")),
            ("given_name", json!("")),
            ("usual_name", json!("a\u{0007}")),
            ("uid", json!(7)),
        ] {
            let mut claims = map(agent());
            claims.insert(field.into(), value);
            assert_eq!(AgentIdentity::from_userinfo(&claims).unwrap_err().field, field);
        }
    }

    #[test]
    fn phone_numbers_follow_proconnect_filter() {
        for ok in ["0123456789", "+33 1 23 45 67 89", "01-23-45-67-89", "1234567"] {
            assert!(is_phone_number(ok), "{ok}");
        }
        for bad in [
            "123456",
            "+33  1 23 45 67 89",
            "01 23 45 67 8-",
            "1234567890123456",
            "+",
            "abc",
        ] {
            assert!(!is_phone_number(bad), "{bad}");
        }
    }

    #[test]
    fn unknown_roles_are_kept() {
        let r: Vec<AgentRole> = serde_json::from_str(r#"["dirigeant","agent_public_L100-3","x"]"#).unwrap();
        assert_eq!(
            r,
            [
                AgentRole::Dirigeant,
                AgentRole::AgentPublicL1003,
                AgentRole::Other("x".into())
            ]
        );
    }
}
