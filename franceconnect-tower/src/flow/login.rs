//! The login: [`FranceConnect::begin_login`] builds the authorization URL and
//! a [`PendingLogin`] to keep in the user's session;
//! [`FranceConnect::complete_login`] checks the callback against it and
//! returns the [`SignedInUser`].

use serde::{Deserialize, Serialize};
use url::Url;

use crate::client::FranceConnect;
use crate::clock::{age, now};
use crate::config::{Platform, Prompt};
use crate::error::{ClaimsError, ConfigError, Error, ProviderError, StateError};
use crate::flow::Userinfo;
use crate::flow::claims::{IdTokenFacts, check_id_token, check_userinfo};
use crate::flow::step_span::{acr_asked, in_span};
use crate::identity::{SignedInUser, UserClaims};
use crate::metrics::{self, LoginStep};
use crate::protocol::acr::{Acr, RequestedAcr};
use crate::protocol::eidas::Eidas;
use crate::protocol::values::{CodeVerifier, Nonce, ReturnTo, State};
use crate::provider::ProviderMetadata;

/// Options of one login: `LoginOptions::default()`, then the builder
/// methods.
///
/// ```
/// use franceconnect_tower::{Eidas, LoginOptions, ReturnTo};
///
/// let options = LoginOptions::default()
///     .return_to(ReturnTo::parse("/demarches").unwrap())
///     .eidas(Eidas::Eidas2);
/// assert_eq!(options.eidas, Some(Eidas::Eidas2));
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct LoginOptions {
    /// Where to send the user afterwards (a path on this site).
    pub return_to: Option<ReturnTo>,
    /// A level higher than the configured one (step-up). Must be accepted by
    /// the platform.
    pub eidas: Option<Eidas>,
    /// Adds to the configured `prompt` for this login (a configured
    /// `login` or `consent` is kept whatever this asks; `none` only applies
    /// where nothing is configured).
    pub prompt: Option<Prompt>,
    /// The identity provider to go to directly (`idp_hint`, its id at the
    /// platform). On FranceConnect it must be on the configured allow-list
    /// ([`ConfigBuilder::allowed_idp_hints`](crate::ConfigBuilder::allowed_idp_hints));
    /// on ProConnect it is an `idp_id`, as a previous login reported it.
    pub idp_hint: Option<String>,
    /// ProConnect only: the `acr` values this login accepts (a second
    /// factor for one action: [`Acr::MFA`]). They narrow the configured
    /// values, never widen them: the login asks for those of them that are
    /// also configured, and none in common is an error.
    pub acr_values: Option<Vec<Acr>>,
    /// ProConnect only: the agent's e-mail address (`login_hint`), which
    /// skips ProConnect's e-mail screen.
    pub login_hint: Option<String>,
    /// ProConnect only: the SIRET of the establishment to sign in for
    /// (`siret_hint`, 14 digits).
    pub siret_hint: Option<String>,
}

/// A login in progress, kept until the callback: in a server-side session,
/// or sealed in a single-use cookie as [`AuthRoutes`](crate::web::AuthRoutes)
/// does. Single-use: take it out (or mark it used) before completing.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PendingLogin {
    /// The `state` sent to the provider.
    pub state: State,
    /// The `nonce` sent to the provider.
    pub nonce: Nonce,
    /// What this login asked for (the eIDAS level, or ProConnect's values).
    #[serde(alias = "eidas")]
    pub acr: RequestedAcr,
    /// Where to go after the login.
    pub return_to: Option<ReturnTo>,
    /// When the login began (Unix seconds).
    pub created_at: i64,
    /// Whether this login asked the provider to authenticate the person
    /// again (`prompt=login`): the ID token's `auth_time` must then be
    /// this login's, or the login is refused (rather than sending the
    /// person round again).
    #[serde(default)]
    pub reauthenticate: bool,
    /// ProConnect: PKCE's `code_verifier` (RFC 7636, S256), sent at the
    /// token request; its challenge went to the authorization endpoint.
    /// `None` on FranceConnect and FranceConnect+, which refuse any
    /// authorization parameter they do not know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_verifier: Option<CodeVerifier>,
}

