//! Entry points for fuzzers (the `fuzz/` targets and the bounded run of the
//! test suite): each takes arbitrary bytes, feeds them to one of the
//! parsers that read what the network sends, and must return without
//! panicking, whatever the input. Not part of the public API: compiled only
//! with the `__private` feature (and in this crate's tests).

use std::sync::OnceLock;

use http::header::COOKIE;
use http::{HeaderMap, HeaderValue};
use josekit::jwk::Jwk;
use josekit::jws::JwsHeader;
use serde_json::{Map, Value};
use url::Url;

use crate::config::{Config, Environment, Platform};
use crate::flow::claims as token_claims;
use crate::flow::{CallbackParams, PendingLogin, PendingLogout};
use crate::identity::{SignedInUser, StoredUser, UserClaims};
use crate::jose;
use crate::jose::ServiceKeys;
use crate::jose::{EncryptionAlg, SigningAlg};
use crate::protocol::acr::{Acr, RequestedAcr};
use crate::protocol::eidas::{Amr, Eidas};
use crate::protocol::values::{AccessToken, IdTokenHint, IssuedAccessToken, Nonce, ReturnTo, State};
use crate::provider::jwks;
use crate::web::login_cookie::{LoginCookies, MAX_PENDING};

/// The issuer the fixtures use.
pub const ISSUER: &str = "https://fournisseur.example/api/v2";
/// The client id the fixtures use.
pub const CLIENT_ID: &str = "fuzz-client";
/// The nonce the fixtures' ID tokens carry.
pub const NONCE: &str = "fuzz-nonce-0123456789abcdef0123456789abcdef";
/// Token size limit during fuzzing (the default of the configuration).
pub(crate) const MAX_TOKEN_BYTES: usize = 64 * 1024;
/// The secret sealing the fixtures' pending-login cookies: fixed, so that a
/// cookie sealed by one process (the seeds) opens in another (the fuzzer).
const LOGIN_COOKIE_SECRET: &str = "fuzz-login-cookie-secret-of-at-least-32-characters";
/// The names of the pending-login cookies off loopback (the fixtures'
/// redirect URI is `https`).
pub(crate) const LOGIN_COOKIE_PREFIX: &str = "__Host-fc_login_";

/// Keys and configuration shared by every run. The keys are fixed (read
/// from `fuzzing_keys.json`), so that a seed corpus written by one process
/// still verifies and decrypts in another.
pub struct Fixtures {
    /// The provider's ES256 signing key (private, to build seeds).
    pub provider_key: Jwk,
    /// The provider's public key, as published.
    pub provider_public: Jwk,
    /// The provider's keys, as the client would have cached them.
    pub(crate) provider_keys: Vec<jwks::ProviderKey>,
    /// The service's FranceConnect+ keys (ECDH-ES and RSA-OAEP-256).
    pub service_keys: ServiceKeys,
    /// A FranceConnect+ configuration using them.
    pub config: Config,
    /// The pending-login cookies of that configuration.
    pub(crate) login_cookies: LoginCookies,
    /// A sealed cookie (its `Set-Cookie` value), as a new login would add.
    pub(crate) new_login_cookie: String,
}

/// The fixed keys of the fixtures (test keys: they protect nothing).
const KEYS: &str = include_str!("fuzzing_keys.json");

/// The shared fixtures.
pub fn fixtures() -> &'static Fixtures {
    static FIXTURES: OnceLock<Fixtures> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let keys: Value = serde_json::from_str(KEYS).expect("valid JSON");
        let provider_key = Jwk::from_map(keys["provider_signing_key"].as_object().cloned().unwrap_or_default())
            .expect("the provider key");
        let mut public = provider_key.to_public_key().expect("public key");
        public.set_key_use("sig");
        public.set_algorithm("ES256");
        let service_keys = ServiceKeys::from_jwks_json(&keys["service_keys"].to_string()).expect("service keys");
        let config = Config::builder(
            Platform::FranceConnectPlus,
            Environment::Custom(Url::parse(ISSUER).expect("URL")),
        )
        .client_id(CLIENT_ID)
        .client_secret("fuzz-secret")
        .redirect_uri("https://service.example/auth/callback")
        .post_logout_redirect_uri("https://service.example/auth/logout/callback")
        .service_keys(service_keys.clone())
        .login_cookie_secret(LOGIN_COOKIE_SECRET)
        .build()
        .expect("configuration");
        let login_cookies = LoginCookies::new(&config);
        let new_login_cookie = login_cookies.seal(&genuine_logins()[0]);
        let jwks = serde_json::json!({ "keys": [Value::Object(public.as_ref().clone())] });
        let provider_keys = jwks::parse_jwks(jwks.to_string().as_bytes()).expect("the provider JWKS");
        Fixtures {
            provider_key,
            provider_public: public,
            provider_keys,
            service_keys,
            config,
            login_cookies,
            new_login_cookie,
        }
    })
}

