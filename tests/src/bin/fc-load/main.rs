//! The load command: starts a quickstart binary (release build, embedded
//! mock provider) as its own process, then
//!
//! 0. with `--anonymous N`, sends N anonymous `GET /auth/login` (a bot that
//!    keeps no cookie, `return_to` of `--return-to-bytes`, 500 by default)
//!    and prints the RSS after them: what an anonymous visit costs the
//!    server;
//! 1. runs `--logins` full logins through the provider's page at
//!    `--concurrency`, each followed by a whole logout (up to the logout
//!    callback, so that the session is gone), `--rounds` times (2): the
//!    later rounds show whether memory grows when no session is held;
//! 2. runs `--logins` logins that stay signed in, then `--me` signed-in
//!    `GET /api/me` requests at `--concurrency`;
//!
//! printing throughput and p50/p99 latency of each phase, and the app's
//! resident memory (VmRSS) when idle and after each phase.
//!
//! With `--cpu-logins N` it measures instead what one login costs in CPU:
//! the mock provider binary in a process of its own (auto-approving), the
//! quickstart pointed at it, 300 warm-up logins, then N logins (`GET
//! /auth/login`, the provider's redirect, the callback with its two
//! provider requests, `GET /api/me`), and each process's user + system CPU
//! time from `/proc/<pid>/stat` over them, divided by N. `--quickstart
//! floor` measures, the same way, a bare axum server doing only a login's
//! HTTP and JOSE work (`floor_server.rs`): the floor under the library.
//! `--platform proconnect` measures a ProConnect login instead (the mock as
//! ProConnect, an agent auto-approved). `--metrics on` starts the quickstart
//! with `METRICS_BIND` (a Prometheus recorder installed, serving on a free
//! port) and prints what it counted afterwards: the same measure with the
//! engine's metrics recorded, against `--metrics off` (the default, no
//! recorder).
//!
//! ```sh
//! cargo build --release --bins -p axum-quickstart -p actix-quickstart -p franceconnect-tests -p franceconnect-mock
//! target/release/fc-load --quickstart axum --logins 10000 --concurrency 32 --me 50000
//! target/release/fc-load --quickstart axum --anonymous 50000 --logins 0
//! target/release/fc-load --quickstart axum --cpu-logins 3000 --concurrency 8
//! target/release/fc-load --quickstart floor --cpu-logins 3000 --concurrency 8
//! target/release/fc-load --quickstart axum --cpu-logins 3000 --concurrency 8 --platform proconnect
//! target/release/fc-load --quickstart axum --cpu-logins 3000 --concurrency 8 --metrics on
//! ```
//!
//! `--logins 0` skips phases 1 and 2.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod floor_server;

use franceconnect_tests::Browser;
use tokio::sync::Semaphore;

struct Args {
    quickstart: String,
    logins: usize,
    concurrency: usize,
    me: usize,
    rounds: usize,
    anonymous: usize,
    return_to_bytes: usize,
    cpu_logins: usize,
    platform: String,
    /// `--metrics on`: the quickstart records and serves its metrics.
    metrics: bool,
}

fn parse_args() -> Args {
    let mut args = Args {
        quickstart: "axum".into(),
        logins: 1_000,
        concurrency: 32,
        me: 10_000,
        rounds: 2,
        anonymous: 0,
        return_to_bytes: 500,
        cpu_logins: 0,
        platform: "fc".into(),
        metrics: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if matches!(flag.as_str(), "--help" | "-h") {
            println!("{USAGE}");
            std::process::exit(0);
        }
        let value = it
            .next()
            .unwrap_or_else(|| usage_error(&format!("{flag} needs a value")));
        match flag.as_str() {
            "--quickstart" => args.quickstart = value,
            "--logins" => args.logins = value.parse().unwrap_or_else(|_| usage_error("--logins N: a number")),
            "--concurrency" => {
                args.concurrency = value
                    .parse()
                    .unwrap_or_else(|_| usage_error("--concurrency N: a number"))
            }
            "--me" => args.me = value.parse().unwrap_or_else(|_| usage_error("--me N: a number")),
            "--rounds" => args.rounds = value.parse().unwrap_or_else(|_| usage_error("--rounds N: a number")),
            "--anonymous" => args.anonymous = value.parse().unwrap_or_else(|_| usage_error("--anonymous N: a number")),
            "--return-to-bytes" => {
                args.return_to_bytes = value
                    .parse()
                    .unwrap_or_else(|_| usage_error("--return-to-bytes N: a number"))
            }
            "--cpu-logins" => {
                args.cpu_logins = value
                    .parse()
                    .unwrap_or_else(|_| usage_error("--cpu-logins N: a number"))
            }
            "--platform" => args.platform = value,
            "--metrics" => {
                args.metrics = match value.as_str() {
                    "on" => true,
                    "off" => false,
                    _ => usage_error("--metrics on|off"),
                }
            }
            other => usage_error(&format!("unknown option {other}")),
        }
    }
    if !(matches!(args.quickstart.as_str(), "axum" | "actix") || (args.quickstart == "floor" && args.cpu_logins > 0)) {
        usage_error("--quickstart axum|actix (or floor, with --cpu-logins)");
    }
    if !(args.platform == "fc" || (args.platform == "proconnect" && args.quickstart != "floor")) {
        usage_error("--platform fc|proconnect (the floor server is FranceConnect's)");
    }
    if args.metrics && !(args.cpu_logins > 0 && args.quickstart != "floor") {
        usage_error("--metrics on measures a quickstart's --cpu-logins");
    }
    args
}

