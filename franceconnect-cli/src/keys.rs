//! `franceconnect keys`: the service's private key file (`FC_KEYS_FILE`),
//! generated, rotated and published with the engine's own [`ServiceKeys`]:
//! nothing here generates a key or serialises a JWK itself.
//!
//! The README's rotation is three commands: [`add`] a key beside the old
//! one (and restart the application, which then publishes both), wait for
//! the provider to fetch the JWKS again, then [`retire`] the old one.
//!
//! The commands that write run as root, typically, in a directory the
//! application's account may write too (the engine's
//! [`ServiceKeys::load_or_generate`] creates it as that account): what
//! they read or change there is reached through a file they opened or
//! created themselves, never through a path that account could have
//! turned into a symbolic link since. A symbolic link at the key file's
//! path is refused, and such a directory is named on stderr.

use std::fs::{File, Metadata};
use std::io::{Read as _, Write as _};
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
    /// The key file could not be read.
    #[error("cannot read the service keys at {}: {source}", path.display())]
    Read {
        /// The key file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The key file is a symbolic link: followed, it would let whoever can
    /// write its directory choose the file the command reads (as root,
    /// typically), and the operator believe the link's target replaced
    /// when the rename would replace the link.
    #[error(
        "refusing to use {}: it is a symbolic link, which this command never follows (whoever can write its \
         directory could point it at another file, for the command to read as root); pass the file it points to, \
         with --file or FC_KEYS_FILE",
        .0.display()
    )]
    Symlink(PathBuf),
    /// An entry the command was working through (the key file it had just
    /// looked at, or the new file it had created) was replaced by another
    /// one meanwhile: someone else writes in the directory.
    #[error(
        "refusing to go on: {} was replaced by another entry while this command was using it, so another user \
         writes in its directory; the key file was not replaced",
        .0.display()
    )]
    Swapped(PathBuf),
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
        /// Why `fchown` failed.
        source: std::io::Error,
    },
}

/// `keys generate`: a new key file at `path` holding one key per spec
/// (mode 600). An existing file is kept unless `overwrite`; a symbolic
/// link at `path` is refused ([`KeysError::Symlink`]) either way.
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
    // The entry itself: `exists()` would follow a symbolic link.
    match std::fs::symlink_metadata(path) {
        Ok(entry) if entry.file_type().is_symlink() => return Err(KeysError::Symlink(path.to_owned())),
        Ok(_) if !overwrite => return Err(KeysError::Exists(path.to_owned())),
        Ok(old) => replace(path, &keys, &old)?,
        // The engine creates the file with `create_new`, which fails on
        // whatever was put there since, a symbolic link included.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => keys.write_private_jwks(path)?,
        Err(source) => {
            return Err(KeysError::Replace {
                path: path.to_owned(),
                source,
            });
        }
    }
    Ok(keys)
}

/// `keys add`: generates a key and writes it into the file at `path`,
/// after the keys already there (the current encryption keys still
/// decrypt, the current signing key still signs). Returns the new set and
/// the new key's `kid`. A symbolic link at `path` is refused.
pub fn add(path: &Path, spec: KeySpec) -> Result<(ServiceKeys, String), KeysError> {
    let (keys, old) = read_keys(path)?;
    let key = spec.generate()?;
    let kid = key.kids().next().unwrap_or_default().to_owned();
    let keys = keys.merge(key)?;
    replace(path, &keys, &old)?;
    Ok((keys, kid))
}

/// `keys retire`: removes the key `kid` from the file at `path`. The last
/// encryption key, or the last signing key, is never removed. A symbolic
/// link at `path` is refused.
pub fn retire(path: &Path, kid: &str) -> Result<ServiceKeys, KeysError> {
    let (keys, old) = read_keys(path)?;
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
    replace(path, &rest, &old)?;
    Ok(rest)
}

/// `keys jwks`: the public JWK set of the file at `path`, as the
/// application serves it at `/auth/jwks` (no private member). It only
/// reads and prints public members, so a symbolic link is followed here
/// (a mounted secret often is one).
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

