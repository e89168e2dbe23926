//! The public agents who can log in at the mock ProConnect: an embedded
//! default set of fictional agents covering the platform's cases (State,
//! local authority, hospital, private sector, company head, weak and strong
//! identity providers), or a JSON file of your own, and the claims each
//! scope gives about them.

use std::path::Path;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::config::Platform;
use crate::error::MockError;

/// The embedded default agents.
const DEFAULT_AGENTS: &str = include_str!("agents.json");

/// The roles ProConnect computes from the organisation's legal category
/// (fca/dto/identity-for-sp.dto.ts).
pub(crate) const ROLES: [&str; 6] = [
    "agent_public",
    "agent_public_etat",
    "agent_public_territorial",
    "agent_public_hospitalier",
    "agent_public_L100-3",
    "dirigeant",
];

/// The role without which a service open to public agents only refuses the
/// user (fca/controllers/interaction.controller.ts).
pub(crate) const PUBLIC_AGENT_ROLE: &str = "agent_public";

/// A fictional agent (or private-sector user) with what their identity
/// provider says about them, as ProConnect passes it on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agent {
    /// Login used to pick this agent (e.g. in `auto_approve`), e.g.
    /// `"agent-etat"`.
    pub id: String,
    /// ProConnect's subject: a UUID v4, the same for every service (the
    /// platform's subject type is public).
    pub sub: String,
    /// First name.
    pub given_name: String,
    /// Usual (last) name; ProConnect has no `family_name`.
    pub usual_name: String,
    /// Professional e-mail address (what `login_hint` names).
    pub email: String,
    /// The identity provider's own identifier of the agent.
    pub uid: String,
    /// SIRET of the agent's organisation: 14 digits with a valid Luhn check
    /// digit (La Poste's `356000000…` excepted, as the platform does).
    pub siret: String,
    /// SIREN of the organisation (9 digits), when the identity provider
    /// gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub siren: Option<String>,
    /// Department or service, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organizational_unit: Option<String>,
    /// Population the agent belongs to, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub belonging_population: Option<String>,
    /// Name of the organisation, when ProConnect found it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_label: Option<String>,
    /// Phone number, when given; one the platform finds malformed is left
    /// out of the claims, as ProConnect drops it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Chorus DT employee number (`chorusdt:matricule`), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chorusdt_matricule: Option<String>,
    /// Chorus DT company code (`chorusdt:societe`), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chorusdt_societe: Option<String>,
    /// UUID of the agent's identity provider (what `idp_hint` names).
    pub idp_id: String,
    /// The raw `acr` the identity provider gave (`idp_acr`): `eidas1` for
    /// most, `eidas0` for a self-asserted ProConnect Identité account, a
    /// value ProConnect does not list counts as `eidas1`.
    pub idp_acr: String,
    /// Roles computed from the organisation (a subset of `agent_public`,
    /// `agent_public_etat`, `agent_public_territorial`,
    /// `agent_public_hospitalier`, `agent_public_L100-3`, `dirigeant`);
    /// may be empty.
    pub roles: Vec<String>,
    /// The identity provider's other data (a JSON object, `{}` if none).
    #[serde(default = "empty_object")]
    pub custom: Value,
    /// Works for a private-law organisation: such a user has no
    /// `agent_public` role, so a service open to public agents only refuses
    /// them.
    pub private_sector: bool,
    /// One line in French describing what this agent tests, shown on the
    /// login page.
    pub description: String,
}

/// `{}`, the `custom` of an agent without extra data.
fn empty_object() -> Value {
    Value::Object(Map::new())
}

impl Agent {
    /// The embedded default set (the first one is the default agent).
    pub fn defaults() -> Vec<Agent> {
        // Parsed once per process: every mock starts with a copy.
        static DEFAULTS: LazyLock<Vec<Agent>> =
            LazyLock::new(|| parse(DEFAULT_AGENTS).expect("the embedded agents.json is valid"));
        DEFAULTS.clone()
    }

