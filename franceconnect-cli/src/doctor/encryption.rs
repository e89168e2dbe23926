//! Check 3: on FranceConnect+ (and FranceConnect with
//! `FC_ENCRYPTED_TOKENS`), the service's keys (`FC_KEYS_FILE`) cover an
//! encryption algorithm the provider offers, for the ID token and for
//! userinfo, with `A256GCM`. Also: the keys file is the owner's alone.

use franceconnect_tower::{Platform, ServiceKeys, TokenEndpointAuth};
use serde_json::{Map, Value};

use super::{Lookup, Target, listed, strings};
use crate::report::{Check, Report};

/// Checks the keys against the document (`None`: discovery failed, only the
/// file is checked), once the loader accepted `FC_KEYS_FILE`.
pub(crate) fn check(report: &mut Report, target: &Target<'_>, doc: Option<&Map<String, Value>>) {
    let name = target.name();
    let config = target.config;
    if !config.encrypts_tokens() {
        let why = match config.platform() {
            Platform::ProConnect => "ProConnect does not encrypt tokens",
            _ => "tokens are not encrypted (FC_ENCRYPTED_TOKENS unset): no encryption key needed",
        };
        report.ok(Check::Encryption, name, why);
        return;
    }
    let ours: Vec<&str> = config
        .service_keys()
        .map(ServiceKeys::algorithms)
        .unwrap_or_default()
        .iter()
        .map(|a| a.as_str())
        .collect();
    let Some(doc) = doc else { return };
    for (alg_member, enc_member, what) in [
        (
            "id_token_encryption_alg_values_supported",
            "id_token_encryption_enc_values_supported",
            "ID token",
        ),
        (
            "userinfo_encryption_alg_values_supported",
            "userinfo_encryption_enc_values_supported",
            "userinfo",
        ),
    ] {
        match strings(doc, alg_member) {
            None => report.warn(
                Check::Encryption,
                name,
                format!("discovery lists no `{alg_member}`: the registration alone decides the {what} encryption"),
                format!("register {} with A256GCM for the {what}", listed(&ours)),
            ),
            Some(offered) if !ours.iter().any(|a| offered.iter().any(|o| o == a)) => report.fail(
                Check::Encryption,
                name,
                format!(
                    "the {what} encryption: the provider encrypts with {}; FC_KEYS_FILE holds keys for {} only",
                    listed(&offered),
                    listed(&ours)
                ),
                "add a key for an algorithm it offers beside the others (`franceconnect keys add --enc ecdh-es`), \
                 restart the application, and register that algorithm",
            ),
            Some(offered) => {
                let common: Vec<&str> = ours
                    .iter()
                    .copied()
                    .filter(|a| offered.iter().any(|o| o == a))
                    .collect();
                match strings(doc, enc_member) {
                    Some(encs) if !encs.iter().any(|e| e == "A256GCM") => report.fail(
                        Check::Encryption,
                        name,
                        format!(
                            "the {what} encryption: `{enc_member}` offers {}, not A256GCM",
                            listed(&encs)
                        ),
                        format!("check {}: the platforms encrypt with A256GCM", target.var("FC_ISSUER")),
                    ),
                    _ => report.ok(
                        Check::Encryption,
                        name,
                        format!(
                            "the {what} encryption: the keys cover {} + A256GCM, offered",
                            common.join(", ")
                        ),
                    ),
                }
            }
        }
    }
}

/// What to do about a keys file the loader refused, from what the file
/// (`FC_KEYS_FILE`) holds.
pub(crate) fn fix_for_refused(path: Option<&str>) -> String {
    let Some(path) = path else {
        return "set FC_KEYS_FILE to the service's key file (`franceconnect keys generate --file fc-keys.json`)"
            .to_owned();
    };
    match ServiceKeys::from_file(path) {
        Ok(keys) if keys.algorithms().is_empty() => format!(
            "add an encryption key to FC_KEYS_FILE ({path}): `franceconnect keys add --file {path} --enc ecdh-es`, \
             then register the JWKS URI"
        ),
        Ok(keys) if keys.signing_algorithms().is_empty() => format!(
            "add a signing key for {} to FC_KEYS_FILE ({path}): `franceconnect keys add --file {path} --sig es256`",
            TokenEndpointAuth::PrivateKeyJwt.as_str()
        ),
        Ok(_) => format!("check FC_KEYS_FILE ({path}) against the message"),
        Err(_) => format!(
            "FC_KEYS_FILE ({path}) must be the service's private JWK set: generate one with \
             `franceconnect keys generate --file {path}`"
        ),
    }
}

/// The private keys must not be readable (nor writable) by every user of
/// the machine: that is a failure (checked once: every platform shares
/// `FC_KEYS_FILE`). Access for the file's group only is a warning, since
/// a Kubernetes secret mounted with an `fsGroup` is group-readable on
/// purpose.
pub(crate) fn file_mode(report: &mut Report, lookup: &Lookup) {
    let Some(path) = lookup("FC_KEYS_FILE") else { return };
    let path = path.as_str();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o006 != 0 {
                // Writable is as bad: whoever replaces the signing key signs
                // as the service, since its JWKS is served from this file.
                let how = match (mode & 0o004 != 0, mode & 0o002 != 0) {
                    (true, true) => "readable and writable",
                    (true, false) => "readable",
                    _ => "writable",
                };
                report.fail(
                    Check::Encryption,
                    None,
                    format!("FC_KEYS_FILE ({path}) is {how} by other users (mode {mode:o}): it holds private keys"),
                    format!("chmod 600 {path}"),
                );
            } else if mode & 0o077 != 0 {
                let who = if mode & 0o040 != 0 {
                    "readable by its group"
                } else {
                    "open to users other than its owner"
                };
                report.warn(
                    Check::Encryption,
                    None,
                    format!("FC_KEYS_FILE ({path}) is {who} (mode {mode:o}): it holds private keys"),
                    format!(
                        "chmod 600 {path}, unless its group is the application's alone (a Kubernetes secret \
                         mounted with an fsGroup)"
                    ),
                );
            } else {
                report.ok(
                    Check::Encryption,
                    None,
                    format!("FC_KEYS_FILE ({path}) is its owner's alone (mode {mode:o})"),
                );
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (report, path);
}
