//! A real PostgreSQL server for the tests: a new cluster (`initdb`) in a
//! temporary directory, started on a free loopback port, stopped (and its
//! directory removed) when dropped. It can be stopped, restarted on the same
//! port with its data, paused and resumed, to play outages.
//!
//! It uses Debian's `postgresql` package (`/usr/lib/postgresql/*/bin`, or
//! `PG_BIN`, or the `PATH`), which `./scripts/test.sh` installs. PostgreSQL
//! refuses to run as root: as root, the server runs as the `postgres` user
//! the package creates.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use super::process::Process;

/// The role the tests connect as (trusted, on loopback only).
const ROLE: &str = "app";

/// A `postgres` process owned by a test.
pub struct PostgresServer {
    port: u16,
    bin: PathBuf,
    dir: PathBuf,
    /// The server's process: [`stop`](Process::stop) it (SIGINT, a fast
    /// shutdown: connections are cut, transactions aborted, committed data
    /// kept), [`restart`](Process::restart) it on the same port with its
    /// data, [`pause`](Process::pause) and [`resume`](Process::resume) it
    /// and its backends.
    pub process: Process,
}

/// The user the server runs as, when the tests run as root: its uid and
/// gid.
type RunAs = Option<(u32, u32)>;

/// The directory holding `initdb`, `postgres` and `psql`.
fn binaries() -> PathBuf {
    if let Some(dir) = std::env::var_os("PG_BIN") {
        return dir.into();
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("bin"))
        .filter(|bin| bin.join("postgres").exists())
        .collect();
    // The newest version (directories are named by major version).
    versions.sort_by_key(|bin| {
        bin.parent()
            .and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok())
            .unwrap_or(0)
    });
    versions.pop().unwrap_or_default()
}

/// The uid and gid of the `postgres` user, from `/etc/passwd`.
fn postgres_user() -> (u32, u32) {
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    passwd
        .lines()
        .find_map(|line| {
            let mut fields = line.split(':');
            if fields.next()? != "postgres" {
                return None;
            }
            let (uid, gid) = (fields.nth(1)?, fields.next()?);
            Some((uid.parse().ok()?, gid.parse().ok()?))
        })
        .expect("running as root needs the `postgres` user: run ./scripts/test.sh, which installs PostgreSQL")
}

/// Whether the tests run as root (`/proc/self` belongs to the process's
/// user).
fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// A command running `program` of `bin`, as `run_as` when set.
fn command(bin: &Path, run_as: RunAs, program: &str) -> Command {
    let mut command = Command::new(bin.join(program));
    if let Some((uid, gid)) = run_as {
        command.uid(uid).gid(gid);
    }
    command
}

/// Whether the server on `port` accepts connections (`pg_isready`).
fn ready(bin: &Path, port: u16) -> bool {
    Command::new(bin.join("pg_isready"))
        .args(["-q", "-h", "127.0.0.1", "-p", &port.to_string(), "-U", ROLE])
        .status()
        .is_ok_and(|status| status.success())
}

impl PostgresServer {
    /// Creates a cluster and starts it on a free port (no durability: the
    /// tests' data need not survive a crash of the machine).
    ///
    /// # Panics
    /// When PostgreSQL is not installed (`./scripts/test.sh` installs it).
    pub fn start() -> Self {
        let port = super::free_port();
        let dir = std::env::temp_dir().join(format!("fc-postgres-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let run_as = is_root().then(postgres_user);
        if let Some((uid, gid)) = run_as {
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).unwrap();
        }
        let bin = binaries();
        init(&bin, run_as, &dir.join("data"));
        let log = dir.join("server.log");
        let (server_bin, server_dir, server_log) = (bin.clone(), dir.clone(), log.clone());
        let ready_bin = bin.clone();
        let process = Process::new("postgres", move || {
            let log = std::fs::File::create(&server_log).unwrap();
            if let Some((uid, gid)) = run_as {
                std::os::unix::fs::chown(&server_log, Some(uid), Some(gid)).unwrap();
            }
            let mut postgres = command(&server_bin, run_as, "postgres");
            postgres
                .arg("-D")
                .arg(server_dir.join("data"))
                .args(["-p", &port.to_string(), "-c", "listen_addresses=127.0.0.1"])
                .arg("-c")
                .arg(format!("unix_socket_directories={}", server_dir.display()))
                // No fsync: the data survive the server (what the tests
                // stop), not the machine. Commits stay synchronous, so that
                // a commit is in the log before the app sees it.
                .args(["-c", "fsync=off", "-c", "full_page_writes=off"])
                .args(["-c", "max_connections=200"])
                .stdout(Stdio::null())
                .stderr(log);
            postgres
        })
        .ready_when(Duration::from_secs(30), move || ready(&ready_bin, port))
        .explained_by(move || std::fs::read_to_string(&log).unwrap_or_default())
        // SIGINT: PostgreSQL's fast shutdown (transactions aborted, committed
        // data kept).
        .stop_with("-INT")
        .missing_hint("run ./scripts/test.sh, which installs PostgreSQL")
        .start();
        Self {
            port,
            bin,
            dir,
            process,
        }
    }

    /// `postgres://app@127.0.0.1:{port}/postgres`.
    pub fn url(&self) -> String {
        format!("postgres://{ROLE}@127.0.0.1:{}/postgres", self.port)
    }

    /// The answer of one SQL query, through `psql` (unaligned, no headers).
    pub fn query(&self, sql: &str) -> String {
        let out = Command::new(self.bin.join("psql"))
            .args(["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", &self.url(), "-c", sql])
            .output()
            .expect("psql runs");
        assert!(out.status.success(), "{sql}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// The number of rows of the session table (0 when it does not exist).
    pub fn session_count(&self) -> usize {
        let count = self.query("SELECT CASE WHEN to_regclass('franceconnect_sessions') IS NULL THEN 0 ELSE (SELECT count(*) FROM franceconnect_sessions) END");
        count.parse().unwrap_or_else(|_| panic!("the count answered {count:?}"))
    }

    /// Starts it again on the same port, with its data.
    pub fn restart(&mut self) {
        self.process.restart();
    }
}

/// Creates the cluster in `data` (`initdb`), with the tests' role trusted.
fn init(bin: &Path, run_as: RunAs, data: &Path) {
    let out = command(bin, run_as, "initdb")
        .arg("-D")
        .arg(data)
        .args([
            "-U",
            ROLE,
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--no-instructions",
        ])
        .output()
        .expect("initdb is not installed: run ./scripts/test.sh, which installs PostgreSQL");
    assert!(
        out.status.success(),
        "initdb failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        // Resumed first when paused, so that it shuts down cleanly.
        self.process.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
