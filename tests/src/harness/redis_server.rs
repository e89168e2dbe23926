//! A real Redis server for the tests: started on a free loopback port in a
//! temporary directory, stopped (and its directory removed) when dropped.
//! It can be stopped, restarted on the same port, paused and resumed, to
//! play outages.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `redis-server` process owned by a test.
pub struct RedisServer {
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
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
        let mut server = Self { port, dir, child: None };
        server.spawn();
        server
    }

    fn spawn(&mut self) {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .arg("--dir")
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server is not installed: run ./scripts/test.sh, which installs it");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.ping() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("redis-server did not answer on port {}", self.port);
    }

    fn ping(&self) -> bool {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
        let mut buf = [0u8; 7];
        s.write_all(b"PING\r\n").is_ok() && s.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n"
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

    /// Stops the server (connections are closed; data are lost).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port.
    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    /// Freezes the process (SIGSTOP): connections stay open, nothing
    /// answers.
    pub fn pause(&self) {
        self.signal("-STOP");
    }

    /// Unfreezes it (SIGCONT).
    pub fn resume(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, signal: &str) {
        let pid = self.child.as_ref().expect("running").id().to_string();
        let status = Command::new("kill").args([signal, &pid]).status().unwrap();
        assert!(status.success());
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        if self.child.is_some() {
            self.resume();
        }
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