/// The query parameters of the callback: [`CallbackParams::from_query`],
/// or `CallbackParams::default()` with the fields set one by one. Its
/// `Debug` hides the code and the state.
#[derive(Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct CallbackParams {
    /// `code`, on success.
    pub code: Option<String>,
    /// `state`.
    pub state: Option<String>,
    /// `iss` (RFC 9207).
    pub iss: Option<String>,
    /// `error`, on failure.
    pub error: Option<String>,
    /// `error_description`, on failure.
    pub error_description: Option<String>,
    /// `error_uri`, on failure (FranceConnect puts its own code there).
    pub error_uri: Option<String>,
}

impl std::fmt::Debug for CallbackParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redacted = |v: &Option<String>| v.as_ref().map(|_| "[redacted]");
        f.debug_struct("CallbackParams")
            .field("code", &redacted(&self.code))
            .field("state", &redacted(&self.state))
            .field("iss", &self.iss)
            .field("error", &self.error)
            .field("error_description", &self.error_description)
            .field("error_uri", &self.error_uri)
            .finish()
    }
}

impl LoginOptions {
    /// Where to send the user after the login.
    pub fn return_to(mut self, return_to: ReturnTo) -> Self {
        self.return_to = Some(return_to);
        self
    }

    /// A level higher than the configured one (step-up).
    pub fn eidas(mut self, level: Eidas) -> Self {
        self.eidas = Some(level);
        self
    }

    /// The `prompt` of this login.
    pub fn prompt(mut self, prompt: Prompt) -> Self {
        self.prompt = Some(prompt);
        self
    }

    /// Sends the user directly to this identity provider (`idp_hint`).
    pub fn idp_hint(mut self, idp: impl Into<String>) -> Self {
        self.idp_hint = Some(idp.into());
        self
    }

    /// ProConnect: the `acr` values of this login.
    pub fn acr_values(mut self, values: impl IntoIterator<Item = Acr>) -> Self {
        self.acr_values = Some(values.into_iter().collect());
        self
    }

    /// ProConnect: the agent's e-mail address (`login_hint`).
    pub fn login_hint(mut self, email: impl Into<String>) -> Self {
        self.login_hint = Some(email.into());
        self
    }

    /// ProConnect: the establishment's SIRET (`siret_hint`).
    pub fn siret_hint(mut self, siret: impl Into<String>) -> Self {
        self.siret_hint = Some(siret.into());
        self
    }

    /// What this login asks for on `platform`: the configured floor,
    /// narrowed by this login's own wishes (never lowered), or why nothing
    /// can be asked.
    pub(crate) fn requested_acr(&self, config: &crate::Config) -> Result<RequestedAcr, ConfigError> {
        let platform = config.platform;
        if !platform.asks_acr_in_claims() {
            if self.acr_values.is_some() {
                return Err(ConfigError::new(
                    "acr values are ProConnect's: on FranceConnect, a login asks for an eIDAS level",
                ));
            }
            let eidas = self.eidas.unwrap_or(config.eidas).max(config.eidas);
            if !platform.accepted_levels().contains(&eidas) {
                return Err(ConfigError::new(format!("this platform does not accept {eidas}")));
            }
            return Ok(RequestedAcr::AtLeast(eidas));
        }
        let values = match &self.acr_values {
            None => config.acr_values.clone(),
            Some(asked) => {
                let narrowed = RequestedAcr::narrow(&config.acr_values, asked);
                if narrowed.is_empty() {
                    return Err(ConfigError::new(
                        "none of the acr values asked is among the configured ones (acr_values / FC_ACR)",
                    ));
                }
                narrowed
            }
        };
        match self.eidas {
            None => Ok(RequestedAcr::OneOf(values)),
            Some(level) => {
                let both = RequestedAcr::one_of_reaching(&values, level);
                if both.is_empty() {
                    return Err(ConfigError::new(format!(
                        "none of the acr values asked attests {level}"
                    )));
                }
                Ok(RequestedAcr::OneOf(both))
            }
        }
    }