/// Reads the key set at `path` through one open file, so that the keys
/// and the metadata returned (whose owner and mode the new file takes)
/// are the same file's: the entry itself is looked at first (a symbolic
/// link is refused, never followed), then opened, and the file opened
/// must be the entry looked at, not one swapped in between.
fn read_keys(path: &Path) -> Result<(ServiceKeys, Metadata), KeysError> {
    let unreadable = |source| KeysError::Read {
        path: path.to_owned(),
        source,
    };
    let entry = std::fs::symlink_metadata(path).map_err(unreadable)?;
    if entry.file_type().is_symlink() {
        return Err(KeysError::Symlink(path.to_owned()));
    }
    if !entry.is_file() {
        // A directory opens but does not read; a FIFO would block the open.
        return Err(unreadable(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        )));
    }
    let mut file = File::open(path).map_err(unreadable)?;
    let opened = file.metadata().map_err(unreadable)?;
    if !same_file(&entry, &opened) {
        return Err(KeysError::Swapped(path.to_owned()));
    }
    let mut json = String::new();
    file.read_to_string(&mut json).map_err(unreadable)?;
    Ok((ServiceKeys::from_jwks_json(&json)?, opened))
}

/// Replaces the file at `path` with `keys`, atomically and durably: a new
/// file is created beside it (mode 600), written, given the old file's
/// owner, group and group access (`old`: the metadata of the file read,
/// or of the entry itself, never of a file a link points to), flushed to
/// disk, then renamed over the old one, and the directory is flushed
/// too; so a crash leaves either the old set or the new one, never half
/// a file, and the application keeps reading it. On any error the new
/// file is removed and the old one is left as it was.
///
/// Owner and mode are set through the open file (`fchown`, `fchmod`),
/// never by path: the application's account may write in the directory,
/// and could swap the new file's name for a symbolic link to any file
/// between its creation and a `chown` by path, for root to give that file
/// away. A directory others can write is named on stderr.
fn replace(path: &Path, keys: &ServiceKeys, old: &Metadata) -> Result<(), KeysError> {
    let io = |source| KeysError::Replace {
        path: path.to_owned(),
        source,
    };
    let temporary = temporary_beside(path);
    let file = create_new_private(&temporary).map_err(io)?;
    let replaced = write_new(&file, keys, path, old)
        .and_then(|()| still_the_entry_at(&temporary, &file, path))
        .and_then(|()| std::fs::rename(&temporary, path).map_err(io));
    drop(file);
    if let Err(e) = replaced {
        // Unlinks the entry itself, whatever is there now, never a file a
        // link would point to.
        let _ = std::fs::remove_file(&temporary);
        return Err(e);
    }
    // The rename is durable once the directory entry is on disk.
    ServiceKeys::sync_directory_of(path).map_err(io)
}

/// The new file's name, hidden beside the key file (a rename stays within
/// one file system). Its process id and clock make it hard to guess, and
/// guessing it gains nothing: [`create_new_private`] fails on whatever
/// was put there beforehand instead of following or reusing it.
fn temporary_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}-{nanos}.new", std::process::id()))
}

