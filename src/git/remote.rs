//! What a repository's remotes and work tree hold, read without touching the network.
use std::path::PathBuf;

use git2::{ErrorCode, Status, StatusOptions};

use super::error::{GitContext, GitError};
use super::push_local::is_local_url;
use super::repo::Repo;

impl Repo {
    /// The URL of remote `name`; `None` when there is no such remote (or its URL is not UTF-8).
    pub fn remote_url(&self, name: &str) -> Result<Option<String>, GitError> {
        match self.inner.find_remote(name) {
            Ok(remote) => Ok(remote.url().map(str::to_owned)),
            Err(e) if matches!(e.code(), ErrorCode::NotFound | ErrorCode::InvalidSpec) => Ok(None),
            Err(e) => Err(e).doing(|| format!("reading remote {name}")),
        }
    }

    /// The files git sees in the work tree, relative to its root and sorted: the tracked ones
    /// still there, and the untracked ones `.gitignore` does not exclude.
    pub fn work_files(&self) -> Result<Vec<PathBuf>, GitError> {
        let mut options = StatusOptions::new();
        options
            .include_unmodified(true)
            .include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(false)
            .exclude_submodules(true);
        let statuses = self
            .inner
            .statuses(Some(&mut options))
            .doing(|| "listing the work tree's files".into())?;
        let gone = Status::WT_DELETED | Status::INDEX_DELETED;
        let mut files: Vec<PathBuf> = statuses
            .iter()
            .filter(|s| !s.status().intersects(gone))
            .filter_map(|s| s.path().map(PathBuf::from))
            .filter(|p| self.root().join(p).is_file())
            .collect();
        files.sort();
        files.dedup();
        Ok(files)
    }
}

/// The host a remote URL names, lower-cased: `github.com` for `https://github.com/o/r.git`,
/// `git@github.com:o/r.git` and `ssh://git@github.com:22/o/r`; `None` for a local path.
pub fn remote_host(url: &str) -> Option<String> {
    let url = url.trim();
    if is_local_url(url) {
        return None;
    }
    let authority = match url.split_once("://") {
        Some((_, rest)) => rest.split('/').next()?,
        None => url.split(':').next()?,
    };
    let host = authority.rsplit('@').next()?;
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => host.split(':').next()?,
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::remote_host;
    use crate::git::Repo;

    #[test]
    fn work_files_are_the_tracked_and_the_unignored_ones() {
        let dir = tempfile::tempdir().unwrap();
        let git = git2::Repository::init(dir.path()).unwrap();
        let write = |path: &str, text: &str| {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(".gitignore", "node_modules/\n");
        write("Cargo.toml", "[package]\n");
        write("gone.txt", "x");
        write("db/migrate/1_a.rb", "x");
        write("node_modules/a/package.json", "{}");
        let mut index = git.index().unwrap();
        index.add_path(Path::new("Cargo.toml")).unwrap();
        index.add_path(Path::new("gone.txt")).unwrap();
        index.write().unwrap();
        std::fs::remove_file(dir.path().join("gone.txt")).unwrap();
        git.remote("origin", "git@github.com:o/r.git").unwrap();

        let repo = Repo::discover(dir.path()).unwrap();
        let files: Vec<PathBuf> = [".gitignore", "Cargo.toml", "db/migrate/1_a.rb"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(repo.work_files().unwrap(), files);
        assert_eq!(
            repo.remote_url("origin").unwrap().as_deref(),
            Some("git@github.com:o/r.git")
        );
        assert_eq!(repo.remote_url("upstream").unwrap(), None);
    }

    #[test]
    fn the_host_of_every_url_form_git_takes() {
        for (url, host) in [
            ("https://github.com/o/r.git", Some("github.com")),
            (
                "https://user:secret@GitHub.Example.com/o/r",
                Some("github.example.com"),
            ),
            ("git@github.com:o/r.git", Some("github.com")),
            (
                "ssh://git@gitlab.acme.dev:2222/g/p.git",
                Some("gitlab.acme.dev"),
            ),
            ("git://[::1]:9418/r.git", Some("::1")),
            ("gitlab.com:g/p.git", Some("gitlab.com")),
            ("/srv/git/r.git", None),
            ("file:///srv/git/r.git", None),
            ("../r.git", None),
        ] {
            assert_eq!(remote_host(url).as_deref(), host, "{url}");
        }
    }
}
