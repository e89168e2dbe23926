//! A real Redis server for the tests: started on a free loopback port in a
//! temporary directory, stopped (and its directory removed) when dropped.
//! It can be stopped, restarted on the same port, paused and resumed, to
//! play outages.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::process::Process;

/// A `redis-server` process owned by a test.
pub struct RedisServer {
    port: u16,
    dir: PathBuf,
    /// The server's process: [`stop`](Process::stop) it (connections are
    /// closed, data lost), [`restart`](Process::restart) it on the same
    /// port (empty: no persistence), [`pause`](Process::pause) and
    /// [`resume`](Process::resume) it.
    pub process: Process,
}

impl RedisServer {
    /// Starts a server on a free port (no persistence: a restart empties it).
    ///
    /// # Panics
    /// When `redis-server` is not installed (`./scripts/test.sh` installs it).
    pub fn start() -> Self {
        let port = super::free_port();
        let dir = std::env::temp_dir().join(format!("fc-redis-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let data = dir.clone();
        let process = Process::new("redis-server", move || {
            let mut command = Command::new("redis-server");
            command
                .args([
                    "--port",
                    &port.to_string(),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ])
                .arg("--dir")
                .arg(&data)
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            command
        })
        .ready_when(Duration::from_secs(10), move || ping(port))
        .missing_hint("run ./scripts/test.sh, which installs it")
        .start();
        Self { port, dir, process }
    }

    /// `redis://127.0.0.1:{port}`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// The number of keys Redis holds (`DBSIZE`, through `redis-cli`).
    pub fn key_count(&self) -> usize {
        let out = std::process::Command::new("redis-cli")
            .args(["-u", &self.url(), "DBSIZE"])
            .output()
            .expect("redis-cli runs");
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("DBSIZE answered {:?}", String::from_utf8_lossy(&out.stdout)))
    }

    /// Deletes every key (`FLUSHALL`).
    pub fn flush_all(&self) {
        let out = std::process::Command::new("redis-cli")
            .args(["-u", &self.url(), "FLUSHALL"])
            .output()
            .expect("redis-cli runs");
        assert!(
            String::from_utf8_lossy(&out.stdout).trim() == "OK",
            "FLUSHALL answered {:?}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// Whether a Redis on `port` answers `PING`.
fn ping(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
    let mut buf = [0u8; 7];
    s.write_all(b"PING\r\n").is_ok() && s.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n"
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.process.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
