//! A cookie-keeping HTTP client that behaves like a browser's navigation
//! (HTML `Accept`, `Origin` on form posts), following redirects one hop at
//! a time so that tests can check each of them.

use reqwest::header::{ACCEPT, LOCATION, SET_COOKIE};
use reqwest::{Response, StatusCode};
use url::Url;

/// A browser profile: one cookie jar.
pub struct Browser {
    client: reqwest::Client,
    /// The app's base URL (`http://localhost:port`).
    pub base: Url,
}

/// One response, read.
#[derive(Debug)]
pub struct Page {
    /// The final URL of the request.
    pub url: Url,
    /// The status.
    pub status: StatusCode,
    /// `Location`, resolved against the request URL.
    pub location: Option<Url>,
    /// `Set-Cookie` headers.
    pub set_cookies: Vec<String>,
    /// `Content-Type`.
    pub content_type: String,
    /// `Cache-Control` (empty when absent).
    pub cache_control: String,
    /// The body.
    pub body: String,
}

impl Page {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, self.body))
    }

    /// The redirect target's path and query, for redirects within the app.
    pub fn location_path(&self) -> String {
        let l = self
            .location
            .as_ref()
            .unwrap_or_else(|| panic!("no Location ({}): {}", self.status, self.body));
        match l.query() {
            Some(q) => format!("{}?{q}", l.path()),
            None => l.path().to_owned(),
        }
    }
}

impl Browser {
    /// A new browser for the app at `base`.
    pub fn new(base: &str) -> Self {
        Self::with_cookies(base, &[])
    }

    /// A browser that already holds these cookies (`name=value`) for the
    /// app, as an attacker who planted or stole them would.
    pub fn with_cookies(base: &str, cookies: &[&str]) -> Self {
        let base_url = Url::parse(base).unwrap();
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        for cookie in cookies {
            jar.add_cookie_str(&format!("{cookie}; Path=/"), &base_url);
        }
        let client = reqwest::Client::builder()
            .cookie_provider(jar)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(20))
            .build()
            .unwrap();
        Self {
            client,
            base: Url::parse(base).unwrap(),
        }
    }

    /// True when the app answers `GET path_or_url` at all (a readiness
    /// probe: any status counts, a refused connection does not).
    pub async fn try_get(&self, path_or_url: &str) -> bool {
        self.client.get(self.url(path_or_url)).send().await.is_ok()
    }

    /// An absolute URL for a path of the app, or the URL itself.
    pub fn url(&self, path_or_url: &str) -> Url {
        self.base.join(path_or_url).unwrap()
    }

    async fn read(url: Url, resp: Response) -> Page {
        let status = resp.status();
        let location = resp
            .headers()
            .get(LOCATION)
            .map(|l| url.join(l.to_str().unwrap()).unwrap());
        let set_cookies = resp
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        let content_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let cache_control = resp
            .headers()
            .get(reqwest::header::CACHE_CONTROL)
            .map(|v| v.to_str().unwrap_or_default().to_owned())
            .unwrap_or_default();
        let body = resp.text().await.unwrap_or_default();
        Page {
            cache_control,
            url,
            status,
            location,
            set_cookies,
            content_type,
            body,
        }
    }

    /// A navigation (`Accept: text/html`).
    pub async fn get(&self, path_or_url: &str) -> Page {
        let url = self.url(path_or_url);
        let resp = self
            .client
            .get(url.clone())
            .header(ACCEPT, "text/html,application/xhtml+xml")
            .send()
            .await
            .unwrap();
        Self::read(url, resp).await
    }

    /// An API call (`Accept: application/json`).
    pub async fn get_json(&self, path_or_url: &str) -> Page {
        let url = self.url(path_or_url);
        let resp = self
            .client
            .get(url.clone())
            .header(ACCEPT, "application/json")
            .send()
            .await
            .unwrap();
        Self::read(url, resp).await
    }

    /// A form post, with the `Origin` a browser would send from `origin`.
    pub async fn post_form(&self, path_or_url: &str, form: &[(&str, &str)], origin: &str) -> Page {
        let url = self.url(path_or_url);
        let resp = self
            .client
            .post(url.clone())
            .header(ACCEPT, "text/html")
            .header("origin", origin)
            .form(form)
            .send()
            .await
            .unwrap();
        Self::read(url, resp).await
    }

    /// The app's origin, as browsers write it in `Origin`.
    pub fn origin(&self) -> String {
        self.base.origin().ascii_serialization()
    }

    /// Follows redirects until a non-redirect answer (at most 10 hops).
    pub async fn follow(&self, mut page: Page) -> Page {
        for _ in 0..10 {
            if !page.status.is_redirection() {
                return page;
            }
            let next = page.location.clone().expect("a redirect has a Location");
            page = self.get(next.as_str()).await;
        }
        panic!("too many redirects")
    }

    /// Signs in through the mock provider's login page: starts at `start`
    /// (a protected page or `/auth/login?…`), picks `identity` and `acr` on
    /// the page (or cancels when `identity` is `None`), and returns the
    /// app's first answer after the callback (not followed).
    pub async fn login_through_page(&self, start: &str, identity: Option<&str>, acr: &str) -> Page {
        let to_callback = self.through_provider_page(start, identity, acr).await;
        self.get(to_callback.location.unwrap().as_str()).await
    }

    /// Like [`login_through_page`](Self::login_through_page), but stops at
    /// the provider's redirect to the callback (so that a test can send the
    /// callback to another instance).
    pub async fn through_provider_page(&self, start: &str, identity: Option<&str>, acr: &str) -> Page {
        match identity {
            Some(id) => {
                self.through_provider_form(start, Some(&[("identity", id), ("acr", acr)]))
                    .await
            }
            None => self.through_provider_form(start, None).await,
        }
    }

    /// Signs in on the mock's ProConnect page as `agent`, ticking the
    /// e-mail code step when `mfa`, and returns the app's first answer
    /// after the callback (not followed).
    pub async fn login_as_agent(&self, start: &str, agent: &str, mfa: bool) -> Page {
        let mut fields = vec![("identity", agent)];
        if mfa {
            fields.push(("mfa", "on"));
        }
        let to_callback = self.through_provider_form(start, Some(&fields)).await;
        self.get(to_callback.location.unwrap().as_str()).await
    }

    /// Starts at `start`, posts `fields` on the provider's page (or cancels
    /// with `None`) and returns its redirect to the callback.
    async fn through_provider_form(&self, start: &str, fields: Option<&[(&str, &str)]>) -> Page {
        let mut page = self.get(start).await;
        // Up to the provider's page.
        while page.status.is_redirection() {
            page = self.get(page.location.clone().unwrap().as_str()).await;
        }
        assert_eq!(page.status, StatusCode::OK, "the provider's page: {}", page.body);
        let action = form_action(&page.body);
        let form_url = page.url.join(&action).unwrap();
        let origin = page.url.origin().ascii_serialization();
        let answer = match fields {
            Some(fields) => self.post_form(form_url.as_str(), fields, &origin).await,
            None => {
                self.post_form(&form_url.as_str().replace("/login", "/abort"), &[], &origin)
                    .await
            }
        };
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "the provider redirects back: {}",
            answer.body
        );
        answer
    }
}

/// The `action` of the first form on a page.
fn form_action(html: &str) -> String {
    let start = html
        .find("<form")
        .unwrap_or_else(|| panic!("a form in the provider's page: {html}"));
    let rest = &html[start..];
    let a = rest.find("action=\"").expect("an action") + "action=\"".len();
    let end = rest[a..].find('"').unwrap();
    rest[a..a + end].replace("&amp;", "&")
}
