//! How an engine [`Error`] is shown: the HTTP status, the reference code
//! (JSON `error` field, the code on the French page, the log field) and
//! the message in French. The engine's error says what went wrong; this
//! module says how to tell the user.

use http::StatusCode;

use crate::config::Platform;
use crate::error::{Error, ProviderErrorCode, StateError, TokenExchangeError};
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
    }
}

/// A short explanation in French, safe to show on an error page, naming
/// the `platform` concerned (FranceConnect, FranceConnect+ or ProConnect).
/// When the platform's code says what the person can do (come back later,
/// contact FranceConnect, choose another account), the page says that.
pub fn error_message_fr(error: &Error, platform: Platform) -> String {
    let name = platform.display_name();
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
        Error::TokenExchange(_) | Error::Jose(_) | Error::Claims(_) => {
            format!("La réponse de {name} n'a pas pu être vérifiée. Recommencez la connexion.")
        }
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
}
