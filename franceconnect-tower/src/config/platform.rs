//! The platforms and where they run: the presets a configuration starts
//! from, and the `prompt` values the platforms accept.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::jose::SigningAlg;
use crate::protocol::acr::Acr;
use crate::protocol::eidas::Eidas;

/// Which platform of the State's identity federations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Platform {
    /// FranceConnect: eIDAS low (`eidas1`), signed tokens.
    FranceConnect,
    /// FranceConnect+: eIDAS substantial or high (`eidas2`, `eidas3`),
    /// signed then encrypted tokens.
    FranceConnectPlus,
    /// ProConnect (formerly AgentConnect): public agents and professionals;
    /// its own `acr` values ([`Acr`]), asked through the `claims`
    /// parameter; signed tokens (ES256 or RS256), userinfo signed or plain
    /// JSON as registered.
    ProConnect,
}

impl Platform {
    /// The eIDAS levels a login on this platform can ask for: in
    /// `acr_values` on FranceConnect and FranceConnect+; on ProConnect as
    /// the `acr` values that attest them.
    pub fn accepted_levels(self) -> &'static [Eidas] {
        match self {
            Platform::FranceConnect => &[Eidas::Eidas1],
            Platform::FranceConnectPlus => &[Eidas::Eidas2, Eidas::Eidas3],
            Platform::ProConnect => &[Eidas::Eidas1, Eidas::Eidas2, Eidas::Eidas3],
        }
    }

    /// The level asked for when the configuration names none (on
    /// ProConnect, nothing is required unless configured: see
    /// [`ConfigBuilder::acr_values`](crate::ConfigBuilder::acr_values)).
    pub fn default_level(self) -> Eidas {
        self.accepted_levels()[0]
    }

    /// The `acr` values this platform may report in an ID token; any other
    /// is refused.
    pub fn acr_values(self) -> &'static [Acr] {
        match self {
            Platform::FranceConnect | Platform::FranceConnectPlus => &[Acr::Eidas1, Acr::Eidas2, Acr::Eidas3],
            Platform::ProConnect => &Acr::ALL,
        }
    }

    /// True on ProConnect, whose `acr` is asked through the `claims`
    /// parameter (its `acr_values` are only forwarded as wishes).
    pub(crate) fn asks_acr_in_claims(self) -> bool {
        self == Platform::ProConnect
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
            Platform::ProConnect => &[SigningAlg::Es256, SigningAlg::Rs256],
        }
    }

    /// The platform's name as users see it: `FranceConnect`,
    /// `FranceConnect+` or `ProConnect`.
    pub fn display_name(self) -> &'static str {
        match self {
            Platform::FranceConnect => "FranceConnect",
            Platform::FranceConnectPlus => "FranceConnect+",
            Platform::ProConnect => "ProConnect",
        }
    }

    /// The platform an `FC_PLATFORM` value names (`fc`, `fcplus`,
    /// `proconnect`, or its former name `agentconnect`).
    pub fn from_setting(value: &str) -> Option<Platform> {
        // AgentConnect is ProConnect's former name, still in older
        // deployments' settings (the mock takes it too).
        if value == "agentconnect" {
            return Some(Platform::ProConnect);
        }
        [
            Platform::FranceConnect,
            Platform::FranceConnectPlus,
            Platform::ProConnect,
        ]
        .into_iter()
        .find(|p| p.setting() == value)
    }

    /// The value of `FC_PLATFORM` that selects this platform: `fc`,
    /// `fcplus` or `proconnect`.
    pub fn setting(self) -> &'static str {
        match self {
            Platform::FranceConnect => "fc",
            Platform::FranceConnectPlus => "fcplus",
            Platform::ProConnect => "proconnect",
        }
    }
}

/// Where the provider runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    /// The platform's public sandbox ("intégration").
    Sandbox,
    /// Production.
    Production,
    /// ProConnect's integration platform on the RIE (the State's network);
    /// a registration of its own.
    RieSandbox,
    /// ProConnect's production on the RIE; a registration of its own.
    RieProduction,
    /// Any other issuer: the mock provider, a test server. Discovery is at
    /// `{issuer}/.well-known/openid-configuration`.
    Custom(Url),
}

impl Environment {
    /// The preset issuer; `None` for an RIE environment outside ProConnect.
    pub(crate) fn issuer(&self, platform: Platform) -> Option<Url> {
        let url = match (self, platform) {
            (Environment::Custom(url), _) => return Some(url.clone()),
            (Environment::Sandbox, Platform::FranceConnect) => "https://fcp-low.sbx.dev-franceconnect.fr/api/v2",
            (Environment::Sandbox, Platform::FranceConnectPlus) => "https://auth.integ01.dev-franceconnect.fr/api/v2",
            (Environment::Production, Platform::FranceConnect) => "https://oidc.franceconnect.gouv.fr/api/v2",
            (Environment::Production, Platform::FranceConnectPlus) => "https://auth.franceconnect.gouv.fr/api/v2",
            (Environment::Sandbox, Platform::ProConnect) => "https://fca.integ01.dev-agentconnect.fr/api/v2",
            (Environment::Production, Platform::ProConnect) => "https://auth.agentconnect.gouv.fr/api/v2",
            (Environment::RieSandbox, Platform::ProConnect) => "https://fca.integ02.agentconnect.rie.gouv.fr/api/v2",
            (Environment::RieProduction, Platform::ProConnect) => "https://auth.agentconnect.rie.gouv.fr/api/v2",
            (Environment::RieSandbox | Environment::RieProduction, _) => return None,
        };
        Some(Url::parse(url).expect("preset issuers are valid URLs"))
    }
}

/// The `prompt` parameter: FranceConnect accepts only `login`, `consent`, or
/// both; ProConnect also `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Prompt {
    /// Force the user to authenticate again.
    Login,
    /// Force the consent screen.
    Consent,
    /// Both.
    LoginConsent,
    /// ProConnect only: a silent login, which succeeds only if the person
    /// already has a ProConnect session, and otherwise comes back with
    /// `login_required` ([`ProviderErrorCode::LoginRequired`](crate::ProviderErrorCode::LoginRequired)).
    None,
}

impl Prompt {
    /// The value sent to the provider.
    pub fn as_str(self) -> &'static str {
        match self {
            Prompt::Login => "login",
            Prompt::Consent => "consent",
            Prompt::LoginConsent => "login consent",
            Prompt::None => "none",
        }
    }

    /// True when the provider must authenticate the person again.
    pub fn forces_login(self) -> bool {
        matches!(self, Prompt::Login | Prompt::LoginConsent)
    }

    /// This login's prompt together with the `configured` one. What the
    /// service configured is a floor: a login may add `login` or `consent`
    /// to it, and its `none` gives way to a configured prompt (a visitor's
    /// silent login cannot cancel a forced authentication).
    pub(crate) fn with(self, configured: Prompt) -> Prompt {
        match (self, configured) {
            (asked, Prompt::None) => asked,
            (Prompt::None, configured) => configured,
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
            ["none"] => Some(Prompt::None),
            _ => None,
        }
    }
}
