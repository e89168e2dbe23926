//! Catching a session layer that runs after ours. When the session
//! middleware is wrapped inside the FranceConnect middleware (actix-web's
//! order is easy to get backwards), the callback stores the user, but every
//! later request reaches our middleware before its session is loaded: the
//! user looks signed out, is sent to the login, signs in again at once
//! through the provider's single sign-on, and round again — silently.
//!
//! So the callback leaves a short-lived marker cookie, nothing but "signed
//! in a moment ago". A request carrying it whose session holds no user can
//! only come from such a set-up (or a store that lost the session within a
//! minute): it gets a `500` page naming the order, never a loop, and the
//! marker is removed, so that a lost session costs one such page.

use std::time::Duration;

use http::HeaderMap;
use http::header::COOKIE;

/// The marker's name.
const MARKER: &str = "fc_signed_in";
/// How long after a sign-in the marker says so.
const MARKER_LIFETIME: Duration = Duration::from_secs(60);

/// The `Set-Cookie` value of the marker, at a sign-in; it never outlives
/// the session (`session_lifetime`), which may legitimately end sooner than
/// a minute.
pub(crate) fn marker_cookie(secure: bool, session_lifetime: Duration) -> String {
    let secure = if secure { "; Secure" } else { "" };
    let max_age = MARKER_LIFETIME.min(session_lifetime).as_secs().saturating_sub(1).max(1);
    format!("{MARKER}=1; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}")
}

/// The `Set-Cookie` value that removes the marker, at a logout.
pub(crate) fn clear_marker_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{MARKER}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}")
}

/// True when the request carries the marker.
pub(crate) fn just_signed_in(headers: &HeaderMap) -> bool {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|pair| {
            pair.trim()
                .split_once('=')
                .is_some_and(|(name, value)| name == MARKER && value == "1")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marker_is_found_among_other_cookies_only_when_set() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, "a=b; fc_signed_in=1; c=d".parse().unwrap());
        assert!(just_signed_in(&headers));
        headers.insert(COOKIE, "fc_signed_in=; x_fc_signed_in=1".parse().unwrap());
        assert!(!just_signed_in(&headers));
        assert!(
            marker_cookie(true, Duration::from_secs(43_200)).contains("Max-Age=59; HttpOnly; SameSite=Lax; Secure")
        );
        assert!(
            marker_cookie(false, Duration::from_secs(2)).contains("Max-Age=1;"),
            "never past the session"
        );
        assert!(clear_marker_cookie(false).contains("Max-Age=0"));
    }
}
