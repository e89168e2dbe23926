//! HTTP pieces with no OpenID Connect rule in them, which every handler
//! may use: parameters, HTML pages, OAuth error bodies, callback URLs.

pub(crate) mod callback_url;
pub(crate) mod html;
pub(crate) mod oauth_error;
pub(crate) mod params;
