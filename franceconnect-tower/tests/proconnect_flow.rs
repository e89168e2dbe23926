//! ProConnect against a scripted provider: what a login sends (its `acr`
//! in the `claims` parameter, its hints), each `acr` rule, the agent
//! identity, and userinfo signed or, when registered so, plain JSON.

mod support;

use franceconnect_tower::{
    Acr, AgentRole, Eidas, Error, FranceConnect, LoginOptions, Platform, Prompt, ProviderErrorCode, RequestedAcr,
};
use serde_json::{Value, json};
use support::*;

const AGENT_SUB: &str = "3f2b6c1e-8d4a-4f7e-9b1c-5a6d7e8f9a0b";

fn engine(
    tp: &TestProvider,
    adjust: impl FnOnce(franceconnect_tower::ConfigBuilder) -> franceconnect_tower::ConfigBuilder,
) -> FranceConnect {
    FranceConnect::new(adjust(tp.config(Platform::ProConnect)).build().unwrap())
}

fn id_claims(tp: &TestProvider, nonce: &str, acr: &str) -> Value {
    let mut c = tp.id_claims(nonce, acr);
    c["sub"] = json!(AGENT_SUB);
    c["amr"] = json!(["pwd", "mail"]);
    c
}

fn agent_claims(tp: &TestProvider) -> Value {
    let now = now();
    json!({
        "iss": tp.issuer, "aud": CLIENT_ID, "sub": AGENT_SUB, "iat": now, "exp": now + 60,
        "given_name": "Rémi", "usual_name": "Ó Briain", "email": "remi.obriain@culture.example.gouv.fr",
        "uid": "robriain", "siret": "11000201100044", "idp_id": "71144ab3-ee1a-4401-b7b3-79b44f7daeeb",
        "idp_acr": "eidas1", "roles": ["agent_public", "agent_public_etat"], "custom": {},
        "organizational_unit": "Bureau des archives", "chorusdt:matricule": "USER_AGC"
    })
}

/// A login whose ID token says `acr` and whose userinfo is `userinfo`
/// (`application/jwt` signed with the provider key, or the JSON as given).
async fn login(
    fc: &FranceConnect,
    tp: &TestProvider,
    options: LoginOptions,
    acr: &str,
    json_userinfo: bool,
) -> Result<franceconnect_tower::SignedInUser, Error> {
    let key = tp.key.clone();
    let info = agent_claims(tp);
    let (url, pending) = fc.begin_login(options).await.unwrap();
    let nonce = query(&url)["nonce"].as_str().unwrap().to_owned();
    tp.with(|b| {
        b.id_token = Some(key.sign(&id_claims(tp, &nonce, acr)));
        b.userinfo = Some(if json_userinfo {
            ("application/json".into(), info.to_string())
        } else {
            ("application/jwt".into(), key.sign(&info))
        });
    });
    fc.complete_login(&callback_for("the-code", &pending, &tp.issuer), &pending)
        .await
}

