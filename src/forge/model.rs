//! What the forges exchange with shipgate: issues, comments, permissions, deployments.
use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Which forge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ForgeKind {
    /// GitHub or GitHub Enterprise (octocrab).
    Github,
    /// GitLab.com or self-managed GitLab (the gitlab crate).
    Gitlab,
    /// A directory of Markdown and JSON files, for trying the flow with no server.
    Local,
}

/// Whether an issue is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IssueState {
    /// Open.
    Open,
    /// Closed.
    Closed,
}

/// An issue as the forge holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// The number people see (`#12`; GitLab's `iid`).
    pub number: u64,
    /// Title.
    pub title: String,
    /// Body (Markdown).
    pub body: String,
    /// Open or closed.
    pub state: IssueState,
    /// Login of the user who opened it.
    pub author: String,
    /// Web address.
    pub url: String,
    /// Labels.
    pub labels: Vec<String>,
}

/// What a new issue holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewIssue {
    /// Title.
    pub title: String,
    /// Body (Markdown).
    pub body: String,
    /// Labels to set.
    pub labels: Vec<String>,
    /// Logins to assign.
    pub assignees: Vec<String>,
}

/// A comment (GitLab: a note) on an issue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    /// The forge's id.
    pub id: u64,
    /// Body (Markdown).
    pub body: String,
    /// Login of its author.
    pub author: String,
    /// Whether the author is a bot (GitHub `type: Bot`, GitLab `bot: true`).
    pub author_is_bot: bool,
    /// Creation time.
    pub created_at: Timestamp,
    /// Time of the last edit (equal to `created_at` when never edited).
    pub updated_at: Timestamp,
    /// A system note (GitLab), not written by a person.
    pub system: bool,
    /// Its web address, where the forge names one (GitHub `html_url`, the local file).
    #[serde(default)]
    pub url: Option<String>,
}

/// Reactions shipgate leaves on comments it acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reaction {
    /// 👀 seen, being handled.
    Eyes,
    /// 🚀 accepted.
    Rocket,
    /// 👎 refused.
    ThumbsDown,
}

/// What a user may do in the repository, highest last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Permission {
    /// Not a collaborator.
    None,
    /// GitHub read / GitLab Reporter.
    Read,
    /// GitHub triage.
    Triage,
    /// GitHub write / GitLab Developer.
    Write,
    /// GitHub maintain / GitLab Maintainer.
    Maintain,
    /// GitHub admin / GitLab Owner.
    Admin,
}

/// A deployment's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeploymentState {
    /// Waiting to start.
    Queued,
    /// Running.
    InProgress,
    /// Done, and it worked.
    Success,
    /// Done, and it failed.
    Failure,
}

impl fmt::Display for DeploymentState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Queued => "queued",
            Self::InProgress => "in_progress",
            Self::Success => "success",
            Self::Failure => "failure",
        })
    }
}

/// A deployment record on the forge (GitHub deployment + its latest status; GitLab deployment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployment {
    /// The forge's id.
    pub id: u64,
    /// Environment name.
    pub environment: String,
    /// The git ref deployed (the release tag).
    pub git_ref: String,
    /// The commit deployed.
    pub sha: String,
    /// Latest state, if any status was recorded.
    pub state: Option<DeploymentState>,
    /// Who created it.
    pub creator: String,
    /// Creation time.
    pub created_at: Timestamp,
    /// The CI run that made it: shipgate's idempotency key (kept in the payload), else the run
    /// the platform made it for (GitHub: the Actions run its statuses link; GitLab: the
    /// deployable job's pipeline).
    pub ci_run: Option<String>,
    /// The CI job the platform made it for (GitLab: the deployable job's id).
    #[serde(default)]
    pub ci_job: Option<String>,
    /// The latest state's link (environment or logs), when it has one.
    #[serde(default)]
    pub state_url: Option<String>,
    /// When the latest state was recorded.
    #[serde(default)]
    pub state_at: Option<Timestamp>,
    /// Who recorded the latest state.
    #[serde(default)]
    pub state_by: Option<String>,
}

impl Deployment {
    /// Whether this is `job`'s own deployment (the one the platform made for the job, or the one
    /// shipgate recorded from it): the same job where both name one, else the same CI run.
    pub fn belongs_to(&self, job: &CiJob) -> bool {
        match (&self.ci_job, &job.job) {
            (Some(ours), Some(theirs)) => ours == theirs,
            _ => job.run.is_some() && self.ci_run == job.run,
        }
    }
}

/// The CI job shipgate runs in: its own deployment is never a rival of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CiJob {
    /// The CI run (`GITHUB_RUN_ID`, `CI_PIPELINE_ID`).
    pub run: Option<String>,
    /// The job (`CI_JOB_ID`), where the platform names it.
    pub job: Option<String>,
}

/// Where a CI check on a commit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CiState {
    /// Done, and green (success, neutral, skipped).
    Passed,
    /// Queued or running.
    Pending,
    /// Done, and not green.
    Failed,
}

/// One CI check on a commit: a GitHub check run or commit status, a GitLab pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CiCheck {
    /// Its name (check run name, status context, `pipeline 123`).
    pub name: String,
    /// Where it stands.
    pub state: CiState,
}

/// Which deployments to list; every field set narrows the list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeploymentQuery {
    /// Of this environment.
    pub environment: Option<String>,
    /// Of this git ref (the release tag).
    pub git_ref: Option<String>,
    /// At this commit.
    pub sha: Option<String>,
}

impl DeploymentQuery {
    /// The deployments of `environment`.
    pub fn environment(environment: &str) -> Self {
        Self {
            environment: Some(environment.to_owned()),
            ..Self::default()
        }
    }

    /// The deployments of the release tagged `git_ref`, in every environment.
    pub fn release(git_ref: &str) -> Self {
        Self {
            git_ref: Some(git_ref.to_owned()),
            ..Self::default()
        }
    }

    /// Whether `deployment` matches (for forges that cannot filter by every field).
    pub fn matches(&self, deployment: &Deployment) -> bool {
        let is = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
        is(&self.environment, &deployment.environment)
            && is(&self.git_ref, &deployment.git_ref)
            && is(&self.sha, &deployment.sha)
    }
}

/// One page of deployments, newest first.
#[derive(Debug, Clone, Default)]
pub struct DeploymentPage {
    /// The deployments; on GitHub without their state until [`crate::forge::Forge::with_state`].
    pub items: Vec<Deployment>,
    /// Where the next page is, if there is one.
    pub next: Option<String>,
}

/// A deployment to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDeployment {
    /// Environment name.
    pub environment: String,
    /// The release tag.
    pub git_ref: String,
    /// The commit.
    pub sha: String,
    /// The CI run, so that re-running the same job finds its deployment instead of making another.
    pub ci_run: String,
    /// A short description.
    pub description: String,
}

/// A GitLab deploy freeze period (cron syntax, as GitLab stores it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreezePeriod {
    /// Cron expression of the start.
    pub freeze_start: String,
    /// Cron expression of the end.
    pub freeze_end: String,
    /// IANA time zone of both.
    pub cron_timezone: String,
}
