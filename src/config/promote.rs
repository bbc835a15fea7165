//! The `promote:` section of `shipgate.yml`: who may run `/promote`, and what acceptance does.
use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::clock::Minutes;
use super::null_as_default;

/// The lowest GitHub repository role allowed to promote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GitHubPermission {
    /// Repository admins only.
    Admin,
    /// Maintainers and admins.
    #[default]
    Maintain,
    /// Anyone with write access.
    Write,
}

/// The lowest GitLab project access level allowed to promote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum AccessLevel {
    /// 30.
    Developer,
    /// 40.
    #[default]
    Maintainer,
    /// 50.
    Owner,
}

impl AccessLevel {
    /// GitLab's numeric value: 30, 40 or 50.
    pub fn value(self) -> u8 {
        match self {
            Self::Developer => 30,
            Self::Maintainer => 40,
            Self::Owner => 50,
        }
    }
}

impl<'de> Deserialize<'de> for AccessLevel {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_u64(AccessLevelVisitor)
    }
}

struct AccessLevelVisitor;

impl Visitor<'_> for AccessLevelVisitor {
    type Value = AccessLevel;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an access level: 30 (Developer), 40 (Maintainer) or 50 (Owner)")
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<AccessLevel, E> {
        match value {
            30 => Ok(AccessLevel::Developer),
            40 => Ok(AccessLevel::Maintainer),
            50 => Ok(AccessLevel::Owner),
            _ => Err(invalid_level(value)),
        }
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<AccessLevel, E> {
        u64::try_from(value).map_or_else(|_| Err(invalid_level(value)), |v| self.visit_u64(v))
    }
}

fn invalid_level<E: de::Error>(value: impl fmt::Display) -> E {
    E::custom(format!(
        "invalid access level {value}; use 30 (Developer), 40 (Maintainer) or 50 (Owner)"
    ))
}

impl Serialize for AccessLevel {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.value())
    }
}

/// `promote.github`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GitHubPromote {
    /// The lowest repository role allowed to promote.
    pub permission: GitHubPermission,
}

/// `promote.gitlab`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GitLabPromote {
    /// The lowest project access level allowed to promote.
    pub access_level: AccessLevel,
}

/// Which of the release commit's CI checks must be green before a promotion is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RequiredChecks {
    /// `all` (every check run and commit status; GitLab: the tag pipeline) or `required` (the
    /// checks the default branch's protection requires; GitLab: the tag pipeline).
    Kind(CheckSet),
    /// These check names (GitHub check runs and status contexts; GitLab: job names are not
    /// read, the tag pipeline decides).
    Names(Vec<String>),
}

/// The named sets of [`RequiredChecks`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckSet {
    /// Every check reported on the commit.
    All,
    /// The checks branch protection requires.
    Required,
}

impl Default for RequiredChecks {
    fn default() -> Self {
        Self::Kind(CheckSet::All)
    }
}

/// The `promote:` section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PromoteConfig {
    /// Rules on GitHub.
    #[serde(deserialize_with = "null_as_default")]
    pub github: GitHubPromote,
    /// Rules on GitLab.
    #[serde(deserialize_with = "null_as_default")]
    pub gitlab: GitLabPromote,
    /// Optional allow-list of logins that may promote; empty means no allow-list.
    pub users: Vec<String>,
    /// Optional teams whose members may promote (GitHub `org/team-slug`, GitLab group path);
    /// with `users`, a commenter must be in one or the other.
    pub teams: Vec<String>,
    /// What starts a command: `/` reads `/promote production`.
    pub prefix: String,
    /// GitHub: the workflow file dispatched at the release tag on acceptance (`deploy.yml`);
    /// empty: only set outputs for a following job.
    pub dispatch: String,
    /// A deployment in progress for longer than this no longer blocks others (a job that died).
    pub lock_timeout: Minutes,
    /// Commands older than this are refused (asked again), e.g. after a poller was down.
    pub max_comment_age: Minutes,
    /// The release commit's CI checks that must have passed before a promotion is accepted.
    pub required_checks: RequiredChecks,
    /// Checks never waited for (e.g. the deploy workflow's own production job).
    pub ignored_checks: Vec<String>,
}

impl Default for PromoteConfig {
    fn default() -> Self {
        Self {
            github: GitHubPromote::default(),
            gitlab: GitLabPromote::default(),
            users: Vec::new(),
            teams: Vec::new(),
            prefix: "/".to_owned(),
            dispatch: String::new(),
            lock_timeout: Minutes(120),
            max_comment_age: Minutes(24 * 60),
            required_checks: RequiredChecks::default(),
            ignored_checks: Vec::new(),
        }
    }
}