#[tokio::test]
async fn the_acr_goes_in_the_claims_parameter_never_in_acr_values() {
    let tp = TestProvider::start().await;
    let fc = engine(&tp, |b| b.acr_values(Acr::MFA).request_amr(true));
    let (url, pending) = fc
        .begin_login(
            LoginOptions::default()
                .login_hint("agent@culture.example.gouv.fr")
                .siret_hint("11000201100044")
                .idp_hint("71144ab3-ee1a-4401-b7b3-79b44f7daeeb")
                .prompt(Prompt::Login),
        )
        .await
        .unwrap();
    let q = query(&url);
    assert!(!q.contains_key("acr_values"));
    let claims: Value = serde_json::from_str(q["claims"].as_str().unwrap()).unwrap();
    assert_eq!(
        claims,
        json!({"id_token": {"acr": {"essential": true, "values": ["eidas0-mfa", "eidas1-mfa", "eidas2", "eidas3"]}, "amr": null}})
    );
    assert_eq!(
        q["scope"],
        "openid given_name usual_name email uid siret organization_label idp_id"
    );
    assert_eq!(q["login_hint"], "agent@culture.example.gouv.fr");
    assert_eq!(q["siret_hint"], "11000201100044");
    assert_eq!(q["idp_hint"], "71144ab3-ee1a-4401-b7b3-79b44f7daeeb");
    assert_eq!(q["prompt"], "login");
    assert!(q["state"].as_str().unwrap().len() >= 32 && q["nonce"].as_str().unwrap().len() >= 32);
    assert_eq!(pending.acr, RequestedAcr::OneOf(Acr::MFA.to_vec()));

    // Nothing required: the acr is only read.
    let (url, _) = engine(&tp, |b| b).begin_login(LoginOptions::default()).await.unwrap();
    assert_eq!(query(&url)["claims"], r#"{"id_token":{"acr":null}}"#);
    // A step-up to an eIDAS level asks for the values that attest it.
    let (url, _) = engine(&tp, |b| b)
        .begin_login(LoginOptions::default().eidas(Eidas::Eidas2))
        .await
        .unwrap();
    assert_eq!(
        query(&url)["claims"],
        r#"{"id_token":{"acr":{"essential":true,"values":["eidas2","eidas3"]}}}"#
    );
}

#[tokio::test]
async fn options_the_platform_does_not_take_are_refused_before_sending() {
    let tp = TestProvider::start().await;
    let pc = engine(&tp, |b| b);
    for bad in [
        LoginOptions::default().siret_hint("1100020110004"),
        LoginOptions::default().login_hint("not an e-mail"),
        LoginOptions::default().idp_hint("two words"),
        LoginOptions::default().acr_values([Acr::Eidas0]).eidas(Eidas::Eidas1),
    ] {
        assert!(matches!(pc.begin_login(bad).await.unwrap_err(), Error::Config(_)));
    }
    let fc = FranceConnect::new(tp.config(Platform::FranceConnect).build().unwrap());
    for bad in [
        LoginOptions::default().prompt(Prompt::None),
        LoginOptions::default().login_hint("a@b.fr"),
        LoginOptions::default().acr_values(Acr::MFA),
    ] {
        assert!(matches!(fc.begin_login(bad).await.unwrap_err(), Error::Config(_)));
    }
    let (url, _) = pc
        .begin_login(LoginOptions::default().prompt(Prompt::None))
        .await
        .unwrap();
    assert_eq!(query(&url)["prompt"], "none");
}

#[tokio::test]
async fn an_agent_signs_in_with_their_identity_and_organisation() {
    let tp = TestProvider::start().await;
    for key in [SigningKey::es256("pc-es"), SigningKey::rs256("pc-rs")] {
        let mut tp = TestProvider::start().await;
        tp.with(|b| b.published = vec![key.public()]);
        tp.key = key.clone();
        let fc = engine(&tp, |b| b.request_amr(true));
        let user = login(&fc, &tp, LoginOptions::default(), "eidas1", false).await.unwrap();
        assert_eq!(user.platform, Platform::ProConnect);
        assert_eq!(user.sub, AGENT_SUB);
        assert_eq!(user.acr, Acr::Eidas1, "{}", key.alg);
        let agent = user.agent_identity().unwrap();
        assert_eq!(
            (agent.given_name.as_str(), agent.usual_name.as_str()),
            ("Rémi", "Ó Briain")
        );
        assert_eq!(agent.siret.unwrap().siren().as_str(), "110002011");
        assert_eq!(agent.roles, [AgentRole::AgentPublic, AgentRole::AgentPublicEtat]);
        assert_eq!(agent.organizational_unit.as_deref(), Some("Bureau des archives"));
        assert_eq!(agent.chorusdt_matricule.as_deref(), Some("USER_AGC"));
        assert_eq!(agent.sub, AGENT_SUB);
        assert_eq!(
            user.claims.email.as_deref(),
            Some("remi.obriain@culture.example.gouv.fr")
        );
        assert!(user.pivot_identity().is_none());
    }
    drop(tp);
}

#[tokio::test]
async fn plain_json_userinfo_is_accepted_only_when_registered() {
    let tp = TestProvider::start().await;
    let strict = engine(&tp, |b| b);
    let e = login(&strict, &tp, LoginOptions::default(), "eidas1", true)
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::Network(_)),
        "a stripped signature is not an answer: {e}"
    );
    let unsigned = engine(&tp, |b| b.unsigned_userinfo(true));
    let user = login(&unsigned, &tp, LoginOptions::default(), "eidas1", true)
        .await
        .unwrap();
    assert_eq!(user.agent_identity().unwrap().uid.as_deref(), Some("robriain"));
    // A signed answer is still verified when plain JSON is allowed.
    assert!(
        login(&unsigned, &tp, LoginOptions::default(), "eidas1", false)
            .await
            .is_ok()
    );
    // Plain JSON naming another agent is refused.
    let key = tp.key.clone();
    let (url, pending) = unsigned.begin_login(LoginOptions::default()).await.unwrap();
    let nonce = query(&url)["nonce"].as_str().unwrap().to_owned();
    let mut other = agent_claims(&tp);
    other["sub"] = json!("another-agent");
    tp.with(|b| {
        b.id_token = Some(key.sign(&id_claims(&tp, &nonce, "eidas1")));
        b.userinfo = Some(("application/json".into(), other.to_string()));
    });
    let e = unsigned
        .complete_login(&callback_for("the-code", &pending, &tp.issuer), &pending)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Claims(ref c) if c.field == "sub"), "{e}");
    // FranceConnect+ never sends plain JSON: the setting is refused there.
    let keys = service_keys(franceconnect_tower::EncryptionAlg::EcdhEs);
    let refused = tp
        .config(Platform::FranceConnectPlus)
        .service_keys(keys)
        .unsigned_userinfo(true)
        .build();
    assert!(refused.unwrap_err().to_string().contains("FC_UNSIGNED_USERINFO"));
}

