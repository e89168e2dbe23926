//! URLs back to the client: its registered URI with the answer appended
//! to the query.

/// `base` with `params` appended to its query.
pub(crate) fn callback_url(base: &str, params: &[(&str, &str)]) -> String {
    match url::Url::parse(base) {
        Ok(mut url) => {
            {
                let mut query = url.query_pairs_mut();
                for (name, value) in params {
                    query.append_pair(name, value);
                }
            }
            url.to_string()
        }
        // Registered URIs are validated at start; keep a sane fallback.
        Err(_) => {
            let query: String = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(params)
                .finish();
            let separator = if base.contains('?') { '&' } else { '?' };
            format!("{base}{separator}{query}")
        }
    }
}
