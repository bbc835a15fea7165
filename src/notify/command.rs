//! Running the deploy command for `watch`: wait for it, and act once if it runs past the
//! estimate while it keeps running.
use std::future::Future;
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

/// How the command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finished {
    /// Its exit code: 128 + the signal when killed, 127 when it could not start.
    pub exit_code: i32,
    /// Whether it ran past the estimate.
    pub delayed: bool,
    /// How long it ran.
    pub elapsed: Duration,
}

/// Run `command` (program and arguments) with this process's stdin and stderr; its stdout goes
/// to our stderr when `stdout_to_stderr` (our stdout then carries only a report). When it is
/// still running after `estimate`, `late` runs once, while the command goes on; an error from
/// `late` is returned once the command has finished.
pub async fn run_watched<E, Fut>(
    command: &[String],
    stdout_to_stderr: bool,
    estimate: Option<Duration>,
    late: impl FnOnce() -> Fut,
) -> Result<Finished, E>
where
    Fut: Future<Output = Result<(), E>>,
{
    let started = Instant::now();
    let Some((program, args)) = command.split_first() else {
        return Ok(Finished {
            exit_code: 127,
            delayed: false,
            elapsed: Duration::ZERO,
        });
    };
    let mut process = Command::new(program);
    process.args(args);
    if stdout_to_stderr {
        if let Ok(stderr) = std::os::fd::AsFd::as_fd(&std::io::stderr()).try_clone_to_owned() {
            process.stdout(stderr);
        }
    }
    let mut child = match process.spawn() {
        Ok(child) => child,
        Err(e) => {
            tracing::error!("cannot run `{program}`: {e}");
            return Ok(Finished {
                exit_code: 127,
                delayed: false,
                elapsed: started.elapsed(),
            });
        }
    };
    let (done, mut waited) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait());
    });
    let mut delayed = false;
    let mut late_result = Ok(());
    let status = match estimate {
        Some(estimate) => tokio::select! {
            status = &mut waited => status,
            () = tokio::time::sleep(estimate) => {
                delayed = true;
                late_result = late().await;
                waited.await
            }
        },
        None => waited.await,
    };
    late_result?;
    let exit_code = match status {
        Ok(Ok(status)) => exit_code_of(status),
        Ok(Err(e)) => {
            tracing::error!("waiting for `{program}` failed: {e}");
            1
        }
        Err(_) => 1,
    };
    Ok(Finished {
        exit_code,
        delayed,
        elapsed: started.elapsed(),
    })
}

/// The exit code, or 128 + the signal that killed it.
fn exit_code_of(status: ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt as _;
    status
        .code()
        .or_else(|| status.signal().map(|s| 128 + s))
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    async fn watch(words: &[&str], estimate_ms: u64) -> (Finished, bool) {
        let mut called = false;
        let finished = run_watched::<(), _>(
            &argv(words),
            false,
            Some(Duration::from_millis(estimate_ms)),
            || {
                called = true;
                async { Ok(()) }
            },
        )
        .await
        .unwrap();
        (finished, called)
    }

    #[tokio::test]
    async fn early_late_failing_killed_and_missing_commands() {
        let (f, late) = watch(&["true"], 5000).await;
        assert_eq!((f.exit_code, f.delayed, late), (0, false, false));
        let (f, late) = watch(&["sh", "-c", "sleep 0.3"], 50).await;
        assert_eq!((f.exit_code, f.delayed, late), (0, true, true));
        assert!(f.elapsed >= Duration::from_millis(300));
        let (f, _) = watch(&["sh", "-c", "exit 7"], 5000).await;
        assert_eq!(f.exit_code, 7);
        let (f, _) = watch(&["sh", "-c", "kill -TERM $$"], 5000).await;
        assert_eq!(f.exit_code, 128 + 15);
        let (f, _) = watch(&["/no/such/program"], 5000).await;
        assert_eq!(f.exit_code, 127);
    }
}
