//! Errors of the git layer.
use std::path::PathBuf;

/// What went wrong talking to a git repository or its remote.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The path is not inside a git repository.
    #[error(
        "{path}: not a git repository (or any parent up to /); run shipgate inside a clone or pass --repo PATH"
    )]
    NotARepository {
        /// The path we looked in.
        path: PathBuf,
    },
    /// The repository has no work tree (a bare repository).
    #[error("{path}: is a bare repository; shipgate needs a clone with a work tree")]
    Bare {
        /// The repository path.
        path: PathBuf,
    },
    /// The clone is shallow, so tags and history are incomplete.
    #[error(
        "this clone is shallow, so the last release tag and the commits since it cannot be read; fetch the whole history and the tags:\n  GitHub Actions: actions/checkout with `fetch-depth: 0`\n  GitLab CI:      `variables: {{ GIT_DEPTH: 0 }}` (and GIT_FETCH_EXTRA_FLAGS: --tags)\n  locally:        git fetch --unshallow --tags"
    )]
    Shallow,
    /// Tracked files have uncommitted changes.
    #[error(
        "the work tree has uncommitted changes ({files}); commit or stash them first, or use --dry-run to only compute the version"
    )]
    Dirty {
        /// A short list of the changed files.
        files: String,
    },
    /// A revision given on the command line names nothing.
    #[error(
        "{0}: no such commit, tag or branch; check the name, and fetch tags in CI (fetch-depth: 0)"
    )]
    UnknownRevision(String),
    /// HEAD does not point at a commit yet.
    #[error("the repository has no commit yet; commit something first")]
    NoCommits,
    /// HEAD is detached and no branch to push was given.
    #[error(
        "HEAD is detached, so there is no branch to push the release commit to; pass --branch NAME"
    )]
    DetachedHead,
    /// The tag to create already names another commit.
    #[error(
        "tag {tag} already exists on commit {existing}, not on HEAD ({head}); delete it if it is wrong, or release from {existing}"
    )]
    TagElsewhere {
        /// The tag name.
        tag: String,
        /// The commit it names.
        existing: String,
        /// The commit we are releasing.
        head: String,
    },
    /// `git tag -s` (used for signed tags) failed.
    #[error(
        "signing tag {tag} failed: {detail}; check `git config user.signingkey` and `gpg.format`, or drop --sign"
    )]
    Sign {
        /// The tag name.
        tag: String,
        /// What git printed.
        detail: String,
    },
    /// The remote branch moved on since this job's checkout.
    #[error(
        "the remote branch {branch} moved on (it is at {remote}; this release was computed on {base}); nothing was pushed and nothing of this release is left locally: pull, then run again"
    )]
    RemoteMoved {
        /// The branch name.
        branch: String,
        /// The remote's tip.
        remote: String,
        /// The commit the release was computed on.
        base: String,
    },
    /// An earlier run's local release commit is not on the remote branch, which went elsewhere.
    #[error(
        "the remote branch {branch} (at {remote}) does not contain the local release {tag}; drop the local release (`git tag -d {tag}` and `git reset --hard {remote}`), then run again"
    )]
    RemoteDiverged {
        /// The branch name.
        branch: String,
        /// The remote's tip.
        remote: String,
        /// The local release tag.
        tag: String,
    },
    /// The remote already has the tag on another object.
    #[error(
        "the remote already has tag {tag} on another commit ({remote}); delete one of the two tags, then run again"
    )]
    RemoteTagElsewhere {
        /// The tag name.
        tag: String,
        /// The object the remote tag names.
        remote: String,
    },
    /// The remote refused an update.
    #[error("the remote rejected {reference}: {message}")]
    PushRejected {
        /// The reference pushed.
        reference: String,
        /// The remote's reason.
        message: String,
    },
    /// Talking to the remote (connecting, authenticating, listing its references) failed.
    #[error("{action} failed: {message}")]
    Remote {
        /// What we were doing.
        action: String,
        /// Why it failed, with any credentials in URLs removed.
        message: String,
    },
    /// A remote on a local path needs the `git` executable to be pushed to safely.
    #[error(
        "pushing to {url}, a remote on a local path, needs the git executable (it updates the branch only if no other job moved it meanwhile), and git was not found on PATH; install git"
    )]
    NoGitExecutable {
        /// The remote's URL.
        url: String,
    },
    /// The named remote does not exist.
    #[error("there is no remote named {0}; pass --remote NAME or add it with `git remote add`")]
    NoSuchRemote(String),
    /// Any other libgit2 failure, with what we were doing.
    #[error("{action}: {cause}")]
    Git {
        /// What we were doing.
        action: String,
        /// libgit2's error.
        cause: git2::Error,
    },
}

impl crate::exit::ExitClass for GitError {
    /// The network and the remote are external; the repository's state is the user's.
    fn exit_class(&self) -> crate::exit::Exit {
        crate::exit::external_if(matches!(
            self,
            Self::RemoteMoved { .. }
                | Self::RemoteDiverged { .. }
                | Self::PushRejected { .. }
                | Self::Remote { .. }
                | Self::Git { .. }
        ))
    }
}

/// Attach what we were doing to a libgit2 error.
pub(crate) trait GitContext<T> {
    fn doing(self, action: impl FnOnce() -> String) -> Result<T, GitError>;
}

impl<T> GitContext<T> for Result<T, git2::Error> {
    fn doing(self, action: impl FnOnce() -> String) -> Result<T, GitError> {
        self.map_err(|cause| GitError::Git {
            action: action(),
            cause,
        })
    }
}
