//! The `log:` section of `shipgate.yml`, read by `shipgate-log`: where the deployment log lives.
use serde::{Deserialize, Serialize};

/// The `log:` section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// The project (or customer) the rows are about; empty: `notify.project`, else the
    /// repository's name.
    pub project: String,
    /// The CSV file on the log branch; `{project}` is replaced by the project's name.
    pub path: String,
    /// The branch the log is committed to.
    pub branch: String,
    /// The remote the branch is pushed to.
    pub remote: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            project: String::new(),
            path: "deployments/{project}.csv".to_owned(),
            branch: "shipgate-log".to_owned(),
            remote: "origin".to_owned(),
        }
    }
}
