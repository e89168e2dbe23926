//! `franceconnect keys`: the file is private (mode 600) and never
//! overwritten unasked; the rotation is add, then retire; what is published
//! has no private part; the result loads with `ServiceKeys` and `Config`;
//! run as root in a directory the application's account can write, the
//! commands never follow, nor give away, what that account puts there.

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

#[cfg(unix)]
fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A file's owner, group, mode and content: what a file of root's must
/// keep whatever the commands are made to do.
#[cfg(unix)]
fn snapshot(path: &std::path::Path) -> (u32, u32, u32, String) {
    use std::os::unix::fs::MetadataExt as _;
    let m = std::fs::metadata(path).unwrap();
    (
        m.uid(),
        m.gid(),
        m.mode() & 0o7777,
        std::fs::read_to_string(path).unwrap(),
    )
}

/// Whether the tests run as root (CI does): only root can give a file to
/// another owner, so the owner checks are made then.
#[cfg(unix)]
fn as_root(dir: &std::path::Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata(dir).unwrap().uid() == 0
}

#[cfg(unix)]
const ECDH_ES: KeySpec = KeySpec::Encryption(EncryptionAlg::EcdhEs);

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

/// A key file that is a symbolic link (the application's account, which
/// may write the directory, pointing it at a file of root's) is refused by
/// every command that writes, named with the reason, before anything is
/// read through it; neither the link nor its target changes, and a
/// dangling link gets no target created. Only `keys jwks`, which prints
/// public members, reads through a link.
#[cfg(unix)]
#[test]
fn a_symlinked_key_file_is_refused_and_its_target_left_alone() {
    let dir = temp_dir("symlink");
    let elsewhere = temp_dir("symlink-victim");
    // A key set too, so that only the refusal can stop the commands.
    let victim = elsewhere.join("other-keys.json");
    let victim_keys = keys::generate(&victim, &[ECDH_ES, KeySpec::Signing(SigningAlg::Es256)], false).unwrap();
    set_mode(&victim, 0o600);
    let before = snapshot(&victim);
    let path = dir.join("fc-keys.json");
    std::os::unix::fs::symlink(&victim, &path).unwrap();
    let refused = |e: KeysError| {
        assert!(matches!(e, KeysError::Symlink(_)), "{e}");
        let expected = format!("refusing to use {}: it is a symbolic link", path.display());
        assert!(e.to_string().starts_with(&expected), "{e}");
    };

    refused(keys::add(&path, ECDH_ES).unwrap_err());
    refused(keys::retire(&path, &kids(&victim_keys)[0]).unwrap_err());
    refused(keys::generate(&path, &[ECDH_ES], true).unwrap_err());
    refused(keys::generate(&path, &[ECDH_ES], false).unwrap_err());
    assert_eq!(snapshot(&victim), before);
    assert_eq!(std::fs::read_link(&path).unwrap(), victim);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "nothing left beside it");

    let out = Command::new(env!("CARGO_BIN_EXE_franceconnect"))
        .args(["keys", "add", "--enc", "ecdh-es", "--file", &path_str(&path)])
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(&format!(
            "error: refusing to use {}: it is a symbolic link",
            path.display()
        )),
        "{stderr}"
    );
    assert_eq!(snapshot(&victim), before);
    assert_eq!(std::fs::read_link(&path).unwrap(), victim);
    assert_eq!(published_kids(&keys::public_jwks(&path).unwrap()), kids(&victim_keys));

    // A dangling link: creating the key file through it would create its
    // target, wherever it points.
    let absent = elsewhere.join("absent.json");
    std::fs::remove_file(&path).unwrap();
    std::os::unix::fs::symlink(&absent, &path).unwrap();
    refused(keys::generate(&path, &[ECDH_ES], false).unwrap_err());
    refused(keys::generate(&path, &[ECDH_ES], true).unwrap_err());
    refused(keys::add(&path, ECDH_ES).unwrap_err());
    assert!(
        std::fs::symlink_metadata(&absent).is_err(),
        "{} was created",
        absent.display()
    );
    assert_eq!(snapshot(&victim), before);
    std::fs::remove_dir_all(dir).unwrap();
    std::fs::remove_dir_all(elsewhere).unwrap();
}

