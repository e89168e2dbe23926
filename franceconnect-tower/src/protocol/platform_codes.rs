//! The platforms' own error codes (`Y…`; FranceConnect's and ProConnect's),
//! which the platform writes in
//! `error_uri` (`…?code=Y0434A7B&id=…`), in `error_description` or on its
//! pages: what each means, what the service should change, and what the
//! person can do. The troubleshooting guide's table
//! ([`guide::troubleshooting`](crate::guide::troubleshooting),
//! `docs/troubleshooting.md`) is this table (a test keeps them equal).

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

/// The codes a service meets most. Each entry is written from the
/// platforms' own lists: for FranceConnect, FCS `back/_doc/erreurs.md` and
/// `erreurs-oidc-provider.md`; for ProConnect, PCF `back/_doc/erreurs.md`
/// (and, for its older page codes `Y000400`, `Y030031`, `Y030110`,
/// `Y030111` and `Y04A586`, PCD `troubleshooting-fs.md`). A code whose
/// meaning is ProConnect's only says so first (`ProConnect: …`); the others
/// are FranceConnect's, or mean the same on both platforms.
pub const PLATFORM_CODES: &[PlatformCode] = &[
    // The service's request and registration.
    entry(
        "Y030007",
        "an authorize parameter is missing, unknown or invalid (a nonce under 22 characters, say)",
        "send only the parameters the platform accepts; this library does",
        Nothing,
    ),
    entry(
        "Y04EA6EF",
        "invalid_client: unknown client_id",
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
        "the person went back to the service by the platform's link",
        "nothing: offer to retry",
        Retry,
    ),
    entry(
        "Y030032",
        "idp_hint names an identity provider the service is not allowed",
        "name only the identity providers your registration allows (FC_IDP_HINTS)",
        OtherAccount,
    ),
    entry(
        "Y020023",
        "the identity provider the person used is excluded for this service",
        "nothing, or ask FranceConnect to allow it for the service; keep FC_IDP_HINTS to the allowed ones",
        OtherAccount,
    ),
    entry(
        "Y100009",
        "amr asked for but not authorised for the service",
        "ask for amr in the partner space, or unset FC_REQUEST_AMR",
        Nothing,
    ),
    // The eIDAS levels.
    entry(
        "Y100001",
        "the level the identity provider returned is below the level asked for",
        "nothing: the person starts again; tell FranceConnect if an identity provider keeps doing it",
        Retry,
    ),
    entry(
        "Y100002",
        "the eIDAS level asked for (or the identity provider's) is not one the platform supports",
        "ask for eidas1 on FranceConnect, eidas2 or eidas3 on FranceConnect+ (FC_ACR)",
        Nothing,
    ),
    entry(
        "Y100018",
        "the level the identity provider returned is not allowed for that identity provider",
        "nothing: the platform's configuration; the person chooses another identity provider",
        OtherAccount,
    ),
    // The person's identity and account.
    entry(
        "Y100011",
        "the person blocked this identity provider",
        "nothing: the person chooses another one",
        OtherAccount,
    ),
    entry(
        "Y180001",
        "the person had their FranceConnect sign-in disabled",
        "nothing: the person contacts FranceConnect",
        ContactFranceConnect,
    ),
    entry(
        "Y010004",
        "the national register found a near match for the identity, not close enough",
        "nothing: the person contacts FranceConnect",
        ContactFranceConnect,
    ),
    entry(
        "Y010006",
        "the national register found several matches for the identity",
        "nothing: the person contacts FranceConnect",
        ContactFranceConnect,
    ),
    entry(
        "Y010007",
        "the national register identified the person by their usage name only",
        "nothing: the person contacts FranceConnect",
        ContactFranceConnect,
    ),
    entry(
        "Y010008",
        "the national register did not find the identity",
        "nothing: the person contacts FranceConnect",
        ContactFranceConnect,
    ),
    entry(
        "Y010015",
        "the national register records the identity as deceased (the person is only told it can no longer sign in)",
        "nothing: the person contacts FranceConnect",
        ContactFranceConnect,
    ),
    entry(
        "Y010009",
        "the national register rejected the platform's request",
        "nothing: the person starts again",
        Retry,
    ),
    entry(
        "Y010011",
        "the national register did not answer",
        "nothing: retry later",
        Later,
    ),
    entry(
        "Y600020",
        "Aidants Connect: the mandate chosen covers none of the service's rep_scope",
        "nothing: the person starts again with a mandate for this service (its rep_scope is in its FranceConnect registration)",
        OtherAccount,
    ),
    entry(
        "Y080001",
        "eIDAS bridge: the identity a French identity provider gave is invalid",
        "nothing: the person chooses another identity provider",
        OtherAccount,
    ),
    entry(
        "Y080002",
        "eIDAS bridge: the identity from another European country is invalid",
        "nothing: the person chooses another means of identification",
        OtherAccount,
    ),
    // The person's session and navigation at the platform.
    entry(
        "Y190001",
        "the person's session at the platform is gone (a page left open over 10 minutes, say)",
        "nothing: start the login again",
        Retry,
    ),
    entry(
        "Y190002",
        "the person's session at the platform holds invalid data",
        "nothing: start the login again",
        Retry,
    ),
    entry(
        "Y190003",
        "the platform's session id matches no session",
        "nothing: start the login again",
        Retry,
    ),
    entry(
        "Y190004",
        "the person's session at the platform is not valid",
        "nothing: start the login again",
        Retry,
    ),
    entry(
        "Y190005",
        "the platform could not read its session store",
        "nothing: start the login again",
        Retry,
    ),
    entry(
        "Y190008",
        "the platform could not write its session data",
        "nothing: start the login again",
        Retry,
    ),
    entry(
        "Y190009",
        "the request reached the platform without its session id (its cookie)",
        "nothing: start the login again in the same browser",
        Retry,
    ),
    entry(
        "Y190010",
        "the person's session at the platform no longer holds their identifier (a page left open too long, say)",
        "nothing: start the login again",
        Retry,
    ),
    entry(
        "Y190011",
        "the session the platform read back is not valid",
        "nothing: start the login again",
        Retry,
    ),
    entry(
        "Y190012",
        "the platform's session cookie holds an abnormal value",
        "nothing: start the login again",
        Retry,
    ),
    entry(
        "Y420001",
        "an unexpected navigation at the platform (a reload of an error page, the back button)",
        "nothing: start the login again",
        Retry,
    ),
    entry(
        "Y420002",
        "an unexpected navigation at the platform (no current step in its session)",
        "nothing: start the login again",
        Retry,
    ),
    entry(
        "Y100004",
        "steps of the login were skipped at the platform (no identity in its session)",
        "nothing: start the login again from the service",
        Retry,
    ),
    entry(
        "Y470001",
        "the platform's form came back with an invalid CSRF token",
        "nothing: start the login again",
        Retry,
    ),
    entry(
        "Y470002",
        "the platform's form came back without its CSRF token",
        "nothing: start the login again",
        Retry,
    ),
    // Between the platform and the identity provider.
    entry(
        "Y020017",
        "the identity provider is disabled",
        "nothing: the person chooses another one",
        OtherAccount,
    ),
    entry(
        "Y020019",
        "the identity provider is not in the platform's configuration (on ProConnect, met at logout)",
        "nothing: the local session was cleared first",
        Nothing,
    ),
    entry(
        "Y020026",
        "the identity provider refused or failed the platform's code exchange",
        "nothing: start the login again; the platform's support if it persists",
        Retry,
    ),
    entry(
        "Y020027",
        "the platform could not get the identity from the identity provider (userinfo)",
        "nothing: start the login again; the platform's support if it persists",
        Retry,
    ),
    entry(
        "Y020030",
        "the tokens the identity provider returned failed the platform's checks",
        "nothing: start the login again; the platform's support if it persists",
        Retry,
    ),
    // The token, userinfo and logout endpoints.
    entry(
        "Y0434A7B",
        "invalid_client: the client secret is wrong",
        "check FC_CLIENT_SECRET for this environment",
        Nothing,
    ),
    entry(
        "Y040001",
        "an error of the platform's OIDC library, not one of its own codes",
        "read the error's description in the log",
        Retry,
    ),
    entry(
        "Y049E20B",
        "invalid_grant: the platform does not know this authorization code",
        "nothing: start the login again (send the code as received; this library does)",
        Retry,
    ),
    entry(
        "Y0416228",
        "invalid_grant: the authorization code was already used",
        "exchange each code once (a callback opened twice, say); start the login again",
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
        "invalid_token: userinfo was called without an access token",
        "send the access token as a Bearer token, at once after the exchange (60 s tokens); this library does",
        Retry,
    ),
    entry(
        "Y100013",
        "a checktoken request (data providers) lacks a parameter or has one in the wrong format",
        "send the checktoken parameters the platform documents",
        Nothing,
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
        "logout while FranceConnect holds no live session for the person (listed as a missing at_hash, raised when its session has no account)",
        "nothing: the local session was cleared first",
        Nothing,
    ),
    // ProConnect's own.
    entry(
        "Y000400",
        "ProConnect: a parameter of the request has a bad value (a repeated parameter, a siret_hint not of 14 characters)",
        "send each parameter once, in the platform's format; this library does",
        Nothing,
    ),
    entry(
        "Y030031",
        "ProConnect: an error of its OIDC library, most often a redirect_uri not registered on this platform (Internet and RIE are registrations of their own)",
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
        "ProConnect: the client is invalid or unknown (an unknown client_id, or a registration with http:// or localhost URIs in production)",
        "check the client_id for this environment; register https:// URIs on a public host for production",
        Nothing,
    ),
    entry(
        "Y170001",
        "ProConnect: too many attempts at the e-mail verification code",
        "nothing: the agent tries again later",
        Later,
    ),
    entry(
        "Y170002",
        "ProConnect: the e-mail with the verification code could not be sent",
        "nothing: the agent tries again later",
        Later,
    ),
    entry(
        "Y170003",
        "ProConnect: the e-mail verification code is wrong or expired",
        "nothing: the agent asks for a new code",
        Retry,
    ),
    entry(
        "Y500001",
        "ProConnect: no identity provider for this e-mail domain (the organisation offers none here)",
        "nothing: the agent checks the e-mail given, or signs in to the service without ProConnect",
        OtherAccount,
    ),
    entry(
        "Y500006",
        "ProConnect: the identity provider gave an identity with fields missing or ill-formed",
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
        "ProConnect: the agent's account is no longer active",
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
        "ProConnect: the e-mail domain the identity provider returned is not allowed for that provider",
        "nothing: the agent's IT service corrects the identity, or the agent uses another account",
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

    /// What the troubleshooting guide's last column says of `action`.
    fn told(action: UserAction) -> &'static str {
        match action {
            Retry => "a retry button",
            Later => "\"come back later\"",
            ContactFranceConnect => "\"contact FranceConnect\"",
            OtherAccount => "\"choose another account\"",
            Nothing => "the default page for the error",
        }
    }

    #[test]
    fn the_troubleshooting_guide_table_is_this_table() {
        let guide = include_str!("../../docs/troubleshooting.md");
        let rows: Vec<&str> = guide
            .lines()
            .skip_while(|l| !l.starts_with("| code | what it means |"))
            .skip(2)
            .take_while(|l| l.starts_with("| `"))
            .collect();
        let expected: Vec<String> = PLATFORM_CODES
            .iter()
            .map(|c| format!("| `{}` | {} | {} | {} |", c.code, c.cause, c.fix, told(c.user_action)))
            .collect();
        for (row, want) in rows.iter().zip(&expected) {
            assert_eq!(row, want, "docs/troubleshooting.md's table differs");
        }
        assert_eq!(
            rows.len(),
            expected.len(),
            "docs/troubleshooting.md's table has other rows"
        );
        assert!(PLATFORM_CODES.len() >= 20);
    }

    #[test]
    fn each_code_is_listed_once_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for c in PLATFORM_CODES {
            assert!(seen.insert(c.code), "{} is listed twice", c.code);
            assert_eq!(
                find_code([c.code]).as_deref(),
                Some(c.code),
                "{} is not a code find_code reads",
                c.code
            );
            assert!(
                !(c.cause.contains('|') || c.fix.contains('|')),
                "{}: a | breaks the table",
                c.code
            );
        }
    }

    #[test]
    fn the_codes_services_meet_are_all_there() {
        let franceconnect = [
            "Y010006", "Y010008", "Y010009", "Y010015", "Y020023", "Y100004", "Y100013", "Y190002", "Y190003",
            "Y190004", "Y190005", "Y190008", "Y190009", "Y190010", "Y190011", "Y190012", "Y420002", "Y600020",
            "Y080001", "Y080002",
        ];
        let proconnect = [
            "Y020019", "Y470001", "Y470002", "Y170001", "Y170002", "Y170003", "Y020026", "Y020027", "Y020030",
        ];
        for code in franceconnect.iter().chain(&proconnect) {
            assert!(lookup(code).is_some(), "{code} is missing");
        }
        // The e-mail codes are ProConnect's (FranceConnect's Y1700xx are
        // its HSM's, which never reach a service).
        for code in ["Y170001", "Y170002", "Y170003"] {
            assert!(lookup(code).unwrap().cause.starts_with("ProConnect: "), "{code}");
        }
    }

    #[test]
    fn the_register_codes_say_what_the_platform_says() {
        let usage_name = lookup("Y010007").unwrap();
        assert!(usage_name.cause.contains("usage name"), "{usage_name:?}");
        assert!(!usage_name.cause.contains("deceased"), "{usage_name:?}");
        let deceased = lookup("Y010015").unwrap();
        assert!(deceased.cause.contains("deceased"), "{deceased:?}");
        assert_eq!(deceased.user_action, ContactFranceConnect);
        let deceased_codes: Vec<_> = PLATFORM_CODES
            .iter()
            .filter(|c| c.cause.contains("deceased"))
            .map(|c| c.code)
            .collect();
        assert_eq!(deceased_codes, ["Y010015"]);
    }

    #[test]
    fn the_returned_levels_are_not_the_services_configuration() {
        for code in ["Y100001", "Y100018"] {
            let c = lookup(code).unwrap();
            assert!(c.cause.contains("the identity provider returned"), "{c:?}");
            assert!(!c.fix.contains("FC_ACR"), "{code}: the service's level is not at fault");
            assert_ne!(c.user_action, Nothing, "{code}: the person can do something");
        }
        assert_eq!(lookup("Y100001").unwrap().user_action, Retry);
        // Listed as a missing at_hash; raised when the platform's session
        // has no account.
        assert!(lookup("Y100019").unwrap().cause.contains("no live session"));
    }
}
