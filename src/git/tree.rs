//! Reading trees: which files changed between two commits, and their content at a commit.
use std::path::{Path, PathBuf};

use git2::{Delta, DiffOptions, ObjectType, Oid, TreeWalkMode, TreeWalkResult};

use super::error::{GitContext, GitError};
use super::repo::Repo;

/// How a file changed between two commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileChange {
    /// The file is new.
    Added,
    /// The file existed and was changed.
    Modified,
}

impl Repo {
    /// The commit a revision (`v1.2.0`, `main~3`, a hash) names.
    pub fn resolve(&self, revision: &str) -> Result<Oid, GitError> {
        let object = self
            .inner
            .revparse_single(revision)
            .map_err(|_| GitError::UnknownRevision(revision.to_owned()))?;
        object
            .peel_to_commit()
            .map(|c| c.id())
            .map_err(|_| GitError::UnknownRevision(revision.to_owned()))
    }

    /// The best common ancestor of `a` and `b`; `None` when they share no history.
    pub fn merge_base(&self, a: Oid, b: Oid) -> Result<Option<Oid>, GitError> {
        match self.inner.merge_base(a, b) {
            Ok(base) => Ok(Some(base)),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(GitError::Git {
                action: format!("finding the merge base of {a} and {b}"),
                cause: e,
            }),
        }
    }

    /// Files added or modified from `base` to `head` (deletions are not listed), sorted by path.
    pub fn changed_files(
        &self,
        base: Oid,
        head: Oid,
    ) -> Result<Vec<(PathBuf, FileChange)>, GitError> {
        let tree = |id: Oid| {
            self.inner
                .find_commit(id)
                .and_then(|c| c.tree())
                .doing(|| format!("reading the tree of {id}"))
        };
        let (base_tree, head_tree) = (tree(base)?, tree(head)?);
        let mut options = DiffOptions::new();
        options.ignore_submodules(true);
        let diff = self
            .inner
            .diff_tree_to_tree(Some(&base_tree), Some(&head_tree), Some(&mut options))
            .doing(|| "comparing the two commits".into())?;
        let mut files: Vec<(PathBuf, FileChange)> = diff
            .deltas()
            .filter_map(|delta| {
                let change = match delta.status() {
                    Delta::Added | Delta::Copied | Delta::Renamed => FileChange::Added,
                    Delta::Modified | Delta::Typechange => FileChange::Modified,
                    _ => return None,
                };
                Some((delta.new_file().path()?.to_path_buf(), change))
            })
            .collect();
        files.sort();
        Ok(files)
    }

    /// Every file of the tree of `commit`, sorted by path.
    pub fn files_at(&self, commit: Oid) -> Result<Vec<PathBuf>, GitError> {
        let tree = self
            .inner
            .find_commit(commit)
            .and_then(|c| c.tree())
            .doing(|| format!("reading the tree of {commit}"))?;
        let mut files = Vec::new();
        tree.walk(TreeWalkMode::PreOrder, |dir, entry| {
            if entry.kind() == Some(ObjectType::Blob) {
                if let Some(name) = entry.name() {
                    files.push(Path::new(dir).join(name));
                }
            }
            TreeWalkResult::Ok
        })
        .doing(|| "listing files".into())?;
        files.sort();
        Ok(files)
    }

    /// The content of `path` at `commit`.
    pub fn read_at(&self, commit: Oid, path: &Path) -> Result<Vec<u8>, GitError> {
        let tree = self
            .inner
            .find_commit(commit)
            .and_then(|c| c.tree())
            .doing(|| format!("reading the tree of {commit}"))?;
        let entry = tree
            .get_path(path)
            .doing(|| format!("finding {}", path.display()))?;
        let blob = self
            .inner
            .find_blob(entry.id())
            .doing(|| format!("reading {}", path.display()))?;
        Ok(blob.content().to_vec())
    }
}
