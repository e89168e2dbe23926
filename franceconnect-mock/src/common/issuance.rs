//! Delivering a claim set to a client: signing with the provider's current
//! key for the client's algorithm, then, on FranceConnect+, encrypting to
//! the client's key (nested JWT), with the signature and encryption tamper
//! scenarios applied here (see `jose::tamper`).

use serde_json::{Map, Value};

use crate::config::Client;
use crate::jose::{keys, tamper, tokens};
use crate::scenarios::Tamper;
use crate::state::shared::Shared;

/// Signs (and encrypts when the client has encryption) `claims`, altered
/// by the signature- and encryption-level `tamper` scenarios; claim-level
/// scenarios are applied by the caller.
pub(crate) async fn deliver(
    shared: &Shared,
    client: &Client,
    claims: &Map<String, Value>,
    tamper: Option<Tamper>,
) -> Result<String, String> {
    let jws = {
        let keys = shared.keys();
        let missing = || format!("no provider key for {}", client.signing_alg.as_str());
        let key = keys.current.for_alg(client.signing_alg).ok_or_else(missing)?;
        match tamper.and_then(|t| tamper::sign(claims, client.signing_alg, key, t)) {
            Some(altered) => altered,
            None => tokens::sign_with(claims, keys.current.signer(client.signing_alg).ok_or_else(missing)?),
        }
        .map_err(|e| e.to_string())?
    };
    let Some((alg, client_keys)) = &client.encryption else {
        return Ok(jws);
    };
    let key = match tamper {
        Some(Tamper::Unencrypted) => return Ok(jws),
        Some(Tamper::UnknownEncryptionKey) => keys::unknown_client_key(*alg).map_err(|e| e.to_string())?,
        _ => keys::resolve_client_key(&shared.http, *alg, client_keys)
            .await
            .map_err(|e| e.to_string())?,
    };
    let (issuer, audience) = (&shared.issuer, &client.client_id);
    match tamper.and_then(|t| tamper::encrypt(&jws, *alg, &key, issuer, audience, t)) {
        Some(altered) => altered,
        None => tokens::encrypt(&jws, *alg, &key, issuer, audience),
    }
    .map_err(|e| e.to_string())
}
