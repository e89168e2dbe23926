//! `franceconnect-mock`: runs a local FranceConnect / FranceConnect+ /
//! ProConnect provider with one registered client, for development.

use std::path::PathBuf;

use clap::Parser;
use franceconnect_mock::{Client, ClientKeys, Eidas, EncryptionAlg, MockError, MockProvider, Platform, SigningAlg};

/// The client secret used when none is given (a public development value).
const DEFAULT_SECRET: &str = "franceconnect-mock-secret";

/// A faithful local FranceConnect / FranceConnect+ / ProConnect OpenID
/// Connect provider for development and tests. Every flag can also be set
/// through the environment variable shown.
#[derive(Debug, Parser)]
#[command(name = "franceconnect-mock", version, about)]
struct Args {
    /// Platform to imitate: `fc` (FranceConnect, eidas1), `fcplus`
    /// (FranceConnect+, eidas2/eidas3, encrypted tokens) or `pc`, alias
    /// `proconnect` or `agentconnect` (ProConnect: public agents, acr from
    /// their identity provider, refresh tokens).
    #[arg(long, env = "MOCK_PLATFORM", default_value = "fc")]
    platform: Platform,

    /// Address to listen on.
    #[arg(long, env = "MOCK_BIND", default_value = "127.0.0.1:4000")]
    bind: String,

    /// Origin the issuer is built from when the mock is reached under
    /// another name than the bound address (e.g. `http://localhost:4000`).
    #[arg(long, env = "MOCK_PUBLIC_URL")]
    public_url: Option<String>,

    /// Client id of the registered service provider.
    #[arg(long, env = "MOCK_CLIENT_ID", default_value = "franceconnect-mock-client")]
    client_id: String,

    /// Client secret (client_secret_post).
    #[arg(long, env = "MOCK_CLIENT_SECRET", default_value = DEFAULT_SECRET)]
    client_secret: String,

    /// Registered callback URI (repeatable; comma-separated in the
    /// environment).
    #[arg(
        long = "redirect-uri",
        env = "MOCK_REDIRECT_URI",
        value_delimiter = ',',
        default_value = "http://localhost:3000/auth/callback"
    )]
    redirect_uris: Vec<String>,

    /// Registered post-logout redirect URI (repeatable; comma-separated in
    /// the environment).
    #[arg(
        long = "post-logout-redirect-uri",
        env = "MOCK_POST_LOGOUT_REDIRECT_URI",
        value_delimiter = ',',
        default_value = "http://localhost:3000/auth/logout/callback"
    )]
    post_logout_redirect_uris: Vec<String>,

    /// URL of the client's public JWKS (its encryption keys, and its
    /// signing keys for --token-endpoint-auth private_key_jwt): required on
    /// FranceConnect+ and with private_key_jwt.
    #[arg(long, env = "MOCK_CLIENT_JWKS_URI")]
    client_jwks_uri: Option<url::Url>,

    /// File holding the client's public encryption JWKS, instead of
    /// --client-jwks-uri.
    #[arg(long, env = "MOCK_CLIENT_JWKS_FILE", conflicts_with = "client_jwks_uri")]
    client_jwks_file: Option<PathBuf>,

    /// JWE key management algorithm of encrypted tokens: ECDH-ES, RSA-OAEP,
    /// or RSA-OAEP-256 (FranceConnect+ only). FranceConnect+ defaults to
    /// ECDH-ES; on FranceConnect, giving it turns token encryption on (a
    /// service registered for it).
    #[arg(long, env = "MOCK_ENCRYPTION_ALG")]
    encryption_alg: Option<EncryptionAlg>,

    /// How the client authenticates at the token endpoint:
    /// `client_secret_post`, or `private_key_jwt` (client assertions signed
    /// with a key of its JWKS).
    #[arg(long, env = "MOCK_TOKEN_ENDPOINT_AUTH", default_value = "client_secret_post")]
    token_endpoint_auth: String,

    /// Signature algorithm: ES256, or RS256 (FranceConnect and ProConnect).
    #[arg(long, env = "MOCK_SIGNING_ALG", default_value = "ES256")]
    signing_alg: SigningAlg,

    /// JSON file of identities replacing the embedded ones (on ProConnect:
    /// of agents).
    #[arg(long, visible_alias = "identities", env = "MOCK_IDENTITIES_FILE")]
    identities_file: Option<PathBuf>,

    /// Log in automatically as this identity (on ProConnect: this agent),
    /// skipping the login page.
    #[arg(long, env = "MOCK_AUTO_APPROVE")]
    auto_approve: Option<String>,

    /// eIDAS level reached by automatic logins (default: the requested one;
    /// on ProConnect, the acr the agent's identity provider answers,
    /// default: the agent's).
    #[arg(long, env = "MOCK_AUTO_APPROVE_LEVEL", requires = "auto_approve")]
    auto_approve_level: Option<Eidas>,

    /// ProConnect: automatic logins go through ProConnect's e-mail code
    /// (MFA), reaching eidas0-mfa/eidas1-mfa when the service requires it.
    #[arg(long, env = "MOCK_AGENT_MFA")]
    agent_mfa: bool,

    /// ProConnect: the client registered no userinfo signature, so userinfo
    /// answers plain JSON instead of a signed JWT.
    #[arg(long, env = "MOCK_USERINFO_UNSIGNED")]
    userinfo_unsigned: bool,

    /// ProConnect: the service is open to public agents only (users without
    /// the agent_public role get access_denied).
    #[arg(long, env = "MOCK_PUBLIC_ONLY")]
    public_only: bool,
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "franceconnect_mock=info".into()),
        )
        .init();
    if let Err(error) = run(Args::parse()).await {
        eprintln!("franceconnect-mock: {error}");
        std::process::exit(1);
    }
}

