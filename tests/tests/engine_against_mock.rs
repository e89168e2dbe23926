//! The engine's full flow against the mock provider: begin → mock →
//! complete → logout, on FranceConnect and on FranceConnect+ with each
//! encryption algorithm, and each mock scenario's outcome.

use std::time::Duration;

use franceconnect_mock::{Endpoint, Failure, Tamper};
use franceconnect_tests::*;
use franceconnect_tower::web::error_code;
use franceconnect_tower::{
    Acr, AgentRole, DatePrecision, Eidas, EncryptionAlg, Error, LoginOptions, NetworkErrorKind, Platform,
    ProviderErrorCode, ServiceKeys, SigningAlg, TokenEndpointAuth, TokenExchangeError,
};

async fn logout(pair: &Pair, user: &franceconnect_tower::SignedInUser) {
    let (url, pending) = pair.fc.logout_url(user).await.unwrap();
    let resp = no_redirect_client().get(url).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 303, "{}", resp.text().await.unwrap());
    let location = url::Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap();
    assert!(location.as_str().starts_with(POST_LOGOUT_URI));
    let state = location
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned());
    pair.fc.check_logout_callback(state.as_deref(), Some(&pending)).unwrap();
    assert_eq!(state.as_deref(), Some(pending.state.secret()));
}

#[tokio::test]
async fn fc_full_flow() {
    let pair = pair_with(Platform::FranceConnect, None, |b| b.request_amr(true)).await;
    pair.mock.auto_approve(Some("default"), None);
    let user = login(&pair, LoginOptions::default()).await.unwrap();
    assert_eq!(user.acr, Acr::Eidas1);
    assert_eq!(user.sub.len(), 66);
    assert!(user.sub.ends_with("v1"));
    let amr = user.amr.clone().expect("amr was requested");
    assert!(amr.contains(&franceconnect_tower::Amr::Fc));
    let pivot = user.pivot_identity().expect("identite_pivot was requested");
    let default = &pair.mock.identities()[0];
    assert_eq!(pivot.family_name, default.family_name);
    assert_eq!(pivot.birthdate.to_string(), default.birthdate);
    assert_eq!(user.claims.email, default.email);
    // The same person logs in again: same pairwise sub.
    let again = login(&pair, LoginOptions::default()).await.unwrap();
    assert_eq!(again.sub, user.sub);
    logout(&pair, &user).await;
}

#[tokio::test]
async fn fc_without_amr_request_has_no_amr() {
    let pair = pair(Platform::FranceConnect, None).await;
    pair.mock.auto_approve(Some("default"), None);
    assert_eq!(login(&pair, LoginOptions::default()).await.unwrap().amr, None);
}

#[tokio::test]
async fn fc_plus_full_flow_with_each_algorithm() {
    for alg in EncryptionAlg::ALL {
        let pair = pair(Platform::FranceConnectPlus, Some(alg)).await;
        pair.mock
            .auto_approve(Some("default"), Some(franceconnect_mock::Eidas::Eidas3));
        let user = login(&pair, LoginOptions::default())
            .await
            .unwrap_or_else(|e| panic!("{alg}: {e}"));
        assert_eq!(user.acr, Acr::Eidas3, "{alg}: eidas3 reached where eidas2 was asked");
        assert!(user.pivot_identity().is_some());
        logout(&pair, &user).await;
    }
}

