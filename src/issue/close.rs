//! `shipgate-issue close`: a last history entry, and the issue closed.
use std::fmt;

use semver::Version;

use crate::deploy_issue::{HistoryEntry, history_in_body};
use crate::forge::Forge;

use super::IssueError;
use super::find::own_open_issue;

/// Why the release's issue is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseReason {
    /// Deployed everywhere.
    Completed,
    /// Rolled back.
    RolledBack,
    /// Given up.
    Abandoned,
}

impl fmt::Display for CloseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Completed => "completed",
            Self::RolledBack => "rolled-back",
            Self::Abandoned => "abandoned",
        })
    }
}

/// What `close` needs.
#[derive(Debug, Clone)]
pub struct CloseRequest {
    /// The release.
    pub version: Version,
    /// Why.
    pub reason: CloseReason,
    /// Who.
    pub actor: String,
    /// When (RFC 3339).
    pub when: String,
    /// Environments in promotion order, for the table.
    pub environments: Vec<String>,
}

/// Add the final entry and close the issue; `None` when no open issue is left (already closed).
pub async fn close<F: Forge>(forge: &F, request: &CloseRequest) -> Result<Option<u64>, IssueError> {
    let login = forge.own_login().await?;
    let Some(issue) = own_open_issue(forge, &login, &request.version).await? else {
        return Ok(None);
    };
    let entry = HistoryEntry {
        when: request.when.clone(),
        who: request.actor.clone(),
        what: format!("closed: {}", request.reason),
        key: Some(format!("close {}", request.reason)),
    };
    if let Some(body) = history_in_body(&issue.body, &request.environments, &entry)? {
        forge.update_issue_body(issue.number, &body).await?;
    }
    forge.close_issue(issue.number).await?;
    Ok(Some(issue.number))
}
