//! The parts of GitHub's JSON answers shipgate reads, and their translation into the model.
use jiff::Timestamp;
use serde::Deserialize;

use crate::forge::{
    CiCheck, CiState, Comment, Deployment, DeploymentState, Issue, IssueState, Permission, Reaction,
};

/// A user as GitHub embeds it.
#[derive(Debug, Deserialize)]
pub(super) struct User {
    pub login: String,
    #[serde(rename = "type", default)]
    pub kind: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct Label {
    pub name: String,
}

/// An issue (or, with `pull_request`, a pull request) from the issues endpoints.
#[derive(Debug, Deserialize)]
pub(super) struct GhIssue {
    pub number: u64,
    pub title: String,
    #[serde(default)]
    pub body: Option<String>,
    pub state: String,
    pub user: Option<User>,
    #[serde(default)]
    pub html_url: String,
    #[serde(default)]
    pub labels: Vec<Label>,
    #[serde(default)]
    pub pull_request: Option<serde_json::Value>,
}

impl From<GhIssue> for Issue {
    fn from(i: GhIssue) -> Self {
        Issue {
            number: i.number,
            title: i.title,
            body: i.body.unwrap_or_default(),
            state: if i.state == "closed" {
                IssueState::Closed
            } else {
                IssueState::Open
            },
            author: i.user.map(|u| u.login).unwrap_or_default(),
            url: i.html_url,
            labels: i.labels.into_iter().map(|l| l.name).collect(),
        }
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct GhComment {
    pub id: u64,
    #[serde(default)]
    pub body: Option<String>,
    pub user: Option<User>,
    pub created_at: Timestamp,
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    #[serde(default)]
    pub html_url: Option<String>,
}

impl From<GhComment> for Comment {
    fn from(c: GhComment) -> Self {
        let (author, author_is_bot) = c
            .user
            .map(|u| (u.login, u.kind == "Bot"))
            .unwrap_or_default();
        Comment {
            id: c.id,
            body: c.body.unwrap_or_default(),
            author,
            author_is_bot,
            updated_at: c.updated_at.unwrap_or(c.created_at),
            created_at: c.created_at,
            system: false,
            url: c.html_url,
        }
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct GhReaction {
    pub content: String,
    pub user: Option<User>,
}

/// GitHub's name of a reaction.
pub(super) fn reaction_content(r: Reaction) -> &'static str {
    match r {
        Reaction::Eyes => "eyes",
        Reaction::Rocket => "rocket",
        Reaction::ThumbsDown => "-1",
    }
}

/// The reaction GitHub names `content`, if shipgate uses it.
pub(super) fn reaction_from(content: &str) -> Option<Reaction> {
    [Reaction::Eyes, Reaction::Rocket, Reaction::ThumbsDown]
        .into_iter()
        .find(|r| reaction_content(*r) == content)
}

/// `GET /repos/{o}/{r}/collaborators/{u}/permission`.
#[derive(Debug, Deserialize)]
pub(super) struct GhPermission {
    #[serde(default)]
    pub role_name: Option<String>,
    #[serde(default)]
    pub permission: Option<String>,
    #[serde(default)]
    pub user: Option<PermissionUser>,
}

#[derive(Debug, Deserialize)]
pub(super) struct PermissionUser {
    #[serde(default)]
    pub permissions: Option<Flags>,
}

/// `user.permissions` of the permission endpoint.
#[derive(Debug, Default, Deserialize)]
pub(super) struct Flags {
    #[serde(default)]
    admin: bool,
    #[serde(default)]
    maintain: bool,
    #[serde(default)]
    push: bool,
    #[serde(default)]
    triage: bool,
    #[serde(default)]
    pull: bool,
}

fn role(name: &str) -> Option<Permission> {
    Some(match name {
        "admin" => Permission::Admin,
        "maintain" => Permission::Maintain,
        "write" | "push" => Permission::Write,
        "triage" => Permission::Triage,
        "read" | "pull" => Permission::Read,
        "none" => Permission::None,
        _ => return None,
    })
}

impl GhPermission {
    /// `role_name` when it is a base role; else the highest of `user.permissions`; else the
    /// plain `permission` (which reports maintain as write and triage as read).
    pub fn level(&self) -> Permission {
        if let Some(p) = self.role_name.as_deref().and_then(role) {
            return p;
        }
        if let Some(f) = self.user.as_ref().and_then(|u| u.permissions.as_ref()) {
            return [
                (f.admin, Permission::Admin),
                (f.maintain, Permission::Maintain),
                (f.push, Permission::Write),
                (f.triage, Permission::Triage),
                (f.pull, Permission::Read),
            ]
            .into_iter()
            .find_map(|(has, p)| has.then_some(p))
            .unwrap_or(Permission::None);
        }
        self.permission
            .as_deref()
            .and_then(role)
            .unwrap_or(Permission::None)
    }
}

/// The `object` of a git reference or of an annotated tag.
#[derive(Debug, Deserialize)]
pub(super) struct GitObject {
    /// `commit`, `tag` (an annotated tag object), `tree` or `blob`.
    #[serde(rename = "type")]
    pub kind: String,
    pub sha: String,
}

/// `GET /repos/{o}/{r}/git/ref/{ref}`.
#[derive(Debug, Deserialize)]
pub(super) struct GitRef {
    /// The full name, e.g. `refs/tags/v1.2.0`.
    #[serde(rename = "ref")]
    pub name: String,
    pub object: GitObject,
}

/// `GET /repos/{o}/{r}/git/tags/{sha}`: an annotated tag object.
#[derive(Debug, Deserialize)]
pub(super) struct GitTag {
    pub object: GitObject,
    /// The tag's message (its annotation).
    #[serde(default)]
    pub message: String,
}

/// `GET /orgs/{org}/teams/{slug}/memberships/{login}`.
#[derive(Debug, Deserialize)]
pub(super) struct GhMembership {
    /// `active`, or `pending` for an invitation not yet accepted.
    pub state: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct GhDeployment {
    pub id: u64,
    #[serde(default)]
    pub environment: String,
    #[serde(rename = "ref", default)]
    pub git_ref: String,
    #[serde(default)]
    pub sha: String,
    pub creator: Option<User>,
    pub created_at: Timestamp,
    #[serde(default)]
    pub payload: serde_json::Value,
}

impl GhDeployment {
    /// The model, from the deployment's statuses (newest first, as GitHub lists them).
    pub fn into_model(self, statuses: &[GhStatus]) -> Deployment {
        // The payload is an object, or (as some clients send it) a JSON string of one.
        let payload = match &self.payload {
            serde_json::Value::String(s) => serde_json::from_str(s).unwrap_or_default(),
            other => other.clone(),
        };
        let deployment = Deployment {
            id: self.id,
            environment: self.environment,
            git_ref: self.git_ref,
            sha: self.sha,
            state: None,
            creator: self.creator.map(|u| u.login).unwrap_or_default(),
            created_at: self.created_at,
            ci_run: payload
                .get("ci_run")
                .and_then(|v| v.as_str())
                .map(str::to_owned),
            ci_job: None,
            state_url: None,
            state_at: None,
            state_by: None,
        };
        with_statuses(deployment, statuses)
    }
}

/// `deployment` with what its statuses (newest first) say: the latest one that is not
/// `inactive` gives the state. A deployment Actions made for a job keeps an empty payload; its
/// run is the one its statuses link to.
pub(super) fn with_statuses(mut deployment: Deployment, statuses: &[GhStatus]) -> Deployment {
    let status = statuses.iter().find(|s| state_from(&s.state).is_some());
    deployment.state = status.and_then(|s| state_from(&s.state));
    deployment.state_url = status.and_then(|s| {
        s.environment_url
            .clone()
            .filter(|u| !u.is_empty())
            .or_else(|| s.log_url.clone().filter(|u| !u.is_empty()))
    });
    deployment.state_at = status.and_then(|s| s.created_at);
    deployment.state_by = status.and_then(|s| s.creator.as_ref().map(|u| u.login.clone()));
    if deployment.ci_run.is_none() {
        deployment.ci_run = statuses.iter().find_map(GhStatus::actions_run);
    }
    deployment
}

#[derive(Debug, Deserialize)]
pub(super) struct GhStatus {
    pub state: String,
    #[serde(default)]
    pub environment_url: Option<String>,
    #[serde(default)]
    pub log_url: Option<String>,
    #[serde(default)]
    pub target_url: Option<String>,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    #[serde(default)]
    pub creator: Option<User>,
}

impl GhStatus {
    /// The Actions run a status links to (`…/actions/runs/{run_id}[/job/{job_id}]` in its
    /// `log_url` or `target_url`), as Actions writes for the deployment of a job that names an
    /// environment.
    fn actions_run(&self) -> Option<String> {
        [&self.log_url, &self.target_url]
            .into_iter()
            .flatten()
            .find_map(|url| {
                let run = url.split_once("/actions/runs/")?.1;
                let id: String = run.chars().take_while(char::is_ascii_digit).collect();
                (!id.is_empty()).then_some(id)
            })
    }
}

/// The model's state for a GitHub status; `inactive` (set on superseded deployments) and
/// unknown values give none.
pub(super) fn state_from(state: &str) -> Option<DeploymentState> {
    Some(match state {
        "queued" | "pending" => DeploymentState::Queued,
        "in_progress" => DeploymentState::InProgress,
        "success" => DeploymentState::Success,
        "failure" | "error" => DeploymentState::Failure,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(json: &str) -> Permission {
        serde_json::from_str::<GhPermission>(json).unwrap().level()
    }

    #[test]
    fn permission_reads_role_name_then_flags_then_permission() {
        assert_eq!(
            level(r#"{"permission":"write","role_name":"maintain"}"#),
            Permission::Maintain
        );
        assert_eq!(
            level(r#"{"permission":"read","role_name":"triage"}"#),
            Permission::Triage
        );
        let custom = r#"{"permission":"write","role_name":"deployer","user":{"login":"a",
            "permissions":{"admin":false,"maintain":true,"push":true,"triage":true,"pull":true}}}"#;
        assert_eq!(level(custom), Permission::Maintain);
        assert_eq!(level(r#"{"permission":"admin"}"#), Permission::Admin);
        assert_eq!(
            level(r#"{"permission":"none","role_name":"none"}"#),
            Permission::None
        );
    }

    #[test]
    fn deployment_payload_as_object_or_string() {
        let d: GhDeployment = serde_json::from_str(
            r#"{"id":1,"created_at":"2026-03-02T10:00:00Z","payload":"{\"ci_run\":\"42\"}"}"#,
        )
        .unwrap();
        assert_eq!(d.into_model(&[]).ci_run.as_deref(), Some("42"));
        let d: GhDeployment =
            serde_json::from_str(r#"{"id":1,"created_at":"2026-03-02T10:00:00Z","payload":{}}"#)
                .unwrap();
        assert_eq!(d.into_model(&[]).ci_run, None);
    }

    #[test]
    fn an_unreadable_time_is_an_unexpected_answer() {
        let body = r#"[{"id":1,"user":{"login":"ada"},"created_at":"yesterday"}]"#;
        let read = crate::forge::transport::parse::<Vec<GhComment>>("reading", body);
        assert!(
            matches!(&read, Err(crate::forge::ForgeError::Unexpected { body, .. }) if body.contains("yesterday")),
            "{read:?}"
        );
        let comments: Vec<GhComment> = serde_json::from_str(
            r#"[{"id":1,"user":{"login":"ada"},"created_at":"2026-03-02T11:00:00+01:00"}]"#,
        )
        .unwrap();
        let comment = Comment::from(comments.into_iter().next().unwrap());
        assert_eq!(comment.updated_at, comment.created_at);
        assert_eq!(
            crate::time::rfc3339(comment.created_at),
            "2026-03-02T10:00:00Z"
        );
    }

    #[test]
    fn a_deployment_actions_made_belongs_to_the_run_its_statuses_link() {
        let statuses: Vec<GhStatus> = serde_json::from_str(
            r#"[{"state":"success","environment_url":"https://shop.example"},
                {"state":"in_progress","log_url":"https://github.com/a/b/actions/runs/77/job/9"},
                {"state":"queued","target_url":"https://github.com/a/b/actions/runs/77/job/9"}]"#,
        )
        .unwrap();
        let d: GhDeployment =
            serde_json::from_str(r#"{"id":1,"created_at":"2026-03-02T10:00:00Z","payload":{}}"#)
                .unwrap();
        let model = d.into_model(&statuses);
        assert_eq!(model.ci_run.as_deref(), Some("77"));
        assert_eq!(model.state, Some(DeploymentState::Success));
    }
}

/// A page of `GET …/commits/{ref}/check-runs`.
#[derive(Debug, Deserialize)]
pub(super) struct GhCheckRuns {
    pub check_runs: Vec<GhCheckRun>,
}

#[derive(Debug, Deserialize)]
pub(super) struct GhCheckRun {
    pub name: String,
    /// `queued`, `in_progress`, `completed`, `waiting`, `requested`, `pending`.
    pub status: String,
    /// Set once completed: `success`, `neutral`, `skipped` pass; the others do not.
    #[serde(default)]
    pub conclusion: Option<String>,
}

impl From<GhCheckRun> for CiCheck {
    fn from(run: GhCheckRun) -> Self {
        let state = match (run.status.as_str(), run.conclusion.as_deref()) {
            ("completed", Some("success" | "neutral" | "skipped")) => CiState::Passed,
            ("completed", _) => CiState::Failed,
            _ => CiState::Pending,
        };
        CiCheck {
            name: run.name,
            state,
        }
    }
}

/// `GET …/commits/{ref}/status`: the latest status of each context.
#[derive(Debug, Deserialize)]
pub(super) struct GhCombinedStatus {
    #[serde(default)]
    pub statuses: Vec<GhCommitStatus>,
}

#[derive(Debug, Deserialize)]
pub(super) struct GhCommitStatus {
    pub context: String,
    /// `success`, `pending`, `failure`, `error`.
    pub state: String,
}

impl From<GhCommitStatus> for CiCheck {
    fn from(status: GhCommitStatus) -> Self {
        let state = match status.state.as_str() {
            "success" => CiState::Passed,
            "pending" => CiState::Pending,
            _ => CiState::Failed,
        };
        CiCheck {
            name: status.context,
            state,
        }
    }
}

/// `GET /repos/{o}/{r}`.
#[derive(Debug, Deserialize)]
pub(super) struct GhRepository {
    pub default_branch: String,
}

/// `GET /repos/{o}/{r}/branches/{branch}`.
#[derive(Debug, Deserialize)]
pub(super) struct GhBranch {
    #[serde(default)]
    pub protection: Option<GhProtection>,
}

#[derive(Debug, Deserialize)]
pub(super) struct GhProtection {
    #[serde(default)]
    pub required_status_checks: Option<GhRequiredChecks>,
}

#[derive(Debug, Deserialize)]
pub(super) struct GhRequiredChecks {
    #[serde(default)]
    pub contexts: Vec<String>,
    #[serde(default)]
    pub checks: Vec<GhRequiredCheck>,
}

#[derive(Debug, Deserialize)]
pub(super) struct GhRequiredCheck {
    pub context: String,
}

impl GhBranch {
    /// The contexts and checks the branch's protection requires (none without protection).
    pub fn required_check_names(self) -> Vec<String> {
        let Some(required) = self.protection.and_then(|p| p.required_status_checks) else {
            return Vec::new();
        };
        let mut names = required.contexts;
        for check in required.checks {
            if !names.contains(&check.context) {
                names.push(check.context);
            }
        }
        names
    }
}
