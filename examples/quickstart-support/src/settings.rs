//! The quickstarts' settings, from environment variables, and what they
//! need before serving: an engine configured either for the embedded mock
//! provider or for a real one, and the service keys.

use std::net::SocketAddr;
use std::path::PathBuf;

use franceconnect_mock::MockHandle;
use franceconnect_tower::mock::{EmbeddedMock, MOCK_CLIENT_ID, MOCK_CLIENT_SECRET};
use franceconnect_tower::web::AuthRoutes;
use franceconnect_tower::{Config, ConfigBuilder, EncryptionAlg, FranceConnect, Platform, ServiceKeys, SigningAlg};

/// The quickstart's settings.
///
/// | variable | meaning | default |
/// |---|---|---|
/// | `FC_PLATFORMS` | several platforms at once (`fc,fcplus,proconnect`), each reading its own `FC_{PLATFORM}_*` variables | the three, on the embedded mock; `fc` on a real provider |
/// | `FC_PLATFORM` | one platform: `fc`, `fcplus` or `proconnect` | — |
/// | `FC_ISSUER` / `FC_ENV` | a real or test provider; when set, no mock is started | the embedded mock |
/// | `FC_CLIENT_ID`, `FC_CLIENT_SECRET` | the client registered with that provider | the mock's |
/// | `APP_URL` | the public base URL of the app | `http://localhost:{port}` |
/// | `FC_KEYS_FILE` | the service's private JWK set; generated and written there when absent | in memory |
/// | `FC_ENCRYPTED_TOKENS` | `true`: FranceConnect encrypts the tokens (the embedded mock too) | `false` |
/// | `FC_TOKEN_ENDPOINT_AUTH` | `private_key_jwt`: signed client assertions (a signing key is generated with the others; the embedded mock registers it) | `client_secret_post` |
/// | `FC_SCOPES` | scopes | `openid identite_pivot email`; on ProConnect `openid given_name usual_name email uid siret organization_label idp_id` |
/// | `FC_ACR` | eIDAS level asked for; on ProConnect the `acr` values (`mfa` for a second factor) | the platform's lowest; none on ProConnect |
/// | `FC_UNSIGNED_USERINFO` | `true`: the registration has no userinfo signature, userinfo is plain JSON (the embedded mock too) | `false` |
/// | `BIND` | listening address | `127.0.0.1:3000` |
/// | `REDIS_URL` | sessions in Redis (`redis://127.0.0.1:6379`), for several instances | in memory |
/// | `METRICS_BIND` | serve the metrics in Prometheus' format at `http://{address}/metrics` (`127.0.0.1:9464`), apart from the app | no metrics |
/// | `DATABASE_URL` | sessions in PostgreSQL (`postgres://user:password@host/db`; table `franceconnect_sessions`, created at start), for several instances; not with `REDIS_URL` | in memory |
/// | `SESSION_KEY` | actix only, required with `REDIS_URL` or `DATABASE_URL`: the cookie key, 64+ bytes in base64, the same on every instance | random per start |
/// | `FC_LOGIN_COOKIE_SECRET` | the secret sealing pending logins (32+ characters); required with `REDIS_URL` or `DATABASE_URL` | random per start |
///
/// Every other `FC_*` variable of `Config::from_env` applies too.
///
/// Its `Debug` lists the variables with the secrets' values hidden:
/// `<redacted>` for a name holding SECRET, KEY or PASSWORD, the URLs of
/// `DATABASE_URL` and `REDIS_URL` without their credentials.
#[derive(Clone)]
pub struct Settings {
    vars: Vec<(String, String)>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.vars.iter().map(|(name, value)| (name, shown_value(name, value))))
            .finish()
    }
}

