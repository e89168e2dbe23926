//! The login: [`FranceConnect::begin_login`] builds the authorization URL and
//! a [`PendingLogin`] to keep in the user's session;
//! [`FranceConnect::complete_login`] checks the callback against it and
//! returns the [`SignedInUser`].

use serde::{Deserialize, Serialize};
use url::Url;

use crate::client::FranceConnect;
use crate::clock::{age, now};
use crate::config::Prompt;
use crate::eidas::Eidas;
use crate::error::{ClaimsError, ConfigError, Error, ProviderError, StateError};
use crate::flow::claims::{IdTokenFacts, check_id_token, check_userinfo};
use crate::identity::{SignedInUser, UserClaims};
use crate::provider::ProviderMetadata;
use crate::values::{Nonce, ReturnTo, State};

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
    /// Overrides the configured `prompt` for this login.
    pub prompt: Option<Prompt>,
    /// The identity provider to go to directly (`idp_hint`, its id at the
    /// platform); it must be on the configured allow-list
    /// ([`ConfigBuilder::allowed_idp_hints`](crate::ConfigBuilder::allowed_idp_hints)).
    pub idp_hint: Option<String>,
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
    /// The level asked for.
    pub eidas: Eidas,
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
}

/// The query parameters of the callback: [`CallbackParams::from_query`],
/// or `CallbackParams::default()` with the fields set one by one.
#[derive(Debug, Clone, Default, Deserialize)]
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
    /// Only the parameters FranceConnect accepts are sent: no PKCE, no
    /// `response_mode`, no `login_hint`. An `idp_hint` outside the
    /// configured allow-list is refused before anything is sent.
    pub async fn begin_login(&self, options: LoginOptions) -> Result<(Url, PendingLogin), Error> {
        let config = &self.inner.config;
        let eidas = options.eidas.unwrap_or(config.eidas).max(config.eidas);
        if !config.platform.accepted_levels().contains(&eidas) {
            return Err(ConfigError::new(format!("this platform does not accept {eidas}")).into());
        }
        if let Some(hint) = &options.idp_hint
            && !config.is_allowed_idp_hint(hint)
        {
            return Err(
                ConfigError::new("this idp_hint is not on the allow-list (allowed_idp_hints / FC_IDP_HINTS)").into(),
            );
        }
        let metadata = self.discover().await?;
        // The login's own prompt adds to the configured one (a step-up's
        // `login` keeps a configured `consent`).
        let prompt = match (options.prompt, config.prompt) {
            (Some(asked), Some(configured)) => Some(asked.with(configured)),
            (asked, configured) => asked.or(configured),
        };
        let pending = PendingLogin {
            state: State::random(),
            nonce: Nonce::random(),
            eidas,
            return_to: options.return_to,
            created_at: now(),
            reauthenticate: prompt.is_some_and(Prompt::forces_login),
        };
        let mut url = metadata.authorization_endpoint.clone();
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("response_type", "code")
                .append_pair("client_id", config.client_id.as_str())
                .append_pair("redirect_uri", config.redirect_uri.as_str())
                .append_pair("scope", &config.scopes.to_string())
                .append_pair("acr_values", eidas.as_str())
                .append_pair("nonce", pending.nonce.secret())
                .append_pair("state", pending.state.secret());
            if let Some(prompt) = prompt {
                q.append_pair("prompt", prompt.as_str());
            }
            if let Some(hint) = &options.idp_hint {
                q.append_pair("idp_hint", hint);
            }
            if config.request_amr {
                q.append_pair("claims", r#"{"id_token":{"amr":{"essential":true}}}"#);
            }
        }
        tracing::debug!(acr = %eidas, "login started");
        Ok((url, pending))
    }

    /// Completes a login from the callback's query and the pending login
    /// taken out of the session: checks `state`, `iss` and the login's age,
    /// exchanges the code, opens and checks the ID token, fetches and checks
    /// userinfo.
    pub async fn complete_login(
        &self,
        callback: &CallbackParams,
        pending: &PendingLogin,
    ) -> Result<SignedInUser, Error> {
        let result = self.complete_login_inner(callback, pending).await;
        match &result {
            Ok(user) => tracing::info!(acr = %user.acr, "login completed"),
            Err(e) => tracing::warn!(kind = ?e.kind(), error = %e, "login failed"),
        }
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

        let tokens = self.exchange_code(&metadata, code).await?;
        // The ID token is checked before the access token is used at all.
        let id_token = self
            .check_id_token(&metadata, tokens.id_token.secret(), pending)
            .await?;
        let userinfo = self.fetch_userinfo(&metadata, &tokens.access_token.token).await?;
        let mut user = self
            .signed_in_user(&metadata, id_token, &userinfo, tokens.scope)
            .await?;
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
        let facts = check_id_token(config, &metadata.issuer, &claims, &pending.nonce, pending.eidas)?;
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
        userinfo: &str,
        scope: String,
    ) -> Result<SignedInUser, Error> {
        let config = &self.inner.config;
        let CheckedIdToken { jws, facts } = id_token;
        let (_, mut info) = self.open_token(metadata, userinfo).await?;
        check_userinfo(config, &metadata.issuer, &info, &facts.sub)?;
        let claims = UserClaims::from_userinfo(&info)?;
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
            id_token_hint: crate::values::IdTokenHint::new(jws),
            access_token: None,
        })
    }
}

/// An ID token that passed its checks, and what it says.
pub(crate) struct CheckedIdToken {
    /// The signed token, kept for `id_token_hint` at logout.
    jws: String,
    facts: IdTokenFacts,
}
