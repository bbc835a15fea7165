//! One deployment, as a row of the log.
use serde::{Deserialize, Serialize};

/// The columns, in order: the CSV header.
pub const HEADER: [&str; 12] = [
    "date",
    "project",
    "environment",
    "version",
    "previous_version",
    "components",
    "tickets",
    "who",
    "duration",
    "result",
    "rolled_back",
    "run",
];

/// The header of logs written before the `run` column; they are read, and the next append
/// adds the column (empty for the earlier rows).
pub const LEGACY_HEADER: [&str; 11] = [
    "date",
    "project",
    "environment",
    "version",
    "previous_version",
    "components",
    "tickets",
    "who",
    "duration",
    "result",
    "rolled_back",
];

/// One deployment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// When, UTC, RFC 3339 (`2026-11-24T10:42:00Z`).
    pub date: String,
    /// The project or customer.
    pub project: String,
    /// The environment.
    pub environment: String,
    /// The version deployed.
    pub version: String,
    /// The version before it (empty when none).
    pub previous_version: String,
    /// `name=version` pairs separated by `; `.
    pub components: String,
    /// Ticket keys separated by `; `.
    pub tickets: String,
    /// Who deployed.
    pub who: String,
    /// How long it took (`12m30s`; empty when unknown).
    pub duration: String,
    /// `success` or `failure`.
    pub result: String,
    /// `yes` or `no`.
    pub rolled_back: String,
    /// The CI run that deployed (`GITHUB_RUN_ID`, `CI_PIPELINE_ID`; empty outside CI): the
    /// same across re-runs, so a re-run finds its row.
    #[serde(default)]
    pub run: String,
}

impl Row {
    /// The fields in [`HEADER`] order.
    pub fn fields(&self) -> [&str; 12] {
        [
            &self.date,
            &self.project,
            &self.environment,
            &self.version,
            &self.previous_version,
            &self.components,
            &self.tickets,
            &self.who,
            &self.duration,
            &self.result,
            &self.rolled_back,
            &self.run,
        ]
    }

    /// A row from fields in [`HEADER`] order.
    pub fn from_fields(f: [String; 12]) -> Self {
        let [
            date,
            project,
            environment,
            version,
            previous_version,
            components,
            tickets,
            who,
            duration,
            result,
            rolled_back,
            run,
        ] = f;
        Self {
            date,
            project,
            environment,
            version,
            previous_version,
            components,
            tickets,
            who,
            duration,
            result,
            rolled_back,
            run,
        }
    }

    /// Whether `other` records the same deployment with the same outcome: written by the same
    /// CI run (a re-run keeps its run), for the same project, environment and version, with
    /// the same result. Rows without a run are never the same.
    pub fn same_deployment(&self, other: &Row) -> bool {
        !self.run.is_empty()
            && self.run == other.run
            && self.project == other.project
            && self.environment == other.environment
            && self.version == other.version
            && self.result == other.result
            && self.rolled_back == other.rolled_back
    }
}

#[cfg(test)]
pub(crate) fn sample(version: &str) -> Row {
    Row {
        date: "2026-11-24T10:42:00Z".into(),
        project: "acme".into(),
        environment: "production".into(),
        version: version.into(),
        previous_version: "1.1.0".into(),
        components: "api=1.2.0; worker=1.2.0".into(),
        tickets: "SHOP-7; #40".into(),
        who: "ada".into(),
        duration: "12m30s".into(),
        result: "success".into(),
        rolled_back: "no".into(),
        run: "7001".into(),
    }
}
