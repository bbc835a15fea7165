//! The gate model, independent of `shipgate.yml`, and what evaluating a gate gives.
use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;
use serde::Serialize;

use crate::config::{HttpMethod, MissingData};

use super::Threshold;

/// A gate to evaluate.
#[derive(Debug, Clone)]
pub struct Gate {
    /// Unique name.
    pub name: String,
    /// The deployment issue checklist item ticked when it passes.
    pub checklist: Option<String>,
    /// What it checks.
    pub check: Check,
}

/// What a gate checks, by type.
#[derive(Debug, Clone)]
pub enum Check {
    /// An HTTP request.
    Http(HttpCheck),
    /// A command.
    Command(CommandCheck),
    /// A file.
    File(FileCheck),
    /// A Prometheus query watched for a while.
    Prometheus(PromCheck),
    /// A soak period.
    Wait(Duration),
    /// Maintenance mode is off: the status command prints `off`.
    Maintenance(MaintenanceCheck),
}

/// A maintenance gate: the environment's status command (`deploy.ENV.maintenance.status`), run
/// by `sh` with the environment's name as its argument.
#[derive(Debug, Clone)]
pub struct MaintenanceCheck {
    /// The environment asked about.
    pub environment: String,
    /// The status command, run as a shell command with `ENV` added.
    pub command: CommandCheck,
}

impl Check {
    /// The type name, as in `type:`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Http(_) => "http",
            Self::Command(_) => "command",
            Self::File(_) => "file",
            Self::Prometheus(_) => "prometheus",
            Self::Wait(_) => "wait",
            Self::Maintenance(_) => "maintenance",
        }
    }
}

/// An HTTP gate.
#[derive(Debug, Clone)]
pub struct HttpCheck {
    /// The address.
    pub url: String,
    /// The method.
    pub method: HttpMethod,
    /// The expected status.
    pub status: u16,
    /// Text the body must contain.
    pub body_contains: Option<String>,
    /// A JSON pointer and the value expected there.
    pub json: Option<(String, serde_json::Value)>,
    /// Time allowed for one attempt.
    pub timeout: Duration,
    /// Attempts after the first.
    pub retries: u32,
    /// Wait before the first retry, doubled for each next one.
    pub backoff: Duration,
    /// Headers with secret values (never printed).
    pub headers: Vec<(String, SecretString)>,
}

/// A command gate.
#[derive(Debug, Clone)]
pub struct CommandCheck {
    /// Program and arguments (with `shell`, one script run by `sh -c`).
    pub argv: Vec<String>,
    /// Run through `sh -c`.
    pub shell: bool,
    /// Time allowed before the command is killed.
    pub timeout: Duration,
    /// Working directory.
    pub dir: PathBuf,
}

/// A file gate.
#[derive(Debug, Clone)]
pub struct FileCheck {
    /// The file.
    pub path: PathBuf,
    /// The path as configured, for reports.
    pub shown: String,
    /// Smallest passing size in bytes.
    pub min_size: u64,
}

/// A Prometheus gate.
#[derive(Debug, Clone)]
pub struct PromCheck {
    /// Server base address.
    pub url: String,
    /// PromQL.
    pub query: String,
    /// What every value should satisfy.
    pub threshold: Threshold,
    /// A value matching this fails at once.
    pub fail_fast: Option<Threshold>,
    /// Time between queries.
    pub interval: Duration,
    /// How long the query is watched.
    pub duration: Duration,
    /// How long an unbroken breach of `threshold` fails the gate.
    pub breach_for: Duration,
    /// What missing data means.
    pub missing: MissingData,
    /// Time allowed for one query.
    pub timeout: Duration,
}

/// A gate's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Green.
    Pass,
    /// Red: the pipeline stops.
    Fail,
    /// No evidence either way (no data, monitoring unreachable).
    Inconclusive,
    /// Not run, because an earlier gate failed.
    Skipped,
}

impl Verdict {
    /// `pass`, `fail`, `inconclusive`, `skipped`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::Inconclusive => "inconclusive",
            Self::Skipped => "skipped",
        }
    }
}

/// One measured value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Measured {
    /// What was measured (`status`, `sha256`, `max`, …).
    pub name: String,
    /// Its value, as text.
    pub value: String,
}

impl Measured {
    /// A measured value.
    pub fn new(name: impl Into<String>, value: impl ToString) -> Self {
        Self {
            name: name.into(),
            value: value.to_string(),
        }
    }
}

/// What evaluating one gate gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GateResult {
    /// The gate.
    pub name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: String,
    /// The outcome.
    pub verdict: Verdict,
    /// One sentence: what was seen.
    pub summary: String,
    /// The measured values.
    pub measured: Vec<Measured>,
    /// How long it took, in milliseconds.
    pub elapsed_ms: u64,
    /// The checklist item it ticks when it passes.
    pub checklist: Option<String>,
}

/// The outcome of one evaluation, before timing and naming are attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub verdict: Verdict,
    pub summary: String,
    pub measured: Vec<Measured>,
}

impl Outcome {
    pub(crate) fn new(
        verdict: Verdict,
        summary: impl Into<String>,
        measured: Vec<Measured>,
    ) -> Self {
        Self {
            verdict,
            summary: summary.into(),
            measured,
        }
    }
}
