//! Child processes owned by a test, in one place: a [`Process`] is started
//! from a command, waited for until it answers, and killed when the test
//! ends, pass or fail. The servers of the harness (Redis, PostgreSQL,
//! ChromeDriver) and the quickstart binaries all run as one; a server can
//! also be stopped, restarted the same way, paused (SIGSTOP) and resumed
//! (SIGCONT), to play outages.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long a graceful stop may take before the process is killed.
const STOP_GRACE: Duration = Duration::from_secs(10);

/// Makes the command that starts the process (again, for a restart).
type MakeCommand = Box<dyn Fn() -> Command + Send + Sync>;

/// A check that the process answers.
type Check = Box<dyn Fn() -> bool + Send + Sync>;

/// What is said when the process did not answer in time (its log).
type Explain = Box<dyn Fn() -> String + Send + Sync>;

/// When the process is ready: `check` holds within `within`.
struct Readiness {
    check: Check,
    within: Duration,
    explain: Option<Explain>,
}

/// A child process owned by a test: killed (and waited for) when dropped.
///
/// Built with [`Process::new`], set with the builder methods, then
/// [`start`](Process::start)ed:
///
/// ```no_run
/// # use std::process::Command;
/// # use std::time::Duration;
/// # use franceconnect_tests::Process;
/// let server = Process::new("redis-server", || Command::new("redis-server"))
///     .ready_when(Duration::from_secs(10), || std::net::TcpStream::connect("127.0.0.1:6379").is_ok())
///     .start();
/// ```
pub struct Process {
    /// Its name in messages.
    what: String,
    command: MakeCommand,
    ready: Option<Readiness>,
    /// The signal that asks it to stop (`-INT`), before SIGKILL.
    stop_signal: Option<&'static str>,
    /// What to say when it cannot be started at all.
    missing_hint: Option<&'static str>,
    child: Option<Child>,
    paused: AtomicBool,
}

impl Process {
    /// A process `command` starts, named `what` in messages; nothing runs
    /// until [`start`](Self::start).
    pub fn new(what: impl Into<String>, command: impl Fn() -> Command + Send + Sync + 'static) -> Self {
        Self {
            what: what.into(),
            command: Box::new(command),
            ready: None,
            stop_signal: None,
            missing_hint: None,
            child: None,
            paused: AtomicBool::new(false),
        }
    }

    /// Each start waits until `check` holds (polled every 50 ms), and
    /// panics when it does not within `within` or the process ends first.
    pub fn ready_when(mut self, within: Duration, check: impl Fn() -> bool + Send + Sync + 'static) -> Self {
        self.ready = Some(Readiness {
            check: Box::new(check),
            within,
            explain: None,
        });
        self
    }

    /// Adds what `explain` says (its log) to the panic of a start that did
    /// not answer in time. Goes after [`ready_when`](Self::ready_when).
    pub fn explained_by(mut self, explain: impl Fn() -> String + Send + Sync + 'static) -> Self {
        if let Some(ready) = &mut self.ready {
            ready.explain = Some(Box::new(explain));
        }
        self
    }

    /// Stops it with `signal` (`-INT`: PostgreSQL's fast shutdown) first,
    /// and SIGKILL only when it has not ended 10 seconds later. Without
    /// this, a stop is SIGKILL.
    pub fn stop_with(mut self, signal: &'static str) -> Self {
        self.stop_signal = Some(signal);
        self
    }

    /// Says `hint` (how to install it) when the program cannot be started.
    pub fn missing_hint(mut self, hint: &'static str) -> Self {
        self.missing_hint = Some(hint);
        self
    }

    /// Starts it, and waits until it is ready.
    ///
    /// # Panics
    /// When the program cannot be started (not installed), or does not
    /// answer in time.
    pub fn start(mut self) -> Self {
        self.spawn();
        self
    }