    /// Refuses the hints the platform does not take, or in a shape it
    /// refuses, before anything is sent.
    fn check_hints(&self, config: &crate::Config) -> Result<(), ConfigError> {
        let proconnect = config.platform == Platform::ProConnect;
        if let Some(hint) = &self.idp_hint {
            let well_formed =
                !hint.is_empty() && hint.len() <= 128 && !hint.chars().any(|c| c.is_control() || c.is_whitespace());
            if !well_formed || (!proconnect && !config.is_allowed_idp_hint(hint)) {
                return Err(ConfigError::new(
                    "this idp_hint is not on the allow-list (allowed_idp_hints / FC_IDP_HINTS)",
                ));
            }
        }
        if (self.login_hint.is_some() || self.siret_hint.is_some()) && !proconnect {
            return Err(ConfigError::new("login_hint and siret_hint are ProConnect's"));
        }
        if let Some(email) = &self.login_hint {
            crate::identity::check_email(email)
                .map_err(|_| ConfigError::new("login_hint must be an e-mail address"))?;
        }
        if let Some(siret) = &self.siret_hint
            && !(siret.len() == 14 && siret.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(ConfigError::new("siret_hint must be 14 digits"));
        }
        if self.prompt == Some(Prompt::None) && !proconnect {
            return Err(ConfigError::new(
                "prompt=none is ProConnect's: FranceConnect refuses it",
            ));
        }
        Ok(())
    }
}

/// The `claims` parameter: ProConnect's `acr` request (essential values,
/// or read only), and `amr` when asked.
fn claims_parameter(platform: Platform, acr: &RequestedAcr, amr: bool) -> Option<String> {
    let mut id_token = serde_json::Map::new();
    if platform.asks_acr_in_claims() {
        let acr = match acr {
            RequestedAcr::OneOf(values) if !values.is_empty() => {
                let values: Vec<&str> = values.iter().map(|v| v.as_str()).collect();
                serde_json::json!({"essential": true, "values": values})
            }
            _ => serde_json::Value::Null,
        };
        id_token.insert("acr".into(), acr);
        if amr {
            id_token.insert("amr".into(), serde_json::Value::Null);
        }
    } else if amr {
        id_token.insert("amr".into(), serde_json::json!({"essential": true}));
    }
    (!id_token.is_empty()).then(|| serde_json::json!({ "id_token": id_token }).to_string())
}

impl CallbackParams {
    /// Parses a query string (`code=…&state=…&iss=…`).
    pub fn from_query(query: &str) -> Self {
        let mut p = CallbackParams::default();
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            let slot = match &*k {
                "code" => &mut p.code,
                "state" => &mut p.state,
                "iss" => &mut p.iss,
                "error" => &mut p.error,
                "error_description" => &mut p.error_description,
                "error_uri" => &mut p.error_uri,
                _ => continue,
            };
            // A repeated parameter is suspicious: keep the first one only.
            slot.get_or_insert_with(|| v.into_owned());
        }
        p
    }
}

