//! The routes under the prefix (default `/auth`):
//!
//! | route | what it does |
//! |---|---|
//! | `GET /auth/login?return_to=/path&acr=eidas2` | starts a login (nothing stored on the server: a sealed cookie), 303 to the provider; `acr` narrows the configured level or values, never lowers them (`403 acr_unavailable` when nothing is left); on ProConnect `prompt=none` asks for a silent login (unless a `prompt` is configured, which wins), which comes back to `return_to` signed out when there is no ProConnect session |
//! | `GET /auth/callback` | completes it, renews the session id, 303 to `return_to` or `/` |
//! | `POST /auth/logout` | clears the session, revokes the access token, 303 to the provider's logout (same-site posts only) |
//! | `GET /auth/logout` | a page with the logout button (a logout is never a `GET`) |
//! | `GET /auth/logout/callback` | checks the logout `state`, 303 to `/` |
//! | `GET /auth/jwks` | the service's public encryption keys |
//! | `GET /auth/sector-identifier` | the redirect URIs, as the `sector_identifier_uri` document (when configured) |

use std::sync::Arc;

use http::header::{ALLOW, CACHE_CONTROL, CONTENT_TYPE, SET_COOKIE};
use http::{HeaderMap, Method, Response, StatusCode, Uri};
use tracing::Instrument;
use url::form_urlencoded;

