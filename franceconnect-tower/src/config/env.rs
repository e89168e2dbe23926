//! Reading a configuration from environment variables (`FC_*`, `APP_URL`).

use std::time::Duration;

use url::Url;

use super::{Config, ConfigBuilder, Environment, Platform, Prompt, Scopes, TokenEndpointAuth};
use crate::error::ConfigError;
use crate::jose::ServiceKeys;
use crate::protocol::acr::Acr;

impl Config {
    /// Reads the configuration from environment variables.
    ///
    /// | variable | meaning | default |
    /// |---|---|---|
    /// | `FC_PLATFORM` | `fc`, `fcplus` or `proconnect` | `fc` |
    /// | `FC_ISSUER` | a custom issuer URL (mock, test server) | — |
    /// | `FC_ENV` | `sandbox` or `production`, when `FC_ISSUER` is unset; on ProConnect also `rie-sandbox` or `rie-production` | `sandbox` |
    /// | `FC_CLIENT_ID` | the client id | required |
    /// | `FC_CLIENT_SECRET` | the client secret | required |
    /// | `FC_REDIRECT_URI` | the callback URL | `APP_URL/auth/callback` |
    /// | `FC_POST_LOGOUT_REDIRECT_URI` | the post-logout URL | `APP_URL/auth/logout/callback` |
    /// | `APP_URL` | the service's public base URL | `http://localhost:3000` |
    /// | `FC_SCOPES` | space- or comma-separated scopes | `openid identite_pivot email` |
    /// | `FC_ACR` | `eidas1`, `eidas2` or `eidas3`; on ProConnect, the `acr` values asked, space- or comma-separated (`eidas1-mfa eidas2 eidas3`…), or `mfa` | the platform's lowest; none required on ProConnect |
    /// | `FC_REFRESH_TOKENS` | `true` to keep ProConnect's refresh tokens (sealed in the session) and renew expired access tokens with them (ProConnect only) | `false` |
    /// | `FC_UNSIGNED_USERINFO` | `true` when the service registered no userinfo signature, so userinfo is plain JSON (ProConnect) | `false` |
    /// | `FC_PROMPT` | `login`, `consent` or `login consent` | — |
    /// | `FC_REQUEST_AMR` | `true` to ask for `amr` | `false` |
    /// | `FC_ACCEPT_RS256` | `true` to accept RS256 signatures (FC only) | `false` |
    /// | `FC_KEYS_FILE` | the service's private JWK set (required on FC+, and with `FC_ENCRYPTED_TOKENS`) | — |
    /// | `FC_ENCRYPTED_TOKENS` | `true` when the service registered token encryption on FC (always on for FC+) | `false` |
    /// | `FC_TOKEN_ENDPOINT_AUTH` | `client_secret_post`, or `private_key_jwt` (only if the registration says so; needs a signing key in `FC_KEYS_FILE`) | `client_secret_post` |
    /// | `FC_CLOCK_LEEWAY_SECS` | clock leeway for token times | `30` |
    /// | `FC_HTTP_TIMEOUT_SECS` | timeout of each request to the provider | `10` |
    /// | `FC_PENDING_LOGIN_SECS` | how long a started login may wait for its callback (1 to 3600) | `600` |
    /// | `FC_LOGIN_COOKIE_SECRET` | the secret sealing pending logins in cookies, 32+ characters (required with several instances) | random per start |
    /// | `FC_LOGIN_COOKIE_PREVIOUS_SECRET` | the secret before the current one, accepted during a rotation | — |
    /// | `FC_SESSION_LIFETIME_SECS` | how long a session lasts after its sign-in, however active (1 to 604800) | `43200` |
    /// | `FC_IDP_HINTS` | the identity providers a login may name (`idp_hint`), space- or comma-separated | none |
    /// | `FC_SECTOR_REDIRECT_URIS` | every redirect URI of the service's sector, space-separated, served at `/auth/sector-identifier` | — |
    /// | `FC_ALLOW_ENDPOINTS_OUTSIDE_ISSUER` | `true` to accept provider endpoints outside the issuer (custom issuers only) | `false` |
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// Like [`Config::from_env`], reading variables through `lookup` (for
    /// tests, or to add a prefix).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        Self::builder_from_lookup(lookup)?.build()
    }

    /// The builder [`Config::from_lookup`] fills from the variables, to adjust
    /// before building (keys held in memory, a custom timeout…).
    pub fn builder_from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<ConfigBuilder, ConfigError> {
        Self::builder_from_lookup_at(lookup, "/auth")
    }

    /// The builder, with the routes (and so the default redirect URIs)
    /// under `routes` (`/auth`, or `/auth/{platform}` in a federation).
    fn builder_from_lookup_at(
        lookup: impl Fn(&str) -> Option<String>,
        routes: &str,
    ) -> Result<ConfigBuilder, ConfigError> {
        let (platform, environment) = platform_and_environment(&lookup)?;
        let app_url = lookup("APP_URL").unwrap_or_else(|| "http://localhost:3000".into());
        let app_url = app_url.trim_end_matches('/');
        // The URIs derived from APP_URL would fail later under their own
        // names: name the variable the user set.
        if lookup("FC_REDIRECT_URI").is_none() || lookup("FC_POST_LOGOUT_REDIRECT_URI").is_none() {
            super::url_rules::check_url("APP_URL", app_url)?;
        }
        let mut b = Config::builder(platform, environment)
            .client_id(lookup("FC_CLIENT_ID").ok_or_else(|| ConfigError::new("FC_CLIENT_ID is required"))?)
            .client_secret(lookup("FC_CLIENT_SECRET").ok_or_else(|| ConfigError::new("FC_CLIENT_SECRET is required"))?)
            .redirect_uri(lookup("FC_REDIRECT_URI").unwrap_or_else(|| format!("{app_url}{routes}/callback")))
            .post_logout_redirect_uri(
                lookup("FC_POST_LOGOUT_REDIRECT_URI").unwrap_or_else(|| format!("{app_url}{routes}/logout/callback")),
            );
        if let Some(s) = lookup("FC_SCOPES") {
            b = b.scopes(Scopes::parse(&s).map_err(|e| ConfigError::new(format!("FC_SCOPES: {e}")))?);
        }
        match lookup("FC_ACR") {
            Some(list) if platform == Platform::ProConnect => b = b.acr_values(proconnect_acr_values(&list)?),
            Some(level) => {
                b = b.eidas(
                    level
                        .parse()
                        .map_err(|_| ConfigError::new("FC_ACR must be eidas1, eidas2 or eidas3"))?,
                );
            }
            None => {}
        }
        b = b.unsigned_userinfo(flag(&lookup, "FC_UNSIGNED_USERINFO")?);
        b = b.refresh_tokens(flag(&lookup, "FC_REFRESH_TOKENS")?);
        if let Some(p) = lookup("FC_PROMPT") {
            b = b
                .prompt(Prompt::parse(&p).ok_or_else(|| ConfigError::new("FC_PROMPT must be login, consent or both"))?);
        }
        b = b.request_amr(flag(&lookup, "FC_REQUEST_AMR")?);
        b = b.accept_rs256(flag(&lookup, "FC_ACCEPT_RS256")?);
        b = b.encrypted_tokens(flag(&lookup, "FC_ENCRYPTED_TOKENS")?);
        b = b.allow_endpoints_outside_issuer(flag(&lookup, "FC_ALLOW_ENDPOINTS_OUTSIDE_ISSUER")?);
        if let Some(path) = lookup("FC_KEYS_FILE") {
            b = b.service_keys(ServiceKeys::from_file(path)?);
        }
        if let Some(s) = lookup("FC_TOKEN_ENDPOINT_AUTH") {
            b = b.token_endpoint_auth(TokenEndpointAuth::parse(&s).ok_or_else(|| {
                ConfigError::new("FC_TOKEN_ENDPOINT_AUTH must be client_secret_post or private_key_jwt")
            })?);
        }
        if let Some(s) = lookup("FC_CLOCK_LEEWAY_SECS") {
            b = b.clock_leeway(Duration::from_secs(secs(&s, "FC_CLOCK_LEEWAY_SECS")?));
        }
        if let Some(s) = lookup("FC_HTTP_TIMEOUT_SECS") {
            b = b.http_timeout(Duration::from_secs(secs(&s, "FC_HTTP_TIMEOUT_SECS")?));
        }
        if let Some(s) = lookup("FC_IDP_HINTS") {
            b = b.allowed_idp_hints(s.split([' ', ',']).filter(|h| !h.is_empty()));
        }
        if let Some(s) = lookup("FC_SECTOR_REDIRECT_URIS") {
            b = b.sector_redirect_uris(s.split([' ', ',']).filter(|u| !u.is_empty()));
        }
        if let Some(s) = lookup("FC_LOGIN_COOKIE_SECRET") {
            b = b.login_cookie_secret(s);
        }
        if let Some(s) = lookup("FC_LOGIN_COOKIE_PREVIOUS_SECRET") {
            b = b.previous_login_cookie_secret(s);
        }
        if let Some(s) = lookup("FC_SESSION_LIFETIME_SECS") {
            b = b.session_lifetime(Duration::from_secs(secs(&s, "FC_SESSION_LIFETIME_SECS")?));
        }
        if let Some(s) = lookup("FC_PENDING_LOGIN_SECS") {
            b = b.pending_login_lifetime(Duration::from_secs(secs(&s, "FC_PENDING_LOGIN_SECS")?));
        }
        Ok(b)
    }
}

