//! The deploy job's own proof that it deploys what was promoted: an accepted command of
//! shipgate's for this environment and tag, recent, and the job's commit equal to the commit
//! that command accepted, to the tag's commit now, and to the commit the environment before ran
//! successfully. A direct dispatch, a re-pointed tag or a hand-made pipeline fails one of them.
use jiff::{SignedDuration, Timestamp};

use super::answer::Answer;
use super::checks::{Check, Gate, short};

/// Whether `accepted` (the latest accepted command of ours for `environment` and `tag`) allows a
/// deployment now: it exists and is not older than `lock_timeout_minutes`.
pub fn promotion_accepted(
    accepted: Option<&Answer>,
    environment: &str,
    tag: &str,
    now: Timestamp,
    lock_timeout_minutes: u32,
) -> Check {
    let Some(answer) = accepted else {
        return Check::fail(
            Gate::Promotion,
            format!(
                "shipgate accepted no command to deploy {tag} to {environment}; comment \
                 `/promote {environment}` on the deployment issue instead of starting the job by hand"
            ),
        );
    };
    let timeout = SignedDuration::from_mins(i64::from(lock_timeout_minutes));
    if now.duration_since(answer.at) <= timeout {
        Check::pass(
            Gate::Promotion,
            format!(
                "`{}` of {tag} to {environment} was accepted at {} (comment {})",
                answer.word, answer.at, answer.comment_id
            ),
        )
    } else {
        Check::fail(
            Gate::Promotion,
            format!(
                "the `{}` of {tag} to {environment} accepted at {} is older than \
                 promote.lock_timeout ({lock_timeout_minutes}m); comment again",
                answer.word, answer.at
            ),
        )
    }
}

/// The commits a deploy job is checked against.
#[derive(Debug, Clone, Default)]
pub struct Commits<'a> {
    /// The job's own commit (`GITHUB_SHA`, `CI_COMMIT_SHA`).
    pub job: Option<&'a str>,
    /// The commit the dispatch or pipeline said it was started for.
    pub expected: Option<&'a str>,
    /// The commit the accepted command names.
    pub accepted: Option<&'a str>,
    /// The tag's commit on the forge now.
    pub tag: Option<&'a str>,
    /// The commit that passed before: the previous environment's successful deployment of the
    /// tag (a promotion), or this environment's earlier one (a rollback).
    pub passed: Option<(&'a str, String)>,
}

/// Whether every commit known agrees with the job's own.
pub fn same_commit(tag: &str, commits: &Commits<'_>) -> Check {
    let Some(job) = commits.job else {
        return Check::fail(
            Gate::What,
            "the job's commit is unknown (GITHUB_SHA or CI_COMMIT_SHA unset, no repository); \
             pass --commit",
        );
    };
    let differs = |other: Option<&str>| other.is_some_and(|o| !o.eq_ignore_ascii_case(job));
    let mismatch = if commits.tag.is_none() {
        Some(format!("the tag {tag} does not exist on the forge"))
    } else if differs(commits.tag) {
        Some(format!(
            "the tag {tag} points at {}, not at the job's commit {}",
            short(commits.tag.unwrap_or_default()),
            short(job)
        ))
    } else if differs(commits.accepted) {
        Some(format!(
            "the promotion accepted commit {}, but the job runs {}; the tag moved after it was \
             accepted",
            short(commits.accepted.unwrap_or_default()),
            short(job)
        ))
    } else if differs(commits.expected) {
        Some(format!(
            "the job was started for commit {}, but runs {}",
            short(commits.expected.unwrap_or_default()),
            short(job)
        ))
    } else if let Some((passed, where_)) = commits.passed.as_ref().filter(|(p, _)| differs(Some(p)))
    {
        Some(format!(
            "{where_} ran {tag} at commit {}, not the job's {}",
            short(passed),
            short(job)
        ))
    } else {
        None
    };
    match mismatch {
        Some(why) => Check::fail(Gate::What, format!("{why}: refusing to deploy")),
        None => Check::pass(
            Gate::What,
            format!(
                "the job deploys {tag} at {}, the commit that passed",
                short(job)
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::promote::Verdict;

    fn accepted(at: &str) -> Answer {
        Answer {
            comment_id: 5,
            verdict: Verdict::Accepted,
            word: "promote".to_owned(),
            environment: Some("production".to_owned()),
            tag: Some("v1.2.0".to_owned()),
            sha: Some("aaaa1111".to_owned()),
            override_window: false,
            at: at.parse().unwrap(),
        }
    }

    fn now() -> Timestamp {
        "2026-11-24T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_job_needs_a_recent_accepted_command() {
        let check = promotion_accepted(None, "production", "v1.2.0", now(), 120);
        assert!(!check.passed && check.detail.contains("/promote production"));
        let recent = accepted("2026-11-24T11:00:00Z");
        assert!(promotion_accepted(Some(&recent), "production", "v1.2.0", now(), 120).passed);
        let old = accepted("2026-11-24T08:00:00Z");
        let check = promotion_accepted(Some(&old), "production", "v1.2.0", now(), 120);
        assert!(!check.passed && check.detail.contains("older than"));
    }

    #[test]
    fn every_commit_must_be_the_jobs() {
        let good = Commits {
            job: Some("aaaa1111"),
            expected: Some("aaaa1111"),
            accepted: Some("aaaa1111"),
            tag: Some("AAAA1111"),
            passed: Some(("aaaa1111", "stage".to_owned())),
        };
        assert!(same_commit("v1.2.0", &good).passed);
        let cases = [
            (
                Commits {
                    job: None,
                    ..good.clone()
                },
                "unknown",
            ),
            (
                Commits {
                    tag: None,
                    ..good.clone()
                },
                "does not exist",
            ),
            (
                Commits {
                    tag: Some("bbbb"),
                    ..good.clone()
                },
                "points at",
            ),
            (
                Commits {
                    accepted: Some("bbbb"),
                    ..good.clone()
                },
                "moved after",
            ),
            (
                Commits {
                    expected: Some("bbbb"),
                    ..good.clone()
                },
                "started for",
            ),
            (
                Commits {
                    passed: Some(("bbbb", "stage".to_owned())),
                    ..good.clone()
                },
                "stage ran",
            ),
        ];
        for (commits, why) in cases {
            let check = same_commit("v1.2.0", &commits);
            assert!(
                !check.passed && check.detail.contains(why),
                "{why}: {}",
                check.detail
            );
        }
    }
}
