//! The routes under the prefix (default `/auth`):
//!
//! | route | what it does |
//! |---|---|
//! | `GET /auth/login?return_to=/path&acr=eidas2` | starts a login (nothing stored on the server: a sealed cookie), 303 to the provider; `acr` narrows the configured level or values, never lowers them (`403 acr_unavailable` when nothing is left); on ProConnect `prompt=none` asks for a silent login (unless a `prompt` is configured, which wins), which comes back to `return_to` signed out when there is no ProConnect session |
//! | `GET /auth/callback` | completes it, renews the session id, 303 to `return_to` or `/` |
//! | `POST /auth/logout` | clears the session, revokes the tokens (the refresh token, then the access token), 303 to the provider's logout (same-site posts only) |
//! | `GET /auth/logout` | a page with the logout button (a logout is never a `GET`) |
//! | `GET /auth/logout/callback` | checks the logout `state`, 303 to `/` |
//! | `GET /auth/jwks` | the service's public encryption keys |
//! | `GET /auth/sector-identifier` | the redirect URIs, as the `sector_identifier_uri` document (when configured) |

use std::sync::Arc;

use http::header::{ALLOW, SET_COOKIE};
use http::{HeaderMap, Method, Response, StatusCode, Uri};

use crate::client::FranceConnect;
use crate::clock::age;
use crate::config::Platform;
use crate::error::ConfigError;
use crate::identity::SignedInUser;
use crate::web::access::guard::Rejection;
use crate::web::access::sign_in_hook::{SignInDecision, SignInHook};
use crate::web::login_cookie::LoginCookies;
use crate::web::pages::responses::{AuthContext, Format, session_unavailable_response};
use crate::web::sessions::{SessionBackend, SessionError, USER_KEY, activity_mark_due, mark_active};

/// The routes, independent of any web framework: give them the request's
/// method, URI and headers and the user's session, get an
/// `http::Response<String>` back.
///
/// One platform ([`AuthRoutes::new`]) serves the table above under `/auth`.
/// Several ([`AuthRoutes::federation`]) serve each platform's login,
/// callback, logout callback and sector identifier under
/// `/auth/{platform}` (`/auth/fc`, `/auth/fcplus`, `/auth/proconnect`),
/// and share `/auth/logout` (which ends the session on the platform that
/// signed the user in), `/auth/jwks` (the service's keys) and
/// `/auth/login` (a page offering each platform).
#[derive(Clone, Debug)]
pub struct AuthRoutes {
    // Shared, like the rest: the routes are cloned into every request.
    platforms: Arc<[PlatformRoutes]>,
    ctx: AuthContext,
    app_origin: Arc<str>,
    sign_in_hook: Option<SignInHook>,
    /// Each platform under its own segment (`federation`, whatever the
    /// number of platforms), as `Config::federation_from_env` defaults the
    /// redirect URIs; `new`'s one platform at the prefix itself.
    per_platform: bool,
}

/// One platform's engine and the sealing of its pending logins (bound to
/// its issuer, client id and redirect URI: a callback of another platform
/// cannot open them).
#[derive(Debug)]
struct PlatformRoutes {
    fc: FranceConnect,
    login_cookies: LoginCookies,
}

impl PlatformRoutes {
    fn platform(&self) -> Platform {
        self.fc.config().platform()
    }
}

impl AuthRoutes {
    /// The routes of one platform under `/auth`.
    pub fn new(fc: FranceConnect) -> Self {
        Self::build(vec![fc], "/auth", false)
    }

