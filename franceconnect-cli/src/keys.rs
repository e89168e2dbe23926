//! `franceconnect keys`: the service's private key file (`FC_KEYS_FILE`),
//! generated, rotated and published with the engine's own [`ServiceKeys`]:
//! nothing here generates a key or writes a JWK itself.
//!
//! The README's rotation is three commands: [`add`] a key beside the old
//! one (and restart the application, which then publishes both), wait for
//! the provider to fetch the JWKS again, then [`retire`] the old one.

use std::path::{Path, PathBuf};

use franceconnect_tower::{ConfigError, EncryptionAlg, ServiceKeys, SigningAlg};
use serde_json::Value;

/// A key to generate: an encryption key (`use: enc`), to which the provider
/// encrypts the tokens, or a signing key (`use: sig`), for `private_key_jwt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySpec {
    /// `ECDH-ES` (P-256), `RSA-OAEP` or `RSA-OAEP-256` (RSA 3072 bits).
    Encryption(EncryptionAlg),
    /// `ES256` (P-256) or `RS256` (RSA 3072 bits).
    Signing(SigningAlg),
}

impl KeySpec {
    /// Generates the key, with its `kid`, `use` and `alg` set.
    pub fn generate(self) -> Result<ServiceKeys, KeysError> {
        Ok(match self {
            KeySpec::Encryption(alg) => ServiceKeys::generate(alg)?,
            KeySpec::Signing(alg) => ServiceKeys::generate_signing(alg)?,
        })
    }
}

/// Parses an encryption algorithm as typed on a command line
/// (`ecdh-es`, `RSA-OAEP`, `rsa-oaep-256`).
pub fn parse_encryption_alg(value: &str) -> Result<EncryptionAlg, String> {
    value
        .to_ascii_uppercase()
        .parse()
        .map_err(|_| format!("`{value}` is not ECDH-ES, RSA-OAEP or RSA-OAEP-256"))
}

/// Parses a signing algorithm as typed on a command line (`es256`, `RS256`).
pub fn parse_signing_alg(value: &str) -> Result<SigningAlg, String> {
    value
        .to_ascii_uppercase()
        .parse()
        .map_err(|_| format!("`{value}` is not ES256 or RS256 (never HS256)"))
}

/// Why a keys command did nothing.
#[derive(Debug, thiserror::Error)]
pub enum KeysError {
    /// The engine refused the key set (or could not read or write it).
    #[error("{0}")]
    Keys(#[from] ConfigError),
    /// `generate` met an existing file.
    #[error(
        "{} already exists: refusing to overwrite keys the provider may be encrypting to; \
         add a key beside them with `franceconnect keys add`, or pass --force to replace the file",
        .0.display()
    )]
    Exists(PathBuf),
    /// `retire` was asked to remove the last encryption key.
    #[error(
        "refusing to retire `{0}`: it is the last encryption key, and the provider (FranceConnect+, or FranceConnect \
         with encrypted tokens) encrypts every ID token and userinfo to it; add its successor first \
         (`franceconnect keys add --enc ecdh-es`), restart the application, wait for the provider to fetch the JWKS \
         again, then retire it"
    )]
    LastEncryptionKey(String),
    /// `retire` was asked to remove the last signing key.
    #[error(
        "refusing to retire `{0}`: it is the last signing key, and every token request of `private_key_jwt` \
         (FC_TOKEN_ENDPOINT_AUTH) is signed with it; add its successor first (`franceconnect keys add --sig es256`)"
    )]
    LastSigningKey(String),
    /// `generate` was given no key to generate.
    #[error("no key to generate: pass --enc or --sig")]
    NothingAsked,
    /// The file could not be replaced.
    #[error("cannot replace {}: {source}", path.display())]
    Replace {
        /// The key file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The new file could not be given the old one's owner and group: left
    /// to whoever runs the command, the application (running as that
    /// owner) could no longer read its keys, so the old file is kept.
    #[error(
        "refusing to replace {}: it belongs to uid {uid}, gid {gid}, and the new file cannot be given that owner \
         ({source}); run the command as that user, or as root, so the application can still read its keys",
        path.display()
    )]
    Owner {
        /// The key file.
        path: PathBuf,
        /// The old file's owner.
        uid: u32,
        /// The old file's group.
        gid: u32,
        /// Why `chown` failed.
        source: std::io::Error,
    },
}

