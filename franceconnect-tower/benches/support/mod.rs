//! What the engine's benchmarks share: a provider on loopback that serves
//! its discovery document and JWKS (counting JWKS requests), an engine
//! configured for it, and ES256 signing.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::routing::get;
use franceconnect_tower::{Config, Environment, FranceConnect, Platform, ServiceKeys};
use josekit::jwk::Jwk;
use josekit::jwk::alg::ec::EcCurve;
use josekit::jws::JwsHeader;
use serde_json::{Value, json};
use url::Url;

pub const CLIENT_ID: &str = "bench-client";

pub fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

/// A provider's ES256 signing key (private) and its published JWK.
pub fn provider_key(kid: &str) -> (Jwk, Jwk) {
    let mut private = Jwk::generate_ec_key(EcCurve::P256).unwrap();
    private.set_key_id(kid);
    let mut public = private.to_public_key().unwrap();
    public.set_key_id(kid);
    public.set_key_use("sig");
    public.set_algorithm("ES256");
    (private, public)
}

/// A provider on loopback publishing `public`.
pub struct Provider {
    pub issuer: String,
    jwks_hits: Arc<AtomicUsize>,
}

impl Provider {
    pub async fn start(public: &Jwk) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}/api/v2", listener.local_addr().unwrap());
        let doc = json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/authorize"),
            "token_endpoint": format!("{issuer}/token"),
            "userinfo_endpoint": format!("{issuer}/userinfo"),
            "jwks_uri": format!("{issuer}/jwks"),
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["ES256"],
            "userinfo_signing_alg_values_supported": ["ES256"],
            "id_token_encryption_alg_values_supported": ["ECDH-ES", "RSA-OAEP"],
            "id_token_encryption_enc_values_supported": ["A256GCM"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "authorization_response_iss_parameter_supported": true
        });
        let jwks = json!({ "keys": [Value::Object(public.as_ref().clone())] });
        let jwks_hits = Arc::new(AtomicUsize::new(0));
        let hits = jwks_hits.clone();
        let app = Router::new()
            .route(
                "/api/v2/.well-known/openid-configuration",
                get(move || async move { axum::Json(doc) }),
            )
            .route(
                "/api/v2/jwks",
                get(move || {
                    hits.fetch_add(1, Ordering::SeqCst);
                    let jwks = jwks.clone();
                    async move { ([("cache-control", "max-age=600")], axum::Json(jwks)) }
                }),
            );
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { issuer, jwks_hits }
    }

    /// JWKS requests served so far.
    pub fn jwks_hits(&self) -> usize {
        self.jwks_hits.load(Ordering::SeqCst)
    }

    /// An engine for this provider.
    pub fn engine(&self, platform: Platform, keys: Option<ServiceKeys>) -> FranceConnect {
        let mut builder = Config::builder(platform, Environment::Custom(Url::parse(&self.issuer).unwrap()))
            .client_id(CLIENT_ID)
            .client_secret("bench-secret")
            .redirect_uri("http://127.0.0.1:3000/auth/callback")
            .post_logout_redirect_uri("http://127.0.0.1:3000/auth/logout/callback");
        if let Some(keys) = keys {
            builder = builder.service_keys(keys);
        }
        FranceConnect::new(builder.build().unwrap())
    }
}

/// A compact ES256 JWS of `claims`, its header naming `kid`.
pub fn sign(key: &Jwk, kid: &str, claims: &Value) -> String {
    let mut h = JwsHeader::new();
    h.set_key_id(kid);
    let signer = josekit::jws::ES256.signer_from_jwk(key).unwrap();
    josekit::jws::serialize_compact(&serde_json::to_vec(claims).unwrap(), &h, &signer).unwrap()
}