use crate::acr::{Acr, RequestedAcr};
use crate::client::FranceConnect;
use crate::clock::age;
use crate::config::{Platform, Prompt};
use crate::eidas::Eidas;
use crate::error::{ConfigError, Error, ProviderError, ProviderErrorCode, StateError};
use crate::flow::{CallbackParams, LoginOptions, PendingLogout};
use crate::identity::{SignedInUser, StoredUser};
use crate::values::ReturnTo;
use crate::web::cross_site::is_cross_site_request;
use crate::web::error_view::{error_code, platform_code_of};
use crate::web::guard::Rejection;
use crate::web::login_cookie::LoginCookies;
use crate::web::responses::{AuthContext, Format, html_response, redirect, session_unavailable_response};
use crate::web::session::{
    EARLIER_SIGN_IN_KEY, LOGOUT_NEXT_KEY, PENDING_LOGOUT_KEY, SessionBackend, SessionError, USER_KEY,
    activity_mark_due, mark_active,
};
use crate::web::session_check::UserStored;
use crate::web::sign_in_hook::{SignInDecision, SignInHook};

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
        Self::build(vec![fc], "/auth")
    }

    /// The routes of several platforms, each under `/auth/{platform}` (its
    /// `FC_PLATFORM` value), each engine's redirect URIs registered there
    /// (`APP_URL/auth/proconnect/callback`…). One engine alone gives
    /// [`AuthRoutes::new`]'s routes, unchanged.
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
        Ok(Self::build(engines, "/auth"))
    }

    fn build(engines: Vec<FranceConnect>, prefix: &str) -> Self {
        let federation = engines.len() > 1;
        let app_origin = engines[0].config().redirect_uri().origin().ascii_serialization().into();
        let served: Vec<Platform> = engines.iter().map(|e| e.config().platform()).collect();
        let ctx = AuthContext::serving(prefix, &served);
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
        let mut rebuilt = Self::build(self.platforms.iter().map(|p| p.fc.clone()).collect(), prefix);
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

    /// The engine of the first platform (the only one, usually).
    pub fn franceconnect(&self) -> &FranceConnect {
        &self.platforms[0].fc
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
    /// [`UserStored`](crate::web::UserStored)): a `500` naming the fix
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
    /// [`session_unavailable_response`](crate::web::session_unavailable_response).
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
        self.engine(user.platform).unwrap_or(self.franceconnect())
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
        // One platform: its routes are the prefix's. Several: each under
        // its own segment, the shared ones at the prefix.
        let (platform, route) = match &*self.platforms {
            [only] => (Some(only), rest),
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

    /// Starts a login. Nothing is stored on the server: the pending login
    /// travels in its own sealed cookie (see `login_cookie.rs`).
    async fn login(&self, p: &PlatformRoutes, query: &str, headers: &HeaderMap, format: Format) -> Response<String> {
        if let Some(refused) = self.wrong_loopback_host(p, query, headers, format) {
            return refused;
        }
        let mut options = LoginOptions::default();
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            match &*k {
                "return_to" if v.len() > ReturnTo::MAX_LEN => {
                    tracing::warn!(len = v.len(), "login refused: return_to is too long");
                    return self.ctx.refusal(
                        StatusCode::BAD_REQUEST,
                        "invalid_return_to",
                        "L'adresse de retour est trop longue.",
                        format,
                    );
                }
                "return_to" => match ReturnTo::parse(&v) {
                    // Coming back into the auth routes would loop.
                    Ok(r) if !self.matches(r.as_str().split(['?', '#']).next().unwrap_or_default()) => {
                        options.return_to = Some(r)
                    }
                    _ => {
                        tracing::warn!("login refused: return_to is not a page of the site outside the auth routes");
                        return self.ctx.refusal(
                            StatusCode::BAD_REQUEST,
                            "invalid_return_to",
                            "L'adresse de retour doit être une page de ce site.",
                            format,
                        );
                    }
                },
                // Asked by a guard that wants a recent authentication; the
                // only value a visitor may set.
                "prompt" if v == "login" => options.prompt = Some(Prompt::Login),
                // A silent login (ProConnect): "am I signed in there?".
                "prompt" if v == "none" && p.fc.config().platform() == Platform::ProConnect => {
                    options.prompt = Some(Prompt::None)
                }
                // ProConnect's hints are its identity providers' ids; FranceConnect's
                // must be on the allow-list.
                "idp_hint"
                    if p.fc.config().platform() == Platform::ProConnect || p.fc.config().is_allowed_idp_hint(&v) =>
                {
                    options.idp_hint = Some(v.into_owned())
                }
                "idp_hint" => {
                    tracing::warn!("login refused: idp_hint is not on the allow-list");
                    return self.ctx.refusal(
                        StatusCode::BAD_REQUEST,
                        "invalid_idp_hint",
                        "Ce fournisseur d'identité n'est pas proposé.",
                        format,
                    );
                }
                // Asked by a guard that wants an agent's second factor.
                "acr" if v == "mfa" && p.fc.config().platform() == Platform::ProConnect => {
                    options.acr_values = Some(Acr::MFA.to_vec())
                }
                "acr" => match v.parse::<Eidas>() {
                    Ok(level) if p.fc.config().platform().accepted_levels().contains(&level) => {
                        options.eidas = Some(level)
                    }
                    _ => {
                        return self.ctx.refusal(
                            StatusCode::BAD_REQUEST,
                            "invalid_acr",
                            "Ce niveau de sécurité n'est pas proposé.",
                            format,
                        );
                    }
                },
                _ => {}
            }
        }
        // What a visitor asks narrows the configured floor; asking for
        // nothing the service accepts is refused, never widened.
        if let Err(e) = options.requested_acr(p.fc.config()) {
            tracing::warn!(error = %e, "login refused: the level asked is not one this service accepts");
            return self.ctx.refusal(
                StatusCode::FORBIDDEN,
                "acr_unavailable",
                "Le niveau de sécurité demandé n'est pas proposé par ce service.",
                format,
            );
        }
        let retry = self.ctx.login_url_on(
            Some(p.platform()),
            options.return_to.as_ref().map(ReturnTo::as_str),
            options.eidas,
        );
        match p.fc.begin_login(options).await {
            Ok((url, pending)) => {
                let mut res = redirect(url.as_str());
                let sealed = p.login_cookies.seal(&pending);
                for stale in p.login_cookies.evict_old(headers, &sealed) {
                    set_cookie(&mut res, &stale);
                }
                set_cookie(&mut res, &sealed);
                res
            }
            Err(e) => {
                tracing::warn!(code = error_code(&e), error = %e, "login could not start");
                self.ctx.error_response(&e, format, Some(&retry))
            }
        }
    }

    async fn callback(
        &self,
        p: &PlatformRoutes,
        query: &str,
        headers: &HeaderMap,
        format: Format,
        session: &impl SessionBackend,
    ) -> Result<Response<String>, SessionError> {
        let callback = CallbackParams::from_query(query);
        let state = callback.state.as_deref();
        let mut pending = state.and_then(|s| p.login_cookies.open(headers, s));
        // Used up whatever happens next (when it carries a code to exchange);
        // a replayed cookie finds it spent.
        if let (Some(s), Some(_), Some(_)) = (state, &pending, &callback.code)
            && !p.login_cookies.consume(s).await
        {
            tracing::warn!("callback replayed: its login was already used");
            pending = None;
        }
        let retry_target = pending.as_ref().and_then(|p| p.return_to.clone());
        let retry = self.ctx.login_url_on(
            Some(p.platform()),
            retry_target.as_ref().map(ReturnTo::as_str),
            pending.as_ref().and_then(|p| match p.acr {
                RequestedAcr::AtLeast(level) => Some(level),
                RequestedAcr::OneOf(_) => None,
            }),
        );
        let result = match &pending {
            Some(login) => p.fc.complete_login(&callback, login).await,
            None => {
                // The engine never sees it: counted here.
                let e = unmatched_callback(&callback);
                crate::metrics::login_failed(p.platform(), crate::metrics::LoginStep::Callback, &e);
                Err(e)
            }
        };
        let mut res = match result {
            Ok(mut user) => {
                let decision = match &self.sign_in_hook {
                    Some(hook) => hook.decide(&user).await,
                    None => SignInDecision::Accept,
                };
                match decision {
                    SignInDecision::Refuse(message) => {
                        tracing::info!(
                            platform = user.platform.display_name(),
                            "sign-in refused by the application"
                        );
                        if let Err(e) = p.fc.revoke_access_token(&user).await {
                            tracing::warn!(code = error_code(&e), "access token of a refused sign-in not revoked");
                        }
                        self.ctx
                            .refusal(StatusCode::FORBIDDEN, "sign_in_refused", &message, format)
                    }
                    decision => {
                        if let SignInDecision::AcceptAs(account) = decision {
                            user.account = Some(account);
                        }
                        let target = pending.and_then(|p| p.return_to).map(|r| r.as_str().to_owned());
                        self.sign_in(session, user).await?;
                        let mut res = redirect(target.as_deref().unwrap_or("/"));
                        res.extensions_mut().insert(UserStored);
                        res
                    }
                }
            }
            // A silent login that found no session: the visitor carries on
            // where they were, signed out, with nothing to alarm them.
            Err(e) if e.is_login_required() && pending.is_some() => {
                tracing::debug!("silent login: no session at the provider");
                redirect(retry_target.as_ref().map_or("/", ReturnTo::as_str))
            }
            Err(e) => {
                if let Some(c) = platform_code_of(&e) {
                    tracing::warn!(
                        platform_code = c.code,
                        cause = c.cause,
                        fix = c.fix,
                        "FranceConnect refused the login"
                    );
                }
                if pending.is_none() {
                    tracing::warn!(code = error_code(&e), "callback without a matching pending login");
                } else if matches!(&e, Error::Provider(p) if p.code == ProviderErrorCode::InvalidIdpHint) {
                    tracing::warn!(
                        "invalid_idp_hint: the platform does not offer this identity provider to this service; \
                         check FC_IDP_HINTS against the providers your registration allows"
                    );
                }
                self.ctx.error_response(&e, format, Some(&retry))
            }
        };
        if let Some(s) = state
            && p.login_cookies.present(headers, s)
        {
            set_cookie(&mut res, &p.login_cookies.clear(s));
        }
        Ok(res)
    }

    /// Puts `user` in the session under a new id (against session
    /// fixation). A session that belonged to someone else is emptied first:
    /// nothing of the previous person's survives, application data
    /// included, and their access tokens are revoked (their single sign-on
    /// at the provider, which only a logout through the browser ends, stays
    /// until it expires there). The same person signing in again (a
    /// step-up) keeps the application's data; on ProConnect, only for the
    /// same organisation (`siret`). A step-up through another platform
    /// (FranceConnect then FranceConnect+) keeps them only when both give
    /// the same pivot identity, and remembers the earlier sign-in for the
    /// logout to end it too. What an unfinished logout left (its pending
    /// state, the next platform to leave) never passes to the new sign-in.
    async fn sign_in(&self, session: &impl SessionBackend, user: SignedInUser) -> Result<(), SessionError> {
        let previous = session.get::<SignedInUser>(USER_KEY).await?;
        session.remove_value(PENDING_LOGOUT_KEY).await?;
        session.remove_value(LOGOUT_NEXT_KEY).await?;
        match previous {
            Some(p) if is_same_account(&p, &user) => {
                session.cycle_id().await?;
                self.revoke_replaced(&p, &user).await;
            }
            Some(p) if p.platform != user.platform && is_same_citizen(&p, &user) => {
                session.cycle_id().await?;
                session.insert(EARLIER_SIGN_IN_KEY, &StoredUser(&p)).await?;
            }
            Some(p) => {
                let earlier = session.get::<SignedInUser>(EARLIER_SIGN_IN_KEY).await?;
                session.clear().await?;
                for replaced in std::iter::once(&p).chain(&earlier) {
                    self.revoke_replaced(replaced, &user).await;
                }
            }
            // A user this version cannot read is still someone's session:
            // emptied like another person's.
            None if session.get::<serde::de::IgnoredAny>(USER_KEY).await?.is_some() => session.clear().await?,
            None => session.cycle_id().await?,
        }
        session.insert(USER_KEY, &StoredUser(&user)).await?;
        session.save().await
    }

    /// Revokes the access token of a sign-in that `user`'s replaces (best
    /// effort: a failure is logged, the new sign-in goes on).
    async fn revoke_replaced(&self, replaced: &SignedInUser, user: &SignedInUser) {
        let Some(fc) = self.engine(replaced.platform) else {
            return;
        };
        if let Err(e) = fc.revoke_access_token(replaced).await {
            tracing::warn!(
                code = error_code(&e),
                replaced = replaced.platform.display_name(),
                platform = user.platform.display_name(),
                "the replaced sign-in's access token was not revoked"
            );
        }
    }

    /// `POST /auth/logout`, in the span `franceconnect.logout` (fields
    /// `platform`, `outcome`: `provider`, `local`, `no_session` or
    /// `cross_site_refused`, `duration_ms`), which holds the revocations'.
    async fn logout(
        &self,
        headers: &HeaderMap,
        format: Format,
        session: &impl SessionBackend,
    ) -> Result<Response<String>, SessionError> {
        let span = tracing::info_span!(
            "franceconnect.logout",
            platform = tracing::field::Empty,
            outcome = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let started = std::time::Instant::now();
        let result = self
            .logout_inner(headers, format, session)
            .instrument(span.clone())
            .await;
        span.record("duration_ms", started.elapsed().as_secs_f64() * 1e3);
        result
    }

    async fn logout_inner(
        &self,
        headers: &HeaderMap,
        format: Format,
        session: &impl SessionBackend,
    ) -> Result<Response<String>, SessionError> {
        if is_cross_site_request(headers, &self.app_origin) {
            tracing::Span::current().record("outcome", "cross_site_refused");
            tracing::warn!("cross-site logout refused");
            return Ok(self.ctx.refusal(
                StatusCode::FORBIDDEN,
                "cross_site_request",
                "La déconnexion doit être demandée depuis ce site.",
                format,
            ));
        }
        let Some(user) = session.get::<SignedInUser>(USER_KEY).await? else {
            tracing::Span::current().record("outcome", "no_session");
            session.discard().await?;
            return Ok(redirect("/"));
        };
        tracing::Span::current().record("platform", user.platform.setting());
        let earlier = session.get::<SignedInUser>(EARLIER_SIGN_IN_KEY).await?;
        // Clear the local session first: the providers' logouts may fail.
        session.clear().await?;
        self.end_and_revoke(session, user, earlier).await
    }

    /// The logout once the local session is cleared: the access tokens
    /// revoked, the browser sent to the providers.
    async fn end_and_revoke(
        &self,
        session: &impl SessionBackend,
        user: SignedInUser,
        earlier: Option<SignedInUser>,
    ) -> Result<Response<String>, SessionError> {
        for signed_in in std::iter::once(&user).chain(&earlier) {
            // Revocation is best effort: a refusal or an outage is logged
            // and the logout goes on.
            if let Some(fc) = self.engine(signed_in.platform)
                && let Err(e) = fc.revoke_access_token(signed_in).await
            {
                tracing::warn!(code = error_code(&e), error = %e, "access token not revoked; logout goes on");
            }
        }
        self.end_at_provider(session, user, earlier).await
    }

    /// Sends the browser to the logout of the platform that signed `user`
    /// in; with an `earlier` sign-in on another platform (a step-up), that
    /// one's logout follows from the first's callback. Records its
    /// `outcome` on the logout span, when it runs in one.
    async fn end_at_provider(
        &self,
        session: &impl SessionBackend,
        user: SignedInUser,
        earlier: Option<SignedInUser>,
    ) -> Result<Response<String>, SessionError> {
        let Some(fc) = self.engine(user.platform) else {
            tracing::warn!(
                platform = user.platform.display_name(),
                "no routes for this platform; signed out locally"
            );
            tracing::Span::current().record("outcome", "local");
            return Ok(redirect("/"));
        };
        match fc.logout_url(&user).await {
            Ok((url, pending)) => {
                tracing::Span::current().record("outcome", "provider");
                session.insert(PENDING_LOGOUT_KEY, &pending).await?;
                if let Some(next) = &earlier {
                    session.insert(LOGOUT_NEXT_KEY, &StoredUser(next)).await?;
                }
                session.save().await?;
                Ok(redirect(url.as_str()))
            }
            Err(e) => {
                tracing::warn!(code = error_code(&e), error = %e, "provider logout unavailable; signed out locally");
                match earlier {
                    Some(next) => Box::pin(self.end_at_provider(session, next, None)).await,
                    None => {
                        tracing::Span::current().record("outcome", "local");
                        Ok(redirect("/"))
                    }
                }
            }
        }
    }

    async fn logout_callback(
        &self,
        p: &PlatformRoutes,
        query: &str,
        format: Format,
        session: &impl SessionBackend,
    ) -> Result<Response<String>, SessionError> {
        let state = form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "state")
            .map(|(_, v)| v.into_owned());
        let pending: Option<PendingLogout> = session.get(PENDING_LOGOUT_KEY).await?;
        if pending.is_some() {
            session.remove_value(PENDING_LOGOUT_KEY).await?;
            session.save().await?;
        }
        match p.fc.check_logout_callback(state.as_deref(), pending.as_ref()) {
            Ok(()) => match session.get::<SignedInUser>(LOGOUT_NEXT_KEY).await? {
                Some(next) => {
                    session.remove_value(LOGOUT_NEXT_KEY).await?;
                    self.end_at_provider(session, next, None).await
                }
                None => Ok(redirect("/")),
            },
            Err(e) => {
                tracing::warn!(code = error_code(&e), "logout callback with an unknown state");
                Ok(self.ctx.error_response(&e, format, None))
            }
        }
    }

    /// In development, a browser on `127.0.0.1` while `APP_URL` says
    /// `localhost` (or the other way round) would have its pending-login
    /// cookie set on one host and the callback arrive on the other: the login
    /// would end in `invalid_state`. Caught here, on loopback only (behind a
    /// proxy, the `Host` a service sees may rightly differ from its public
    /// one), with a page that says which address to open.
    fn wrong_loopback_host(
        &self,
        p: &PlatformRoutes,
        query: &str,
        headers: &HeaderMap,
        format: Format,
    ) -> Option<Response<String>> {
        let config = p.fc.config();
        if !config.is_loopback_http() {
            return None;
        }
        let redirect = config.redirect_uri();
        // Cookies belong to a host name, whatever the port: only the name
        // must match (instances on other ports share the cookies).
        let expected = redirect.host_str()?;
        let host = headers.get(http::header::HOST)?.to_str().ok()?;
        let requested = url::Url::parse(&format!("http://{host}/")).ok()?;
        if !crate::config::is_loopback(&requested) || requested.host_str()?.eq_ignore_ascii_case(expected) {
            return None;
        }
        let target = format!(
            "{}{}/login{}{query}",
            redirect.origin().ascii_serialization(),
            self.ctx.platform_prefix(p.platform()).unwrap_or(self.ctx.prefix()),
            if query.is_empty() { "" } else { "?" }
        );
        tracing::warn!(
            request_host = host,
            app_host = expected,
            "login refused: the browser is on another host than APP_URL's; its login cookie would not reach the callback (open APP_URL's address, or set APP_URL to the one you use)"
        );
        Some(self.ctx.refusal(
            StatusCode::BAD_REQUEST,
            "wrong_host",
            &format!(
                "Ce service est configuré pour l'adresse {expected} (APP_URL), et vous êtes sur {host} : la connexion échouerait. Ouvrez {target}"
            ),
            format,
        ))
    }

    /// `GET /auth/logout`: a page holding the button that `POST`s the
    /// logout (for a browser that followed a link or typed the address);
    /// `405` for an API client, which must `POST`.
    fn logout_page(&self, format: Format) -> Response<String> {
        if format == Format::Json {
            return method_not_allowed("POST");
        }
        html_response(StatusCode::OK, self.ctx.pages().logout(&self.ctx.logout_action()))
    }

    /// The JSON array of redirect URIs FranceConnect fetches at a
    /// service's `sector_identifier_uri`, when its redirect URIs span
    /// several hosts; `404` when none is configured.
    fn sector_identifier(&self, p: &PlatformRoutes, format: Format) -> Response<String> {
        let uris = p.fc.config().sector_redirect_uris();
        if uris.is_empty() {
            return self
                .ctx
                .refusal(StatusCode::NOT_FOUND, "not_found", "Cette page n'existe pas.", format);
        }
        public_json(serde_json::Value::from(
            uris.iter().map(|u| u.as_str()).collect::<Vec<_>>(),
        ))
    }

    /// The service's keys, which every platform shares: those of the first
    /// engine that has some.
    fn jwks(&self) -> Response<String> {
        let fc = self
            .platforms
            .iter()
            .map(|p| &p.fc)
            .find(|fc| fc.config().service_keys().is_some())
            .unwrap_or(self.franceconnect());
        public_json(fc.public_jwks())
    }

    /// `GET /auth/login` with several platforms: a page offering each
    /// platform's login (keeping `return_to`), or for an API client the
    /// URLs as JSON.
    fn choose_platform(&self, query: &str, format: Format) -> Response<String> {
        let return_to = form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "return_to")
            .and_then(|(_, v)| ReturnTo::parse(&v).ok())
            .filter(|r| !self.matches(r.as_str().split(['?', '#']).next().unwrap_or_default()));
        let choices: Vec<(Platform, String)> = self
            .platforms
            .iter()
            .map(|p| {
                let url = self
                    .ctx
                    .login_url_on(Some(p.platform()), return_to.as_ref().map(ReturnTo::as_str), None);
                (p.platform(), url)
            })
            .collect();
        if format == Format::Json {
            let urls: serde_json::Map<String, serde_json::Value> = choices
                .iter()
                .map(|(p, url)| (p.setting().to_owned(), url.clone().into()))
                .collect();
            let body = serde_json::json!({
                "error": "choose_platform",
                "message": "Choisissez comment vous identifier.",
                "login_urls": urls,
            });
            return Response::builder()
                .status(StatusCode::OK)
                .header(CONTENT_TYPE, "application/json")
                .header(CACHE_CONTROL, "no-store")
                .body(body.to_string())
                .expect("a valid response");
        }
        html_response(StatusCode::OK, self.ctx.pages().choose_platform(&choices))
    }
}

