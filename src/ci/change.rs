//! The change request (GitHub pull request, GitLab merge request) a pipeline runs for.
use std::path::Path;

use super::env::Platform;

/// The variables naming the change request, read with the other CI variables.
pub(super) const NAMES: [&str; 6] = [
    "GITHUB_BASE_REF",
    "GITHUB_REF",
    "CI_MERGE_REQUEST_DIFF_BASE_SHA",
    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
    "CI_MERGE_REQUEST_IID",
    "CI_MERGE_REQUEST_PROJECT_URL",
];

/// What the CI says about the change request it runs for (all `None` outside one).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeEnv {
    /// The target branch: `GITHUB_BASE_REF`, `CI_MERGE_REQUEST_TARGET_BRANCH_NAME`.
    pub target_branch: Option<String>,
    /// The commit the change starts from, where the CI names it (`CI_MERGE_REQUEST_DIFF_BASE_SHA`).
    pub base_sha: Option<String>,
    /// The number from the ref (`GITHUB_REF` `refs/pull/N/merge`) or `CI_MERGE_REQUEST_IID`.
    pub number: Option<u64>,
    /// The merge request's project web address (`CI_MERGE_REQUEST_PROJECT_URL`).
    pub project_url: Option<String>,
}

impl ChangeEnv {
    /// From the values of [`NAMES`], in that order, on `platform`.
    pub(super) fn from_values(platform: Platform, values: [Option<String>; 6]) -> Self {
        let [gh_base, gh_ref, gl_base_sha, gl_target, gl_iid, gl_url] = values;
        match platform {
            Platform::GitHubActions => Self {
                target_branch: gh_base,
                base_sha: None,
                number: gh_ref.as_deref().and_then(pull_number),
                project_url: None,
            },
            Platform::GitLabCi => Self {
                target_branch: gl_target,
                base_sha: gl_base_sha,
                number: gl_iid.and_then(|n| n.parse().ok()),
                project_url: gl_url,
            },
            Platform::Local => Self::default(),
        }
    }

    /// The git revision the change is compared with: the CI's base commit, else the target
    /// branch as fetched from `origin`.
    pub fn base_revision(&self) -> Option<String> {
        self.base_sha
            .clone()
            .or_else(|| self.target_branch.as_ref().map(|b| format!("origin/{b}")))
    }
}

/// `N` of `refs/pull/N/merge` (or `/head`).
fn pull_number(git_ref: &str) -> Option<u64> {
    let rest = git_ref.strip_prefix("refs/pull/")?;
    let (number, _) = rest.split_once('/')?;
    number.parse().ok()
}

/// `pull_request.number` of a GitHub event payload (`GITHUB_EVENT_PATH`); `None` for another
/// event or an unreadable file.
pub fn pull_request_number(event: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(event).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    value["pull_request"]["number"].as_u64()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> [Option<String>; 6] {
        NAMES.map(|name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn github_names_the_base_branch_and_the_pull_request() {
        let env = ChangeEnv::from_values(
            Platform::GitHubActions,
            values(&[
                ("GITHUB_BASE_REF", "main"),
                ("GITHUB_REF", "refs/pull/12/merge"),
            ]),
        );
        assert_eq!(env.number, Some(12));
        assert_eq!(env.base_revision().as_deref(), Some("origin/main"));
        let push = ChangeEnv::from_values(
            Platform::GitHubActions,
            values(&[("GITHUB_REF", "refs/heads/main")]),
        );
        assert_eq!((push.number, push.base_revision()), (None, None));
    }

    #[test]
    fn gitlab_prefers_the_diff_base_commit() {
        let env = ChangeEnv::from_values(
            Platform::GitLabCi,
            values(&[
                ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "trunk"),
                ("CI_MERGE_REQUEST_DIFF_BASE_SHA", "4f0c2a1e"),
                ("CI_MERGE_REQUEST_IID", "7"),
                ("GITHUB_REF", "refs/pull/12/merge"),
            ]),
        );
        assert_eq!(env.number, Some(7));
        assert_eq!(env.base_revision().as_deref(), Some("4f0c2a1e"));
        let target = ChangeEnv::from_values(
            Platform::GitLabCi,
            values(&[("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "trunk")]),
        );
        assert_eq!(target.base_revision().as_deref(), Some("origin/trunk"));
    }

    #[test]
    fn the_event_names_the_pull_request() {
        let dir = tempfile::tempdir().unwrap();
        let event = dir.path().join("event.json");
        std::fs::write(
            &event,
            r#"{"action":"synchronize","pull_request":{"number":31}}"#,
        )
        .unwrap();
        assert_eq!(pull_request_number(&event), Some(31));
        std::fs::write(&event, r#"{"action":"created","issue":{"number":3}}"#).unwrap();
        assert_eq!(pull_request_number(&event), None);
        assert_eq!(pull_request_number(&dir.path().join("none.json")), None);
    }
}
