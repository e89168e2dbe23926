//! Parsing of query strings and form bodies into parameters, refusing
//! repeated parameters as the platforms do (all of them on FranceConnect,
//! the ones it reads on ProConnect, which ignores the others).

use std::collections::HashMap;

/// Decoded parameters; empty values count as absent.
#[derive(Debug, Default)]
pub(crate) struct Params(HashMap<String, String>);

impl Params {
    /// Parses `application/x-www-form-urlencoded` text. Returns the name of
    /// the first repeated parameter as an error.
    pub(crate) fn parse(raw: &str) -> Result<Params, String> {
        let mut map = HashMap::new();
        for (name, value) in url::form_urlencoded::parse(raw.as_bytes()) {
            if map.insert(name.to_string(), value.to_string()).is_some() {
                return Err(name.to_string());
            }
        }
        Ok(Params(map))
    }

    /// Parses `application/x-www-form-urlencoded` text keeping only the
    /// parameters named in `known` (the others are ignored, repeated or
    /// not). Returns the name of the first repeated known parameter as an
    /// error.
    pub(crate) fn parse_known(raw: &str, known: &[&str]) -> Result<Params, String> {
        let mut map = HashMap::new();
        for (name, value) in url::form_urlencoded::parse(raw.as_bytes()) {
            if !known.contains(&name.as_ref()) {
                continue;
            }
            if map.insert(name.to_string(), value.to_string()).is_some() {
                return Err(name.to_string());
            }
        }
        Ok(Params(map))
    }

    /// A non-empty parameter.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// A parameter as sent, even when empty (`None` only when absent).
    pub(crate) fn raw(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// The first parameter whose name is not in `allowed`, in a stable order.
    pub(crate) fn first_unknown(&self, allowed: &[&str]) -> Option<&str> {
        let mut unknown: Vec<&str> = self
            .0
            .keys()
            .map(String::as_str)
            .filter(|name| !allowed.contains(name))
            .collect();
        unknown.sort_unstable();
        unknown.first().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_and_unknown_parameters() {
        assert_eq!(Params::parse("a=1&a=2").unwrap_err(), "a");
        let p = Params::parse("a=1&b=&c=x%20y").unwrap();
        assert_eq!(p.get("a"), Some("1"));
        assert_eq!(p.get("b"), None);
        assert_eq!(p.raw("b"), Some(""));
        assert_eq!(p.raw("z"), None);
        assert_eq!(p.get("c"), Some("x y"));
        assert_eq!(p.first_unknown(&["a", "b"]), Some("c"));
        let known = Params::parse_known("a=1&z=2&z=3", &["a"]).unwrap();
        assert_eq!((known.get("a"), known.raw("z")), (Some("1"), None));
        assert_eq!(Params::parse_known("a=1&a=2", &["a"]).unwrap_err(), "a");
    }
}
