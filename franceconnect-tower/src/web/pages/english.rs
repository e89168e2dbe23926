//! The pages in English, for a service whose users read it better: the
//! same pages as [`FrenchPages`](super::FrenchPages), with each message
//! chosen by the error's code.

use crate::config::Platform;
use crate::web::pages::error_view::BACK_FROM_PROCONNECT_FR;
use crate::web::pages::{ErrorPage, Pages, choose_platform_page, error_page, logout_form, page};

/// The pages in English (`AuthRoutes::with_pages(EnglishPages)`).
///
/// ```
/// use franceconnect_tower::web::{EnglishPages, ErrorPage, Pages};
///
/// let html = EnglishPages.choose_platform(&[(franceconnect_tower::Platform::ProConnect, "/auth/proconnect/login".into())]);
/// assert!(html.contains(r#"lang="en""#) && html.contains("Sign in with ProConnect"));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct EnglishPages;

impl Pages for EnglishPages {
    fn error(&self, p: &ErrorPage<'_>) -> String {
        let title = match p.error {
            Some(_) if p.is_cancelled() => "Sign-in cancelled",
            Some(_) => "Sign-in failed",
            None => "Request refused",
        };
        // The application's own words, when it refused the person.
        let message = match p.code {
            "sign_in_refused" => p.message,
            // ProConnect sent the person back (the French message, chosen
            // knowing the platform, says so): no outage to announce.
            "server_error" if p.message == BACK_FROM_PROCONNECT_FR => BACK_FROM_PROCONNECT_EN,
            code => message(code),
        };
        error_page(
            "en",
            title,
            message,
            p.retry_href.map(|h| (h, "Try signing in again")),
            p.sign_out_action.map(|a| (a, "Sign out to use another account")),
            p.code,
            (
                "Back to the home page",
                "If the problem persists, give the service's support the reference",
            ),
        )
    }

    fn logout(&self, action: &str) -> String {
        page(
            "en",
            "Sign out",
            &format!(
                r#"<p>Confirm signing out of this service and of the sign-in platform (FranceConnect, ProConnect).</p>
{}
<p><a href="/">Back to the home page</a></p>"#,
                logout_form(action, "Sign out")
            ),
        )
    }

    fn choose_platform(&self, choices: &[(Platform, String)]) -> String {
        choose_platform_page(
            "en",
            "Sign in",
            "Choose how to sign in.",
            "Sign in with",
            "Back to the home page",
            choices,
        )
    }
}

/// ProConnect's `server_error` without a code: the person came back from
/// its error page by its button, and may simply try again.
const BACK_FROM_PROCONNECT_EN: &str =
    "The sign-in through ProConnect did not go through. You can try signing in again.";

/// The English message for an error code (those of
/// [`error_code`](crate::web::error_code) and of the routes' refusals).
fn message(code: &str) -> &'static str {
    match code {
        "access_denied" => "You cancelled the sign-in.",
        "acr_not_satisfied" => {
            "Your account cannot sign in at the security level this service requires (a second factor, for instance). Contact your administrator or use another account."
        }
        "insufficient_eidas" | "acr_not_met" => "The security level reached is too low for this service.",
        "invalid_acr" => "The requested security level is not available.",
        "level_unavailable" => "This service does not offer the security level this page requires.",
        "login_expired" => "The sign-in request has expired. Please sign in again.",
        "invalid_state" => "This answer matches no sign-in in progress in this browser. Please sign in again.",
        "invalid_idp_hint" => "The chosen identity provider is not available. Please sign in again with another one.",
        "login_required" => "You are not signed in. Please sign in to continue.",
        "server_error" | "temporarily_unavailable" | "provider_unavailable" => {
            "The sign-in platform is temporarily unavailable. Please try again in a few minutes."
        }
        "token_exchange_failed" | "invalid_token" | "invalid_claims" => {
            "The sign-in platform's answer could not be verified. Please sign in again."
        }
        "configuration_error" | "provider_metadata_error" => {
            "The service is misconfigured for its sign-in platform. Please try again later."
        }
        "pivot_identity_unavailable" => "Your identity is not available to this service.",
        "agent_identity_unavailable" => "This page is for agents signed in with ProConnect.",
        "invalid_return_to" => "The return address must be a page of this site.",
        "wrong_host" => "This service opens at another address, where signing in can succeed: follow the link below.",
        "cross_site_request" => "Signing out must be asked from this site.",
        "not_found" => "This page does not exist.",
        "session_unavailable" => "The service is temporarily unavailable. Please try again in a moment.",
        "access_token_expired" | "access_token_missing" => {
            "The access to your data you gave this service through the sign-in platform has expired. Please sign in again to continue."
        }
        "refresh_refused" => "Your session with the sign-in platform has ended. Please sign in again to continue.",
        _ => "The request could not be completed.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_of_the_routes_has_its_english_message() {
        for code in [
            "access_denied",
            "acr_not_satisfied",
            "insufficient_eidas",
            "level_unavailable",
            "invalid_state",
            "agent_identity_unavailable",
            "wrong_host",
            "not_found",
        ] {
            assert_ne!(message(code), message("an unknown code"), "{code}");
        }
    }

    #[test]
    fn proconnects_server_error_without_a_code_offers_to_try_again_calmly() {
        use crate::error::{Error, ProviderError};
        use crate::web::pages::error_view::{error_code, error_message_fr, error_status};
        let back = Error::Provider(ProviderError::from_callback(
            "server_error",
            Some("An unexpected error occurred"),
            None,
        ));
        let render = |platform: Platform| {
            let message = error_message_fr(&back, platform);
            EnglishPages.error(&ErrorPage {
                status: error_status(&back),
                code: error_code(&back),
                message: &message,
                error: Some(&back),
                retry_href: Some("/auth/login"),
                sign_out_action: None,
            })
        };
        let proconnect = render(Platform::ProConnect);
        assert!(proconnect.contains("did not go through"), "{proconnect}");
        assert!(proconnect.contains("Try signing in again"), "{proconnect}");
        assert!(!proconnect.contains("unavailable"), "{proconnect}");
        // FranceConnect's server_error is still the platform failing.
        let franceconnect = render(Platform::FranceConnect);
        assert!(franceconnect.contains("temporarily unavailable"), "{franceconnect}");
    }
}
