//! A JSON document fetched from the provider and cached for as long as its
//! `Cache-Control: max-age` says, shared by discovery and the JWKS.
//!
//! Concurrent misses are served by one HTTP request (moka's `try_get_with`
//! coalesces them). When a fetch fails, the last good document is served
//! and kept for a short while before the next attempt, so an outage neither
//! breaks logins nor makes us hammer the provider.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use moka::Expiry;
use moka::future::Cache;
use url::Url;

use crate::error::{Error, NetworkError, NetworkErrorKind};
use crate::provider::http_client::HttpClient;

/// How long a document lives when the provider sends no `max-age`.
pub(crate) const DEFAULT_TTL: Duration = Duration::from_secs(600);
/// Bounds on the provider's `max-age`.
const MIN_TTL: Duration = Duration::from_secs(1);
const MAX_TTL: Duration = Duration::from_secs(24 * 3600);
/// How long a stale document is served after a failed fetch before trying
/// again.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(30);

type Parser<T> = Box<dyn Fn(&[u8]) -> Result<T, Error> + Send + Sync>;

struct Entry<T> {
    value: Arc<T>,
    ttl: Duration,
}

// Not derived: a derive would require `T: Clone`, but only the `Arc` is cloned.
impl<T> Clone for Entry<T> {
    fn clone(&self) -> Self {
        Self {
            value: self.value.clone(),
            ttl: self.ttl,
        }
    }
}

struct TtlFromEntry;

impl<T> Expiry<String, Entry<T>> for TtlFromEntry {
    fn expire_after_create(&self, _key: &String, value: &Entry<T>, _now: Instant) -> Option<Duration> {
        Some(value.ttl)
    }
}

pub(crate) struct CachedDocument<T> {
    name: &'static str,
    http: HttpClient,
    parse: Parser<T>,
    cache: Cache<String, Entry<T>>,
    last_good: Mutex<Option<(String, Arc<T>)>>,
}

impl<T: Send + Sync + 'static> CachedDocument<T> {
    pub(crate) fn new(name: &'static str, http: HttpClient, parse: Parser<T>) -> Self {
        Self {
            name,
            http,
            parse,
            cache: Cache::builder().max_capacity(4).expire_after(TtlFromEntry).build(),
            last_good: Mutex::new(None),
        }
    }

    /// The document at `url`, from the cache or fetched once for all
    /// concurrent callers.
    pub(crate) async fn get(&self, url: &Url) -> Result<Arc<T>, Error> {
        let key = url.as_str().to_owned();
        match self.cache.try_get_with(key.clone(), self.fetch(url)).await {
            Ok(entry) => Ok(entry.value),
            Err(error) => {
                let stale = self.last_good.lock().expect("not poisoned").clone();
                match stale {
                    Some((stale_url, value)) if stale_url == key => {
                        tracing::warn!(document = self.name, %error, "fetch failed; keeping the last good copy");
                        let entry = Entry {
                            value: value.clone(),
                            ttl: RETRY_AFTER_FAILURE,
                        };
                        self.cache.insert(key, entry).await;
                        Ok(value)
                    }
                    _ => Err((*error).clone()),
                }
            }
        }
    }

    /// Drops the cached copy and fetches again (concurrent callers share the
    /// fetch). The last good copy still answers if the fetch fails.
    pub(crate) async fn refresh(&self, url: &Url) -> Result<Arc<T>, Error> {
        self.cache.invalidate(url.as_str()).await;
        self.get(url).await
    }

    async fn fetch(&self, url: &Url) -> Result<Entry<T>, Error> {
        tracing::info!(document = self.name, %url, "fetching from the provider");
        let resp = self.http.get(self.name, url, None).await.inspect_err(|e| {
            tracing::warn!(document = self.name, error = %e, "fetch failed");
        })?;
        if resp.status != 200 {
            tracing::warn!(document = self.name, status = resp.status, "fetch failed");
            return Err(NetworkError {
                endpoint: self.name,
                kind: NetworkErrorKind::Status(resp.status),
            }
            .into());
        }
        let value = (self.parse)(&resp.body).inspect_err(|e| {
            tracing::warn!(document = self.name, error = %e, "unusable document");
        })?;
        let ttl = resp.max_age().unwrap_or(DEFAULT_TTL).clamp(MIN_TTL, MAX_TTL);
        let value = Arc::new(value);
        *self.last_good.lock().expect("not poisoned") = Some((url.as_str().to_owned(), value.clone()));
        tracing::debug!(document = self.name, ttl_secs = ttl.as_secs(), "fetched");
        Ok(Entry { value, ttl })
    }
}