/// Creates a new file at `path`, readable by its owner only (mode 600)
/// from the start. `create_new` (`O_CREAT | O_EXCL`) fails on any entry
/// already there, a symbolic link included, dangling or not, and never
/// follows it (POSIX requires it of `O_EXCL`; so `O_NOFOLLOW`, which
/// would need the `libc` crate, adds nothing): the file returned is one
/// this command created.
fn create_new_private(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Writes `keys` into the new `file`, gives it the old file's owner,
/// group and group access, then flushes it to disk, content and metadata.
fn write_new(mut file: &File, keys: &ServiceKeys, path: &Path, old: &Metadata) -> Result<(), KeysError> {
    let io = |source| KeysError::Replace {
        path: path.to_owned(),
        source,
    };
    // Before `take_owner_of`: the new file's owner is still who runs this.
    warn_if_shared(path, file);
    file.write_all(keys.to_private_jwks_json().as_bytes()).map_err(io)?;
    take_owner_of(file, path, old)?;
    file.sync_all().map_err(io)
}

/// Checks that the entry at `temporary` is still the file created there:
/// renamed into place, an entry swapped in (a link to another file) would
/// become the key file. The check and the rename are two steps, so this
/// narrows the window rather than closes it; what it leaves only lets the
/// other user put at the key file's path an entry they could have put
/// there anyway, and no file gets the keys' owner or mode but the one
/// this command created.
fn still_the_entry_at(temporary: &Path, file: &File, path: &Path) -> Result<(), KeysError> {
    let io = |source| KeysError::Replace {
        path: path.to_owned(),
        source,
    };
    let ours = file.metadata().map_err(io)?;
    match std::fs::symlink_metadata(temporary) {
        Ok(entry) if same_file(&entry, &ours) => Ok(()),
        Ok(_) => Err(KeysError::Swapped(temporary.to_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(KeysError::Swapped(temporary.to_owned())),
        Err(source) => Err(io(source)),
    }
}

/// Whether two metadata are of the same file (device and inode).
#[cfg(unix)]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

/// Elsewhere std exposes no file identity to compare.
#[cfg(not(unix))]
fn same_file(_a: &Metadata, _b: &Metadata) -> bool {
    true
}

/// Gives the new `file` the owner and group of the old one (`old`) when
/// they are not already its own (e.g. `keys add` run as root on the
/// application's file), and the group's read access when the old file
/// had it: mode 640, owner root, group of the application is a common
/// layout. Never the others' access. Both through the open file, so
/// nothing but the file this command created can be changed.
#[cfg(unix)]
fn take_owner_of(file: &File, path: &Path, old: &Metadata) -> Result<(), KeysError> {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    let io = |source| KeysError::Replace {
        path: path.to_owned(),
        source,
    };
    let new = file.metadata().map_err(io)?;
    let uid = (old.uid() != new.uid()).then_some(old.uid());
    let gid = (old.gid() != new.gid()).then_some(old.gid());
    if uid.is_some() || gid.is_some() {
        std::os::unix::fs::fchown(file, uid, gid).map_err(|source| KeysError::Owner {
            path: path.to_owned(),
            uid: old.uid(),
            gid: old.gid(),
            source,
        })?;
    }
    // After the owner, since a change of owner may clear mode bits.
    let mode = if old.mode() & 0o040 != 0 { 0o640 } else { 0o600 };
    file.set_permissions(std::fs::Permissions::from_mode(mode)).map_err(io)
}

/// Elsewhere the new file keeps the permissions it was created with.
#[cfg(not(unix))]
fn take_owner_of(_file: &File, _path: &Path, _old: &Metadata) -> Result<(), KeysError> {
    Ok(())
}

/// Prints [`shared_directory`]'s warning on stderr, if any, for the
/// directory of `path`. `file`, just created, tells who runs the command:
/// std has no `geteuid`, and unsafe code (a raw libc call) is forbidden.
#[cfg(unix)]
fn warn_if_shared(path: &Path, file: &File) {
    use std::os::unix::fs::MetadataExt as _;
    let directory = directory_of(path);
    let (Ok(ours), Ok(shared)) = (file.metadata(), std::fs::metadata(directory)) else {
        return;
    };
    if let Some(warning) = shared_directory(directory, ours.uid(), shared.uid(), shared.gid(), shared.mode()) {
        eprintln!("{warning}");
    }
}

/// Elsewhere there are no uids to compare.
#[cfg(not(unix))]
fn warn_if_shared(_path: &Path, _file: &File) {}

/// The warning for the key file's `directory` (its `owner`, `group` and
/// `mode`) when another user than `me` can write it: its owner, when not
/// `me`; the members of its group; everyone. Such a user can swap the
/// files in it; the command neither follows nor passes anything on to
/// what they put there, but the operator should know, and fix it.
#[cfg(unix)]
fn shared_directory(directory: &Path, me: u32, owner: u32, group: u32, mode: u32) -> Option<String> {
    let mut writers = Vec::new();
    if owner != me {
        writers.push(format!("uid {owner} (its owner)"));
    }
    // Everyone includes the group's members.
    if mode & 0o002 != 0 {
        writers.push("every user".to_owned());
    } else if mode & 0o020 != 0 {
        writers.push(format!("the members of gid {group}"));
    }
    if writers.is_empty() {
        return None;
    }
    Some(format!(
        "warning: the keys directory {} (mode {:03o}) is writable by {}, not only by uid {me}, which runs this \
         command: they can swap the files in it (the key file, or the new one while it is written). This command \
         neither follows nor changes what they put there, but keep the directory writable by its owner only \
         (chmod go-w), and owned by the user who runs the command, or run it as the directory's owner",
        directory.display(),
        mode & 0o7777,
        writers.join(" and "),
    ))
}

/// The directory holding `path` (`.` for a bare file name).
fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
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

    /// An entry planted beforehand at the new file's name (a symbolic
    /// link to a victim, or a dangling one) fails the creation instead of
    /// being followed: the victim keeps its content and mode, and no file
    /// appears where the dangling link points. Tested here, on the helper,
    /// because the name holds the clock's nanoseconds: a test outside
    /// cannot plant it before the command runs (nor can an attacker, but
    /// guessing right must gain nothing either).
    #[cfg(unix)]
    #[test]
    fn the_new_file_is_never_created_through_a_planted_symlink() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = temp_dir("planted");
        let victim = dir.join("victim");
        std::fs::write(&victim, "victim").unwrap();
        std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).unwrap();
        let temporary = temporary_beside(&dir.join("fc-keys.json"));
        assert_eq!(temporary.parent(), Some(dir.as_path()), "beside the key file");

        std::os::unix::fs::symlink(&victim, &temporary).unwrap();
        let e = create_new_private(&temporary).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists, "{e}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "victim");
        let mode = std::fs::metadata(&victim).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);

        let absent = dir.join("absent");
        std::fs::remove_file(&temporary).unwrap();
        std::os::unix::fs::symlink(&absent, &temporary).unwrap();
        let e = create_new_private(&temporary).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists, "{e}");
        assert!(std::fs::symlink_metadata(&absent).is_err(), "created through the link");
        assert!(std::fs::symlink_metadata(&temporary).unwrap().file_type().is_symlink());

        // With nothing planted, the file is created, its owner's alone.
        std::fs::remove_file(&temporary).unwrap();
        let file = create_new_private(&temporary).unwrap();
        assert_eq!(file.metadata().unwrap().permissions().mode() & 0o777, 0o600);
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// The warning names the directory, its mode, who else can write it
    /// (another owner, the group, everyone) and the uid running the
    /// command; a directory only that uid can write draws none.
    #[cfg(unix)]
    #[test]
    fn a_directory_another_user_can_write_is_named() {
        let dir = Path::new("/srv/app/keys");
        assert_eq!(shared_directory(dir, 0, 0, 0, 0o40755), None);
        assert_eq!(shared_directory(dir, 1000, 1000, 1000, 0o40700), None);
        let owner = shared_directory(dir, 0, 1000, 1000, 0o40755).unwrap();
        assert!(
            owner.starts_with(
                "warning: the keys directory /srv/app/keys (mode 755) is writable by uid 1000 (its owner), \
                 not only by uid 0, which runs this command"
            ),
            "{owner}"
        );
        let group = shared_directory(dir, 0, 0, 1000, 0o40770).unwrap();
        let all = shared_directory(dir, 0, 0, 1000, 0o40777).unwrap();
        assert!(
            all.contains("(mode 777) is writable by every user, not only by uid 0"),
            "{all}"
        );
        assert!(
            group.contains("(mode 770) is writable by the members of gid 1000, not only by uid 0"),
            "{group}"
        );
        let everyone = shared_directory(dir, 1000, 0, 0, 0o41777).unwrap();
        assert!(
            everyone.contains("(mode 1777) is writable by uid 0 (its owner) and every user, not only by uid 1000"),
            "{everyone}"
        );
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
