//! Commits on a side branch (such as the deployment log's) made without touching the work
//! tree, HEAD or the index: fetch its tip into a private ref, write one file into a new tree,
//! commit on top, push.
use std::path::Path;

use git2::Oid;
use git2::build::TreeUpdateBuilder;

use super::error::{GitContext, GitError};
use super::push::PushAuth;
use super::repo::Repo;
use super::write::Identity;

impl Repo {
    /// Fetch `branch` of `remote` into the private reference `local_ref` and return its tip;
    /// `None` when the remote has no such branch. The tip is the one the fetch brought, so its
    /// objects are here; whatever `local_ref` held before (say, from a failed run) is dropped.
    pub fn fetch_branch_tip(
        &self,
        remote: &str,
        branch: &str,
        local_ref: &str,
        auth: &PushAuth,
    ) -> Result<Option<Oid>, GitError> {
        self.delete_reference(local_ref)?;
        self.fetch(remote, &format!("+refs/heads/{branch}:{local_ref}"), auth)?;
        match self.inner.find_reference(local_ref) {
            Ok(reference) => Ok(reference.target()),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e).doing(|| format!("reading {local_ref}")),
        }
    }

    /// Point reference `name` at `id` (created or moved).
    pub fn set_reference(&self, name: &str, id: Oid) -> Result<(), GitError> {
        self.inner
            .reference(name, id, true, "shipgate")
            .map(|_| ())
            .doing(|| format!("setting {name}"))
    }

    /// Delete a reference if it exists.
    pub fn delete_reference(&self, name: &str) -> Result<(), GitError> {
        match self.inner.find_reference(name) {
            Ok(mut reference) => reference.delete().doing(|| format!("deleting {name}")),
            Err(_) => Ok(()),
        }
    }

    /// Create a commit whose tree is `parent`'s (empty without one) with `path` set to
    /// `content`; no reference moves.
    pub fn commit_file(
        &self,
        parent: Option<Oid>,
        path: &Path,
        content: &[u8],
        message: &str,
        identity: &Identity,
    ) -> Result<Oid, GitError> {
        let repo = &self.inner;
        let blob = repo.blob(content).doing(|| "writing the file".into())?;
        let parent = parent
            .map(|id| repo.find_commit(id))
            .transpose()
            .doing(|| "reading the branch tip".into())?;
        let base = match &parent {
            Some(commit) => commit.tree().doing(|| "reading the branch tree".into())?,
            None => {
                let empty = repo
                    .treebuilder(None)
                    .and_then(|b| b.write())
                    .doing(|| "writing an empty tree".into())?;
                repo.find_tree(empty)
                    .doing(|| "reading an empty tree".into())?
            }
        };
        let mut update = TreeUpdateBuilder::new();
        update.upsert(path, blob, git2::FileMode::Blob);
        let tree_id = update
            .create_updated(repo, &base)
            .doing(|| format!("writing the tree with {}", path.display()))?;
        let tree = repo
            .find_tree(tree_id)
            .doing(|| "reading the new tree".into())?;
        let author = self.signature(&identity.author)?;
        let committer = self.signature(&identity.committer)?;
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        repo.commit(None, &author, &committer, message, &tree, &parents)
            .doing(|| "creating the commit".into())
    }

    /// The file at `path` in `commit`, or `None` when it does not exist there.
    pub fn file_at(&self, commit: Oid, path: &Path) -> Result<Option<Vec<u8>>, GitError> {
        let tree = self
            .inner
            .find_commit(commit)
            .and_then(|c| c.tree())
            .doing(|| format!("reading commit {commit}"))?;
        let Ok(entry) = tree.get_path(path) else {
            return Ok(None);
        };
        let blob = self
            .inner
            .find_blob(entry.id())
            .doing(|| format!("reading {}", path.display()))?;
        Ok(Some(blob.content().to_vec()))
    }
}
