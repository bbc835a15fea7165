//! Deciding how far the version moves: commit types, breaking changes, 0.x rules, `Release-As`.
use std::collections::BTreeMap;
use std::fmt;

use semver::Version;

use super::conventional::ReleaseCommit;
use super::error::VersionError;
use crate::config::version::{BumpLevel, PreMajorBreaking, PreMajorFeature, VersionConfig};

/// What the user asked for with `--bump`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BumpRequest {
    /// Decide from the commits.
    #[default]
    Auto,
    /// Force this level, whatever the commits say.
    Force(BumpLevel),
}

impl std::str::FromStr for BumpRequest {
    type Err = String;

    /// `auto`, `major`, `minor` or `patch`, as `--bump` takes it.
    fn from_str(value: &str) -> Result<Self, String> {
        Ok(match value {
            "auto" => Self::Auto,
            "major" => Self::Force(BumpLevel::Major),
            "minor" => Self::Force(BumpLevel::Minor),
            "patch" => Self::Force(BumpLevel::Patch),
            other => return Err(format!("{other:?} is not auto, major, minor or patch")),
        })
    }
}

/// How the version moved, as reported in the `bump` output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bump {
    /// The level applied.
    Level(BumpLevel),
    /// No release.
    None,
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Level(BumpLevel::Major) => "major",
            Self::Level(BumpLevel::Minor) => "minor",
            Self::Level(BumpLevel::Patch) => "patch",
            Self::None => "none",
        })
    }
}

/// What the commits of a release range ask for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommitVerdict {
    /// The highest level any commit asks for (`None`: nothing releasable).
    pub level: Option<BumpLevel>,
    /// The highest `Release-As:` version, with the commit that asked for it.
    pub release_as: Option<(Version, String)>,
}

/// Read the levels the commits ask for; `types` maps commit types to levels.
pub fn judge(
    commits: &[ReleaseCommit],
    types: &BTreeMap<String, BumpLevel>,
) -> Result<CommitVerdict, VersionError> {
    let mut verdict = CommitVerdict::default();
    for commit in commits {
        let Some(c) = &commit.conventional else {
            continue;
        };
        let level = if c.breaking {
            Some(BumpLevel::Major)
        } else {
            types.get(&c.kind).copied()
        };
        verdict.level = verdict.level.max(level);
        if let Some(raw) = &c.release_as {
            let version = Version::parse(raw.trim_start_matches('v')).map_err(|e| {
                VersionError::BadReleaseAs {
                    commit: commit.short_id.clone(),
                    value: raw.clone(),
                    reason: e.to_string(),
                }
            })?;
            if verdict
                .release_as
                .as_ref()
                .is_none_or(|(v, _)| version > *v)
            {
                verdict.release_as = Some((version, commit.short_id.clone()));
            }
        }
    }
    Ok(verdict)
}

/// Apply the 0.x rules: while the major version is 0, breaking changes and features move less.
pub fn effective_level(current: &Version, level: BumpLevel, config: &VersionConfig) -> BumpLevel {
    if current.major != 0 {
        return level;
    }
    match level {
        BumpLevel::Major => match config.pre_major_breaking {
            PreMajorBreaking::Minor => BumpLevel::Minor,
            PreMajorBreaking::Major => BumpLevel::Major,
        },
        BumpLevel::Minor => match config.pre_major_feature {
            PreMajorFeature::Minor => BumpLevel::Minor,
            PreMajorFeature::Patch => BumpLevel::Patch,
        },
        BumpLevel::Patch => BumpLevel::Patch,
    }
}

/// `current` moved by `level` (prerelease and build metadata dropped).
pub fn increment(current: &Version, level: BumpLevel) -> Version {
    match level {
        BumpLevel::Major => Version::new(current.major + 1, 0, 0),
        BumpLevel::Minor => Version::new(current.major, current.minor + 1, 0),
        BumpLevel::Patch => Version::new(current.major, current.minor, current.patch + 1),
    }
}

/// The level that separates two versions (for reporting a `Release-As` jump).
pub fn level_between(from: &Version, to: &Version) -> BumpLevel {
    if to.major != from.major {
        BumpLevel::Major
    } else if to.minor != from.minor {
        BumpLevel::Minor
    } else {
        BumpLevel::Patch
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::conventional::Conventional;

    fn commit(message: &str) -> ReleaseCommit {
        ReleaseCommit {
            short_id: "abc1234".into(),
            subject: message.lines().next().unwrap().into(),
            conventional: Conventional::parse(message),
        }
    }

    fn level_of(messages: &[&str]) -> Option<BumpLevel> {
        let commits: Vec<_> = messages.iter().map(|m| commit(m)).collect();
        judge(&commits, &VersionConfig::default().types)
            .unwrap()
            .level
    }

    #[test]
    fn default_type_map() {
        assert_eq!(level_of(&["feat: a"]), Some(BumpLevel::Minor));
        for t in ["fix", "perf", "revert"] {
            assert_eq!(
                level_of(&[&format!("{t}: a")]),
                Some(BumpLevel::Patch),
                "{t}"
            );
        }
        assert_eq!(level_of(&["docs: a", "chore: b", "Not conventional"]), None);
    }

    #[test]
    fn highest_level_wins_and_breaking_is_major() {
        assert_eq!(
            level_of(&["fix: a", "feat: b", "fix: c"]),
            Some(BumpLevel::Minor)
        );
        assert_eq!(level_of(&["fix: a", "docs!: b"]), Some(BumpLevel::Major));
        assert_eq!(
            level_of(&["fix: a\n\nBREAKING-CHANGE: gone"]),
            Some(BumpLevel::Major)
        );
    }

    #[test]
    fn zero_major_rules() {
        let v0 = Version::new(0, 3, 1);
        let mut config = VersionConfig::default();
        assert_eq!(
            effective_level(&v0, BumpLevel::Major, &config),
            BumpLevel::Minor
        );
        assert_eq!(
            effective_level(&v0, BumpLevel::Minor, &config),
            BumpLevel::Minor
        );
        config.pre_major_breaking = PreMajorBreaking::Major;
        config.pre_major_feature = PreMajorFeature::Patch;
        assert_eq!(
            effective_level(&v0, BumpLevel::Major, &config),
            BumpLevel::Major
        );
        assert_eq!(
            effective_level(&v0, BumpLevel::Minor, &config),
            BumpLevel::Patch
        );
        let v1 = Version::new(1, 0, 0);
        assert_eq!(
            effective_level(&v1, BumpLevel::Minor, &config),
            BumpLevel::Minor
        );
    }

    #[test]
    fn increment_resets_lower_parts_and_prerelease() {
        let v = Version::parse("1.2.3-rc.1").unwrap();
        assert_eq!(increment(&v, BumpLevel::Major).to_string(), "2.0.0");
        assert_eq!(increment(&v, BumpLevel::Minor).to_string(), "1.3.0");
        assert_eq!(increment(&v, BumpLevel::Patch).to_string(), "1.2.4");
    }

    #[test]
    fn release_as_takes_the_highest_and_rejects_garbage() {
        let commits = [
            commit("chore: a\n\nRelease-As: 2.0.0"),
            commit("chore: b\n\nRelease-As: v3.1.0"),
        ];
        let verdict = judge(&commits, &VersionConfig::default().types).unwrap();
        assert_eq!(verdict.release_as.unwrap().0, Version::new(3, 1, 0));
        let bad = [commit("chore: a\n\nRelease-As: two")];
        let err = judge(&bad, &VersionConfig::default().types).unwrap_err();
        assert!(err.to_string().contains("Release-As: two"), "{err}");
    }
}
