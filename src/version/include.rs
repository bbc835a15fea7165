//! Files a step before `shipgate-version` wrote (checksums, a generated changelog) that go into
//! the release commit with the manifests: `--include PATH`.
use std::path::{Path, PathBuf};

use super::error::VersionError;
use crate::git::Repo;

/// The included files: their paths relative to the repository root, and their contents when
/// the run started, so that undoing a failed release never loses them.
#[derive(Debug, Default)]
pub struct Included {
    files: Vec<(PathBuf, Vec<u8>)>,
}

impl Included {
    /// Resolves each of `paths` (relative to the current directory, as given on the command
    /// line) inside `repo` and reads it. A file that does not exist or lies outside the
    /// repository is refused.
    pub fn read(repo: &Repo, paths: &[PathBuf]) -> Result<Self, VersionError> {
        let root = canonical(repo.root(), repo.root())?;
        let mut files = Vec::new();
        for path in paths {
            let absolute = canonical(path, path)?;
            let relative = absolute
                .strip_prefix(&root)
                .map_err(|_| VersionError::IncludeOutside {
                    path: path.clone(),
                    root: root.clone(),
                })?
                .to_path_buf();
            let content = std::fs::read(&absolute).map_err(|cause| VersionError::Include {
                path: path.clone(),
                cause,
            })?;
            if !files.iter().any(|(p, _)| *p == relative) {
                files.push((relative, content));
            }
        }
        Ok(Self { files })
    }

    /// The paths, relative to the repository root.
    pub fn paths(&self) -> Vec<PathBuf> {
        self.files.iter().map(|(path, _)| path.clone()).collect()
    }

    /// Whether any included file differs from HEAD (changed, or not tracked yet).
    pub fn changed(&self, repo: &Repo) -> Result<bool, VersionError> {
        let changed = repo.changed_paths()?;
        for (path, _) in &self.files {
            let tracked_change = changed.iter().any(|c| Path::new(c) == path);
            if tracked_change || !repo.is_tracked(path)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Writes the files back as they were when the run started (after a hard reset undid the
    /// release commit).
    pub fn restore(&self, root: &Path) {
        for (path, content) in &self.files {
            if let Err(e) = std::fs::write(root.join(path), content) {
                tracing::error!("could not restore {}: {e}", path.display());
            }
        }
    }
}

fn canonical(path: &Path, shown: &Path) -> Result<PathBuf, VersionError> {
    path.canonicalize().map_err(|cause| VersionError::Include {
        path: shown.to_path_buf(),
        cause,
    })
}
