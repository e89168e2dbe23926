//! ProConnect's single sign-on session cookie: its name, reading it from
//! a request, setting and removing it, on the platform's paths only.

use axum::http::{HeaderMap, HeaderValue, header};

use crate::state::lifetimes::SESSION_LIFETIME;
use crate::state::shared::Shared;

/// The session cookie's name (fca/config/session.ts).
const COOKIE: &str = "pc_session_id";

/// The session id the request's cookie names, if any.
pub(crate) fn cookie_value(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// The `Set-Cookie` that gives the browser session `id`, for the
/// platform's paths only.
pub(crate) fn set_cookie(shared: &Shared, id: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{COOKIE}={id}; Path={}; HttpOnly; SameSite=Lax; Max-Age={}",
        shared.cookie_path,
        SESSION_LIFETIME.as_secs()
    ))
    .expect("a random token and a path of the mock are a valid header value")
}

/// The `Set-Cookie` that removes the session cookie (a browser removes the
/// cookie of the same path only).
pub(crate) fn clear_cookie(shared: &Shared) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{COOKIE}=; Path={}; HttpOnly; SameSite=Lax; Max-Age=0",
        shared.cookie_path
    ))
    .expect("a path of the mock is a valid header value")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; pc_session_id=abc; b=2"));
        assert_eq!(cookie_value(&headers).as_deref(), Some("abc"));
        headers.insert(header::COOKIE, HeaderValue::from_static("pc_session_idx=abc"));
        assert_eq!(cookie_value(&headers), None);
    }
}
