//! `shipgate-log append` under contention: appends per second and p95 latency for 1, 8 and 32
//! jobs appending at once, each from its own clone, to a remote on a local path and to one
//! behind git daemon's receive-pack on loopback.
//!
//! Run: `cargo bench --bench log_append`. Each job is one `shipgate-log append` process; its
//! latency runs from spawn to exit. Every configuration writes 64 rows (rounds of N jobs
//! started together), and the bench fails if any append fails or a row is missing.
#![allow(clippy::unwrap_used, clippy::print_stdout, missing_docs)]
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ROWS: usize = 64;
const WRITERS: [usize; 3] = [1, 8, 32];

/// A git daemon (receive-pack enabled) on a free loopback port, killed on drop.
struct Daemon {
    child: Child,
    port: u16,
}

impl Daemon {
    fn start(base: &Path) -> Self {
        let exec_path = Command::new("git").arg("--exec-path").output().unwrap();
        let program =
            Path::new(String::from_utf8(exec_path.stdout).unwrap().trim()).join("git-daemon");
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(program)
            .args([
                "--export-all",
                "--enable=receive-pack",
                "--listen=127.0.0.1",
                "--reuseaddr",
            ])
            .arg(format!("--base-path={}", base.display()))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "git daemon did not listen");
            std::thread::sleep(Duration::from_millis(20));
        }
        Self { child, port }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn git(dir: &Path, home: &Path, args: &[&str]) {
    let status = isolated(Command::new("git"), home)
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

fn isolated(mut command: Command, home: &Path) -> Command {
    for var in [
        "GITHUB_ACTIONS",
        "GITLAB_CI",
        "CI",
        "GIT_DIR",
        "GIT_WORK_TREE",
        "SHIPGATE_LOG",
    ] {
        command.env_remove(var);
    }
    command
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Bench")
        .env("GIT_AUTHOR_EMAIL", "bench@example.com")
        .env("GIT_COMMITTER_NAME", "Bench")
        .env("GIT_COMMITTER_EMAIL", "bench@example.com");
    command
}

/// A bare remote with one release, and `writers` clones whose origin is `url(remote)`.
fn setup(dir: &Path, writers: usize, daemon: bool) -> (Vec<PathBuf>, Option<Daemon>) {
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    git(
        dir,
        &home,
        &["init", "-q", "--bare", "-b", "main", "remote.git"],
    );
    git(dir, &home, &["init", "-q", "-b", "main", "seed"]);
    let seed = dir.join("seed");
    std::fs::write(seed.join("shipgate.yml"), "log:\n  project: Acme\n").unwrap();
    git(&seed, &home, &["add", "shipgate.yml"]);
    git(&seed, &home, &["commit", "-q", "-m", "feat: config"]);
    git(&seed, &home, &["tag", "v1.0.0"]);
    git(
        &seed,
        &home,
        &["push", "-q", "../remote.git", "main", "--tags"],
    );
    let daemon = daemon.then(|| Daemon::start(dir));
    let url = match &daemon {
        Some(d) => format!("git://127.0.0.1:{}/remote.git", d.port),
        None => dir.join("remote.git").display().to_string(),
    };
    let clones = (0..writers)
        .map(|n| {
            let clone = dir.join(format!("clone{n}"));
            git(
                dir,
                &home,
                &["clone", "-q", "remote.git", clone.to_str().unwrap()],
            );
            git(&clone, &home, &["remote", "set-url", "origin", &url]);
            clone
        })
        .collect();
    (clones, daemon)
}

/// Appends per second and the latencies of every append, `ROWS` rows in rounds of `writers`.
fn measure(writers: usize, daemon: bool) -> (f64, Vec<Duration>) {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let (clones, _daemon) = setup(dir.path(), writers, daemon);
    let binary = Path::new(env!("CARGO_BIN_EXE_shipgate-log"));
    let mut latencies = Vec::new();
    let mut busy = Duration::ZERO;
    for round in 0..ROWS / writers {
        let started = Instant::now();
        let jobs: Vec<(Child, Instant)> = clones
            .iter()
            .enumerate()
            .map(|(n, clone)| {
                let child = isolated(Command::new(binary), &home)
                    .current_dir(clone)
                    .args(["append", "--env", "production", "--version", "1.0.0"])
                    .args(["--who", &format!("job{n}-r{round}")])
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap();
                (child, Instant::now())
            })
            .collect();
        let mut pending: Vec<(Child, Instant)> = jobs;
        while !pending.is_empty() {
            let mut still = Vec::new();
            for (mut child, spawned) in pending {
                match child.try_wait().unwrap() {
                    Some(status) => {
                        latencies.push(spawned.elapsed());
                        let output = child.wait_with_output().unwrap();
                        assert!(
                            status.success(),
                            "{}",
                            String::from_utf8_lossy(&output.stderr)
                        );
                    }
                    None => still.push((child, spawned)),
                }
            }
            pending = still;
            std::thread::sleep(Duration::from_millis(2));
        }
        busy += started.elapsed();
    }
    let rows = Command::new("git")
        .args(["--git-dir", dir.path().join("remote.git").to_str().unwrap()])
        .args(["show", "shipgate-log:deployments/acme.csv"])
        .output()
        .unwrap();
    let lines = String::from_utf8_lossy(&rows.stdout).lines().count();
    assert_eq!(lines, ROWS + 1, "every append's row is on the remote");
    latencies.sort();
    (ROWS as f64 / busy.as_secs_f64(), latencies)
}

fn main() {
    println!("shipgate-log append, {ROWS} rows per line, jobs started together in rounds");
    println!(
        "{:<12} {:>7} {:>10} {:>9} {:>9}",
        "transport", "writers", "appends/s", "p50 ms", "p95 ms"
    );
    for (name, daemon) in [("local path", false), ("git daemon", true)] {
        for writers in WRITERS {
            let (rate, latencies) = measure(writers, daemon);
            let at = |q: f64| {
                latencies[((latencies.len() as f64 * q).ceil() as usize).saturating_sub(1)]
            };
            println!(
                "{name:<12} {writers:>7} {rate:>10.1} {:>9.0} {:>9.0}",
                at(0.5).as_secs_f64() * 1e3,
                at(0.95).as_secs_f64() * 1e3
            );
        }
    }
}
