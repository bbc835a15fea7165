//! `shipgate.yml`: every key is optional; an empty or comment-only file means the defaults.
//!
//! [`load`] and [`parse`] check the shape of every section and report problems as
//! `FILE:LINE:COL: message` (see [`ConfigError`]). The JSON Schema for editors is
//! `schemas/shipgate.schema.json`; the user reference is `docs/config.md`.
use serde::{Deserialize, Deserializer, Serialize};

mod calendar;
mod clock;
pub mod deploy;
mod error;
pub mod gates;
pub mod issue;
mod load;
mod locate;
pub mod log;
pub mod notify;
mod notify_checks;
pub mod promote;
pub mod schema;
mod span;
mod text_scalar;
mod validate;
mod validate_gates;
pub mod version;
pub mod windows;

#[cfg(test)]
pub(crate) mod doc_examples;
#[cfg(test)]
pub(crate) mod json_schema_tests;
#[cfg(test)]
mod load_tests;
#[cfg(test)]
mod notify_tests;

pub use calendar::{Date, LocalDateTime};
pub use clock::{DailyHours, Minutes, TimeZoneName};
pub use deploy::{DeployConfig, EnvironmentDeploy, Maintenance, MaintenanceWhen, Strategy};
pub use error::ConfigError;
pub use gates::{GateConfig, GateKind, HttpMethod, MissingData, PrometheusConfig};
pub use issue::{ForgeConfig, IssueConfig};
pub use load::{DEFAULT_PATH, load, parse};
pub use log::LogConfig;
pub use notify::NotifyConfig;
pub use promote::PromoteConfig;
pub use schema::SchemaConfig;
pub use span::Span;
pub use version::VersionConfig;
pub use windows::WindowsConfig;

/// The whole of `shipgate.yml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `version:` — how `shipgate-version` computes and writes releases.
    #[serde(deserialize_with = "null_as_default")]
    pub version: VersionConfig,
    /// `schema:` — where migrations live and their SQL dialect.
    #[serde(deserialize_with = "null_as_default")]
    pub schema: SchemaConfig,
    /// `environments:` — deployment environments in promotion order; non-empty, unique.
    pub environments: Vec<String>,
    /// `promote:` — who may promote a release.
    #[serde(deserialize_with = "null_as_default")]
    pub promote: PromoteConfig,
    /// `windows:` — when deployments are allowed.
    #[serde(deserialize_with = "null_as_default")]
    pub windows: WindowsConfig,
    /// `issue:` — what the deployment issue holds.
    #[serde(deserialize_with = "null_as_default")]
    pub issue: IssueConfig,
    /// `forge:` — how shipgate recognises itself; where the local forge lives.
    #[serde(deserialize_with = "null_as_default")]
    pub forge: ForgeConfig,
    /// `gates:` — what `shipgate-verify` checks, in order.
    #[serde(deserialize_with = "null_as_default")]
    pub gates: Vec<GateConfig>,
    /// `prometheus:` — defaults for `prometheus` gates.
    #[serde(deserialize_with = "null_as_default")]
    pub prometheus: PrometheusConfig,
    /// `notify:` — who hears about a deployment, and how.
    #[serde(deserialize_with = "null_as_default")]
    pub notify: NotifyConfig,
    /// `log:` — where the deployment log lives.
    #[serde(deserialize_with = "null_as_default")]
    pub log: LogConfig,
    /// `deploy:` — per environment: the deployment strategy and maintenance mode.
    #[serde(deserialize_with = "null_as_default")]
    pub deploy: DeployConfig,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            version: VersionConfig::default(),
            schema: SchemaConfig::default(),
            environments: vec!["stage".to_owned(), "production".to_owned()],
            promote: PromoteConfig::default(),
            windows: WindowsConfig::default(),
            issue: IssueConfig::default(),
            forge: ForgeConfig::default(),
            gates: Vec::new(),
            prometheus: PrometheusConfig::default(),
            notify: NotifyConfig::default(),
            log: LogConfig::default(),
            deploy: DeployConfig::default(),
        }
    }
}

/// Lets a section be present but empty (`windows:` with every key commented out).
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}
