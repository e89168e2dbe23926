//! The configuration's presets, refusals and environment variables.

use std::collections::HashMap;
use std::time::Duration;

use super::*;
use crate::jose::EncryptionAlg;

fn base(platform: Platform) -> ConfigBuilder {
    test_builder(platform, "http://127.0.0.1:4000/api/v2", "http://localhost:3000")
}

fn err(b: ConfigBuilder) -> String {
    b.build().unwrap_err().to_string()
}

#[test]
fn presets_name_the_right_issuers() {
    let c = Config::builder(Platform::FranceConnectPlus, Environment::Production)
        .client_id("id")
        .client_secret("s")
        .redirect_uri("https://a.fr/cb")
        .post_logout_redirect_uri("https://a.fr/out")
        .service_keys(ServiceKeys::generate(EncryptionAlg::EcdhEs).unwrap())
        .build()
        .unwrap();
    assert_eq!(c.issuer().as_str(), "https://auth.franceconnect.gouv.fr/api/v2");
    assert_eq!(c.eidas(), Eidas::Eidas2);
    assert!(!c.is_loopback_http());
}

#[test]
fn agentconnect_names_proconnect_as_the_mock_takes_it() {
    assert_eq!(Platform::from_setting("agentconnect"), Some(Platform::ProConnect));
    assert_eq!(Platform::from_setting("proconnect"), Some(Platform::ProConnect));
    assert_eq!(Platform::from_setting("AgentConnect"), None, "settings are lowercase");
    assert_eq!(
        Platform::ProConnect.setting(),
        "proconnect",
        "written back under today's name"
    );
}

#[test]
fn unsigned_userinfo_is_proconnect_s_only() {
    assert!(err(base(Platform::FranceConnect).unsigned_userinfo(true)).contains("FC_PROCONNECT_UNSIGNED_USERINFO"));
    let keys = ServiceKeys::generate(EncryptionAlg::EcdhEs).unwrap();
    assert!(
        err(base(Platform::FranceConnectPlus)
            .service_keys(keys)
            .unsigned_userinfo(true))
        .contains("encrypted")
    );
    let agents = base(Platform::ProConnect).scopes(Scopes::parse("email").unwrap());
    assert!(
        agents
            .unsigned_userinfo(true)
            .build()
            .unwrap()
            .accepts_unsigned_userinfo()
    );
    // The plain variable in a federation would apply to FranceConnect: refused there.
    let vars: HashMap<&str, &str> = [
        ("FC_PLATFORMS", "fc,proconnect"),
        ("APP_URL", "http://localhost:3000"),
        ("FC_ISSUER", "http://127.0.0.1:4000/api/v2"),
        ("FC_CLIENT_ID", "fc"),
        ("FC_CLIENT_SECRET", "s"),
        ("FC_PROCONNECT_ISSUER", "http://127.0.0.1:4001/api/v2"),
        ("FC_PROCONNECT_CLIENT_ID", "pc"),
        ("FC_PROCONNECT_CLIENT_SECRET", "s"),
        ("FC_UNSIGNED_USERINFO", "true"),
    ]
    .into();
    let refused = Config::federation_from_lookup(|n| vars.get(n).map(|v| v.to_string()))
        .unwrap_err()
        .to_string();
    assert!(refused.contains("FC_PROCONNECT_UNSIGNED_USERINFO"), "{refused}");
    let mut vars = vars;
    vars.remove("FC_UNSIGNED_USERINFO");
    vars.insert("FC_PROCONNECT_UNSIGNED_USERINFO", "true");
    let configs = Config::federation_from_lookup(|n| vars.get(n).map(|v| v.to_string())).unwrap();
    assert!(!configs[0].accepts_unsigned_userinfo() && configs[1].accepts_unsigned_userinfo());
}