impl FranceConnect {
    /// Starts a login: returns the provider URL to redirect the browser to
    /// (303) and the pending login to store in the session.
    ///
    /// Only the parameters the platform accepts are sent: no
    /// `response_mode`; on FranceConnect, the level in `acr_values` and no
    /// PKCE (FranceConnect refuses parameters it does not know); on
    /// ProConnect, the `acr` in the `claims` parameter, its hints, and
    /// PKCE (`code_challenge`, `code_challenge_method=S256`: the verifier
    /// stays in the pending login until the token request). An
    /// option the platform does not take, or an `idp_hint` outside
    /// FranceConnect's allow-list, is refused before anything is sent.
    ///
    /// Runs in the span `franceconnect.login.begin` (fields `platform`,
    /// `acr_asked`, `error`, `duration_ms`).
    pub async fn begin_login(&self, options: LoginOptions) -> Result<(Url, PendingLogin), Error> {
        let platform = self.inner.config.platform;
        let span = tracing::info_span!(
            "franceconnect.login.begin",
            platform = platform.setting(),
            acr_asked = tracing::field::Empty,
            error = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let result = in_span(&span, self.begin_login_inner(options)).await;
        match &result {
            Ok((_, pending)) => {
                span.record("acr_asked", acr_asked(&pending.acr).as_str());
                metrics::login_begun(platform);
            }
            Err(e) => metrics::login_failed(platform, LoginStep::Begin, e),
        }
        result
    }

    async fn begin_login_inner(&self, options: LoginOptions) -> Result<(Url, PendingLogin), Error> {
        let config = &self.inner.config;
        let acr = options.requested_acr(config)?;
        options.check_hints(config)?;
        let metadata = self.discover().await?;
        // The login's own prompt adds to the configured one (a step-up's
        // `login` keeps a configured `consent`; a `none` never cancels a
        // configured `login`).
        let prompt = match (options.prompt, config.prompt) {
            (Some(asked), Some(configured)) => Some(asked.with(configured)),
            (asked, configured) => asked.or(configured),
        };
        let pending = PendingLogin {
            state: State::random(),
            nonce: Nonce::random(),
            acr,
            return_to: options.return_to,
            created_at: now(),
            reauthenticate: prompt.is_some_and(Prompt::forces_login),
            // PKCE where it is accepted: ProConnect alone.
            code_verifier: (config.platform == Platform::ProConnect).then(CodeVerifier::random),
        };
        let mut url = metadata.authorization_endpoint.clone();
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("response_type", "code")
                .append_pair("client_id", config.client_id.as_str())
                .append_pair("redirect_uri", config.redirect_uri.as_str())
                .append_pair("scope", &config.scopes.to_string());
            if let RequestedAcr::AtLeast(level) = &pending.acr {
                q.append_pair("acr_values", level.as_str());
            }
            q.append_pair("nonce", pending.nonce.secret())
                .append_pair("state", pending.state.secret());
            if let Some(prompt) = prompt {
                q.append_pair("prompt", prompt.as_str());
            }
            for (name, hint) in [
                ("idp_hint", &options.idp_hint),
                ("login_hint", &options.login_hint),
                ("siret_hint", &options.siret_hint),
            ] {
                if let Some(hint) = hint {
                    q.append_pair(name, hint);
                }
            }
            if let Some(claims) = claims_parameter(config.platform, &pending.acr, config.request_amr) {
                q.append_pair("claims", &claims);
            }
            if let Some(verifier) = &pending.code_verifier {
                q.append_pair("code_challenge", &verifier.s256_challenge())
                    .append_pair("code_challenge_method", "S256");
            }
        }
        tracing::debug!(acr = %pending.acr, "login started");
        Ok((url, pending))
    }