/// ProConnect's `FC_ACR`: values separated by spaces or commas, or `mfa`
/// for [`Acr::MFA`].
fn proconnect_acr_values(list: &str) -> Result<Vec<Acr>, ConfigError> {
    if list.trim() == "mfa" {
        return Ok(Acr::MFA.to_vec());
    }
    list.split([' ', ','])
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse().map_err(|_| {
                ConfigError::new(format!(
                    "FC_ACR: `{}` is not a ProConnect acr value (eidas0, eidas0-mfa, eidas1, eidas1-mfa, eidas2, eidas3, https://proconnect.gouv.fr/assurance/certification-dirigeant, or `mfa`)",
                    crate::error::sanitize(v, 80)
                ))
            })
        })
        .collect()
}

/// The variables each platform of a federation reads under its own name
/// (`FC_PROCONNECT_CLIENT_ID` for `FC_CLIENT_ID`…); the others are shared.
const PER_PLATFORM: [&str; 18] = [
    "FC_ISSUER",
    "FC_ENV",
    "FC_CLIENT_ID",
    "FC_CLIENT_SECRET",
    "FC_REDIRECT_URI",
    "FC_POST_LOGOUT_REDIRECT_URI",
    "FC_SCOPES",
    "FC_ACR",
    "FC_PROMPT",
    "FC_REQUEST_AMR",
    "FC_ACCEPT_RS256",
    "FC_ENCRYPTED_TOKENS",
    "FC_TOKEN_ENDPOINT_AUTH",
    "FC_IDP_HINTS",
    "FC_SECTOR_REDIRECT_URIS",
    "FC_UNSIGNED_USERINFO",
    "FC_ALLOW_ENDPOINTS_OUTSIDE_ISSUER",
    "FC_REFRESH_TOKENS",
];

