//! PKCE on ProConnect, with S256 alone (RFC 7636, as `oidc-provider`
//! checks it): the authorization request's `code_challenge`, then the
//! token request's `code_verifier` against it.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// The bounds of a PKCE `code_challenge` (RFC 7636).
const CODE_CHALLENGE_LEN: std::ops::RangeInclusive<usize> = 43..=128;

/// `oidc-provider`'s PKCE checks with S256 alone allowed: the challenge
/// to remember, or the callback's description (PCF
/// quality/cypress/integration/api/api-authorize.feature).
pub(crate) fn check_challenge(challenge: Option<&str>, method: Option<&str>) -> Result<Option<String>, &'static str> {
    let Some(challenge) = challenge else {
        return match method {
            Some(_) => Err("code_challenge must be provided with code_challenge_method"),
            None => Ok(None),
        };
    };
    match method {
        None => return Err("plain code_challenge_method fallback disabled, code_challenge_method must be provided"),
        Some("S256") => {}
        Some(_) => return Err("not supported value of code_challenge_method"),
    }
    let length = challenge.chars().count();
    if length < *CODE_CHALLENGE_LEN.start() {
        return Err("code_challenge must be a string with a minimum length of 43 characters");
    }
    if length > *CODE_CHALLENGE_LEN.end() {
        return Err("code_challenge must be a string with a maximum length of 128 characters");
    }
    if !challenge
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~'))
    {
        return Err("code_challenge contains invalid characters");
    }
    Ok(Some(challenge.to_owned()))
}

/// `oidc-provider`'s PKCE rule: with neither a challenge nor a verifier
/// there is nothing to check; with one of them, both are needed and the
/// verifier's SHA-256, base64url-encoded, must be the challenge.
pub(crate) fn verified(challenge: Option<&str>, verifier: Option<&str>) -> bool {
    match (challenge, verifier) {
        (None, None) => true,
        (Some(challenge), Some(verifier)) => {
            let digest = Sha256::digest(verifier.as_bytes());
            URL_SAFE_NO_PAD.encode(digest) == challenge
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_rules() {
        let good = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert_eq!(check_challenge(Some(good), Some("S256")), Ok(Some(good.to_owned())));
        assert_eq!(check_challenge(None, None), Ok(None));
        assert!(
            check_challenge(Some(good), Some("plain"))
                .unwrap_err()
                .contains("not supported")
        );
        assert!(
            check_challenge(Some(good), None)
                .unwrap_err()
                .contains("fallback disabled")
        );
        assert!(
            check_challenge(None, Some("S256"))
                .unwrap_err()
                .contains("must be provided")
        );
        assert!(
            check_challenge(Some("court"), Some("S256"))
                .unwrap_err()
                .contains("minimum length")
        );
        let accented = "Code challenge accentué d'au moins 43 caractères";
        assert!(
            check_challenge(Some(accented), Some("S256"))
                .unwrap_err()
                .contains("invalid characters")
        );
    }

    #[test]
    fn the_verifier_must_hash_to_the_challenge() {
        // RFC 7636's appendix B example.
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(verified(
            Some(challenge),
            Some("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        ));
        assert!(!verified(Some(challenge), Some("another-verifier")));
        assert!(!verified(Some(challenge), None));
        assert!(!verified(None, Some("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")));
        assert!(verified(None, None));
    }
}