#[tokio::test]
async fn every_test_identity_parses() {
    use franceconnect_tower::Birthplace;
    // On FranceConnect, `idp_birthdate` (a scope of its own) tells presumed
    // dates apart; on FranceConnect+, the plain claims are the identity
    // provider's spelling.
    for (platform, alg, scopes, min_presumed) in [
        (
            Platform::FranceConnect,
            None,
            "identite_pivot email idp_birthdate idp_id",
            2,
        ),
        (
            Platform::FranceConnectPlus,
            Some(EncryptionAlg::EcdhEs),
            "identite_pivot email rnipp_identite_pivot",
            1,
        ),
    ] {
        let scopes = franceconnect_tower::Scopes::parse(scopes).unwrap();
        let pair = pair_with(platform, alg, |b| b.scopes(scopes)).await;
        let identities = pair.mock.identities();
        assert!(identities.len() >= 15);
        let (mut abroad, mut presumed, mut europeans) = (0, 0, 0);
        for person in &identities {
            pair.mock.auto_approve(Some(&person.id), None);
            let user = login(&pair, LoginOptions::default())
                .await
                .unwrap_or_else(|e| panic!("{platform:?} {}: {e}", person.id));
            let pivot = user.pivot_identity().unwrap();
            let given_name = match platform {
                Platform::FranceConnectPlus => person.idp_spelled_given_name(),
                _ => &person.given_name,
            };
            assert_eq!(pivot.given_name, given_name, "{platform:?} {}", person.id);
            assert_eq!(pivot.is_european(), person.eidas, "{platform:?} {}", person.id);
            assert_eq!(user.is_european_citizen(), person.eidas, "{platform:?} {}", person.id);
            match &pivot.birthplace {
                Some(Birthplace::Abroad) => {
                    assert!(!pivot.birthcountry.as_ref().unwrap().is_france(), "{}", person.id);
                    abroad += 1;
                }
                Some(Birthplace::Declared(place)) => {
                    assert!(person.eidas, "{platform:?} {}", person.id);
                    assert_eq!(place, &person.birthplace, "{platform:?} {}", person.id);
                    europeans += 1;
                }
                _ => assert!(!person.eidas, "{platform:?} {}", person.id),
            }
            if pivot.birthdate.precision() != DatePrecision::Day {
                presumed += 1;
            }
        }
        assert!(
            abroad >= 1 && presumed >= min_presumed && europeans >= 3,
            "{platform:?}: abroad {abroad}, presumed {presumed}, europeans {europeans}"
        );
    }
}

#[tokio::test]
async fn step_up_and_lower_acr() {
    let pair = pair(Platform::FranceConnectPlus, Some(EncryptionAlg::EcdhEs)).await;
    pair.mock.auto_approve(Some("default"), None);
    let user = login(&pair, LoginOptions::default().eidas(Eidas::Eidas3))
        .await
        .unwrap();
    assert_eq!(user.acr, Acr::Eidas3);
    pair.mock.set_acr_override(Some(franceconnect_mock::Eidas::Eidas2));
    let e = login(&pair, LoginOptions::default().eidas(Eidas::Eidas3))
        .await
        .unwrap_err();
    assert_eq!(
        e,
        Error::EidasTooLow {
            requested: Eidas::Eidas3,
            received: Eidas::Eidas2
        }
    );
}

#[tokio::test]
async fn callback_errors_become_provider_errors() {
    let pair = pair(Platform::FranceConnect, None).await;
    for (code, expected) in [
        ("access_denied", ProviderErrorCode::AccessDenied),
        ("temporarily_unavailable", ProviderErrorCode::TemporarilyUnavailable),
        ("server_error", ProviderErrorCode::ServerError),
    ] {
        pair.mock.set_callback_error(Some(code));
        let e = login(&pair, LoginOptions::default()).await.unwrap_err();
        assert!(matches!(e, Error::Provider(ref p) if p.code == expected), "{code}: {e}");
    }
    assert_eq!(pair.mock.request_count(Endpoint::Token), 0);
}

