//! Refusing cross-site form posts (login CSRF on logout), from the headers
//! browsers send: `Sec-Fetch-Site`, or `Origin` when the former is absent.

use http::HeaderMap;
use http::header::ORIGIN;

/// True when a browser tells us the request comes from another site.
///
/// `Sec-Fetch-Site` wins when present (`same-origin` and `none` — the user
/// typed it — pass). Otherwise `Origin` must equal `app_origin`
/// (`scheme://host[:port]`); an opaque `null` origin is refused. Requests
/// with neither header are not from a browser form and pass: CSRF needs a
/// browser.
pub fn is_cross_site_request(headers: &HeaderMap, app_origin: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    match headers.get(ORIGIN) {
        Some(origin) => origin.to_str().map_or(true, |o| !o.eq_ignore_ascii_case(app_origin)),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (k.parse().unwrap(), v.parse().unwrap()))
            .collect()
    }

    #[test]
    fn cross_site_posts_are_recognised() {
        let app = "https://service.example.fr";
        assert!(!is_cross_site_request(
            &headers(&[("sec-fetch-site", "same-origin")]),
            app
        ));
        assert!(!is_cross_site_request(&headers(&[("sec-fetch-site", "none")]), app));
        assert!(is_cross_site_request(
            &headers(&[("sec-fetch-site", "cross-site")]),
            app
        ));
        assert!(is_cross_site_request(&headers(&[("sec-fetch-site", "same-site")]), app));
        assert!(!is_cross_site_request(
            &headers(&[("origin", "https://service.example.fr")]),
            app
        ));
        assert!(is_cross_site_request(
            &headers(&[("origin", "https://evil.example")]),
            app
        ));
        assert!(is_cross_site_request(&headers(&[("origin", "null")]), app));
        assert!(!is_cross_site_request(&headers(&[]), app));
        // Sec-Fetch-Site is authoritative when both are present.
        assert!(is_cross_site_request(
            &headers(&[
                ("sec-fetch-site", "cross-site"),
                ("origin", "https://service.example.fr")
            ]),
            app
        ));
    }
}
