//! The `deploy:` section of `shipgate.yml`, read by `shipgate-deploy`: how each environment is
//! deployed (the strategy and its hooks) and when it goes into maintenance mode.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::span::Span;

/// The `deploy:` section: one entry per environment; an environment not named deploys `direct`
/// with the default hooks and no maintenance mode.
pub type DeployConfig = BTreeMap<String, EnvironmentDeploy>;

/// How one environment is deployed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EnvironmentDeploy {
    /// How the new version takes the traffic.
    pub strategy: Strategy,
    /// `canary` and `rolling`: the steps, in per cent of the traffic or of the instances,
    /// rising, the last one 100.
    pub steps: Vec<u8>,
    /// `canary` and `rolling`: how long the gates watch each step; `blue-green`: how long they
    /// watch after the switch. `0s`: the gates run once.
    pub watch: Span,
    /// `blue-green`: how long the old colour is kept, ready to take the traffic back, while the
    /// gates keep watching after the switch.
    pub keep_previous: Span,
    /// The command that deploys (`ENV` and, per strategy, `--color C` or `--step N` are added).
    pub deploy_hook: String,
    /// `blue-green`: the command that moves the traffic (`ENV COLOR` are added); with `ENV`
    /// alone it prints the colour that has the traffic now.
    pub switch_hook: String,
    /// Maintenance mode around the deployment; none when absent.
    pub maintenance: Option<Maintenance>,
}

impl Default for EnvironmentDeploy {
    fn default() -> Self {
        Self {
            strategy: Strategy::Direct,
            steps: Vec::new(),
            watch: Span::seconds(0),
            keep_previous: Span::seconds(0),
            deploy_hook: "./deploy/deploy.sh".to_owned(),
            switch_hook: "./deploy/switch.sh".to_owned(),
            maintenance: None,
        }
    }
}

/// How the new version takes the traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// Deploy in place, then run the gates.
    #[default]
    Direct,
    /// Deploy to the idle colour, gate it, switch the traffic, gate again; switch back on failure.
    BlueGreen,
    /// Move a share of the traffic at each step, gating each; back to 0 on failure.
    Canary,
    /// Replace a share of the instances at each step, gating each; back to 0 on failure.
    Rolling,
}

impl Strategy {
    /// The name written in `strategy:`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Direct => "direct",
            Self::BlueGreen => "blue-green",
            Self::Canary => "canary",
            Self::Rolling => "rolling",
        }
    }

    /// Whether the strategy moves in `steps`.
    pub fn has_steps(self) -> bool {
        matches!(self, Self::Canary | Self::Rolling)
    }
}

/// Maintenance mode: how it is switched, and for which releases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Maintenance {
    /// The command that switches maintenance mode on.
    pub on: String,
    /// The command that switches it off.
    pub off: String,
    /// The command that prints `on` or `off` (`ENV` is added): what a `maintenance` gate asks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Which releases need it.
    #[serde(default)]
    pub when: MaintenanceWhen,
}

/// Which releases go through maintenance mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MaintenanceWhen {
    /// Every release.
    Always,
    /// Releases whose schema order is schema-first, code-first or blocked: any migration.
    SchemaFirst,
    /// Releases with a destructive (or mixed) migration, or whose order is code-first or blocked.
    #[default]
    Destructive,
}

impl MaintenanceWhen {
    /// The name written in `when:`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Always => "always",
            Self::SchemaFirst => "schema-first",
            Self::Destructive => "destructive",
        }
    }
}
