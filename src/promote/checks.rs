//! The checks a command must pass, as pure functions of what the forge said. Each gives a
//! [`Check`] that a reply shows as one line, passed or failed, with the reason.
use std::fmt;

use jiff::{SignedDuration, Timestamp};

use crate::forge::{CiJob, Deployment, DeploymentState, Permission};
use crate::window::{Calendar, Verdict as WindowVerdict};

use super::answer::{Answer, Verdict};

/// Which question a check answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// The command itself is valid here (known environment, fresh comment).
    Command,
    /// Who: the commenter may do this.
    Who,
    /// What: the artifact that passed the previous environment.
    What,
    /// When: the deployment window.
    When,
    /// Alone: nothing else deploying, not on hold.
    Alone,
    /// Promotion: the deploy job was started by an accepted command.
    Promotion,
    /// Ready: the release commit's CI is green.
    Ready,
}

impl fmt::Display for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Command => "command",
            Self::Who => "who",
            Self::What => "what",
            Self::When => "when",
            Self::Alone => "alone",
            Self::Promotion => "promotion",
            Self::Ready => "ready",
        })
    }
}

/// One check's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The question.
    pub gate: Gate,
    /// Whether it passed.
    pub passed: bool,
    /// Why, one sentence.
    pub detail: String,
}

impl Check {
    /// A passed check.
    pub fn pass(gate: Gate, detail: impl Into<String>) -> Self {
        Self {
            gate,
            passed: true,
            detail: detail.into(),
        }
    }

    /// A failed check.
    pub fn fail(gate: Gate, detail: impl Into<String>) -> Self {
        Self {
            gate,
            passed: false,
            detail: detail.into(),
        }
    }
}

/// The permission name people know (`maintain`), as GitHub names roles.
pub fn permission_name(permission: Permission) -> &'static str {
    match permission {
        Permission::None => "no access",
        Permission::Read => "read",
        Permission::Triage => "triage",
        Permission::Write => "write",
        Permission::Maintain => "maintain",
        Permission::Admin => "admin",
    }
}

/// Whether `who` holds `required`.
pub fn permission_check(who: &str, has: Permission, required: Permission, why: &str) -> Check {
    let text = format!(
        "@{who} has {} on the repository; {why} needs {}",
        permission_name(has),
        permission_name(required)
    );
    if has >= required {
        Check::pass(Gate::Who, text)
    } else {
        Check::fail(Gate::Who, text)
    }
}

/// Whether the comment is recent enough to act on.
pub fn freshness(created_at: Timestamp, now: Timestamp, max_age_minutes: u32) -> Check {
    let age = now.duration_since(created_at);
    let max = SignedDuration::from_mins(i64::from(max_age_minutes));
    if age > max {
        Check::fail(
            Gate::Command,
            format!(
                "the comment is {} old, more than promote.max_comment_age ({max_age_minutes}m); comment again",
                minutes_text(age)
            ),
        )
    } else {
        Check::pass(Gate::Command, "the comment is recent")
    }
}

/// Whether `previous` has a successful deployment of exactly `tag` at `sha`: the newest
/// deployment of the tag there must be a success of the same commit.
pub fn previous_passed(
    release: &[Deployment],
    previous: &str,
    tag: &str,
    sha: &str,
) -> Result<Deployment, Check> {
    let newest = release
        .iter()
        .filter(|d| d.environment == previous && d.git_ref == tag)
        .max_by_key(|d| d.id);
    match newest {
        None => Err(Check::fail(
            Gate::What,
            format!("{previous} has no deployment of {tag}; deploy and verify it there first"),
        )),
        Some(d) if d.state != Some(DeploymentState::Success) => Err(Check::fail(
            Gate::What,
            format!(
                "the latest {previous} deployment of {tag} (deployment {}) is {}, not success",
                d.id,
                d.state
                    .map_or("without a state".to_owned(), |s| s.to_string())
            ),
        )),
        Some(d) if !d.sha.eq_ignore_ascii_case(sha) => Err(Check::fail(
            Gate::What,
            format!(
                "{previous} deployed {tag} at commit {}, but the tag now points at {}; the tag \
                 moved, so this artifact never passed {previous}",
                short(&d.sha),
                short(sha)
            ),
        )),
        Some(d) => Ok(d.clone()),
    }
}

/// The failed checks, `gate: detail`, joined by `; ` (empty when every check passed).
pub fn failed_reasons(checks: &[Check]) -> String {
    checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| format!("{}: {}", c.gate, c.detail))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Whether `environment` already runs `tag` successfully (promoting again would redeploy it).
