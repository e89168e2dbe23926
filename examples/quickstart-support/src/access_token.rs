//! The access token in the quickstarts: the sign-in hook looks at it (where
//! an application calls the State's APIs, FranceConnect's token living 60
//! seconds), and `GET /api/access-token` shows what the `AccessToken`
//! extractor gives, renewed on ProConnect with `FC_REFRESH_TOKENS=true`.
//! Neither ever shows the token itself: a short fingerprint of it.

use franceconnect_tower::web::{AuthRoutes, SignInDecision};
use franceconnect_tower::{IssuedAccessToken, SignedInUser};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Where the sign-in hook keeps what it saw, in the user's `account`.
const SEEN_AT_SIGN_IN: &str = "access_token_at_sign_in";

/// `routes` with the quickstart's sign-in hook: it accepts everyone, and
/// notes the fingerprint of the access token it was given (an application
/// would call API Particulier with it there).
pub fn with_sign_in_hook(routes: AuthRoutes) -> AuthRoutes {
    routes.on_sign_in(|user| async move {
        match user.access_token() {
            Some(token) => SignInDecision::AcceptAs(json!({ SEEN_AT_SIGN_IN: fingerprint(token) })),
            None => SignInDecision::Accept,
        }
    })
}

/// `GET /api/access-token` for a signed-in user and the token the extractor
/// gave: its fingerprint, its expiry, and the fingerprint the sign-in hook
/// saw.
pub fn access_token_json(token: &IssuedAccessToken, user: &SignedInUser) -> Value {
    json!({
        "fingerprint": fingerprint(token),
        "expires_at": token.expires_at(),
        "fingerprint_at_sign_in": user.account.as_ref().and_then(|a| a.get(SEEN_AT_SIGN_IN)).cloned(),
    })
}

/// The first 8 bytes of the token's SHA-256, in hexadecimal: enough to tell
/// two tokens apart, nothing to use one with.
fn fingerprint(token: &IssuedAccessToken) -> String {
    Sha256::digest(token.secret().as_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