    fn spawn(&mut self) {
        let mut command = (self.command)();
        let child = command.spawn().unwrap_or_else(|e| {
            let hint = self.missing_hint.map(|h| format!(": {h}")).unwrap_or_default();
            panic!(
                "{} ({}) does not start: {e}{hint}",
                self.what,
                command.get_program().to_string_lossy()
            )
        });
        self.child = Some(child);
        self.paused.store(false, Ordering::SeqCst);
        let Some(ready) = &self.ready else { return };
        let deadline = Instant::now() + ready.within;
        while Instant::now() < deadline {
            if (ready.check)() {
                return;
            }
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                panic!(
                    "{} ended before it answered ({status}){}",
                    self.what,
                    explanation(ready)
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "{} did not answer within {:?}{}",
            self.what,
            ready.within,
            explanation(ready)
        );
    }

    /// Its process id.
    ///
    /// # Panics
    /// When it is stopped.
    pub fn id(&self) -> u32 {
        self.child.as_ref().expect("the process is running").id()
    }

    /// Its standard output, when the command piped it (once).
    ///
    /// # Panics
    /// When it is stopped, or the output was not piped or already taken.
    pub fn take_stdout(&mut self) -> ChildStdout {
        self.child
            .as_mut()
            .and_then(|c| c.stdout.take())
            .expect("the process's piped standard output")
    }

    /// Stops it (resumed first when paused): see
    /// [`stop_with`](Self::stop_with). Nothing happens when it is stopped.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else { return };
        if self.paused.swap(false, Ordering::SeqCst) {
            send("-CONT", child.id(), true);
        }
        if let Some(signal) = self.stop_signal {
            send(signal, child.id(), false);
            let deadline = Instant::now() + STOP_GRACE;
            while Instant::now() < deadline && child.try_wait().ok().flatten().is_none() {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = child.kill();
        let _ = child.wait();
    }

    /// Stops it and starts it again the same way, waiting until it is
    /// ready.
    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    /// Freezes it and its children (SIGSTOP to each): connections stay
    /// open, nothing answers.
    ///
    /// # Panics
    /// When it is not running.
    pub fn pause(&self) {
        self.paused.store(true, Ordering::SeqCst);
        assert!(send("-STOP", self.id(), true), "{} is running", self.what);
    }

    /// Unfreezes it and its children (SIGCONT).
    ///
    /// # Panics
    /// When it is not running.
    pub fn resume(&self) {
        assert!(send("-CONT", self.id(), true), "{} is running", self.what);
        self.paused.store(false, Ordering::SeqCst);
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        // No assertion here: a panic while unwinding would abort the run.
        self.stop();
    }
}

/// The panic's tail that `ready.explain` gives, if any.
fn explanation(ready: &Readiness) -> String {
    ready
        .explain
        .as_ref()
        .map(|explain| format!(": {}", explain()))
        .unwrap_or_default()
}

/// Sends `signal` (`-STOP`…) to `pid`, and to each of its children with
/// `with_children`; false when `pid` itself was not reached.
fn send(signal: &str, pid: u32, with_children: bool) -> bool {
    // The children are signalled one by one: PostgreSQL's backends each
    // lead their own session (it calls `setsid`), so a process group would
    // not reach them. The process first: a stopped process forks no more.
    let reached = Command::new("kill")
        .args([signal, &pid.to_string()])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    let children = if with_children { children_of(pid) } else { Vec::new() };
    // A child may end meanwhile (its client left): no check.
    if !children.is_empty() {
        let _ = Command::new("kill")
            .arg(signal)
            .args(children.iter().map(u32::to_string))
            .stderr(Stdio::null())
            .status();
    }
    reached
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

/// Starts a quickstart binary with only `vars` (and `PATH`) in its
/// environment, on a free port, and reads the URL it prints.
pub fn start_quickstart(binary: &str, vars: &[(&str, &str)]) -> (Process, String) {
    let binary_path = binary.to_owned();
    let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    let mut child = Process::new("the quickstart binary", move || {
        let mut cmd = Command::new(&binary_path);
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("BIND", "127.0.0.1:0")
            .envs(vars.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        cmd
    })
    .start();
    let stdout = child.take_stdout();
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
