//! What can go wrong with the deployment log.
use crate::exit::{Exit, ExitClass};
use thiserror::Error;

use crate::git::GitError;

/// A deployment-log problem.
#[derive(Debug, Error)]
pub enum LogError {
    /// The CSV on the branch cannot be read as our log: it is reported, never overwritten.
    #[error(
        "{path} on branch {branch} is not a valid deployment log ({detail}); it was left as it is: fix or move it on the branch, then run again"
    )]
    Malformed {
        /// The file.
        path: String,
        /// The branch.
        branch: String,
        /// What is wrong, with the line.
        detail: String,
    },
    /// Another job kept pushing first (or the remote kept failing) until the time ran out.
    #[error(
        "could not push to branch {branch} in {seconds}s ({attempts} attempts): other jobs kept changing it ({last}); nothing was written to the log: run again (a re-run of the same CI run adds its row once)"
    )]
    Raced {
        /// The branch.
        branch: String,
        /// Attempts made.
        attempts: u32,
        /// Seconds spent.
        seconds: u64,
        /// The last rejection.
        last: String,
    },
    /// `notify.ticket_pattern`, which finds the tickets of a row, is not a regular expression.
    #[error("notify.ticket_pattern `{pattern}` is not a valid regular expression: {reason}")]
    TicketPattern {
        /// The pattern as configured.
        pattern: String,
        /// What the parser said.
        reason: String,
    },
    /// A git operation failed.
    #[error(transparent)]
    Git(#[from] GitError),
}

impl ExitClass for LogError {
    fn exit_class(&self) -> Exit {
        match self {
            LogError::Malformed { .. } | LogError::TicketPattern { .. } => Exit::Usage,
            LogError::Raced { .. } => Exit::External,
            LogError::Git(e) => e.exit_class(),
        }
    }
}
