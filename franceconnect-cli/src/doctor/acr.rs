//! Check 8: the level asked is offered (`acr_values_supported`); on
//! ProConnect, the `acr` values asked (`FC_ACR`) are values the engine knows
//! ([`Acr`](franceconnect_tower::Acr): the loader refuses any other) and
//! the platform offers.

use franceconnect_tower::RequestedAcr;
use serde_json::{Map, Value};

use super::{Target, listed, strings};
use crate::report::{Check, Report};

/// What to do when the loader refused `FC_ACR`.
pub(crate) const FIX_FOR_REFUSED: &str = "FC_ACR: on FranceConnect(+) one level (eidas1, eidas2, eidas3); on \
                                          ProConnect values among eidas0, eidas0-mfa, eidas1, eidas1-mfa, eidas2, \
                                          eidas3, or `mfa`";

/// Checks the requested `acr` against the document (once the loader
/// accepted `FC_ACR`).
pub(crate) fn check(report: &mut Report, target: &Target<'_>, doc: Option<&Map<String, Value>>) {
    let name = target.name();
    let var = target.var("FC_ACR");
    let asked: Vec<&str> = match target.config.requested_acr() {
        RequestedAcr::AtLeast(level) => vec![level.as_str()],
        RequestedAcr::OneOf(values) => values.iter().map(|v| v.as_str()).collect(),
    };
    if asked.is_empty() {
        report.ok(
            Check::Acr,
            name,
            format!("no acr value required ({var} unset): the acr is read, and an unknown one refused"),
        );
        return;
    }
    let Some(supported) = doc.and_then(|d| strings(d, "acr_values_supported")) else {
        report.ok(
            Check::Acr,
            name,
            format!(
                "acr {} asked (discovery lists no `acr_values_supported`)",
                listed(&asked)
            ),
        );
        return;
    };
    let missing: Vec<&str> = asked
        .iter()
        .copied()
        .filter(|a| !supported.iter().any(|s| s == a))
        .collect();
    if missing.is_empty() {
        report.ok(Check::Acr, name, format!("acr {} asked, offered", listed(&asked)));
    } else {
        report.fail(
            Check::Acr,
            name,
            format!(
                "acr {} asked, not in `acr_values_supported` ({})",
                listed(&missing),
                listed(&supported)
            ),
            format!("set {var} to values the platform offers (and check FC_PLATFORM for this issuer)"),
        );
    }
}
