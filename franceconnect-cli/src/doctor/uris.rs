//! Check 4: the redirect and post-logout redirect URIs are HTTPS (plain
//! HTTP on loopback only) and end with the routes the library mounts:
//! `/auth/callback` and `/auth/logout/callback`, or
//! `/auth/{platform}/callback`… with several platforms.

use url::{Host, Url};

use super::{Lookup, Target};
use crate::report::{Check, Report};

/// The variables that make the URIs, under every name a platform reads.
const URI_VARIABLES: [&str; 9] = [
    "APP_URL",
    "FC_REDIRECT_URI",
    "FC_POST_LOGOUT_REDIRECT_URI",
    "FC_FC_REDIRECT_URI",
    "FC_FC_POST_LOGOUT_REDIRECT_URI",
    "FC_FCPLUS_REDIRECT_URI",
    "FC_FCPLUS_POST_LOGOUT_REDIRECT_URI",
    "FC_PROCONNECT_REDIRECT_URI",
    "FC_PROCONNECT_POST_LOGOUT_REDIRECT_URI",
];

/// What to do when the loader refused the URIs: names the variables at
/// fault, those that are not an https:// URL (or http:// on loopback);
/// failing that, every one that is set.
pub(crate) fn fix_for_refused(lookup: &Lookup) -> String {
    let set: Vec<&str> = URI_VARIABLES.iter().copied().filter(|v| lookup(v).is_some()).collect();
    let at_fault: Vec<&str> = set
        .iter()
        .copied()
        .filter(|v| lookup(v).is_some_and(|value| !is_https_or_loopback(&value)))
        .collect();
    let named = match (at_fault.is_empty(), set.is_empty()) {
        (false, _) => at_fault.join(", "),
        (true, false) => set.join(", "),
        (true, true) => "APP_URL".to_owned(),
    };
    format!(
        "set {named} to https:// URLs (plain http:// on localhost or 127.0.0.1 only), written exactly as \
         registered with the platform"
    )
}

/// Checks the platform's two URIs (once the loader accepted them).
pub(crate) fn check(report: &mut Report, target: &Target<'_>, lookup: &Lookup) {
    let config = target.config;
    let app_url = lookup("APP_URL").unwrap_or_else(|| "http://localhost:3000".to_owned());
    let app_url = app_url.trim_end_matches('/');
    let routes = target.routes();
    for (uri, var, route) in [
        (config.redirect_uri(), "FC_REDIRECT_URI", format!("{routes}/callback")),
        (
            config.post_logout_redirect_uri(),
            "FC_POST_LOGOUT_REDIRECT_URI",
            format!("{routes}/logout/callback"),
        ),
    ] {
        one(report, target, uri, &target.var(var), &route, app_url);
    }
}

/// An `https://` URL, or `http://` on a loopback host.
fn is_https_or_loopback(value: &str) -> bool {
    Url::parse(value).is_ok_and(|url| url.scheme() == "https" || (url.scheme() == "http" && is_loopback(&url)))
}

/// `localhost`, 127.0.0.0/8 or `::1`, as the engine's URL rules say.
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn one(report: &mut Report, target: &Target<'_>, uri: &Url, var: &str, route: &str, app_url: &str) {
    let name = target.name();
    let loopback = is_loopback(uri);
    let scheme = match uri.scheme() {
        "https" => "HTTPS",
        "http" if loopback => "plain HTTP on loopback (development only)",
        _ => {
            report.fail(
                Check::Uris,
                name,
                format!("{uri} is not HTTPS"),
                format!("set {var} (or APP_URL) to an https:// URL"),
            );
            return;
        }
    };
    if !uri.path().ends_with(route) {
        report.fail(
            Check::Uris,
            name,
            format!(
                "{uri} does not end with {route}, the route the library mounts: the provider would send the \
                 browser to a page that does not exist"
            ),
            format!("set {var} to {app_url}{route} (or unset it: it defaults from APP_URL), and register that"),
        );
        return;
    }
    if uri.query().is_some() {
        report.warn(
            Check::Uris,
            name,
            format!("{uri} carries a query string"),
            format!("drop the query from {var}: the provider compares the URI verbatim and adds its own parameters"),
        );
        return;
    }
    report.ok(
        Check::Uris,
        name,
        format!("{uri}: {scheme}, the library's route {route}"),
    );
}