/// A variable's value as `Debug` may print it: `<redacted>` when its name
/// says it holds a secret (it contains `SECRET`, `KEY` or `PASSWORD`), the
/// URL without its credentials for `DATABASE_URL` and `REDIS_URL`, the
/// value itself otherwise.
fn shown_value(name: &str, value: &str) -> String {
    let name = name.to_ascii_uppercase();
    if ["SECRET", "KEY", "PASSWORD"].iter().any(|word| name.contains(word)) {
        "<redacted>".to_owned()
    } else if name == "DATABASE_URL" || name == "REDIS_URL" {
        redact_url(value)
    } else {
        value.to_owned()
    }
}

/// A session store shared by every instance of the app.
///
/// Its `Debug` shows the URL without its credentials ([`redact_url`]).
#[derive(Clone, PartialEq, Eq)]
pub enum SharedStore {
    /// `REDIS_URL`.
    Redis(String),
    /// `DATABASE_URL`.
    Postgres(String),
}

impl std::fmt::Debug for SharedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (kind, url) = match self {
            Self::Redis(url) => ("Redis", url),
            Self::Postgres(url) => ("Postgres", url),
        };
        f.debug_tuple(kind).field(&redact_url(url)).finish()
    }
}

impl SharedStore {
    /// The variable that chose it.
    pub fn variable(&self) -> &'static str {
        match self {
            Self::Redis(_) => "REDIS_URL",
            Self::Postgres(_) => "DATABASE_URL",
        }
    }
}

impl Settings {
    /// Reads the process environment.
    pub fn from_env() -> Self {
        const OTHERS: [&str; 6] = [
            "APP_URL",
            "BIND",
            "REDIS_URL",
            "DATABASE_URL",
            "SESSION_KEY",
            "METRICS_BIND",
        ];
        Self {
            vars: std::env::vars()
                .filter(|(k, v)| !v.is_empty() && (k.starts_with("FC_") || OTHERS.contains(&k.as_str())))
                .collect(),
        }
    }

