//! The CI platform and the variables shipgate reads from it.
use std::path::PathBuf;

use super::change::{self, ChangeEnv};

/// Where shipgate runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Platform {
    /// GitHub Actions (`GITHUB_ACTIONS=true`).
    GitHubActions,
    /// GitLab CI (`GITLAB_CI=true`).
    GitLabCi,
    /// Anything else: a developer's machine or another CI.
    Local,
}

/// The environment variables [`CiEnv`] reads; tokens are deliberately not among them.
const NAMES: [&str; 25] = [
    "CI",
    "GITHUB_ACTIONS",
    "GITHUB_OUTPUT",
    "GITHUB_STEP_SUMMARY",
    "GITHUB_API_URL",
    "GITHUB_REPOSITORY",
    "GITLAB_CI",
    "CI_API_V4_URL",
    "CI_PROJECT_ID",
    "CI_SERVER_URL",
    "GITHUB_SERVER_URL",
    "GITHUB_REF_TYPE",
    "GITHUB_REF_NAME",
    "CI_COMMIT_BRANCH",
    "GITHUB_RUN_ID",
    "GITHUB_ACTOR",
    "CI_PIPELINE_ID",
    "GITLAB_USER_LOGIN",
    "CI_JOB_URL",
    "CI_COMMIT_TAG",
    "GITHUB_EVENT_PATH",
    "GITHUB_SHA",
    "CI_COMMIT_SHA",
    "CI_JOB_ID",
    "USER",
];

/// A snapshot of the CI variables shipgate needs (tokens excluded). Empty values count as
/// unset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiEnv {
    /// The detected platform; GitHub Actions wins if both markers are set.
    pub platform: Platform,
    /// `CI` is set to something other than empty, `false` or `0`.
    pub ci: bool,
    /// `GITHUB_OUTPUT`: file receiving step outputs.
    pub github_output: Option<PathBuf>,
    /// `GITHUB_STEP_SUMMARY`: file receiving the job summary (Markdown).
    pub github_step_summary: Option<PathBuf>,
    /// `GITHUB_API_URL`, e.g. `https://api.github.com`.
    pub github_api_url: Option<String>,
    /// `GITHUB_REPOSITORY`, `owner/name`.
    pub github_repository: Option<String>,
    /// `CI_API_V4_URL`, e.g. `https://gitlab.com/api/v4`.
    pub gitlab_api_url: Option<String>,
    /// `CI_PROJECT_ID`, the numeric project id.
    pub gitlab_project_id: Option<String>,
    /// `CI_SERVER_URL`, e.g. `https://gitlab.com`.
    pub gitlab_server_url: Option<String>,
    /// `GITHUB_SERVER_URL`, e.g. `https://github.com`.
    pub github_server_url: Option<String>,
    /// The branch the pipeline runs for: `GITHUB_REF_NAME` when `GITHUB_REF_TYPE=branch`,
    /// `CI_COMMIT_BRANCH` on GitLab (unset in tag and merge-request pipelines).
    pub branch: Option<String>,
    /// The tag the pipeline runs for: `GITHUB_REF_NAME` when `GITHUB_REF_TYPE=tag`, `CI_COMMIT_TAG`.
    pub tag: Option<String>,
    /// The CI run (`GITHUB_RUN_ID`, `CI_PIPELINE_ID`): the same across re-runs of a job.
    pub run_id: Option<String>,
    /// Who started the run (`GITHUB_ACTOR`, `GITLAB_USER_LOGIN`).
    pub actor: Option<String>,
    /// A link to the run's logs (GitHub: the workflow run; GitLab: `CI_JOB_URL`).
    pub run_url: Option<String>,
    /// `GITHUB_EVENT_PATH`: the JSON payload of the event that started the workflow.
    pub github_event_path: Option<PathBuf>,
    /// The commit the job runs on (`GITHUB_SHA`, `CI_COMMIT_SHA`).
    pub commit: Option<String>,
    /// The job (`CI_JOB_ID`; GitHub Actions names no job id to its steps).
    pub job_id: Option<String>,
    /// The local user (`USER`), for runs outside CI.
    pub user: Option<String>,
    /// The change request the pipeline runs for, if any.
    pub change: ChangeEnv,
}

