//! What can stop a rollout before it reaches a verdict.
use crate::exit::{Exit, ExitClass};
use crate::verify::VerifyError;

use super::hook::HookCall;

/// A rollout that could not run, or could not undo what it did.
#[derive(Debug, thiserror::Error)]
pub enum RolloutError {
    /// A hook could not be started (`sh` missing, the directory gone).
    #[error(
        "the {purpose} hook `{shown}` could not start: {cause}; check `deploy:` in shipgate.yml"
    )]
    HookStart {
        /// What the hook was called for.
        purpose: String,
        /// The call.
        shown: String,
        /// Why.
        cause: std::io::Error,
    },
    /// A hook exited with an error.
    #[error("the {purpose} hook `{shown}` failed ({status})")]
    HookFailed {
        /// What the hook was called for.
        purpose: String,
        /// The call.
        shown: String,
        /// `exit N`, or `killed by a signal`.
        status: String,
    },
    /// The switch hook, asked which colour has the traffic, answered something else.
    #[error(
        "`{shown}` printed `{printed}`; asked with the environment alone, the switch hook must \
         print the colour that has the traffic now: blue or green"
    )]
    UnknownColor {
        /// The call.
        shown: String,
        /// What it printed.
        printed: String,
    },
    /// The gates could not be chosen or run.
    #[error(transparent)]
    Gates(#[from] VerifyError),
    /// Undoing a failed rollout failed too: the environment is in between.
    #[error(
        "{failure}; then undoing it failed: {undo}. The environment may serve a mix of versions: \
         act by hand now"
    )]
    UndoFailed {
        /// What failed first.
        failure: String,
        /// The error of the undo.
        undo: Box<RolloutError>,
    },
}

impl RolloutError {
    pub(crate) fn hook_start(call: &HookCall<'_>, cause: std::io::Error) -> Self {
        Self::HookStart {
            purpose: call.purpose.to_owned(),
            shown: call.shown(),
            cause,
        }
    }

    pub(crate) fn hook_failed(call: &HookCall<'_>, code: Option<i32>) -> Self {
        Self::HookFailed {
            purpose: call.purpose.to_owned(),
            shown: call.shown(),
            status: code.map_or_else(|| "killed by a signal".to_owned(), |c| format!("exit {c}")),
        }
    }
}

impl ExitClass for RolloutError {
    fn exit_class(&self) -> Exit {
        match self {
            Self::HookStart { .. } | Self::UnknownColor { .. } => Exit::Usage,
            Self::Gates(e) => e.exit_class(),
            Self::HookFailed { .. } | Self::UndoFailed { .. } => Exit::External,
        }
    }
}
