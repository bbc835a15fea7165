//! `command` gates: a program run without a shell (unless asked), passing on exit 0.
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::http::excerpt;
use super::model::{CommandCheck, Measured, Outcome, Verdict};
use super::scrub::Scrubber;

/// How often a running command is looked at.
const POLL: Duration = Duration::from_millis(20);

/// How a command run ended.
pub(crate) enum Ended {
    /// It could not be started.
    NotStarted(std::io::Error),
    /// It outlived its timeout and was killed.
    TimedOut,
    /// It exited (or was killed by a signal).
    Exited {
        /// Its exit status.
        status: std::process::ExitStatus,
        /// What it printed on stdout.
        out: String,
        /// What it printed on stderr.
        err: String,
    },
}

/// Run the command with `env` added; kill it when it outlives the timeout. Also the time taken.
pub(crate) async fn run(check: &CommandCheck, env: &[(String, String)]) -> (Ended, u128) {
    let mut command = if check.shell {
        let mut c = Command::new("sh");
        c.arg("-c").args(&check.argv);
        c
    } else {
        let mut c = Command::new(&check.argv[0]);
        c.args(&check.argv[1..]);
        c
    };
    command
        .envs(env.iter().map(|(k, v)| (k, v)))
        .current_dir(&check.dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return (Ended::NotStarted(e), 0),
    };
    let stdout = reader(child.stdout.take());
    let stderr = reader(child.stderr.take());
    let status = wait(&mut child, check.timeout).await;
    let ms = started.elapsed().as_millis();
    // After a kill, grandchildren may still hold the pipes open: their output is left behind.
    let Some(status) = status else {
        return (Ended::TimedOut, ms);
    };
    let out = stdout.join().unwrap_or_default();
    let err = stderr.join().unwrap_or_default();
    (Ended::Exited { status, out, err }, ms)
}

/// Run the command: it passes on exit 0. Its output is shown through `scrub`.
pub(crate) async fn evaluate(
    check: &CommandCheck,
    scrub: &Scrubber,
    env: &[(String, String)],
) -> Outcome {
    let shown = shown(check);
    let (ended, ms) = run(check, env).await;
    let mut measured = vec![Measured::new("time_ms", ms)];
    match ended {
        Ended::NotStarted(e) => Outcome::new(
            Verdict::Fail,
            format!("`{shown}` could not start: {e}"),
            vec![],
        ),
        Ended::TimedOut => Outcome::new(
            Verdict::Fail,
            format!(
                "`{shown}` did not finish within {}s and was killed",
                check.timeout.as_secs()
            ),
            measured,
        ),
        Ended::Exited { status, out, err } => {
            let code = exit_code(status);
            measured.insert(0, Measured::new("exit_code", &code));
            if status.success() {
                Outcome::new(
                    Verdict::Pass,
                    format!("`{shown}` exited 0 in {ms} ms"),
                    measured,
                )
            } else {
                let said = if err.trim().is_empty() { &out } else { &err };
                Outcome::new(
                    Verdict::Fail,
                    format!("`{shown}` exited {code}; output: {}", excerpt(said, scrub)),
                    measured,
                )
            }
        }
    }
}

/// The exit code as text, or `signal` when a signal ended the process.
pub(crate) fn exit_code(status: std::process::ExitStatus) -> String {
    status
        .code()
        .map_or_else(|| "signal".to_owned(), |c| c.to_string())
}

/// The command as people would type it.
pub(crate) fn shown(check: &CommandCheck) -> String {
    if check.shell {
        format!("sh -c {:?}", check.argv.join(" "))
    } else {
        check.argv.join(" ")
    }
}

fn reader(pipe: Option<impl Read + Send + 'static>) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// The exit status, or `None` after killing a command that outlived `timeout`.
async fn wait(child: &mut Child, timeout: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => tokio::time::sleep(POLL).await,
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}