impl Config {
    /// The configurations of the platforms `FC_PLATFORMS` lists
    /// (`fc,fcplus,proconnect`), for [`AuthRoutes::federation`](crate::web::AuthRoutes::federation).
    ///
    /// Each platform reads its own variables as `FC_{PLATFORM}_{NAME}` —
    /// `FC_FC_CLIENT_ID`, `FC_FCPLUS_CLIENT_ID`, `FC_PROCONNECT_CLIENT_ID`,
    /// and so for every variable of [`Config::from_env`] that describes a
    /// registration (issuer and environment, credentials, URIs, scopes,
    /// `acr`, prompt, algorithms, hints). FranceConnect also reads the plain
    /// names (`FC_CLIENT_ID`), and every platform the plain `FC_ENV`. The
    /// other variables (`APP_URL`, `FC_KEYS_FILE`, timeouts, the login
    /// cookie secret, the session lifetime) are shared. The redirect URIs
    /// default to `APP_URL/auth/{platform}/callback` and
    /// `APP_URL/auth/{platform}/logout/callback`.
    ///
    /// ```
    /// use franceconnect_tower::{Config, Platform};
    ///
    /// let vars = [
    ///     ("FC_PLATFORMS", "fc,proconnect"),
    ///     ("APP_URL", "https://service.example.fr"),
    ///     ("FC_ENV", "sandbox"),
    ///     ("FC_CLIENT_ID", "fc-id"),
    ///     ("FC_CLIENT_SECRET", "fc-secret"),
    ///     ("FC_PROCONNECT_CLIENT_ID", "pc-id"),
    ///     ("FC_PROCONNECT_CLIENT_SECRET", "pc-secret"),
    ///     ("FC_PROCONNECT_ACR", "mfa"),
    /// ];
    /// let configs = Config::federation_from_lookup(|n| {
    ///     vars.iter().find(|(k, _)| *k == n).map(|(_, v)| v.to_string())
    /// })
    /// .unwrap();
    /// assert_eq!(configs[1].platform(), Platform::ProConnect);
    /// assert_eq!(configs[1].client_id().as_str(), "pc-id");
    /// assert_eq!(
    ///     configs[1].redirect_uri().as_str(),
    ///     "https://service.example.fr/auth/proconnect/callback"
    /// );
    /// ```
    pub fn federation_from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Vec<Config>, ConfigError> {
        Self::federation_builders_from_lookup(lookup)?
            .into_iter()
            .map(|b| {
                let platform = b.platform;
                b.build().map_err(|e| platform_error(platform, &e))
            })
            .collect()
    }

