//! The `version:` section of `shipgate.yml`, read by `shipgate-version`.
use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// How much a kind of change bumps the version; ordered from smallest to largest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BumpLevel {
    /// x.y.Z → x.y.(Z+1)
    Patch,
    /// x.Y.z → x.(Y+1).0
    Minor,
    /// X.y.z → (X+1).0.0
    Major,
}

/// What a breaking change bumps while the major version is 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PreMajorBreaking {
    /// 0.3.1 → 0.4.0 (the usual 0.x convention).
    #[default]
    Minor,
    /// 0.3.1 → 1.0.0.
    Major,
}

/// What a feature bumps while the major version is 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PreMajorFeature {
    /// 0.3.1 → 0.4.0.
    #[default]
    Minor,
    /// 0.3.1 → 0.3.2.
    Patch,
}

/// One file whose version `shipgate-version` rewrites. Unknown keys in a mapping are refused
/// (`deny_unknown_fields` applies to the struct variant), so a misspelt `all` is not ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum ManifestEntry {
    /// A known manifest, recognised by its file name: `Cargo.toml`, `package.json`,
    /// `pyproject.toml` or `VERSION` (in any directory).
    Path(PathBuf),
    /// Any text file: `pattern` is a regular expression whose capture group named
    /// `version` (or else group 1) matches the version to replace.
    Pattern {
        /// The file, relative to the repository root.
        path: PathBuf,
        /// The regular expression.
        pattern: String,
        /// Every match holds the version (and all must agree) and is rewritten; `false`: only
        /// the first match.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        all: bool,
    },
}

/// The `version:` section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VersionConfig {
    /// Prefix of release tags: `v` gives `v1.2.3`, `""` gives bare `1.2.3`.
    pub tag_prefix: String,
    /// The first version when the repository has no release tag and no manifest version.
    pub initial: semver::Version,
    /// Conventional Commit type → bump. Types not in the map release nothing.
    pub types: BTreeMap<String, BumpLevel>,
    /// What a breaking change bumps while the major version is 0.
    pub pre_major_breaking: PreMajorBreaking,
    /// What a feature bumps while the major version is 0.
    pub pre_major_feature: PreMajorFeature,
    /// Files whose version is rewritten; `None` means "the known manifests present at the root".
    pub manifests: Option<Vec<ManifestEntry>>,
    /// Subject of the release commit; `{version}` and `{tag}` are replaced.
    pub commit_message: String,
}

impl Default for VersionConfig {
    fn default() -> Self {
        Self {
            tag_prefix: "v".to_owned(),
            initial: semver::Version::new(0, 1, 0),
            types: default_types(),
            pre_major_breaking: PreMajorBreaking::default(),
            pre_major_feature: PreMajorFeature::default(),
            manifests: None,
            commit_message: "chore(release): {tag}".to_owned(),
        }
    }
}

fn default_types() -> BTreeMap<String, BumpLevel> {
    [
        ("feat", BumpLevel::Minor),
        ("fix", BumpLevel::Patch),
        ("perf", BumpLevel::Patch),
        ("revert", BumpLevel::Patch),
    ]
    .into_iter()
    .map(|(t, b)| (t.to_owned(), b))
    .collect()
}
