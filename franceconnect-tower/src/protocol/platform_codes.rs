//! The platforms' own error codes (`Y…`; FranceConnect's and ProConnect's),
//! which the platform writes in
//! `error_uri` (`…?code=Y0434A7B&id=…`), in `error_description` or on its
//! pages: what each means, what the service should change, and what the
//! person can do. The README's troubleshooting table is this table (a test
//! keeps them equal).

/// What the person who tried to sign in can do about an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UserAction {
    /// Start the login again.
    Retry,
    /// Come back later: a service the platform needs is down.
    Later,
    /// Contact FranceConnect: something about their identity or account.
    ContactFranceConnect,
    /// Choose another account or identity provider.
    OtherAccount,
    /// Nothing: the service must change its configuration.
    Nothing,
}

/// One platform error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlatformCode {
    /// The code, such as `Y0434A7B`.
    pub code: &'static str,
    /// What it means.
    pub cause: &'static str,
    /// What the service's developers should do.
    pub fix: &'static str,
    /// What the person can do.
    pub user_action: UserAction,
}

const fn entry(code: &'static str, cause: &'static str, fix: &'static str, user_action: UserAction) -> PlatformCode {
    PlatformCode {
        code,
        cause,
        fix,
        user_action,
    }
}

use UserAction::*;

/// The codes a service meets most (FCS `back/_doc/erreurs.md` and
/// `erreurs-oidc-provider.md`; for ProConnect, PCD `troubleshooting-fs.md`
/// and PCF `back/_doc/erreurs.md`).
pub const PLATFORM_CODES: &[PlatformCode] = &[
    entry(
        "Y030007",
        "an authorize parameter is missing, unknown or invalid (a nonce under 22 characters, say)",
        "send only the parameters the platform accepts; this library does",
        Nothing,
    ),
    entry(
        "Y04EA6EF",
        "unknown client_id",
        "check FC_CLIENT_ID against the partner space, for this environment",
        Nothing,
    ),
    entry(
        "Y04C013C",
        "redirect_uri not registered",
        "register APP_URL/auth/callback exactly (scheme, host, port, path)",
        Nothing,
    ),
    entry(
        "Y030030",
        "the person went back from the platform",
        "nothing: offer to retry",
        Retry,
    ),
    entry(
        "Y030032",
        "invalid idp_hint",
        "name only the identity providers your registration allows (FC_IDP_HINTS)",
        OtherAccount,
    ),
    entry(
        "Y100009",
        "amr asked for but not authorised for the service",
        "ask for amr in the partner space, or unset FC_REQUEST_AMR",
        Nothing,
    ),
    entry(
        "Y100001",
        "the eIDAS level asked for is too low for the platform",
        "ask for a level the platform accepts (FC_ACR)",
        Nothing,
    ),
    entry(
        "Y100002",
        "the eIDAS level asked for is not supported",
        "ask for eidas1 on FranceConnect, eidas2 or eidas3 on FranceConnect+ (FC_ACR)",
        Nothing,
    ),
    entry(
        "Y100018",
        "the eIDAS level asked for is not allowed for the service",
        "ask FranceConnect to allow the level, or lower FC_ACR",
        Nothing,
    ),
    entry(
        "Y100011",
        "the person blocked this identity provider",
        "nothing: the person chooses another one",
        OtherAccount,
    ),
    entry(
        "Y180001",
        "the person's account is disabled",
        "nothing: the person contacts FranceConnect",
        ContactFranceConnect,
    ),
    entry(
        "Y010004",
        "the identity does not match the national register",
        "nothing: the person contacts FranceConnect",
        ContactFranceConnect,
    ),
    entry(
        "Y010007",
        "the person is recorded as deceased in the national register",
        "nothing: the person contacts FranceConnect",
        ContactFranceConnect,
    ),
    entry(
        "Y010011",
        "the national register is unavailable",
        "nothing: retry later",
        Later,
    ),
    entry(
        "Y190001",
        "the person's FranceConnect session expired",
        "nothing: start the login again",
        Retry,
    ),
    entry(
        "Y420001",
        "an unexpected navigation at the platform (back button, two tabs)",
        "nothing: start the login again",
        Retry,
    ),
    entry(
        "Y020017",
        "the identity provider is disabled or unknown",
        "nothing: the person chooses another one",
        OtherAccount,
    ),
    entry(
        "Y0434A7B",
        "invalid_client: the client secret is wrong",
        "check FC_CLIENT_SECRET for this environment",
        Nothing,
    ),
    entry(
        "Y040001",
        "the platform refused the request (other provider errors)",
        "read the error's description in the log",
        Retry,
    ),
    entry(
        "Y049E20B",
        "invalid_grant: the authorization code is unknown or was already used",
        "nothing: start the login again (a code is single-use)",
        Retry,
    ),
    entry(
        "Y043F0A8",
        "invalid_grant: the authorization code expired (30 s)",
        "check the service's clock and its latency to the platform",
        Retry,
    ),
    entry(
        "Y04146A2",
        "invalid_token: no or an expired access token at userinfo",
        "call userinfo at once after the token exchange (60 s tokens)",
        Retry,
    ),
    entry(
        "Y04CFAEF",
        "post_logout_redirect_uri not registered",
        "register APP_URL/auth/logout/callback exactly",
        Nothing,
    ),
    entry(
        "Y045AFAE",
        "invalid id_token_hint at logout",
        "send the ID token of this login (the inner JWS on FranceConnect+); this library does",
        Nothing,
    ),
    entry(
        "Y100019",
        "logout without a live FranceConnect session",
        "nothing: the local session was cleared first",
        Nothing,
    ),
    entry(
        "Y000400",
        "ProConnect: a parameter of the request has a bad value (a repeated parameter, a siret_hint not of 14 characters)",
        "send each parameter once, in the platform's format; this library does",
        Nothing,
    ),
    entry(
        "Y030031",
        "ProConnect: redirect_uri not registered on this platform (Internet and RIE are registrations of their own)",
        "register APP_URL/auth/callback (or APP_URL/auth/proconnect/callback with several platforms) exactly, trailing slash included",
        Nothing,
    ),
    entry(
        "Y030111",
        "ProConnect: post_logout_redirect_uri not registered",
        "register APP_URL/auth/logout/callback (or APP_URL/auth/proconnect/logout/callback) exactly",
        Nothing,
    ),
    entry(
        "Y030110",
        "ProConnect: its session cookie is missing (a blocked third-party cookie, a login opened in another browser)",
        "nothing: start the login again in the same browser",
        Retry,
    ),
    entry(
        "Y04A586",
        "ProConnect: the service's configuration is refused (http:// or localhost URIs in production)",
        "register https:// URIs on a public host for production",
        Nothing,
    ),
    entry(
        "Y500001",
        "ProConnect: no identity provider for this e-mail domain",
        "nothing: the agent uses another account, or ProConnect Identité",
        OtherAccount,
    ),
    entry(
        "Y500006",
        "ProConnect: the identity provider gave an incomplete identity",
        "nothing: the agent's organisation completes its directory",
        OtherAccount,
    ),
    entry(
        "Y500015",
        "ProConnect: a private-sector user on a service open to public agents only",
        "nothing, or open the service to the private sector in its ProConnect registration",
        OtherAccount,
    ),
    entry(
        "Y500024",
        "ProConnect: the agent's account is blocked",
        "nothing: the agent contacts their administrator",
        OtherAccount,
    ),
    entry(
        "Y500025",
        "ProConnect: the service refuses this e-mail domain",
        "check the domains allowed in the service's ProConnect registration",
        OtherAccount,
    ),
    entry(
        "Y500027",
        "ProConnect: the identity provider refuses this e-mail domain",
        "nothing: the agent uses another account",
        OtherAccount,
    ),
];