    /// [`Config::federation_from_lookup`] on the process environment.
    pub fn federation_from_env() -> Result<Vec<Config>, ConfigError> {
        Self::federation_from_lookup(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// Like [`Config::federation_from_lookup`], the builders, to adjust
    /// before building (keys held in memory…).
    pub fn federation_builders_from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Vec<ConfigBuilder>, ConfigError> {
        let list = lookup("FC_PLATFORMS").ok_or_else(|| ConfigError::new("FC_PLATFORMS is not set"))?;
        let mut platforms = Vec::new();
        for name in list.split([' ', ',']).filter(|n| !n.is_empty()) {
            let platform = Platform::from_setting(name).ok_or_else(|| {
                ConfigError::new(format!(
                    "FC_PLATFORMS: `{}` is not a platform (fc, fcplus, proconnect)",
                    crate::error::sanitize(name, 40)
                ))
            })?;
            if platforms.contains(&platform) {
                return Err(ConfigError::new(format!("FC_PLATFORMS lists {name} twice")));
            }
            platforms.push(platform);
        }
        if platforms.is_empty() {
            return Err(ConfigError::new("FC_PLATFORMS lists no platform"));
        }
        platforms
            .into_iter()
            .map(|platform| {
                let own = |name: &str| format!("FC_{}_{}", platform.setting().to_ascii_uppercase(), &name[3..]);
                let platform_lookup = |name: &str| -> Option<String> {
                    if name == "FC_PLATFORM" {
                        return Some(platform.setting().to_owned());
                    }
                    if !PER_PLATFORM.contains(&name) {
                        return lookup(name);
                    }
                    let shared_fallback = platform == Platform::FranceConnect || name == "FC_ENV";
                    lookup(&own(name)).or_else(|| if shared_fallback { lookup(name) } else { None })
                };
                Self::builder_from_lookup_at(platform_lookup, &format!("/auth/{}", platform.setting()))
                    .map_err(|e| platform_error(platform, &e))
            })
            .collect()
    }
}

/// A federation's error for `platform`: its name, then the message naming
/// the platform's own variables (`FC_PROCONNECT_CLIENT_ID`) and the shared
/// ones as they are (`FC_KEYS_FILE`), so that the fix is in the variable
/// named.
fn platform_error(platform: Platform, error: &ConfigError) -> ConfigError {
    let prefix = format!("FC_{}_", platform.setting().to_ascii_uppercase());
    let message = own_variables(&error.to_string(), &|name| format!("{prefix}{}", &name[3..]));
    ConfigError::new(format!("{}: {message}", platform.display_name()))
}

/// `message` with each per-platform variable named as the platform reads it
/// (`FC_CLIENT_ID` → `own("FC_CLIENT_ID")`); other words untouched.
fn own_variables(message: &str, own: &impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(message.len() + 16);
    let mut rest = message;
    while let Some(start) = rest.find("FC_") {
        out.push_str(&rest[..start]);
        let word = &rest[start..];
        let end = word
            .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(word.len());
        let name = &word[..end];
        if PER_PLATFORM.contains(&name) {
            out.push_str(&own(name));
        } else {
            out.push_str(name);
        }
        rest = &word[end..];
    }
    out.push_str(rest);
    out
}

/// `FC_PLATFORM` (FranceConnect by default) and where its provider is:
/// `FC_ISSUER`, or `FC_ENV` (the sandbox by default). Read alike by the
/// services' configuration and the APIs'.
pub(crate) fn platform_and_environment(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<(Platform, Environment), ConfigError> {
    let platform = match lookup("FC_PLATFORM") {
        None => Platform::FranceConnect,
        Some(name) => Platform::from_setting(&name)
            .ok_or_else(|| ConfigError::new("FC_PLATFORM must be `fc`, `fcplus` or `proconnect`"))?,
    };
    let environment = match (lookup("FC_ISSUER"), lookup("FC_ENV").as_deref()) {
        (Some(issuer), _) => {
            Environment::Custom(Url::parse(&issuer).map_err(|_| ConfigError::new("FC_ISSUER is not a valid URL"))?)
        }
        (None, None | Some("sandbox")) => Environment::Sandbox,
        (None, Some("production")) => Environment::Production,
        (None, Some("rie-sandbox")) => Environment::RieSandbox,
        (None, Some("rie-production")) => Environment::RieProduction,
        (None, Some(_)) => {
            return Err(ConfigError::new(
                "FC_ENV must be `sandbox` or `production` (or, on ProConnect, `rie-sandbox` or `rie-production`)",
            ));
        }
    };
    Ok((platform, environment))
}

pub(crate) fn flag(lookup: &impl Fn(&str) -> Option<String>, name: &str) -> Result<bool, ConfigError> {
    match lookup(name).as_deref() {
        None | Some("false" | "0") => Ok(false),
        Some("true" | "1") => Ok(true),
        Some(_) => Err(ConfigError::new(format!("{name} must be true or false"))),
    }
}

pub(crate) fn secs(value: &str, name: &str) -> Result<u64, ConfigError> {
    value
        .parse()
        .map_err(|_| ConfigError::new(format!("{name} must be a number of seconds")))
}
