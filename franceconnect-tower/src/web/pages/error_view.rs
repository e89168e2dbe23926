//! How an engine [`Error`] is shown: the HTTP status, the reference code
//! (JSON `error` field, the code on the French page, the log field) and
//! the message in French. The engine's error says what went wrong; this
//! module says how to tell the user.

use http::StatusCode;

use crate::config::Platform;
use crate::error::{AccessTokenError, Error, ProviderErrorCode, StateError, TokenExchangeError};
use crate::protocol::platform_codes::{PlatformCode, UserAction, lookup};

/// What the platform's own code of `error` (`Y…`) says, when it gave one
/// that the table knows.
pub fn platform_code_of(error: &Error) -> Option<&'static PlatformCode> {
    let code = match error {
        Error::Provider(p) => p.platform_code.as_deref(),
        Error::TokenExchange(TokenExchangeError::Refused { platform_code, .. }) => platform_code.as_deref(),
        _ => None,
    }?;
    lookup(code)
}

/// A stable machine-readable code for JSON error bodies, pages and logs:
/// `access_denied`, `invalid_state`, `login_expired`,
/// `insufficient_eidas`, `provider_unavailable`, …
pub fn error_code(error: &Error) -> &str {
    match error {
        // The provider's own code, as it sent it (sanitised when parsed);
        // the metrics' closed set folds it into `provider_error_other`.
        Error::Provider(e) if matches!(e.code, ProviderErrorCode::Other(_)) => e.code.as_str(),
        _ => crate::metrics::error_label(error),
    }
}

/// The HTTP status to answer a failed login or logout with.
pub fn error_status(error: &Error) -> StatusCode {
    match error {
        Error::Config(_) => StatusCode::INTERNAL_SERVER_ERROR,
        Error::Discovery(_) | Error::TokenExchange(_) | Error::Jose(_) | Error::Claims(_) => StatusCode::BAD_GATEWAY,
        Error::Provider(e) => match e.code {
            ProviderErrorCode::ServerError | ProviderErrorCode::TemporarilyUnavailable => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            _ => StatusCode::FORBIDDEN,
        },
        Error::State(_) => StatusCode::BAD_REQUEST,
        Error::EidasTooLow { .. } | Error::AcrNotMet { .. } => StatusCode::FORBIDDEN,
        Error::Network(_) => StatusCode::SERVICE_UNAVAILABLE,
        Error::AccessToken(_) => StatusCode::UNAUTHORIZED,
    }
}

/// What the French page says when ProConnect sent the person back with a
/// `server_error` and no code of its own (see [`is_back_from_proconnect`]):
/// nothing alarming, the page offers to try again.
pub(crate) const BACK_FROM_PROCONNECT_FR: &str =
    "La connexion avec ProConnect n'a pas abouti. Vous pouvez réessayer de vous connecter.";

/// True for ProConnect's `server_error` without a platform code. Since
/// December 2025 ProConnect's error pages carry a button back to the
/// service: the person chose it, and ProConnect answers the callback with
/// `server_error` (`An unexpected error occurred`, or the description of
/// the error they saw) and no code. Not an outage: trying again is the way
/// on. FranceConnect's `server_error` stays a failure of the platform.
pub(crate) fn is_back_from_proconnect(error: &Error, platform: Platform) -> bool {
    platform == Platform::ProConnect
        && matches!(error, Error::Provider(p) if p.code == ProviderErrorCode::ServerError && p.platform_code.is_none())
}

/// True when the platform refused the service itself (its client id or
/// secret, `invalid_client` / `unauthorized_client` at the token endpoint):
/// the person can do nothing, retrying included; the operator must.
pub(crate) fn is_service_misconfigured(error: &Error) -> bool {
    matches!(
        error,
        Error::TokenExchange(TokenExchangeError::Refused { code, .. })
            if code == "invalid_client" || code == "unauthorized_client"
    )
}

