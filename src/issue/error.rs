//! Errors of `shipgate-issue`.
use crate::deploy_issue::DeployIssueError;
use crate::exit::{Exit, ExitClass};
use crate::forge::ForgeError;

/// Why a deployment issue could not be opened, recorded in or closed.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    /// The forge failed (after retries).
    #[error(transparent)]
    Forge(#[from] ForgeError),
    /// The issue body could not be built or updated.
    #[error(transparent)]
    Body(#[from] DeployIssueError),
    /// No open deployment issue of ours exists for the version.
    #[error(
        "there is no open deployment issue for v{version} made by {login}; run `shipgate-issue open --version {version}` first"
    )]
    NoIssue {
        /// The version.
        version: String,
        /// The login shipgate acts as.
        login: String,
    },
    /// Concurrent writers kept replacing the body; the record could not be confirmed.
    #[error(
        "issue #{number} kept changing under concurrent updates; the record was not confirmed after {attempts} attempts: run again"
    )]
    Contended {
        /// The issue.
        number: u64,
        /// Attempts made.
        attempts: u32,
    },
}

impl ExitClass for IssueError {
    fn exit_class(&self) -> Exit {
        match self {
            Self::Forge(e) => e.exit_class(),
            Self::Contended { .. } => Exit::External,
            Self::Body(_) | Self::NoIssue { .. } => Exit::Usage,
        }
    }
}
