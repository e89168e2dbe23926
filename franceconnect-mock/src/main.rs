//! `franceconnect-mock`: runs a local FranceConnect / FranceConnect+ /
//! ProConnect provider with one registered client, for development; with
//! `--platforms`, several of them at once on one address, each under its
//! own issuer.

use std::path::PathBuf;

use clap::Parser;
use franceconnect_mock::{
    Agent, Client, ClientKeys, DataProvider, Eidas, EncryptionAlg, Identity, MockError, MockFederation, MockHandle,
    MockProvider, Platform, SigningAlg,
};

/// The client secret used when none is given (a public development value).
const DEFAULT_SECRET: &str = "franceconnect-mock-secret";

/// A faithful local FranceConnect / FranceConnect+ / ProConnect OpenID
/// Connect provider for development and tests. Every flag can also be set
/// through the environment variable shown.
///
/// Alone (`--platform`), the platform's issuer is `{origin}/api/v2`. With
/// `--platforms fc,fcplus,proconnect` the three are served together on the
/// one address, each under its short name: issuers `{origin}/fc/api/v2`,
/// `{origin}/fcplus/api/v2` and `{origin}/proconnect/api/v2`, each with its
/// own keys, sessions and scenarios, and the client below registered on
/// every one (encrypting on FranceConnect+).
#[derive(Debug, Parser)]
#[command(name = "franceconnect-mock", version, about, long_about)]
struct Args {
    /// Platform to imitate alone, issuer `{origin}/api/v2`: `fc`
    /// (FranceConnect, eidas1), `fcplus` (FranceConnect+, eidas2/eidas3,
    /// encrypted tokens) or `pc`, alias `proconnect` or `agentconnect`
    /// (ProConnect: public agents, acr from their identity provider,
    /// refresh tokens).
    #[arg(long, env = "MOCK_PLATFORM", default_value = "fc", conflicts_with = "platforms")]
    platform: Platform,

    /// Platforms to serve together on one address, comma-separated or
    /// repeated (e.g. `fc,fcplus,proconnect`), each under its short name:
    /// issuers `{origin}/fc/api/v2`, `{origin}/fcplus/api/v2`,
    /// `{origin}/proconnect/api/v2`. The client is registered on each;
    /// the ProConnect-only flags apply to ProConnect alone, and
    /// --encryption-alg to FranceConnect and FranceConnect+.
    #[arg(long, env = "MOCK_PLATFORMS", value_delimiter = ',')]
    platforms: Vec<Platform>,

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
    /// service registered for it). ProConnect never encrypts.
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

    /// JSON file of identities replacing the embedded ones (with
    /// --platform pc: of agents; with --platforms: FranceConnect's and
    /// FranceConnect+'s identities). Each person is of the French register
    /// (`gender`, `birthcountry`; optionally `idp_spelling`,
    /// `identity_provider`) or a European citizen (`"eidas": true`, no
    /// `birthcountry` nor `email`); see the `Identity` docs.
    #[arg(long, visible_alias = "identities", env = "MOCK_IDENTITIES_FILE")]
    identities_file: Option<PathBuf>,

    /// JSON file of ProConnect agents replacing the embedded ones.
    #[arg(long, visible_alias = "agents", env = "MOCK_AGENTS_FILE")]
    agents_file: Option<PathBuf>,

    /// Log in automatically as this identity (on ProConnect: this agent),
    /// skipping the login page. With --platforms, on every platform that
    /// knows this person; repeat it for the others (e.g. `--auto-approve
    /// default --auto-approve agent-etat`).
    #[arg(long, env = "MOCK_AUTO_APPROVE")]
    auto_approve: Vec<String>,

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

    /// Registers an API that checks the service's access tokens, under this
    /// client id: a data provider on FranceConnect and FranceConnect+
    /// (`POST /checktoken`), a resource server on ProConnect (`POST
    /// /token/introspection`).
    #[arg(long, env = "MOCK_DATA_PROVIDER_ID")]
    data_provider_id: Option<String>,