/// What `--help` prints.
const USAGE: &str = "fc-load: logins, signed-in requests and CPU per login against a quickstart on its embedded mock

usage: fc-load [--quickstart axum|actix|floor] [--logins N] [--concurrency N] [--me N] [--rounds N]
               [--anonymous N] [--return-to-bytes N] [--cpu-logins N] [--platform fc|proconnect]
               [--metrics on|off]

Build first: cargo build --release --bins -p axum-quickstart -p actix-quickstart -p franceconnect-tests -p franceconnect-mock
See the module documentation (tests/src/bin/fc-load/main.rs) and BENCHMARKS.md.";

/// A wrong command line: what is wrong, the usage, exit status 2.
fn usage_error(what: &str) -> ! {
    eprintln!("fc-load: {what}\n\n{USAGE}");
    std::process::exit(2)
}

/// The quickstart process, killed on drop.
struct App {
    child: Child,
    base: String,
}

impl Drop for App {
    fn drop(&mut self) {
        // SIGTERM first, so that a wrapper (a profiler) can write its report.
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        for _ in 0..100 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free loopback port.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A binary built beside this one.
fn sibling(name: &str) -> std::path::PathBuf {
    std::env::current_exe().unwrap().with_file_name(name)
}

/// Waits until `base` answers `path`.
async fn wait_for(base: &str, path: &str, what: &str) {
    let probe = Browser::new(base);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !probe.try_get(path).await {
        assert!(Instant::now() < deadline, "{what} did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// User + system CPU time of a process so far (`/proc/<pid>/stat`).
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("the process runs");
    // The fields after the command name, which is in parentheses.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .expect("a stat line")
        .1
        .split_whitespace()
        .collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    let per_second: u64 = String::from_utf8(Command::new("getconf").arg("CLK_TCK").output().unwrap().stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    Duration::from_micros(ticks * 1_000_000 / per_second)
}

impl App {
    /// The quickstart on its embedded mock, FranceConnect alone (the
    /// figures of BENCHMARKS.md were measured so; its default serves the
    /// three platforms).
    async fn start(name: &str) -> Self {
        Self::start_with(name, free_port(), &[("FC_PLATFORM", "fc".into())]).await
    }

    async fn start_with(name: &str, port: u16, env: &[(&str, String)]) -> Self {
        let exe = sibling(&format!("{name}-quickstart"));
        // The floor server is this binary in its serving mode.
        let (exe, mode) = match name {
            "floor" => (std::env::current_exe().unwrap(), Some("--floor-server")),
            _ => (exe, None),
        };
        // FC_LOAD_WRAPPER runs the app under a tool (a heap profiler, say).
        let mut command = match std::env::var("FC_LOAD_WRAPPER") {
            Ok(wrapper) => {
                let mut words = wrapper.split_whitespace();
                let mut c = Command::new(words.next().expect("a wrapper command"));
                c.args(words).arg(&exe);
                c
            }
            Err(_) => Command::new(&exe),
        };
        command.args(mode);
        let child = command
            .env("BIND", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("{} starts (build it with --release first): {e}", exe.display()));
        let base = format!("http://localhost:{port}");
        wait_for(&base, "/", "the quickstart").await;
        Self { child, base }
    }

    /// Resident memory of the app process, in KiB.
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }
}

/// Latency percentiles and throughput of a phase.
fn report(phase: &str, mut latencies: Vec<Duration>, elapsed: Duration) {
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    println!(
        "{phase}: {} in {:.2} s = {:.0}/s; p50 {:.2} ms, p99 {:.2} ms",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
    );
}

/// `count` logins at `concurrency`; each browser logs out afterwards unless
/// `keep` says how many stay signed in (returned).
async fn logins(base: &str, count: usize, concurrency: usize, keep: bool) -> (Vec<Duration>, Duration, Vec<Browser>) {
    let permits = Arc::new(Semaphore::new(concurrency));
    let started = Instant::now();
    let tasks: Vec<_> = (0..count)
        .map(|_| {
            let permits = permits.clone();
            let base = base.to_owned();
            tokio::spawn(async move {
                let _permit = permits.acquire_owned().await.unwrap();
                let b = Browser::new(&base);
                let t = Instant::now();
                let back = b.login_through_page("/auth/login", Some("default"), "eidas1").await;
                let latency = t.elapsed();
                assert_eq!(back.status.as_u16(), 303, "login: {}", back.body);
                if !keep {
                    // The whole logout, so that the session is gone: back
                    // from the provider's end-session endpoint straight to
                    // the callback with its `state`. (Not through the mock:
                    // it revokes every token of a person at logout, which
                    // would fail the other virtual users signed in as the
                    // same test person at that moment.)
                    let out = b.post_form("/auth/logout", &[], &b.origin()).await;
                    assert_eq!(out.status.as_u16(), 303, "logout");
                    let end_session = out.location.expect("to the provider");
                    let state = end_session
                        .query_pairs()
                        .find(|(k, _)| k == "state")
                        .map(|(_, v)| v.into_owned())
                        .expect("a logout state");
                    let done = b.get(&format!("/auth/logout/callback?state={state}")).await;
                    assert_eq!(done.status.as_u16(), 303, "logout callback");
                }
                (latency, b)
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(count);
    let mut browsers = Vec::new();
    for task in tasks {
        let (latency, b) = task.await.unwrap();
        latencies.push(latency);
        if keep && browsers.len() < concurrency {
            browsers.push(b);
        }
    }
    (latencies, started.elapsed(), browsers)
}

/// `count` anonymous `GET /auth/login` at `concurrency`, by a client that
/// keeps no cookie (as a bot would), each with a `return_to` of
/// `return_to_bytes`.
async fn anonymous_logins(base: &str, count: usize, concurrency: usize, return_to_bytes: usize) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let url = format!(
        "{base}/auth/login?return_to=/{}",
        "a".repeat(return_to_bytes.saturating_sub(1))
    );
    let permits = Arc::new(Semaphore::new(concurrency));
    let started = Instant::now();
    let tasks: Vec<_> = (0..count)
        .map(|_| {
            let (permits, client, url) = (permits.clone(), client.clone(), url.clone());
            tokio::spawn(async move {
                let _permit = permits.acquire_owned().await.unwrap();
                let t = Instant::now();
                let res = client.get(&url).send().await.expect("the app answers");
                (t.elapsed(), res.status().as_u16())
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(count);
    let mut statuses = std::collections::BTreeMap::new();
    for task in tasks {
        let (latency, status) = task.await.unwrap();
        latencies.push(latency);
        *statuses.entry(status).or_insert(0) += 1;
    }
    report(
        &format!("anonymous GET /auth/login (return_to {return_to_bytes} B, statuses {statuses:?})"),
        latencies,
        started.elapsed(),
    );
}

/// The CPU one login costs the app and the provider, each in its own
/// process (see the module's documentation).
async fn cpu_per_login(args: &Args) {
    let (mock_port, app_port) = (free_port(), free_port());
    let app_url = format!("http://localhost:{app_port}");
    let mock_exe = sibling("franceconnect-mock");
    // The first person of each platform's set signs in automatically.
    let person = if args.platform == "proconnect" {
        "agent-etat"
    } else {
        "default"
    };
    let mock = Command::new(&mock_exe)
        .args(["--platform", &args.platform])
        .args(["--bind", &format!("127.0.0.1:{mock_port}"), "--auto-approve", person])
        .args(["--redirect-uri", &format!("{app_url}/auth/callback")])
        .args(["--post-logout-redirect-uri", &format!("{app_url}/auth/logout/callback")])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{} starts (build it with --release first): {e}", mock_exe.display()));
    let mock = App {
        child: mock,
        base: format!("http://127.0.0.1:{mock_port}"),
    };
    wait_for(
        &mock.base,
        "/api/v2/.well-known/openid-configuration",
        "the mock provider",
    )
    .await;
    let mut env = vec![
        ("FC_PLATFORM", args.platform.clone()),
        ("FC_ISSUER", format!("{}/api/v2", mock.base)),
        ("FC_CLIENT_ID", "franceconnect-mock-client".into()),
        ("FC_CLIENT_SECRET", "franceconnect-mock-secret".into()),
        ("APP_URL", app_url),
    ];
    let metrics_base = args.metrics.then(|| {
        let bind = format!("127.0.0.1:{}", free_port());
        env.push(("METRICS_BIND", bind.clone()));
        format!("http://{bind}")
    });
    let app = App::start_with(&args.quickstart, app_port, &env).await;
    let one_login = |base: String| async move {
        let b = Browser::new(&base);
        let to_provider = b.get("/auth/login").await.location.expect("to the provider");
        let back = b
            .get(to_provider.as_str())
            .await
            .location
            .expect("back to the callback");
        let done = b.get(back.as_str()).await;
        assert_eq!(done.status.as_u16(), 303, "callback: {}", done.body);
        assert_eq!(b.get_json("/api/me").await.status.as_u16(), 200);
    };
    let run = |count: usize| {
        let permits = Arc::new(Semaphore::new(args.concurrency));
        let base = app.base.clone();
        async move {
            let tasks: Vec<_> = (0..count)
                .map(|_| {
                    let (permits, base) = (permits.clone(), base.clone());
                    tokio::spawn(async move {
                        let _permit = permits.acquire_owned().await.unwrap();
                        one_login(base).await
                    })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
        }
    };
    run(300).await;
    let (app_before, mock_before) = (cpu_time(app.child.id()), cpu_time(mock.child.id()));
    let started = Instant::now();
    run(args.cpu_logins).await;
    let elapsed = started.elapsed();
    let per_login = |before: Duration, pid: u32| (cpu_time(pid) - before).as_secs_f64() * 1e3 / args.cpu_logins as f64;
    println!(
        "{} quickstart, {} logins at concurrency {} in {:.2} s ({:.0}/s)",
        args.quickstart,
        args.cpu_logins,
        args.concurrency,
        elapsed.as_secs_f64(),
        args.cpu_logins as f64 / elapsed.as_secs_f64()
    );
    println!("app CPU per login:  {:.3} ms", per_login(app_before, app.child.id()));
    println!("mock CPU per login: {:.3} ms", per_login(mock_before, mock.child.id()));
    if let Some(base) = metrics_base {
        // Proof that the recorder counted: the warm-up's logins and the measured ones.
        let scrape = Browser::new(&base).get("/metrics").await.body;
        let counted = |name: &str| -> f64 {
            scrape
                .lines()
                .filter(|l| l.starts_with(name) && !l.starts_with('#'))
                .filter_map(|l| l.rsplit_once(' ')?.1.parse::<f64>().ok())
                .sum()
        };
        println!(
            "metrics on: {} logins begun, {} completed, {} provider requests timed",
            counted("franceconnect_logins_begun_total"),
            counted("franceconnect_logins_completed_total"),
            counted("franceconnect_provider_request_duration_seconds_count")
        );
    }
}

#[tokio::main]
async fn main() {
    if std::env::args().nth(1).as_deref() == Some("--floor-server") {
        floor_server::serve().await;
        return;
    }
    let args = parse_args();
    if args.cpu_logins > 0 {
        cpu_per_login(&args).await;
        return;
    }
    let app = App::start(&args.quickstart).await;
    println!(
        "{} quickstart, {} logins per round, concurrency {}",
        args.quickstart, args.logins, args.concurrency
    );
    println!("RSS idle: {} KiB", app.rss_kib());

    if args.anonymous > 0 {
        anonymous_logins(&app.base, args.anonymous, args.concurrency, args.return_to_bytes).await;
        println!("RSS after {} anonymous logins: {} KiB", args.anonymous, app.rss_kib());
    }
    if args.logins == 0 {
        return;
    }

    for round in 1..=args.rounds {
        let (latencies, elapsed, _) = logins(&app.base, args.logins, args.concurrency, false).await;
        report(&format!("logins then logouts, round {round}"), latencies, elapsed);
        println!("RSS after round {round} (no session held): {} KiB", app.rss_kib());
    }

    let (latencies, elapsed, browsers) = logins(&app.base, args.logins, args.concurrency, true).await;
    report("logins kept signed in", latencies, elapsed);
    println!("RSS with {} sessions held: {} KiB", args.logins, app.rss_kib());

    let browsers = Arc::new(browsers);
    let permits = Arc::new(Semaphore::new(args.concurrency));
    let started = Instant::now();
    let tasks: Vec<_> = (0..args.me)
        .map(|i| {
            let permits = permits.clone();
            let browsers = browsers.clone();
            tokio::spawn(async move {
                let _permit = permits.acquire_owned().await.unwrap();
                let b = &browsers[i % browsers.len()];
                let t = Instant::now();
                let me = b.get_json("/api/me").await;
                assert_eq!(me.status.as_u16(), 200);
                t.elapsed()
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(args.me);
    for task in tasks {
        latencies.push(task.await.unwrap());
    }
    report("signed-in GET /api/me", latencies, started.elapsed());
    println!("RSS at the end: {} KiB", app.rss_kib());
}
