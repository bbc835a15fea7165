//! Errors of the forge layer.

/// Why a forge call failed (after retries).
#[derive(Debug, thiserror::Error)]
pub enum ForgeError {
    /// The token is missing, invalid, or lacks a permission; the message names what it lacks.
    #[error("{what}: the token was refused ({status}); {needs}")]
    Unauthorized {
        /// What we were doing.
        what: String,
        /// HTTP status (401, 403).
        status: u16,
        /// What the token needs, e.g. `a GitHub token with issues: write`.
        needs: String,
    },
    /// The object (or the repository) does not exist, or the token cannot see it.
    #[error(
        "{what}: not found (404); check the repository name and that the token can see it ({needs})"
    )]
    NotFound {
        /// What we were doing.
        what: String,
        /// What the token needs to see it.
        needs: String,
        /// What the forge said is missing, where it names it: GitLab's `404 Tag Not Found` is
        /// `Tag`, `404 Project Not Found` is `Project`. `None` where it names nothing (every
        /// GitHub 404, GitLab's `404 Not found` of a record looked up by id): the object asked for.
        resource: Option<String>,
    },
    /// The forge kept failing (5xx, rate limits, time-outs) until the retry budget ran out.
    #[error("{what}: the forge did not answer successfully after {attempts} attempts: {last}")]
    Unavailable {
        /// What we were doing.
        what: String,
        /// How many attempts were made.
        attempts: u32,
        /// The last failure.
        last: String,
    },
    /// The forge answered something we did not expect (including the response body).
    #[error("{what}: unexpected answer ({status}): {body}")]
    Unexpected {
        /// What we were doing.
        what: String,
        /// HTTP status, 0 when there was none.
        status: u16,
        /// The response body, cut to a readable length.
        body: String,
        /// How long the server asked to wait before another attempt (`Retry-After`).
        retry_after: Option<std::time::Duration>,
    },
    /// The configuration of the forge is incomplete (no repository, no token, bad URL).
    #[error("{0}")]
    Setup(String),
    /// A value given to a call is not in the shape the forge takes (e.g. a team not written
    /// `org/team-slug`); nothing was sent.
    #[error("`{value}` is not {expected}")]
    Invalid {
        /// The value as given.
        value: String,
        /// What was expected and how to write it.
        expected: String,
    },
    /// A local-forge file could not be read or written.
    #[error("{path}: {cause}")]
    Local {
        /// The file.
        path: std::path::PathBuf,
        /// What went wrong.
        cause: String,
    },
}

impl ForgeError {
    /// Whether this is a 404 naming `resource` as missing (GitLab's `404 Tag Not Found` names
    /// `Tag`), told apart from one naming the project or group.
    pub fn is_not_found_of(&self, resource: &str) -> bool {
        matches!(self, Self::NotFound { resource: Some(named), .. } if named == resource)
    }
}

impl crate::exit::ExitClass for ForgeError {
    /// Setup and invalid input are the user's (exit 2); everything else came from outside.
    fn exit_class(&self) -> crate::exit::Exit {
        crate::exit::external_if(!matches!(self, Self::Setup(_) | Self::Invalid { .. }))
    }
}
