//! The doctor's HTTP requests, with the engine's settings: the configured
//! timeout on every request (`FC_HTTP_TIMEOUT_SECS`), no redirect followed,
//! and a cap on what is read.

use std::time::{Duration, Instant, SystemTime};

use url::Url;

/// Answers larger than this are refused, as the engine refuses them.
const MAX_BODY_BYTES: usize = 512 * 1024;

/// An answer, fully read.
pub(crate) struct Fetched {
    /// The HTTP status.
    pub(crate) status: u16,
    /// The `Date` header, parsed, when present and valid.
    pub(crate) date: Option<SystemTime>,
    /// When the answer arrived, by the local clock.
    pub(crate) received_at: SystemTime,
    /// How long the request took.
    pub(crate) elapsed: Duration,
    /// The body.
    pub(crate) body: Vec<u8>,
}

/// A client for one platform's requests.
pub(crate) struct Http {
    client: reqwest::Client,
    timeout: Duration,
}

impl Http {
    /// A client whose every request gives up after `timeout`.
    pub(crate) fn new(timeout: Duration) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("franceconnect-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
        Ok(Self { client, timeout })
    }

    /// `GET url`; the error says why in a few words.
    pub(crate) async fn get(&self, url: &Url) -> Result<Fetched, String> {
        self.fetch(self.client.get(url.clone())).await
    }

    /// `POST url` with `form` as `application/x-www-form-urlencoded`; the
    /// error says why in a few words (never what the form holds).
    pub(crate) async fn post_form(&self, url: &Url, form: &[(&str, &str)]) -> Result<Fetched, String> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let request = self
            .client
            .post(url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body);
        self.fetch(request).await
    }

    async fn fetch(&self, request: reqwest::RequestBuilder) -> Result<Fetched, String> {
        let started = Instant::now();
        let mut response = request.send().await.map_err(|e| self.describe(&e))?;
        let status = response.status().as_u16();
        let date = response
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok());
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.describe(&e))? {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(format!("the answer exceeds {} KiB", MAX_BODY_BYTES / 1024));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            status,
            date,
            received_at: SystemTime::now(),
            elapsed: started.elapsed(),
            body,
        })
    }

    fn describe(&self, e: &reqwest::Error) -> String {
        if e.is_timeout() {
            format!(
                "no answer within {} s (FC_HTTP_TIMEOUT_SECS)",
                self.timeout.as_secs_f32()
            )
        } else if e.is_connect() {
            "cannot connect (no server there, DNS, firewall or proxy)".to_owned()
        } else {
            "the request failed".to_owned()
        }
    }
}
