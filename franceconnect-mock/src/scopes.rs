//! Scopes of the platform and the claims each one grants.

/// Every scope the platform knows, as listed in discovery.
pub(crate) const SUPPORTED: &[&str] = &[
    "openid",
    "given_name",
    "family_name",
    "birthdate",
    "gender",
    "birthplace",
    "birthcountry",
    "email",
    "preferred_username",
    "profile",
    "birth",
    "identite_pivot",
];

/// The claims a scope grants.
pub(crate) fn claims_of(scope: &str) -> &'static [&'static str] {
    match scope {
        "openid" => &["sub"],
        "given_name" => &["given_name"],
        "family_name" => &["family_name"],
        "birthdate" => &["birthdate"],
        "gender" => &["gender"],
        "birthplace" => &["birthplace"],
        "birthcountry" => &["birthcountry"],
        "email" => &["email"],
        "preferred_username" => &["preferred_username"],
        "profile" => &["given_name", "family_name", "birthdate", "gender", "preferred_username"],
        "birth" => &["birthplace", "birthcountry"],
        "identite_pivot" => &[
            "given_name",
            "family_name",
            "birthdate",
            "gender",
            "birthplace",
            "birthcountry",
        ],
        _ => &[],
    }
}

/// Whether `scope` grants `claim`.
pub(crate) fn grants(scope: &str, claim: &str) -> bool {
    claims_of(scope).contains(&claim)
}

/// The known scopes of a space-separated `scope` parameter, in order and
/// without duplicates (unknown scopes are ignored, as the platform does).
pub(crate) fn granted(scope_param: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for scope in scope_param.split(' ').filter(|s| !s.is_empty()) {
        if SUPPORTED.contains(&scope) && !out.iter().any(|s| s == scope) {
            out.push(scope.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_scopes_are_dropped() {
        assert_eq!(granted("openid  foo profile openid"), vec!["openid", "profile"]);
        assert!(grants("identite_pivot", "birthplace"));
        assert!(!grants("profile", "birthplace"));
        assert!(!grants("profile", "email"));
    }
}