    /// The API's client secret.
    #[arg(
        long,
        env = "MOCK_DATA_PROVIDER_SECRET",
        default_value = "franceconnect-mock-data-provider-secret",
        requires = "data_provider_id"
    )]
    data_provider_secret: String,

    /// FranceConnect and FranceConnect+: the URL of the API's public
    /// encryption keys (`use: enc` and `alg`), to which the checktoken
    /// answers are encrypted (e.g. the resource-server example's
    /// `http://127.0.0.1:3001/.well-known/jwks.json`). Required there.
    #[arg(long, env = "MOCK_DATA_PROVIDER_JWKS_URI", requires = "data_provider_id")]
    data_provider_jwks_uri: Option<url::Url>,

    /// FranceConnect and FranceConnect+: the checktoken answers' key
    /// management: ECDH-ES, RSA-OAEP or RSA-OAEP-256.
    #[arg(long, env = "MOCK_DATA_PROVIDER_ENCRYPTION_ALG", default_value = "ECDH-ES")]
    data_provider_encryption_alg: EncryptionAlg,

    /// FranceConnect and FranceConnect+: the scopes the API serves, the
    /// only ones a checktoken answer names (comma-separated).
    #[arg(long, env = "MOCK_DATA_PROVIDER_SCOPES", value_delimiter = ',')]
    data_provider_scopes: Vec<String>,
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
    let assertions = match args.token_endpoint_auth.as_str() {
        "client_secret_post" => false,
        "private_key_jwt" => true,
        other => {
            return Err(MockError::Config(format!(
                "--token-endpoint-auth: unknown method `{other}` (expected client_secret_post or private_key_jwt)"
            )));
        }
    };
    let served = Served::new(&args);
    let clients = served
        .platforms
        .iter()
        .map(|&platform| client_for(&args, platform, keys.as_ref(), assertions, served.together))
        .collect::<Result<Vec<_>, _>>()?;
    let people = People::load(&args, &served)?;
    let mut providers = Vec::new();
    for (&platform, client) in served.platforms.iter().zip(clients) {
        // A server others develop against publishes the platform's keys,
        // RS256 included, whatever its client signs with.
        let mut provider = MockProvider::new(platform).client(client).all_signing_keys(true);
        if let Some(api) = data_provider_for(&args, platform)? {
            provider = provider.data_provider(api);
        }
        if let Some(identities) = people.identities.as_ref().filter(|_| platform != Platform::ProConnect) {
            provider = provider.identities(identities.clone());
        }
        if let Some(agents) = people.agents.as_ref().filter(|_| platform == Platform::ProConnect) {
            provider = provider.agents(agents.clone());
        }
        providers.push(provider);
    }
    if served.together {
        let mut federation = MockFederation::new().bind(&args.bind);
        for provider in providers {
            federation = federation.platform(provider);
        }
        if let Some(url) = &args.public_url {
            federation = federation.public_base_url(url);
        }
        let mock = federation.start().await?;
        let auto = auto_approve(&args, mock.handles(), true)?;
        print_federation(&args, mock.handles(), &auto);
        std::future::pending::<()>().await;
    } else {
        let mut provider = providers.remove(0).bind(&args.bind);
        if let Some(url) = &args.public_url {
            provider = provider.public_base_url(url);
        }
        let mock = provider.start().await?;
        auto_approve(&args, std::slice::from_ref(&mock), false)?;
        print_alone(&args, &mock);
        std::future::pending::<()>().await;
    }
    Ok(())
}

/// The command line's API as registered on `platform`: a data provider
/// encrypting to its `jwks_uri` on FranceConnect and FranceConnect+, a
/// resource server on ProConnect.
fn data_provider_for(args: &Args, platform: Platform) -> Result<Option<DataProvider>, MockError> {
    let Some(id) = &args.data_provider_id else {
        return Ok(None);
    };
    let api =
        DataProvider::new(id.clone(), args.data_provider_secret.clone()).scopes(args.data_provider_scopes.clone());
    if platform == Platform::ProConnect {
        return Ok(Some(api));
    }
    let uri = args.data_provider_jwks_uri.clone().ok_or_else(|| {
        MockError::Config(
            "--data-provider-id on FranceConnect and FranceConnect+ needs --data-provider-jwks-uri (the API's public \
             encryption keys)"
                .into(),
        )
    })?;
    Ok(Some(api.encryption(
        args.data_provider_encryption_alg,
        ClientKeys::JwksUri(uri),
    )))
}

/// The platforms the command line asks for, and whether together (under
/// their prefixes) or one alone (at the origin's root, as always).
struct Served {
    platforms: Vec<Platform>,
    together: bool,
}

impl Served {
    fn new(args: &Args) -> Self {
        if args.platforms.is_empty() {
            Served {
                platforms: vec![args.platform],
                together: false,
            }
        } else {
            let mut platforms = Vec::new();
            // `--platforms fc,fc` means FranceConnect once, not a refusal.
            for platform in &args.platforms {
                if !platforms.contains(platform) {
                    platforms.push(*platform);
                }
            }
            Served {
                platforms,
                together: true,
            }
        }
    }

    fn serves(&self, wanted: impl Fn(Platform) -> bool) -> bool {
        self.platforms.iter().any(|platform| wanted(*platform))
    }
}

/// The identities and agents files, read once for every platform that
/// uses them.
struct People {
    /// FranceConnect's and FranceConnect+'s people.
    identities: Option<Vec<Identity>>,
    /// ProConnect's agents.
    agents: Option<Vec<Agent>>,
}

