//! Quickstart binaries started as processes, as a newcomer runs them: the
//! [`Process`] is killed when the test ends.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills the child process when the test ends, pass or fail.
pub struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a quickstart binary with only `vars` (and `PATH`) in its
/// environment, on a free port, and reads the URL it prints.
pub fn start_quickstart(binary: &str, vars: &[(&str, &str)]) -> (Process, String) {
    let mut cmd = Command::new(binary);
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("BIND", "127.0.0.1:0")
        .envs(vars.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = Process(cmd.spawn().expect("the quickstart binary starts"));
    let stdout = child.0.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200))
            && let Some(url) = line.split("ready: open ").nth(1)
        {
            return (child, url.trim().to_owned());
        }
    }
    panic!("the quickstart did not print its URL");
}