/// A compact token as the token or userinfo endpoint would return it:
/// decrypted if it is a JWE (with the service's keys and allow-list), then
/// verified as a JWS against the provider's cached keys.
pub fn compact_token(data: &[u8]) {
    let Ok(token) = std::str::from_utf8(data) else { return };
    let f = fixtures();
    let token = token.trim();
    let jws = if jose::compact::is_jwe(token) {
        let allowed = [EncryptionAlg::EcdhEs, EncryptionAlg::RsaOaep256];
        match jose::compact::decrypt_nested(token, &f.service_keys, &allowed, MAX_TOKEN_BYTES) {
            Ok(inner) => inner,
            Err(_) => return,
        }
    } else {
        token.to_owned()
    };
    let Ok(header) = jose::compact::Header::parse(&jws, 3, MAX_TOKEN_BYTES) else {
        return;
    };
    let Ok(alg) = header.signing_alg(&[SigningAlg::Es256]) else {
        return;
    };
    let keys = jwks::candidates(&f.provider_keys, header.kid(), alg);
    if let Ok(claims) = jwks::verify_with_any(&jws, &keys) {
        id_token_claims_map(&claims);
    }
}

/// A JSON document read as ID token claims, then as userinfo claims and
/// the typed user claims (pivot identity fields, e-mail) they carry.
pub fn claims(data: &[u8]) {
    if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(data) {
        id_token_claims_map(&map);
    }
}

fn id_token_claims_map(map: &Map<String, Value>) {
    let f = fixtures();
    let nonce: Nonce = serde_json::from_value(Value::from(NONCE)).expect("a nonce deserialises");
    let _ = token_claims::check_id_token(
        &f.config,
        ISSUER,
        map,
        &nonce,
        &crate::protocol::acr::RequestedAcr::AtLeast(Eidas::Eidas2),
    );
    let _ = token_claims::check_userinfo(&f.config, ISSUER, map, "sub", true);
    let _ = UserClaims::from_userinfo(map);
}

/// A callback's query string, and the `return_to` a login URL carries.
pub fn callback_query(data: &[u8]) {
    let Ok(query) = std::str::from_utf8(data) else { return };
    let params = CallbackParams::from_query(query);
    for value in [&params.code, &params.state, &params.iss, &params.error]
        .into_iter()
        .flatten()
    {
        let _ = ReturnTo::parse(value);
    }
    let _ = ReturnTo::parse(query);
}

/// A provider JWKS document.
pub fn jwks(data: &[u8]) {
    if let Ok(keys) = jwks::parse_jwks(data) {
        for alg in [SigningAlg::Es256, SigningAlg::Rs256] {
            let _ = jwks::candidates(&keys, Some("fuzz:ES256:1"), alg);
        }
    }
}

/// The pending logins the fixtures seal (and the only ones: a cookie that
/// opens must hold one of them). Fixed, times included, so that a seed
/// written by one process is recognised by another.
pub fn genuine_logins() -> Vec<PendingLogin> {
    (0..6)
        .map(|i: i64| PendingLogin {
            state: State::new(format!("fuzz-state-{i}-0123456789abcdef0123456789abcdef")),
            nonce: Nonce::new(format!("fuzz-nonce-{i}-0123456789abcdef0123456789abcdef")),
            acr: if i % 2 == 0 {
                RequestedAcr::AtLeast(Eidas::Eidas2)
            } else {
                RequestedAcr::OneOf(vec![Acr::Eidas1Mfa, Acr::Eidas2])
            },
            return_to: (i % 3 == 0).then(|| ReturnTo::parse("/profil?onglet=identite").expect("a path")),
            created_at: 1_800_000_000 - i,
            reauthenticate: i == 1,
            code_verifier: None,
        })
        .collect()
}

