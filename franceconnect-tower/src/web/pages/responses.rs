//! The responses of the routes and of the extractors' rejections, chosen by
//! what the client accepts: an HTML page (in French) or a redirect for
//! browsers, JSON for API clients.

use http::header::{ACCEPT, CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use http::{HeaderMap, Response, StatusCode};
use serde_json::json;
use url::form_urlencoded;

use crate::config::Platform;
use crate::error::Error;
use crate::identity::SignedInUser;
use crate::protocol::eidas::Eidas;
use crate::protocol::values::ReturnTo;
use crate::web::pages::error_view::{
    error_code, error_message_fr, error_status, is_service_misconfigured, platform_code_of,
};
use crate::web::pages::{ErrorPage, FrenchPages, Pages};

/// What the layer tells the rest of the application about its routes: put
/// in every request's extensions, so that extractors can send a user to the
/// login — of the right platform, when the service has several.
#[derive(Clone)]
pub struct AuthContext {
    // Shared: the context is cloned into every request's extensions.
    pub(crate) prefix: std::sync::Arc<str>,
    /// The HTML pages ([`FrenchPages`] unless the routes were given others).
    pub(crate) pages: std::sync::Arc<dyn Pages>,
    /// The platforms served and their routes' prefixes: `prefix` itself for
    /// one platform, `{prefix}/{platform}` for each of several; empty when
    /// the context was made without them ([`AuthContext::new`]).
    pub(crate) platforms: std::sync::Arc<[(Platform, std::sync::Arc<str>)]>,
}

impl std::fmt::Debug for AuthContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthContext")
            .field("prefix", &self.prefix)
            .field("platforms", &self.platforms)
            .finish_non_exhaustive()
    }
}

impl PartialEq for AuthContext {
    fn eq(&self, other: &Self) -> bool {
        self.prefix == other.prefix
            && self.platforms == other.platforms
            && std::sync::Arc::ptr_eq(&self.pages, &other.pages)
    }
}

