//! Errors of `shipgate-promote`.
use crate::deploy_issue::DeployIssueError;
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

impl PromoteError {
    /// Whether the failure came from outside (exit 3) rather than from input (exit 2).
    pub fn is_external(&self) -> bool {
        match self {
            Self::Forge(e) => e.is_external(),
            Self::StartFailed(_) => true,
            Self::Body(_) | Self::Event { .. } => false,
        }
    }
}
