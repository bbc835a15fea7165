//! The parts of GitLab's JSON answers shipgate reads, and their translation into the model.
use jiff::Timestamp;
use serde::Deserialize;

use crate::forge::{
    CiCheck, CiState, Comment, Deployment, DeploymentState, FreezePeriod, Issue, IssueState,
    Permission, Reaction,
};

/// A user as GitLab embeds it (`author`, `user`).
#[derive(Debug, Deserialize)]
pub(super) struct User {
    #[serde(default)]
    pub id: u64,
    pub username: String,
    /// Present on some user objects (`GET /users/:id`, newer embeddings).
    #[serde(default)]
    pub bot: bool,
}

impl User {
    /// A bot: `bot: true`, or a project/group access token's user (`project_12_bot_…`).
    fn is_bot(&self) -> bool {
        let u = self.username.as_str();
        self.bot
            || ["project_", "group_"].iter().any(|p| {
                u.strip_prefix(p)
                    .and_then(|rest| rest.split_once('_'))
                    .is_some_and(|(id, rest)| {
                        !id.is_empty()
                            && id.bytes().all(|b| b.is_ascii_digit())
                            && rest.starts_with("bot")
                    })
            })
    }
}

/// An issue from the issues endpoints.
#[derive(Debug, Deserialize)]
pub(super) struct GlIssue {
    pub iid: u64,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    pub state: String,
    pub author: Option<User>,
    #[serde(default)]
    pub web_url: String,
    #[serde(default)]
    pub labels: Vec<String>,
}

impl From<GlIssue> for Issue {
    fn from(i: GlIssue) -> Self {
        Issue {
            number: i.iid,
            title: i.title,
            body: i.description.unwrap_or_default(),
            state: if i.state == "closed" {
                IssueState::Closed
            } else {
                IssueState::Open
            },
            author: i.author.map(|u| u.username).unwrap_or_default(),
            url: i.web_url,
            labels: i.labels,
        }
    }
}

/// A note (comment) on an issue.
#[derive(Debug, Deserialize)]
pub(super) struct GlNote {
    pub id: u64,
    #[serde(default)]
    pub body: Option<String>,
    pub author: Option<User>,
    pub created_at: Timestamp,
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    #[serde(default)]
    pub system: bool,
}

impl From<GlNote> for Comment {
    fn from(n: GlNote) -> Self {
        let (author, author_is_bot) = n
            .author
            .map(|u| {
                let bot = u.is_bot();
                (u.username, bot)
            })
            .unwrap_or_default();
        Comment {
            id: n.id,
            body: n.body.unwrap_or_default(),
            author,
            author_is_bot,
            updated_at: n.updated_at.unwrap_or(n.created_at),
            created_at: n.created_at,
            system: n.system,
            url: None,
        }
    }
}

/// An award emoji.
#[derive(Debug, Deserialize)]
pub(super) struct GlAward {
    pub name: String,
    pub user: Option<User>,
}

/// GitLab's name of a reaction.
pub(super) fn emoji_name(r: Reaction) -> &'static str {
    match r {
        Reaction::Eyes => "eyes",
        Reaction::Rocket => "rocket",
        Reaction::ThumbsDown => "thumbsdown",
    }
}

/// The reaction GitLab names `name`, if shipgate uses it.
pub(super) fn reaction_from(name: &str) -> Option<Reaction> {
    [Reaction::Eyes, Reaction::Rocket, Reaction::ThumbsDown]
        .into_iter()
        .find(|r| emoji_name(*r) == name)
}

/// `GET /projects/:id/members/all/:user_id`.
#[derive(Debug, Deserialize)]
pub(super) struct GlMember {
    pub access_level: u32,
}

/// `GET /groups/:id/members/all/:user_id`.
#[derive(Debug, Deserialize)]
pub(super) struct GlGroupMember {
    /// The user's account: `active`, or `blocked`, `deactivated`, … (absent: active).
    #[serde(default)]
    pub state: Option<String>,
    /// The membership: `active`, or `awaiting` approval or a seat (absent: active).
    #[serde(default)]
    pub membership_state: Option<String>,
}

