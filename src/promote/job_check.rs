//! `shipgate-promote check`: at the start of the deploy job, the window, freeze, hold and lock
//! are asked again — a freeze may have begun, or someone may have held the release, since the
//! comment was accepted.
use semver::Version;

use crate::forge::{CiJob, Forge};
use crate::issue::own_open_issue;
use crate::window::Risk;

use super::answer::{Answer, Verdict, answers};
use super::checks::{Check, Gate, alone, hold_check, window_check};
use super::decide::Policy;
use super::error::PromoteError;

/// What the deploy job is about to do.
#[derive(Debug, Clone)]
pub struct JobCheck {
    /// The environment.
    pub environment: String,
    /// The release.
    pub version: Version,
    /// The risk the window is judged with.
    pub risk: Risk,
    /// This CI job: its own deployment (the platform's, or the one it recorded) does not lock
    /// it out.
    pub job: CiJob,
}

/// Every check, in order; the job may go on when all passed.
pub async fn check_job<F: Forge>(
    forge: &F,
    policy: Policy<'_>,
    job: &JobCheck,
) -> Result<Vec<Check>, PromoteError> {
    let tag = format!("{}{}", policy.tag_prefix, job.version);
    let own_login = forge.own_login().await?;
    let ours = match own_open_issue(forge, &own_login, &job.version).await? {
        Some(issue) => answers(&forge.comments(issue.number).await?, &own_login),
        None => {
            tracing::warn!(
                "no open deployment issue for {tag}: no hold or window override can apply"
            );
            Vec::new()
        }
    };
    let accepted = latest_accepted(&ours, &job.environment, &tag);
    let rollback = accepted.is_some_and(|a| a.word == "rollback");
    let mut checks = Vec::new();
    if rollback {
        checks.push(Check::pass(
            Gate::When,
            "a rollback restores a known-good version and is not held by the window",
        ));
    } else {
        let verdict = policy
            .calendar
            .check(&job.environment, job.risk, policy.now);
        let overridden = accepted
            .filter(|a| a.override_window)
            .map(|a| format!("by the command accepted at {}", a.at));
        checks.push(window_check(
            policy.calendar,
            &verdict,
            overridden.as_deref(),
        ));
        checks.push(hold_check(&ours));
    }
    let deployments = forge.deployments(&job.environment).await?;
    checks.push(alone(
        &job.environment,
        &deployments,
        &[],
        &job.job,
        policy.now,
        policy.promote.lock_timeout.0,
    ));
    Ok(checks)
}

/// The latest command of ours accepted for this environment and tag.
fn latest_accepted<'a>(answers: &'a [Answer], environment: &str, tag: &str) -> Option<&'a Answer> {
    answers.iter().rev().find(|a| {
        a.verdict == Verdict::Accepted
            && a.environment.as_deref() == Some(environment)
            && a.tag.as_deref() == Some(tag)
    })
}