/// Every hostile token of the catalogue is refused with its typed error, on
/// FranceConnect (plain, and encrypted as a service may register it) and on
/// FranceConnect+ with each encryption algorithm; an
/// unknown kid costs exactly one JWKS refetch; a correct login follows.
#[tokio::test]
async fn hostile_tokens_are_refused_with_their_typed_error() {
    for (platform, alg) in [
        (Platform::FranceConnect, None),
        (Platform::FranceConnect, Some(EncryptionAlg::EcdhEs)),
        (Platform::FranceConnect, Some(EncryptionAlg::RsaOaep)),
        (Platform::FranceConnectPlus, Some(EncryptionAlg::EcdhEs)),
        (Platform::FranceConnectPlus, Some(EncryptionAlg::RsaOaep)),
        (Platform::FranceConnectPlus, Some(EncryptionAlg::RsaOaep256)),
        (Platform::ProConnect, None),
    ] {
        let pair = pair_with(platform, alg, |b| b.jwks_refetch_cooldown(Duration::ZERO)).await;
        let person = if platform == Platform::ProConnect {
            "agent-etat"
        } else {
            "default"
        };
        pair.mock.auto_approve(Some(person), None);
        login(&pair, LoginOptions::default()).await.unwrap();
        for tamper in hostile::scenarios(alg.is_some()) {
            pair.mock.set_tamper(Some(tamper));
            let jwks_before = pair.mock.request_count(Endpoint::Jwks);
            let e = login(&pair, LoginOptions::default()).await.unwrap_err();
            assert!(
                hostile::is_expected_refusal(tamper, &e),
                "{platform:?} {alg:?} {tamper:?}: {e:?}"
            );
            assert_eq!(error_code(&e), hostile::expected_code(tamper), "{tamper:?}");
            let refetches = pair.mock.request_count(Endpoint::Jwks) - jwks_before;
            let expected = usize::from(matches!(tamper, Tamper::UnknownKid | Tamper::EmbeddedJwk));
            assert_eq!(refetches, expected, "{tamper:?}: JWKS fetches");
        }
        pair.mock.set_tamper(None);
        login(&pair, LoginOptions::default()).await.unwrap();
    }
}

/// With the default cooldown, a flood of unknown kids costs one refetch.
#[tokio::test]
async fn unknown_kids_refetch_the_jwks_at_most_once_per_cooldown() {
    let pair = pair(Platform::FranceConnect, None).await;
    pair.mock.auto_approve(Some("default"), None);
    login(&pair, LoginOptions::default()).await.unwrap();
    pair.mock.set_tamper(Some(Tamper::UnknownKid));
    for _ in 0..5 {
        let e = login(&pair, LoginOptions::default()).await.unwrap_err();
        assert!(hostile::is_expected_refusal(Tamper::UnknownKid, &e), "{e:?}");
    }
    assert_eq!(
        pair.mock.request_count(Endpoint::Jwks),
        2,
        "the first fetch and one refetch"
    );
}

#[tokio::test]
async fn provider_failures_are_network_errors_and_never_hang() {
    let pair = pair_with(Platform::FranceConnect, None, |b| {
        b.http_timeout(Duration::from_millis(800))
    })
    .await;
    pair.mock.auto_approve(Some("default"), None);
    for endpoint in [Endpoint::Token, Endpoint::Userinfo] {
        for failure in [
            Failure::ServerError,
            Failure::Unavailable,
            Failure::Slow(Duration::from_secs(3)),
            Failure::Garbage,
            Failure::Oversized,
        ] {
            pair.mock.set_failure(endpoint, Some(failure));
            let e = login(&pair, LoginOptions::default()).await.unwrap_err();
            match failure {
                Failure::Slow(_) => assert!(e.is_timeout(), "{endpoint:?} {failure:?}: {e}"),
                Failure::Oversized => assert!(
                    matches!(e, Error::Network(ref n) if matches!(n.kind, NetworkErrorKind::TooLarge(_))),
                    "{endpoint:?}: {e}"
                ),
                _ => assert!(
                    matches!(e, Error::Network(_) | Error::TokenExchange(_) | Error::Jose(_)),
                    "{endpoint:?} {failure:?}: {e}"
                ),
            }
            pair.mock.set_failure(endpoint, None);
        }
    }
    login(&pair, LoginOptions::default()).await.unwrap();
}

/// A redirecting token or userinfo endpoint is not followed (the request
/// carries the client secret or the access token).
#[tokio::test]
async fn redirects_from_the_provider_are_not_followed() {
    let pair = pair(Platform::FranceConnect, None).await;
    pair.mock.auto_approve(Some("default"), None);
    for endpoint in [Endpoint::Token, Endpoint::Userinfo] {
        pair.mock.set_failure(endpoint, Some(Failure::RedirectElsewhere));
        let e = login(&pair, LoginOptions::default()).await.unwrap_err();
        assert!(
            matches!(e, Error::Network(ref n) if n.kind == NetworkErrorKind::Status(307)),
            "{endpoint:?}: {e:?}"
        );
        pair.mock.set_failure(endpoint, None);
    }
    login(&pair, LoginOptions::default()).await.unwrap();
}

