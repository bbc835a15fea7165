//! The `gates:` and `prometheus:` sections of `shipgate.yml`, read by `shipgate-verify`.
//!
//! `gates:` is a list, run in order. Each gate has a name, a type and keys of that type; the
//! keys of other types are rejected by [`validate`](super::validate) with their position.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::span::Span;
use super::text_scalar::{TextScalar, text_scalar_serde};
use crate::verify::Threshold;

impl TextScalar for Threshold {
    const EXPECTING: &'static str = "a threshold such as \"< 0.05\"";
}

text_scalar_serde!(Threshold);

/// What a gate checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GateKind {
    /// An HTTP request answers as expected.
    Http,
    /// A command exits 0.
    Command,
    /// A file exists and is not empty; its sha256 is reported.
    File,
    /// A PromQL query stays within a threshold for a while.
    Prometheus,
    /// A soak period.
    Wait,
    /// Maintenance mode is off (`deploy.ENV.maintenance.status` prints `off`).
    Maintenance,
}

impl GateKind {
    /// The name written in `type:`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::Command => "command",
            Self::File => "file",
            Self::Prometheus => "prometheus",
            Self::Wait => "wait",
            Self::Maintenance => "maintenance",
        }
    }

    /// The type-specific keys this kind accepts.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            Self::Http => &[
                "url",
                "method",
                "status",
                "body_contains",
                "json_pointer",
                "json_equals",
                "timeout",
                "retries",
                "backoff",
                "headers_env",
            ],
            Self::Command => &["command", "shell", "timeout"],
            Self::File => &["path", "min_size"],
            Self::Prometheus => &[
                "url",
                "query",
                "threshold",
                "fail_fast",
                "interval",
                "duration",
                "for",
                "missing",
                "timeout",
            ],
            Self::Wait => &["duration"],
            Self::Maintenance => &["timeout"],
        }
    }
}

/// An HTTP method for `http` gates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    /// GET
    #[default]
    Get,
    /// HEAD
    Head,
    /// POST (no body)
    Post,
}

/// What a Prometheus gate concludes when the query returns no data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MissingData {
    /// No data at any sample: inconclusive.
    #[default]
    Inconclusive,
    /// A sample without data fails the gate at once.
    Fail,
}

/// One entry of `gates:`. Type-specific keys are optional here and checked against `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateConfig {
    /// Unique name, shown in reports and in the `failed-gates` output.
    pub name: String,
    /// What the gate checks.
    #[serde(rename = "type")]
    pub kind: GateKind,
    /// Environments the gate runs for; empty: all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub environments: Vec<String>,
    /// The pipeline step it belongs to (`pre-deploy`, `post-deploy`, …); none: every step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// The deployment issue checklist item ticked when the gate passes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checklist: Option<String>,

    /// http: the address; prometheus: the server (else `prometheus.url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// http: the method (GET).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<HttpMethod>,
    /// http: the expected status (200).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// http: text the body must contain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_contains: Option<String>,
    /// http: a JSON pointer (RFC 6901) into the body, compared with `json_equals`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json_pointer: Option<String>,
    /// http: the value expected at `json_pointer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json_equals: Option<serde_json::Value>,
    /// http, command, prometheus: how long one attempt or query may take.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Span>,
    /// http: attempts after the first one failed (2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<u32>,
    /// http: wait before the first retry, doubled for each next one (1s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff: Option<Span>,
    /// http: request headers from environment variables: header name → variable NAME.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers_env: BTreeMap<String, String>,

    /// command: the program and its arguments; with `shell: true`, one script for `sh -c`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    /// command: run the one script with `sh -c` (false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shell: Option<bool>,

    /// file: the file, relative to the repository root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// file: the smallest size in bytes that passes (1: not empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_size: Option<u64>,

    /// prometheus: the PromQL query (an instant vector, normally one series).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// prometheus: what every value should satisfy, e.g. `< 0.05`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<Threshold>,
    /// prometheus: a value matching this fails the gate at once, e.g. `> 0.10`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_fast: Option<Threshold>,
    /// prometheus: time between queries (30s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<Span>,
    /// prometheus: how long the query is watched (5m); wait: how long to wait (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Span>,
    /// prometheus: how long the threshold must be breached without a break to fail the gate
    /// (`duration`: breached through the whole window; `0s`: the first breach fails).
    #[serde(default, rename = "for", skip_serializing_if = "Option::is_none")]
    pub breach_for: Option<Span>,
    /// prometheus: what missing data means (inconclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<MissingData>,
}

impl GateConfig {
    /// The type-specific keys that are set, in declaration order.
    pub fn keys_set(&self) -> Vec<&'static str> {
        let mut keys = Vec::new();
        let mut add = |set: bool, key| {
            if set {
                keys.push(key);
            }
        };
        add(self.url.is_some(), "url");
        add(self.method.is_some(), "method");
        add(self.status.is_some(), "status");
        add(self.body_contains.is_some(), "body_contains");
        add(self.json_pointer.is_some(), "json_pointer");
        add(self.json_equals.is_some(), "json_equals");
        add(self.timeout.is_some(), "timeout");
        add(self.retries.is_some(), "retries");
        add(self.backoff.is_some(), "backoff");
        add(!self.headers_env.is_empty(), "headers_env");
        add(!self.command.is_empty(), "command");
        add(self.shell.is_some(), "shell");
        add(self.path.is_some(), "path");
        add(self.min_size.is_some(), "min_size");
        add(self.query.is_some(), "query");
        add(self.threshold.is_some(), "threshold");
        add(self.fail_fast.is_some(), "fail_fast");
        add(self.interval.is_some(), "interval");
        add(self.duration.is_some(), "duration");
        add(self.breach_for.is_some(), "for");
        add(self.missing.is_some(), "missing");
        keys
    }

    /// Whether the gate runs for `environment` (`None`: any).
    pub fn runs_in(&self, environment: Option<&str>) -> bool {
        match environment {
            Some(env) => self.environments.is_empty() || self.environments.iter().any(|e| e == env),
            None => true,
        }
    }

    /// Whether the gate belongs to `step` (`None`: any).
    pub fn runs_at(&self, step: Option<&str>) -> bool {
        match (step, &self.step) {
            (Some(wanted), Some(own)) => wanted == own,
            _ => true,
        }
    }
}

/// The `prometheus:` section: defaults for `prometheus` gates.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrometheusConfig {
    /// The Prometheus server gates query when they name none, e.g. `http://prometheus:9090`.
    pub url: String,
}
