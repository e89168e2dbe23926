//! `franceconnect keys`: the file is private (mode 600) and never
//! overwritten unasked; the rotation is add, then retire; what is published
//! has no private part; the result loads with `ServiceKeys` and `Config`.

mod support;

use std::process::Command;

use franceconnect_cli::keys::{self, KeySpec, KeysError};
use franceconnect_tower::{Config, EncryptionAlg, Platform, ServiceKeys, SigningAlg};
use serde_json::Value;
use support::{path_str, temp_dir};

const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

fn kids(keys: &ServiceKeys) -> Vec<String> {
    keys.kids().map(str::to_owned).collect()
}

fn published_kids(jwks: &Value) -> Vec<String> {
    jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect()
}

fn assert_public_only(jwks: &Value) {
    for key in jwks["keys"].as_array().unwrap() {
        for member in PRIVATE_MEMBERS {
            assert!(key.get(member).is_none(), "`{member}` published: {key}");
        }
        assert!(
            key["kid"].is_string() && key["alg"].is_string() && key["use"].is_string(),
            "{key}"
        );
    }
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// The file generated is its owner's alone, holds one key per kind asked
/// with its `kid`, `use` and `alg`, loads in the engine, and is never
/// overwritten unless `--force`.
#[test]
fn generate_writes_a_private_file_and_never_overwrites_it_unasked() {
    let dir = temp_dir("generate");
    let path = dir.join("fc-keys.json");
    let keys = keys::generate(
        &path,
        &[
            KeySpec::Encryption(EncryptionAlg::EcdhEs),
            KeySpec::Encryption(EncryptionAlg::RsaOaep256),
            KeySpec::Signing(SigningAlg::Es256),
        ],
        false,
    )
    .unwrap();
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    let loaded = ServiceKeys::from_file(&path).unwrap();
    assert_eq!(kids(&loaded), kids(&keys));
    assert_eq!(loaded.algorithms(), [EncryptionAlg::EcdhEs, EncryptionAlg::RsaOaep256]);
    assert_eq!(loaded.signing_algorithms(), [SigningAlg::Es256]);
    let private: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let uses: Vec<(&str, &str)> = private["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k["use"].as_str().unwrap(), k["alg"].as_str().unwrap()))
        .collect();
    assert_eq!(uses, [("enc", "ECDH-ES"), ("enc", "RSA-OAEP-256"), ("sig", "ES256")]);
    // RSA keys are 3072 bits.
    let n = private["keys"][1]["n"].as_str().unwrap();
    assert_eq!(
        n.len(),
        512,
        "a 3072-bit modulus is 384 bytes, 512 base64url characters"
    );

    // The application's loader takes it, FranceConnect+ and private_key_jwt.
    let config = Config::from_lookup(|name| {
        match name {
            "FC_PLATFORM" => Some("fcplus"),
            "FC_CLIENT_ID" => Some("id"),
            "FC_CLIENT_SECRET" => Some("secret"),
            "FC_TOKEN_ENDPOINT_AUTH" => Some("private_key_jwt"),
            "FC_KEYS_FILE" => path.to_str(),
            _ => None,
        }
        .map(str::to_owned)
    })
    .unwrap();
    assert_eq!(config.platform(), Platform::FranceConnectPlus);
    assert_eq!(kids(config.service_keys().unwrap()), kids(&keys));

    // Never over an existing file, unless asked.
    let before = std::fs::read_to_string(&path).unwrap();
    let e = keys::generate(&path, &[KeySpec::Encryption(EncryptionAlg::EcdhEs)], false).unwrap_err();
    assert!(matches!(e, KeysError::Exists(_)), "{e}");
    assert!(e.to_string().contains("refusing to overwrite"), "{e}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    let replaced = keys::generate(&path, &[KeySpec::Encryption(EncryptionAlg::EcdhEs)], true).unwrap();
    assert_eq!(kids(&ServiceKeys::from_file(&path).unwrap()), kids(&replaced));
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    // Nothing left beside it.
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    std::fs::remove_dir_all(dir).unwrap();
}

/// The README's rotation: add a key beside the old one, then retire the
/// old one; the JWKS lists the right kids at each step, public parts only.
#[test]
fn a_rotation_adds_then_retires_and_the_jwks_follows() {
    let dir = temp_dir("rotation");
    let path = dir.join("fc-keys.json");
    let first = keys::generate(
        &path,
        &[
            KeySpec::Encryption(EncryptionAlg::EcdhEs),
            KeySpec::Signing(SigningAlg::Es256),
        ],
        false,
    )
    .unwrap();
    let [old_enc, old_sig] = <[String; 2]>::try_from(kids(&first)).unwrap();

    let (after_add, new_enc) = keys::add(&path, KeySpec::Encryption(EncryptionAlg::EcdhEs)).unwrap();
    assert!(new_enc.starts_with("enc-"), "{new_enc}");
    assert_eq!(kids(&after_add), [old_enc.clone(), new_enc.clone(), old_sig.clone()]);
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    let jwks = keys::public_jwks(&path).unwrap();
    assert_eq!(
        published_kids(&jwks),
        [old_enc.as_str(), new_enc.as_str(), old_sig.as_str()]
    );
    assert_public_only(&jwks);

    let (_, new_sig) = keys::add(&path, KeySpec::Signing(SigningAlg::Rs256)).unwrap();
    assert!(new_sig.starts_with("sig-"));

    let rest = keys::retire(&path, &old_enc).unwrap();
    assert_eq!(kids(&rest), [new_enc.clone(), old_sig.clone(), new_sig.clone()]);
    keys::retire(&path, &old_sig).unwrap();
    let jwks = keys::public_jwks(&path).unwrap();
    assert_eq!(published_kids(&jwks), [new_enc.as_str(), new_sig.as_str()]);
    assert_public_only(&jwks);
    // The file the engine reads back is the JWKS's private side.
    let loaded = ServiceKeys::from_file(&path).unwrap();
    assert_eq!(loaded.public_jwks(), jwks);
    assert_eq!(loaded.signing_algorithms(), [SigningAlg::Rs256]);

    // The last key of each use stays, and the message says why.
    let e = keys::retire(&path, &new_enc).unwrap_err();
    assert!(matches!(e, KeysError::LastEncryptionKey(_)), "{e}");
    assert!(e.to_string().contains("last encryption key"), "{e}");
    assert!(
        e.to_string().contains("encrypts every ID token and userinfo to it"),
        "{e}"
    );
    let e = keys::retire(&path, &new_sig).unwrap_err();
    assert!(matches!(e, KeysError::LastSigningKey(_)), "{e}");
    let e = keys::retire(&path, "enc-nowhere").unwrap_err();
    assert!(
        e.to_string().contains("no service key has the kid `enc-nowhere`"),
        "{e}"
    );
    assert_eq!(kids(&ServiceKeys::from_file(&path).unwrap()), [new_enc, new_sig]);
    std::fs::remove_dir_all(dir).unwrap();
}

/// `keys add` on a file that is not a key set changes nothing.
#[test]
fn add_to_a_broken_file_changes_nothing() {
    let dir = temp_dir("broken");
    let path = dir.join("fc-keys.json");
    std::fs::write(&path, "{\"keys\":\"nope\"}").unwrap();
    let e = keys::add(&path, KeySpec::Encryption(EncryptionAlg::EcdhEs)).unwrap_err();
    assert!(e.to_string().contains("no `keys` array"), "{e}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"keys\":\"nope\"}");
    let e = keys::add(&dir.join("absent.json"), KeySpec::Encryption(EncryptionAlg::EcdhEs)).unwrap_err();
    assert!(e.to_string().contains("cannot read the service keys"), "{e}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// The binary: generate (mode 600), refuse to overwrite, add, retire,
/// jwks; `--file` falls back to FC_KEYS_FILE.
#[test]
fn the_binary_runs_the_rotation() {
    let dir = temp_dir("binary");
    let path = dir.join("fc-keys.json");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_franceconnect"))
            .args(args)
            .env_clear()
            .env("FC_KEYS_FILE", path_str(&path))
            .output()
            .unwrap()
    };
    let out = run(&["keys", "generate", "--enc", "ecdh-es", "--sig", "es256"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with(&format!("wrote {} (mode 600):", path.display())),
        "{stdout}"
    );
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    let old = kids(&ServiceKeys::from_file(&path).unwrap());

    let out = run(&["keys", "generate"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists: refusing to overwrite"));
    assert_eq!(kids(&ServiceKeys::from_file(&path).unwrap()), old);

    let out = run(&["keys", "generate", "--sig", "hs256"]);
    assert_eq!(out.status.code(), Some(2), "clap refuses the value");
    assert!(String::from_utf8_lossy(&out.stderr).contains("never HS256"));

    let out = run(&["keys", "add"]);
    assert_eq!(out.status.code(), Some(2), "one of --enc and --sig is required");
    let out = run(&["keys", "add", "--enc", "ecdh-es", "--sig", "es256"]);
    assert_eq!(out.status.code(), Some(2), "one key at a time");
    assert_eq!(kids(&ServiceKeys::from_file(&path).unwrap()), old);

    let out = run(&["keys", "add", "--enc", "ecdh-es"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("then `franceconnect keys retire OLD_KID`"), "{stdout}");
    let out = run(&["keys", "retire", &old[0]]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let out = run(&["keys", "jwks"]);
    assert!(out.status.success());
    let jwks: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_public_only(&jwks);
    let now = kids(&ServiceKeys::from_file(&path).unwrap());
    assert_eq!(published_kids(&jwks), now);
    assert_eq!(now.len(), 2);
    assert!(!now.contains(&old[0]) && now.contains(&old[1]));

    let only_enc = now.iter().find(|k| k.starts_with("enc-")).unwrap();
    let out = run(&["keys", "retire", only_enc]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("last encryption key"));
    std::fs::remove_dir_all(dir).unwrap();
}