    /// The routes of several platforms, each under `/auth/{platform}` (its
    /// `FC_PLATFORM` value), each engine's redirect URIs registered there
    /// (`APP_URL/auth/proconnect/callback`…), as
    /// [`Config::federation_from_env`](crate::Config::federation_from_env)
    /// defaults them. One platform alone is served the same way
    /// (`/auth/proconnect/callback`), so that adding a second one later
    /// changes no registered URI; [`AuthRoutes::new`] serves one at `/auth`.
    ///
    /// ```
    /// use franceconnect_tower::web::AuthRoutes;
    /// use franceconnect_tower::{Config, Environment, FranceConnect, Platform};
    ///
    /// let engine = |platform: Platform| {
    ///     let at = format!("https://service.example.fr/auth/{}", platform.setting());
    ///     let config = Config::builder(platform, Environment::Sandbox)
    ///         .client_id("id")
    ///         .client_secret("secret")
    ///         .redirect_uri(format!("{at}/callback"))
    ///         .post_logout_redirect_uri(format!("{at}/logout/callback"))
    ///         .build()
    ///         .unwrap();
    ///     FranceConnect::new(config)
    /// };
    /// let routes = AuthRoutes::federation([engine(Platform::FranceConnect), engine(Platform::ProConnect)]).unwrap();
    /// assert!(routes.matches("/auth/proconnect/callback"));
    /// assert_eq!(routes.context().platform_prefix(Platform::FranceConnect), Some("/auth/fc"));
    /// ```
    pub fn federation(engines: impl IntoIterator<Item = FranceConnect>) -> Result<Self, ConfigError> {
        let engines: Vec<FranceConnect> = engines.into_iter().collect();
        let Some(first) = engines.first() else {
            return Err(ConfigError::new("a federation needs at least one platform"));
        };
        let origin = first.config().redirect_uri().origin();
        for (i, fc) in engines.iter().enumerate() {
            let platform = fc.config().platform();
            if engines[..i].iter().any(|e| e.config().platform() == platform) {
                return Err(ConfigError::new(format!(
                    "{} is configured twice",
                    platform.display_name()
                )));
            }
            if fc.config().redirect_uri().origin() != origin {
                return Err(ConfigError::new(
                    "every platform's redirect URI must be on the same site (APP_URL): the session is the site's",
                ));
            }
        }
        Ok(Self::build(engines, "/auth", true))
    }

    fn build(engines: Vec<FranceConnect>, prefix: &str, per_platform: bool) -> Self {
        let federation = engines.len() > 1;
        let app_origin = engines[0].config().redirect_uri().origin().ascii_serialization().into();
        let served: Vec<Platform> = engines.iter().map(|e| e.config().platform()).collect();
        let ctx = AuthContext::serving(prefix, &served, per_platform);
        for fc in &engines {
            let config = fc.config();
            let at = ctx.platform_prefix(config.platform()).unwrap_or(prefix);
            for (name, uri, route) in [
                ("redirect URI", config.redirect_uri(), "/callback"),
                (
                    "post-logout redirect URI",
                    config.post_logout_redirect_uri(),
                    "/logout/callback",
                ),
            ] {
                if !uri.path().ends_with(&format!("{at}{route}")) {
                    tracing::warn!(
                        platform = config.platform().display_name(),
                        uri = %uri,
                        "the {name} does not end with {at}{route}, where the routes serve it: the platform's answers will not reach them unless a proxy rewrites the path"
                    );
                }
            }
        }
        let platforms = engines
            .into_iter()
            .map(|fc| {
                let cookies = LoginCookies::new(fc.config());
                PlatformRoutes {
                    login_cookies: if federation { cookies.among_several() } else { cookies },
                    fc,
                }
            })
            .collect();
        Self {
            platforms,
            ctx,
            app_origin,
            sign_in_hook: None,
            per_platform,
        }
    }