    /// Loads agents from a JSON file holding an array of agents.
    pub fn load_file(path: impl AsRef<Path>) -> Result<Vec<Agent>, MockError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| MockError::Identities(format!("cannot read {}: {e}", path.display())))?;
        parse(&text).map_err(|e| MockError::Identities(format!("{}: {e}", path.display())))
    }

    /// Full display name, e.g. "Claire Dumoulin".
    pub fn display_name(&self) -> String {
        format!("{} {}", self.given_name, self.usual_name)
    }

    /// Whether a service open to public agents only lets this user in: the
    /// platform looks at the `agent_public` role alone.
    pub(crate) fn is_public_agent(&self) -> bool {
        self.roles.iter().any(|role| role == PUBLIC_AGENT_ROLE)
    }

    /// The claims `scopes` give about this agent (`sub` excluded), keyed by
    /// claim name as userinfo returns them. ProConnect's claim is the
    /// scope's name, except `phone` (`phone_number`) and `chorusdt`
    /// (`chorusdt:matricule` and `chorusdt:societe`); a claim the agent does
    /// not have is left out.
    pub(crate) fn claims(&self, scopes: &[String]) -> Map<String, Value> {
        let wants = |claim: &str| {
            scopes
                .iter()
                .any(|scope| crate::scopes::grants(scope, claim, Platform::ProConnect))
        };
        let text = |value: &str| Some(Value::from(value));
        let optional = |value: &Option<String>| value.as_deref().map(Value::from);
        let phone = self
            .phone_number
            .as_deref()
            .filter(|phone| is_valid_phone_number(phone))
            .map(Value::from);
        let values: Vec<(&str, Option<Value>)> = vec![
            ("given_name", text(&self.given_name)),
            ("usual_name", text(&self.usual_name)),
            ("email", text(&self.email)),
            ("uid", text(&self.uid)),
            ("siret", text(&self.siret)),
            ("siren", optional(&self.siren)),
            ("organizational_unit", optional(&self.organizational_unit)),
            ("belonging_population", optional(&self.belonging_population)),
            ("organization_label", optional(&self.organization_label)),
            ("phone_number", phone),
            ("chorusdt:matricule", optional(&self.chorusdt_matricule)),
            ("chorusdt:societe", optional(&self.chorusdt_societe)),
            ("idp_id", text(&self.idp_id)),
            ("idp_acr", text(&self.idp_acr)),
            ("roles", Some(Value::from(self.roles.clone()))),
            ("custom", Some(self.custom.clone())),
        ];
        let mut map = Map::new();
        for (claim, value) in values {
            if let Some(value) = value.filter(|_| wants(claim)) {
                map.insert(claim.into(), value);
            }
        }
        map
    }
}

/// Parses and checks a JSON array of agents: what ProConnect would not let
/// through (an invalid SIRET, an unknown role, a subject that is not a
/// UUID) is refused here rather than sent to a client.
fn parse(text: &str) -> Result<Vec<Agent>, String> {
    let agents: Vec<Agent> = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if agents.is_empty() {
        return Err("the agent list is empty".into());
    }
    let mut seen = std::collections::HashSet::new();
    for agent in &agents {
        let id = &agent.id;
        if id.is_empty() {
            return Err("an agent has an empty id".into());
        }
        if !seen.insert(id.as_str()) {
            return Err(format!("duplicate agent id `{id}`"));
        }
        if !is_uuid(&agent.sub) {
            return Err(format!("agent `{id}`: sub `{}` is not a UUID", agent.sub));
        }
        if !is_uuid(&agent.idp_id) {
            return Err(format!("agent `{id}`: idp_id `{}` is not a UUID", agent.idp_id));
        }
        for (name, value) in [
            ("given_name", &agent.given_name),
            ("usual_name", &agent.usual_name),
            ("uid", &agent.uid),
        ] {
            if value.is_empty() || value.chars().count() > 256 {
                return Err(format!("agent `{id}`: {name} must have 1 to 256 characters"));
            }
        }
        if !is_email(&agent.email) {
            return Err(format!(
                "agent `{id}`: email `{}` is not an e-mail address",
                agent.email
            ));
        }
        if !is_valid_siret(&agent.siret) {
            return Err(format!(
                "agent `{id}`: siret `{}` is not a valid SIRET (14 digits, Luhn check)",
                agent.siret
            ));
        }
        if let Some(siren) = &agent.siren
            && (siren.len() != 9 || !siren.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(format!("agent `{id}`: siren `{siren}` is not 9 digits"));
        }
        if let Some(role) = agent.roles.iter().find(|role| !ROLES.contains(&role.as_str())) {
            return Err(format!("agent `{id}`: unknown role `{role}`"));
        }
        if !agent.custom.is_object() {
            return Err(format!("agent `{id}`: custom must be a JSON object"));
        }
        if agent.private_sector && agent.is_public_agent() {
            return Err(format!(
                "agent `{id}`: a private-sector user cannot have the agent_public role"
            ));
        }
    }
    Ok(agents)
}

/// A UUID in its hyphenated form (8-4-4-4-12 hexadecimal digits).
pub(crate) fn is_uuid(value: &str) -> bool {
    let groups: Vec<&str> = value.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A plausible e-mail address: one `@`, something before it, a dotted
/// domain after it, no spaces (ProConnect's `login_hint` must be one).
pub(crate) fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !value.chars().any(char::is_whitespace)
}