impl CiEnv {
    /// Reads the process environment (variables that are unset or not UTF-8 count as unset).
    pub fn from_env() -> Self {
        Self::from_vars(
            NAMES
                .iter()
                .chain(&change::NAMES)
                .filter_map(|name| Some((name.to_string(), std::env::var(name).ok()?))),
        )
    }

    /// Builds the snapshot from `(name, value)` pairs; unrelated names are ignored, and a
    /// later pair wins over an earlier one.
    pub fn from_vars(vars: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut values: [Option<String>; NAMES.len()] = Default::default();
        let mut change_values: [Option<String>; change::NAMES.len()] = Default::default();
        for (name, value) in vars {
            if let Some(i) = NAMES.iter().position(|n| *n == name) {
                values[i] = Some(value).filter(|v| !v.is_empty());
            } else if let Some(i) = change::NAMES.iter().position(|n| *n == name) {
                change_values[i] = Some(value).filter(|v| !v.is_empty());
            }
        }
        let [
            ci,
            gha,
            output,
            summary,
            gh_api,
            gh_repo,
            glci,
            gl_api,
            gl_project,
            gl_server,
            gh_server,
            gh_ref_type,
            gh_ref_name,
            gl_branch,
            gh_run,
            gh_actor,
            gl_pipeline,
            gl_user,
            gl_job_url,
            gl_tag,
            gh_event,
            gh_sha,
            gl_sha,
            gl_job,
            user,
        ] = values;
        let is_true = |v: &Option<String>| v.as_deref() == Some("true");
        let platform = if is_true(&gha) {
            Platform::GitHubActions
        } else if is_true(&glci) {
            Platform::GitLabCi
        } else {
            Platform::Local
        };
        let run_url = match platform {
            Platform::GitHubActions => match (&gh_server, &gh_repo, &gh_run) {
                (Some(server), Some(repo), Some(run)) => Some(format!(
                    "{}/{repo}/actions/runs/{run}",
                    server.trim_end_matches('/')
                )),
                _ => None,
            },
            Platform::GitLabCi => gl_job_url,
            Platform::Local => None,
        };
        Self {
            platform,
            github_event_path: gh_event.map(PathBuf::from),
            ci: ci.is_some_and(|v| !matches!(v.to_ascii_lowercase().as_str(), "false" | "0")),
            github_output: output.map(PathBuf::from),
            github_step_summary: summary.map(PathBuf::from),
            github_api_url: gh_api,
            github_repository: gh_repo,
            gitlab_api_url: gl_api,
            gitlab_project_id: gl_project,
            gitlab_server_url: gl_server,
            github_server_url: gh_server,
            branch: match platform {
                Platform::GitHubActions if gh_ref_type.as_deref() == Some("branch") => {
                    gh_ref_name.clone()
                }
                Platform::GitLabCi => gl_branch,
                _ => None,
            },
            tag: match platform {
                Platform::GitHubActions if gh_ref_type.as_deref() == Some("tag") => gh_ref_name,
                Platform::GitLabCi => gl_tag,
                _ => None,
            },
            run_url,
            run_id: match platform {
                Platform::GitHubActions => gh_run,
                Platform::GitLabCi => gl_pipeline,
                Platform::Local => None,
            },
            actor: match platform {
                Platform::GitHubActions => gh_actor,
                Platform::GitLabCi => gl_user,
                Platform::Local => None,
            },
            commit: match platform {
                Platform::GitHubActions => gh_sha,
                Platform::GitLabCi => gl_sha,
                Platform::Local => None,
            },
            job_id: match platform {
                Platform::GitLabCi => gl_job,
                _ => None,
            },
            user,
            change: ChangeEnv::from_values(platform, change_values),
        }
    }

    /// Who acts, for records and messages: the CI's actor, else the local user, else `shipgate`.
    pub fn who(&self) -> String {
        self.actor
            .clone()
            .or_else(|| self.user.clone())
            .unwrap_or_else(|| "shipgate".to_owned())
    }

    /// The GitHub host (with port) that may receive `GITHUB_TOKEN`: from `GITHUB_SERVER_URL`, else `github.com`.
    pub fn github_host(&self) -> String {
        host_of(self.github_server_url.as_deref()).unwrap_or_else(|| "github.com".to_owned())
    }

