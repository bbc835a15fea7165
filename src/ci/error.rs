//! Errors from writing CI files.
use std::io;
use std::path::PathBuf;

/// Why a CI file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum CiError {
    /// A file such as `$GITHUB_OUTPUT` could not be opened or written.
    #[error("cannot write {}: {cause}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        cause: io::Error,
    },
    /// An output key is not kebab-case (`previous-version`).
    #[error(
        "invalid output key `{0}`: use lowercase letters and digits separated by single dashes, \
         e.g. previous-version"
    )]
    InvalidKey(String),
    /// A value for GitLab's dotenv report spans lines, which the report cannot carry.
    #[error(
        "cannot write {}: output `{key}` spans several lines, which GitLab's dotenv report \
         cannot carry (one KEY=value a line), so no dotenv file was written; read `{key}` from \
         `--format json` instead, or run without --dotenv",
        path.display()
    )]
    MultiLine {
        /// The dotenv file.
        path: PathBuf,
        /// The output key.
        key: String,
    },
    /// No random delimiter for a multi-line `$GITHUB_OUTPUT` value could be made.
    #[error("cannot write {}: no random delimiter: {reason}", path.display())]
    Delimiter {
        /// The file being written.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}
