//! The rules every configured URL follows: HTTPS (plain HTTP on loopback
//! only, for development), no credentials or fragment, and for the URIs the
//! provider compares verbatim, the exact registered spelling.

use std::net::IpAddr;

use url::{Host, Url};

use crate::error::ConfigError;

/// An `https://` URL, or `http://` on a loopback host (development only).
pub(crate) fn check_url(name: &str, value: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(value).map_err(|_| ConfigError::new(format!("{name} is not a valid URL")))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(ConfigError::new(format!(
                "{name} uses plain http:// on a non-loopback host; use https://"
            )));
        }
        _ => return Err(ConfigError::new(format!("{name} must be an https:// URL"))),
    }
    if url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err(ConfigError::new(format!(
            "{name} must not carry a fragment or credentials"
        )));
    }
    Ok(url)
}

/// A URI the provider compares character for character with the registered
/// one: refuse a spelling that URL normalisation would change (upper-case
/// host, default port, missing path) rather than send something else.
pub(super) fn check_registered_uri(name: &str, value: &str) -> Result<Url, ConfigError> {
    let url = check_url(name, value)?;
    if url.as_str() != value {
        return Err(ConfigError::new(format!(
            "{name} must be written exactly as {url} (the provider compares it verbatim)"
        )));
    }
    Ok(url)
}

/// `localhost`, 127.0.0.0/8 or `::1`.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}