impl GlGroupMember {
    /// An active user with an active membership.
    pub fn is_active(&self) -> bool {
        [&self.state, &self.membership_state]
            .into_iter()
            .all(|s| s.as_deref().is_none_or(|s| s == "active"))
    }
}

/// `GET /projects/:id/repository/tags/:tag_name`.
#[derive(Debug, Deserialize)]
pub(super) struct GlTag {
    /// The commit, annotated tags peeled (`target` is the tag object).
    #[serde(default)]
    pub commit: Option<GlCommit>,
}

/// A commit as a tag embeds it.
#[derive(Debug, Deserialize)]
pub(super) struct GlCommit {
    pub id: String,
}

/// Our permission for a GitLab access level: Guest (10) and below (Minimal access 5, none 0)
/// may not act on deployments, so they map to `None`; Reporter 20 → Read, Developer 30 →
/// Write, Maintainer 40 → Maintain, Owner 50 (and above, e.g. an admin's 60) → Admin.
pub(super) fn permission_for(access_level: u32) -> Permission {
    match access_level {
        50.. => Permission::Admin,
        40..50 => Permission::Maintain,
        30..40 => Permission::Write,
        20..30 => Permission::Read,
        _ => Permission::None,
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct Named {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub external_url: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Pipeline {
    pub id: u64,
}

/// The job that made a deployment (deployments created through the API have none).
#[derive(Debug, Deserialize)]
pub(super) struct Deployable {
    pub id: u64,
    #[serde(default)]
    pub web_url: Option<String>,
    #[serde(default)]
    pub pipeline: Option<Pipeline>,
}

#[derive(Debug, Deserialize)]
pub(super) struct GlDeployment {
    pub id: u64,
    #[serde(rename = "ref", default)]
    pub git_ref: String,
    #[serde(default)]
    pub sha: String,
    #[serde(default)]
    pub status: String,
    pub user: Option<User>,
    pub created_at: Timestamp,
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    pub environment: Option<Named>,
    #[serde(default)]
    pub deployable: Option<Deployable>,
}

impl From<GlDeployment> for Deployment {
    /// `ci_run` is the deployable job's pipeline id (`CI_PIPELINE_ID`): GitLab keeps no
    /// payload, so a deployment created through the API reads back with none.
    fn from(d: GlDeployment) -> Self {
        let state = state_from(&d.status);
        let pipeline = d.deployable.as_ref().and_then(|j| j.pipeline.as_ref());
        let log = d.deployable.as_ref().and_then(|j| j.web_url.clone());
        let site = d.environment.as_ref().and_then(|e| e.external_url.clone());
        let state_url = if state == Some(DeploymentState::Success) {
            site.or(log)
        } else {
            log
        }
        .filter(|u| !u.is_empty());
        let creator = d.user.map(|u| u.username).unwrap_or_default();
        Deployment {
            id: d.id,
            environment: d.environment.map(|e| e.name).unwrap_or_default(),
            git_ref: d.git_ref,
            sha: d.sha,
            state,
            ci_run: pipeline.map(|p| p.id.to_string()),
            ci_job: d.deployable.as_ref().map(|j| j.id.to_string()),
            state_url,
            state_at: state.and(d.updated_at),
            state_by: state.map(|_| creator.clone()),
            creator,
            created_at: d.created_at,
        }
    }
}

/// The model's state for a GitLab deployment status; `canceled`, `blocked` and `skipped`
/// give none (nothing ran to completion).
pub(super) fn state_from(status: &str) -> Option<DeploymentState> {
    Some(match status {
        "created" => DeploymentState::Queued,
        "running" => DeploymentState::InProgress,
        "success" => DeploymentState::Success,
        "failed" => DeploymentState::Failure,
        _ => return None,
    })
}

/// The status GitLab's `PUT /deployments/:id` takes for a state; `None` for queued, which
/// GitLab does not accept as an update (a deployment is created in `created`).
pub(super) fn status_for(state: DeploymentState) -> Option<&'static str> {
    match state {
        DeploymentState::Queued => None,
        DeploymentState::InProgress => Some("running"),
        DeploymentState::Success => Some("success"),
        DeploymentState::Failure => Some("failed"),
    }
}

/// `GET /projects/:id/pipelines`.
#[derive(Debug, Deserialize)]
pub(super) struct GlPipeline {
    pub id: u64,
    pub status: String,
}

impl From<GlPipeline> for CiCheck {
    /// success and skipped pass; failed and canceled fail; created, waiting_for_resource,
    /// preparing, pending, running, manual and scheduled wait.
    fn from(p: GlPipeline) -> Self {
        let state = match p.status.as_str() {
            "success" | "skipped" => CiState::Passed,
            "failed" | "canceled" => CiState::Failed,
            _ => CiState::Pending,
        };
        CiCheck {
            name: format!("pipeline {}", p.id),
            state,
        }
    }
}

/// `GET /projects/:id/freeze_periods`.
#[derive(Debug, Deserialize)]
pub(super) struct GlFreeze {
    pub freeze_start: String,
    pub freeze_end: String,
    #[serde(default)]
    pub cron_timezone: Option<String>,
}

impl From<GlFreeze> for FreezePeriod {
    /// GitLab's default time zone is UTC.
    fn from(f: GlFreeze) -> Self {
        FreezePeriod {
            freeze_start: f.freeze_start,
            freeze_end: f.freeze_end,
            cron_timezone: f.cron_timezone.unwrap_or_else(|| "UTC".to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_levels() {
        let got: Vec<_> = [0, 5, 10, 20, 30, 40, 50, 60]
            .into_iter()
            .map(permission_for)
            .collect();
        use Permission::*;
        assert_eq!(got, [None, None, None, Read, Write, Maintain, Admin, Admin]);
    }

    #[test]
    fn group_members_count_when_active() {
        let member = |json: &str| serde_json::from_str::<GlGroupMember>(json).unwrap();
        assert!(member(r#"{"access_level":30}"#).is_active());
        assert!(member(r#"{"state":"active","membership_state":"active"}"#).is_active());
        assert!(!member(r#"{"state":"active","membership_state":"awaiting"}"#).is_active());
        assert!(!member(r#"{"state":"blocked","membership_state":"active"}"#).is_active());
    }

    #[test]
    fn bots() {
        let user = |name: &str, bot| User {
            id: 1,
            username: name.into(),
            bot,
        };
        assert!(user("project_42_bot_0a1b", false).is_bot());
        assert!(user("group_7_bot", false).is_bot());
        assert!(user("anyone", true).is_bot());
        assert!(!user("project_manager", false).is_bot());
        assert!(!user("ada", false).is_bot());
    }

    #[test]
    fn deployments_read_their_job_and_pipeline() {
        let d: GlDeployment = serde_json::from_str(
            r#"{"id":1,"ref":"v1","sha":"abc","status":"success","user":{"username":"ada"},
            "created_at":"2026-03-02T10:00:00Z","updated_at":"2026-03-02T10:05:00.5+01:00",
            "environment":{"name":"stage","external_url":"https://stage.example"},
            "deployable":{"id":9,"web_url":"https://gl/job/9","pipeline":{"id":77}}}"#,
        )
        .unwrap();
        let d = Deployment::from(d);
        assert_eq!(d.ci_run.as_deref(), Some("77"));
        assert_eq!(d.ci_job.as_deref(), Some("9"));
        assert_eq!(d.state_url.as_deref(), Some("https://stage.example"));
        assert_eq!(
            (d.environment.as_str(), d.state_at.map(crate::time::rfc3339)),
            ("stage", Some("2026-03-02T09:05:00Z".to_owned()))
        );
        let d: GlDeployment = serde_json::from_str(
            r#"{"id":2,"status":"canceled","deployable":null,
            "created_at":"2026-03-02T10:00:00Z"}"#,
        )
        .unwrap();
        let d = Deployment::from(d);
        assert_eq!((d.ci_run, d.state, d.state_at), (None, None, None));
    }
}
