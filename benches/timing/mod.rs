//! What both benchmarks share: run a whole command pinned to one core, and take medians.
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Whether commands run pinned to core 0 (`taskset` is on PATH).
pub fn pinned() -> bool {
    static PINNED: OnceLock<bool> = OnceLock::new();
    *PINNED.get_or_init(|| Command::new("taskset").arg("--version").output().is_ok())
}

/// Run `program args` in `dir` (on core 0 when possible) and return its wall time; fail loudly
/// when it exits above `max_exit` (linters exit 1 on findings).
pub fn time(program: &Path, dir: &Path, args: &[&str], max_exit: i32) -> Duration {
    let mut command = if pinned() {
        let mut c = Command::new("taskset");
        c.args(["-c", "0"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    command
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let output = command.output().unwrap();
    let elapsed = start.elapsed();
    assert!(
        output.status.code().is_some_and(|c| c <= max_exit),
        "{program:?} {args:?} ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    elapsed
}

/// The median of `runs` measurements, after one to warm the page cache.
pub fn median(runs: usize, measure: impl Fn() -> Duration) -> Duration {
    measure();
    let mut samples: Vec<Duration> = (0..runs).map(|_| measure()).collect();
    samples.sort();
    samples[runs / 2]
}

/// Milliseconds, for printing.
pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}
