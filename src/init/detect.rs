//! What the repository is: its forge, its manifests and its migration folders.
use std::path::PathBuf;

use serde::Serialize;

use super::InitError;
use crate::git::{Repo, redact_credentials, remote_host};
use crate::schema::folders::{Survey, survey};
use crate::version::manifest;

/// The forge the starter CI is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Forge {
    /// GitHub or GitHub Enterprise: workflows in `.github/workflows/`.
    Github,
    /// GitLab: the template included from `.gitlab-ci.yml`.
    Gitlab,
}

impl Forge {
    /// The forge a remote's host names: `github` in it is GitHub, `gitlab` GitLab; a host
    /// naming neither, or both, tells nothing.
    pub fn of_host(host: &str) -> Option<Self> {
        match (host.contains("github"), host.contains("gitlab")) {
            (true, false) => Some(Self::Github),
            (false, true) => Some(Self::Gitlab),
            _ => None,
        }
    }

    /// `github` or `gitlab`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Github => "github",
            Self::Gitlab => "gitlab",
        }
    }
}

/// How the forge was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForgeSource {
    /// `--forge`.
    Flag,
    /// The host of remote `origin`, whose URL (credentials removed) this is.
    Remote(String),
}

/// A manifest `shipgate-version` can bump.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundManifest {
    /// The file, relative to the repository root.
    pub path: PathBuf,
    /// The version written in it.
    pub version: String,
}

impl FoundManifest {
    /// At the root, where `shipgate-version` finds it without `version.manifests`.
    pub fn at_root(&self) -> bool {
        self.path.parent().is_none_or(|p| p.as_os_str().is_empty())
    }
}

/// Everything `shipgate-init` found.
#[derive(Debug, Clone)]
pub struct Detected {
    /// The forge.
    pub forge: Forge,
    /// Where the forge came from.
    pub source: ForgeSource,
    /// The manifests holding a version, the root's first.
    pub manifests: Vec<FoundManifest>,
    /// The migration folders.
    pub migrations: Survey,
    /// The branch HEAD is on (none when detached or before the first commit).
    pub branch: Option<String>,
}

/// Detect the forge (`flag`, else remote `origin`'s host), the manifests and the migrations
/// among the files git sees.
pub fn detect(repo: &Repo, flag: Option<Forge>) -> Result<Detected, InitError> {
    let origin = repo.remote_url("origin")?;
    let (forge, source) = match flag {
        Some(forge) => (forge, ForgeSource::Flag),
        None => {
            let shown = origin.as_deref().map(redact_credentials);
            let forge = origin
                .as_deref()
                .and_then(remote_host)
                .and_then(|host| Forge::of_host(&host))
                .ok_or_else(|| InitError::UnknownForge {
                    remote: shown.clone(),
                })?;
            (forge, ForgeSource::Remote(shown.unwrap_or_default()))
        }
    };
    let files = repo.work_files()?;
    let manifests = manifest::found(repo.root(), &files)
        .into_iter()
        .map(|(file, version)| FoundManifest {
            path: file.path,
            version: version.to_string(),
        })
        .collect();
    Ok(Detected {
        forge,
        source,
        manifests,
        migrations: survey(&files),
        branch: repo.current_branch().ok().flatten(),
    })
}