/// A callback's (or a new login's) request against the sealed pending-login
/// cookies: the first line of `data` is the callback's `state`, each other
/// line one `Cookie` header. Returns the pending login that opened, after
/// checking that it is one the fixtures sealed, for that state, and that
/// the clean-up of old cookies keeps at most `MAX_PENDING` of them with
/// `Set-Cookie` values a response can carry.
pub fn login_cookie(data: &[u8]) {
    let _ = open_login_cookie(data);
}

/// [`login_cookie`], giving what opened.
pub(crate) fn open_login_cookie(data: &[u8]) -> Option<PendingLogin> {
    let f = fixtures();
    let mut lines = data.split(|&b| b == b'\n');
    let state = String::from_utf8_lossy(lines.next().unwrap_or_default());
    let mut headers = HeaderMap::new();
    for line in lines {
        if let Ok(value) = HeaderValue::from_bytes(line.strip_suffix(b"\r").unwrap_or(line)) {
            headers.append(COOKIE, value);
        }
    }
    let cookies = &f.login_cookies;
    let opened = cookies.open(&headers, &state);
    let present = cookies.present(&headers, &state);
    if let Some(login) = &opened {
        assert!(present, "a cookie opened that is not there");
        assert!(login.state.matches(&state), "a cookie opened for another state");
        assert!(
            genuine_logins().iter().any(|g| same_login(g, login)),
            "a cookie opened that the fixtures never sealed"
        );
    }
    let clear = cookies.clear(&state);
    assert!(HeaderValue::from_str(&clear).is_ok() && clear.starts_with(LOGIN_COOKIE_PREFIX));
    // The request's pending-login cookies, as the browser sent them.
    let pending: Vec<&str> = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|pair| pair.trim().split_once('=').map(|(name, _)| name))
        .filter(|name| name.starts_with(LOGIN_COOKIE_PREFIX))
        .collect();
    let cleared = cookies.evict_old(&headers, &f.new_login_cookie);
    assert!(
        cleared.len() <= pending.len() && pending.len() - cleared.len() <= MAX_PENDING,
        "{} pending login cookies, {} cleared",
        pending.len(),
        cleared.len()
    );
    for c in &cleared {
        let (name, attributes) = c.split_once('=').expect("name=value");
        assert!(
            pending.contains(&name),
            "cleared a cookie the request did not send: {c}"
        );
        assert!(attributes.contains("; Max-Age=0;"), "{c}");
        assert!(
            HeaderValue::from_str(c).is_ok(),
            "a Set-Cookie a response cannot carry: {c:?}"
        );
    }
    opened
}

/// Whether two pending logins are the same, secrets included.
pub(crate) fn same_login(a: &PendingLogin, b: &PendingLogin) -> bool {
    a.state.matches(b.state.secret())
        && a.nonce.matches(b.nonce.secret())
        && a.acr == b.acr
        && a.return_to == b.return_to
        && a.created_at == b.created_at
        && a.reauthenticate == b.reauthenticate
}

/// What a session store hands back, read as each of the engine's values:
/// the signed-in user (also the earlier sign-in and the second logout of a
/// federation), the pending logout, and a pending login. A user that reads
/// must give its identities, format with `Debug` without personal data or
/// tokens, and write back (both forms) to the same user.
pub fn stored_session(data: &[u8]) {
    let _ = stored_user(data);
    written_by_a_login(data);
    if let Ok(logout) = serde_json::from_slice::<PendingLogout>(data) {
        let again: PendingLogout = serde_json::from_slice(&serde_json::to_vec(&logout).expect("writes"))
            .expect("a pending logout written reads back");
        assert!(again.state.matches(logout.state.secret()));
    }
    if let Ok(login) = serde_json::from_slice::<PendingLogin>(data) {
        let again: PendingLogin = serde_json::from_slice(&serde_json::to_vec(&login).expect("writes"))
            .expect("a pending login written reads back");
        assert!(
            same_login(&login, &again),
            "a pending login changed on its way through the store"
        );
    }
}

