//! Opening a repository and reading its state: HEAD, branch, cleanliness, tags, commits.
use std::path::{Path, PathBuf};

use git2::{ErrorCode, Oid, Repository, RepositoryOpenFlags, Sort, StatusOptions};

use super::error::{GitContext, GitError};

/// A repository with a work tree, opened for a release.
pub struct Repo {
    pub(crate) inner: Repository,
    root: PathBuf,
}

/// A tag and the commit it finally names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagRef {
    /// The tag name without `refs/tags/`.
    pub name: String,
    /// The commit the tag names (annotated tags peeled).
    pub commit: Oid,
}

/// One commit of a range, with what the version logic needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// The commit id.
    pub id: Oid,
    /// The full message.
    pub message: String,
    /// How many parents it has (more than one: a merge).
    pub parent_count: usize,
}

impl CommitInfo {
    /// The first seven hex digits of the id.
    pub fn short_id(&self) -> String {
        short(self.id)
    }
}

/// The first seven hex digits of an object id.
pub fn short(id: Oid) -> String {
    let mut hex = id.to_string();
    hex.truncate(7);
    hex
}

impl Repo {
    /// Open the repository containing `path` (searching parent directories).
    pub fn discover(path: &Path) -> Result<Self, GitError> {
        let inner = Repository::open_ext(path, RepositoryOpenFlags::empty(), &[] as &[&Path])
            .map_err(|e| match e.code() {
                ErrorCode::NotFound => GitError::NotARepository {
                    path: path.to_path_buf(),
                },
                _ => GitError::Git {
                    action: format!("opening the repository at {}", path.display()),
                    cause: e,
                },
            })?;
        let root = inner
            .workdir()
            .ok_or_else(|| GitError::Bare {
                path: inner.path().to_path_buf(),
            })?
            .to_path_buf();
        Ok(Self { inner, root })
    }

    /// The root of the work tree.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Fail when the clone is shallow: its history and tags cannot be trusted.
    pub fn ensure_complete_history(&self) -> Result<(), GitError> {
        if self.inner.is_shallow() {
            return Err(GitError::Shallow);
        }
        Ok(())
    }

    /// Fail when tracked files have changes (untracked files are not counted).
    pub fn ensure_clean(&self) -> Result<(), GitError> {
        self.ensure_clean_except(&[])
    }

    /// [`Repo::ensure_clean`], with changes to `allowed` (paths relative to the root) accepted.
    pub fn ensure_clean_except(&self, allowed: &[PathBuf]) -> Result<(), GitError> {
        let changed: Vec<String> = self
            .changed_paths()?
            .into_iter()
            .filter(|path| !allowed.iter().any(|a| a == Path::new(path)))
            .collect();
        if changed.is_empty() {
            return Ok(());
        }
        let mut files = changed
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if changed.len() > 5 {
            files.push_str(&format!(" and {} more", changed.len() - 5));
        }
        Err(GitError::Dirty { files })
    }

    /// Tracked files whose work tree or index differs from HEAD, relative to the root.
    pub fn changed_paths(&self) -> Result<Vec<String>, GitError> {
        let mut options = StatusOptions::new();
        options.include_untracked(false).include_ignored(false);
        let statuses = self
            .inner
            .statuses(Some(&mut options))
            .doing(|| "reading the work tree status".into())?;
        Ok(statuses
            .iter()
            .filter(|s| !s.status().is_empty())
            .filter_map(|s| s.path().map(str::to_owned))
            .collect())
    }

    /// Whether HEAD's tree holds `path` (relative to the root).
    pub fn is_tracked(&self, path: &Path) -> Result<bool, GitError> {
        let tree = self
            .inner
            .find_commit(self.head()?)
            .and_then(|commit| commit.tree())
            .doing(|| "reading HEAD's tree".into())?;
        Ok(tree.get_path(path).is_ok())
    }

    /// The commit HEAD points at.
    pub fn head(&self) -> Result<Oid, GitError> {
        match self.inner.head() {
            Ok(head) => head
                .peel_to_commit()
                .map(|c| c.id())
                .doing(|| "reading HEAD".into()),
            Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => {
                Err(GitError::NoCommits)
            }
            Err(e) => Err(e).doing(|| "reading HEAD".into()),
        }
    }

