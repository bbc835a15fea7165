//! `maintenance` gates: the environment's status command must print `off`.
use super::command::{self, Ended};
use super::http::excerpt;
use super::model::{MaintenanceCheck, Measured, Outcome, Verdict};
use super::scrub::Scrubber;

/// What a status command's output says, by its first word (case ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Said {
    On,
    Off,
    Neither,
}

fn said(out: &str) -> Said {
    match out
        .split_whitespace()
        .next()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("on") => Said::On,
        Some("off") => Said::Off,
        _ => Said::Neither,
    }
}

/// Ask the status command: `off` passes, `on` fails, anything else (no answer, an exit other
/// than 0, a timeout) is inconclusive — the gate cannot tell.
pub(crate) async fn evaluate(
    check: &MaintenanceCheck,
    scrub: &Scrubber,
    env: &[(String, String)],
) -> Outcome {
    let environment = &check.environment;
    let shown = command::shown(&check.command);
    let (ended, ms) = command::run(&check.command, env).await;
    let mut measured = vec![Measured::new("time_ms", ms)];
    let (verdict, detail) = match ended {
        Ended::NotStarted(e) => (
            Verdict::Inconclusive,
            format!("`{shown}` could not start: {e}"),
        ),
        Ended::TimedOut => (
            Verdict::Inconclusive,
            format!(
                "`{shown}` did not answer within {}s",
                check.command.timeout.as_secs()
            ),
        ),
        Ended::Exited { status, out, err } if !status.success() => {
            let said = if err.trim().is_empty() { &out } else { &err };
            (
                Verdict::Inconclusive,
                format!(
                    "`{shown}` exited {}; output: {}",
                    command::exit_code(status),
                    excerpt(said, scrub)
                ),
            )
        }
        Ended::Exited { out, .. } => {
            let answer = said(&out);
            measured.insert(
                0,
                Measured::new(
                    "maintenance",
                    match answer {
                        Said::On => "on",
                        Said::Off => "off",
                        Said::Neither => "unknown",
                    },
                ),
            );
            match answer {
                Said::Off => (
                    Verdict::Pass,
                    format!("maintenance is off in {environment}"),
                ),
                Said::On => (
                    Verdict::Fail,
                    format!(
                        "maintenance is still on in {environment}: switch it off \
                         (shipgate-deploy maintenance off, deploy.{environment}.maintenance.off)"
                    ),
                ),
                Said::Neither => (
                    Verdict::Inconclusive,
                    format!("`{shown}` printed {}, not on or off", excerpt(&out, scrub)),
                ),
            }
        }
    };
    Outcome::new(verdict, detail, measured)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::verify::model::CommandCheck;

    fn gate(script: &str) -> MaintenanceCheck {
        MaintenanceCheck {
            environment: "production".to_owned(),
            command: CommandCheck {
                argv: vec![
                    format!("{script} \"$@\""),
                    "shipgate-maintenance-status".to_owned(),
                    "production".to_owned(),
                ],
                shell: true,
                timeout: Duration::from_secs(5),
                dir: std::env::temp_dir(),
            },
        }
    }

    async fn verdict(script: &str) -> (Verdict, String) {
        let outcome = evaluate(&gate(script), &Scrubber::default(), &[]).await;
        (outcome.verdict, outcome.summary)
    }

    #[tokio::test]
    async fn off_passes_on_fails_and_anything_else_is_inconclusive() {
        assert_eq!(verdict("echo OFF").await.0, Verdict::Pass);
        let (on, detail) = verdict("printf 'on\\nsince 10:02\\n'").await;
        assert_eq!(on, Verdict::Fail);
        assert!(detail.contains("still on in production"), "{detail}");
        for script in ["echo maybe", "true", "exit 3", "/nonexistent/status"] {
            assert_eq!(verdict(script).await.0, Verdict::Inconclusive, "{script}");
        }
        // The environment arrives as the command's first argument.
        assert_eq!(
            verdict("f() { [ \"$1\" = production ] && echo off; }; f")
                .await
                .0,
            Verdict::Pass
        );
    }
}
