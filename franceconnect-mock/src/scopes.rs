//! Scopes of each platform and the claims each one grants, after the
//! platform's own tables (FranceConnect: `idp_birthdate` and `idp_id` are
//! scopes of their own and `given_name_array` comes with the first names;
//! FranceConnect+: the `rnipp_*` scopes add the national register's version
//! of the claims; ProConnect: one scope per claim, named after it, in its
//! own list).

use crate::config::Platform;

/// Scopes of both platforms.
const COMMON: &[&str] = &[
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

/// Scopes of FranceConnect only (`idp_id`: the identity provider the
/// person came through, which FranceConnect+ never releases).
const FC_ONLY: &[&str] = &["idp_birthdate", "idp_id"];

/// Scopes of FranceConnect+ only.
const FC_PLUS_ONLY: &[&str] = &[
    "rnipp_identite_pivot",
    "rnipp_profile",
    "rnipp_birth",
    "rnipp_gender",
    "rnipp_given_name",
    "rnipp_family_name",
    "rnipp_birthdate",
    "rnipp_birthplace",
    "rnipp_birthcountry",
];

/// ProConnect's scopes (PCF back/libs/oidc-provider/src/services/
/// oidc-provider-config.service.ts, whose `claims` table makes each key a
/// scope), without those of particular services (`groups`,
/// `lasuite_visio…`).
const PROCONNECT: &[&str] = &[
    "openid",
    "given_name",
    "usual_name",
    "email",
    "uid",
    "siret",
    "siren",
    "organizational_unit",
    "belonging_population",
    "phone",
    "chorusdt",
    "idp_id",
    "idp_acr",
    "custom",
    "roles",
    "organization_label",
];

/// Every scope `platform` knows, as listed in discovery.
pub(crate) fn supported(platform: Platform) -> Vec<&'static str> {
    let only = match platform {
        Platform::FranceConnect => FC_ONLY,
        Platform::FranceConnectPlus => FC_PLUS_ONLY,
        Platform::ProConnect => return PROCONNECT.to_vec(),
    };
    COMMON.iter().chain(only).copied().collect()
}

/// Every identity claim `platform` can return (plus `sub`, `amr` and `acr`,
/// and on ProConnect the other ID token claims its discovery lists), as
/// listed in discovery.
pub(crate) fn claims_supported(platform: Platform) -> Vec<&'static str> {
    let mut claims = vec!["sub"];
    for scope in supported(platform) {
        for claim in claims_of(scope, platform) {
            if !claims.contains(claim) {
                claims.push(claim);
            }
        }
    }
    claims.extend(["amr", "acr"]);
    if platform == Platform::ProConnect {
        claims.extend(["sid", "auth_time", "iss"]);
    }
    claims
}

/// The claims a scope grants on `platform` (none for a scope it does not
/// know).
pub(crate) fn claims_of(scope: &str, platform: Platform) -> &'static [&'static str] {
    match platform {
        Platform::FranceConnect => fc_claims_of(scope),
        Platform::FranceConnectPlus => fc_plus_claims_of(scope),
        Platform::ProConnect => proconnect_claims_of(scope),
    }
}

/// ProConnect's table: the claim is named after the scope, but for three.
fn proconnect_claims_of(scope: &str) -> &'static [&'static str] {
    match scope {
        "openid" => &["sub"],
        "phone" => &["phone_number"],
        "chorusdt" => &["chorusdt:matricule", "chorusdt:societe"],
        "given_name" => &["given_name"],
        "usual_name" => &["usual_name"],
        "email" => &["email"],
        "uid" => &["uid"],
        "siret" => &["siret"],
        "siren" => &["siren"],
        "organizational_unit" => &["organizational_unit"],
        "belonging_population" => &["belonging_population"],
        "idp_id" => &["idp_id"],
        "idp_acr" => &["idp_acr"],
        "custom" => &["custom"],
        "roles" => &["roles"],
        "organization_label" => &["organization_label"],
        _ => &[],
    }
}

/// FranceConnect's table.
fn fc_claims_of(scope: &str) -> &'static [&'static str] {
    match scope {
        "openid" => &["sub"],
        "given_name" => &["given_name", "given_name_array"],
        "family_name" => &["family_name"],
        "birthdate" => &["birthdate"],
        "gender" => &["gender"],
        "birthplace" => &["birthplace"],
        "birthcountry" => &["birthcountry"],
        "email" => &["email"],
        "preferred_username" => &["preferred_username"],
        "idp_birthdate" => &["idp_birthdate"],
        "idp_id" => &["idp_id"],
        "profile" => &[
            "given_name",
            "given_name_array",
            "family_name",
            "birthdate",
            "gender",
            "preferred_username",
        ],
        "birth" => &["birthplace", "birthcountry"],
        "identite_pivot" => &[
            "given_name",
            "given_name_array",
            "family_name",
            "birthdate",
            "gender",
            "birthplace",
            "birthcountry",
        ],
        _ => &[],
    }
}

