//! Errors of the deployment issue's inputs.

/// Why an input of the deployment issue could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DeployIssueError {
    /// A version is not a semantic version.
    #[error("`{value}` is not a semantic version ({reason}); write it as X.Y.Z or vX.Y.Z")]
    BadVersion {
        /// The text given.
        value: String,
        /// The parser's complaint.
        reason: String,
    },
    /// The body carries no `<!-- shipgate:release vX.Y.Z -->` marker.
    #[error("the issue body carries no shipgate release marker; it is not a deployment issue")]
    NotADeployIssue,
    /// The body lost the sections shipgate writes (someone removed a heading).
    #[error(
        "the deployment issue lost its Environments or History section; run `shipgate-issue open` to render it again"
    )]
    DamagedBody,
    /// Even without history the body would be too long.
    #[error(
        "the deployment issue would exceed 65,535 characters even without history; shorten its notes"
    )]
    BodyTooLong,
    /// An image is not written `NAME=REF`.
    #[error("image `{0}` is not NAME=REF; write it as e.g. api=ghcr.io/acme/api@sha256:…")]
    BadImage(String),
}