async fn run(args: Args) -> Result<(), MockError> {
    let mut client = Client::new(
        args.client_id.clone(),
        args.client_secret.clone(),
        args.redirect_uris[0].clone(),
        args.post_logout_redirect_uris.first().cloned().unwrap_or_default(),
    )
    .signing_alg(args.signing_alg);
    client.redirect_uris = args.redirect_uris.clone();
    client.post_logout_redirect_uris = args.post_logout_redirect_uris.clone();
    let keys = match (&args.client_jwks_uri, &args.client_jwks_file) {
        (Some(uri), _) => Some(ClientKeys::JwksUri(uri.clone())),
        (None, Some(path)) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| MockError::Config(format!("{}: {e}", path.display())))?;
            let jwks =
                serde_json::from_str(&text).map_err(|e| MockError::Config(format!("{}: {e}", path.display())))?;
            Some(ClientKeys::Inline(jwks))
        }
        (None, None) => None,
    };
    let encryption = match (args.platform, args.encryption_alg) {
        (Platform::FranceConnectPlus, alg) => Some(alg.unwrap_or(EncryptionAlg::EcdhEs)),
        (Platform::FranceConnect | Platform::ProConnect, alg) => alg,
    };
    let assertions = match args.token_endpoint_auth.as_str() {
        "client_secret_post" => false,
        "private_key_jwt" => true,
        other => {
            return Err(MockError::Config(format!(
                "--token-endpoint-auth: unknown method `{other}` (expected client_secret_post or private_key_jwt)"
            )));
        }
    };
    if (encryption.is_some() || assertions) && keys.is_none() {
        return Err(MockError::Config(
            "encrypted tokens (FranceConnect+, --encryption-alg) and private_key_jwt need the client's keys: \
             give --client-jwks-uri or --client-jwks-file"
                .into(),
        ));
    }
    if let (Some(alg), Some(keys)) = (encryption, &keys) {
        client = client.encryption(alg, keys.clone());
    }
    if let (true, Some(keys)) = (assertions, keys) {
        client = client.private_key_jwt(keys);
    }
    if args.userinfo_unsigned {
        client = client.userinfo_unsigned();
    }
    if args.public_only {
        client = client.public_only();
    }
    let proconnect = args.platform == Platform::ProConnect;

    let client_encryption = client.encryption.clone();
    let mut provider = MockProvider::new(args.platform).client(client).bind(args.bind);
    match &args.identities_file {
        Some(path) if proconnect => provider = provider.agents_file(path)?,
        Some(path) => provider = provider.identities_file(path)?,
        None => {}
    }
    if let Some(url) = args.public_url {
        provider = provider.public_base_url(url);
    }
    let mock = provider.start().await?;
    let people: Vec<String> = if proconnect {
        mock.agents().into_iter().map(|agent| agent.id).collect()
    } else {
        mock.identities().into_iter().map(|identity| identity.id).collect()
    };
    if let Some(identity) = &args.auto_approve {
        if !people.contains(identity) {
            return Err(MockError::Config(format!(
                "--auto-approve: unknown {} `{identity}`",
                if proconnect { "agent" } else { "identity" }
            )));
        }
        mock.auto_approve(Some(identity), args.auto_approve_level);
    }
    mock.set_agent_mfa(args.agent_mfa);

    let issuer = mock.issuer();
    println!(
        "{} mock provider listening on {}",
        args.platform.display_name(),
        mock.addr()
    );
    println!("  issuer:    {issuer}");
    println!("  discovery: {issuer}/.well-known/openid-configuration");
    let secret_note = if args.client_secret == DEFAULT_SECRET {
        format!("default secret `{DEFAULT_SECRET}`")
    } else {
        "secret from --client-secret / MOCK_CLIENT_SECRET".to_owned()
    };
    println!(
        "  client:    {} ({}, {secret_note})",
        args.client_id, args.token_endpoint_auth
    );
    println!("    signing:          {}", args.signing_alg.as_str());
    if let Some((alg, _)) = &client_encryption {
        println!("    encryption:       {} + A256GCM", alg.as_str());
    }
    for uri in &args.redirect_uris {
        println!("    redirect_uri:     {uri}");
    }
    for uri in &args.post_logout_redirect_uris {
        println!("    post_logout_uri:  {uri}");
    }
    if args.userinfo_unsigned {
        println!("    userinfo:         plain JSON (no userinfo signature registered)");
    }
    if args.public_only {
        println!("    public agents only");
    }
    if let Some(identity) = &args.auto_approve {
        let mfa = if args.agent_mfa {
            " with the e-mail code (MFA)"
        } else {
            ""
        };
        println!("  auto-approve as `{identity}`{mfa}");
    }
    println!(
        "  {}: {}",
        if proconnect { "agents" } else { "identities" },
        people.join(", ")
    );
    std::future::pending::<()>().await;
    Ok(())
}
