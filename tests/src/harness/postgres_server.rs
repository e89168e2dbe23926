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
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The role the tests connect as (trusted, on loopback only).
const ROLE: &str = "app";

/// A `postgres` process owned by a test.
pub struct PostgresServer {
    port: u16,
    bin: PathBuf,
    dir: PathBuf,
    /// The user the server runs as, when the tests run as root.
    run_as: Option<(u32, u32)>,
    child: Option<Child>,
}

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

/// The processes whose parent is `parent`, from `/proc`.
fn children_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // `pid (command) state ppid …`: the command may hold spaces.
            let ppid: u32 = stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()?;
            (ppid == parent).then_some(pid)
        })
        .collect()
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
        let mut server = Self {
            port,
            bin: binaries(),
            dir,
            run_as,
            child: None,
        };
        server.init();
        server.spawn();
        server
    }

    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(self.bin.join(program));
        if let Some((uid, gid)) = self.run_as {
            command.uid(uid).gid(gid);
        }
        command
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn init(&self) {
        let out = self
            .command("initdb")
            .arg("-D")
            .arg(self.data())
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

    fn spawn(&mut self) {
        let log = std::fs::File::create(self.dir.join("server.log")).unwrap();
        if let Some((uid, gid)) = self.run_as {
            std::os::unix::fs::chown(self.dir.join("server.log"), Some(uid), Some(gid)).unwrap();
        }
        let child = self
            .command("postgres")
            .arg("-D")
            .arg(self.data())
            .args(["-p", &self.port.to_string(), "-c", "listen_addresses=127.0.0.1"])
            .arg("-c")
            .arg(format!("unix_socket_directories={}", self.dir.display()))
            // No fsync: the data survive the server (what the tests stop),
            // not the machine. Commits stay synchronous, so that a commit
            // is in the log before the app sees it.
            .args(["-c", "fsync=off", "-c", "full_page_writes=off"])
            .args(["-c", "max_connections=200"])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("postgres is not installed: run ./scripts/test.sh, which installs PostgreSQL");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.ready() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "postgres did not answer on port {}: {}",
            self.port,
            std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
        );
    }

    fn ready(&self) -> bool {
        Command::new(self.bin.join("pg_isready"))
            .args(["-q", "-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", ROLE])
            .status()
            .is_ok_and(|status| status.success())
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

    /// Stops the server (connections are cut, transactions aborted;
    /// committed data stay).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SIGINT: PostgreSQL's fast shutdown.
            let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline && child.try_wait().ok().flatten().is_none() {
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port, with its data.
    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    /// Freezes the server and its backends (SIGSTOP to each): connections
    /// stay open, nothing answers.
    pub fn pause(&self) {
        self.signal("-STOP");
    }

    /// Unfreezes them (SIGCONT).
    pub fn resume(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, signal: &str) {
        let server = self.child.as_ref().expect("running").id();
        assert!(self.send(signal, server), "the server is running");
    }

    /// Sends `signal` to the server and each of its children; false when
    /// the server itself was not reached.
    fn send(&self, signal: &str, server: u32) -> bool {
        // The backends each lead their own session (PostgreSQL calls
        // `setsid`), so a process group would not reach them: signal the
        // server and each of its children. A stopped server forks no more.
        let reached = Command::new("kill")
            .args([signal, &server.to_string()])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        // A backend may end meanwhile (its client left): no check.
        let children: Vec<String> = children_of(server).into_iter().map(|pid| pid.to_string()).collect();
        if !children.is_empty() {
            let _ = Command::new("kill")
                .arg(signal)
                .args(&children)
                .stderr(Stdio::null())
                .status();
        }
        reached
    }
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        // No assertion here: a failing test may have left no server, and a
        // panic while unwinding would abort the whole run.
        if let Some(child) = &self.child {
            self.send("-CONT", child.id());
        }
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
