//! The HTTP client used to talk to the provider: a timeout on every request,
//! no redirects followed, and a cap on response sizes, so that a slow or
//! hostile provider can neither hang a login nor exhaust memory.

use std::time::{Duration, Instant};

use reqwest::header::{CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap};
use url::Url;

use crate::config::Platform;
use crate::error::{NetworkError, NetworkErrorKind};
use crate::metrics;

/// Responses larger than this are refused (tokens, userinfo, metadata).
pub(crate) const MAX_BODY_BYTES: usize = 512 * 1024;

/// A provider response, fully read.
pub(crate) struct HttpResponse {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl HttpResponse {
    /// The media type, lower-cased, without parameters.
    pub(crate) fn media_type(&self) -> String {
        self.headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .unwrap_or_default()
    }

    /// `Cache-Control: max-age`, if any; `no-store`/`no-cache` count as 0.
    pub(crate) fn max_age(&self) -> Option<Duration> {
        let value = self.headers.get(CACHE_CONTROL)?.to_str().ok()?.to_ascii_lowercase();
        let mut max_age = None;
        for directive in value.split(',').map(str::trim) {
            if directive == "no-store" || directive == "no-cache" {
                return Some(Duration::ZERO);
            }
            if let Some(secs) = directive.strip_prefix("max-age=") {
                max_age = secs.trim_matches('"').parse().ok().map(Duration::from_secs);
            }
        }
        max_age
    }
}

#[derive(Clone)]
pub(crate) struct HttpClient {
    inner: reqwest::Client,
    /// The platform whose provider this client talks to: the `platform`
    /// label of the request metrics.
    platform: Platform,
}

impl HttpClient {
    pub(crate) fn new(timeout: Duration, platform: Platform) -> Self {
        let inner = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("franceconnect-tower/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the HTTP client configuration is valid");
        Self { inner, platform }
    }

    /// The platform whose provider this client talks to.
    pub(crate) fn platform(&self) -> Platform {
        self.platform
    }

    pub(crate) async fn get(
        &self,
        endpoint: &'static str,
        url: &Url,
        bearer: Option<&str>,
    ) -> Result<HttpResponse, NetworkError> {
        let mut req = self.inner.get(url.clone());
        if let Some(token) = bearer {
            req = req.bearer_auth(token);
        }
        self.send(endpoint, req).await
    }

    pub(crate) async fn post_form(
        &self,
        endpoint: &'static str,
        url: &Url,
        form: &[(&str, &str)],
    ) -> Result<HttpResponse, NetworkError> {
        self.send(endpoint, self.inner.post(url.clone()).form(form)).await
    }

    /// Like [`HttpClient::post_form`], with an `Accept` header (a token
    /// introspection asking for a signed answer).
    pub(crate) async fn post_form_accepting(
        &self,
        endpoint: &'static str,
        url: &Url,
        form: &[(&str, &str)],
        accept: &str,
    ) -> Result<HttpResponse, NetworkError> {
        let req = self
            .inner
            .post(url.clone())
            .header(reqwest::header::ACCEPT, accept)
            .form(form);
        self.send(endpoint, req).await
    }

    /// Like [`HttpClient::post_form`], within `timeout` when it is shorter
    /// than the client's own.
    pub(crate) async fn post_form_within(
        &self,
        endpoint: &'static str,
        url: &Url,
        form: &[(&str, &str)],
        timeout: Duration,
    ) -> Result<HttpResponse, NetworkError> {
        self.send(endpoint, self.inner.post(url.clone()).form(form).timeout(timeout))
            .await
    }

    /// Sends `req` and reads its answer, recording how long it took
    /// ([`metrics::PROVIDER_REQUEST_DURATION`](crate::metrics::PROVIDER_REQUEST_DURATION)).
    async fn send(&self, endpoint: &'static str, req: reqwest::RequestBuilder) -> Result<HttpResponse, NetworkError> {
        let started = Instant::now();
        let result = self.send_and_read(endpoint, req).await;
        let outcome = metrics::request_outcome(result.as_ref().map(|r| r.status).map_err(|e| &e.kind));
        metrics::provider_request(self.platform, endpoint, outcome, started.elapsed());
        result
    }

    async fn send_and_read(
        &self,
        endpoint: &'static str,
        req: reqwest::RequestBuilder,
    ) -> Result<HttpResponse, NetworkError> {
        let fail = |kind| NetworkError::new(endpoint, kind);
        let mut resp = req.send().await.map_err(|e| fail(classify(&e)).caused_by(e))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let declared = headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|len| len > MAX_BODY_BYTES) {
            return Err(fail(NetworkErrorKind::TooLarge(MAX_BODY_BYTES)));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| fail(classify(&e)).caused_by(e))? {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(fail(NetworkErrorKind::TooLarge(MAX_BODY_BYTES)));
            }
            body.extend_from_slice(&chunk);
        }
        tracing::debug!(endpoint, status, bytes = body.len(), "provider response");
        Ok(HttpResponse { status, headers, body })
    }
}

fn classify(e: &reqwest::Error) -> NetworkErrorKind {
    if e.is_timeout() {
        NetworkErrorKind::Timeout
    } else if e.is_connect() {
        NetworkErrorKind::Connect
    } else {
        NetworkErrorKind::Other
    }
}
