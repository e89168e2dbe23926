//! The platforms and where they run: the presets a configuration starts
//! from, and the `prompt` values FranceConnect accepts.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::eidas::Eidas;
use crate::jose::SigningAlg;

/// Which FranceConnect platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Platform {
    /// FranceConnect: eIDAS low (`eidas1`), signed tokens.
    FranceConnect,
    /// FranceConnect+: eIDAS substantial or high (`eidas2`, `eidas3`),
    /// signed then encrypted tokens.
    FranceConnectPlus,
}

impl Platform {
    /// The eIDAS levels this platform accepts in `acr_values`.
    pub fn accepted_levels(self) -> &'static [Eidas] {
        match self {
            Platform::FranceConnect => &[Eidas::Eidas1],
            Platform::FranceConnectPlus => &[Eidas::Eidas2, Eidas::Eidas3],
        }
    }

    /// The level asked for when the configuration names none.
    pub fn default_level(self) -> Eidas {
        self.accepted_levels()[0]
    }

    /// True when the platform encrypts ID tokens and userinfo.
    pub fn encrypts(self) -> bool {
        self == Platform::FranceConnectPlus
    }

    /// The signature algorithms the platform accepts for `private_key_jwt`
    /// client assertions: ES256 on FranceConnect+, ES256 or RS256 on
    /// FranceConnect.
    pub(crate) fn assertion_algs(self) -> &'static [SigningAlg] {
        match self {
            Platform::FranceConnect => &[SigningAlg::Es256, SigningAlg::Rs256],
            Platform::FranceConnectPlus => &[SigningAlg::Es256],
        }
    }

    /// The platform's name as users see it: `FranceConnect` or
    /// `FranceConnect+`.
    pub fn display_name(self) -> &'static str {
        match self {
            Platform::FranceConnect => "FranceConnect",
            Platform::FranceConnectPlus => "FranceConnect+",
        }
    }
}

/// Where the provider runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    /// FranceConnect's public sandbox ("intégration").
    Sandbox,
    /// Production.
    Production,
    /// Any other issuer: the mock provider, a test server. Discovery is at
    /// `{issuer}/.well-known/openid-configuration`.
    Custom(Url),
}

impl Environment {
    pub(crate) fn issuer(&self, platform: Platform) -> Url {
        let url = match (self, platform) {
            (Environment::Custom(url), _) => return url.clone(),
            (Environment::Sandbox, Platform::FranceConnect) => "https://fcp-low.sbx.dev-franceconnect.fr/api/v2",
            (Environment::Sandbox, Platform::FranceConnectPlus) => "https://auth.integ01.dev-franceconnect.fr/api/v2",
            (Environment::Production, Platform::FranceConnect) => "https://oidc.franceconnect.gouv.fr/api/v2",
            (Environment::Production, Platform::FranceConnectPlus) => "https://auth.franceconnect.gouv.fr/api/v2",
        };
        Url::parse(url).expect("preset issuers are valid URLs")
    }
}

/// The `prompt` parameter: FranceConnect accepts only `login`, `consent`, or
/// both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Prompt {
    /// Force the user to authenticate again.
    Login,
    /// Force the consent screen.
    Consent,
    /// Both.
    LoginConsent,
}

impl Prompt {
    /// The value sent to the provider.
    pub fn as_str(self) -> &'static str {
        match self {
            Prompt::Login => "login",
            Prompt::Consent => "consent",
            Prompt::LoginConsent => "login consent",
        }
    }

    /// True when the provider must authenticate the person again.
    pub fn forces_login(self) -> bool {
        matches!(self, Prompt::Login | Prompt::LoginConsent)
    }

    /// This prompt and `other` together.
    pub(crate) fn with(self, other: Prompt) -> Prompt {
        match (self, other) {
            (Prompt::Login, Prompt::Login) => Prompt::Login,
            (Prompt::Consent, Prompt::Consent) => Prompt::Consent,
            _ => Prompt::LoginConsent,
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        let mut words: Vec<&str> = s.split([' ', ',']).filter(|w| !w.is_empty()).collect();
        words.sort_unstable();
        words.dedup();
        match words.as_slice() {
            ["login"] => Some(Prompt::Login),
            ["consent"] => Some(Prompt::Consent),
            ["consent", "login"] => Some(Prompt::LoginConsent),
            _ => None,
        }
    }
}