    /// Asks `hook` about every person a provider has just signed in, before
    /// anything is stored: it accepts them, possibly as one of the
    /// application's accounts ([`SignInDecision::AcceptAs`], then in
    /// [`SignedInUser::account`]), or refuses them with a page.
    ///
    /// ```
    /// use franceconnect_tower::web::{AuthRoutes, SignInDecision};
    /// use franceconnect_tower::{Config, Environment, FranceConnect, Platform};
    ///
    /// # let config = Config::builder(Platform::FranceConnect, Environment::Sandbox)
    /// #     .client_id("id").client_secret("s")
    /// #     .redirect_uri("https://a.fr/auth/callback").post_logout_redirect_uri("https://a.fr/auth/logout/callback")
    /// #     .build().unwrap();
    /// let routes = AuthRoutes::new(FranceConnect::new(config)).on_sign_in(|user| async move {
    ///     match user.pivot_identity() {
    ///         // Look the person up in the application's own accounts…
    ///         Some(pivot) if pivot.birthdate.year() <= 2008 => SignInDecision::AcceptAs(format!("account-of-{}", user.sub).into()),
    ///         Some(_) => SignInDecision::Refuse("Ce service est réservé aux personnes majeures.".into()),
    ///         None => SignInDecision::Accept,
    ///     }
    /// });
    /// # let _ = routes;
    /// ```
    ///
    /// The hook is given the sign-in's access token
    /// ([`SignedInUser::access_token`]): the place to call the State's APIs
    /// that take it, FranceConnect's token living 60 seconds (with the
    /// data scopes, [`DataScope`](crate::DataScope), API Particulier's "API
    /// FranceConnectées"). Keep what the application needs in its own
    /// account ([`SignInDecision::AcceptAs`]); never the token itself.
    ///
    /// ```no_run
    /// use franceconnect_tower::web::{AuthRoutes, SignInDecision};
    ///
    /// # fn with(routes: AuthRoutes, http: reqwest::Client) -> AuthRoutes {
    /// routes.on_sign_in(move |user| {
    ///     let http = http.clone();
    ///     async move {
    ///         let Some(token) = user.access_token().filter(|t| !t.is_expired()) else {
    ///             return SignInDecision::Accept;
    ///         };
    ///         let answer = http
    ///             .get("https://particulier.api.gouv.fr/api/v2/composition-familiale-v2")
    ///             .bearer_auth(token.secret())
    ///             .timeout(std::time::Duration::from_secs(5))
    ///             .send()
    ///             .await;
    ///         match answer {
    ///             Ok(r) if r.status().is_success() => SignInDecision::AcceptAs(serde_json::json!({
    ///                 "composition_familiale": r.text().await.ok(),
    ///             })),
    ///             // The API is down: sign the person in all the same.
    ///             _ => SignInDecision::Accept,
    ///         }
    ///     }
    /// })
    /// # }
    /// ```
    pub fn on_sign_in<F, Fut>(mut self, hook: F) -> Self
    where
        F: Fn(SignedInUser) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = SignInDecision> + Send + 'static,
    {
        self.sign_in_hook = Some(SignInHook::new(hook));
        self
    }

    /// Mounts the routes under another prefix (`/connexion`, `/fc`…): it
    /// must start with `/` and not end with one. Remember to register the
    /// matching redirect URIs with the platforms.
    ///
    /// # Panics
    /// On an invalid prefix: this is a programming error, found at start-up.
    pub fn with_prefix(self, prefix: &str) -> Self {
        assert!(
            prefix.starts_with('/') && !prefix.ends_with('/') && prefix.len() > 1 && !prefix.contains(['?', '#']),
            "the FranceConnect prefix must look like /auth"
        );
        let mut rebuilt = Self::build(
            self.platforms.iter().map(|p| p.fc.clone()).collect(),
            prefix,
            self.per_platform,
        );
        rebuilt.sign_in_hook = self.sign_in_hook;
        rebuilt.ctx.pages = self.ctx.pages;
        rebuilt
    }

    /// Shows `pages` to browsers instead of the French ones
    /// ([`EnglishPages`](crate::web::EnglishPages), or the service's own
    /// [`Pages`](crate::web::Pages)): the routes' pages and the guards'
    /// refusals alike.
    ///
    /// ```
    /// use franceconnect_tower::web::{AuthRoutes, EnglishPages};
    /// # use franceconnect_tower::{Config, Environment, FranceConnect, Platform};
    /// # let config = Config::builder(Platform::FranceConnect, Environment::Sandbox)
    /// #     .client_id("id").client_secret("s")
    /// #     .redirect_uri("https://a.fr/auth/callback").post_logout_redirect_uri("https://a.fr/auth/logout/callback")
    /// #     .build().unwrap();
    /// let routes = AuthRoutes::new(FranceConnect::new(config)).with_pages(EnglishPages);
    /// # let _ = routes;
    /// ```
    pub fn with_pages(mut self, pages: impl crate::web::Pages) -> Self {
        self.ctx.pages = Arc::new(pages);
        self
    }

