//! What a deployment issue shows: the release, its schema order, the runbook, the environments
//! and the history.
use std::str::FromStr;

use semver::Version;
use serde::{Deserialize, Serialize};

use super::DeployIssueError;
use super::schema_summary::SchemaSummary;
use crate::forge::DeploymentState;

/// The runbook items a deployment issue lists when the caller gives none.
pub const DEFAULT_CHECKLIST: [&str; 7] = [
    "Backups verified",
    "Stage deployed",
    "Stage verified",
    "Production window confirmed",
    "Production deployed",
    "Production verified",
    "Users notified",
];

/// The environments, in promotion order, when the caller gives none.
pub const DEFAULT_ENVIRONMENTS: [&str; 2] = ["stage", "production"];

/// The release the issue is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// This release's version.
    pub version: Version,
    /// The release before it (`None` for the first one).
    pub previous: Option<Version>,
    /// The git tag (`v1.4.0`).
    pub tag: String,
    /// The full commit SHA the tag points at.
    pub commit: String,
    /// The images built for it.
    pub images: Vec<Image>,
    /// Release notes (Markdown).
    pub notes: String,
    /// Web address of the tag or release page, if known.
    pub url: Option<String>,
}

/// One built image, `NAME=REF`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// Short name (`api`).
    pub name: String,
    /// Full reference (`ghcr.io/acme/api@sha256:…`).
    pub reference: String,
}

impl FromStr for Image {
    type Err = DeployIssueError;

    /// Reads `NAME=REF` (split at the first `=`; both sides non-empty).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().split_once('=') {
            // A reference never holds white space or markup: it is written into markers.
            Some((name, reference))
                if !name.trim().is_empty()
                    && !reference.trim().is_empty()
                    && !name.trim().contains(char::is_whitespace)
                    && !reference
                        .trim()
                        .contains(|c: char| c.is_whitespace() || "<>`".contains(c)) =>
            {
                Ok(Self {
                    name: name.trim().to_owned(),
                    reference: reference.trim().to_owned(),
                })
            }
            _ => Err(DeployIssueError::BadImage(text.to_owned())),
        }
    }
}

/// One runbook item: a line of text and whether someone ticked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistItem {
    /// The item, on one line (line breaks are rendered as spaces).
    pub text: String,
    /// Ticked.
    pub checked: bool,
}

impl ChecklistItem {
    /// An unticked item.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            checked: false,
        }
    }

    /// [`DEFAULT_CHECKLIST`], unticked.
    pub fn defaults() -> Vec<Self> {
        DEFAULT_CHECKLIST.into_iter().map(Self::new).collect()
    }
}

/// What an environment last saw of this release, one row of the status table.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EnvRow {
    /// Environment name.
    pub environment: String,
    /// Latest deployment state (`None`: never deployed).
    #[serde(default)]
    pub state: Option<DeploymentState>,
    /// Version deployed (`v1.4.0`).
    #[serde(default)]
    pub version: Option<String>,
    /// RFC 3339 time of the latest state.
    #[serde(default)]
    pub when: Option<String>,
    /// Login of whoever caused it.
    #[serde(default)]
    pub by: Option<String>,
    /// Logs or run address.
    #[serde(default)]
    pub link: Option<String>,
    /// The forge's deployment of the latest state, so a re-run of the same CI run finds it
    /// (GitLab keeps no CI run on deployments it did not make itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment: Option<u64>,
    /// The CI run of the latest state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci_run: Option<String>,
    /// What the deployment left live, shown beside the status (`green live`, `canary 50%`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// One line of the history: who did what, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// RFC 3339 time.
    pub when: String,
    /// Login.
    pub who: String,
    /// What happened, one line.
    pub what: String,
    /// Identifies the record that made this entry, so that applying it again adds nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// A deployment state reported for one environment (by `shipgate-issue record`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvRecord {
    /// Environment name.
    pub environment: String,
    /// The state reached.
    pub state: DeploymentState,
    /// Version deployed (`v1.4.0`).
    pub version: String,
    /// RFC 3339 time.
    pub when: String,
    /// Login of whoever caused it.
    pub by: String,
    /// Logs or run address; with the fields above it identifies the record.
    pub link: Option<String>,
    /// The forge's deployment it was recorded on (not part of the identity).
    pub deployment: Option<u64>,
    /// The CI run that recorded it (not part of the identity).
    pub ci_run: Option<String>,
    /// What the deployment left live (`green live`; not part of the identity).
    pub detail: Option<String>,
}

impl EnvRecord {
    /// The identity of this record: environment, state, version and link.
    pub fn key(&self) -> String {
        format!(
            "{} {} {} {}",
            self.environment,
            self.state,
            self.version,
            self.link.as_deref().unwrap_or("")
        )
    }
}

/// Everything a deployment issue's body shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployIssue {
    /// The release.
    pub release: Release,
    /// The schema order, when `shipgate-schema` ran.
    pub schema: Option<SchemaSummary>,
    /// Runbook items, in order.
    pub checklist: Vec<ChecklistItem>,
    /// Environments in promotion order; each gets a table row.
    pub environments: Vec<String>,
    /// What each environment saw (rows for environments not listed above are shown after them).
    pub rows: Vec<EnvRow>,
    /// Who did what, oldest first.
    pub history: Vec<HistoryEntry>,
    /// Older history entries dropped to stay under the body limit.
    pub history_omitted: usize,
}

impl DeployIssue {
    /// An issue for `release` with the default checklist and environments, no rows, no history.
    pub fn new(release: Release) -> Self {
        Self {
            release,
            schema: None,
            checklist: ChecklistItem::defaults(),
            environments: DEFAULT_ENVIRONMENTS.into_iter().map(String::from).collect(),
            rows: Vec::new(),
            history: Vec::new(),
            history_omitted: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_reads_name_equals_ref() {
        let image: Image = "api=ghcr.io/acme/api@sha256:ab=cd".parse().unwrap();
        assert_eq!(image.name, "api");
        assert_eq!(image.reference, "ghcr.io/acme/api@sha256:ab=cd");
        for bad in [
            "api",
            "=ref",
            "api=",
            "",
            "api=reg/app latest",
            "api=<b>x</b>",
            "my api=reg/app",
        ] {
            let err = bad.parse::<Image>().unwrap_err();
            assert!(err.to_string().contains("NAME=REF"), "{err}");
        }
    }

    #[test]
    fn defaults() {
        let items = ChecklistItem::defaults();
        assert_eq!(items.len(), 7);
        assert_eq!(items[0].text, "Backups verified");
        assert!(items.iter().all(|i| !i.checked));
    }

    #[test]
    fn record_key_names_env_state_version_and_link() {
        let record = EnvRecord {
            environment: "stage".into(),
            state: DeploymentState::Success,
            version: "v1.4.0".into(),
            when: "2026-03-02T10:00:00Z".into(),
            by: "alice".into(),
            link: Some("https://ci/run/7".into()),
            deployment: None,
            ci_run: None,
            detail: None,
        };
        assert_eq!(record.key(), "stage success v1.4.0 https://ci/run/7");
    }
}