#[tokio::test]
async fn each_acr_rule_holds() {
    let tp = TestProvider::start().await;
    let mfa = engine(&tp, |b| b.acr_values(Acr::MFA));
    assert_eq!(
        login(&mfa, &tp, LoginOptions::default(), "eidas1-mfa", false)
            .await
            .unwrap()
            .acr,
        Acr::Eidas1Mfa
    );
    let e = login(&mfa, &tp, LoginOptions::default(), "eidas1", false)
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::AcrNotMet {
                received: Acr::Eidas1,
                ..
            }
        ),
        "{e}"
    );
    assert!(matches!(e, Error::AcrNotMet { .. }));
    let any = engine(&tp, |b| b);
    assert_eq!(
        login(&any, &tp, LoginOptions::default(), "eidas0", false)
            .await
            .unwrap()
            .acr,
        Acr::Eidas0
    );
    let dirigeant = "https://proconnect.gouv.fr/assurance/certification-dirigeant";
    assert_eq!(
        login(&any, &tp, LoginOptions::default(), dirigeant, false)
            .await
            .unwrap()
            .acr,
        Acr::CertificationDirigeant
    );
    // Old and unknown values are refused, not guessed at.
    for unknown in ["https://proconnect.gouv.fr/assurance/self-asserted", "eidas4", "EIDAS1"] {
        let e = login(&any, &tp, LoginOptions::default(), unknown, false)
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Claims(ref c) if c.field == "acr"), "{unknown}: {e}");
    }
    // A login's own values replace the configured ones.
    let e = login(
        &any,
        &tp,
        LoginOptions::default().acr_values([Acr::Eidas3]),
        "eidas2",
        false,
    )
    .await
    .unwrap_err();
    assert!(matches!(e, Error::AcrNotMet { .. }));
    let step_up = login(
        &any,
        &tp,
        LoginOptions::default().eidas(Eidas::Eidas2),
        "eidas1-mfa",
        false,
    )
    .await;
    assert!(matches!(step_up.unwrap_err(), Error::AcrNotMet { .. }));
}

#[tokio::test]
async fn the_callback_errors_of_proconnect_are_typed() {
    let tp = TestProvider::start().await;
    let fc = engine(&tp, |b| b.acr_values(Acr::MFA));
    for (query_tail, expected) in [
        (
            "error=access_denied&error_description=requested%20ACRs%20could%20not%20be%20satisfied",
            ProviderErrorCode::AcrNotSatisfied,
        ),
        ("error=access_denied", ProviderErrorCode::AccessDenied),
        ("error=login_required", ProviderErrorCode::LoginRequired),
        ("error=idp_hint_not_found", ProviderErrorCode::InvalidIdpHint),
    ] {
        let (_, pending) = fc.begin_login(LoginOptions::default()).await.unwrap();
        let q = format!(
            "{query_tail}&state={}&iss={}",
            pending.state.secret(),
            url::form_urlencoded::byte_serialize(tp.issuer.as_bytes()).collect::<String>()
        );
        let e = fc
            .complete_login(&franceconnect_tower::CallbackParams::from_query(&q), &pending)
            .await
            .unwrap_err();
        assert!(
            matches!(e, Error::Provider(ref p) if p.code == expected),
            "{query_tail}: {e}"
        );
        assert_eq!(e.is_login_required(), expected == ProviderErrorCode::LoginRequired);
        assert_eq!(e.is_user_cancelled(), expected == ProviderErrorCode::AccessDenied);
    }
    assert_eq!(tp.token_hits.load(std::sync::atomic::Ordering::SeqCst), 0);
}

