//! A JSON document fetched from the provider and cached for as long as its
//! `Cache-Control: max-age` says, shared by discovery and the JWKS.
//!
//! Concurrent misses are served by one HTTP request (moka's `try_get_with`
//! coalesces them). When a fetch fails, the last good document is served
//! and kept for a short while before the next attempt, so an outage neither
//! breaks logins nor makes us hammer the provider. When there is no good
//! document yet, the failure itself is remembered for a few seconds: a
//! provider that is down is not asked again by every anonymous visit. The
//! provider's `max-age` is honoured up to an hour, so that a rotated key or
//! a corrected document is seen within the hour whatever the header says.

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
const MAX_TTL: Duration = Duration::from_secs(3600);
/// How long a stale document is served after a failed fetch before trying
/// again.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(30);
/// How long a failed fetch with no good copy to fall back on is answered
/// from memory before the provider is asked again.
pub(crate) const FAILURE_BACKOFF: Duration = Duration::from_secs(2);

/// The name of the provider's JWKS document, whose fetches are counted
/// ([`metrics::JWKS_FETCHES`](crate::metrics::JWKS_FETCHES)).
pub(crate) const JWKS: &str = "jwks";

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
    /// The last failure with no good copy: its URL, until when it stands,
    /// and the error.
    last_failure: Mutex<Option<(String, Instant, Error)>>,
}

impl<T: Send + Sync + 'static> CachedDocument<T> {
    pub(crate) fn new(name: &'static str, http: HttpClient, parse: Parser<T>) -> Self {
        Self {
            name,
            http,
            parse,
            cache: Cache::builder().max_capacity(4).expire_after(TtlFromEntry).build(),
            last_good: Mutex::new(None),
            last_failure: Mutex::new(None),
        }
    }

    /// The document at `url`, from the cache or fetched once for all
    /// concurrent callers.
    pub(crate) async fn get(&self, url: &Url) -> Result<Arc<T>, Error> {
        let key = url.as_str().to_owned();
        if let Some((failed_url, until, error)) = &*self.last_failure.lock().expect("not poisoned")
            && *failed_url == key
            && Instant::now() < *until
        {
            return Err(error.clone());
        }
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
                    _ => {
                        let until = Instant::now() + FAILURE_BACKOFF;
                        *self.last_failure.lock().expect("not poisoned") = Some((key, until, (*error).clone()));
                        Err((*error).clone())
                    }
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
        let result = self.fetch_and_parse(url).await;
        if self.name == JWKS {
            crate::metrics::jwks_fetched(self.http.platform(), result.is_ok());
        }
        result
    }

    async fn fetch_and_parse(&self, url: &Url) -> Result<Entry<T>, Error> {
        tracing::info!(document = self.name, %url, "fetching from the provider");
        let resp = self.http.get(self.name, url, None).await.inspect_err(|e| {
            tracing::warn!(document = self.name, error = %e, "fetch failed");
        })?;
        if resp.status != 200 {
            tracing::warn!(document = self.name, status = resp.status, "fetch failed");
            return Err(NetworkError::new(self.name, NetworkErrorKind::Status(resp.status)).into());
        }
        let value = (self.parse)(&resp.body).inspect_err(|e| {
            tracing::warn!(document = self.name, error = %e, "unusable document");
        })?;
        let ttl = ttl_for(resp.max_age());
        let value = Arc::new(value);
        *self.last_good.lock().expect("not poisoned") = Some((url.as_str().to_owned(), value.clone()));
        *self.last_failure.lock().expect("not poisoned") = None;
        tracing::debug!(document = self.name, ttl_secs = ttl.as_secs(), "fetched");
        Ok(Entry { value, ttl })
    }
}

/// How long to keep a document the provider sent with this `max-age`.
fn ttl_for(max_age: Option<Duration>) -> Duration {
    max_age.unwrap_or(DEFAULT_TTL).clamp(MIN_TTL, MAX_TTL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_providers_max_age_is_honoured_up_to_an_hour() {
        assert_eq!(ttl_for(Some(Duration::from_secs(600))), Duration::from_secs(600));
        assert_eq!(
            ttl_for(Some(Duration::from_secs(86_400 * 365))),
            Duration::from_secs(3600)
        );
        assert_eq!(ttl_for(Some(Duration::ZERO)), Duration::from_secs(1));
        assert_eq!(ttl_for(None), DEFAULT_TTL);
    }
}
