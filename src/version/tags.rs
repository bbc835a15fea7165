//! Release tags: `<tag_prefix>` + a semantic version, and which of them matter now.
use git2::Oid;
use semver::{Prerelease, Version};

use crate::git::{GitError, Repo, TagRef};

/// A tag whose name is the prefix and a semantic version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseTag {
    /// The version the tag names.
    pub version: Version,
    /// The tag name.
    pub name: String,
    /// The commit it names.
    pub commit: Oid,
}

/// The release tags of a repository, highest version first.
#[derive(Debug, Clone, Default)]
pub struct ReleaseTags {
    tags: Vec<ReleaseTag>,
}

impl ReleaseTags {
    /// Keep the tags named `prefix` + a semantic version; others are not releases.
    pub fn new(tags: Vec<TagRef>, prefix: &str) -> Self {
        let mut tags: Vec<ReleaseTag> = tags
            .into_iter()
            .filter_map(|t| {
                let version = Version::parse(t.name.strip_prefix(prefix)?).ok()?;
                Some(ReleaseTag {
                    version,
                    name: t.name,
                    commit: t.commit,
                })
            })
            .collect();
        tags.sort_by(|a, b| b.version.cmp(&a.version));
        Self { tags }
    }

    /// The highest stable release reachable from `head`.
    pub fn latest_stable(&self, repo: &Repo, head: Oid) -> Result<Option<&ReleaseTag>, GitError> {
        self.latest_reachable(repo, head, |t| t.version.pre.is_empty())
    }

    /// The highest stable release reachable from `head` below `version`.
    pub fn stable_before(
        &self,
        repo: &Repo,
        head: Oid,
        version: &Version,
    ) -> Result<Option<&ReleaseTag>, GitError> {
        self.latest_reachable(repo, head, |t| {
            t.version.pre.is_empty() && t.version < *version
        })
    }

    fn latest_reachable(
        &self,
        repo: &Repo,
        head: Oid,
        wanted: impl Fn(&ReleaseTag) -> bool,
    ) -> Result<Option<&ReleaseTag>, GitError> {
        for tag in self.tags.iter().filter(|t| wanted(t)) {
            if repo.is_ancestor(tag.commit, head)? {
                return Ok(Some(tag));
            }
        }
        Ok(None)
    }

    /// The release on `head` itself: its highest stable tag, or with `pre`, a prerelease tag with that identifier.
    pub fn on_commit(&self, head: Oid, pre: Option<&str>) -> Option<&ReleaseTag> {
        self.tags.iter().find(|t| {
            t.commit == head
                && (t.version.pre.is_empty()
                    || pre.is_some_and(|id| pre_id(&t.version) == Some(id)))
        })
    }

    /// The highest release tag on `commit`, prereleases included.
    pub fn highest_on(&self, commit: Oid) -> Option<&ReleaseTag> {
        self.tags.iter().find(|t| t.commit == commit)
    }

    /// The prerelease `target-ID.N` that comes next: N is one more than any existing tag's.
    pub fn next_prerelease(&self, target: &Version, id: &str) -> Version {
        let highest = self
            .tags
            .iter()
            .filter(|t| {
                (t.version.major, t.version.minor, t.version.patch)
                    == (target.major, target.minor, target.patch)
                    && pre_id(&t.version) == Some(id)
            })
            .filter_map(|t| {
                t.version
                    .pre
                    .as_str()
                    .rsplit('.')
                    .next()?
                    .parse::<u64>()
                    .ok()
            })
            .max()
            .unwrap_or(0);
        let mut next = Version::new(target.major, target.minor, target.patch);
        next.pre = Prerelease::new(&format!("{id}.{}", highest + 1)).unwrap_or(Prerelease::EMPTY);
        next
    }
}

/// The identifier of a `X.Y.Z-ID.N` prerelease (`rc` of `1.3.0-rc.2`).
fn pre_id(version: &Version) -> Option<&str> {
    let pre = version.pre.as_str();
    if pre.is_empty() {
        return None;
    }
    Some(pre.rsplit_once('.').map_or(pre, |(id, _)| id))
}

/// Check that `id` can stand in `X.Y.Z-ID.N`.
pub fn valid_prerelease_id(id: &str) -> bool {
    !id.is_empty()
        && !id.chars().all(|c| c.is_ascii_digit())
        && Prerelease::new(&format!("{id}.1")).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(name: &str) -> TagRef {
        TagRef {
            name: name.into(),
            commit: Oid::zero(),
        }
    }

    #[test]
    fn keeps_only_prefixed_semver_tags_highest_first() {
        let tags = ReleaseTags::new(
            vec![
                tag("v1.2.0"),
                tag("v1.10.0"),
                tag("1.11.0"),
                tag("v2"),
                tag("latest"),
                tag("v1.9.0-rc.1"),
            ],
            "v",
        );
        let names: Vec<_> = tags.tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["v1.10.0", "v1.9.0-rc.1", "v1.2.0"]);
        let bare = ReleaseTags::new(vec![tag("v1.2.0"), tag("1.3.0")], "");
        assert_eq!(bare.tags.len(), 1);
        assert_eq!(bare.tags[0].name, "1.3.0");
    }

    #[test]
    fn prerelease_numbers_count_from_existing_tags() {
        let tags = ReleaseTags::new(
            vec![
                tag("v1.3.0-rc.1"),
                tag("v1.3.0-rc.2"),
                tag("v1.3.0-beta.7"),
                tag("v1.4.0-rc.9"),
            ],
            "v",
        );
        let target = Version::new(1, 3, 0);
        assert_eq!(
            tags.next_prerelease(&target, "rc").to_string(),
            "1.3.0-rc.3"
        );
        assert_eq!(
            tags.next_prerelease(&target, "beta").to_string(),
            "1.3.0-beta.8"
        );
        assert_eq!(
            tags.next_prerelease(&target, "alpha").to_string(),
            "1.3.0-alpha.1"
        );
    }

    #[test]
    fn prerelease_ids() {
        assert!(valid_prerelease_id("rc"));
        assert!(valid_prerelease_id("beta-2"));
        assert!(!valid_prerelease_id(""));
        assert!(!valid_prerelease_id("12"));
        assert!(!valid_prerelease_id("rc 1"));
        assert!(!valid_prerelease_id("rc_1"));
    }
}
