//! `shipgate-promote check`: the gate at the start of the deploy job. Every environment after
//! the first deploys only what shipgate accepted a command for, at the commit that passed; and
//! the window, freeze, hold and lock are asked again — a freeze may have begun, or someone may
//! have held the release, since the comment was accepted.
use semver::Version;

use crate::deploy_issue::Image;
use crate::forge::{CiJob, Deployment, DeploymentQuery, Forge, scan};
use crate::issue::{own_open_issues, sealed_claim, sealed_release};
use crate::window::Risk;

use super::answer::{Answer, Verdict, answers, tampered};
use super::checks::{Check, Gate, alone, hold_check, previous_passed, untampered, window_check};
use super::decide::{Policy, claimed_twice, created_before, lock_window_start};
use super::error::PromoteError;
use super::trust::{Commits, promotion_accepted, same_commit};

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
    /// The commit the job deploys (`GITHUB_SHA`, `CI_COMMIT_SHA`, else the checkout's HEAD).
    pub commit: Option<String>,
    /// The commit the dispatch or pipeline was started for (`SHIPGATE_COMMIT`), when it says.
    pub expected_commit: Option<String>,
}

/// What `check` tells the deploy job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobVerdict {
    /// Every check passed: the job may deploy.
    pub allowed: bool,
    /// The failed checks, `gate: detail` joined by `; ` (empty when allowed).
    pub reason: String,
}

impl JobVerdict {
    /// The verdict of `checks`.
    pub fn of(checks: &[Check]) -> Self {
        Self {
            allowed: checks.iter().all(|c| c.passed),
            reason: super::checks::failed_reasons(checks),
        }
    }

    /// One line: `allowed: TAG to ENV (risk R)` or `denied: TAG to ENV: REASON`.
    pub fn text(&self, tag: &str, environment: &str, risk: Risk) -> String {
        if self.allowed {
            format!("allowed: {tag} to {environment} (risk {risk})\n")
        } else {
            format!("denied: {tag} to {environment}: {}\n", self.reason)
        }
    }

    /// The job summary of a denial (Markdown); none when allowed.
    pub fn summary(&self, tag: &str, environment: &str) -> Option<String> {
        (!self.allowed).then(|| {
            format!(
                "### Deployment of `{tag}` to {environment} stopped\n\n{}\n",
                self.reason
            )
        })
    }
}

/// What the checks found: every check, and the images the deployment issue sealed for the
/// release (what an environment after the first deploys, pinned by digest).
#[derive(Debug, Clone)]
pub struct JobChecked {
    /// Every check, in order; the job may go on when all passed.
    pub checks: Vec<Check>,
    /// The images of the issue's sealed claim (none when it sealed none, or there is no issue).
    pub images: Vec<Image>,
}