/// The provider's clock ahead or behind by just under the leeway is
/// accepted; by just over it, refused (`iat` in the future, `exp` past).
#[tokio::test]
async fn clock_skew_is_tolerated_up_to_the_leeway() {
    let leeway = 30;
    let pair = pair_with(Platform::FranceConnect, None, |b| {
        b.clock_leeway(Duration::from_secs(leeway))
    })
    .await;
    pair.mock.auto_approve(Some("default"), None);
    // Tokens live 60 s: behind by 60 + x, they expired x seconds ago.
    let lifetime = 60;
    for (offset, refused_on) in [
        (leeway as i64 - 5, None),
        (leeway as i64 + 5, Some("iat")),
        (-(lifetime + leeway as i64 - 5), None),
        (-(lifetime + leeway as i64 + 5), Some("exp")),
    ] {
        pair.mock.set_clock_offset(offset);
        let result = login(&pair, LoginOptions::default()).await;
        match refused_on {
            None => assert!(result.is_ok(), "offset {offset}: {result:?}"),
            Some(field) => assert!(
                matches!(result, Err(Error::Claims(ref c)) if c.field == field),
                "offset {offset}: {result:?}"
            ),
        }
    }
}

/// The provider's signing key rotated in the middle of a login (after the
/// authorization, before the token) is followed with one JWKS refetch.
#[tokio::test]
async fn a_key_rotated_during_a_login_is_followed() {
    let pair = pair(Platform::FranceConnect, None).await;
    pair.mock.auto_approve(Some("default"), None);
    login(&pair, LoginOptions::default()).await.unwrap();
    let (url, pending) = pair.fc.begin_login(LoginOptions::default()).await.unwrap();
    let callback = authorize(&url).await;
    pair.mock.rotate_signing_key();
    pair.fc.complete_login(&callback, &pending).await.unwrap();
    assert_eq!(pair.mock.request_count(Endpoint::Jwks), 2);
}

/// With the provider's keys cached, a JWKS outage does not stop logins; a
/// key the cache does not have then fails cleanly.
#[tokio::test]
async fn cached_keys_outlive_a_jwks_outage() {
    let pair = pair_with(Platform::FranceConnect, None, |b| {
        b.http_timeout(Duration::from_secs(1))
            .jwks_refetch_cooldown(Duration::ZERO)
    })
    .await;
    pair.mock.auto_approve(Some("default"), None);
    login(&pair, LoginOptions::default()).await.unwrap();
    for failure in [
        Failure::Unavailable,
        Failure::Slow(Duration::from_secs(3)),
        Failure::Garbage,
    ] {
        pair.mock.set_failure(Endpoint::Jwks, Some(failure));
        login(&pair, LoginOptions::default()).await.unwrap();
    }
    pair.mock.set_failure(Endpoint::Jwks, Some(Failure::Unavailable));
    pair.mock.rotate_signing_key();
    let e = login(&pair, LoginOptions::default()).await.unwrap_err();
    assert!(matches!(e, Error::Network(_) | Error::Jose(_)), "{e:?}");
    pair.mock.set_failure(Endpoint::Jwks, None);
    login(&pair, LoginOptions::default()).await.unwrap();
}

#[tokio::test]
async fn provider_key_rotation_is_followed() {
    let pair = pair(Platform::FranceConnect, None).await;
    pair.mock.auto_approve(Some("default"), None);
    login(&pair, LoginOptions::default()).await.unwrap();
    pair.mock.rotate_signing_key();
    login(&pair, LoginOptions::default()).await.unwrap();
    assert_eq!(
        pair.mock.request_count(Endpoint::Jwks),
        2,
        "one re-fetch for the new kid"
    );
    login(&pair, LoginOptions::default()).await.unwrap();
    assert_eq!(pair.mock.request_count(Endpoint::Jwks), 2);
}

