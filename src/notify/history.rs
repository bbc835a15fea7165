//! What git says about a release for messages and the log: the release before it and the
//! messages of the commits since.
use std::path::Path;

use semver::Version;

use crate::git::{GitError, Repo};

/// The stable release before `version` and the messages of its commits since that release
/// (merge commits left out), newest first.
pub fn release_history(
    repo: &Path,
    version: &Version,
    tag_prefix: &str,
) -> Result<(Option<Version>, Vec<String>), GitError> {
    let facts = crate::release::release_facts(repo, version, tag_prefix)?;
    let git = Repo::discover(repo)?;
    let head = git.resolve(&facts.commit)?;
    let since = match &facts.previous {
        Some(previous) => git.tag_target(&crate::release::tag_name(tag_prefix, previous))?,
        None => None,
    };
    let messages = git
        .commits_between(since, head)?
        .into_iter()
        .filter(|c| c.parent_count < 2)
        .map(|c| c.message)
        .collect();
    Ok((facts.previous, messages))
}
