//! Delivering a claim set to a client: signing with the provider's current
//! key for the client's algorithm, then, on FranceConnect+, encrypting to
//! the client's key (nested JWT), with the signature/encryption tamper
//! scenarios applied here.

use serde_json::{Map, Value};

use crate::config::Client;
use crate::keys;
use crate::scenarios::Tamper;
use crate::state::Shared;
use crate::tokens;

/// Signs (and encrypts when the client has encryption) `claims`.
/// `tamper` is honoured for [`Tamper::BadSignature`], [`Tamper::AlgNone`]
/// and [`Tamper::UnknownEncryptionKey`]; other variants act on the claims
/// and are applied by the caller.
pub(crate) async fn deliver(
    shared: &Shared,
    client: &Client,
    claims: &Map<String, Value>,
    tamper: Option<Tamper>,
) -> Result<String, String> {
    let jws = match tamper {
        Some(Tamper::AlgNone) => tokens::unsigned(claims),
        _ => {
            let key = shared
                .keys()
                .current
                .for_alg(client.signing_alg)
                .cloned()
                .ok_or_else(|| format!("no provider key for {}", client.signing_alg.as_str()))?;
            let jws = tokens::sign(claims, client.signing_alg, &key).map_err(|e| e.to_string())?;
            if tamper == Some(Tamper::BadSignature) {
                tokens::corrupt_signature(&jws)
            } else {
                jws
            }
        }
    };
    let Some((alg, client_keys)) = &client.encryption else {
        return Ok(jws);
    };
    let key = if tamper == Some(Tamper::UnknownEncryptionKey) {
        keys::unknown_client_key(*alg).map_err(|e| e.to_string())?
    } else {
        keys::resolve_client_key(&shared.http, *alg, client_keys)
            .await
            .map_err(|e| e.to_string())?
    };
    tokens::encrypt(&jws, *alg, &key, &shared.issuer, &client.client_id).map_err(|e| e.to_string())
}

/// Applies the claim-level tamper scenarios to an ID token's claims.
pub(crate) fn tamper_id_token_claims(shared: &Shared, claims: &mut Map<String, Value>, tamper: Option<Tamper>) {
    match tamper {
        Some(Tamper::WrongIssuer) => {
            claims.insert("iss".into(), shared.platform.sandbox_issuer().into());
        }
        Some(Tamper::WrongAudience) => {
            claims.insert("aud".into(), "un-autre-fournisseur-de-service".into());
        }
        Some(Tamper::WrongNonce) => {
            claims.insert("nonce".into(), crate::random::token().into());
        }
        Some(Tamper::Expired) => {
            let iat = tokens::now().saturating_sub(3600);
            claims.insert("iat".into(), iat.into());
            claims.insert("auth_time".into(), iat.into());
            claims.insert("exp".into(), (iat + tokens::TOKEN_LIFETIME_SECS).into());
        }
        _ => {}
    }
}