/// What the table says about `code`.
pub fn lookup(code: &str) -> Option<&'static PlatformCode> {
    PLATFORM_CODES.iter().find(|c| c.code == code)
}

/// The first platform code in `texts` (an `error_uri`'s `code=` parameter,
/// or a `Y` followed by 6 or 7 upper-case letters or digits standing alone
/// in a description), as written, at most 8 characters.
pub(crate) fn find_code<'a>(texts: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let is_code = |w: &str| {
        (7..=8).contains(&w.len())
            && w.starts_with('Y')
            && w[1..].bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
    };
    for text in texts {
        if let Some(code) = text
            .split(['?', '&'])
            .filter_map(|p| p.strip_prefix("code="))
            .find(|c| is_code(c))
        {
            return Some(code.to_owned());
        }
        if let Some(word) = text.split(|c: char| !c.is_ascii_alphanumeric()).find(|w| is_code(w)) {
            return Some(word.to_owned());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_found_where_the_platform_writes_them() {
        let uri = "https://docs.partenaires.franceconnect.gouv.fr/fs/erreurs/?code=Y0434A7B&id=abc";
        assert_eq!(find_code([uri]).as_deref(), Some("Y0434A7B"));
        assert_eq!(
            find_code(["Y030032 : le fournisseur d'identité demandé n'est pas disponible."]).as_deref(),
            Some("Y030032")
        );
        assert_eq!(find_code(["no code here", "YES", "Yy12345"]), None);
        assert_eq!(find_code(["Y12345678901"]), None, "too long");
        assert_eq!(lookup("Y0434A7B").unwrap().user_action, UserAction::Nothing);
    }

    #[test]
    fn the_readme_troubleshooting_table_is_this_table() {
        let readme = include_str!("../../../README.md");
        for c in PLATFORM_CODES {
            assert!(
                readme.contains(&format!("| `{}` |", c.code)),
                "README.md's troubleshooting table lacks {}",
                c.code
            );
        }
        assert!(PLATFORM_CODES.len() >= 20);
    }
}
