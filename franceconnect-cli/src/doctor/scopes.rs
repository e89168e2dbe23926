//! Check 7: the scopes asked (`FC_SCOPES`) are the platform's (the engine's
//! typed scopes: the loader refuses another platform's) and in discovery's
//! `scopes_supported` when it lists them.

use franceconnect_tower::Scope;
use serde_json::{Map, Value};

use super::{Target, listed, shown, strings};
use crate::report::{Check, Report};

/// What to do when the loader refused `FC_SCOPES`.
pub(crate) const FIX_FOR_REFUSED: &str =
    "FC_SCOPES: keep only the platform's scopes (the README lists them), separated by spaces";

/// Checks the configured scopes against the platform and the document
/// (once the loader accepted `FC_SCOPES`).
pub(crate) fn check(report: &mut Report, target: &Target<'_>, doc: Option<&Map<String, Value>>) {
    let name = target.name();
    let var = target.var("FC_SCOPES");
    let scopes: Vec<&Scope> = target.config.scopes().iter().collect();
    let supported = doc.and_then(|d| strings(d, "scopes_supported"));
    let mut all_fine = true;
    for scope in &scopes {
        let listed_there = supported.as_ref().map(|s| s.iter().any(|v| v == scope.as_str()));
        match (scope, listed_there) {
            (_, Some(false)) => {
                all_fine = false;
                report.fail(
                    Check::Scopes,
                    name,
                    format!(
                        "the scope `{}` is not in the provider's `scopes_supported`: the provider would refuse the login",
                        shown(scope.as_str())
                    ),
                    format!("remove `{}` from {var} (or check the platform: FC_PLATFORM)", shown(scope.as_str())),
                );
            }
            (Scope::Other(other), None) => {
                all_fine = false;
                report.warn(
                    Check::Scopes,
                    name,
                    format!(
                        "the scope `{}` is none the engine knows, and discovery lists no `scopes_supported`",
                        shown(other)
                    ),
                    format!(
                        "check that the registration grants `{}`, or remove it from {var}",
                        shown(other)
                    ),
                );
            }
            _ => {}
        }
    }
    if all_fine {
        let names: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
        let whose = if supported.is_some() {
            "the platform's, and in `scopes_supported`"
        } else {
            "the platform's (discovery lists no `scopes_supported`)"
        };
        report.ok(Check::Scopes, name, format!("scopes {}: {whose}", listed(&names)));
    }
}