#[tokio::test]
async fn a_code_is_single_use() {
    let pair = pair(Platform::FranceConnect, None).await;
    pair.mock.auto_approve(Some("default"), None);
    let (url, pending) = pair.fc.begin_login(LoginOptions::default()).await.unwrap();
    let callback = authorize(&url).await;
    pair.fc.complete_login(&callback, &pending).await.unwrap();
    let e = pair.fc.complete_login(&callback, &pending).await.unwrap_err();
    assert!(matches!(e, Error::TokenExchange(_)), "{e}");
    // The platform's own code, read from `error_uri`, says why and what to do.
    let known = franceconnect_tower::web::platform_code_of(&e).expect("a known platform code");
    assert_eq!(known.code, "Y049E20B", "{e}");
    assert_eq!(known.user_action, franceconnect_tower::UserAction::Retry);
    assert!(e.to_string().contains("[Y049E20B]"), "{e}");
}

#[tokio::test]
async fn the_platforms_codes_reach_the_typed_error() {
    let pair = pair(Platform::FranceConnect, None).await;
    pair.mock.set_callback_error(Some("invalid_idp_hint"));
    let e = login(&pair, LoginOptions::default()).await.unwrap_err();
    let Error::Provider(p) = &e else { panic!("{e}") };
    assert_eq!(p.code, ProviderErrorCode::InvalidIdpHint);
    assert_eq!(p.platform_code.as_deref(), Some("Y030032"));
    let page = franceconnect_tower::web::error_message_fr(&e, Platform::FranceConnect);
    assert!(page.contains("autre compte"), "the person is told what to do: {page}");
}

#[tokio::test]
async fn every_person_the_platforms_may_send_signs_in_and_malformed_claims_are_named() {
    use franceconnect_tests::scenarios::people::{Outcome, cases, expected_claims, expected_register_claims};
    use franceconnect_tower::{Amr, KnownIdentityProvider};
    // FranceConnect with `idp_birthdate` and `idp_id`; FranceConnect+ with
    // the register's own version of each claim (`rnipp_*`), which must not
    // disturb anything. `amr` is asked for: `eidas` for European citizens.
    for (platform, alg, scopes) in [
        (
            Platform::FranceConnect,
            None,
            "identite_pivot email preferred_username idp_birthdate idp_id",
        ),
        (
            Platform::FranceConnectPlus,
            Some(EncryptionAlg::EcdhEs),
            "identite_pivot email preferred_username rnipp_identite_pivot",
        ),
    ] {
        let scopes = franceconnect_tower::Scopes::parse(scopes).unwrap();
        let pair = pair_with(platform, alg, |b| b.scopes(scopes).request_amr(true)).await;
        let table = cases();
        pair.mock
            .set_identities(table.iter().map(|c| c.identity.clone()).collect());
        for case in &table {
            pair.mock.auto_approve(Some(&case.identity.id), None);
            let result = login(&pair, LoginOptions::default()).await;
            match (case.outcome, result) {
                (Outcome::SignsIn, Ok(user)) => {
                    let expected = expected_claims(&case.identity, platform);
                    for (claim, value) in &expected {
                        assert_eq!(
                            user.raw_claims.get(*claim).and_then(|v| v.as_str()),
                            value.as_deref(),
                            "{platform:?} {}: {claim} comes back as sent",
                            case.what
                        );
                    }
                    let sent = |claim: &str| expected.iter().find(|(c, _)| *c == claim).and_then(|(_, v)| v.clone());
                    let pivot = user.pivot_identity().expect("the pivot identity");
                    assert_eq!(
                        pivot.gender.map(|g| g.as_str()),
                        case.identity.gender.as_deref(),
                        "{platform:?} {}",
                        case.what
                    );
                    assert_eq!(Some(pivot.family_name.clone()), sent("family_name"), "{}", case.what);
                    assert_eq!(
                        pivot.birthplace.as_ref().map(|p| p.as_str().to_owned()),
                        sent("birthplace"),
                        "{platform:?} {}",
                        case.what
                    );
                    assert_eq!(pivot.is_european(), case.identity.eidas, "{platform:?} {}", case.what);
                    assert_eq!(
                        user.is_european_citizen(),
                        case.identity.eidas,
                        "{platform:?} {}",
                        case.what
                    );
                    assert_eq!(
                        user.claims.preferred_username,
                        case.identity.preferred_username.clone().filter(|u| !u.is_empty()),
                        "{}",
                        case.what
                    );
                    let amr = user.amr.clone().expect("amr was asked for");
                    if case.identity.eidas {
                        assert_eq!(amr, [Amr::Eidas], "{platform:?} {}", case.what);
                    } else {
                        assert!(amr.contains(&Amr::Fc), "{platform:?} {}: {amr:?}", case.what);
                    }
                    match platform {
                        Platform::FranceConnectPlus => {
                            for (claim, value) in expected_register_claims(&case.identity) {
                                assert_eq!(
                                    user.raw_claims.get(claim).and_then(|v| v.as_str()),
                                    value.as_deref(),
                                    "{platform:?} {}: {claim}",
                                    case.what
                                );
                            }
                            let register = user.register_identity();
                            assert_eq!(
                                register.map(|r| r.family_name),
                                (!case.identity.eidas).then(|| case.identity.family_name.clone()),
                                "{}: the register's identity, none for a European citizen",
                                case.what
                            );
                            assert!(user.identity_provider().is_none(), "FranceConnect+ never sends idp_id");
                        }
                        _ => {
                            let idp = user.identity_provider().expect("idp_id was asked for");
                            assert_eq!(idp.id(), case.identity.idp_id(), "{}", case.what);
                            assert_eq!(
                                idp.known() == Some(KnownIdentityProvider::EidasBridge),
                                case.identity.eidas,
                                "{}",
                                case.what
                            );
                        }
                    }
                }
                (Outcome::RefusedOn(field), Err(Error::Claims(e))) => {
                    assert_eq!(e.field, field, "{platform:?} {}: {e}", case.what);
                    assert!(e.to_string().contains(field), "the message names the claim: {e}");
                }
                (expected, got) => panic!("{platform:?} {}: expected {expected:?}, got {got:?}", case.what),
            }
        }
    }
}