impl AuthContext {
    /// A context for the routes of one platform, mounted under `prefix`
    /// (such as `/auth`), with the French pages.
    pub fn new(prefix: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into().into(),
            pages: std::sync::Arc::new(FrenchPages),
            platforms: std::sync::Arc::new([]),
        }
    }

    /// The pages shown to browsers.
    pub fn pages(&self) -> &dyn Pages {
        &*self.pages
    }

    /// A request the routes or a guard refuse outright (bad parameter,
    /// cross-site post, the wrong kind of user): `status` with the page, or
    /// JSON with `code` and the French `message`.
    pub(crate) fn refusal(&self, status: StatusCode, code: &str, message: &str, format: Format) -> Response<String> {
        self.refusal_page(status, code, message, None, format)
    }

    /// The login refused on a loopback host other than the service's: the
    /// page links to the same login at the service's address (`target`).
    pub(crate) fn wrong_host(&self, message: &str, target: &str, format: Format) -> Response<String> {
        if format == Format::Json {
            return json_response(
                StatusCode::BAD_REQUEST,
                json!({ "error": "wrong_host", "message": message, "login_url": target }),
            );
        }
        let page = ErrorPage {
            status: StatusCode::BAD_REQUEST,
            code: "wrong_host",
            message,
            error: None,
            retry_href: Some(target),
            sign_out_action: None,
        };
        html_response(StatusCode::BAD_REQUEST, self.pages.error(&page))
    }

    /// A refusal whose way on is another account: the page offers to sign
    /// out.
    pub(crate) fn refusal_of_this_account(
        &self,
        status: StatusCode,
        code: &str,
        message: &str,
        format: Format,
    ) -> Response<String> {
        self.refusal_page(status, code, message, Some(&self.logout_action()), format)
    }

    fn refusal_page(
        &self,
        status: StatusCode,
        code: &str,
        message: &str,
        sign_out_action: Option<&str>,
        format: Format,
    ) -> Response<String> {
        if format == Format::Json {
            return json_response(status, json!({ "error": code, "message": message }));
        }
        let page = ErrorPage {
            status,
            code,
            message,
            error: None,
            retry_href: None,
            sign_out_action,
        };
        html_response(status, self.pages.error(&page))
    }

    /// The answer to a failed login or logout: the error's status, the
    /// page (offering to retry at `retry_href`), or JSON.
    pub(crate) fn error_response(
        &self,
        error: &Error,
        platform: Platform,
        format: Format,
        retry_href: Option<&str>,
    ) -> Response<String> {
        let status = error_status(error);
        let message = error_message_fr(error, platform);
        if format == Format::Json {
            let mut body = json!({ "error": error_code(error), "message": message });
            if let Some(c) = platform_code_of(error) {
                body["platform_code"] = c.code.into();
            }
            return json_response(status, body);
        }
        // Retrying cannot mend the service's own configuration (a refused
        // client secret…): no retry link then.
        let retry_href = retry_href.filter(|_| !is_service_misconfigured(error));
        let page = ErrorPage {
            status,
            code: error_code(error),
            message: &message,
            error: Some(error),
            retry_href,
            sign_out_action: None,
        };
        html_response(status, self.pages.error(&page))
    }

    /// A context for the platforms served under `prefix`: each at
    /// `{prefix}/{platform}` (its `FC_PLATFORM` value: `/auth/fc`,
    /// `/auth/fcplus`, `/auth/proconnect`) when `per_platform`, else the one
    /// platform at `prefix` itself.
    pub(crate) fn serving(prefix: &str, platforms: &[Platform], per_platform: bool) -> Self {
        let at = |p: &Platform| match per_platform {
            false => prefix.into(),
            true => format!("{prefix}/{}", p.setting()).into(),
        };
        Self {
            prefix: prefix.into(),
            pages: std::sync::Arc::new(FrenchPages),
            platforms: platforms.iter().map(|p| (*p, at(p))).collect(),
        }
    }

    /// The routes' prefix, such as `/auth`.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The prefix of `platform`'s own routes: `{prefix}/{platform}` when the
    /// service has several, the prefix itself otherwise.
    pub fn platform_prefix(&self, platform: Platform) -> Option<&str> {
        if self.platforms.is_empty() {
            return Some(&self.prefix);
        }
        self.platforms
            .iter()
            .find(|(p, _)| *p == platform)
            .map(|(_, prefix)| &**prefix)
    }

    /// True when the service serves `platform` (always, for one platform
    /// whose context does not name it).
    pub(crate) fn serves(&self, platform: Platform) -> bool {
        self.platforms.is_empty() || self.platforms.iter().any(|(p, _)| *p == platform)
    }

    /// The platform a login must go through to reach `level`: the one the
    /// user is on when it offers the level, otherwise the first citizens'
    /// platform that does (FranceConnect+ for a FranceConnect citizen
    /// stepping up), for a citizen or nobody. `None` when no configured
    /// platform offers it, or with one platform (whose routes decide).
    pub(crate) fn platform_for_level(&self, level: Eidas, current: Option<Platform>) -> Option<Platform> {
        let offers = |p: &Platform| p.accepted_levels().contains(&level);
        if let Some(current) = current
            && self.serves(current)
            && offers(&current)
        {
            return Some(current);
        }
        let citizens = |p: &&(Platform, std::sync::Arc<str>)| p.0 != Platform::ProConnect;
        match current {
            Some(Platform::ProConnect) => None,
            _ => self.platforms.iter().filter(citizens).map(|(p, _)| *p).find(offers),
        }
    }

    /// The platform for a page that needs a citizen (`Some` only when the
    /// service has several platforms and one of them is for citizens).
    pub(crate) fn citizens_platform(&self) -> Option<Platform> {
        self.platforms
            .iter()
            .map(|(p, _)| *p)
            .find(|p| *p != Platform::ProConnect)
    }

    /// The login URL of `platform` (or, with several platforms and `None`,
    /// the page offering each), with a `return_to` and an `acr` as for
    /// [`login_url`](Self::login_url).
    pub fn login_url_on(&self, platform: Option<Platform>, return_to: Option<&str>, eidas: Option<Eidas>) -> String {
        self.login_url_with(platform, return_to, eidas.map(Eidas::as_str), false)
    }

    /// The login URL, with a `return_to` (when it is a valid relative path)
    /// and an `acr` for step-up.
    pub fn login_url(&self, return_to: Option<&str>, eidas: Option<Eidas>) -> String {
        self.login_url_with(None, return_to, eidas.map(Eidas::as_str), false)
    }

    /// The logout button as HTML to place in a page: a form that `POST`s
    /// to the logout route (a logout is never a link, which any site could
    /// trigger; the route refuses a cross-site `POST`).
    ///
    /// ```
    /// use franceconnect_tower::web::AuthContext;
    ///
    /// let form = AuthContext::new("/auth").logout_form("Se déconnecter");
    /// assert_eq!(
    ///     form,
    ///     r#"<form method="post" action="/auth/logout"><button type="submit">Se déconnecter</button></form>"#
    /// );
    /// ```
    pub fn logout_form(&self, label: &str) -> String {
        super::logout_form(&self.logout_action(), label)
    }

    /// Where the logout form posts: `{prefix}/logout`.
    pub(crate) fn logout_action(&self) -> String {
        format!("{}/logout", self.prefix)
    }

    /// Like [`login_url`](Self::login_url), with `prompt=login` when `fresh`:
    /// the provider authenticates the user again, whatever its own session.
    /// `acr` is the login route's parameter: an eIDAS level, or `mfa` on
    /// ProConnect.
    pub(crate) fn login_url_with(
        &self,
        platform: Option<Platform>,
        return_to: Option<&str>,
        acr: Option<&str>,
        fresh: bool,
    ) -> String {
        let prefix = platform.and_then(|p| self.platform_prefix(p)).unwrap_or(&self.prefix);
        let mut query = form_urlencoded::Serializer::new(String::new());
        if let Some(r) = return_to.and_then(|r| ReturnTo::parse(r).ok()) {
            query.append_pair("return_to", r.as_str());
        }
        if let Some(acr) = acr {
            query.append_pair("acr", acr);
        }
        if fresh {
            query.append_pair("prompt", "login");
        }
        let query = query.finish();
        if query.is_empty() {
            format!("{prefix}/login")
        } else {
            format!("{prefix}/login?{query}")
        }
    }
}

