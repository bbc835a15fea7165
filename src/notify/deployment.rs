//! The deployment a notify command speaks of: which release goes to which environment of which
//! project, from which repository and CI run.
use std::path::{Path, PathBuf};

use semver::Version;

use super::templates::Templates;
use crate::ci::CiEnv;
use crate::config::Config;

/// What every notify command starts from.
pub struct Deployment<'a> {
    /// The configuration (`notify:` and `version.tag_prefix`).
    pub config: &'a Config,
    /// The CI run.
    pub ci: &'a CiEnv,
    /// A path inside the repository.
    pub repo: &'a Path,
    /// The repository's root (template and CA paths start from it).
    pub root: PathBuf,
    /// The project's name.
    pub project: String,
    /// The release.
    pub version: Version,
    /// The environment deployed to.
    pub environment: String,
}

impl Deployment<'_> {
    /// The project's templates, then the built-in ones.
    pub(crate) fn templates(&self) -> Templates {
        Templates::configured(&self.root, &self.config.notify.templates)
    }

    /// The CI run's id (`local` outside CI): comments are written once per run.
    pub(crate) fn run_id(&self) -> String {
        self.ci.run_id.clone().unwrap_or_else(|| "local".to_owned())
    }

    /// The release before this one and the messages of the commits since it; both empty when
    /// git cannot tell (the messages still go out).
    pub(crate) fn history(&self) -> (Option<Version>, Vec<String>) {
        let prefix = &self.config.version.tag_prefix;
        super::release_history(self.repo, &self.version, prefix).unwrap_or_else(|e| {
            tracing::warn!("no tickets or previous version from git: {e}");
            (None, Vec::new())
        })
    }
}