/// ProConnect's SIRET check (fca/validators/is-siret-validator.ts): 14
/// digits whose Luhn sum is a multiple of ten, except La Poste's
/// establishments (`356000000…`), which do not follow the rule.
pub(crate) fn is_valid_siret(siret: &str) -> bool {
    if siret.len() != 14 || !siret.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    if siret.starts_with("356000000") {
        return true;
    }
    let sum: u32 = siret
        .bytes()
        .rev()
        .enumerate()
        .map(|(index, byte)| {
            let digit = u32::from(byte - b'0');
            let doubled = if index % 2 == 1 { digit * 2 } else { digit };
            if doubled > 9 { doubled - 9 } else { doubled }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// ProConnect's phone check, `^\+?(?:[0-9][ -]?){6,14}[0-9]$`
/// (fca/validators/is-phone-number-simple-validator.validator.ts): an
/// optional `+`, then 7 to 15 digits, each but the last possibly followed by
/// one space or dash.
pub(crate) fn is_valid_phone_number(phone: &str) -> bool {
    let rest = phone.strip_prefix('+').unwrap_or(phone);
    let mut digits = 0;
    let mut after_digit = false;
    for c in rest.chars() {
        match c {
            '0'..='9' => {
                digits += 1;
                after_digit = true;
            }
            ' ' | '-' if after_digit => after_digit = false,
            _ => return false,
        }
    }
    after_digit && (7..=15).contains(&digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_cover_the_platform_cases() {
        let all = Agent::defaults();
        assert_eq!(all[0].id, "agent-etat");
        let has_role = |agent: &Agent, role: &str| agent.roles.iter().any(|r| r == role);
        assert!(has_role(&all[0], "agent_public_etat"));
        assert!(all.iter().any(|a| has_role(a, "agent_public_territorial")));
        assert!(all.iter().any(|a| has_role(a, "agent_public_hospitalier")));
        assert!(all.iter().any(|a| a.private_sector && a.roles.is_empty()));
        assert!(
            all.iter().any(|a| has_role(a, "dirigeant")
                && a.idp_acr == "https://proconnect.gouv.fr/assurance/certification-dirigeant")
        );
        assert!(all.iter().any(|a| a.siren.is_none()));
        assert!(all.iter().any(|a| a.phone_number.is_some()));
        assert!(all.iter().any(|a| a.idp_acr == "eidas0"));
        assert!(all.iter().any(|a| a.idp_acr == "eidas2" || a.idp_acr == "eidas3"));
        assert!(all.iter().any(|a| a.custom.as_object().is_some_and(|c| !c.is_empty())));
        for agent in &all {
            assert!(agent.sub.as_bytes()[14] == b'4', "{}: a UUID v4", agent.id);
            assert!(
                agent.email.contains(".example.") || agent.email.ends_with(".example"),
                "{}: fictional domain",
                agent.id
            );
            assert_eq!(agent.private_sector, !agent.is_public_agent(), "{}", agent.id);
            if let Some(siren) = &agent.siren {
                assert!(agent.siret.starts_with(siren.as_str()), "{}", agent.id);
            }
        }
    }

    #[test]
    fn siret_check_is_the_platforms() {
        assert!(is_valid_siret("11005008528321"));
        assert!(!is_valid_siret("11005008528322"), "wrong check digit");
        assert!(!is_valid_siret("1100500852832"), "13 digits");
        assert!(!is_valid_siret("1100500852832A"));
        assert!(is_valid_siret("35600000000048"), "La Poste");
        assert!(is_valid_siret("35600000012345"), "La Poste is never Luhn-checked");
    }

    #[test]
    fn phone_check_is_the_platforms() {
        for good in [
            "+33 1 23 45 67 89",
            "0123456789",
            "01-23-45-67-89",
            "+590 590 12 34 56",
            "1234567",
        ] {
            assert!(is_valid_phone_number(good), "{good}");
        }
        for bad in [
            "123456",
            "01  23 45 67 89",
            "01 23 45 67 89 ",
            "+",
            "01.23.45.67.89",
            "1234567890123456",
            "tel 0123456789",
        ] {
            assert!(!is_valid_phone_number(bad), "{bad}");
        }
    }

    #[test]
    fn invalid_agents_are_refused() {
        let good = serde_json::to_value(&Agent::defaults()[0]).unwrap();
        let with = |name: &str, value: Value| {
            let mut agent = good.clone();
            agent[name] = value;
            parse(&serde_json::json!([agent]).to_string())
        };
        assert!(with("siret", "11005008528322".into()).unwrap_err().contains("SIRET"));
        assert!(with("sub", "12345".into()).unwrap_err().contains("UUID"));
        assert!(with("roles", serde_json::json!(["chef"])).unwrap_err().contains("role"));
        assert!(with("custom", serde_json::json!([])).unwrap_err().contains("object"));
        assert!(with("email", "claire".into()).unwrap_err().contains("e-mail"));
        assert!(
            with("private_sector", true.into())
                .unwrap_err()
                .contains("agent_public")
        );
        assert!(parse("[]").is_err());
        assert!(
            parse(&serde_json::json!([good, good]).to_string())
                .unwrap_err()
                .contains("duplicate")
        );
    }

    #[test]
    fn claims_follow_the_scopes() {
        let agent = &Agent::defaults()[0];
        let scopes: Vec<String> = ["openid", "phone", "chorusdt", "unknown"].map(String::from).to_vec();
        let claims = agent.claims(&scopes);
        let mut names: Vec<&str> = claims.keys().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(names, ["chorusdt:matricule", "chorusdt:societe", "phone_number"]);
        let mut malformed = agent.clone();
        malformed.phone_number = Some("01.23.45.67.89".into());
        assert!(malformed.claims(&scopes).get("phone_number").is_none());
    }
}
