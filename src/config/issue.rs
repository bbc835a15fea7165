//! The `issue:` and `forge:` sections of `shipgate.yml`, read by `shipgate-issue` and the other
//! forge-using binaries.
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The `issue:` section: what the deployment issue holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IssueConfig {
    /// The runbook checklist, one line each.
    pub checklist: Vec<String>,
    /// Labels set on new deployment issues.
    pub labels: Vec<String>,
    /// Comment "superseded by vX.Y.Z" on open deployment issues of older versions, and close them.
    pub close_superseded: bool,
}

impl Default for IssueConfig {
    fn default() -> Self {
        Self {
            checklist: crate::deploy_issue::DEFAULT_CHECKLIST
                .map(str::to_owned)
                .to_vec(),
            labels: vec!["deployment".to_owned()],
            close_superseded: true,
        }
    }
}

/// The `forge:` section: how shipgate recognises itself and where the local forge lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ForgeConfig {
    /// The login shipgate acts as, when the token cannot say (`GITHUB_TOKEN` of an Actions run
    /// cannot call `GET /user`): e.g. `my-app[bot]`. Empty: ask the forge, else `github-actions[bot]`.
    pub login: String,
    /// Directory of the local forge, relative to the repository root.
    pub local_dir: PathBuf,
}

impl Default for ForgeConfig {
    fn default() -> Self {
        Self {
            login: String::new(),
            local_dir: PathBuf::from(".shipgate/forge"),
        }
    }
}