    /// The branch HEAD is on, or `None` when detached.
    pub fn current_branch(&self) -> Result<Option<String>, GitError> {
        if self.inner.head_detached().doing(|| "reading HEAD".into())? {
            return Ok(None);
        }
        let head = self.inner.head().doing(|| "reading HEAD".into())?;
        Ok(head.shorthand().map(str::to_owned))
    }

    /// Every tag of the repository, peeled to the commit it names (tags of non-commits skipped).
    pub fn tags(&self) -> Result<Vec<TagRef>, GitError> {
        let mut tags = Vec::new();
        let references = self
            .inner
            .references_glob("refs/tags/*")
            .doing(|| "listing tags".into())?;
        for reference in references {
            let reference = reference.doing(|| "listing tags".into())?;
            let Some(name) = reference.shorthand().map(str::to_owned) else {
                continue;
            };
            if let Ok(commit) = reference.peel_to_commit() {
                tags.push(TagRef {
                    name,
                    commit: commit.id(),
                });
            }
        }
        Ok(tags)
    }

    /// The commit a tag names, if the tag exists.
    pub fn tag_target(&self, name: &str) -> Result<Option<Oid>, GitError> {
        match self.inner.find_reference(&format!("refs/tags/{name}")) {
            Ok(r) => Ok(Some(
                r.peel_to_commit()
                    .doing(|| format!("reading tag {name}"))?
                    .id(),
            )),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e).doing(|| format!("reading tag {name}")),
        }
    }

    /// The message of an annotated tag (`None` for a lightweight or missing tag).
    pub fn tag_message(&self, name: &str) -> Result<Option<String>, GitError> {
        let Ok(reference) = self.inner.find_reference(&format!("refs/tags/{name}")) else {
            return Ok(None);
        };
        Ok(reference
            .peel_to_tag()
            .ok()
            .and_then(|t| t.message().map(str::to_owned)))
    }

    /// Whether `ancestor` is `descendant` or one of its ancestors.
    pub fn is_ancestor(&self, ancestor: Oid, descendant: Oid) -> Result<bool, GitError> {
        if ancestor == descendant {
            return Ok(true);
        }
        self.inner
            .graph_descendant_of(descendant, ancestor)
            .doing(|| format!("comparing {} with {}", short(ancestor), short(descendant)))
    }

    /// The commits reachable from `head` but not from `since` (all parents, newest first).
    pub fn commits_between(
        &self,
        since: Option<Oid>,
        head: Oid,
    ) -> Result<Vec<CommitInfo>, GitError> {
        let mut walk = self.inner.revwalk().doing(|| "walking history".into())?;
        walk.set_sorting(Sort::TIME)
            .doing(|| "walking history".into())?;
        walk.push(head).doing(|| "walking history".into())?;
        if let Some(since) = since {
            walk.hide(since).doing(|| "walking history".into())?;
        }
        let mut commits = Vec::new();
        for id in walk {
            let id = id.doing(|| "walking history".into())?;
            let commit = self
                .inner
                .find_commit(id)
                .doing(|| format!("reading commit {}", short(id)))?;
            commits.push(CommitInfo {
                id,
                message: String::from_utf8_lossy(commit.message_bytes()).into_owned(),
                parent_count: commit.parent_count(),
            });
        }
        Ok(commits)
    }

    /// The first parent of a commit.
    pub fn first_parent(&self, id: Oid) -> Result<Option<Oid>, GitError> {
        let commit = self
            .inner
            .find_commit(id)
            .doing(|| format!("reading commit {}", short(id)))?;
        Ok(commit.parent_ids().next())
    }

    /// Whether `candidate` is the release commit an earlier run made on `base`: its first parent is
    /// `base` and its subject is `subject`.
    pub fn is_release_commit(
        &self,
        candidate: Oid,
        base: Oid,
        subject: &str,
    ) -> Result<bool, GitError> {
        if !self.has_object(candidate) {
            return Ok(false);
        }
        Ok(self.first_parent(candidate)? == Some(base) && self.subject(candidate)? == subject)
    }

    /// The subject line of a commit.
    pub fn subject(&self, id: Oid) -> Result<String, GitError> {
        let commit = self
            .inner
            .find_commit(id)
            .doing(|| format!("reading commit {}", short(id)))?;
        Ok(commit.summary().unwrap_or_default().to_owned())
    }
}
