//! `franceconnect`: the command line. Parsing only: the work is in the
//! library (`franceconnect_cli::keys`, `franceconnect_cli::doctor`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use franceconnect_cli::doctor::Doctor;
use franceconnect_cli::keys::{self, KeySpec, parse_encryption_alg, parse_signing_alg};
use franceconnect_tower::{EncryptionAlg, SigningAlg};

/// The operator's command for FranceConnect, FranceConnect+ and ProConnect
/// services: the service's keys, and a check of the deployment.
#[derive(Parser)]
#[command(name = "franceconnect", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The service's private key file (FC_KEYS_FILE): generate, rotate, publish.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Checks the deployment configured by the application's variables
    /// (FC_*, APP_URL) against its provider, line by line; exits 0 only
    /// when everything required holds.
    Doctor {
        /// Prints the findings as JSON.
        #[arg(long)]
        json: bool,
        /// Checks an API's side instead: a FranceConnect data provider or a
        /// ProConnect resource server (FC_PLATFORM, FC_ISSUER or FC_ENV,
        /// FC_CLIENT_ID, FC_CLIENT_SECRET, FC_KEYS_FILE).
        #[arg(long)]
        resource_server: bool,
    },
}

#[derive(Args)]
struct KeyFile {
    /// The private key file.
    #[arg(long, env = "FC_KEYS_FILE")]
    file: PathBuf,
}

/// The one key `keys add` generates: `--enc` or `--sig`.
#[derive(Args)]
#[group(required = true, multiple = false)]
struct NewKey {
    /// An encryption key: ecdh-es, rsa-oaep or rsa-oaep-256.
    #[arg(long = "enc", value_parser = parse_encryption_alg)]
    encryption: Option<EncryptionAlg>,
    /// A signing key for private_key_jwt: es256 or rs256.
    #[arg(long = "sig", value_parser = parse_signing_alg)]
    signing: Option<SigningAlg>,
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Writes a new key file (mode 600): an ECDH-ES encryption key unless
    /// told otherwise.
    Generate {
        #[command(flatten)]
        file: KeyFile,
        /// An encryption key: ecdh-es, rsa-oaep or rsa-oaep-256 (repeatable).
        #[arg(long = "enc", value_parser = parse_encryption_alg)]
        encryption: Vec<EncryptionAlg>,
        /// A signing key for private_key_jwt: es256 or rs256 (repeatable).
        #[arg(long = "sig", value_parser = parse_signing_alg)]
        signing: Vec<SigningAlg>,
        /// Replaces an existing file (its keys are lost).
        #[arg(long)]
        force: bool,
    },
    /// Adds a new key beside the others: the first step of a rotation.
    Add {
        #[command(flatten)]
        file: KeyFile,
        #[command(flatten)]
        key: NewKey,
    },
    /// Removes the key KID: the last step of a rotation, once the provider
    /// has fetched the JWKS with its successor.
    Retire {
        /// The kid of the key to remove.
        kid: String,
        #[command(flatten)]
        file: KeyFile,
    },
    /// Prints the public JWK set, as the application serves it at /auth/jwks.
    Jwks {
        #[command(flatten)]
        file: KeyFile,
    },
}

/// `println!` that never panics: a reader that went away (`franceconnect
/// doctor | head`) just ends the output, which `println!` would turn into a
/// panic on the broken pipe.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Keys(command) => match run_keys(command) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Doctor { json, resource_server } => {
            let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(runtime) => runtime,
                Err(e) => {
                    eprintln!("error: cannot start the async runtime: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let doctor = Doctor::from_env();
            let report = if resource_server {
                runtime.block_on(doctor.run_resource_server())
            } else {
                runtime.block_on(doctor.run())
            };
            if json {
                say!("{:#}", report.to_json());
            } else {
                say!("{report}");
            }
            ExitCode::from(report.exit_code())
        }
    }
}

fn run_keys(command: KeysCommand) -> Result<(), keys::KeysError> {
    match command {
        KeysCommand::Generate {
            file,
            encryption,
            signing,
            force,
        } => {
            let mut specs: Vec<KeySpec> = encryption.into_iter().map(KeySpec::Encryption).collect();
            specs.extend(signing.into_iter().map(KeySpec::Signing));
            if specs.is_empty() {
                specs.push(KeySpec::Encryption(EncryptionAlg::EcdhEs));
            }
            let generated = keys::generate(&file.file, &specs, force)?;
            say!("wrote {} (mode 600):", file.file.display());
            for line in keys::describe(&generated) {
                say!("  {line}");
            }
        }
        KeysCommand::Add { file, key } => {
            // clap lets exactly one through.
            let spec = match (key.encryption, key.signing) {
                (Some(alg), _) => KeySpec::Encryption(alg),
                (None, Some(alg)) => KeySpec::Signing(alg),
                (None, None) => KeySpec::Encryption(EncryptionAlg::EcdhEs),
            };
            let (all, kid) = keys::add(&file.file, spec)?;
            say!("added {kid} to {}, which now holds:", file.file.display());
            for line in keys::describe(&all) {
                say!("  {line}");
            }
            say!(
                "next: restart the application (it then publishes both at /auth/jwks), wait for the provider to \
                 fetch the JWKS again, then `franceconnect keys retire OLD_KID`"
            );
        }
        KeysCommand::Retire { kid, file } => {
            let rest = keys::retire(&file.file, &kid)?;
            say!("retired {kid} from {}, which now holds:", file.file.display());
            for line in keys::describe(&rest) {
                say!("  {line}");
            }
            say!("next: restart the application, so that /auth/jwks no longer publishes it");
        }
        KeysCommand::Jwks { file } => {
            say!("{:#}", keys::public_jwks(&file.file)?);
        }
    }
    Ok(())
}
