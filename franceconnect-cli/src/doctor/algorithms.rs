//! Check 2: the signature algorithms the service accepts (ES256, and RS256
//! on ProConnect or with `FC_ACCEPT_RS256`; never HS256) are offered for
//! the ID token and userinfo, and the client authentication configured
//! (`FC_TOKEN_ENDPOINT_AUTH`) is offered, with an algorithm of the service's
//! signing keys for `private_key_jwt`.

use franceconnect_tower::{Platform, SigningAlg, TokenEndpointAuth};
use serde_json::{Map, Value};

use super::{Target, listed, strings};
use crate::report::{Check, Report};

/// Checks the document's algorithm lists against the configuration.
pub(crate) fn check(report: &mut Report, target: &Target<'_>, doc: &Map<String, Value>) {
    let accepted = target.config.signing_algorithms();
    for (member, what) in [
        ("id_token_signing_alg_values_supported", "ID token"),
        ("userinfo_signing_alg_values_supported", "userinfo"),
    ] {
        signatures(report, target, doc, member, what, accepted);
    }
    client_authentication(report, target, doc);
}

fn signatures(
    report: &mut Report,
    target: &Target<'_>,
    doc: &Map<String, Value>,
    member: &str,
    what: &str,
    accepted: &[SigningAlg],
) {
    let name = target.name();
    let accepted_names: Vec<&str> = accepted.iter().map(|a| a.as_str()).collect();
    let Some(offered) = strings(doc, member) else {
        report.warn(
            Check::Algorithms,
            name,
            format!("discovery lists no `{member}`: the registration alone decides the {what} signature"),
            format!(
                "register {} for the {what} in the partner space",
                accepted_names.join(" or ")
            ),
        );
        return;
    };
    let common: Vec<&str> = accepted_names
        .iter()
        .copied()
        .filter(|a| offered.iter().any(|o| o == a))
        .collect();
    if common.is_empty() {
        let rs256_would_do = target.config.platform() == Platform::FranceConnect
            && !accepted.contains(&SigningAlg::Rs256)
            && offered.iter().any(|o| o == "RS256");
        let fix = if rs256_would_do {
            format!(
                "register ES256 for the {what}; or, if the provider signs with RS256 only, set {}=true",
                target.var("FC_ACCEPT_RS256")
            )
        } else {
            format!(
                "the provider must offer {} (a shared-secret HS256 signature proves nothing): check {} and {}",
                accepted_names.join(" or "),
                target.var("FC_ISSUER"),
                "FC_PLATFORM"
            )
        };
        report.fail(
            Check::Algorithms,
            name,
            format!(
                "the {what} signature: `{member}` offers {}, none of those the service accepts ({}; never HS256)",
                listed(&offered),
                accepted_names.join(", ")
            ),
            fix,
        );
        return;
    }
    let hs256 = if offered.iter().any(|o| o == "HS256") {
        " (HS256 is offered too, and refused: register ES256, not the default HS256)"
    } else {
        ""
    };
    report.ok(
        Check::Algorithms,
        name,
        format!("the {what} signature: {} offered{hs256}", common.join(", ")),
    );
}

fn client_authentication(report: &mut Report, target: &Target<'_>, doc: &Map<String, Value>) {
    let name = target.name();
    let method = target.config.token_endpoint_auth();
    let var = target.var("FC_TOKEN_ENDPOINT_AUTH");
    match strings(doc, "token_endpoint_auth_methods_supported") {
        Some(offered) if !offered.iter().any(|o| o == method.as_str()) => {
            report.fail(
                Check::Algorithms,
                name,
                format!(
                    "the token endpoint offers {}, not {} (the service's)",
                    listed(&offered),
                    method.as_str()
                ),
                format!("set {var} to a method the provider offers and your registration uses"),
            );
            return;
        }
        _ => {}
    }
    if method != TokenEndpointAuth::PrivateKeyJwt {
        report.ok(
            Check::Algorithms,
            name,
            format!("token endpoint authentication: {}", method.as_str()),
        );
        return;
    }
    let ours: Vec<&str> = target
        .config
        .service_keys()
        .map(|k| k.signing_algorithms())
        .unwrap_or_default()
        .iter()
        .map(|a| a.as_str())
        .collect();
    match strings(doc, "token_endpoint_auth_signing_alg_values_supported") {
        Some(offered) if !ours.iter().any(|a| offered.iter().any(|o| o == a)) => report.fail(
            Check::Algorithms,
            name,
            format!(
                "private_key_jwt: the provider takes assertions signed with {}, the service's signing keys are {}",
                listed(&offered),
                listed(&ours)
            ),
            "add a signing key the provider takes to FC_KEYS_FILE (`franceconnect keys add --sig es256`)",
        ),
        _ => report.ok(
            Check::Algorithms,
            name,
            format!(
                "token endpoint authentication: private_key_jwt, signed with {}",
                listed(&ours)
            ),
        ),
    }
}