    /// The engine of the first platform given (the only one, usually):
    /// FranceConnect's, FranceConnect+'s or ProConnect's. With several, see
    /// [`engine`](Self::engine).
    pub fn first_engine(&self) -> &FranceConnect {
        &self.platforms[0].fc
    }

    /// The earlier name of [`first_engine`](Self::first_engine), which may
    /// be ProConnect's.
    #[deprecated(note = "renamed `first_engine`: the first platform's engine, which may be ProConnect's")]
    pub fn franceconnect(&self) -> &FranceConnect {
        self.first_engine()
    }

    /// The platforms served, in the order given.
    pub fn platforms(&self) -> Vec<Platform> {
        self.platforms.iter().map(PlatformRoutes::platform).collect()
    }

    /// The engine of `platform`, when the routes serve it.
    pub fn engine(&self, platform: Platform) -> Option<&FranceConnect> {
        self.platform_routes(platform).map(|p| &p.fc)
    }

    fn platform_routes(&self, platform: Platform) -> Option<&PlatformRoutes> {
        self.platforms.iter().find(|p| p.platform() == platform)
    }

    /// The context extractors need (the prefixes).
    pub fn context(&self) -> &AuthContext {
        &self.ctx
    }

    /// True when `path` belongs to these routes.
    pub fn matches(&self, path: &str) -> bool {
        path.strip_prefix(self.ctx.prefix())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }

    /// What an adapter's middleware answers when the session it saw at the
    /// callback no longer holds the user the callback stored (see
    /// [`UserStored`](crate::web::adapter::UserStored)): a `500` naming the fix
    /// (`hint`, in the adapter's terms) — the session layer runs after
    /// ours, and the user would go round the login for ever. Only the
    /// server's own state leads here, never what a browser sends.
    pub fn session_order_error(&self, hint: &'static str) -> Response<String> {
        tracing::error!(
            "the session the callback stored the user in was saved before FranceConnect's middleware saw it: the \
             session middleware runs after FranceConnect's, so the user would be sent round the login for ever ({hint})"
        );
        Rejection::setup_error("the session middleware, before FranceConnect's", hint).into_response()
    }

    /// What an adapter's middleware does before the handler of any other
    /// request: the signed-in user of `session`, if any, with the session
    /// marked active. A store failure is logged; answer it with
    /// [`session_unavailable_response`](crate::web::adapter::session_unavailable_response).
    ///
    /// The user comes boxed: deserialised into its box, its 500-odd bytes are
    /// not copied again on their way to the request's extensions.
    pub async fn load_user<S: SessionBackend>(&self, session: &S) -> Result<Option<Box<SignedInUser>>, SessionError> {
        let user = session.get::<Box<SignedInUser>>(USER_KEY).await.inspect_err(|e| {
            tracing::error!(error = %e, "session store failure while loading the signed-in user");
        })?;
        // The rare writes are boxed, the user moved in, and awaited after
        // the user's scope ends: inline, they and the user would be carried,
        // and copied, by every request's future.
        let rare = match user {
            None => return Ok(None),
            Some(user) => {
                let expired = age(user.signed_in_at) > self.engine_of(&user).config().session_lifetime();
                if !expired && (S::EXTENDS_EXPIRY_ON_EVERY_REQUEST || !activity_mark_due(&user)) {
                    return Ok(Some(user));
                }
                Box::pin(self.end_or_mark_active(session, user, expired))
            }
        };
        rare.await
    }

    /// The engine that signed `user` in.
    fn engine_of(&self, user: &SignedInUser) -> &FranceConnect {
        self.engine(user.platform).unwrap_or(self.first_engine())
    }

    /// Ends a session past its absolute lifetime (however active the user),
    /// or writes the activity mark that keeps it alive.
    async fn end_or_mark_active<S: SessionBackend>(
        &self,
        session: &S,
        mut user: Box<SignedInUser>,
        expired: bool,
    ) -> Result<Option<Box<SignedInUser>>, SessionError> {
        if expired {
            tracing::info!("session past its absolute lifetime: signed out");
            session.discard().await?;
            return Ok(None);
        }
        if let Err(e) = mark_active(session, &mut user).await {
            tracing::warn!(error = %e, "could not mark the session active");
        }
        Ok(Some(user))
    }

