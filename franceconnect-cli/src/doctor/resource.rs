//! `franceconnect doctor --resource-server`: an API's side (a FranceConnect
//! data provider, a ProConnect resource server), configured by the
//! variables of `ResourceConfig::from_env`. The platform is asked about a
//! made-up token: an inactive answer that decrypts and verifies proves the
//! credentials, the keys and the platform's answer; `invalid_client` names
//! the credentials.

use franceconnect_tower::Platform;
use franceconnect_tower::resource::{BearerToken, ResourceConfig, ResourceServer, TokenCheck};

use super::Lookup;
use crate::report::{Check, Report};

/// A token no platform issued: its answer must be `active: false`.
const MADE_UP_TOKEN: &str = "franceconnect-doctor-made-up-token-0123456789abcdefghijklmnopqrstuvwxyz";

/// Runs the resource server's checks.
pub(crate) async fn check(report: &mut Report, lookup: &Lookup) {
    let config = match ResourceConfig::from_lookup(lookup) {
        Ok(config) => config,
        Err(e) => {
            report.fail(
                Check::Config,
                None,
                format!("the resource server's configuration does not load: {e}"),
                "set the variable this names (FC_PLATFORM, FC_ISSUER or FC_ENV, FC_CLIENT_ID, FC_CLIENT_SECRET, \
                 FC_KEYS_FILE on FranceConnect), then run the doctor again",
            );
            return;
        }
    };
    let platform = config.platform();
    let (role, question) = match platform {
        Platform::ProConnect => ("resource server", "token introspection"),
        _ => ("data provider", "checktoken"),
    };
    report.ok(
        Check::Config,
        None,
        format!(
            "loaded: {} {role}, issuer {}, client id `{}`",
            platform.display_name(),
            config.issuer(),
            super::shown(config.client_id().as_str())
        ),
    );
    let server = ResourceServer::new(config);
    let Ok(Some(token)) = BearerToken::from_authorization(Some(&format!("Bearer {MADE_UP_TOKEN}")), 4096) else {
        return;
    };
    match server.check(&token).await {
        Ok(TokenCheck::Inactive(_)) => report.ok(
            Check::Resource,
            None,
            format!(
                "the platform's {question} accepts the API's credentials, and its answer {} (a made-up token is inactive)",
                if platform == Platform::ProConnect { "reads" } else { "decrypts and verifies" }
            ),
        ),
        Ok(_) => report.warn(
            Check::Resource,
            None,
            format!("the platform's {question} calls a made-up token active"),
            "check FC_ISSUER: is it the platform?",
        ),
        Err(e) if e.is_invalid_client() => report.fail(
            Check::Resource,
            None,
            format!("the platform refuses the API's credentials ({question}: invalid_client)"),
            format!(
                "check FC_CLIENT_ID and FC_CLIENT_SECRET: the API's registration as a {role}, not a service's"
            ),
        ),
        Err(e) if e.is_invalid_answer() => report.fail(
            Check::Resource,
            None,
            format!("the platform's answer does not pass the checks: {e}"),
            match platform {
                Platform::ProConnect => {
                    "with FC_RESOURCE_SIGNED_INTROSPECTION=true the registration needs introspection_signed_response_alg; check FC_ISSUER"
                        .to_owned()
                }
                _ => "register the public half of FC_KEYS_FILE (`franceconnect keys jwks`) as the data provider's keys, \
                      with the checktoken encryption algorithm of one of them; check FC_ISSUER"
                    .to_owned(),
            },
        ),
        Err(e) => report.fail(
            Check::Resource,
            None,
            format!("the platform's {question} cannot be asked: {e}"),
            "check FC_ISSUER / FC_ENV and the network path to the platform",
        ),
    }
}