/// How a client wants to be answered: a page (or a redirect) for browsers,
/// JSON for API clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// HTML pages and redirects.
    Html,
    /// JSON bodies with an `error` code.
    Json,
}

impl Format {
    /// JSON when `Accept` mentions `application/json` and not `text/html`.
    pub fn from_accept(accept: Option<&str>) -> Self {
        let accept = accept.unwrap_or_default().to_ascii_lowercase();
        if accept.contains("application/json") && !accept.contains("text/html") {
            Format::Json
        } else {
            Format::Html
        }
    }

    /// The format of a request, from its `Accept` header.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        Self::from_accept(headers.get(ACCEPT).and_then(|v| v.to_str().ok()))
    }
}

/// The answer to a request that needs a signed-in user: a 303 to the login
/// (coming back to `path_and_query`) for browsers, a 401 JSON for API
/// clients.
pub(crate) fn not_signed_in_response(
    ctx: &AuthContext,
    platform: Option<Platform>,
    path_and_query: &str,
    format: Format,
) -> Response<String> {
    let login = ctx.login_url_on(platform, Some(path_and_query), None);
    if format == Format::Json {
        json_response(
            StatusCode::UNAUTHORIZED,
            json!({ "error": "not_signed_in", "message": "Vous devez vous identifier.", "login_url": login }),
        )
    } else {
        redirect(&login)
    }
}

/// The answer to a signed-in user whose access token cannot be used
/// (`error`: expired with no way to renew it, or none): `401`, a page
/// offering a new login on their `platform` (coming back to
/// `path_and_query`), or JSON with `login_url`.
pub(crate) fn access_token_unavailable_response(
    ctx: &AuthContext,
    platform: Platform,
    error: crate::error::AccessTokenError,
    path_and_query: &str,
    format: Format,
) -> Response<String> {
    let login = ctx.login_url_on(ctx.serves(platform).then_some(platform), Some(path_and_query), None);
    let error = Error::AccessToken(error);
    let message = error_message_fr(&error, platform);
    if format == Format::Json {
        return json_response(
            StatusCode::UNAUTHORIZED,
            json!({ "error": error_code(&error), "message": message, "login_url": login }),
        );
    }
    let page = ErrorPage {
        status: StatusCode::UNAUTHORIZED,
        code: error_code(&error),
        message: &message,
        error: None,
        retry_href: Some(&login),
        sign_out_action: None,
    };
    html_response(StatusCode::UNAUTHORIZED, ctx.pages.error(&page))
}

/// The answer to a signed-in user whose eIDAS level (or, on ProConnect,
/// second factor: `mfa`) is below what a route requires: a new login at
/// that level (step-up) for browsers, a 403 JSON for API clients.
pub(crate) fn step_up_response(
    ctx: &AuthContext,
    platform: Option<Platform>,
    required: &str,
    fresh: bool,
    path_and_query: &str,
    format: Format,
) -> Response<String> {
    let login = ctx.login_url_with(platform, Some(path_and_query), Some(required), fresh);
    if format == Format::Json {
        let (error, message) = if fresh {
            (
                "reauthentication_required",
                "Cette page demande de vous authentifier à nouveau.",
            )
        } else {
            (
                "insufficient_eidas",
                "Cette page demande un niveau de sécurité plus élevé.",
            )
        };
        json_response(
            StatusCode::FORBIDDEN,
            json!({
                "error": error,
                "message": message,
                "required_acr": required,
                "login_url": login,
            }),
        )
    } else {
        redirect(&login)
    }
}

