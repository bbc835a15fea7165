//! Errors of the deployment issue's inputs.

/// Why an input of the deployment issue could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DeployIssueError {
    /// The schema report is not JSON at all.
    #[error(
        "the schema report is not valid JSON ({0}); pass the output of `shipgate-schema --format json`"
    )]
    ReportJson(#[source] serde_json::Error),
    /// A key of the schema report is missing or holds the wrong kind of value.
    #[error(
        "the schema report's `{key}` {problem}; pass the output of `shipgate-schema --format json`"
    )]
    ReportKey {
        /// The key (`order`, `pre_deploy`, `post_deploy`).
        key: &'static str,
        /// What is wrong with it.
        problem: String,
    },
    /// A version is not a semantic version.
    #[error("`{value}` is not a semantic version ({reason}); write it as X.Y.Z or vX.Y.Z")]
    BadVersion {
        /// The text given.
        value: String,
        /// The parser's complaint.
        reason: String,
    },
    /// An image is not written `NAME=REF`.
    #[error("image `{0}` is not NAME=REF; write it as e.g. api=ghcr.io/acme/api@sha256:…")]
    BadImage(String),
}
