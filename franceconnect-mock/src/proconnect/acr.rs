//! ProConnect's levels of assurance (PCF back/libs/oidc-acr/src/
//! oidc-acr.service.ts): what a service asks through the `claims`
//! parameter, and the `acr` a login ends with, given what the agent's
//! identity provider answered and whether ProConnect added its own e-mail
//! code (the "MFA" step).

use serde_json::Value;

/// The acr values ProConnect knows (fca/config/oidc-provider.ts); any other
/// requested value is dropped.
pub(crate) const SUPPORTED: [&str; 7] = [
    "eidas0",
    "eidas0-mfa",
    "eidas1",
    "eidas1-mfa",
    "eidas2",
    "eidas3",
    "https://proconnect.gouv.fr/assurance/certification-dirigeant",
];

/// What an identity provider's acr outside [`SUPPORTED`] counts as.
const UNLISTED_IDP_ACR: &str = "eidas1";

/// The levels ProConnect's e-mail code raises an identity provider's acr
/// to: `eidas1` → `eidas1-mfa`, `eidas0` → `eidas0-mfa`.
const RAISED_BY_EMAIL_CODE: [(&str, &str); 2] = [("eidas1", "eidas1-mfa"), ("eidas0", "eidas0-mfa")];

/// Levels that never reuse a single sign-on session when required.
const NEED_NEW_SESSION: [&str; 2] = ["eidas2", "eidas3"];

/// The `amr` value ProConnect adds after its e-mail code.
pub(crate) const EMAIL_CODE_AMR: &str = "mail";

/// What the `claims` parameter asks of the ID token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ClaimsRequest {
    /// The essential acr values, those ProConnect does not know dropped;
    /// empty when no (known) value is required.
    pub essential_acr: Vec<String>,
    /// Whether `amr` is asked for.
    pub amr: bool,
}

/// Parses the `claims` parameter; `None` when it is not a claims request
/// (not a JSON object, or a member other than `id_token` and `userinfo`,
/// or one that is not an object). An acr request that is not essential
/// requires nothing, like `{"acr":null}`; `"value"` counts as a list of
/// one.
pub(crate) fn parse_claims(claims: &str) -> Option<ClaimsRequest> {
    let value: Value = serde_json::from_str(claims).ok()?;
    let object = value.as_object()?;
    if object
        .iter()
        .any(|(member, request)| (member != "id_token" && member != "userinfo") || !request.is_object())
    {
        return None;
    }
    let id_token = object.get("id_token");
    let amr = id_token
        .and_then(|id_token| id_token.get("amr"))
        .is_some_and(|amr| amr.is_null() || amr.is_object());
    let acr = id_token.and_then(|id_token| id_token.get("acr"));
    let essential = acr.and_then(|acr| acr.get("essential")).and_then(Value::as_bool) == Some(true);
    let mut asked: Vec<&str> = Vec::new();
    if essential && let Some(acr) = acr {
        if let Some(value) = acr.get("value").and_then(Value::as_str) {
            asked.extend(value.split(' '));
        }
        if let Some(values) = acr.get("values").and_then(Value::as_array) {
            asked.extend(values.iter().filter_map(Value::as_str));
        }
    }
    let mut essential_acr: Vec<String> = Vec::new();
    for value in asked {
        if SUPPORTED.contains(&value) && !essential_acr.iter().any(|known| known == value) {
            essential_acr.push(value.to_owned());
        }
    }
    Some(ClaimsRequest { essential_acr, amr })
}

/// The identity provider's acr as ProConnect uses it: itself when listed,
/// `eidas1` otherwise.
pub(crate) fn supported_idp_acr(idp_acr: &str) -> &str {
    if SUPPORTED.contains(&idp_acr) {
        idp_acr
    } else {
        UNLISTED_IDP_ACR
    }
}

/// The acr of the login, or `None` when the essential values cannot be
/// met: the identity provider's (supported) acr when nothing is required
/// or it is among the required values; after ProConnect's e-mail code, the
/// `-mfa` level it raises `eidas0`/`eidas1` to, when that one is required.
pub(crate) fn login_acr(idp_acr: &str, essential: &[String], email_code_done: bool) -> Option<String> {
    let idp_acr = supported_idp_acr(idp_acr);
    if essential.is_empty() || essential.iter().any(|value| value == idp_acr) {
        return Some(idp_acr.to_owned());
    }
    if !email_code_done {
        return None;
    }
    RAISED_BY_EMAIL_CODE
        .iter()
        .find(|(from, raised)| *from == idp_acr && essential.iter().any(|value| value == raised))
        .map(|(_, raised)| (*raised).to_owned())
}