/// `data` read as userinfo claims: the user a login on each platform
/// makes of them must come back from the store as it went in.
fn written_by_a_login(data: &[u8]) {
    let Ok(claims @ Value::Object(_)) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    for (platform, acr) in [
        (Platform::FranceConnectPlus, Acr::Eidas2),
        (Platform::ProConnect, Acr::Eidas1Mfa),
    ] {
        let Ok(user) = SignedInUser::for_testing(platform, "sub", acr, claims.clone()) else {
            continue;
        };
        let stored = serde_json::to_vec(&StoredUser(&user)).expect("a signed-in user is stored");
        let again: SignedInUser = serde_json::from_slice(&stored).expect("a user a login wrote reads back");
        assert_same_user(&user, &again);
        assert_eq!(again.id_token_hint.secret(), user.id_token_hint.secret());
    }
}

/// [`stored_session`]'s signed-in user, when `data` reads as one.
pub(crate) fn stored_user(data: &[u8]) -> Option<SignedInUser> {
    let user: SignedInUser = serde_json::from_slice(data).ok()?;
    if let Some(pivot) = user.pivot_identity() {
        let _ = format!("{pivot:?} {}", pivot.birthdate);
        let _ = (
            pivot.birthdate.month(),
            pivot.birthdate.day(),
            pivot.birthdate.may_be_presumed(),
        );
        let _ = (
            pivot
                .birthplace
                .as_ref()
                .and_then(|p| p.commune())
                .map(|c| c.department()),
            pivot.birthplace.as_ref().map(|p| p.as_str().len()),
            pivot.birthcountry.as_ref().map(|c| c.is_france()),
        );
    }
    if let Some(agent) = user.agent_identity() {
        let _ = format!("{agent:?}");
        let _ = agent.siret.as_ref().map(|s| s.siren().to_string());
    }
    // `Debug` shows neither personal data nor tokens: it does not change
    // when they do.
    let mut anonymous = user.clone();
    anonymous.sub = String::from("someone else");
    anonymous.id_token_hint = IdTokenHint::new("another token");
    anonymous.access_token = user.access_token.as_ref().map(|t| IssuedAccessToken {
        token: AccessToken::new("another access token"),
        expires_at: t.expires_at.wrapping_add(1),
    });
    anonymous.claims = UserClaims::default();
    anonymous.account = None;
    for value in anonymous.raw_claims.values_mut() {
        *value = Value::Null;
    }
    assert_eq!(
        format!("{user:?}"),
        format!("{anonymous:?}"),
        "Debug shows personal data"
    );
    // What an application serialises carries no token, and reads back
    // without them.
    let public = serde_json::to_value(&user).expect("a signed-in user serialises");
    assert!(public.get("id_token_hint").is_none() && public.get("access_token").is_none());
    let read: SignedInUser = serde_json::from_value(public).expect("the public form reads back");
    assert!(read.id_token_hint.secret().is_empty() && read.access_token.is_none());
    assert_same_user(&user, &read);
    // What the session stores keeps the tokens.
    let stored = serde_json::to_vec(&StoredUser(&user)).expect("a signed-in user is stored");
    let again: SignedInUser = serde_json::from_slice(&stored).expect("a stored user reads back");
    assert_same_user(&user, &again);
    assert_eq!(again.id_token_hint.secret(), user.id_token_hint.secret());
    assert_eq!(
        again.access_token.as_ref().map(|t| (t.token.secret(), t.expires_at)),
        user.access_token.as_ref().map(|t| (t.token.secret(), t.expires_at)),
    );
    assert_eq!(again.active_at, user.active_at);
    Some(user)
}

/// The same user, but for the tokens and the activity mark (which one form
/// leaves out) and the values of the raw claims (JSON numbers need not
/// survive a round trip bit for bit).
pub(crate) fn assert_same_user(a: &SignedInUser, b: &SignedInUser) {
    assert_eq!(a.sub, b.sub);
    assert_eq!(
        (a.acr, &a.amr, a.auth_time, a.platform),
        (b.acr, &b.amr, b.auth_time, b.platform)
    );
    assert_eq!((&a.scope, a.signed_in_at), (&b.scope, b.signed_in_at));
    assert_eq!(
        a.claims, b.claims,
        "the typed claims changed on their way through the store"
    );
    assert!(a.raw_claims.keys().eq(b.raw_claims.keys()));
    assert_eq!(a.account.is_some(), b.account.is_some());
    assert_eq!(a.pivot_identity().is_some(), b.pivot_identity().is_some());
    assert_eq!(a.agent_identity().is_some(), b.agent_identity().is_some());
}

