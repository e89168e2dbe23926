//! The quickstart binary itself, started as a newcomer would (environment
//! variables, no configuration), driven through a login and a logout.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use franceconnect_tests::Browser;

/// Kills the child process when the test ends, pass or fail.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary and reads the URL it prints.
fn start(vars: &[(&str, &str)]) -> (Process, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_axum-quickstart"));
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

#[tokio::test]
async fn the_binary_runs_a_login_with_no_configuration() {
    let (_process, url) = start(&[]);
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

#[tokio::test]
async fn the_binary_runs_fc_plus_with_a_generated_key_file() {
    let dir = std::env::temp_dir().join(format!("axum-quickstart-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let keys = dir.join("keys.json");
    let (_process, url) = start(&[
        ("FC_PLATFORM", "fcplus"),
        ("FC_KEYS_FILE", keys.to_str().unwrap()),
        ("FC_SCOPES", "profile birth"),
    ]);
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

#[tokio::test]
async fn a_misconfiguration_stops_the_binary_with_a_clear_message() {
    let output = Command::new(env!("CARGO_BIN_EXE_axum-quickstart"))
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