/// The answer to a user on a page whose level no platform of the service
/// offers them: `403`, as a page or JSON.
pub(crate) fn level_unavailable_response(ctx: &AuthContext, format: Format) -> Response<String> {
    ctx.refusal_of_this_account(
        StatusCode::FORBIDDEN,
        "level_unavailable",
        "Ce service ne propose pas le niveau de sécurité que demande cette page.",
        format,
    )
}

/// The answer to a signed-in user who is not a ProConnect agent (or whose
/// scopes did not name them) on a page for agents: `403`, as a page or JSON.
pub(crate) fn agent_unavailable_response(ctx: &AuthContext, format: Format) -> Response<String> {
    ctx.refusal_of_this_account(
        StatusCode::FORBIDDEN,
        "agent_identity_unavailable",
        "Cette page est réservée aux agents publics et aux professionnels identifiés avec ProConnect. \
         Déconnectez-vous, puis identifiez-vous avec ProConnect.",
        format,
    )
}

/// The answer to a signed-in user on a page for citizens without a pivot
/// identity: `403`, as a page or JSON. An agent is told the page is for
/// citizens and offered to sign out; a citizen whose scopes did not give
/// the identity cannot mend it (the service's configuration must).
pub(crate) fn pivot_unavailable_response(ctx: &AuthContext, user: &SignedInUser, format: Format) -> Response<String> {
    if user.platform == Platform::ProConnect {
        return ctx.refusal_of_this_account(
            StatusCode::FORBIDDEN,
            "pivot_identity_unavailable",
            "Cette page est réservée aux particuliers identifiés avec FranceConnect. Vous êtes identifié avec \
             ProConnect : déconnectez-vous, puis identifiez-vous avec FranceConnect.",
            format,
        );
    }
    tracing::warn!("the signed-in user's scopes did not give the pivot identity (FC_SCOPES: identite_pivot)");
    ctx.refusal(
        StatusCode::FORBIDDEN,
        "pivot_identity_unavailable",
        "Ce service n'a pas reçu les informations d'identité dont cette page a besoin. Se reconnecter n'y \
         changera rien : signalez-le au support du service.",
        format,
    )
}

/// The session store failed: nothing was changed, try again later (`503`).
pub fn session_unavailable_response(format: Format) -> Response<String> {
    let message = "Le service est momentanément indisponible. Réessayez dans quelques instants.";
    if format == Format::Json {
        json_response(
            StatusCode::SERVICE_UNAVAILABLE,
            json!({ "error": "session_unavailable", "message": message }),
        )
    } else {
        // The adapters answer this before any route runs: the default pages.
        let page = ErrorPage {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: "session_unavailable",
            message,
            error: None,
            retry_href: None,
            sign_out_action: None,
        };
        html_response(StatusCode::SERVICE_UNAVAILABLE, FrenchPages.error(&page))
    }
}

/// The `Cache-Control` of pages for a signed-in user, unless the
/// application set its own: they carry personal data, and no cache (shared
/// or back/forward) may keep them.
pub const SIGNED_IN_CACHE_CONTROL: &str = "no-store";

/// Sets [`SIGNED_IN_CACHE_CONTROL`] unless the response has a
/// `Cache-Control` already.
#[cfg(feature = "tower")]
pub(crate) fn keep_out_of_caches(headers: &mut HeaderMap) {
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, http::HeaderValue::from_static(SIGNED_IN_CACHE_CONTROL));
    }
}

/// A 303 See Other that nobody caches.
pub(crate) fn redirect(location: &str) -> Response<String> {
    Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(LOCATION, location)
        .header(CACHE_CONTROL, "no-store")
        .body(String::new())
        .expect("a valid redirect")
}

pub(crate) fn json_response(status: StatusCode, body: serde_json::Value) -> Response<String> {
    Response::builder()
        .status(status)
        .header(CONTENT_TYPE, "application/json")
        .header(CACHE_CONTROL, "no-store")
        .body(body.to_string())
        .expect("a valid response")
}

