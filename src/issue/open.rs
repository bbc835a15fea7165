//! `shipgate-issue open`: find or create the deployment issue and bring it up to date.
use crate::deploy_issue::{
    ChecklistItem, DeployIssue, Release, SchemaSummary, merge, render, title,
};
use crate::forge::{Forge, Issue, NewIssue, create_once};

use crate::seal::Seal;

use super::IssueError;
use super::claim::{Claim, ensure_claim};
use super::find::{own_open_issue, own_open_issues};

/// What `open` needs.
#[derive(Debug, Clone)]
pub struct OpenRequest {
    /// The release.
    pub release: Release,
    /// The schema report's verdict, if one was given.
    pub schema: Option<SchemaSummary>,
    /// Runbook checklist lines.
    pub checklist: Vec<String>,
    /// Environments in promotion order.
    pub environments: Vec<String>,
    /// Labels for a new issue.
    pub labels: Vec<String>,
    /// Assignees for a new issue.
    pub assignees: Vec<String>,
    /// Close open deployment issues of older versions.
    pub close_superseded: bool,
    /// Seals the comment that says which release the issue tracks.
    pub seal: Seal,
}

/// What `open` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// The issue's number.
    pub number: u64,
    /// Its web address.
    pub url: String,
    /// It was created by this run.
    pub created: bool,
    /// Its body was written by this run.
    pub updated: bool,
    /// Older deployment issues closed as superseded.
    pub superseded: Vec<u64>,
    /// The sealed comment naming the release was written by this run.
    pub claimed: bool,
}

impl Opened {
    /// What was done, for people: one line a thing, each ending in a newline.
    pub fn text(&self, version: &semver::Version) -> String {
        let what = match (self.created, self.updated) {
            (true, _) => "created",
            (false, true) => "updated",
            (false, false) => "unchanged",
        };
        let mut text = format!(
            "deployment issue #{} for v{version} {what}: {}\n",
            self.number, self.url
        );
        if self.claimed {
            text.push_str(&format!(
                "sealed v{version} in a comment on #{}\n",
                self.number
            ));
        }
        for number in &self.superseded {
            text.push_str(&format!("closed #{number} as superseded\n"));
        }
        text
    }
}

/// Find our open issue for the release (by marker and author) or create it; keep what people
/// did on it; close older ones as superseded.
pub async fn open<F: Forge>(forge: &F, request: &OpenRequest) -> Result<Opened, IssueError> {
    let login = forge.own_login().await?;
    let version = &request.release.version;
    let ours = own_open_issues(forge, &login).await?;
    let mut fresh = DeployIssue::new(request.release.clone());
    fresh.schema = request.schema.clone();
    fresh.checklist = request.checklist.iter().map(ChecklistItem::new).collect();
    fresh.environments = request.environments.clone();

    let existing = ours
        .iter()
        .find(|(v, _)| v == version)
        .map(|(_, issue)| issue);
    let (issue, created, updated) = match existing {
        Some(issue) => {
            let body = render(&merge(fresh, &issue.body));
            if body == issue.body {
                (issue.clone(), false, false)
            } else {
                (
                    forge.update_issue_body(issue.number, &body).await?,
                    false,
                    true,
                )
            }
        }
        None => {
            let new = NewIssue {
                title: title(version),
                body: render(&fresh),
                labels: request.labels.clone(),
                assignees: request.assignees.clone(),
            };
            (
                create_issue_once(forge, &login, version, &new).await?,
                true,
                true,
            )
        }
    };

    let claim = Claim {
        version: version.clone(),
        images: request.release.images.clone(),
    };
    let claimed = ensure_claim(forge, &request.seal, &login, issue.number, &claim).await?;
    let mut superseded = Vec::new();
    if request.close_superseded {
        for (old, issue) in ours.iter().filter(|(v, _)| v < version) {
            supersede(forge, &login, issue, old, version).await?;
            superseded.push(issue.number);
        }
    }
    Ok(Opened {
        number: issue.number,
        url: issue.url,
        created,
        updated,
        superseded,
        claimed,
    })
}

/// Create the issue once: after a failure the server may have acted on, it is looked up by its
/// marker, and created again only when it is not there.
async fn create_issue_once<F: Forge>(
    forge: &F,
    login: &str,
    version: &semver::Version,
    new: &NewIssue,
) -> Result<Issue, IssueError> {
    create_once(
        &forge.retry_policy(),
        "opening the deployment issue",
        || forge.create_issue(new),
        || async { Ok::<_, IssueError>(own_open_issue(forge, login, version).await?) },
    )
    .await
}

/// Comment "superseded" (once) and close an older deployment issue.
async fn supersede<F: Forge>(
    forge: &F,
    login: &str,
    issue: &Issue,
    old: &semver::Version,
    new: &semver::Version,
) -> Result<(), IssueError> {
    let text = format!("Superseded by v{new}: this deployment issue for v{old} is closed.");
    let said = forge
        .comments(issue.number)
        .await?
        .iter()
        .any(|c| c.author.eq_ignore_ascii_case(login) && c.body == text);
    if !said {
        forge.create_comment(issue.number, &text).await?;
    }
    forge.close_issue(issue.number).await?;
    Ok(())
}