/// Issue 29 §6: a federation's error names the variable to set, the
/// platform's own (`FC_PROCONNECT_CLIENT_ID`) or the shared one
/// (`FC_KEYS_FILE`), and the command that makes a key file.
#[test]
fn federation_errors_name_the_variable_to_fix() {
    let vars: HashMap<&str, &str> = [
        ("FC_PLATFORMS", "fc,fcplus,proconnect"),
        ("APP_URL", "http://localhost:3000"),
        ("FC_ISSUER", "http://127.0.0.1:4000/api/v2"),
        ("FC_CLIENT_ID", "fc"),
        ("FC_CLIENT_SECRET", "s"),
        ("FC_FCPLUS_ISSUER", "http://127.0.0.1:4002/api/v2"),
        ("FC_FCPLUS_CLIENT_ID", "fcp"),
        ("FC_FCPLUS_CLIENT_SECRET", "s"),
        ("FC_PROCONNECT_ISSUER", "http://127.0.0.1:4001/api/v2"),
        ("FC_PROCONNECT_CLIENT_SECRET", "s"),
    ]
    .into();
    let id = Config::federation_from_lookup(|n| vars.get(n).map(|v| v.to_string()))
        .unwrap_err()
        .to_string();
    assert!(
        id.starts_with("ProConnect: ") && id.contains("FC_PROCONNECT_CLIENT_ID"),
        "{id}"
    );
    assert!(!id.contains(" FC_CLIENT_ID"), "{id}");
    let mut vars = vars;
    vars.insert("FC_PROCONNECT_CLIENT_ID", "pc");
    let keys = Config::federation_from_lookup(|n| vars.get(n).map(|v| v.to_string()))
        .unwrap_err()
        .to_string();
    assert!(keys.starts_with("FranceConnect+: "), "{keys}");
    assert!(
        keys.contains("FC_KEYS_FILE") && !keys.contains("FC_FCPLUS_KEYS_FILE"),
        "{keys}"
    );
    assert!(keys.contains("franceconnect keys generate"), "{keys}");
}

#[test]
fn invalid_combinations_fail_with_clear_messages() {
    assert!(err(base(Platform::FranceConnectPlus).eidas(Eidas::Eidas1)).contains("does not accept eidas1"));
    assert!(err(base(Platform::FranceConnect).eidas(Eidas::Eidas2)).contains("does not accept eidas2"));
    assert!(err(base(Platform::FranceConnectPlus)).contains("encryption key"));
    assert!(err(base(Platform::FranceConnect).redirect_uri("http://service.example.fr/cb")).contains("plain http://"));
    assert!(
        err(base(Platform::FranceConnect).post_logout_redirect_uri("http://10.0.0.1/out")).contains("plain http://")
    );
    let remote = test_builder(Platform::FranceConnect, "http://fc.example/api", "https://a.fr");
    assert!(err(remote).contains("issuer uses plain http://"));
    let keys = ServiceKeys::generate(EncryptionAlg::EcdhEs).unwrap();
    assert!(err(base(Platform::FranceConnectPlus).service_keys(keys).accept_rs256(true)).contains("RS256"));
    assert!(err(base(Platform::FranceConnect).client_secret("")).contains("client_secret"));
    assert!(err(base(Platform::FranceConnect).redirect_uri("HTTPS://A.fr:443/cb")).contains("https://a.fr/cb"));
    assert!(err(base(Platform::FranceConnect).clock_leeway(Duration::from_secs(3600))).contains("leeway"));
    assert!(base(Platform::FranceConnect).build().unwrap().is_loopback_http());
    let preset = Config::builder(Platform::FranceConnect, Environment::Sandbox)
        .client_id("id")
        .client_secret("s")
        .redirect_uri("https://a.fr/cb")
        .post_logout_redirect_uri("https://a.fr/out")
        .allow_endpoints_outside_issuer(true);
    assert!(err(preset).contains("custom issuers only"));
    let elsewhere = base(Platform::FranceConnect).sector_redirect_uris(["https://other.example.fr/cb"]);
    assert!(err(elsewhere).contains("must include redirect_uri"));
    let sector = base(Platform::FranceConnect)
        .sector_redirect_uris(["http://localhost:3000/auth/callback", "https://other.example.fr/cb"])
        .build()
        .unwrap();
    assert_eq!(sector.sector_redirect_uris().len(), 2);
    let sloppy = base(Platform::FranceConnect)
        .sector_redirect_uris(["http://localhost:3000/auth/callback", "HTTPS://Other.example.fr/cb"]);
    assert!(err(sloppy).contains("exactly"));
}

#[test]
fn secrets_do_not_show_in_debug() {
    let c = base(Platform::FranceConnect)
        .client_secret("s3cr3t-value")
        .login_cookie_secret("a-login-cookie-secret-of-32-characters-or-more")
        .previous_login_cookie_secret("the-previous-login-cookie-secret-of-32-chars")
        .build()
        .unwrap();
    let debug = format!("{c:?}");
    for secret in ["s3cr3t-value", "a-login-cookie-secret", "the-previous-login-cookie"] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
}