/// Valid inputs to start mutating from, for each target: a signed ID token,
/// the same encrypted to each service key, its claims, a callback query and
/// the provider's JWKS.
pub fn seeds() -> Seeds {
    let f = fixtures();
    let now = crate::clock::now();
    let claims = serde_json::json!({
        "iss": ISSUER, "aud": CLIENT_ID, "sub": "4d327dd1e427daf4d50296ab71d6f3fc82ccc40742943521d42cb2bae4df41afv1",
        // Valid for ten years, so that a corpus written today keeps reaching
        // the checks that follow the token's times.
        "iat": now, "exp": now + 10 * 365 * 86_400, "auth_time": now - 2, "nonce": NONCE, "acr": "eidas2",
        "amr": ["pwd", "mfa"], "given_name": "Élise Marie", "family_name": "D'ARTOIS",
        "birthdate": "1962-08-24", "gender": "female", "birthplace": "2A004", "birthcountry": "99100",
        "email": "elise@example.fr", "given_name_array": ["Élise", "Marie"]
    });
    let payload = serde_json::to_vec(&claims).expect("JSON");
    let mut header = JwsHeader::new();
    header.set_key_id("fuzz:ES256:1");
    let signer = josekit::jws::ES256.signer_from_jwk(&f.provider_key).expect("signer");
    let jws = josekit::jws::serialize_compact(&payload, &header, &signer).expect("JWS");
    let mut tokens = vec![jws.clone().into_bytes()];
    for key in f.service_keys.public_jwks()["keys"].as_array().into_iter().flatten() {
        let jwk = Jwk::from_map(key.as_object().cloned().unwrap_or_default()).expect("JWK");
        let mut h = josekit::jwe::JweHeader::new();
        h.set_content_encryption("A256GCM");
        h.set_content_type("JWT");
        h.set_key_id(jwk.key_id().unwrap_or_default());
        let encrypted = match jwk.algorithm() {
            Some("ECDH-ES") => josekit::jwe::ECDH_ES
                .encrypter_from_jwk(&jwk)
                .and_then(|e| josekit::jwe::serialize_compact(jws.as_bytes(), &h, &e)),
            _ => josekit::jwe::RSA_OAEP_256
                .encrypter_from_jwk(&jwk)
                .and_then(|e| josekit::jwe::serialize_compact(jws.as_bytes(), &h, &e)),
        };
        tokens.push(encrypted.expect("JWE").into_bytes());
    }
    let jwks = serde_json::json!({ "keys": [Value::Object(f.provider_public.as_ref().clone())] });
    Seeds {
        compact_token: tokens,
        claims: vec![payload],
        callback_query: vec![
            format!(
                "code=abc123&state=s-{NONCE}&iss={}",
                url::form_urlencoded::byte_serialize(ISSUER.as_bytes()).collect::<String>()
            )
            .into_bytes(),
            b"error=access_denied&error_description=User%20auth%20aborted&state=xyz".to_vec(),
            b"/profil?onglet=identite".to_vec(),
        ],
        jwks: vec![jwks.to_string().into_bytes()],
        login_cookie: login_cookie_seeds(),
        stored_session: stored_session_seeds(),
    }
}

/// Requests carrying genuine sealed cookies: the callback of one login; and
/// a request with six pending logins among other cookies (an unreadable
/// one, a foreign one, one without the `__Host-` prefix), across two
/// `Cookie` headers.
fn login_cookie_seeds() -> Vec<Vec<u8>> {
    let f = fixtures();
    let logins = genuine_logins();
    let pairs: Vec<String> = logins
        .iter()
        .map(|p| f.login_cookies.seal(p).split(';').next().unwrap_or_default().to_owned())
        .collect();
    let state = logins[0].state.secret();
    let unprefixed = pairs[1].strip_prefix("__Host-").unwrap_or_default();
    vec![
        format!("{state}\n{}", pairs[0]).into_bytes(),
        format!(
            "{}\ntheme=sombre; {}; {}; {LOGIN_COOKIE_PREFIX}AAAAAAAAAAAAAAAA=xyz; {}\n{}; {unprefixed}; {}; {}",
            logins[2].state.secret(),
            pairs[5],
            pairs[3],
            pairs[2],
            pairs[1],
            pairs[4],
            pairs[0]
        )
        .into_bytes(),
    ]
}

