//! What git says about a release: its tag, commit, previous release and notes.
use std::path::Path;

use semver::Version;

use crate::git::{GitError, Repo};
use crate::version::tag_notes;
use crate::version::tags::ReleaseTags;

/// A release as the repository records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseFacts {
    /// The version.
    pub version: Version,
    /// The release tag.
    pub tag: String,
    /// The commit it names (HEAD when the tag does not exist yet).
    pub commit: String,
    /// The stable release before it.
    pub previous: Option<Version>,
    /// The notes in the tag's message, when shipgate-version wrote it.
    pub notes: Option<String>,
}

/// The version of the release tag on HEAD (the tag pipeline's release), if any.
pub fn version_at_head(repo: &Path, tag_prefix: &str) -> Result<Option<Version>, GitError> {
    let repo = Repo::discover(repo)?;
    let head = repo.head()?;
    let tags = ReleaseTags::new(repo.tags()?, tag_prefix);
    Ok(tags.highest_on(head).map(|t| t.version.clone()))
}

/// Read the facts of `version`'s release (tag `tag_prefix` + version) from the repository.
pub fn release_facts(
    repo: &Path,
    version: &Version,
    tag_prefix: &str,
) -> Result<ReleaseFacts, GitError> {
    let repo = Repo::discover(repo)?;
    let tag = super::tag_name(tag_prefix, version);
    let commit = match repo.tag_target(&tag)? {
        Some(commit) => commit,
        None => repo.head()?,
    };
    let tags = ReleaseTags::new(repo.tags()?, tag_prefix);
    let previous = tags
        .stable_before(&repo, commit, version)?
        .map(|t| t.version.clone());
    let notes = tag_notes(&repo, &tag)?;
    Ok(ReleaseFacts {
        version: version.clone(),
        tag,
        commit: commit.to_string(),
        previous,
        notes,
    })
}
