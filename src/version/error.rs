//! Errors of `shipgate-version`.
use crate::exit::{Exit, ExitClass};
use std::path::PathBuf;

use crate::git::GitError;
use crate::version::manifest::ManifestError;

/// Why a release could not be computed or made.
#[derive(Debug, thiserror::Error)]
pub enum VersionError {
    /// A git operation failed.
    #[error(transparent)]
    Git(#[from] GitError),
    /// A manifest could not be read or rewritten.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// A `Release-As:` footer does not hold a semantic version.
    #[error(
        "commit {commit}: `Release-As: {value}` is not a semantic version ({reason}); write it as X.Y.Z"
    )]
    BadReleaseAs {
        /// The commit carrying the footer.
        commit: String,
        /// The footer's value.
        value: String,
        /// The parser's complaint.
        reason: String,
    },
    /// A `Release-As:` version is not above the last release.
    #[error(
        "commit {commit}: `Release-As: {value}` is not above the last release {previous}; choose a higher version"
    )]
    ReleaseAsNotHigher {
        /// The commit carrying the footer.
        commit: String,
        /// The requested version.
        value: String,
        /// The last release.
        previous: String,
    },
    /// The `--pre` identifier cannot stand in a semantic version.
    #[error(
        "--pre {id:?} cannot be a prerelease identifier; use letters, digits and hyphens, e.g. rc, beta, alpha"
    )]
    BadPrerelease {
        /// The identifier given.
        id: String,
    },
    /// The configured commit message template is empty.
    #[error("version.commit_message is empty; use e.g. \"chore(release): {{tag}}\"")]
    EmptyCommitMessage,
    /// Pushing the release commit failed; the local release was undone.
    #[error(
        "{cause}; nothing was pushed and the local release commit and tag were removed: run again (after `git pull` if the remote moved on)"
    )]
    PushFailed {
        /// The push error.
        cause: GitError,
    },
    /// The release commit reached the remote but the tag did not.
    #[error(
        "the release commit was pushed but tag {tag} was not ({cause}); run again to push the tag"
    )]
    TagNotPushed {
        /// The tag.
        tag: String,
        /// The push error.
        cause: GitError,
    },
    /// A file given with `--include` cannot be read.
    #[error("--include {}: {cause}; name a file of the repository that an earlier step wrote", path.display())]
    Include {
        /// The file as given.
        path: PathBuf,
        /// The I/O error.
        cause: std::io::Error,
    },
    /// A file given with `--include` is not inside the repository.
    #[error("--include {}: not inside the repository {}; only the repository's own files can go into the release commit", path.display(), root.display())]
    IncludeOutside {
        /// The file as given.
        path: PathBuf,
        /// The repository's root.
        root: PathBuf,
    },
    /// The notes file could not be written.
    #[error("{}: cannot write the release notes: {cause}", path.display())]
    NotesFile {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        cause: std::io::Error,
    },
}

impl ExitClass for VersionError {
    fn exit_class(&self) -> Exit {
        match self {
            Self::Git(e) => e.exit_class(),
            Self::NotesFile { .. } | Self::PushFailed { .. } | Self::TagNotPushed { .. } => {
                Exit::External
            }
            _ => Exit::Usage,
        }
    }
}
