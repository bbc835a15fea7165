//! Errors of `shipgate-verify` that stop it before or outside the gates (a gate that fails is
//! a result, not an error).

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
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
}