/// An engine set for `private_key_jwt` facing a client the provider knows
/// for `client_secret_post` (what the platforms' records hold today): the
/// token request is refused `invalid_client`, with the platform's code.
#[tokio::test]
async fn private_key_jwt_against_a_secret_registration_is_refused() {
    let signing = ServiceKeys::generate_signing(SigningAlg::Es256).unwrap();
    let pair = pair_with(Platform::FranceConnect, None, |b| {
        b.service_keys(signing)
            .token_endpoint_auth(TokenEndpointAuth::PrivateKeyJwt)
    })
    .await;
    pair.mock.auto_approve(Some("default"), None);
    let e = login(&pair, LoginOptions::default()).await.unwrap_err();
    assert!(
        matches!(
            &e,
            Error::TokenExchange(TokenExchangeError::Refused { status: 401, code, platform_code, .. })
                if code == "invalid_client" && platform_code.as_deref() == Some("Y0434A7B")
        ),
        "{e:?}"
    );
}

/// `check()` at start-up: against the right provider it returns the URIs
/// to register (the JWKS URI only when the platform needs the service's
/// keys); against the other platform it names `FC_PLATFORM`.
#[tokio::test]
async fn check_returns_the_registration_or_names_the_mistake() {
    let fc = pair(Platform::FranceConnect, None).await;
    let registration = fc.fc.check().await.unwrap();
    assert_eq!(registration.redirect_uri.as_str(), REDIRECT_URI);
    assert_eq!(registration.post_logout_redirect_uri.as_str(), POST_LOGOUT_URI);
    assert_eq!(registration.jwks_uri, None);
    let plus = pair(Platform::FranceConnectPlus, Some(EncryptionAlg::EcdhEs)).await;
    assert_eq!(
        plus.fc.check().await.unwrap().jwks_uri.unwrap().as_str(),
        "http://127.0.0.1:3000/auth/jwks"
    );
    // An engine set for FranceConnect facing FranceConnect+'s provider.
    let mismatch = franceconnect_tower::FranceConnect::new(
        franceconnect_tower::Config::builder(
            Platform::FranceConnect,
            franceconnect_tower::Environment::Custom(url::Url::parse(&plus.mock.issuer()).unwrap()),
        )
        .client_id(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .redirect_uri(REDIRECT_URI)
        .post_logout_redirect_uri(POST_LOGOUT_URI)
        .build()
        .unwrap(),
    );
    let e = mismatch.check().await.unwrap_err().to_string();
    assert!(e.contains("is FC_PLATFORM right"), "{e}");
}

#[tokio::test]
async fn proconnect_full_flow() {
    let pair = pair_with(Platform::ProConnect, None, |b| {
        b.request_amr(true)
            .scopes(franceconnect_tower::Scopes::parse("given_name usual_name email uid siret siren organizational_unit organization_label phone chorusdt idp_id idp_acr roles custom").unwrap())
    })
    .await;
    let agent = pair.mock.agents()[0].clone();
    pair.mock.auto_approve(Some(&agent.id), None);
    let user = login(&pair, LoginOptions::default()).await.unwrap();
    assert_eq!(user.platform, Platform::ProConnect);
    assert_eq!(user.sub, agent.sub);
    assert_eq!(user.acr.as_str(), agent.idp_acr);
    assert!(user.amr.is_some(), "amr was asked");
    let identity = user.agent_identity().expect("an agent identity");
    assert_eq!(identity.given_name, agent.given_name);
    assert_eq!(identity.usual_name, agent.usual_name);
    assert_eq!(identity.siret.as_ref().unwrap().as_str(), agent.siret);
    assert_eq!(identity.siren.as_ref().map(|s| s.as_str().to_owned()), agent.siren);
    assert_eq!(identity.phone_number, agent.phone_number);
    assert_eq!(identity.chorusdt_matricule, agent.chorusdt_matricule);
    assert_eq!(identity.organization_label, agent.organization_label);
    assert_eq!(identity.idp_id.as_deref(), Some(agent.idp_id.as_str()));
    let roles: Vec<String> = identity.roles.iter().map(|r| r.as_str().to_owned()).collect();
    assert_eq!(roles, agent.roles);
    // The one-hour access token is revoked; the refresh token was never kept.
    assert!(!serde_json::to_string(&user).unwrap().contains("refresh"));
    assert_eq!(
        pair.fc.revoke_access_token(&user).await.unwrap(),
        franceconnect_tower::Revocation::Revoked
    );
    assert_eq!(pair.mock.live_access_tokens(), 0);
    logout(&pair, &user).await;
}

#[tokio::test]
async fn every_agent_signs_in() {
    let pair = pair_with(Platform::ProConnect, None, |b| b).await;
    for agent in pair.mock.agents() {
        pair.mock.auto_approve(Some(&agent.id), None);
        let user = login(&pair, LoginOptions::default())
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", agent.id));
        let identity = user
            .agent_identity()
            .unwrap_or_else(|| panic!("{}: no agent identity", agent.id));
        assert_eq!(identity.email, agent.email, "{}", agent.id);
        assert_eq!(identity.siret.unwrap().as_str(), agent.siret, "{}", agent.id);
    }
    let dirigeant = login_as(&pair, "dirigeant").await.unwrap();
    assert_eq!(dirigeant.acr, Acr::CertificationDirigeant);
    assert!(
        dirigeant.agent_identity().unwrap().roles.is_empty(),
        "roles only with their scope"
    );
    let scoped = pair_with(Platform::ProConnect, None, |b| {
        b.scopes(franceconnect_tower::Scopes::parse("given_name usual_name email roles").unwrap())
    })
    .await;
    let dirigeant = login_as(&scoped, "dirigeant").await.unwrap();
    assert_eq!(dirigeant.agent_identity().unwrap().roles, [AgentRole::Dirigeant]);
}

async fn login_as(pair: &Pair, agent: &str) -> Result<franceconnect_tower::SignedInUser, Error> {
    pair.mock.auto_approve(Some(agent), None);
    login(pair, LoginOptions::default()).await
}

#[tokio::test]
async fn proconnect_acr_rules_hold_end_to_end() {
    let mfa = pair_with(Platform::ProConnect, None, |b| b.acr_values(Acr::MFA)).await;
    // No second factor: ProConnect says it cannot satisfy the request.
    let e = login_as(&mfa, "agent-etat").await.unwrap_err();
    assert!(
        matches!(&e, Error::Provider(p) if p.code == ProviderErrorCode::AcrNotSatisfied),
        "{e}"
    );
    assert_eq!(error_code(&e), "acr_not_satisfied");
    // The e-mail code step: eidas1 becomes eidas1-mfa, eidas0 eidas0-mfa.
    mfa.mock.set_agent_mfa(true);
    assert_eq!(login_as(&mfa, "agent-etat").await.unwrap().acr, Acr::Eidas1Mfa);
    assert_eq!(login_as(&mfa, "agent-autodeclare").await.unwrap().acr, Acr::Eidas0Mfa);
    assert_eq!(login_as(&mfa, "agent-carte").await.unwrap().acr, Acr::Eidas3);
    // A step-up to eIDAS substantial asks for eidas2 or eidas3 only.
    let any = pair_with(Platform::ProConnect, None, |b| b).await;
    any.mock.auto_approve(Some("agent-carte"), None);
    assert_eq!(
        login(&any, LoginOptions::default().eidas(Eidas::Eidas2))
            .await
            .unwrap()
            .acr,
        Acr::Eidas3
    );
    any.mock.auto_approve(Some("agent-etat"), None);
    let e = login(&any, LoginOptions::default().eidas(Eidas::Eidas2))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Provider(p) if p.code == ProviderErrorCode::AcrNotSatisfied),
        "{e}"
    );
    // An acr not asked for, or unknown, is refused even if the provider sends it.
    mfa.mock.set_acr_value_override(Some("eidas1"));
    assert!(matches!(
        login_as(&mfa, "agent-etat").await.unwrap_err(),
        Error::AcrNotMet { .. }
    ),);
    any.mock
        .set_acr_value_override(Some("https://proconnect.gouv.fr/assurance/self-asserted"));
    let e = login_as(&any, "agent-etat").await.unwrap_err();
    assert!(matches!(&e, Error::Claims(c) if c.field == "acr"), "{e}");
}