/// The finding itself: while `keys add` runs on a file of the
/// application's (its owner's and group's, mode 640; owned by another uid
/// when the tests run as root), a thread standing for the application's
/// account swaps every new file it sees beside the key file for a symbolic
/// link to a file of root's. The new file's owner and mode are set through
/// the file the command created, so the victim keeps its own, round after
/// round (a `chown` and `chmod` by path gave it away in the first round);
/// a swap seen before the rename is refused ([`KeysError::Swapped`]); a
/// replacement that went through has the old file's owner and mode.
#[cfg(unix)]
#[test]
fn a_new_file_swapped_for_a_symlink_while_written_passes_nothing_on() {
    use std::os::unix::fs::MetadataExt as _;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    let dir = temp_dir("swap");
    let elsewhere = temp_dir("swap-victim");
    let victim = elsewhere.join("shadow");
    std::fs::write(&victim, "root's secret").unwrap();
    set_mode(&victim, 0o600);
    let before = snapshot(&victim);
    let path = dir.join("fc-keys.json");
    let owner = if as_root(&dir) { Some((4242, 4243)) } else { None };

    let stop = Arc::new(AtomicBool::new(false));
    let swaps = Arc::new(AtomicUsize::new(0));
    let attacker = {
        let (dir, victim, stop, swaps) = (dir.clone(), victim.clone(), stop.clone(), swaps.clone());
        std::thread::spawn(move || {
            let bait = dir.join("bait");
            while !stop.load(Ordering::Relaxed) {
                for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    let planted = entry.file_type().map_or(true, |t| t.is_symlink());
                    if name.starts_with(".fc-keys.json.") && name.ends_with(".new") && !planted {
                        // A rename, so the new file's name never misses.
                        let _ = std::fs::remove_file(&bait);
                        if std::os::unix::fs::symlink(&victim, &bait).is_ok()
                            && std::fs::rename(&bait, entry.path()).is_ok()
                        {
                            swaps.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            }
        })
    };

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let (mut rounds, mut refusals) = (0, 0);
    while swaps.load(Ordering::Relaxed) < 5 && std::time::Instant::now() < deadline {
        rounds += 1;
        // A fresh key file whenever a swap won the race to the rename.
        if std::fs::symlink_metadata(&path).map_or(true, |m| !m.is_file()) {
            let _ = std::fs::remove_file(&path);
            keys::generate(&path, &[ECDH_ES], false).unwrap();
            if let Some((uid, gid)) = owner {
                std::os::unix::fs::chown(&path, Some(uid), Some(gid)).unwrap();
            }
            set_mode(&path, 0o640);
        }
        match keys::add(&path, ECDH_ES) {
            Ok(_) => {
                let entry = std::fs::symlink_metadata(&path).unwrap();
                if entry.is_file() {
                    assert_eq!(entry.mode() & 0o777, 0o640, "round {rounds}");
                    if let Some(owner) = owner {
                        assert_eq!((entry.uid(), entry.gid()), owner, "round {rounds}");
                    }
                }
            }
            Err(KeysError::Swapped(_)) => refusals += 1,
            Err(e) => panic!("round {rounds}: {e}"),
        }
        assert_eq!(snapshot(&victim), before, "round {rounds}: the victim was given away");
    }
    stop.store(true, Ordering::Relaxed);
    attacker.join().unwrap();
    let swaps = swaps.load(Ordering::Relaxed);
    assert!(
        swaps > 0,
        "no new file was ever swapped in {rounds} rounds: nothing was tested"
    );
    eprintln!("{rounds} rounds, {swaps} swaps, {refusals} refused before the rename");
    std::fs::remove_dir_all(dir).unwrap();
    std::fs::remove_dir_all(elsewhere).unwrap();
}

/// A keys directory another user can write (its group, everyone, or,
/// as root, its owner: the application's account when the engine created
/// it) is named on stderr, with who can write it and the uid running the
/// command, which still does its work; a directory only its owner, who
/// runs the command, can write draws no warning.
#[cfg(unix)]
#[test]
fn a_keys_directory_others_can_write_is_named_on_stderr() {
    use std::os::unix::fs::MetadataExt as _;
    let dir = temp_dir("shared");
    let path = dir.join("fc-keys.json");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_franceconnect"))
            .args(args)
            .env_clear()
            .env("FC_KEYS_FILE", path_str(&path))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{stderr}");
        stderr
    };
    run(&["keys", "generate"]);
    let me = std::fs::metadata(&path).unwrap().uid();
    let warning = |mode: &str, writers: &str| {
        format!(
            "warning: the keys directory {} (mode {mode}) is writable by {writers}, not only by uid {me}, which runs \
             this command",
            dir.display()
        )
    };

    set_mode(&dir, 0o700);
    let stderr = run(&["keys", "add", "--enc", "ecdh-es"]);
    assert!(!stderr.contains("warning"), "{stderr}");

    set_mode(&dir, 0o777);
    let stderr = run(&["keys", "add", "--enc", "ecdh-es"]);
    assert!(stderr.starts_with(&warning("777", "every user")), "{stderr}");
    assert_eq!(
        ServiceKeys::from_file(&path).unwrap().kids().count(),
        3,
        "added all the same"
    );

    set_mode(&dir, 0o770);
    let gid = std::fs::metadata(&dir).unwrap().gid();
    let stderr = run(&["keys", "generate", "--force"]);
    assert!(
        stderr.starts_with(&warning("770", &format!("the members of gid {gid}"))),
        "{stderr}"
    );
    assert_eq!(
        ServiceKeys::from_file(&path).unwrap().kids().count(),
        1,
        "replaced all the same"
    );

    if as_root(&dir) {
        set_mode(&dir, 0o755);
        std::os::unix::fs::chown(&dir, Some(4242), None).unwrap();
        let stderr = run(&["keys", "add", "--sig", "es256"]);
        assert!(stderr.starts_with(&warning("755", "uid 4242 (its owner)")), "{stderr}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}
