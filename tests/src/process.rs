//! Quickstart binaries started as processes, as a newcomer runs them, and
//! the scenarios every quickstart binary must pass.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::browser::Browser;

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

/// With no configuration: the embedded mock, a login and a logout.
pub async fn binary_runs_a_login_with_no_configuration(binary: &str) {
    let (_process, url) = start_quickstart(binary, &[]);
    assert!(url.starts_with("http://localhost:"), "{url}");
    let b = Browser::new(&url);
    assert!(b.get("/").await.body.contains("S'identifier avec FranceConnect"));
    let back = b
        .login_through_page("/auth/login?return_to=%2Fprofil", Some("default"), "eidas1")
        .await;
    assert_eq!(back.location_path(), "/profil");
    let me = b.get_json("/api/me").await.json();
    assert_eq!(me["acr"], "eidas1");
    let out = b.post_form("/auth/logout", &[], &b.origin()).await;
    let done = b.follow(out).await;
    assert_eq!(done.status.as_u16(), 200);
    assert_eq!(b.get_json("/api/me").await.status.as_u16(), 401);
}

/// FranceConnect+ with `FC_KEYS_FILE` generated at start and `FC_SCOPES`.
pub async fn binary_runs_fc_plus_with_a_generated_key_file(binary: &str) {
    let name = std::path::Path::new(binary)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let dir = std::env::temp_dir().join(format!("{name}-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let keys = dir.join("keys.json");
    let (_process, url) = start_quickstart(
        binary,
        &[
            ("FC_PLATFORM", "fcplus"),
            ("FC_KEYS_FILE", keys.to_str().unwrap()),
            ("FC_SCOPES", "profile birth"),
        ],
    );
    assert!(keys.exists(), "the key file is generated");
    let b = Browser::new(&url);
    let back = b.login_through_page("/auth/login", Some("default"), "eidas2").await;
    assert_eq!(back.location_path(), "/");
    let me = b.get_json("/api/me").await.json();
    assert_eq!(me["acr"], "eidas2");
    assert!(me["birthplace"].is_string(), "birth scope");
    assert!(me["email"].is_null(), "no email scope");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A misconfiguration stops the binary with a clear message.
pub fn binary_refuses_a_misconfiguration(binary: &str) {
    let output = Command::new(binary)
        .env_clear()
        .env("BIND", "127.0.0.1:0")
        .env("FC_PLATFORM", "fcplus")
        .env("FC_ACR", "eidas1")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("does not accept eidas1"), "{stderr}");
}

/// Generates the binary tests of a quickstart, from its
/// `env!("CARGO_BIN_EXE_…")` path.
#[macro_export]
macro_rules! binary_suite {
    ($binary:expr) => {
        #[tokio::test]
        async fn the_binary_runs_a_login_with_no_configuration() {
            $crate::binary_runs_a_login_with_no_configuration($binary).await;
        }

        #[tokio::test]
        async fn the_binary_runs_fc_plus_with_a_generated_key_file() {
            $crate::binary_runs_fc_plus_with_a_generated_key_file($binary).await;
        }

        #[test]
        fn a_misconfiguration_stops_the_binary_with_a_clear_message() {
            $crate::binary_refuses_a_misconfiguration($binary);
        }
    };
}