#[tokio::test]
async fn proconnect_hints_and_silent_logins() {
    let pair = pair_with(Platform::ProConnect, None, |b| b).await;
    let agents = pair.mock.agents();
    let hospital = agents.iter().find(|a| a.id == "agent-hospitalier").unwrap();
    // No agent named: the mock picks the one the login_hint names (its
    // identity provider answering eidas1).
    pair.mock.auto_approve(None, Some(franceconnect_mock::Eidas::Eidas1));
    let user = login(&pair, LoginOptions::default().login_hint(hospital.email.clone()))
        .await
        .unwrap();
    assert_eq!(user.sub, hospital.sub);
    let user = login(&pair, LoginOptions::default().idp_hint(hospital.idp_id.clone()))
        .await
        .unwrap();
    assert_eq!(
        user.agent_identity().unwrap().idp_id.as_deref(),
        Some(hospital.idp_id.as_str())
    );
    let e = login(
        &pair,
        LoginOptions::default().idp_hint("00000000-0000-4000-8000-000000000000"),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&e, Error::Provider(p) if p.code == ProviderErrorCode::InvalidIdpHint),
        "{e}"
    );
    // A silent login without a ProConnect session.
    let e = login(&pair, LoginOptions::default().prompt(franceconnect_tower::Prompt::None))
        .await
        .unwrap_err();
    assert!(e.is_login_required(), "{e}");
    assert!(!e.is_user_cancelled());
}

#[tokio::test]
async fn proconnect_userinfo_as_registered() {
    let json = pair_with_client(
        Platform::ProConnect,
        None,
        |c| c.userinfo_unsigned(),
        |b| b.unsigned_userinfo(true),
    )
    .await;
    let user = login_as(&json, "agent-territorial").await.unwrap();
    assert_eq!(
        user.agent_identity().unwrap().usual_name,
        json.mock.agents()[1].usual_name
    );
    // A service that expects a signed answer refuses plain JSON.
    let strict = pair_with_client(Platform::ProConnect, None, |c| c.userinfo_unsigned(), |b| b).await;
    let e = login_as(&strict, "agent-territorial").await.unwrap_err();
    assert!(
        matches!(&e, Error::Network(n) if n.endpoint == "userinfo" && n.kind == NetworkErrorKind::ContentType),
        "{e}"
    );
    // RS256 is accepted on ProConnect without any setting.
    let rs = pair_with_client(
        Platform::ProConnect,
        None,
        |c| c.signing_alg(franceconnect_mock::SigningAlg::RS256),
        |b| b,
    )
    .await;
    assert!(login_as(&rs, "agent-etat").await.is_ok());
}
