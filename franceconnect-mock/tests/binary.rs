//! The `franceconnect-mock` binary: alone at the root issuer as always,
//! and with `--platforms` the platforms together, each issuer printed and
//! serving its own discovery.

mod common;

use common::*;
use franceconnect_mock::EncryptionAlg;

#[tokio::test]
async fn platforms_are_served_together_each_under_its_issuer() {
    let (_, jwks) = client_key(EncryptionAlg::EcdhEs, "k");
    let jwks_file = std::env::temp_dir().join(format!("franceconnect-mock-binary-{}.json", std::process::id()));
    std::fs::write(&jwks_file, jwks.to_string()).unwrap();
    let running = start_binary(
        &[
            "--platforms",
            "fc,fcplus,proconnect",
            "--client-jwks-file",
            jwks_file.to_str().unwrap(),
            "--auto-approve",
            "default",
            "--auto-approve",
            "agent-etat",
        ],
        "client on each:",
    );
    let _ = std::fs::remove_file(&jwks_file);
    let issuers = running.issuers();
    assert_eq!(issuers.len(), 3, "{:?}", running.printed);
    let origin = issuers[0].trim_end_matches("/fc/api/v2").to_owned();
    assert_eq!(
        issuers,
        [
            format!("{origin}/fc/api/v2"),
            format!("{origin}/fcplus/api/v2"),
            format!("{origin}/proconnect/api/v2"),
        ]
    );
    for issuer in &issuers {
        let doc = discovery_document(issuer).await;
        assert_eq!(doc["issuer"], issuer.as_str());
        assert_eq!(doc["token_endpoint"], format!("{issuer}/token"));
    }
    // The client is registered on each platform, encrypting on
    // FranceConnect+ only.
    assert!(discovery_document(&issuers[1]).await["id_token_encryption_alg_values_supported"].is_array());
    assert!(discovery_document(&issuers[0]).await["id_token_encryption_alg_values_supported"].is_null());
    for (issuer, acr) in [
        (&issuers[0], "eidas1"),
        (&issuers[1], "eidas2"),
        (&issuers[2], "eidas1"),
    ] {
        let response = http()
            .get(format!("{issuer}/authorize"))
            .query(&[
                ("response_type", "code"),
                ("client_id", "franceconnect-mock-client"),
                ("redirect_uri", "http://localhost:3000/auth/callback"),
                ("scope", "openid email"),
                ("acr_values", acr),
                ("nonce", NONCE),
                ("state", STATE),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{issuer}: automatic login");
        let (base, params) = location_params(&response);
        assert_eq!(base, "http://localhost:3000/auth/callback");
        assert_eq!(params["iss"], issuer.as_str());
        assert!(params.contains_key("code"), "{issuer}");
    }
}

#[tokio::test]
async fn a_platform_alone_keeps_the_root_issuer() {
    let running = start_binary(&["--platform", "pc"], "agents:");
    let issuers = running.issuers();
    assert_eq!(issuers.len(), 1, "{:?}", running.printed);
    assert!(issuers[0].ends_with("/api/v2") && !issuers[0].contains("/proconnect/"));
    assert_eq!(discovery_document(&issuers[0]).await["issuer"], issuers[0].as_str());
    assert!(running.printed[0].starts_with("ProConnect mock provider listening on 127.0.0.1:"));
}