    /// The GitLab host (with port) that may receive `GITLAB_TOKEN`: from `CI_SERVER_URL`, else `gitlab.com`.
    pub fn gitlab_host(&self) -> String {
        host_of(self.gitlab_server_url.as_deref()).unwrap_or_else(|| "gitlab.com".to_owned())
    }

    /// The forge API base URL for the detected platform.
    pub fn forge_api_url(&self) -> Option<&str> {
        match self.platform {
            Platform::GitHubActions => self.github_api_url.as_deref(),
            Platform::GitLabCi => self.gitlab_api_url.as_deref(),
            Platform::Local => None,
        }
    }

    /// The repository for the detected platform: `owner/name` on GitHub, the project id on
    /// GitLab.
    pub fn repository(&self) -> Option<&str> {
        match self.platform {
            Platform::GitHubActions => self.github_repository.as_deref(),
            Platform::GitLabCi => self.gitlab_project_id.as_deref(),
            Platform::Local => None,
        }
    }
}

/// `https://host:port/path` → `host:port`.
fn host_of(url: Option<&str>) -> Option<String> {
    let rest = url?.split_once("://")?.1;
    let host = rest.split('/').next()?;
    (!host.is_empty()).then(|| host.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> CiEnv {
        CiEnv::from_vars(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn detects_github_actions() {
        let e = env(&[
            ("CI", "true"),
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_OUTPUT", "/tmp/out"),
            ("GITHUB_API_URL", "https://api.github.com"),
            ("GITHUB_REPOSITORY", "acme/shop"),
            ("GITHUB_TOKEN", "secret"),
        ]);
        assert_eq!(e.platform, Platform::GitHubActions);
        assert!(e.ci);
        assert_eq!(e.github_output, Some(PathBuf::from("/tmp/out")));
        assert_eq!(e.forge_api_url(), Some("https://api.github.com"));
        assert_eq!(e.repository(), Some("acme/shop"));
        assert!(!format!("{e:?}").contains("secret"));
    }

    #[test]
    fn detects_gitlab_ci() {
        let e = env(&[
            ("GITLAB_CI", "true"),
            ("CI_API_V4_URL", "https://gitlab.example.com/api/v4"),
            ("CI_PROJECT_ID", "42"),
            ("CI_SERVER_URL", "https://gitlab.example.com"),
        ]);
        assert_eq!(e.platform, Platform::GitLabCi);
        assert_eq!(e.forge_api_url(), Some("https://gitlab.example.com/api/v4"));
        assert_eq!(e.repository(), Some("42"));
        assert_eq!(
            e.gitlab_server_url.as_deref(),
            Some("https://gitlab.example.com")
        );
    }

    #[test]
    fn anything_else_is_local() {
        for pairs in [
            vec![],
            vec![("GITHUB_ACTIONS", "false")],
            vec![("GITLAB_CI", "")],
        ] {
            let e = env(&pairs);
            assert_eq!(e.platform, Platform::Local);
            assert_eq!(e.forge_api_url(), None);
        }
        assert!(!env(&[("CI", "false")]).ci);
        assert!(!env(&[("CI", "")]).ci);
        assert!(env(&[("CI", "1")]).ci);
    }

    #[test]
    fn empty_values_are_unset() {
        let e = env(&[("GITHUB_ACTIONS", "true"), ("GITHUB_OUTPUT", "")]);
        assert_eq!(e.github_output, None);
    }

    #[test]
    fn branch_and_hosts() {
        let gh = env(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_REF_TYPE", "branch"),
            ("GITHUB_REF_NAME", "main"),
            ("GITHUB_SERVER_URL", "https://ghe.example:8443"),
        ]);
        assert_eq!(gh.branch.as_deref(), Some("main"));
        assert_eq!(gh.github_host(), "ghe.example:8443");
        let tag = env(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_REF_TYPE", "tag"),
            ("GITHUB_REF_NAME", "v1.0.0"),
        ]);
        assert_eq!(tag.branch, None);
        assert_eq!(tag.github_host(), "github.com");
        let gl = env(&[
            ("GITLAB_CI", "true"),
            ("CI_COMMIT_BRANCH", "trunk"),
            ("CI_SERVER_URL", "https://gitlab.example/"),
        ]);
        assert_eq!(gl.branch.as_deref(), Some("trunk"));
        assert_eq!(gl.gitlab_host(), "gitlab.example");
        assert_eq!(env(&[]).gitlab_host(), "gitlab.com");
    }
}