pub fn not_deployed_yet(release: &[Deployment], environment: &str, tag: &str) -> Option<Check> {
    let newest = release
        .iter()
        .filter(|d| d.environment == environment && d.git_ref == tag)
        .max_by_key(|d| d.id)?;
    (newest.state == Some(DeploymentState::Success)).then(|| {
        Check::fail(
            Gate::What,
            format!(
                "{tag} is already deployed to {environment} (deployment {})",
                newest.id
            ),
        )
    })
}

/// The deployment to roll `environment` back to, by the one rule of
/// [`rollback_target`](super::rollback::rollback_target): `wanted`, else the newest successful
/// deployment of another release tag than the one it runs. Deployments are newest first.
pub fn rollback_check(
    deployments: &[Deployment],
    environment: &str,
    wanted: Option<&str>,
    tag_prefix: &str,
) -> Result<Deployment, Check> {
    let Some(current) = super::rollback::running_release(deployments, tag_prefix) else {
        return Err(Check::fail(
            Gate::What,
            format!("{environment} has no successful deployment to roll back from"),
        ));
    };
    if wanted == Some(current.git_ref.as_str()) {
        return Err(Check::fail(
            Gate::What,
            format!("{environment} already runs {}", current.git_ref),
        ));
    }
    let found = super::rollback::rollback_target(deployments, &current.git_ref, wanted, tag_prefix);
    found.cloned().ok_or_else(|| {
        Check::fail(
            Gate::What,
            match wanted {
                Some(tag) => format!(
                    "{tag} was never deployed successfully to {environment}; roll back to a version that was"
                ),
                None => format!(
                    "{environment} has no earlier successful version than {}",
                    current.git_ref
                ),
            },
        )
    })
}

/// The window's answer as a check; an override by an admin passes it with the reason recorded.
pub fn window_check(
    calendar: &Calendar,
    verdict: &WindowVerdict,
    override_reason: Option<&str>,
) -> Check {
    match (verdict.allowed, override_reason) {
        (true, _) => Check::pass(Gate::When, "inside the deployment window"),
        (false, Some(reason)) => Check::pass(
            Gate::When,
            format!(
                "outside the window ({}), overridden: {reason}",
                verdict.reason()
            ),
        ),
        (false, None) => {
            let next = verdict.next.map_or_else(
                || " No allowed moment was found ahead.".to_owned(),
                |t| format!(" Next allowed: {}.", calendar.local(t)),
            );
            Check::fail(
                Gate::When,
                format!("outside the deployment window: {}.{next}", verdict.reason()),
            )
        }
    }
}

/// Whether another deployment of `environment` is queued or in progress (younger than
/// `lock_timeout`; the asking job's own deployment does not count), or an accepted command of ours
/// is still waiting for its deployment to appear.
pub fn alone(
    environment: &str,
    deployments: &[Deployment],
    answers: &[Answer],
    own: &CiJob,
    now: Timestamp,
    lock_timeout_minutes: u32,
) -> Check {
    let timeout = SignedDuration::from_mins(i64::from(lock_timeout_minutes));
    let recent = |at: Timestamp| now.duration_since(at) <= timeout;
    let busy = deployments.iter().find(|d| {
        matches!(
            d.state,
            Some(DeploymentState::Queued | DeploymentState::InProgress)
        ) && !d.belongs_to(own)
            && recent(d.state_at.unwrap_or(d.created_at))
    });
    if let Some(d) = busy {
        return Check::fail(
            Gate::Alone,
            format!(
                "{} of {environment} is {} (deployment {}, by {}); wait for it to finish",
                d.git_ref,
                d.state.map_or(String::new(), |s| s.to_string()),
                d.id,
                d.state_by.as_deref().unwrap_or(&d.creator)
            ),
        );
    }
    let latest_deployment = deployments.iter().map(|d| d.created_at).max();
    let failed_later = |a: &Answer| {
        answers
            .iter()
            .any(|b| b.comment_id == a.comment_id && b.verdict == Verdict::Failed)
    };
    let pending = answers.iter().rev().find(|a| {
        a.verdict == Verdict::Accepted
            && !failed_later(a)
            && a.environment.as_deref() == Some(environment)
            && recent(a.at)
            && latest_deployment.is_none_or(|latest| a.at > latest)
    });
    if let Some(a) = pending {
        return Check::fail(
            Gate::Alone,
            format!(
                "a {} of {} to {environment} was accepted at {} and its deployment has not \
                 started yet",
                a.word,
                a.tag.as_deref().unwrap_or("a release"),
                a.at
            ),
        );
    }
    Check::pass(
        Gate::Alone,
        format!("nothing else is deploying to {environment}"),
    )
}

