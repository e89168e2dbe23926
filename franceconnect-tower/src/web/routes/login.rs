//! `GET /auth/login`: a login begins (one platform's), or, with several
//! platforms at the shared prefix, the page offering each.

use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use http::{HeaderMap, Response, StatusCode};
use url::form_urlencoded;

use super::{AuthRoutes, PlatformRoutes, set_cookie};
use crate::config::{Platform, Prompt};
use crate::flow::LoginOptions;
use crate::protocol::acr::Acr;
use crate::protocol::eidas::Eidas;
use crate::protocol::values::ReturnTo;
use crate::web::pages::error_view::error_code;
use crate::web::pages::responses::{Format, html_response, redirect};

impl AuthRoutes {
    /// Starts a login. Nothing is stored on the server: the pending login
    /// travels in its own sealed cookie (see `login_cookie.rs`).
    pub(super) async fn login(
        &self,
        p: &PlatformRoutes,
        query: &str,
        headers: &HeaderMap,
        format: Format,
    ) -> Response<String> {
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
                self.ctx.error_response(&e, p.platform(), format, Some(&retry))
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
        Some(self.ctx.wrong_host(
            &format!(
                "Ce service s'ouvre à l'adresse {expected}, et vous êtes sur {host} : la connexion n'y aboutirait pas."
            ),
            &target,
            format,
        ))
    }

    /// `GET /auth/login` with several platforms: a page offering each
    /// platform's login (keeping `return_to`), or for an API client the
    /// URLs as JSON.
    pub(super) fn choose_platform(&self, query: &str, format: Format) -> Response<String> {
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