impl JobChecked {
    /// The outputs: `images` (`NAME=REF` joined by `,`) and `image` (the reference when exactly
    /// one image is sealed, else empty).
    pub fn outputs(&self) -> [(&'static str, String); 2] {
        let images = self
            .images
            .iter()
            .map(|i| format!("{}={}", i.name, i.reference))
            .collect::<Vec<_>>()
            .join(",");
        let image = match self.images.as_slice() {
            [one] => one.reference.clone(),
            _ => String::new(),
        };
        [("images", images), ("image", image)]
    }
}

/// Every check, in order, and the sealed images; the job may go on when all checks passed.
pub async fn check_job<F: Forge>(
    forge: &F,
    policy: Policy<'_>,
    job: &JobCheck,
) -> Result<JobChecked, PromoteError> {
    let tag = crate::release::tag_name(policy.tag_prefix, &job.version);
    let own_login = forge.own_login().await?;
    // The issues whose body names the release, kept when shipgate's sealed comment agrees: an
    // edited body neither adds a claim nor takes one away from the issue shipgate opened.
    let mut claiming = Vec::new();
    for (_, issue) in own_open_issues(forge, &own_login)
        .await?
        .into_iter()
        .filter(|(version, _)| *version == job.version)
    {
        let comments = forge.comments(issue.number).await?;
        if sealed_release(&comments, &own_login, policy.seal, issue.number).as_ref()
            == Some(&job.version)
        {
            claiming.push((issue, comments));
        } else {
            tracing::warn!(
                issue = issue.number,
                "the issue's body names {tag} but shipgate's sealed comment does not: ignored"
            );
        }
    }
    let mut checks = Vec::new();
    if let Some(check) = claiming.get(1..).and_then(|others| {
        let numbers: Vec<u64> = others.iter().map(|(i, _)| i.number).collect();
        claimed_twice(&job.version, &numbers, policy.tag_prefix)
    }) {
        checks.push(check);
    }
    let (ours, altered, images) = match claiming.into_iter().next() {
        Some((issue, comments)) => (
            answers(&comments, &own_login, policy.seal, issue.number),
            tampered(&comments, &own_login, policy.seal, issue.number),
            sealed_claim(&comments, &own_login, policy.seal, issue.number)
                .map(|claim| claim.images)
                .unwrap_or_default(),
        ),
        None => {
            tracing::warn!("no open deployment issue for {tag}: no promotion, hold or override");
            (Vec::new(), Vec::new(), Vec::new())
        }
    };
    let position = policy
        .environments
        .iter()
        .position(|e| *e == job.environment);
    // The first environment is deployed by the tag's own pipeline; every later one only by an
    // accepted command.
    let promoted = position != Some(0);
    let accepted = latest_accepted(&ours, &job.environment, &tag);
    let rollback = accepted.is_some_and(|a| a.word == "rollback");
    if promoted {
        checks.push(promotion_accepted(
            accepted,
            &job.environment,
            &tag,
            policy.now,
            policy.promote.lock_timeout.0,
        ));
    }
    let release = forge.release_deployments(&tag).await?;
    let passed = match (rollback, position) {
        (true, _) => release
            .iter()
            .filter(|d| d.environment == job.environment && d.git_ref == tag)
            .find(|d| d.state == Some(crate::forge::DeploymentState::Success))
            .map(|d| (d.sha.as_str(), format!("{} before", job.environment))),
        (false, Some(i)) if i > 0 => {
            let previous = &policy.environments[i - 1];
            match previous_passed(
                &release,
                previous,
                &tag,
                job.commit.as_deref().unwrap_or(""),
            ) {
                Ok(_) => None,
                Err(check) => {
                    checks.push(check);
                    None
                }
            }
        }
        _ => None,
    };
    let tag_commit = forge.tag_commit(&tag).await?;
    checks.push(same_commit(
        &tag,
        &Commits {
            job: job.commit.as_deref(),
            expected: job.expected_commit.as_deref(),
            accepted: accepted.and_then(|a| a.sha.as_deref()),
            tag: tag_commit.as_deref(),
            passed,
        },
    ));
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
        checks.push(untampered(&altered));
    }
    let window_start = lock_window_start(policy);
    let deployments = scan(
        forge,
        &DeploymentQuery::environment(&job.environment),
        |read: &[Deployment]| read.last().is_some_and(|d| created_before(d, window_start)),
    )
    .await?;
    checks.push(alone(
        &job.environment,
        &deployments,
        &[],
        &job.job,
        policy.now,
        policy.promote.lock_timeout.0,
    ));
    Ok(JobChecked { checks, images })
}

/// The latest command of ours accepted for this environment and tag, and not followed by a
/// failure to start its deployment.
fn latest_accepted<'a>(answers: &'a [Answer], environment: &str, tag: &str) -> Option<&'a Answer> {
    let failed = |a: &Answer| {
        answers
            .iter()
            .any(|b| b.comment_id == a.comment_id && b.verdict == Verdict::Failed)
    };
    answers.iter().rev().find(|a| {
        a.verdict == Verdict::Accepted
            && a.environment.as_deref() == Some(environment)
            && a.tag.as_deref() == Some(tag)
            && !failed(a)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sealed_images_are_outputs() {
        let checked = |images: &[&str]| JobChecked {
            checks: Vec::new(),
            images: images.iter().map(|i| i.parse().unwrap()).collect(),
        };
        assert_eq!(
            checked(&[]).outputs(),
            [("images", String::new()), ("image", String::new())]
        );
        assert_eq!(
            checked(&["app=r.test/app@sha256:aa"]).outputs(),
            [
                ("images", "app=r.test/app@sha256:aa".to_owned()),
                ("image", "r.test/app@sha256:aa".to_owned())
            ]
        );
        assert_eq!(
            checked(&["app=r.test/app@sha256:aa", "worker=r.test/w@sha256:bb"]).outputs(),
            [
                (
                    "images",
                    "app=r.test/app@sha256:aa,worker=r.test/w@sha256:bb".to_owned()
                ),
                ("image", String::new())
            ]
        );
    }

    #[test]
    fn a_verdict_names_every_failed_check() {
        let allowed = JobVerdict::of(&[Check::pass(Gate::When, "inside the window")]);
        assert!(allowed.allowed && allowed.reason.is_empty());
        assert_eq!(
            allowed.text("v1.2.0", "production", Risk::Low),
            "allowed: v1.2.0 to production (risk low)\n"
        );
        assert_eq!(allowed.summary("v1.2.0", "production"), None);

        let denied = JobVerdict::of(&[
            Check::pass(Gate::When, "inside the window"),
            Check::fail(Gate::Alone, "on hold"),
            Check::fail(Gate::Promotion, "no command accepted"),
        ]);
        assert!(!denied.allowed);
        let text = denied.text("v1.2.0", "production", Risk::High);
        assert!(text.starts_with("denied: v1.2.0 to production: "), "{text}");
        assert!(
            text.contains("on hold") && text.contains("no command accepted"),
            "{text}"
        );
        assert!(!text.contains("inside the window"), "{text}");
        let summary = denied.summary("v1.2.0", "production").unwrap();
        assert!(
            summary.contains("`v1.2.0` to production stopped"),
            "{summary}"
        );
    }
}