/// Whether ProConnect's e-mail code could meet the requirement: a `-mfa`
/// level is among the essential values.
pub(crate) fn email_code_may_help(essential: &[String]) -> bool {
    RAISED_BY_EMAIL_CODE
        .iter()
        .any(|(_, raised)| essential.iter().any(|value| value == raised))
}

/// Whether a login at `acr`, required by the service, must authenticate
/// anew instead of reusing a single sign-on session.
pub(crate) fn needs_new_session(acr: &str, essential: &[String]) -> bool {
    !essential.is_empty() && NEED_NEW_SESSION.contains(&acr)
}

/// The `amr` an identity provider plausibly reports for its acr: a
/// password, a one-time code for `eidas2`, a smart card and its PIN for
/// `eidas3`.
pub(crate) fn idp_amr(idp_acr: &str) -> Vec<String> {
    let amr: &[&str] = match supported_idp_acr(idp_acr) {
        "eidas2" => &["pwd", "otp", "mfa"],
        "eidas3" => &["pin", "hwk", "mfa"],
        _ => &["pwd"],
    };
    amr.iter().map(|value| (*value).to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_default_agent_has_an_acr_proconnect_does_not_list() {
        // Its logins show what an unlisted acr counts as.
        let agents = crate::agents::Agent::defaults();
        assert!(agents.iter().any(|a| !SUPPORTED.contains(&a.idp_acr.as_str())));
    }

    fn essential(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    #[test]
    fn claims_parameter() {
        let parsed = parse_claims(r#"{"id_token":{"acr":{"essential":true,"values":["eidas2","inconnu","eidas3"]}}}"#);
        assert_eq!(parsed.unwrap().essential_acr, ["eidas2", "eidas3"]);
        let parsed =
            parse_claims(r#"{"id_token":{"acr":{"essential":true,"value":"eidas1-mfa"},"amr":null}}"#).unwrap();
        assert_eq!(parsed.essential_acr, ["eidas1-mfa"]);
        assert!(parsed.amr);
        let parsed = parse_claims(r#"{"id_token":{"acr":{"values":["eidas3"]}}}"#).unwrap();
        assert!(parsed.essential_acr.is_empty(), "not essential: nothing required");
        let parsed = parse_claims(r#"{"id_token":{"acr":null}}"#).unwrap();
        assert_eq!(parsed, ClaimsRequest::default());
        let parsed = parse_claims(r#"{"id_token":{"acr":{"essential":true,"values":["inconnu"]}}}"#).unwrap();
        assert!(parsed.essential_acr.is_empty(), "only unknown values: nothing required");
        assert_eq!(parse_claims("[1]"), None);
        assert_eq!(parse_claims(r#"{"access_token":{}}"#), None);
        assert_eq!(parse_claims("pas du json"), None);
    }

    #[test]
    fn login_acr_follows_the_platform() {
        assert_eq!(login_acr("eidas1", &[], false).as_deref(), Some("eidas1"));
        assert_eq!(login_acr("niveau-maison", &[], false).as_deref(), Some("eidas1"));
        assert_eq!(
            login_acr("eidas3", &essential(&["eidas2", "eidas3"]), false).as_deref(),
            Some("eidas3")
        );
        assert_eq!(login_acr("eidas1", &essential(&["eidas2"]), false), None);
        let mfa = essential(&["eidas0-mfa", "eidas1-mfa", "eidas2", "eidas3"]);
        assert_eq!(login_acr("eidas1", &mfa, false), None);
        assert_eq!(login_acr("eidas1", &mfa, true).as_deref(), Some("eidas1-mfa"));
        assert_eq!(login_acr("eidas0", &mfa, true).as_deref(), Some("eidas0-mfa"));
        assert_eq!(login_acr("eidas0", &essential(&["eidas1-mfa"]), true), None);
        assert!(email_code_may_help(&mfa));
        assert!(!email_code_may_help(&essential(&["eidas2", "eidas3"])));
        assert!(needs_new_session("eidas3", &essential(&["eidas3"])));
        assert!(!needs_new_session("eidas3", &[]));
    }
}
