//! Publishing a release: check the remote first, then push the branch and the tag, in that order.
use git2::Oid;

use super::error::VersionError;
use super::release::PushTarget;
use crate::git::{GitError, RemoteState, Repo, short};

/// What the remote's state says a new release should do.
pub enum Prepared<'a> {
    /// Write the release locally, then push it.
    Push(Publish<'a>),
    /// The remote branch already holds this release's commit (an earlier run pushed it): tag that
    /// commit, or fetch the remote's tag when it has one, and push what is missing.
    Adopt {
        /// The release commit.
        commit: Oid,
        /// The remote has a tag of the release's name (on that commit, or the run stops).
        tag_on_remote: bool,
    },
}

/// A push that the remote's state allows, prepared before anything is written locally.
pub struct Publish<'a> {
    target: &'a PushTarget,
    branch: String,
    push_branch: bool,
    push_tag: bool,
}

/// The branch to push: `--branch`, else the checked-out branch, else the CI's branch.
fn branch_to_push(
    repo: &Repo,
    explicit: Option<&str>,
    ci: Option<&str>,
) -> Result<String, GitError> {
    if let Some(branch) = explicit {
        return Ok(branch.to_owned());
    }
    if let Some(branch) = repo.current_branch()? {
        return Ok(branch);
    }
    ci.map(str::to_owned).ok_or(GitError::DetachedHead)
}

/// The branch to push and what the remote has of it and of `tag`.
fn remote_view(
    repo: &Repo,
    target: &PushTarget,
    (explicit, ci): (Option<&str>, Option<&str>),
    tag: &str,
) -> Result<(String, RemoteState), GitError> {
    let branch = branch_to_push(repo, explicit, ci)?;
    let state = repo.remote_state(&target.remote, &branch, tag, &target.auth)?;
    Ok((branch, state))
}

impl<'a> Publish<'a> {
    /// For a new release on `head`: the remote must not have the tag, and its branch must be
    /// `head` or behind it — unless its tip is the release commit an earlier run made on `head`
    /// (subject `release_subject`), whose release this run then completes ([`Prepared::Adopt`]).
    pub fn prepare(
        repo: &Repo,
        target: &'a PushTarget,
        branch: (Option<&str>, Option<&str>),
        tag: &str,
        head: Oid,
        release_subject: &str,
    ) -> Result<Prepared<'a>, VersionError> {
        let (branch, state) = remote_view(repo, target, branch, tag)?;
        if let Some(remote) = state.branch {
            let behind =
                remote == head || (repo.has_object(remote) && repo.is_ancestor(remote, head)?);
            if !behind {
                if !repo.has_object(remote) {
                    let refspec = format!(
                        "+refs/heads/{branch}:refs/remotes/{}/{branch}",
                        target.remote
                    );
                    repo.fetch(&target.remote, &refspec, &target.auth)?;
                }
                if repo.is_release_commit(remote, head, release_subject)? {
                    tracing::info!(commit = %short(remote), "the remote branch holds this release's commit from an earlier run");
                    return Ok(Prepared::Adopt {
                        commit: remote,
                        tag_on_remote: state.tag.is_some(),
                    });
                }
                return Err(GitError::RemoteMoved {
                    branch,
                    remote: short(remote),
                    base: short(head),
                }
                .into());
            }
        }
        if let Some(remote_tag) = state.tag {
            return Err(GitError::RemoteTagElsewhere {
                tag: tag.to_owned(),
                remote: short(remote_tag),
            }
            .into());
        }
        Ok(Prepared::Push(Self {
            target,
            branch,
            push_branch: true,
            push_tag: true,
        }))
    }

    /// For a release an earlier run made on `head`: push whatever the remote still lacks.
    pub fn prepare_resume(
        repo: &Repo,
        target: &'a PushTarget,
        branch: (Option<&str>, Option<&str>),
        tag: &str,
        head: Oid,
    ) -> Result<Self, VersionError> {
        let (branch, state) = remote_view(repo, target, branch, tag)?;
        let push_tag = match state.tag {
            None => true,
            Some(remote_tag) if Some(remote_tag) == repo.tag_object(tag) => false,
            Some(remote_tag) => {
                return Err(GitError::RemoteTagElsewhere {
                    tag: tag.to_owned(),
                    remote: short(remote_tag),
                }
                .into());
            }
        };
        let push_branch = match state.branch {
            None => true,
            Some(remote) if remote == head => false,
            Some(remote) if repo.has_object(remote) && repo.is_ancestor(head, remote)? => false,
            Some(remote) if repo.has_object(remote) && repo.is_ancestor(remote, head)? => true,
            Some(remote) => {
                return Err(GitError::RemoteDiverged {
                    branch,
                    remote: short(remote),
                    tag: tag.to_owned(),
                }
                .into());
            }
        };
        Ok(Self {
            target,
            branch,
            push_branch,
            push_tag,
        })
    }

    /// Push a release made in this run; if the branch push fails, `undo` removes it locally.
    pub fn push_new(
        self,
        repo: &Repo,
        commit: Oid,
        tag: &str,
        undo: impl FnOnce(),
    ) -> Result<(), VersionError> {
        if let Err(source) = self.push_branch(repo, commit) {
            undo();
            return Err(VersionError::PushFailed { cause: source });
        }
        self.push_tag(repo, tag)
    }

    /// Push what the remote still lacks of an earlier run's release.
    pub fn push_existing(self, repo: &Repo, commit: Oid, tag: &str) -> Result<(), VersionError> {
        if self.push_branch {
            self.push_branch(repo, commit)?;
        }
        if self.push_tag {
            self.push_tag(repo, tag)?;
        }
        Ok(())
    }

    fn push_branch(&self, repo: &Repo, commit: Oid) -> Result<(), GitError> {
        tracing::info!(branch = %self.branch, commit = %short(commit), "pushing the release commit");
        repo.push_ref(
            &self.target.remote,
            &commit.to_string(),
            &format!("refs/heads/{}", self.branch),
            &self.target.auth,
        )
    }

    fn push_tag(&self, repo: &Repo, tag: &str) -> Result<(), VersionError> {
        tracing::info!(tag, "pushing the release tag");
        let reference = format!("refs/tags/{tag}");
        repo.push_ref(
            &self.target.remote,
            &reference,
            &reference,
            &self.target.auth,
        )
        .map_err(|source| VersionError::TagNotPushed {
            tag: tag.to_owned(),
            cause: source,
        })
    }
}