    /// Answers a request whose path [`matches`](Self::matches).
    pub async fn handle(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
        session: &impl SessionBackend,
    ) -> Response<String> {
        let rest = uri.path().strip_prefix(self.ctx.prefix()).unwrap_or_default();
        // One platform (`new`): its routes are the prefix's. A federation,
        // of one platform or several: each under its own segment, the
        // shared ones at the prefix.
        let (platform, route) = match &*self.platforms {
            [only] if !self.per_platform => (Some(only), rest),
            all => all
                .iter()
                .find_map(|p| {
                    let tail = rest.strip_prefix('/')?.strip_prefix(p.platform().setting())?;
                    (tail.is_empty() || tail.starts_with('/')).then_some((Some(p), tail))
                })
                .unwrap_or((None, rest)),
        };
        let format = Format::from_headers(headers);
        let query = uri.query().unwrap_or_default();
        let result = match (platform, route, method) {
            (Some(p), "/login", &Method::GET) => Ok(self.login(p, query, headers, format).await),
            (None, "/login", &Method::GET) => Ok(self.choose_platform(query, format)),
            (Some(p), "/callback", &Method::GET) => self.callback(p, query, headers, format, session).await,
            (_, "/logout", &Method::POST) => self.logout(headers, format, session).await,
            (Some(p), "/logout/callback", &Method::GET) => self.logout_callback(p, query, format, session).await,
            (_, "/jwks", &Method::GET) => Ok(self.jwks()),
            (Some(p), "/sector-identifier", &Method::GET) => Ok(self.sector_identifier(p, format)),
            // A platform's route at the shared prefix (several platforms).
            (None, "/callback" | "/logout/callback" | "/sector-identifier", &Method::GET) => {
                Ok(not_found(&self.ctx, format))
            }
            (_, "/login" | "/callback" | "/logout/callback" | "/jwks" | "/sector-identifier", _) => {
                Ok(method_not_allowed("GET"))
            }
            (_, "/logout", &Method::GET) => Ok(self.logout_page(format)),
            (_, "/logout", _) => Ok(method_not_allowed("GET, POST")),
            _ => Ok(not_found(&self.ctx, format)),
        };
        result.unwrap_or_else(|e| {
            tracing::error!(error = %e, "session store failure in the FranceConnect routes");
            session_unavailable_response(format)
        })
    }
}

fn not_found(ctx: &AuthContext, format: Format) -> Response<String> {
    ctx.refusal(StatusCode::NOT_FOUND, "not_found", "Cette page n'existe pas.", format)
}

/// Adds a `Set-Cookie` header (ours are always valid header values).
fn set_cookie(res: &mut Response<String>, value: &str) {
    if let Ok(value) = http::HeaderValue::from_str(value) {
        res.headers_mut().append(SET_COOKIE, value);
    }
}

/// Revokes `user`'s tokens at `fc`'s provider: the refresh token first
/// (kept with `refresh_tokens`; on ProConnect its revocation ends the whole
/// grant), then the access token while it is valid. Best effort: the
/// first failure is returned for the caller to log; a provider that did
/// not answer the first is not asked the second.
pub(super) async fn revoke_tokens(fc: &FranceConnect, user: &SignedInUser) -> Result<(), crate::Error> {
    if user.has_refresh_token()
        && let Err(e) = fc.revoke_refresh_token(user).await
    {
        if matches!(e, crate::Error::Network(_) | crate::Error::Discovery(_)) {
            return Err(e);
        }
        fc.revoke_access_token(user).await?;
        return Err(e);
    }
    fc.revoke_access_token(user).await.map(drop)
}

fn method_not_allowed(allow: &'static str) -> Response<String> {
    Response::builder()
        .status(StatusCode::METHOD_NOT_ALLOWED)
        .header(ALLOW, allow)
        .body(String::new())
        .expect("a valid response")
}

mod access_token;
pub use access_token::LiveAccessToken;
mod callback;
mod documents;
mod login;
mod logout;
#[cfg(test)]
mod tests;
