//! Errors of `shipgate-verify` that stop it before or outside the gates (a gate that fails is
//! a result, not an error).
use crate::exit::{Exit, ExitClass};

/// Why the gates could not be evaluated.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// `--gate` names a gate that is not configured.
    #[error("no gate named `{name}` in `gates:`; configured gates: {known}")]
    UnknownGate {
        /// The name given.
        name: String,
        /// The configured names, comma-separated.
        known: String,
    },
    /// A maintenance gate runs without `--env`: it cannot tell whose maintenance mode to ask.
    #[error("the maintenance gate `{gate}` asks one environment: give --env")]
    MaintenanceNeedsEnv {
        /// The gate.
        gate: String,
    },
    /// The environment has no status command for a maintenance gate.
    #[error(
        "the maintenance gate `{gate}` needs `deploy.{environment}.maintenance.status`: the \
         command that prints on or off"
    )]
    NoMaintenanceStatus {
        /// The gate.
        gate: String,
        /// The environment.
        environment: String,
    },
    /// A header's environment variable is not set.
    #[error(
        "gate `{gate}` sends header `{header}` from the environment variable {variable}, which is not set; set it in the job (as a secret)"
    )]
    MissingSecret {
        /// The gate.
        gate: String,
        /// The header name.
        header: String,
        /// The variable name.
        variable: String,
    },
    /// A header name or value is not valid in HTTP.
    #[error("gate `{gate}`: header `{header}` is not a valid HTTP header name or value")]
    BadHeader {
        /// The gate.
        gate: String,
        /// The header name.
        header: String,
    },
    /// The forge failed (after retries).
    #[error(transparent)]
    Forge(#[from] crate::forge::ForgeError),
    /// No open deployment issue of ours exists for the version.
    #[error(
        "there is no open deployment issue for v{version} made by {login}; run `shipgate-issue open --version {version}` first, or drop --issue"
    )]
    NoIssue {
        /// The version.
        version: String,
        /// The login shipgate acts as.
        login: String,
    },
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
}

impl ExitClass for VerifyError {
    fn exit_class(&self) -> Exit {
        match self {
            Self::Forge(e) => e.exit_class(),
            Self::Client(_) => Exit::External,
            Self::UnknownGate { .. }
            | Self::MaintenanceNeedsEnv { .. }
            | Self::NoMaintenanceStatus { .. }
            | Self::MissingSecret { .. }
            | Self::BadHeader { .. }
            | Self::NoIssue { .. } => Exit::Usage,
        }
    }
}