/// The hold in force, if any: the latest accepted `/hold` or `/unhold` of ours decides.
pub fn hold_in_force(answers: &[Answer]) -> Option<&Answer> {
    answers
        .iter()
        .rev()
        .find(|a| a.verdict == Verdict::Accepted && (a.word == "hold" || a.word == "unhold"))
        .filter(|a| a.word == "hold")
}

/// The hold as a check.
pub fn hold_check(answers: &[Answer]) -> Check {
    match hold_in_force(answers) {
        Some(a) => Check::fail(
            Gate::Alone,
            format!("the release is on hold since {}; `unhold` it first", a.at),
        ),
        None => Check::pass(Gate::Alone, "the release is not on hold"),
    }
}

/// Whether every decision of shipgate's on the issue is as shipgate wrote it.
pub fn untampered(tampered: &[u64]) -> Check {
    match tampered {
        [] => Check::pass(
            Gate::Alone,
            "every decision of shipgate's on the issue is as it was written",
        ),
        ids => Check::fail(
            Gate::Alone,
            format!(
                "shipgate's replies {} were edited after they were written; they decide nothing \
                 and stop promotions: review them, then delete them",
                ids.iter()
                    .map(|id| format!("(comment {id})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
    }
}

fn minutes_text(duration: SignedDuration) -> String {
    let minutes = duration.as_mins();
    if minutes >= 120 {
        format!("{}h{:02}m", minutes / 60, minutes % 60)
    } else {
        format!("{minutes}m")
    }
}

/// The first 7 characters of a commit id.
pub fn short(sha: &str) -> &str {
    sha.get(..7).unwrap_or(sha)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(id: u64, env: &str, tag: &str, state: DeploymentState, at: &str) -> Deployment {
        Deployment {
            id,
            environment: env.to_owned(),
            git_ref: tag.to_owned(),
            sha: format!("{tag}-sha"),
            state: Some(state),
            creator: "ci".to_owned(),
            created_at: at.parse().unwrap(),
            ci_run: Some(format!("run-{id}")),
            ci_job: None,
            state_url: None,
            state_at: Some(at.parse().unwrap()),
            state_by: None,
        }
    }

    fn now() -> Timestamp {
        "2026-11-24T12:00:00Z".parse().unwrap()
    }

    use DeploymentState::{Failure, InProgress, Success};

    #[test]
    fn promotion_needs_the_same_commit_to_have_passed_before() {
        let ok = [deployment(
            1,
            "stage",
            "v1.2.0",
            Success,
            "2026-11-24T10:00:00Z",
        )];
        assert_eq!(
            previous_passed(&ok, "stage", "v1.2.0", "v1.2.0-sha")
                .unwrap()
                .id,
            1
        );
        let moved = previous_passed(&ok, "stage", "v1.2.0", "other-sha").unwrap_err();
        assert!(moved.detail.contains("the tag moved"), "{}", moved.detail);
        let none = previous_passed(&ok, "stage", "v1.3.0", "x").unwrap_err();
        assert!(none.detail.contains("no deployment of v1.3.0"));
        let failed_later = [
            deployment(1, "stage", "v1.2.0", Success, "2026-11-24T10:00:00Z"),
            deployment(2, "stage", "v1.2.0", Failure, "2026-11-24T11:00:00Z"),
        ];
        let failed = previous_passed(&failed_later, "stage", "v1.2.0", "v1.2.0-sha").unwrap_err();
        assert!(failed.detail.contains("is failure"), "{}", failed.detail);
    }

    #[test]
    fn rollback_goes_to_the_previous_successful_version() {
        // Newest first.
        let history = [
            deployment(5, "production", "v1.3.0", Success, "2026-11-24T10:00:00Z"),
            deployment(4, "production", "v1.2.1", Failure, "2026-11-23T10:00:00Z"),
            deployment(3, "production", "v1.3.0", Success, "2026-11-22T10:00:00Z"),
            deployment(2, "production", "v1.2.0", Success, "2026-11-21T10:00:00Z"),
            deployment(1, "production", "v1.1.0", Success, "2026-11-20T10:00:00Z"),
        ];
        let target = |w| rollback_check(&history, "production", w, "v");
        assert_eq!(target(None).unwrap().git_ref, "v1.2.0");
        assert_eq!(target(Some("v1.1.0")).unwrap().git_ref, "v1.1.0");
        assert!(
            target(Some("v1.2.1"))
                .unwrap_err()
                .detail
                .contains("never deployed successfully")
        );
        assert!(
            target(Some("v1.3.0"))
                .unwrap_err()
                .detail
                .contains("already runs")
        );
        assert!(
            rollback_check(&history[..1], "production", None, "v")
                .unwrap_err()
                .detail
                .contains("no earlier")
        );
        assert!(
            rollback_check(&[], "production", None, "v")
                .unwrap_err()
                .detail
                .contains("no successful")
        );
    }

    #[test]
    fn in_progress_deployments_lock_the_environment_until_the_timeout() {
        let busy = [deployment(
            7,
            "production",
            "v1.1.0",
            InProgress,
            "2026-11-24T11:30:00Z",
        )];
        let nobody = CiJob::default();
        assert!(!alone("production", &busy, &[], &nobody, now(), 120).passed);
        // Our own run's deployment is not someone else's.
        let own = CiJob {
            run: Some("run-7".to_owned()),
            job: None,
        };
        assert!(alone("production", &busy, &[], &own, now(), 120).passed);
        // A job that died long ago no longer locks.
        assert!(alone("production", &busy, &[], &nobody, now(), 20).passed);
        let done = [deployment(
            7,
            "production",
            "v1.1.0",
            Success,
            "2026-11-24T11:30:00Z",
        )];
        assert!(alone("production", &done, &[], &nobody, now(), 120).passed);
    }

    #[test]
    fn the_deployment_gitlab_made_for_this_job_is_ours_and_a_sibling_jobs_is_not() {
        let mut platform = deployment(
            9,
            "production",
            "v1.2.0",
            InProgress,
            "2026-11-24T11:55:00Z",
        );
        platform.ci_run = Some("500".to_owned());
        platform.ci_job = Some("41".to_owned());
        let busy = [platform];
        let this_job = CiJob {
            run: Some("500".to_owned()),
            job: Some("41".to_owned()),
        };
        assert!(alone("production", &busy, &[], &this_job, now(), 120).passed);
        let retried_job = CiJob {
            run: Some("500".to_owned()),
            job: Some("42".to_owned()),
        };
        assert!(!alone("production", &busy, &[], &retried_job, now(), 120).passed);
    }

    #[test]
    fn an_accepted_promotion_waiting_for_its_deployment_locks_too() {
        let accepted = Answer {
            comment_id: 3,
            verdict: Verdict::Accepted,
            word: "promote".to_owned(),
            environment: Some("production".to_owned()),
            tag: Some("v1.2.0".to_owned()),
            sha: None,
            override_window: false,
            at: "2026-11-24T11:50:00Z".parse().unwrap(),
        };
        let old = [deployment(
            7,
            "production",
            "v1.1.0",
            Success,
            "2026-11-24T09:00:00Z",
        )];
        let check = alone(
            "production",
            &old,
            std::slice::from_ref(&accepted),
            &CiJob::default(),
            now(),
            120,
        );
        assert!(!check.passed, "{}", check.detail);
        let started = [deployment(
            8,
            "production",
            "v1.2.0",
            Success,
            "2026-11-24T11:55:00Z",
        )];
        assert!(
            alone(
                "production",
                &started,
                std::slice::from_ref(&accepted),
                &CiJob::default(),
                now(),
                120
            )
            .passed
        );
        assert!(alone("stage", &old, &[accepted], &CiJob::default(), now(), 120).passed);
    }

    #[test]
    fn the_latest_hold_or_unhold_decides() {
        let answer = |word: &str, verdict| Answer {
            comment_id: 1,
            verdict,
            word: word.to_owned(),
            environment: None,
            tag: None,
            sha: None,
            override_window: false,
            at: "2026-11-24T11:00:00Z".parse().unwrap(),
        };
        assert!(hold_check(&[]).passed);
        assert!(!hold_check(&[answer("hold", Verdict::Accepted)]).passed);
        assert!(hold_check(&[answer("hold", Verdict::Refused)]).passed);
        assert!(
            hold_check(&[
                answer("hold", Verdict::Accepted),
                answer("unhold", Verdict::Accepted)
            ])
            .passed
        );
        assert!(
            !hold_check(&[
                answer("hold", Verdict::Accepted),
                answer("unhold", Verdict::Refused)
            ])
            .passed
        );
    }

    #[test]
    fn old_comments_are_refused() {
        assert!(freshness("2026-11-24T11:00:00Z".parse().unwrap(), now(), 120).passed);
        let old = freshness("2026-11-20T11:00:00Z".parse().unwrap(), now(), 120);
        assert!(
            !old.passed && old.detail.contains("97h00m old"),
            "{}",
            old.detail
        );
    }

    #[test]
    fn permissions_compare_in_role_order() {
        assert!(permission_check("a", Permission::Admin, Permission::Maintain, "promoting").passed);
        let low = permission_check("a", Permission::Write, Permission::Maintain, "promoting");
        assert!(!low.passed);
        assert_eq!(
            low.detail,
            "@a has write on the repository; promoting needs maintain"
        );
    }
}
