//! What merging a change request would release: the version, the notes, the commits that
//! release nothing, and the order of the migrations it adds.
use std::path::PathBuf;

use semver::Version;

use super::PreviewError;
use crate::config::schema::SchemaConfig;
use crate::config::version::VersionConfig;
use crate::git::Repo;
use crate::schema::SchemaRequest;
use crate::schema::model::Report;
use crate::version::bump::{Bump, BumpRequest};
use crate::version::conventional::ReleaseCommit;
use crate::version::tags::ReleaseTags;
use crate::version::{decide, notes, release_commits};

/// Everything one preview needs, gathered at the binary's edge.
#[derive(Debug, Clone)]
pub struct PreviewRequest {
    /// A path inside the repository.
    pub repo: PathBuf,
    /// The target branch's revision (`--base`, e.g. `origin/main`).
    pub base: String,
    /// The change's revision (`--head`, default `HEAD`).
    pub head: String,
    /// The `version:` section.
    pub version: VersionConfig,
    /// The `schema:` section.
    pub schema: SchemaConfig,
}

/// What merging the change would release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// The base as given, for people.
    pub base: String,
    /// The last stable release reachable from the base.
    pub previous_tag: Option<String>,
    /// The version the merge releases; `None` when it releases nothing.
    pub version: Option<Version>,
    /// Its tag.
    pub tag: Option<String>,
    /// How far the version moves.
    pub bump: Bump,
    /// Release notes (Markdown), empty when nothing releases.
    pub notes: String,
    /// The change's own commits (merges left out).
    pub change_commits: usize,
    /// Commits already on the base since the last release (released by the same merge).
    pub pending_commits: usize,
    /// The change's commits that are not Conventional Commits.
    pub ignored: Vec<ReleaseCommit>,
    /// The order of the migrations the change adds.
    pub schema: Report,
}

impl Preview {
    /// Whether merging releases anything.
    pub fn released(&self) -> bool {
        self.version.is_some()
    }

    /// The step outputs: `version`, `tag`, `bump`, `released`, `order` (empty strings for none).
    pub fn outputs(&self) -> Vec<(&'static str, String)> {
        let text = |v: Option<String>| v.unwrap_or_default();
        vec![
            (
                "version",
                text(self.version.as_ref().map(Version::to_string)),
            ),
            ("tag", text(self.tag.clone())),
            ("bump", self.bump.to_string()),
            ("released", self.released().to_string()),
            ("order", self.schema.order.to_string()),
        ]
    }
}

/// Compute the preview: the commits of `base..head` on top of those already on the base since
/// its last release decide the version as `shipgate-version` would after the merge; the
/// migrations added from the merge base to `head` are judged as `shipgate-schema` judges a
/// release's.
pub fn compute(request: &PreviewRequest) -> Result<Preview, PreviewError> {
    let repo = Repo::discover(&request.repo)?;
    repo.ensure_complete_history()?;
    let head = repo.resolve(&request.head)?;
    let base = repo.resolve(&request.base)?;
    let config = &request.version;
    let tags = ReleaseTags::new(repo.tags()?, &config.tag_prefix);
    let previous = tags.latest_stable(&repo, base)?.cloned();

    let change = release_commits(&repo, Some(base), head)?;
    let pending = release_commits(&repo, previous.as_ref().map(|t| t.commit), base)?;
    let all: Vec<ReleaseCommit> = change.iter().chain(&pending).cloned().collect();
    let decided = decide(&repo, config, BumpRequest::Auto, previous.as_ref(), &all)?;
    let notes = match decided {
        Some(_) => notes::render(&all, |kind| config.types.contains_key(kind)),
        None => String::new(),
    };

    let since = repo.merge_base(base, head)?.unwrap_or(base);
    let schema = crate::schema::run(&SchemaRequest {
        repo: request.repo.clone(),
        paths: Vec::new(),
        base: Some(since.to_string()),
        head: Some(head.to_string()),
        config: request.schema.clone(),
        tag_prefix: config.tag_prefix.clone(),
    })?;

    Ok(Preview {
        base: request.base.clone(),
        previous_tag: previous.map(|t| t.name),
        tag: decided
            .as_ref()
            .map(|(v, _)| format!("{}{v}", config.tag_prefix)),
        bump: decided
            .as_ref()
            .map_or(Bump::None, |(_, level)| Bump::Level(*level)),
        version: decided.map(|(v, _)| v),
        notes,
        change_commits: change.len(),
        pending_commits: pending.len(),
        ignored: change
            .into_iter()
            .filter(|c| c.conventional.is_none())
            .collect(),
        schema,
    })
}