    /// Completes a login from the callback's query and the pending login
    /// taken out of the session: checks `state`, `iss` and the login's age,
    /// exchanges the code, opens and checks the ID token, fetches and checks
    /// userinfo.
    ///
    /// Runs in the span `franceconnect.login.callback` (fields `platform`,
    /// `acr_asked`, `acr_reached`, `error`, `duration_ms`), which holds the
    /// spans of the token and userinfo requests.
    pub async fn complete_login(
        &self,
        callback: &CallbackParams,
        pending: &PendingLogin,
    ) -> Result<SignedInUser, Error> {
        let platform = self.inner.config.platform;
        let span = tracing::info_span!(
            "franceconnect.login.callback",
            platform = platform.setting(),
            acr_asked = acr_asked(&pending.acr).as_str(),
            acr_reached = tracing::field::Empty,
            error = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let result = in_span(&span, self.complete_login_inner(callback, pending)).await;
        span.in_scope(|| match &result {
            Ok(user) => {
                span.record("acr_reached", user.acr.as_str());
                metrics::login_completed(platform, user.acr);
                tracing::info!(acr = %user.acr, "login completed");
            }
            Err(e) => {
                metrics::login_failed(platform, LoginStep::Callback, e);
                tracing::warn!(code = crate::web::error_code(e), error = %e, "login failed");
            }
        });
        result
    }

    async fn complete_login_inner(
        &self,
        callback: &CallbackParams,
        pending: &PendingLogin,
    ) -> Result<SignedInUser, Error> {
        let config = &self.inner.config;
        match &callback.state {
            Some(state) if pending.state.matches(state) => {}
            Some(_) => return Err(StateError::Mismatch.into()),
            // A provider error page may drop the state: report the error itself.
            None if callback.error.is_some() => {}
            None => return Err(StateError::Missing.into()),
        }
        let metadata = self.discover().await?;
        match &callback.iss {
            Some(iss) if *iss == metadata.issuer => {}
            Some(_) => return Err(StateError::IssuerMismatch.into()),
            None if metadata.iss_parameter_supported => return Err(StateError::IssuerMismatch.into()),
            None => {}
        }
        if let Some(code) = &callback.error {
            return Err(Error::Provider(ProviderError::from_callback(
                code,
                callback.error_description.as_deref(),
                callback.error_uri.as_deref(),
            )));
        }
        if age(pending.created_at) > config.pending_login_lifetime || pending.created_at > now() + 60 {
            return Err(StateError::Expired.into());
        }
        let code = callback
            .code
            .as_deref()
            .filter(|c| !c.is_empty())
            .ok_or(StateError::MissingCode)?;

        let tokens = self
            .exchange_code(&metadata, code, pending.code_verifier.as_ref())
            .await?;
        // The ID token is checked before the access token is used at all.
        let id_token = self
            .check_id_token(&metadata, tokens.id_token.secret(), pending)
            .await?;
        let userinfo = self.fetch_userinfo(&metadata, &tokens.access_token.token).await?;
        let mut user = self.signed_in_user(&metadata, id_token, userinfo, tokens.scope).await?;
        user.refresh_token = tokens.refresh_token.map(|t| self.seal_refresh_token(&t, &user.sub));
        user.access_token = Some(tokens.access_token);
        Ok(user)
    }

    /// Opens the ID token (decrypting it on FranceConnect+) and checks its
    /// claims against the pending login.
    pub(crate) async fn check_id_token(
        &self,
        metadata: &ProviderMetadata,
        id_token: &str,
        pending: &PendingLogin,
    ) -> Result<CheckedIdToken, Error> {
        let config = &self.inner.config;
        let (jws, claims) = self.open_token(metadata, id_token).await?;
        let facts = check_id_token(config, &metadata.issuer, &claims, &pending.nonce, &pending.acr)?;
        let leeway = config.clock_leeway.as_secs() as i64;
        if pending.reauthenticate && facts.auth_time.is_none_or(|t| t < pending.created_at - leeway) {
            return Err(ClaimsError::new("auth_time", "the provider did not authenticate the person again").into());
        }
        Ok(CheckedIdToken { jws, facts })
    }

    /// Opens the userinfo response, checks it against the ID token and
    /// builds the signed-in user.
    pub(crate) async fn signed_in_user(
        &self,
        metadata: &ProviderMetadata,
        id_token: CheckedIdToken,
        userinfo: Userinfo,
        scope: String,
    ) -> Result<SignedInUser, Error> {
        let config = &self.inner.config;
        let CheckedIdToken { jws, facts } = id_token;
        let (mut info, signed) = match userinfo {
            Userinfo::Token(token) => (self.open_token(metadata, &token).await?.1, true),
            Userinfo::Json(claims) => (claims, false),
        };
        check_userinfo(config, &metadata.issuer, &info, &facts.sub, signed)?;
        let claims = match config.platform {
            Platform::ProConnect => UserClaims::from_agent_userinfo(&info)?,
            Platform::FranceConnect | Platform::FranceConnectPlus => UserClaims::from_userinfo(&info)?,
        };
        for protocol_claim in ["iss", "aud", "iat", "exp", "nbf", "jti"] {
            info.remove(protocol_claim);
        }
        Ok(SignedInUser {
            sub: facts.sub,
            acr: facts.acr,
            amr: facts.amr,
            auth_time: facts.auth_time,
            platform: config.platform,
            scope,
            claims,
            raw_claims: info,
            signed_in_at: now(),
            id_token_hint: crate::protocol::values::IdTokenHint::new(jws),
            access_token: None,
            refresh_token: None,
            account: None,
            active_at: None,
        })
    }
}

/// An ID token that passed its checks, and what it says.
pub(crate) struct CheckedIdToken {
    /// The signed token, kept for `id_token_hint` at logout.
    jws: String,
    facts: IdTokenFacts,
}
