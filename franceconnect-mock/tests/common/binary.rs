//! The mock binary run as a child process, for the tests of its command
//! line (built with the `cli` feature only).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The mock binary running, killed when dropped (a failed assertion
/// included).
pub(crate) struct RunningBinary {
    child: Child,
    /// What it printed up to the `stop` line.
    pub(crate) printed: Vec<String>,
}

impl Drop for RunningBinary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl RunningBinary {
    /// The issuers printed, in order.
    pub(crate) fn issuers(&self) -> Vec<String> {
        self.printed
            .iter()
            .filter_map(|line| line.trim_start().strip_prefix("issuer:"))
            .map(|issuer| issuer.trim().to_owned())
            .collect()
    }
}

/// Starts the binary with `args` on a free port and reads what it prints
/// up to the first line starting with `stop` (trimmed).
pub(crate) fn start_binary(args: &[&str], stop: &str) -> RunningBinary {
    let mut command = Command::new(env!("CARGO_BIN_EXE_franceconnect-mock"));
    // The developer's own MOCK_* settings must not change the test.
    for (name, _) in std::env::vars() {
        if name.starts_with("MOCK_") {
            command.env_remove(name);
        }
    }
    let mut child = command
        .args(["--bind", "127.0.0.1:0"])
        .args(args)
        .env("RUST_LOG", "off")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut running = RunningBinary {
        child,
        printed: Vec::new(),
    };
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        let done = line.trim_start().starts_with(stop);
        running.printed.push(line);
        if done {
            return running;
        }
    }
    panic!("the binary stopped early: {:?}", running.printed);
}