/// `keys generate`: a new key file at `path` holding one key per spec
/// (mode 600). An existing file is kept unless `overwrite`.
pub fn generate(path: &Path, specs: &[KeySpec], overwrite: bool) -> Result<ServiceKeys, KeysError> {
    let mut keys: Option<ServiceKeys> = None;
    for spec in specs {
        let key = spec.generate()?;
        keys = Some(match keys {
            None => key,
            Some(keys) => keys.merge(key)?,
        });
    }
    let keys = keys.ok_or(KeysError::NothingAsked)?;
    if path.exists() {
        if !overwrite {
            return Err(KeysError::Exists(path.to_owned()));
        }
        replace(path, &keys)?;
    } else {
        keys.write_private_jwks(path)?;
    }
    Ok(keys)
}

/// `keys add`: generates a key and writes it into the file at `path`,
/// after the keys already there (the current encryption keys still
/// decrypt, the current signing key still signs). Returns the new set and
/// the new key's `kid`.
pub fn add(path: &Path, spec: KeySpec) -> Result<(ServiceKeys, String), KeysError> {
    let keys = ServiceKeys::from_file(path)?;
    let key = spec.generate()?;
    let kid = key.kids().next().unwrap_or_default().to_owned();
    let keys = keys.merge(key)?;
    replace(path, &keys)?;
    Ok((keys, kid))
}

/// `keys retire`: removes the key `kid` from the file at `path`. The last
/// encryption key, or the last signing key, is never removed.
pub fn retire(path: &Path, kid: &str) -> Result<ServiceKeys, KeysError> {
    let keys = ServiceKeys::from_file(path)?;
    let public = keys.public_jwks();
    let published = public["keys"].as_array().map(Vec::as_slice).unwrap_or_default();
    let use_of = |k: &Value| k["use"].as_str().unwrap_or_default().to_owned();
    if let Some(retired) = published.iter().find(|k| k["kid"] == kid) {
        let same_use = published.iter().filter(|k| use_of(k) == use_of(retired)).count();
        match use_of(retired).as_str() {
            "enc" if same_use == 1 => return Err(KeysError::LastEncryptionKey(kid.to_owned())),
            "sig" if same_use == 1 => return Err(KeysError::LastSigningKey(kid.to_owned())),
            _ => {}
        }
    }
    let rest = keys.without(kid)?;
    replace(path, &rest)?;
    Ok(rest)
}

/// `keys jwks`: the public JWK set of the file at `path`, as the
/// application serves it at `/auth/jwks` (no private member).
pub fn public_jwks(path: &Path) -> Result<Value, KeysError> {
    Ok(ServiceKeys::from_file(path)?.public_jwks())
}

/// One line per key: `kid  use  alg`, in the file's order.
pub fn describe(keys: &ServiceKeys) -> Vec<String> {
    let public = keys.public_jwks();
    public["keys"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|k| {
            let member = |name: &str| k[name].as_str().unwrap_or("?").to_owned();
            format!("{}  {}  {}", member("kid"), member("use"), member("alg"))
        })
        .collect()
}

/// Replaces the file at `path` with `keys`, atomically: the engine writes a
/// new file (mode 600, flushed to disk) beside it, which takes the old
/// file's owner and group, then is renamed over the old one, and the
/// directory is flushed too; so a crash leaves either the old set or the
/// new one, never half a file, and the application keeps reading it. On
/// any error the new file is removed and the old one is left as it was.
fn replace(path: &Path, keys: &ServiceKeys) -> Result<(), KeysError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.{}-{nanos}.new", std::process::id()));
    keys.write_private_jwks(&temporary)?;
    let replaced = take_owner_of(&temporary, path).and_then(|()| {
        std::fs::rename(&temporary, path).map_err(|source| KeysError::Replace {
            path: path.to_owned(),
            source,
        })
    });
    if let Err(e) = replaced {
        let _ = std::fs::remove_file(&temporary);
        return Err(e);
    }
    // The rename is durable once the directory entry is on disk.
    sync_directory_of(path).map_err(|source| KeysError::Replace {
        path: path.to_owned(),
        source,
    })
}