/// A page of the library's: never in a frame (the logout button, a
/// "sign in again" link under another site's overlay would be clickjacking).
pub(crate) fn html_response(status: StatusCode, page: String) -> Response<String> {
    Response::builder()
        .status(status)
        .header(CONTENT_TYPE, "text/html; charset=utf-8")
        .header(CACHE_CONTROL, "no-store")
        .header(http::header::X_FRAME_OPTIONS, "DENY")
        .header(http::header::CONTENT_SECURITY_POLICY, "frame-ancestors 'none'")
        .body(page)
        .expect("a valid response")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &'static str) -> Format {
        Format::from_headers(&HeaderMap::from_iter([(ACCEPT, value.parse().unwrap())]))
    }

    #[test]
    fn pages_cannot_be_framed() {
        let ctx = AuthContext::new("/auth");
        let page = ctx.refusal(StatusCode::FORBIDDEN, "x", "Non.", accept("text/html"));
        assert_eq!(page.headers()[http::header::X_FRAME_OPTIONS], "DENY");
        assert_eq!(
            page.headers()[http::header::CONTENT_SECURITY_POLICY],
            "frame-ancestors 'none'"
        );
        let api = ctx.refusal(StatusCode::FORBIDDEN, "x", "Non.", accept("application/json"));
        assert!(
            !api.headers().contains_key(http::header::X_FRAME_OPTIONS),
            "JSON is never framed"
        );
    }

    #[test]
    fn login_urls_keep_only_relative_return_paths() {
        let ctx = AuthContext::new("/auth");
        assert_eq!(
            ctx.login_url(Some("/a?b=c"), None),
            "/auth/login?return_to=%2Fa%3Fb%3Dc"
        );
        assert_eq!(
            ctx.login_url(Some("//evil.example"), Some(Eidas::Eidas3)),
            "/auth/login?acr=eidas3"
        );
        assert_eq!(ctx.login_url(None, None), "/auth/login");
    }

    /// Issue 29 §6: an agent on a citizens' page is told where to go and
    /// offered to sign out; a citizen the scopes left without an identity
    /// is not sent round a login that cannot help.
    #[test]
    fn a_citizens_page_tells_each_person_their_way_on() {
        let ctx = AuthContext::new("/auth");
        let html = accept("text/html");
        let agent = SignedInUser::for_testing(
            Platform::ProConnect,
            "a",
            crate::Acr::Eidas1,
            json!({"given_name": "Inès", "usual_name": "Roy", "email": "ines.roy@mairie.example.fr"}),
        )
        .unwrap();
        let page = pivot_unavailable_response(&ctx, &agent, html).into_body();
        assert!(
            page.contains("réservée aux particuliers identifiés avec FranceConnect"),
            "{page}"
        );
        assert!(page.contains(r#"<form method="post" action="/auth/logout">"#), "{page}");
        assert!(!page.contains("identité pivot"), "{page}");
        let citizen = SignedInUser::for_testing(Platform::FranceConnect, "c", crate::Acr::Eidas1, json!({})).unwrap();
        let page = pivot_unavailable_response(&ctx, &citizen, html).into_body();
        assert!(page.contains("support du service") && !page.contains("<form"), "{page}");
    }

    /// A client id or secret the platform refuses: no retry link, and the
    /// page says retrying cannot help.
    #[test]
    fn a_refused_client_is_not_the_person_s_to_retry() {
        let ctx = AuthContext::new("/auth");
        let refused = Error::TokenExchange(crate::TokenExchangeError::Refused {
            status: 401,
            code: "invalid_client".into(),
            platform_code: None,
        });
        let page = ctx
            .error_response(
                &refused,
                Platform::FranceConnect,
                accept("text/html"),
                Some("/auth/login"),
            )
            .into_body();
        assert!(
            page.contains("n&#39;y changera rien") && !page.contains("Recommencez"),
            "{page}"
        );
        assert!(!page.contains(r#"href="/auth/login""#), "{page}");
        let expired = Error::State(crate::StateError::Expired);
        let page = ctx
            .error_response(
                &expired,
                Platform::FranceConnect,
                accept("text/html"),
                Some("/auth/login"),
            )
            .into_body();
        assert!(page.contains(r#"href="/auth/login""#), "{page}");
    }

    #[test]
    fn browsers_are_redirected_and_api_clients_get_json() {
        let ctx = AuthContext::new("/auth");
        let page = not_signed_in_response(&ctx, None, "/me", accept("text/html,application/xhtml+xml"));
        assert_eq!(page.status(), StatusCode::SEE_OTHER);
        assert_eq!(page.headers()[LOCATION], "/auth/login?return_to=%2Fme");
        let api = not_signed_in_response(&ctx, None, "/api/me", accept("application/json"));
        assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
        assert!(api.body().contains("not_signed_in"));
        let up = step_up_response(
            &ctx,
            None,
            "eidas3",
            false,
            "/vault",
            Format::from_headers(&HeaderMap::new()),
        );
        assert_eq!(up.headers()[LOCATION], "/auth/login?return_to=%2Fvault&acr=eidas3");
    }
}
