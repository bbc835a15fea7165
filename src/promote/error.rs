//! Errors of `shipgate-promote`.
use crate::deploy_issue::DeployIssueError;
use crate::exit::{Exit, ExitClass};
use crate::forge::ForgeError;

/// Why a command could not be handled (a refusal is not an error: it is a decision).
#[derive(Debug, thiserror::Error)]
pub enum PromoteError {
    /// The forge failed (after retries).
    #[error(transparent)]
    Forge(#[from] ForgeError),
    /// The issue body could not be updated.
    #[error(transparent)]
    Body(#[from] DeployIssueError),
    /// The event file could not be read.
    #[error("{path}: {problem}")]
    Event {
        /// The file.
        path: String,
        /// What is wrong.
        problem: String,
    },
    /// The command was accepted but its deployment could not be started.
    #[error("the command was accepted, but starting the deployment failed: {0}")]
    StartFailed(ForgeError),
}

impl ExitClass for PromoteError {
    fn exit_class(&self) -> Exit {
        match self {
            Self::Forge(e) => e.exit_class(),
            Self::StartFailed(_) => Exit::External,
            Self::Body(_) | Self::Event { .. } => Exit::Usage,
        }
    }
}