/// Gives `temporary` the owner and group of the file at `path` (when they
/// are not already its own, e.g. `keys add` run as root on the
/// application's file), and the group's read access when the old file
/// had it: mode 640, owner root, group of the application is a common
/// layout. Never the others' access.
#[cfg(unix)]
fn take_owner_of(temporary: &Path, path: &Path) -> Result<(), KeysError> {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    let io = |source| KeysError::Replace {
        path: path.to_owned(),
        source,
    };
    let old = std::fs::metadata(path).map_err(io)?;
    let new = std::fs::metadata(temporary).map_err(io)?;
    let uid = (old.uid() != new.uid()).then_some(old.uid());
    let gid = (old.gid() != new.gid()).then_some(old.gid());
    if uid.is_some() || gid.is_some() {
        std::os::unix::fs::chown(temporary, uid, gid).map_err(|source| KeysError::Owner {
            path: path.to_owned(),
            uid: old.uid(),
            gid: old.gid(),
            source,
        })?;
    }
    if old.mode() & 0o040 != 0 {
        std::fs::set_permissions(temporary, std::fs::Permissions::from_mode(0o640)).map_err(io)?;
    }
    Ok(())
}

/// Elsewhere the new file keeps the permissions the engine gave it.
#[cfg(not(unix))]
fn take_owner_of(_temporary: &Path, _path: &Path) -> Result<(), KeysError> {
    Ok(())
}

/// Flushes the directory holding `path`, so that a rename into it
/// survives a crash.
#[cfg(unix)]
fn sync_directory_of(path: &Path) -> std::io::Result<()> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    std::fs::File::open(directory)?.sync_all()
}

/// Directories cannot be opened as files elsewhere.
#[cfg(not(unix))]
fn sync_directory_of(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithms_parse_as_typed_and_hs256_never() {
        assert_eq!(parse_encryption_alg("ecdh-es"), Ok(EncryptionAlg::EcdhEs));
        assert_eq!(parse_encryption_alg("rsa-oaep-256"), Ok(EncryptionAlg::RsaOaep256));
        assert_eq!(parse_signing_alg("es256"), Ok(SigningAlg::Es256));
        assert!(parse_signing_alg("hs256").unwrap_err().contains("never HS256"));
        assert!(parse_encryption_alg("RSA1_5").is_err());
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("fc-cli-keys-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// A replacement that fails once the new file is written (here the
    /// rename, over a directory) removes the new file and leaves the old
    /// entry as it was.
    #[test]
    fn a_failed_replace_leaves_no_temporary_file() {
        let dir = temp_dir("failed");
        let path = dir.join("fc-keys.json");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("kept"), "kept").unwrap();
        let e = generate(&path, &[KeySpec::Encryption(EncryptionAlg::EcdhEs)], true).unwrap_err();
        assert!(matches!(e, KeysError::Replace { .. }), "{e}");
        assert!(
            e.to_string().starts_with(&format!("cannot replace {}", path.display())),
            "{e}"
        );
        assert_eq!(entries(&dir), ["fc-keys.json"]);
        assert_eq!(std::fs::read_to_string(path.join("kept")).unwrap(), "kept");
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// `keys add` run by another user (root, typically) on the
    /// application's file keeps the file's owner and group, and its
    /// group's read access, so the application still reads it; never the
    /// others' access. The owner part needs root to set up, and is checked
    /// when the tests run as root.
    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_owner_group_and_group_access() {
        use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
        let dir = temp_dir("owner");
        let path = dir.join("fc-keys.json");
        generate(&path, &[KeySpec::Encryption(EncryptionAlg::EcdhEs)], false).unwrap();
        let ours = std::fs::metadata(&path).unwrap();
        let as_root = ours.uid() == 0;
        let (uid, gid) = if as_root {
            (4242, 4243)
        } else {
            (ours.uid(), ours.gid())
        };
        if as_root {
            std::os::unix::fs::chown(&path, Some(uid), Some(gid)).unwrap();
        }
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();

        let (keys, kid) = add(&path, KeySpec::Encryption(EncryptionAlg::EcdhEs)).unwrap();
        let after = std::fs::metadata(&path).unwrap();
        assert_eq!((after.uid(), after.gid()), (uid, gid));
        assert_eq!(after.mode() & 0o777, 0o640);
        assert!(ServiceKeys::from_file(&path).unwrap().kids().any(|k| k == kid));
        assert_eq!(keys.kids().count(), 2);

        // Others' access is dropped; a private file stays private.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        retire(&path, &kid).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().mode() & 0o777, 0o640);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        add(&path, KeySpec::Signing(SigningAlg::Es256)).unwrap();
        let last = std::fs::metadata(&path).unwrap();
        assert_eq!(last.mode() & 0o777, 0o600);
        assert_eq!((last.uid(), last.gid()), (uid, gid));
        assert_eq!(entries(&dir), ["fc-keys.json"]);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