impl People {
    fn load(args: &Args, served: &Served) -> Result<Self, MockError> {
        let proconnect = served.serves(|platform| platform == Platform::ProConnect);
        let franceconnect = served.serves(|platform| platform != Platform::ProConnect);
        // Alone as ProConnect, --identities-file has always named the agents.
        let (identities_file, agents_file) = match (&args.identities_file, &args.agents_file) {
            (Some(_), Some(_)) if !served.together && proconnect => {
                return Err(MockError::Config(
                    "--identities-file and --agents-file: ProConnect has agents only, give one of them".into(),
                ));
            }
            (Some(path), None) if !served.together && proconnect => (None, Some(path)),
            (identities, agents) => (identities.as_ref(), agents.as_ref()),
        };
        if identities_file.is_some() && !franceconnect {
            return Err(MockError::Config(
                "--identities-file: neither FranceConnect nor FranceConnect+ is served (ProConnect's agents are --agents-file)".into(),
            ));
        }
        if agents_file.is_some() && !proconnect {
            return Err(MockError::Config("--agents-file: ProConnect is not served".into()));
        }
        Ok(People {
            identities: identities_file.map(Identity::load_file).transpose()?,
            agents: agents_file.map(Agent::load_file).transpose()?,
        })
    }
}

/// The command line's client as registered on `platform`. Alone, every
/// flag is given as is and the platform's check refuses what it does not
/// take; served `together`, each platform gets the flags that are its own
/// (ProConnect encrypts nothing, and its registrations are its alone), so
/// that one command line can register the client on all of them.
fn client_for(
    args: &Args,
    platform: Platform,
    keys: Option<&ClientKeys>,
    assertions: bool,
    together: bool,
) -> Result<Client, MockError> {
    let mut client = Client::new(
        args.client_id.clone(),
        args.client_secret.clone(),
        args.redirect_uris[0].clone(),
        args.post_logout_redirect_uris.first().cloned().unwrap_or_default(),
    )
    .signing_alg(args.signing_alg);
    client.redirect_uris = args.redirect_uris.clone();
    client.post_logout_redirect_uris = args.post_logout_redirect_uris.clone();
    let encryption = encryption_of(args, platform, together);
    if (encryption.is_some() || assertions) && keys.is_none() {
        return Err(MockError::Config(
            "encrypted tokens (FranceConnect+, --encryption-alg) and private_key_jwt need the client's keys: \
             give --client-jwks-uri or --client-jwks-file"
                .into(),
        ));
    }
    if let (Some(alg), Some(keys)) = (encryption, keys) {
        client = client.encryption(alg, keys.clone());
    }
    if let (true, Some(keys)) = (assertions, keys) {
        client = client.private_key_jwt(keys.clone());
    }
    let proconnect_registration = !together || platform == Platform::ProConnect;
    if args.userinfo_unsigned && proconnect_registration {
        client = client.userinfo_unsigned();
    }
    if args.public_only && proconnect_registration {
        client = client.public_only();
    }
    Ok(client)
}

/// The ids of the people who can log in on `mock`'s platform.
fn people_of(mock: &MockHandle) -> Vec<String> {
    if mock.platform() == Platform::ProConnect {
        mock.agents().into_iter().map(|agent| agent.id).collect()
    } else {
        mock.identities().into_iter().map(|identity| identity.id).collect()
    }
}

/// Turns on the automatic logins of `--auto-approve`: each person on every
/// platform served that knows them (identities and agents have distinct
/// ids, so one command line can name a person for each platform). Sets
/// `--agent-mfa` too. Returns who logs in automatically where.
fn auto_approve(args: &Args, mocks: &[MockHandle], together: bool) -> Result<Vec<(Platform, String)>, MockError> {
    let mut chosen: Vec<(Platform, String)> = Vec::new();
    for person in &args.auto_approve {
        let knowing: Vec<&MockHandle> = mocks.iter().filter(|mock| people_of(mock).contains(person)).collect();
        if knowing.is_empty() {
            return Err(MockError::Config(match mocks {
                [mock] if !together => format!(
                    "--auto-approve: unknown {} `{person}`",
                    if mock.platform() == Platform::ProConnect {
                        "agent"
                    } else {
                        "identity"
                    }
                ),
                _ => format!("--auto-approve: no platform served knows `{person}`"),
            }));
        }
        for mock in knowing {
            if let Some((_, other)) = chosen.iter().find(|(platform, _)| *platform == mock.platform()) {
                return Err(MockError::Config(format!(
                    "--auto-approve: `{other}` and `{person}` both log in on {}",
                    mock.platform().display_name()
                )));
            }
            chosen.push((mock.platform(), person.clone()));
        }
    }
    for mock in mocks {
        if let Some((_, person)) = chosen.iter().find(|(platform, _)| *platform == mock.platform()) {
            mock.auto_approve(Some(person), args.auto_approve_level);
        }
        mock.set_agent_mfa(args.agent_mfa);
    }
    Ok(chosen)
}