    /// Settings from explicit pairs (tests).
    pub fn from_pairs<K: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        Self {
            vars: pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect(),
        }
    }

    fn get(&self, name: &str) -> Option<String> {
        self.vars.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    /// The address to listen on (`BIND`).
    pub fn bind(&self) -> Result<SocketAddr, String> {
        self.get("BIND")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .map_err(|_| "BIND must be an address such as 127.0.0.1:3000".to_owned())
    }

    /// `REDIS_URL`: keep sessions in Redis, shared by every instance.
    pub fn redis_url(&self) -> Option<String> {
        self.get("REDIS_URL")
    }

    /// `METRICS_BIND`: where to serve the metrics for Prometheus, if asked.
    pub fn metrics_bind(&self) -> Result<Option<SocketAddr>, String> {
        self.get("METRICS_BIND")
            .map(|v| {
                v.parse()
                    .map_err(|_| "METRICS_BIND must be an address such as 127.0.0.1:9464".to_owned())
            })
            .transpose()
    }

    /// Where the sessions shared by every instance are kept: `REDIS_URL` or
    /// `DATABASE_URL` (not both), or nowhere (in this process's memory).
    pub fn shared_store(&self) -> Result<Option<SharedStore>, String> {
        match (self.get("REDIS_URL"), self.get("DATABASE_URL")) {
            (Some(_), Some(_)) => Err("REDIS_URL and DATABASE_URL are both set: choose where sessions go".into()),
            (Some(url), None) => Ok(Some(SharedStore::Redis(url))),
            (None, Some(url)) => Ok(Some(SharedStore::Postgres(url))),
            (None, None) => Ok(None),
        }
    }

    /// `SESSION_KEY`: the secret that signs and encrypts actix-web's session
    /// cookie (base64, at least 64 bytes once decoded).
    pub fn session_key(&self) -> Result<Option<Vec<u8>>, String> {
        use base64::Engine as _;
        let Some(value) = self.get("SESSION_KEY") else {
            return Ok(None);
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(value.trim())
            .map_err(|_| "SESSION_KEY must be base64".to_owned())?;
        if bytes.len() < 64 {
            return Err("SESSION_KEY must hold at least 64 bytes".into());
        }
        Ok(Some(bytes))
    }

    fn platform(&self) -> Result<Platform, String> {
        match self.get("FC_PLATFORM") {
            None => Ok(Platform::FranceConnect),
            Some(name) => {
                Platform::from_setting(&name).ok_or_else(|| "FC_PLATFORM must be `fc`, `fcplus` or `proconnect`".into())
            }
        }
    }

    /// True when tokens arrive encrypted: always on FranceConnect+, on
    /// FranceConnect with `FC_ENCRYPTED_TOKENS=true` (the engine checks the
    /// value's spelling).
    fn encrypts_tokens(&self, platform: Platform) -> bool {
        platform == Platform::FranceConnectPlus || self.flag("FC_ENCRYPTED_TOKENS")
    }

    /// True when the variable `name` says `true` (or `1`).
    fn flag(&self, name: &str) -> bool {
        matches!(self.get(name).as_deref(), Some("true" | "1"))
    }

    /// True with `FC_TOKEN_ENDPOINT_AUTH=private_key_jwt` (the engine
    /// checks the value's spelling).
    fn signs_client_assertions(&self) -> bool {
        self.get("FC_TOKEN_ENDPOINT_AUTH").as_deref() == Some("private_key_jwt")
    }

    /// The platforms to serve: `FC_PLATFORMS`, else `FC_PLATFORM` alone;
    /// with neither, the three on the embedded mock, FranceConnect alone on
    /// a real provider.
    fn platforms(&self) -> Result<Vec<Platform>, String> {
        if let Some(list) = self.get("FC_PLATFORMS") {
            let platforms = list
                .split([' ', ','])
                .filter(|n| !n.is_empty())
                .map(|n| {
                    Platform::from_setting(n)
                        .ok_or_else(|| format!("FC_PLATFORMS: `{n}` is not fc, fcplus or proconnect"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            if platforms.is_empty() {
                return Err("FC_PLATFORMS lists no platform".into());
            }
            return Ok(platforms);
        }
        if self.get("FC_PLATFORM").is_some() || !self.uses_mock() {
            return Ok(vec![self.platform()?]);
        }
        Ok(vec![
            Platform::FranceConnect,
            Platform::FranceConnectPlus,
            Platform::ProConnect,
        ])
    }

    /// True when no provider is configured, for any platform: no issuer, no
    /// environment and no client id. Credentials alone mean the sandbox, as
    /// `Config::from_env` reads them (`FC_ENV` defaults to `sandbox`).
    fn uses_mock(&self) -> bool {
        ["", "FC_", "FCPLUS_", "PROCONNECT_"].iter().all(|p| {
            ["ISSUER", "ENV", "CLIENT_ID"]
                .iter()
                .all(|name| self.get(&format!("FC_{p}{name}")).is_none())
        })
    }
}

/// The routes ready to serve, and the mock providers when they were started.
pub struct Prepared {
    /// The routes of the platforms served (one, or several).
    pub routes: AuthRoutes,
    /// The app's public base URL (no trailing slash).
    pub app_url: String,
    /// The embedded mock of each platform served, in the routes' order,
    /// when no real provider was configured.
    pub mocks: Vec<MockHandle>,
    /// The embedded mock providers, serving every platform on one port.
    pub embedded: Option<EmbeddedMock>,
}

/// Prepares the routes for an app listening on `local`: loads or creates
/// the service keys, starts the embedded mocks unless a provider is
/// configured, and builds each platform's configuration.
pub async fn prepare(settings: &Settings, local: SocketAddr) -> Result<Prepared, String> {
    check_deployment(settings)?;
    let app_url = settings
        .get("APP_URL")
        .unwrap_or_else(|| format!("http://localhost:{}", local.port()))
        .trim_end_matches('/')
        .to_owned();
    // `FC_PLATFORMS` reads `FC_{PLATFORM}_*` and serves `/auth/{platform}`,
    // whether it lists one platform or several: the engine's rule.
    match settings.platforms()?.as_slice() {
        [platform] if settings.get("FC_PLATFORMS").is_none() => prepare_one(settings, *platform, app_url, local).await,
        listed => prepare_federation(settings, listed, app_url, local).await,
    }
}

/// One platform, under `/auth`.
async fn prepare_one(
    settings: &Settings,
    platform: Platform,
    app_url: String,
    local: SocketAddr,
) -> Result<Prepared, String> {
    let encrypts = settings.encrypts_tokens(platform);
    let signs = settings.signs_client_assertions();
    let keys = service_keys(settings, encrypts, signs)?;
    let mut vars = settings.vars.clone();
    vars.push(("APP_URL".into(), app_url.clone()));
    let embedded = if settings.uses_mock() {
        let mock = start_mock(settings, local, &app_url, &[platform], false, keys.as_ref(), signs).await?;
        let issuer = mock.issuer(platform).ok_or("the mock provider is missing")?;
        vars.push(("FC_ISSUER".into(), issuer));
        vars.push(("FC_CLIENT_ID".into(), MOCK_CLIENT_ID.into()));
        vars.push(("FC_CLIENT_SECRET".into(), MOCK_CLIENT_SECRET.into()));
        Some(mock)
    } else {
        None
    };
    let mut builder = Config::builder_from_lookup(lookup_in(&vars)).map_err(|e| e.to_string())?;
    if let Some(keys) = keys {
        builder = builder.service_keys(keys);
    }
    let config = builder.build().map_err(|e| e.to_string())?;
    let fc = FranceConnect::new(config);
    if embedded.is_none() {
        check_in_background(&fc);
    }
    Ok(Prepared {
        routes: AuthRoutes::new(fc),
        app_url,
        mocks: mocks_of(embedded.as_ref(), &[platform]),
        embedded,
    })
}

/// Several platforms, each under `/auth/{platform}`, on one embedded mock
/// server unless providers are configured.
async fn prepare_federation(
    settings: &Settings,
    platforms: &[Platform],
    app_url: String,
    local: SocketAddr,
) -> Result<Prepared, String> {
    let encrypts =
        platforms.contains(&Platform::FranceConnectPlus) || settings.encrypts_tokens(Platform::FranceConnect);
    let signs = settings.signs_client_assertions();
    let keys = service_keys(settings, encrypts, signs)?;
    let mut vars = settings.vars.clone();
    vars.push(("APP_URL".into(), app_url.clone()));
    vars.push((
        "FC_PLATFORMS".into(),
        platforms.iter().map(|p| p.setting()).collect::<Vec<_>>().join(","),
    ));
    let embedded = if settings.uses_mock() {
        let mock = start_mock(settings, local, &app_url, platforms, true, keys.as_ref(), signs).await?;
        for &platform in platforms {
            let name = platform.setting().to_ascii_uppercase();
            let issuer = mock.issuer(platform).ok_or("a mock platform is missing")?;
            vars.push((format!("FC_{name}_ISSUER"), issuer));
            vars.push((format!("FC_{name}_CLIENT_ID"), MOCK_CLIENT_ID.into()));
            vars.push((format!("FC_{name}_CLIENT_SECRET"), MOCK_CLIENT_SECRET.into()));
        }
        Some(mock)
    } else {
        None
    };
    let engines = Config::federation_builders_from_lookup(lookup_in(&vars))
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|b: ConfigBuilder| {
            let b = match &keys {
                Some(k) => b.service_keys(k.clone()),
                None => b,
            };
            b.build().map(FranceConnect::new).map_err(|e| e.to_string())
        })
        .collect::<Result<Vec<_>, _>>()?;
    if embedded.is_none() {
        engines.iter().for_each(check_in_background);
    }
    let routes = AuthRoutes::federation(engines).map_err(|e| e.to_string())?;
    Ok(Prepared {
        routes,
        app_url,
        mocks: mocks_of(embedded.as_ref(), platforms),
        embedded,
    })
}

/// Starts the embedded mock providers of `platforms` for the app on
/// `local`, registered as the settings describe the registration: tokens
/// encrypted where due, `private_key_jwt`, ProConnect's unsigned userinfo;
/// the providers fetch the service's keys from the app, as the platforms do.
async fn start_mock(
    settings: &Settings,
    local: SocketAddr,
    app_url: &str,
    platforms: &[Platform],
    per_platform: bool,
    keys: Option<&ServiceKeys>,
    signs: bool,
) -> Result<EmbeddedMock, String> {
    let unsigned = if per_platform {
        settings.flag("FC_PROCONNECT_UNSIGNED_USERINFO")
    } else {
        settings.flag("FC_UNSIGNED_USERINFO")
    };
    let mut mock = EmbeddedMock::builder(local)
        .app_url(app_url)
        .platforms(platforms)
        .routes_per_platform(per_platform)
        .encrypted_tokens(settings.encrypts_tokens(Platform::FranceConnect))
        .unsigned_userinfo(unsigned)
        .private_key_jwt(signs)
        .keys_fetched_from_the_app(true);
    if let Some(keys) = keys {
        mock = mock.service_keys(keys.clone());
    }
    mock.start()
        .await
        .map_err(|e| format!("the embedded mock providers could not start: {e}"))
}

/// The handle of each platform's embedded provider, in `platforms`' order.
fn mocks_of(embedded: Option<&EmbeddedMock>, platforms: &[Platform]) -> Vec<MockHandle> {
    embedded.map_or_else(Vec::new, |mock| {
        platforms.iter().filter_map(|p| mock.provider(*p).cloned()).collect()
    })
}

/// The engine's variables: `vars`, the later ones winning, without
/// `FC_KEYS_FILE` (the keys were loaded or generated already).
fn lookup_in(vars: &[(String, String)]) -> impl Fn(&str) -> Option<String> + '_ {
    move |name| {
        if name == "FC_KEYS_FILE" {
            return None;
        }
        vars.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }
}

/// Against a real provider, says at once what would fail every login, and
/// what to register; the app serves meanwhile (the provider may be down
/// now and back later).
fn check_in_background(fc: &FranceConnect) {
    let checked = fc.clone();
    tokio::spawn(async move {
        if let Err(e) = checked.check().await {
            tracing::error!(error = %e, "the provider check failed: logins will fail until this is fixed");
        }
    });
}

/// Refuses the settings that would silently do something else than meant,
/// and warns about the risky ones.
fn check_deployment(settings: &Settings) -> Result<(), String> {
    if let Some(store) = settings.shared_store()?
        && settings.get("FC_LOGIN_COOKIE_SECRET").is_none()
    {
        return Err(format!(
            "{} needs FC_LOGIN_COOKIE_SECRET (32+ random characters, the same on every \
             instance), so that a login begun on one instance completes on another",
            store.variable()
        ));
    }
    let app_url = settings.get("APP_URL").unwrap_or_default();
    let loopback = match url::Url::parse(&app_url)
        .ok()
        .and_then(|u| u.host().map(|h| h.to_owned()))
    {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => true,
    };
    if settings.get("FC_ENV").as_deref().is_some_and(|e| e == "sandbox") && !loopback {
        tracing::warn!(
            app_url = %redact_url(&app_url),
            "FC_ENV=sandbox with a public APP_URL: the sandbox is for development, its test identities are public"
        );
    }
    Ok(())
}

/// The service keys: read from `FC_KEYS_FILE`, generated and written there
/// when the file is absent, generated in memory when no file is named;
/// generated keys are what the settings need: an encryption key for
/// encrypted tokens, a signing key for `private_key_jwt`.
fn service_keys(settings: &Settings, encrypts: bool, signs: bool) -> Result<Option<ServiceKeys>, String> {
    let generate = || -> Result<Option<ServiceKeys>, String> {
        let mut keys = None;
        if encrypts {
            keys = Some(ServiceKeys::generate(EncryptionAlg::EcdhEs).map_err(|e| e.to_string())?);
        }
        if signs {
            let signing = ServiceKeys::generate_signing(SigningAlg::Es256).map_err(|e| e.to_string())?;
            keys = Some(match keys {
                Some(k) => k.merge(signing).map_err(|e| e.to_string())?,
                None => signing,
            });
        }
        Ok(keys)
    };
    match settings.get("FC_KEYS_FILE").map(PathBuf::from) {
        Some(path) if path.exists() => ServiceKeys::from_file(&path).map(Some).map_err(|e| e.to_string()),
        Some(path) => {
            let keys = match generate()? {
                Some(keys) => keys,
                None => ServiceKeys::generate(EncryptionAlg::EcdhEs).map_err(|e| e.to_string())?,
            };
            keys.write_private_jwks(&path).map_err(|e| e.to_string())?;
            tracing::info!(path = %path.display(), "generated the service's keys");
            Ok(Some(keys))
        }
        None => {
            let keys = generate()?;
            if keys.is_some() && settings.uses_mock() {
                tracing::info!("no FC_KEYS_FILE: using keys generated for this run only");
            } else if keys.is_some() {
                // A real provider fetched (and caches) the JWKS of an earlier
                // run: what it encrypts to is a key this run does not hold.
                tracing::warn!(
                    "no FC_KEYS_FILE: the service's keys are generated for this run only, and the provider caches \
                     the ones it fetched: each restart breaks FranceConnect+ logins (and encrypted tokens) until it \
                     fetches them again; create a key file with `franceconnect keys generate --file keys.json` and \
                     set FC_KEYS_FILE"
                );
            }
            Ok(keys)
        }
    }
}

/// A URL fit for messages and logs: its user name and password removed,
/// and so is any query parameter naming a password (sqlx reads
/// `postgres://host/db?password=…`, libpq `sslpassword`); the other query
/// parameters stay. A URL that does not parse is not shown at all.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            if u.query().is_some() {
                let kept: Vec<(String, String)> = u
                    .query_pairs()
                    .filter(|(name, _)| !name.to_ascii_lowercase().contains("password"))
                    .map(|(name, value)| (name.into_owned(), value.into_owned()))
                    .collect();
                if kept.is_empty() {
                    u.set_query(None);
                } else {
                    u.query_pairs_mut().clear().extend_pairs(kept);
                }
            }
            u.to_string()
        }
        Err(_) => "(invalid URL)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacted_urls_keep_no_credentials_and_every_other_query_pair() {
        assert_eq!(
            redact_url(
                "postgres://app:s3cret@db.internal:5432/sessions?sslmode=require&password=hunter2&application_name=fc"
            ),
            "postgres://db.internal:5432/sessions?sslmode=require&application_name=fc"
        );
        assert_eq!(
            redact_url("postgres://db.internal/sessions?PassWord=hunter2"),
            "postgres://db.internal/sessions"
        );
        assert_eq!(
            redact_url("postgres://db/s?sslpassword=hunter2&sslmode=verify-full"),
            "postgres://db/s?sslmode=verify-full"
        );
        assert_eq!(
            redact_url("redis://:hunter2@127.0.0.1:6379/0"),
            "redis://127.0.0.1:6379/0"
        );
        assert_eq!(
            redact_url("postgres://db/s?sslmode=disable"),
            "postgres://db/s?sslmode=disable"
        );
        assert_eq!(redact_url("postgres://db/s"), "postgres://db/s");
        assert_eq!(redact_url("not a url hunter2"), "(invalid URL)");
    }

    /// Issue 29 §6: credentials without an issuer are the sandbox's, as
    /// `Config::from_env` reads them, not a reason to run on the mock.
    #[tokio::test]
    async fn credentials_alone_mean_the_sandbox_as_for_the_engine() {
        let settings = Settings::from_pairs([
            ("FC_CLIENT_ID", "my-client"),
            ("FC_CLIENT_SECRET", "my-secret"),
            ("APP_URL", "http://localhost:3000"),
        ]);
        let prepared = prepare(&settings, "127.0.0.1:3000".parse().unwrap()).await.unwrap();
        assert!(prepared.mocks.is_empty() && prepared.embedded.is_none());
        let engine = Config::from_lookup(|name| match name {
            "FC_CLIENT_ID" => Some("my-client".into()),
            "FC_CLIENT_SECRET" => Some("my-secret".into()),
            "APP_URL" => Some("http://localhost:3000".into()),
            _ => None,
        })
        .unwrap();
        let config = prepared.routes.first_engine().config();
        assert_eq!(config.issuer(), engine.issuer());
        assert_eq!(config.client_id().as_str(), "my-client");
    }

    /// Issue 29 §1: `FC_PLATFORMS=fc` with the documented `FC_FC_*`
    /// variables starts, and its callback is where the redirect URI says.
    #[tokio::test]
    async fn one_platform_listed_reads_its_own_variables_and_routes() {
        for (listed, name) in [("fc", "FC"), ("proconnect", "PROCONNECT")] {
            let settings = Settings::from_pairs([
                ("FC_PLATFORMS".to_owned(), listed.to_owned()),
                (format!("FC_{name}_ISSUER"), "http://127.0.0.1:9/api/v2".to_owned()),
                (format!("FC_{name}_CLIENT_ID"), "the-client".to_owned()),
                (
                    format!("FC_{name}_CLIENT_SECRET"),
                    "the-secret-of-the-client".to_owned(),
                ),
                ("APP_URL".to_owned(), "http://localhost:3000".to_owned()),
            ]);
            let prepared = prepare(&settings, "127.0.0.1:3000".parse().unwrap())
                .await
                .unwrap_or_else(|e| panic!("FC_PLATFORMS={listed}: {e}"));
            let config = prepared.routes.first_engine().config();
            let callback = format!("http://localhost:3000/auth/{listed}/callback");
            assert_eq!(config.redirect_uri().as_str(), callback);
            let platform = prepared.routes.platforms()[0];
            let served = prepared.routes.context().platform_prefix(platform);
            assert_eq!(served, Some(format!("/auth/{listed}").as_str()), "{listed}");
        }
    }

    #[test]
    fn debug_never_prints_a_secret() {
        let settings = Settings::from_pairs([
            ("FC_CLIENT_ID", "the-client-id"),
            ("FC_CLIENT_SECRET", "hunter2-client"),
            ("FC_LOGIN_COOKIE_SECRET", "hunter2-cookie"),
            ("SESSION_KEY", "hunter2-session"),
            ("FC_KEYS_FILE", "/run/secrets/hunter2-keys.json"),
            ("SMTP_PASSWORD", "hunter2-smtp"),
            (
                "DATABASE_URL",
                "postgres://app:hunter2-db@db/sessions?password=hunter2-query&sslmode=require",
            ),
            ("REDIS_URL", "redis://:hunter2-redis@127.0.0.1:6379"),
        ]);
        let shown = format!("{settings:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("\"FC_CLIENT_ID\": \"the-client-id\""), "{shown}");
        assert!(shown.contains("\"FC_CLIENT_SECRET\": \"<redacted>\""), "{shown}");
        assert!(shown.contains("\"SESSION_KEY\": \"<redacted>\""), "{shown}");
        assert!(shown.contains("postgres://db/sessions?sslmode=require"), "{shown}");
        assert!(shown.contains("redis://127.0.0.1:6379"), "{shown}");
        let pretty = format!("{settings:#?}");
        assert!(!pretty.contains("hunter2"), "{pretty}");

        let store = Settings::from_pairs([("DATABASE_URL", "postgres://app:hunter2@db/sessions?password=hunter2")])
            .shared_store()
            .unwrap()
            .unwrap();
        assert_eq!(format!("{store:?}"), "Postgres(\"postgres://db/sessions\")");
        let store = SharedStore::Redis("redis://user:hunter2@cache:6379/1".into());
        assert_eq!(format!("{store:?}"), "Redis(\"redis://cache:6379/1\")");
    }
}