#[tokio::test]
async fn the_refresh_token_is_never_kept_and_hs256_never_accepted() {
    let tp = TestProvider::start().await;
    let fc = engine(&tp, |b| b);
    let key = tp.key.clone();
    let (url, pending) = fc.begin_login(LoginOptions::default()).await.unwrap();
    let nonce = query(&url)["nonce"].as_str().unwrap().to_owned();
    let id_token = key.sign(&id_claims(&tp, &nonce, "eidas1"));
    tp.with(|b| {
        b.token_response = Some((
            200,
            json!({
                "access_token": "pc-access-token", "refresh_token": "pc-refresh-token-never-kept", "expires_in": 3600,
                "id_token": id_token, "scope": "openid given_name usual_name email uid siret organization_label idp_id", "token_type": "Bearer"
            })
            .to_string(),
        ));
        b.userinfo = Some(("application/jwt".into(), key.sign(&agent_claims(&tp))));
    });
    let user = fc
        .complete_login(&callback_for("the-code", &pending, &tp.issuer), &pending)
        .await
        .unwrap();
    let public = serde_json::to_string(&user).unwrap();
    assert!(!public.contains("pc-refresh-token-never-kept"));
    assert!(
        !public.contains("pc-access-token"),
        "never in what an application serialises"
    );
    let debug = format!("{user:?}");
    assert!(
        debug.contains("access_token: Some(\"[redacted]\")") && !debug.contains("pc-access-token"),
        "the access token is kept for the logout's revocation: {debug}"
    );

    let (url, pending) = fc.begin_login(LoginOptions::default()).await.unwrap();
    let nonce = query(&url)["nonce"].as_str().unwrap().to_owned();
    let forged = hs256_with_secret(&id_claims(&tp, &nonce, "eidas1"), &tp.key.kid);
    tp.with(|b| {
        b.token_response = None;
        b.id_token = Some(forged);
    });
    let e = fc
        .complete_login(&callback_for("the-code", &pending, &tp.issuer), &pending)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Jose(_)), "{e}");
}

#[tokio::test]
async fn the_configuration_names_proconnect_mistakes() {
    let tp = TestProvider::start().await;
    let err = |b: franceconnect_tower::ConfigBuilder| b.build().unwrap_err().to_string();
    assert!(
        err(tp
            .config(Platform::ProConnect)
            .scopes(franceconnect_tower::Scopes::parse("identite_pivot").unwrap()))
        .contains("not a ProConnect scope")
    );
    assert!(
        err(tp
            .config(Platform::FranceConnect)
            .scopes(franceconnect_tower::Scopes::parse("siret").unwrap()))
        .contains("not a FranceConnect scope")
    );
    assert!(err(tp.config(Platform::FranceConnect).acr_values(Acr::MFA)).contains("ProConnect's"));
    assert!(err(tp.config(Platform::ProConnect).encrypted_tokens(true)).contains("ProConnect does not encrypt"));
    let rie =
        franceconnect_tower::Config::builder(Platform::FranceConnect, franceconnect_tower::Environment::RieSandbox)
            .client_id("c")
            .client_secret("s")
            .redirect_uri("https://a.fr/auth/callback")
            .post_logout_redirect_uri("https://a.fr/auth/logout/callback");
    assert!(err(rie).contains("RIE"));
    let from_env = |vars: &[(&str, &str)]| {
        franceconnect_tower::Config::from_lookup(|n| vars.iter().find(|(k, _)| *k == n).map(|(_, v)| v.to_string()))
    };
    let base = [
        ("FC_PLATFORM", "proconnect"),
        ("FC_CLIENT_ID", "c"),
        ("FC_CLIENT_SECRET", "s"),
        ("FC_ENV", "rie-production"),
    ];
    let c = from_env(&[&base[..], &[("FC_ACR", "mfa")]].concat()).unwrap();
    assert_eq!(c.issuer().as_str(), "https://auth.agentconnect.rie.gouv.fr/api/v2");
    assert_eq!(c.requested_acr(), RequestedAcr::OneOf(Acr::MFA.to_vec()));
    let c = from_env(&[&base[..], &[("FC_ACR", "eidas2,eidas3")]].concat()).unwrap();
    assert_eq!(c.requested_acr(), RequestedAcr::OneOf(vec![Acr::Eidas2, Acr::Eidas3]));
    let e = from_env(&[&base[..], &[("FC_ACR", "eidas2 substantial")]].concat()).unwrap_err();
    assert!(
        e.to_string().contains("`substantial` is not a ProConnect acr value"),
        "{e}"
    );
}