/// True when two sign-ins are the same account: the same platform and
/// subject and, on ProConnect, the same organisation (an agent's `sub` is
/// theirs across the establishments they sign in for, the application's
/// data are not).
fn is_same_account(a: &SignedInUser, b: &SignedInUser) -> bool {
    let organisation = |u: &SignedInUser| u.agent_identity().and_then(|agent| agent.siret);
    a.platform == b.platform && a.sub == b.sub && organisation(a) == organisation(b)
}

/// True when two sign-ins on different platforms are the same citizen:
/// both gave a pivot identity, and it is the same (FranceConnect and
/// FranceConnect+ give each service a different `sub`, but the same
/// identity from the civil register). Agents are never matched.
fn is_same_citizen(a: &SignedInUser, b: &SignedInUser) -> bool {
    match (a.pivot_identity(), b.pivot_identity()) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

fn not_found(ctx: &AuthContext, format: Format) -> Response<String> {
    ctx.refusal(StatusCode::NOT_FOUND, "not_found", "Cette page n'existe pas.", format)
}

/// A public document the provider fetches (JWKS, sector identifier):
/// JSON, cacheable for five minutes.
fn public_json(body: serde_json::Value) -> Response<String> {
    Response::builder()
        .status(StatusCode::OK)
        .header(CONTENT_TYPE, "application/json")
        .header(CACHE_CONTROL, "public, max-age=300")
        .body(body.to_string())
        .expect("a valid response")
}

/// The error for a callback that matches no pending login: the provider's
/// own error when it sent one without `state`, otherwise a state error.
fn unmatched_callback(callback: &CallbackParams) -> Error {
    match (&callback.error, &callback.state) {
        (Some(code), None) => Error::Provider(ProviderError::from_callback(
            code,
            callback.error_description.as_deref(),
            callback.error_uri.as_deref(),
        )),
        (_, None) => StateError::Missing.into(),
        (_, Some(_)) => StateError::Mismatch.into(),
    }
}

/// Adds a `Set-Cookie` header (ours are always valid header values).
fn set_cookie(res: &mut Response<String>, value: &str) {
    if let Ok(value) = http::HeaderValue::from_str(value) {
        res.headers_mut().append(SET_COOKIE, value);
    }
}

fn method_not_allowed(allow: &'static str) -> Response<String> {
    Response::builder()
        .status(StatusCode::METHOD_NOT_ALLOWED)
        .header(ALLOW, allow)
        .body(String::new())
        .expect("a valid response")
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use serde::Serialize;
    use serde::de::DeserializeOwned;

    use super::*;
    use crate::config::{Platform, test_builder};
    use crate::web::session::LEGACY_TOUCHED_KEY;

    /// A session in a map, with the id a store would give it.
    #[derive(Default)]
    struct MapSession {
        id: Mutex<u32>,
        data: Mutex<HashMap<&'static str, serde_json::Value>>,
    }

    impl SessionBackend for MapSession {
        async fn get<T: DeserializeOwned>(&self, key: &'static str) -> Result<Option<T>, SessionError> {
            let data = self.data.lock().unwrap();
            Ok(data.get(key).and_then(|v| serde_json::from_value(v.clone()).ok()))
        }
        async fn insert<T: Serialize + Sync>(&self, key: &'static str, value: &T) -> Result<(), SessionError> {
            let value = serde_json::to_value(value).unwrap();
            self.data.lock().unwrap().insert(key, value);
            Ok(())
        }
        async fn remove_value(&self, key: &'static str) -> Result<(), SessionError> {
            self.data.lock().unwrap().remove(key);
            Ok(())
        }
        async fn cycle_id(&self) -> Result<(), SessionError> {
            *self.id.lock().unwrap() += 1;
            Ok(())
        }
        async fn clear(&self) -> Result<(), SessionError> {
            self.data.lock().unwrap().clear();
            self.cycle_id().await
        }
        async fn discard(&self) -> Result<(), SessionError> {
            self.clear().await
        }
        async fn save(&self) -> Result<(), SessionError> {
            Ok(())
        }
    }

    fn routes() -> AuthRoutes {
        let config = test_builder(
            Platform::FranceConnect,
            "http://127.0.0.1:4000/api/v2",
            "http://localhost:3000",
        )
        .build()
        .unwrap();
        AuthRoutes::new(FranceConnect::new(config))
    }

    fn user(sub: &str) -> SignedInUser {
        SignedInUser::for_tests(sub)
    }

    #[tokio::test]
    async fn signing_in_renews_the_id_and_drops_another_persons_data() {
        let routes = routes();
        let session = MapSession::default();
        session.insert("app.cart", &"before anyone").await.unwrap();
        routes.sign_in(&session, user("alice")).await.unwrap();
        assert_eq!(*session.id.lock().unwrap(), 1, "a new id at sign-in");
        assert!(
            session.get::<String>("app.cart").await.unwrap().is_some(),
            "an anonymous visit's data stay"
        );
        session.insert("app.cart", &"alice's").await.unwrap();
        routes.sign_in(&session, user("alice")).await.unwrap();
        assert_eq!(
            session.get::<String>("app.cart").await.unwrap().as_deref(),
            Some("alice's"),
            "the same person (a step-up) keeps the application's data"
        );
        routes.sign_in(&session, user("bob")).await.unwrap();
        assert_eq!(*session.id.lock().unwrap(), 3);
        assert!(
            session.get::<String>("app.cart").await.unwrap().is_none(),
            "nothing of the previous person survives"
        );
        assert_eq!(session.get::<SignedInUser>(USER_KEY).await.unwrap().unwrap().sub, "bob");
    }

    fn agent(sub: &str, siret: &str) -> SignedInUser {
        SignedInUser::for_testing(
            Platform::ProConnect,
            sub,
            crate::Acr::Eidas1,
            serde_json::json!({"given_name": "Inès", "usual_name": "Roy", "email": "ines.roy@mairie.example.fr",
                               "siret": siret}),
        )
        .unwrap()
    }

    #[tokio::test]
    async fn an_agent_signing_in_for_another_organisation_starts_afresh() {
        let routes = routes();
        let session = MapSession::default();
        routes.sign_in(&session, agent("ines", "21750001600019")).await.unwrap();
        session.insert("app.dossiers", &"the town hall's").await.unwrap();
        routes.sign_in(&session, agent("ines", "21750001600019")).await.unwrap();
        assert!(
            session.get::<String>("app.dossiers").await.unwrap().is_some(),
            "the same organisation"
        );
        routes.sign_in(&session, agent("ines", "73282932000074")).await.unwrap();
        assert!(
            session.get::<String>("app.dossiers").await.unwrap().is_none(),
            "another organisation's sign-in sees nothing of the first's"
        );
    }

    #[tokio::test]
    async fn an_unreadable_user_and_a_logout_s_leftovers_pass_to_nobody() {
        let routes = routes();
        let session = MapSession::default();
        // Someone's session, written by a version whose user this one cannot read.
        session.insert(USER_KEY, &serde_json::json!({"sub": 42})).await.unwrap();
        session.insert("app.cart", &"someone's").await.unwrap();
        session.insert(PENDING_LOGOUT_KEY, &"someone's logout").await.unwrap();
        session.insert(LOGOUT_NEXT_KEY, &"someone's next logout").await.unwrap();
        routes.sign_in(&session, user("alice")).await.unwrap();
        for key in ["app.cart", PENDING_LOGOUT_KEY, LOGOUT_NEXT_KEY] {
            assert!(
                session.get::<serde_json::Value>(key).await.unwrap().is_none(),
                "{key} survived"
            );
        }
        // An unfinished logout's leftovers, in an otherwise readable session.
        session.insert(PENDING_LOGOUT_KEY, &"alice's logout").await.unwrap();
        session.insert(LOGOUT_NEXT_KEY, &"alice's next logout").await.unwrap();
        routes.sign_in(&session, user("alice")).await.unwrap();
        for key in [PENDING_LOGOUT_KEY, LOGOUT_NEXT_KEY] {
            assert!(
                session.get::<serde_json::Value>(key).await.unwrap().is_none(),
                "{key} survived"
            );
        }
    }

    /// The session keeps the tokens the logout needs; what an application
    /// serialises of the user does not.
    #[tokio::test]
    async fn the_tokens_live_in_the_session_only() {
        let routes = routes();
        let session = MapSession::default();
        let mut alice = user("alice");
        alice.id_token_hint = crate::values::IdTokenHint::new("eyJ.the-id-token.sig");
        alice.access_token = Some(crate::values::IssuedAccessToken {
            token: crate::values::AccessToken::new("the-access-token-".repeat(3)),
            expires_at: crate::clock::now() + 60,
        });
        let public = serde_json::to_string(&alice).unwrap();
        assert!(
            !public.contains("the-id-token") && !public.contains("the-access-token"),
            "{public}"
        );
        routes.sign_in(&session, alice).await.unwrap();
        let stored = session.data.lock().unwrap()[USER_KEY].to_string();
        assert!(
            stored.contains("the-id-token") && stored.contains("the-access-token"),
            "{stored}"
        );
        let back = session.get::<SignedInUser>(USER_KEY).await.unwrap().unwrap();
        assert_eq!(back.id_token_hint.secret(), "eyJ.the-id-token.sig");
        assert!(back.access_token.is_some());
    }

    #[tokio::test]
    async fn a_session_ends_at_its_absolute_lifetime() {
        let routes = routes();
        let session = MapSession::default();
        let mut old = user("alice");
        old.signed_in_at -= 13 * 3600;
        session.insert(USER_KEY, &old).await.unwrap();
        session.insert("app.cart", &"alice's").await.unwrap();
        assert!(routes.load_user(&session).await.unwrap().is_none());
        assert!(session.data.lock().unwrap().is_empty(), "the whole session is gone");
        session.insert(USER_KEY, &user("alice")).await.unwrap();
        assert!(routes.load_user(&session).await.unwrap().is_some());
    }

    #[tokio::test]
    async fn activity_is_written_with_the_user_at_most_every_five_minutes() {
        let routes = routes();
        let session = MapSession::default();
        let stored = |s: &MapSession| {
            let data = s.data.lock().unwrap();
            serde_json::from_value::<SignedInUser>(data[USER_KEY].clone()).unwrap()
        };
        let mut alice = user("alice");
        session.insert(USER_KEY, &alice).await.unwrap();
        routes.load_user(&session).await.unwrap().unwrap();
        assert_eq!(
            stored(&session).active_at,
            None,
            "just signed in: the login's write counts"
        );

        // A session of an earlier version: its mark under its own key.
        alice.signed_in_at -= 301;
        session.insert(USER_KEY, &alice).await.unwrap();
        session.insert(LEGACY_TOUCHED_KEY, &alice.signed_in_at).await.unwrap();
        let loaded = routes.load_user(&session).await.unwrap().unwrap();
        let now = crate::clock::now();
        assert!(stored(&session).active_at.is_some_and(|t| now - t <= 1), "written back");
        assert_eq!(
            loaded.active_at,
            stored(&session).active_at,
            "the request sees what is stored"
        );
        assert!(
            !session.data.lock().unwrap().contains_key(LEGACY_TOUCHED_KEY),
            "the old key is gone"
        );

        alice.active_at = Some(now - 299);
        session.insert(USER_KEY, &alice).await.unwrap();
        routes.load_user(&session).await.unwrap().unwrap();
        assert_eq!(
            stored(&session).active_at,
            Some(now - 299),
            "not written within five minutes"
        );
        alice.active_at = Some(now - 300);
        session.insert(USER_KEY, &alice).await.unwrap();
        routes.load_user(&session).await.unwrap().unwrap();
        assert!(
            stored(&session).active_at.is_some_and(|t| t >= now),
            "written after five"
        );
    }

    fn engine(platform: Platform, app: &str) -> FranceConnect {
        let at = format!("{app}/auth/{}", platform.setting());
        let mut b = test_builder(platform, "http://127.0.0.1:4000/api/v2", app)
            .redirect_uri(format!("{at}/callback"))
            .post_logout_redirect_uri(format!("{at}/logout/callback"));
        if platform == Platform::FranceConnectPlus {
            b = b.service_keys(crate::ServiceKeys::generate(crate::EncryptionAlg::EcdhEs).unwrap());
        }
        FranceConnect::new(b.build().unwrap())
    }

    fn federation() -> AuthRoutes {
        let app = "http://localhost:3000";
        AuthRoutes::federation([
            engine(Platform::FranceConnect, app),
            engine(Platform::FranceConnectPlus, app),
            engine(Platform::ProConnect, app),
        ])
        .unwrap()
    }

    async fn get(routes: &AuthRoutes, path: &str, accept: &str) -> Response<String> {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::ACCEPT, accept.parse().unwrap());
        routes
            .handle(&Method::GET, &path.parse().unwrap(), &headers, &MapSession::default())
            .await
    }

    #[tokio::test]
    async fn several_platforms_share_the_prefix_each_under_its_own_segment() {
        let routes = federation();
        let page = get(&routes, "/auth/login?return_to=%2Fdossier", "text/html").await;
        assert_eq!(page.status(), StatusCode::OK);
        for link in [
            "/auth/fc/login?return_to=%2Fdossier",
            "/auth/fcplus/login?return_to=%2Fdossier",
            "/auth/proconnect/login?return_to=%2Fdossier",
        ] {
            assert!(page.body().contains(link), "{link}: {}", page.body());
        }
        let api = get(&routes, "/auth/login", "application/json").await;
        let body: serde_json::Value = serde_json::from_str(api.body()).unwrap();
        assert_eq!(body["login_urls"]["proconnect"], "/auth/proconnect/login");
        // A platform's route exists under its segment only.
        assert_eq!(
            get(&routes, "/auth/callback", "text/html").await.status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            get(&routes, "/auth/nope/login", "text/html").await.status(),
            StatusCode::NOT_FOUND
        );
        // The service's keys are shared: FranceConnect+'s are published once.
        let jwks = get(&routes, "/auth/jwks", "application/json").await;
        assert!(jwks.body().contains("ECDH-ES"), "{}", jwks.body());
        assert_eq!(
            routes.engine(Platform::ProConnect).unwrap().config().platform(),
            Platform::ProConnect
        );
    }

    #[test]
    fn a_federation_refuses_what_cannot_work() {
        assert!(AuthRoutes::federation([]).is_err());
        let twice = AuthRoutes::federation([
            engine(Platform::FranceConnect, "http://localhost:3000"),
            engine(Platform::FranceConnect, "http://localhost:3000"),
        ]);
        assert!(twice.unwrap_err().to_string().contains("twice"));
        let split = AuthRoutes::federation([
            engine(Platform::FranceConnect, "http://localhost:3000"),
            engine(Platform::ProConnect, "http://localhost:4000"),
        ]);
        assert!(split.unwrap_err().to_string().contains("same site"));
        // One platform alone keeps today's routes.
        let one = AuthRoutes::federation([routes().franceconnect().clone()]).unwrap();
        assert_eq!(one.context().platform_prefix(Platform::FranceConnect), Some("/auth"));
    }

    #[test]
    fn a_step_up_goes_to_the_platform_that_offers_the_level() {
        let ctx = federation().context().clone();
        use crate::eidas::Eidas;
        assert_eq!(
            ctx.platform_for_level(Eidas::Eidas2, Some(Platform::FranceConnect)),
            Some(Platform::FranceConnectPlus)
        );
        assert_eq!(
            ctx.platform_for_level(Eidas::Eidas1, None),
            Some(Platform::FranceConnect)
        );
        assert_eq!(
            ctx.platform_for_level(Eidas::Eidas3, None),
            Some(Platform::FranceConnectPlus)
        );
        assert_eq!(
            ctx.platform_for_level(Eidas::Eidas2, Some(Platform::ProConnect)),
            Some(Platform::ProConnect)
        );
        let citizens_only = AuthRoutes::federation([
            engine(Platform::FranceConnect, "http://localhost:3000"),
            engine(Platform::ProConnect, "http://localhost:3000"),
        ])
        .unwrap();
        assert_eq!(
            citizens_only
                .context()
                .platform_for_level(Eidas::Eidas2, Some(Platform::FranceConnect)),
            None
        );
        let guard = crate::web::Guard::new(Some(citizens_only.context()), None, "/coffre", Some("text/html"));
        let refusal = guard.require_level(Eidas::Eidas2).unwrap_err();
        assert_eq!(refusal.status(), 403, "no platform offers eidas2: said, not looped");
        let ctx = federation().context().clone();
        let guard = crate::web::Guard::new(Some(&ctx), None, "/agents", Some("text/html"));
        assert_eq!(
            guard.require_agent().unwrap_err().response().headers()["location"],
            "/auth/proconnect/login?return_to=%2Fagents"
        );
        assert_eq!(
            guard.require_pivot().unwrap_err().response().headers()["location"],
            "/auth/fc/login?return_to=%2Fagents"
        );
        assert_eq!(
            guard.require_user().unwrap_err().response().headers()["location"],
            "/auth/login?return_to=%2Fagents"
        );
    }

    #[tokio::test]
    async fn the_pages_can_be_replaced() {
        let routes = routes().with_pages(crate::web::EnglishPages).with_prefix("/connexion");
        let page = get(&routes, "/connexion/nope", "text/html").await;
        assert_eq!(page.status(), StatusCode::NOT_FOUND);
        assert!(page.body().contains(r#"lang="en""#) && page.body().contains("This page does not exist."));
        let logout = get(&routes, "/connexion/logout", "text/html").await;
        assert!(logout.body().contains(r#"action="/connexion/logout""#) && logout.body().contains("Sign out"));
        // The guards' refusals too: the pages travel in the context.
        let agent_only = crate::web::Guard::new(
            Some(routes.context()),
            Some(&SignedInUser::for_tests("citizen")),
            "/agents",
            Some("text/html"),
        )
        .require_agent()
        .unwrap_err();
        assert!(agent_only.response().body().contains("This page is for agents"));
        // API clients keep their JSON.
        let api = get(&routes, "/connexion/nope", "application/json").await;
        assert!(api.body().contains("\"error\":\"not_found\""));
    }
}