/// A citizen (pivot identity, access token, account, activity mark), a
/// citizen born abroad and an agent, as a login makes them.
pub(crate) fn seed_users() -> [SignedInUser; 3] {
    let mut citizen = SignedInUser::for_testing(
        Platform::FranceConnectPlus,
        "4d327dd1e427daf4d50296ab71d6f3fc82ccc40742943521d42cb2bae4df41afv1",
        Acr::Eidas2,
        serde_json::json!({
            "given_name": "Élise Marie", "given_name_array": ["Élise", "Marie"], "family_name": "D'ARTOIS",
            "birthdate": "1962-08-01", "idp_birthdate": "1962-08-00", "gender": "female", "birthplace": "97411",
            "birthcountry": "99100", "email": "elise@example.fr", "preferred_username": "MARTIN"
        }),
    )
    .expect("a citizen");
    citizen.id_token_hint = IdTokenHint::new("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln");
    citizen.access_token = Some(IssuedAccessToken {
        token: AccessToken::new("access-token-0123456789"),
        expires_at: 1_800_000_060,
    });
    citizen.amr = Some(vec![Amr::Pwd, Amr::Mfa]);
    citizen.account = Some(serde_json::json!({ "id": 42, "roles": ["admin"] }));
    citizen.active_at = Some(1_800_000_030);
    let abroad = SignedInUser::for_testing(
        Platform::FranceConnect,
        "b2c1",
        Acr::Eidas1,
        serde_json::json!({ "given_name": "Ana", "family_name": "SILVA", "birthdate": "1990-00-00",
            "gender": "male", "birthplace": "", "birthcountry": "99139" }),
    )
    .expect("a citizen born abroad");
    let agent = SignedInUser::for_testing(
        Platform::ProConnect,
        "3f2b6c1e-8d4a-4f7e-9b1c-5a6d7e8f9a0b",
        Acr::Eidas1Mfa,
        serde_json::json!({ "given_name": "Inès", "usual_name": "Roy", "email": "ines.roy@mairie.example.fr",
            "siret": "21750001600019", "uid": "42", "roles": ["gestionnaire"], "custom": {"grade": "A"} }),
    )
    .expect("an agent");
    [citizen, abroad, agent]
}

/// The users of [`seed_users`] as the session stores keep them, pending
/// logins and a pending logout as written (one login in the older form,
/// with `eidas`), and the users' userinfo claims (for the users a login
/// writes).
fn stored_session_seeds() -> Vec<Vec<u8>> {
    fn json<T: serde::Serialize>(value: &T) -> Vec<u8> {
        serde_json::to_vec(value).expect("JSON")
    }
    let users = seed_users();
    let logins = genuine_logins();
    let older = serde_json::to_string(&logins[1])
        .expect("JSON")
        .replacen("\"acr\"", "\"eidas\"", 1);
    let logout = PendingLogout {
        state: logins[0].state.clone(),
    };
    let mut seeds: Vec<Vec<u8>> = users.iter().map(|u| json(&StoredUser(u))).collect();
    seeds.extend([json(&logins[0]), older.into_bytes(), json(&logout)]);
    seeds.extend(users.iter().map(|u| json(&u.raw_claims)));
    seeds
}

/// Seed inputs per target (see [`seeds`]).
pub struct Seeds {
    /// For [`compact_token`].
    pub compact_token: Vec<Vec<u8>>,
    /// For [`claims`].
    pub claims: Vec<Vec<u8>>,
    /// For [`callback_query`].
    pub callback_query: Vec<Vec<u8>>,
    /// For [`jwks`](fn@jwks).
    pub jwks: Vec<Vec<u8>>,
    /// For [`login_cookie`].
    pub login_cookie: Vec<Vec<u8>>,
    /// For [`stored_session`].
    pub stored_session: Vec<Vec<u8>>,
}