/// How the client authenticates, as printed.
fn secret_note(args: &Args) -> String {
    if args.client_secret == DEFAULT_SECRET {
        format!("default secret `{DEFAULT_SECRET}`")
    } else {
        "secret from --client-secret / MOCK_CLIENT_SECRET".to_owned()
    }
}

/// Prints what a lone platform serves.
fn print_alone(args: &Args, mock: &MockHandle) {
    let proconnect = mock.platform() == Platform::ProConnect;
    let issuer = mock.issuer();
    println!(
        "{} mock provider listening on {}",
        mock.platform().display_name(),
        mock.addr()
    );
    println!("  issuer:    {issuer}");
    println!("  discovery: {issuer}/.well-known/openid-configuration");
    println!(
        "  client:    {} ({}, {})",
        args.client_id,
        args.token_endpoint_auth,
        secret_note(args)
    );
    println!("    signing:          {}", args.signing_alg.as_str());
    if let Some(alg) = encryption_of(args, mock.platform(), false) {
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
    if let Some(id) = &args.data_provider_id {
        if proconnect {
            println!("  resource server: {id}, introspection at {issuer}/token/introspection");
        } else {
            println!("  data provider: {id}, checktoken at {issuer}/checktoken");
        }
    }
    if let Some(identity) = args.auto_approve.first() {
        println!("  auto-approve as `{identity}`{}", mfa_note(args));
    }
    println!(
        "  {}: {}",
        if proconnect { "agents" } else { "identities" },
        people_of(mock).join(", ")
    );
}

/// Prints what a federation serves: each platform's issuer, then the
/// client registered on all of them.
fn print_federation(args: &Args, mocks: &[MockHandle], auto: &[(Platform, String)]) {
    let names: Vec<&str> = mocks.iter().map(|mock| mock.platform().display_name()).collect();
    let addr = mocks.first().map(MockHandle::addr);
    if let Some(addr) = addr {
        println!("Mock {} listening on {addr}", names.join(" + "));
    }
    for mock in mocks {
        let platform = mock.platform();
        let issuer = mock.issuer();
        println!("  {}", platform.display_name());
        println!("    issuer:    {issuer}");
        println!("    discovery: {issuer}/.well-known/openid-configuration");
        if let Some(alg) = encryption_of(args, platform, true) {
            println!("    encryption: {} + A256GCM", alg.as_str());
        }
        if platform == Platform::ProConnect && args.userinfo_unsigned {
            println!("    userinfo:   plain JSON (no userinfo signature registered)");
        }
        if platform == Platform::ProConnect && args.public_only {
            println!("    public agents only");
        }
        if let Some((_, person)) = auto.iter().find(|(p, _)| *p == platform) {
            // The e-mail code is ProConnect's step.
            let mfa = if platform == Platform::ProConnect {
                mfa_note(args)
            } else {
                ""
            };
            println!("    auto-approve as `{person}`{mfa}");
        }
        println!(
            "    {}: {}",
            if platform == Platform::ProConnect {
                "agents"
            } else {
                "identities"
            },
            people_of(mock).join(", ")
        );
    }
    println!(
        "  client on each: {} ({}, {})",
        args.client_id,
        args.token_endpoint_auth,
        secret_note(args)
    );
    println!("    signing:          {}", args.signing_alg.as_str());
    for uri in &args.redirect_uris {
        println!("    redirect_uri:     {uri}");
    }
    for uri in &args.post_logout_redirect_uris {
        println!("    post_logout_uri:  {uri}");
    }
}

/// The encryption of the client on `platform`: always on FranceConnect+,
/// on FranceConnect when --encryption-alg asks for it; on ProConnect too
/// when alone (which its check refuses), never when served together.
fn encryption_of(args: &Args, platform: Platform, together: bool) -> Option<EncryptionAlg> {
    match (platform, args.encryption_alg) {
        (Platform::FranceConnectPlus, alg) => Some(alg.unwrap_or(EncryptionAlg::EcdhEs)),
        (Platform::ProConnect, _) if together => None,
        (Platform::FranceConnect | Platform::ProConnect, alg) => alg,
    }
}

/// What `--agent-mfa` adds to an automatic login's line.
fn mfa_note(args: &Args) -> &'static str {
    if args.agent_mfa {
        " with the e-mail code (MFA)"
    } else {
        ""
    }
}
