//! The readiness gate: a release is promoted only when its commit's CI is green — the checks
//! `promote.required_checks` names, less `promote.ignored_checks`. A failed check refuses, a
//! pending or missing one waits.
use crate::config::promote::{CheckSet, RequiredChecks};
use crate::forge::{CiCheck, CiState};

use super::checks::{Check, Gate, short};

/// Whether the CI `checks` on `sha` let a promotion go on. `protected` is what branch protection
/// requires, where the forge has such a list.
pub fn readiness(
    sha: &str,
    checks: &[CiCheck],
    required: &RequiredChecks,
    protected: Option<&[String]>,
    ignored: &[String],
) -> Check {
    let counted = |name: &str| !ignored.iter().any(|i| i == name);
    let named: Option<Vec<String>> = match (required, protected) {
        (RequiredChecks::Kind(CheckSet::All), _)
        | (RequiredChecks::Kind(CheckSet::Required), None) => None,
        (RequiredChecks::Kind(CheckSet::Required), Some(names)) => Some(names.to_vec()),
        (RequiredChecks::Names(names), _) => Some(names.clone()),
    };
    let mut failed = Vec::new();
    let mut waiting = Vec::new();
    let mut passed = 0;
    let mut judge = |name: &str, state: Option<CiState>| match state {
        Some(CiState::Passed) => passed += 1,
        Some(CiState::Failed) => failed.push(name.to_owned()),
        Some(CiState::Pending) => waiting.push(name.to_owned()),
        None => waiting.push(format!("{name} (not reported yet)")),
    };
    match &named {
        None => checks
            .iter()
            .filter(|c| counted(&c.name))
            .for_each(|c| judge(&c.name, Some(c.state))),
        Some(names) => names.iter().filter(|n| counted(n)).for_each(|name| {
            // The worst state a check of that name reports.
            let state = checks
                .iter()
                .filter(|c| &c.name == name)
                .map(|c| c.state)
                .max_by_key(|s| match s {
                    CiState::Passed => 0,
                    CiState::Pending => 1,
                    CiState::Failed => 2,
                });
            judge(name, state)
        }),
    }
    let commit = short(sha);
    if !failed.is_empty() {
        Check::fail(
            Gate::Ready,
            format!(
                "CI failed on {commit}: {}; fix it and release again, or list the check in \
                 promote.ignored_checks",
                failed.join(", ")
            ),
        )
    } else if !waiting.is_empty() {
        Check::fail(
            Gate::Ready,
            format!(
                "CI has not finished on {commit}: waiting for {}; comment again when it is green",
                waiting.join(", ")
            ),
        )
    } else if passed == 0 {
        Check::pass(Gate::Ready, format!("no CI check is required on {commit}"))
    } else {
        Check::pass(
            Gate::Ready,
            format!("CI is green on {commit} ({passed} checks passed)"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, state: CiState) -> CiCheck {
        CiCheck {
            name: name.to_owned(),
            state,
        }
    }

    const SHA: &str = "abcdef1234567";

    #[test]
    fn every_check_counts_unless_ignored() {
        let all = RequiredChecks::default();
        let checks = [
            check("build", CiState::Passed),
            check("Production", CiState::Failed),
        ];
        let refused = readiness(SHA, &checks, &all, None, &[]);
        assert!(!refused.passed && refused.detail.contains("failed on abcdef1: Production"));
        let ignored = readiness(SHA, &checks, &all, None, &["Production".to_owned()]);
        assert!(ignored.passed, "{}", ignored.detail);
        let pending = [check("build", CiState::Pending)];
        let waits = readiness(SHA, &pending, &all, None, &[]);
        assert!(!waits.passed && waits.detail.contains("waiting for build"));
        assert!(readiness(SHA, &[], &all, None, &[]).passed);
    }

    #[test]
    fn required_reads_branch_protection_and_names_must_report() {
        let required = RequiredChecks::Kind(CheckSet::Required);
        let checks = [
            check("build", CiState::Passed),
            check("lint", CiState::Failed),
        ];
        let protected = ["build".to_owned()];
        assert!(readiness(SHA, &checks, &required, Some(&protected), &[]).passed);
        // Without a protection list (GitLab), every check counts.
        assert!(!readiness(SHA, &checks, &required, None, &[]).passed);
        let named = RequiredChecks::Names(vec!["build".to_owned(), "e2e".to_owned()]);
        let missing = readiness(SHA, &checks, &named, None, &[]);
        assert!(
            !missing.passed && missing.detail.contains("e2e (not reported yet)"),
            "{}",
            missing.detail
        );
    }
}