/// A short explanation in French, safe to show on an error page, naming
/// the `platform` concerned (FranceConnect, FranceConnect+ or ProConnect).
/// When the platform's code says what the person can do (come back later,
/// contact FranceConnect, choose another account), the page says that.
pub fn error_message_fr(error: &Error, platform: Platform) -> String {
    let name = platform.display_name();
    if is_back_from_proconnect(error, platform) {
        return BACK_FROM_PROCONNECT_FR.into();
    }
    match platform_code_of(error).map(|c| c.user_action) {
        Some(UserAction::Later) => {
            return format!("Un service dont {name} a besoin est momentanément indisponible. Réessayez plus tard.");
        }
        Some(UserAction::ContactFranceConnect) => {
            return "FranceConnect ne peut pas confirmer votre identité. Contactez l'assistance de FranceConnect (franceconnect.gouv.fr/aide).".into();
        }
        Some(UserAction::OtherAccount) => {
            return "Ce moyen de connexion n'est pas disponible. Recommencez en choisissant un autre compte ou un autre fournisseur d'identité.".into();
        }
        _ => {}
    }
    match error {
        Error::Config(_) | Error::Discovery(_) => {
            format!("Le service est mal configuré pour {name}. Réessayez plus tard.")
        }
        Error::Provider(e) => match e.code {
            ProviderErrorCode::AccessDenied => "Vous avez annulé la connexion.".into(),
            ProviderErrorCode::InvalidAcr => "Le niveau de sécurité demandé n'est pas disponible.".into(),
            ProviderErrorCode::AcrNotSatisfied => {
                "Votre compte ne permet pas de vous connecter avec le niveau de sécurité que demande ce service (par exemple une double authentification). Contactez votre administrateur ou utilisez un autre compte.".into()
            }
            ProviderErrorCode::LoginRequired => "Vous n'êtes pas connecté. Connectez-vous pour continuer.".into(),
            ProviderErrorCode::InvalidIdpHint => {
                "Le fournisseur d'identité choisi n'est pas disponible. Recommencez en choisissant un autre moyen de connexion.".into()
            }
            ProviderErrorCode::ServerError | ProviderErrorCode::TemporarilyUnavailable => {
                format!("{name} est momentanément indisponible. Réessayez dans quelques minutes.")
            }
            _ => format!("{name} a refusé la demande de connexion."),
        },
        Error::State(StateError::Expired) => "La demande de connexion a expiré. Recommencez la connexion.".into(),
        Error::State(_) => {
            "Cette réponse ne correspond à aucune connexion en cours dans ce navigateur. Recommencez la connexion.".into()
        }
        Error::EidasTooLow { .. } | Error::AcrNotMet { .. } => {
            "Le niveau de sécurité atteint est insuffisant pour ce service.".into()
        }
        Error::Network(_) => format!("{name} ne répond pas. Réessayez dans quelques minutes."),
        e if is_service_misconfigured(e) => format!(
            "{name} refuse les identifiants de ce service : la connexion ne peut pas aboutir. Réessayer n'y \
             changera rien : signalez-le au support du service."
        ),
        Error::TokenExchange(_) | Error::Jose(_) | Error::Claims(_) => {
            format!("La réponse de {name} n'a pas pu être vérifiée. Recommencez la connexion.")
        }
        Error::AccessToken(AccessTokenError::RefreshRefused) => {
            format!("Votre session {name} a pris fin. Identifiez-vous de nouveau pour continuer.")
        }
        Error::AccessToken(_) => format!(
            "L'autorisation que {name} a donnée à ce service pour accéder à vos données a expiré. Identifiez-vous \
             de nouveau pour continuer."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{NetworkError, NetworkErrorKind};

    #[test]
    fn messages_name_the_platform_concerned() {
        let down = Error::Network(NetworkError::new("token", NetworkErrorKind::Timeout));
        assert_eq!(
            error_message_fr(&down, Platform::ProConnect),
            "ProConnect ne répond pas. Réessayez dans quelques minutes."
        );
        let refused = Error::Provider(crate::ProviderError::from_callback("invalid_request", None, None));
        assert!(error_message_fr(&refused, Platform::FranceConnectPlus).starts_with("FranceConnect+ a refusé"));
        for platform in [Platform::ProConnect, Platform::FranceConnectPlus] {
            assert!(
                !error_message_fr(&down, platform).contains("FranceConnect ne"),
                "{platform:?}"
            );
        }
    }

    #[test]
    fn proconnects_server_error_without_a_code_is_the_person_coming_back() {
        for description in [
            "An unexpected error occurred",
            "authentication aborted due to a technical error on the authorization server",
        ] {
            let back = Error::Provider(crate::ProviderError::from_callback(
                "server_error",
                Some(description),
                None,
            ));
            assert_eq!(error_message_fr(&back, Platform::ProConnect), BACK_FROM_PROCONNECT_FR);
            assert!(!error_message_fr(&back, Platform::ProConnect).contains("indisponible"));
            // FranceConnect's server_error is still the platform failing.
            for platform in [Platform::FranceConnect, Platform::FranceConnectPlus] {
                assert_eq!(
                    error_message_fr(&back, platform),
                    format!(
                        "{} est momentanément indisponible. Réessayez dans quelques minutes.",
                        platform.display_name()
                    )
                );
            }
        }
        // A server_error with a code is told by its code; temporarily_unavailable is an outage.
        let coded = Error::Provider(crate::ProviderError::from_callback(
            "server_error",
            Some("Y020017 : authentication aborted"),
            None,
        ));
        assert!(!is_back_from_proconnect(&coded, Platform::ProConnect));
        let down = Error::Provider(crate::ProviderError::from_callback(
            "temporarily_unavailable",
            None,
            None,
        ));
        assert!(error_message_fr(&down, Platform::ProConnect).contains("momentanément indisponible"));
    }

    #[test]
    fn the_page_for_proconnects_server_error_offers_to_try_again() {
        use crate::web::pages::responses::{AuthContext, Format};
        let back = Error::Provider(crate::ProviderError::from_callback(
            "server_error",
            Some("An unexpected error occurred"),
            None,
        ));
        let ctx = AuthContext::new("/auth");
        let page = ctx
            .error_response(&back, Platform::ProConnect, Format::Html, Some("/auth/login"))
            .into_body();
        assert!(page.contains("n&#39;a pas abouti"), "{page}");
        assert!(
            page.contains(r#"href="/auth/login""#) && page.contains("Réessayer la connexion"),
            "{page}"
        );
        assert!(!page.contains("indisponible"), "{page}");
        let json = ctx.error_response(&back, Platform::ProConnect, Format::Json, Some("/auth/login"));
        assert!(json.body().contains("n'a pas abouti"), "{}", json.body());
        let fc = ctx
            .error_response(&back, Platform::FranceConnect, Format::Html, Some("/auth/login"))
            .into_body();
        assert!(fc.contains("FranceConnect est momentanément indisponible"), "{fc}");
    }
}
