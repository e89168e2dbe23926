//! Check 10, once for every platform: the application serves the redirect
//! URIs configured. Each platform's callback and post-logout callback is
//! requested with `GET` and no parameter, as the deployed application
//! answers it: a 404 (or a 405 on the callback, where the provider sends
//! the browser back with a `GET`) means the routes the application mounts
//! and the URIs configured differ, and the provider would send the browser
//! to a page that does not exist. Any other answer (400 for a callback
//! without a login, 303, 200…) is a route that exists.
//!
//! A URI the application does not answer at all (not started, another
//! network) is worth a warning: its routes were not checked.

use std::collections::BTreeSet;

use url::Url;

use super::Target;
use super::http::Http;
use super::load::{Group, Loaded};
use crate::report::{Check, Report};

/// Requests every platform's redirect URIs.
pub(crate) async fn check(report: &mut Report, loaded: &Loaded) {
    // Placeholders stand for URIs the loader refused: nothing to request.
    if loaded.refusal(Group::Uris).is_some() {
        return;
    }
    // An origin that did not answer is not asked again.
    let mut unreachable: BTreeSet<String> = BTreeSet::new();
    for config in &loaded.configs {
        let target = Target {
            config,
            federation: loaded.federation,
        };
        let http = match Http::new(config.http_timeout()) {
            Ok(http) => http,
            Err(e) => {
                report.warn(Check::Routes, target.name(), e, "check the machine's TLS set-up");
                continue;
            }
        };
        let routes = target.routes();
        for (uri, var, route, callback) in [
            (
                config.redirect_uri(),
                "FC_REDIRECT_URI",
                format!("{routes}/callback"),
                true,
            ),
            (
                config.post_logout_redirect_uri(),
                "FC_POST_LOGOUT_REDIRECT_URI",
                format!("{routes}/logout/callback"),
                false,
            ),
        ] {
            // Off the library's routes: `uris` already says so.
            if !uri.path().ends_with(&route) {
                continue;
            }
            let origin = uri.origin().ascii_serialization();
            if unreachable.contains(&origin) {
                continue;
            }
            if !one(report, &target, &http, uri, &target.var(var), &route, callback).await {
                unreachable.insert(origin);
            }
        }
    }
}

/// One URI; false when the application did not answer there.
async fn one(
    report: &mut Report,
    target: &Target<'_>,
    http: &Http,
    uri: &Url,
    var: &str,
    route: &str,
    callback: bool,
) -> bool {
    let name = target.name();
    let status = match http.get(uri).await {
        Ok(fetched) => fetched.status,
        Err(why) => {
            report.warn(
                Check::Routes,
                name,
                format!("GET {uri}: {why}: the application's routes were not checked"),
                "run the doctor where it reaches the deployed application (APP_URL), once it is started",
            );
            return false;
        }
    };
    let what = if callback { "callback" } else { "post-logout callback" };
    let refused = status == 404 || (callback && status == 405);
    if !refused {
        report.ok(
            Check::Routes,
            name,
            format!("{uri} answers HTTP {status} without parameters: the application serves its {what}"),
        );
        return true;
    }
    let why = if status == 404 {
        format!("the application has no {what} there")
    } else {
        format!("the application's {what} refuses GET, which the provider's redirect uses")
    };
    let mounted = if target.federation {
        format!(
            "with FC_PLATFORMS, the library mounts each platform's routes under /auth/{{platform}} \
             (AuthRoutes::federation): {route} here"
        )
    } else {
        "without FC_PLATFORMS, the library mounts its routes under /auth: /auth/callback and /auth/logout/callback"
            .to_owned()
    };
    report.fail(
        Check::Routes,
        name,
        format!(
            "{uri} answers HTTP {status}: {why}, so the routes it mounts and the URI configured ({var}) differ; \
             {mounted}",
        ),
        format!(
            "mount the library's routes in the application at APP_URL as configured (with FC_PLATFORMS, the \
             federation's), or set {var} to the {what} the application serves, and register that URI"
        ),
    );
    true
}