#[test]
fn environment_variables() {
    let vars: HashMap<&str, &str> = HashMap::from([
        ("FC_PLATFORM", "fc"),
        ("FC_ISSUER", "http://127.0.0.1:4000/api/v2"),
        ("FC_CLIENT_ID", "cid"),
        ("FC_CLIENT_SECRET", "cs"),
        ("APP_URL", "http://127.0.0.1:3000/"),
        ("FC_SCOPES", "given_name,email"),
        ("FC_PROMPT", "consent login"),
        ("FC_REQUEST_AMR", "true"),
        ("FC_HTTP_TIMEOUT_SECS", "3"),
    ]);
    let c = Config::from_lookup(|k| vars.get(k).map(|v| v.to_string())).unwrap();
    assert_eq!(c.redirect_uri().as_str(), "http://127.0.0.1:3000/auth/callback");
    assert_eq!(
        c.post_logout_redirect_uri().as_str(),
        "http://127.0.0.1:3000/auth/logout/callback"
    );
    assert_eq!(c.scopes().to_string(), "openid given_name email");
    assert_eq!(c.prompt, Some(Prompt::LoginConsent));
    assert!(c.request_amr);
    assert_eq!(c.http_timeout, Duration::from_secs(3));
    let missing = Config::from_lookup(|_| None).unwrap_err();
    assert!(missing.to_string().contains("FC_CLIENT_ID"));
    let bad = Config::from_lookup(|k| (k == "FC_PLATFORM").then(|| "plus".to_string())).unwrap_err();
    assert!(bad.to_string().contains("FC_PLATFORM"));
}

#[test]
fn token_encryption_is_always_on_for_fc_plus_and_opt_in_on_fc() {
    let keys = ServiceKeys::generate(EncryptionAlg::RsaOaep).unwrap();
    assert!(!base(Platform::FranceConnect).build().unwrap().encrypts_tokens());
    let plus = base(Platform::FranceConnectPlus).service_keys(keys.clone());
    assert!(plus.encrypted_tokens(false).build().unwrap().encrypts_tokens());
    assert!(err(base(Platform::FranceConnect).encrypted_tokens(true)).contains("FC_ENCRYPTED_TOKENS"));
    let fc = base(Platform::FranceConnect).encrypted_tokens(true).service_keys(keys);
    assert!(fc.build().unwrap().encrypts_tokens());
    let vars = HashMap::from([
        ("FC_CLIENT_ID", "id"),
        ("FC_CLIENT_SECRET", "s"),
        ("FC_ISSUER", "http://127.0.0.1:4000/api/v2"),
        ("FC_ENCRYPTED_TOKENS", "yes"),
    ]);
    let e = Config::from_lookup(|n| vars.get(n).map(|v| v.to_string())).unwrap_err();
    assert!(
        e.to_string().contains("FC_ENCRYPTED_TOKENS must be true or false"),
        "{e}"
    );
}

/// A plain-http APP_URL off loopback is reported under its own name, the
/// variable the user set, not as the redirect URI derived from it.
#[test]
fn app_url_errors_name_app_url() {
    let vars = HashMap::from([
        ("FC_CLIENT_ID", "id"),
        ("FC_CLIENT_SECRET", "s"),
        ("FC_ISSUER", "http://127.0.0.1:4000/api/v2"),
        ("APP_URL", "http://service.example.fr"),
    ]);
    let e = Config::from_lookup(|n| vars.get(n).map(|v| v.to_string())).unwrap_err();
    assert_eq!(
        e.to_string(),
        "APP_URL uses plain http:// on a non-loopback host; use https://"
    );
}

/// What an operator's tool (`franceconnect doctor`) reads back: the
/// signature algorithms accepted and the provider requests' timeout.
#[test]
fn accepted_algorithms_and_timeout_are_readable() {
    use crate::jose::SigningAlg;
    let fc = base(Platform::FranceConnect).build().unwrap();
    assert_eq!(fc.signing_algorithms(), [SigningAlg::Es256]);
    assert_eq!(fc.http_timeout(), Duration::from_secs(10));
    let rs = base(Platform::FranceConnect)
        .accept_rs256(true)
        .http_timeout(Duration::from_secs(3))
        .build()
        .unwrap();
    assert_eq!(rs.signing_algorithms(), [SigningAlg::Es256, SigningAlg::Rs256]);
    assert_eq!(rs.http_timeout(), Duration::from_secs(3));
    let pc = base(Platform::ProConnect).build().unwrap();
    assert_eq!(pc.signing_algorithms(), [SigningAlg::Es256, SigningAlg::Rs256]);
}