/// FranceConnect+'s table.
fn fc_plus_claims_of(scope: &str) -> &'static [&'static str] {
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
        "rnipp_gender" => &["gender", "rnipp_gender"],
        "rnipp_family_name" => &["family_name", "rnipp_family_name"],
        "rnipp_given_name" => &["given_name", "rnipp_given_name", "rnipp_given_name_array"],
        "rnipp_birthdate" => &["birthdate", "rnipp_birthdate"],
        "rnipp_birthplace" => &["birthplace", "rnipp_birthplace"],
        "rnipp_birthcountry" => &["birthcountry", "rnipp_birthcountry"],
        "rnipp_birth" => &["birthplace", "rnipp_birthplace", "birthcountry", "rnipp_birthcountry"],
        "rnipp_profile" => &[
            "given_name",
            "rnipp_given_name",
            "rnipp_given_name_array",
            "family_name",
            "rnipp_family_name",
            "birthdate",
            "rnipp_birthdate",
            "gender",
            "rnipp_gender",
            "preferred_username",
        ],
        "rnipp_identite_pivot" => &[
            "gender",
            "rnipp_gender",
            "family_name",
            "rnipp_family_name",
            "given_name",
            "rnipp_given_name",
            "rnipp_given_name_array",
            "birthdate",
            "rnipp_birthdate",
            "birthplace",
            "rnipp_birthplace",
            "birthcountry",
            "rnipp_birthcountry",
        ],
        _ => &[],
    }
}

/// Whether `scope` grants `claim` on `platform`.
pub(crate) fn grants(scope: &str, claim: &str, platform: Platform) -> bool {
    claims_of(scope, platform).contains(&claim)
}

/// The known scopes of a space-separated `scope` parameter, in order and
/// without duplicates (unknown scopes are ignored, as the platform does).
pub(crate) fn granted(scope_param: &str, platform: Platform) -> Vec<String> {
    let supported = supported(platform);
    let mut out: Vec<String> = Vec::new();
    for scope in scope_param.split(' ').filter(|s| !s.is_empty()) {
        if supported.contains(&scope) && !out.iter().any(|s| s == scope) {
            out.push(scope.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FC: Platform = Platform::FranceConnect;
    const FC_PLUS: Platform = Platform::FranceConnectPlus;

    #[test]
    fn unknown_scopes_are_dropped() {
        assert_eq!(granted("openid  foo profile openid", FC), vec!["openid", "profile"]);
        assert!(grants("identite_pivot", "birthplace", FC));
        assert!(!grants("profile", "birthplace", FC));
        assert!(!grants("profile", "email", FC));
    }

    #[test]
    fn idp_birthdate_is_a_scope_of_its_own_on_franceconnect_only() {
        assert!(!grants("birthdate", "idp_birthdate", FC));
        assert!(!grants("identite_pivot", "idp_birthdate", FC));
        assert!(grants("idp_birthdate", "idp_birthdate", FC));
        assert_eq!(granted("openid idp_birthdate", FC_PLUS), vec!["openid"]);
        assert!(grants("given_name", "given_name_array", FC));
        assert!(!grants("given_name", "given_name_array", FC_PLUS));
    }

    #[test]
    fn idp_id_is_a_scope_of_franceconnect_not_franceconnect_plus() {
        assert_eq!(granted("openid idp_id", FC), vec!["openid", "idp_id"]);
        assert!(grants("idp_id", "idp_id", FC));
        assert!(!grants("identite_pivot", "idp_id", FC));
        assert_eq!(granted("openid idp_id", FC_PLUS), vec!["openid"]);
        assert!(!claims_supported(FC_PLUS).contains(&"idp_id"));
        assert!(claims_supported(FC).contains(&"idp_id"));
    }

    #[test]
    fn rnipp_scopes_on_franceconnect_plus_only() {
        assert_eq!(granted("openid rnipp_birth", FC), vec!["openid"]);
        assert_eq!(granted("openid rnipp_birth", FC_PLUS), vec!["openid", "rnipp_birth"]);
        assert!(grants("rnipp_birth", "rnipp_birthplace", FC_PLUS));
        assert!(grants("rnipp_given_name", "rnipp_given_name_array", FC_PLUS));
    }

    #[test]
    fn proconnect_scopes_are_its_own() {
        const PC: Platform = Platform::ProConnect;
        assert_eq!(
            granted("openid profile usual_name phone groups", PC),
            vec!["openid", "usual_name", "phone"]
        );
        assert!(grants("phone", "phone_number", PC));
        assert!(grants("chorusdt", "chorusdt:societe", PC));
        assert!(!grants("phone", "phone", PC));
        let claims = claims_supported(PC);
        for claim in [
            "sub",
            "usual_name",
            "chorusdt:matricule",
            "phone_number",
            "idp_acr",
            "sid",
            "acr",
        ] {
            assert!(claims.contains(&claim), "{claim}");
        }
        assert!(!claims.contains(&"family_name"));
    }

    #[test]
    fn claims_supported_per_platform() {
        let fc = claims_supported(FC);
        for claim in ["sub", "given_name_array", "idp_birthdate", "amr", "acr"] {
            assert!(fc.contains(&claim), "{claim}");
        }
        assert!(!fc.iter().any(|c| c.starts_with("rnipp_")));
        let plus = claims_supported(FC_PLUS);
        for claim in ["sub", "rnipp_given_name_array", "rnipp_birthcountry", "amr", "acr"] {
            assert!(plus.contains(&claim), "{claim}");
        }
        assert!(!plus.contains(&"given_name_array") && !plus.contains(&"idp_birthdate"));
    }
}
