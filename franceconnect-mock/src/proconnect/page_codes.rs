//! The codes ProConnect's error page shows (its own `Y…` codes, and the
//! ones `oidc-provider` renders), for requests it will not send back to
//! the service.

/// A bad parameter value (HTTP 400), on `/authorize` and `/session/end`.
pub(crate) const BAD_PARAMETER: &str = "Y000400";

/// A `redirect_uri` not registered on this platform.
pub(crate) const UNREGISTERED_REDIRECT_URI: &str = "Y030031";

/// A `post_logout_redirect_uri` not registered on this platform.
pub(crate) const UNREGISTERED_POST_LOGOUT_URI: &str = "Y030111";

/// The page `oidc-provider` renders for an unknown client.
pub(crate) const UNKNOWN_CLIENT: &str = "oidc-provider-rendered-error:invalid_client";

/// The page `oidc-provider` renders for a request it refuses (a bad
/// `id_token_hint`, a `client_id` that contradicts it).
pub(crate) const INVALID_REQUEST: &str = "oidc-provider-rendered-error:invalid_request";