/// Issue 30 §1.4: refresh tokens are ProConnect's, opt-in, and per
/// platform in a federation.
#[test]
fn refresh_tokens_are_proconnect_s_and_opt_in() {
    let agents = || base(Platform::ProConnect).scopes(Scopes::parse("email").unwrap());
    assert!(!agents().build().unwrap().refresh_tokens(), "off by default");
    assert!(agents().refresh_tokens(true).build().unwrap().refresh_tokens());
    let refused = err(base(Platform::FranceConnect).refresh_tokens(true));
    assert!(
        refused.contains("ProConnect's") && refused.contains("FC_REFRESH_TOKENS"),
        "{refused}"
    );
    let keys = ServiceKeys::generate(EncryptionAlg::EcdhEs).unwrap();
    assert!(
        err(base(Platform::FranceConnectPlus)
            .service_keys(keys)
            .refresh_tokens(true))
        .contains("ProConnect's")
    );
    let vars: HashMap<&str, &str> = [
        ("FC_PLATFORMS", "fc,proconnect"),
        ("APP_URL", "http://localhost:3000"),
        ("FC_ISSUER", "http://127.0.0.1:4000/api/v2"),
        ("FC_CLIENT_ID", "fc"),
        ("FC_CLIENT_SECRET", "s"),
        ("FC_PROCONNECT_ISSUER", "http://127.0.0.1:4001/api/v2"),
        ("FC_PROCONNECT_CLIENT_ID", "pc"),
        ("FC_PROCONNECT_CLIENT_SECRET", "s"),
        ("FC_REFRESH_TOKENS", "true"),
    ]
    .into();
    let refused = Config::federation_from_lookup(|n| vars.get(n).map(|v| v.to_string()))
        .unwrap_err()
        .to_string();
    assert!(
        refused.starts_with("FranceConnect: ") && refused.contains("FC_PROCONNECT_REFRESH_TOKENS"),
        "{refused}"
    );
    let mut vars = vars;
    vars.remove("FC_REFRESH_TOKENS");
    vars.insert("FC_PROCONNECT_REFRESH_TOKENS", "true");
    let configs = Config::federation_from_lookup(|n| vars.get(n).map(|v| v.to_string())).unwrap();
    assert!(!configs[0].refresh_tokens() && configs[1].refresh_tokens());
    let one: HashMap<&str, &str> = [
        ("FC_PLATFORM", "proconnect"),
        ("FC_ISSUER", "http://127.0.0.1:4001/api/v2"),
        ("FC_CLIENT_ID", "pc"),
        ("FC_CLIENT_SECRET", "s"),
        ("FC_REFRESH_TOKENS", "true"),
    ]
    .into();
    assert!(
        Config::from_lookup(|n| one.get(n).map(|v| v.to_string()))
            .unwrap()
            .refresh_tokens()
    );
}

/// Issue 30 §1.2: each platform's scopes, an unknown one named in the
/// error; ProConnect keeps those it does not know.
#[test]
fn scopes_are_checked_per_platform() {
    let scopes = |list: &str| Scopes::parse(list).unwrap();
    assert!(
        base(Platform::FranceConnect)
            .scopes(scopes(
                "identite_pivot email dgfip_rfr cnaf_quotient_familial mi_siv_carte_grise idp_birthdate"
            ))
            .build()
            .is_ok()
    );
    let refused = err(base(Platform::FranceConnect).scopes(scopes("identite_pivot frobnicate")));
    assert!(
        refused.contains("`frobnicate`") && refused.contains("FC_SCOPES"),
        "{refused}"
    );
    let plus = || base(Platform::FranceConnectPlus).service_keys(ServiceKeys::generate(EncryptionAlg::EcdhEs).unwrap());
    assert!(
        plus()
            .scopes(scopes(
                "identite_pivot dgfip_rfr droits_assurance_maladie cnous_statut_boursier rnipp_birth"
            ))
            .build()
            .is_ok()
    );
    let refused = err(plus().scopes(scopes("identite_pivot cnaf_quotient_familial")));
    assert!(
        refused.contains("`cnaf_quotient_familial`") && refused.contains("DGFiP") && refused.contains("FC_SCOPES"),
        "{refused}"
    );
    let refused = err(base(Platform::ProConnect).scopes(scopes("email dgfip_rfr")));
    assert!(refused.contains("`dgfip_rfr`"), "{refused}");
    assert!(
        base(Platform::ProConnect)
            .scopes(scopes("email groups lasuite_visio:rooms:create"))
            .build()
            .is_ok()
    );
}
