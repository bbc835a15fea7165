//! What a rollout did: its result, where it stopped, and which colour has the traffic.
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::config::Strategy;

/// A blue-green colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Color {
    /// Blue.
    Blue,
    /// Green.
    Green,
}

impl Color {
    /// The other colour: the idle one when this one is live.
    pub fn other(self) -> Self {
        match self {
            Self::Blue => Self::Green,
            Self::Green => Self::Blue,
        }
    }
}

impl fmt::Display for Color {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Blue => "blue",
            Self::Green => "green",
        })
    }
}

impl FromStr for Color {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        match text.trim().to_ascii_lowercase().as_str() {
            "blue" => Ok(Self::Blue),
            "green" => Ok(Self::Green),
            _ => Err(()),
        }
    }
}

/// How a rollout ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RolloutResult {
    /// The new version has all the traffic and every gate passed.
    Deployed,
    /// A step or a gate failed and the traffic is back where it was.
    RolledBack,
    /// A step or a gate failed and nothing was moved back: either the traffic had not moved
    /// (blue-green before the switch) or the strategy leaves it to the job (direct).
    Failed,
}

impl RolloutResult {
    /// The name in the outputs: `deployed`, `rolled-back`, `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deployed => "deployed",
            Self::RolledBack => "rolled-back",
            Self::Failed => "failed",
        }
    }
}

/// What a rollout did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// The environment.
    pub environment: String,
    /// The strategy followed.
    #[serde(serialize_with = "strategy_name")]
    pub strategy: Strategy,
    /// How it ended.
    pub result: RolloutResult,
    /// Blue-green: the colour that has the traffic now.
    pub live_color: Option<Color>,
    /// Canary and rolling: the last step that passed, in per cent (0: none).
    pub step: Option<u8>,
    /// Where it failed: `--step 50`, `pre-switch`, `switch`, `deploy`, `post-deploy`.
    pub failed_at: Option<String>,
    /// Why it failed: the failed gates, or the hook's error.
    pub reason: Option<String>,
    /// What happened, a line per action, in order.
    pub log: Vec<String>,
}

fn strategy_name<S: serde::Serializer>(strategy: &Strategy, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(strategy.as_str())
}

impl Outcome {
    pub(super) fn new(environment: &str, strategy: Strategy) -> Self {
        Self {
            environment: environment.to_owned(),
            strategy,
            result: RolloutResult::Deployed,
            live_color: None,
            step: None,
            failed_at: None,
            reason: None,
            log: Vec::new(),
        }
    }

    pub(super) fn note(&mut self, line: impl Into<String>) {
        let line = line.into();
        tracing::info!("{line}");
        self.log.push(line);
    }

    pub(super) fn failed(&mut self, result: RolloutResult, at: &str, reason: String) {
        self.note(format!("{at} failed: {reason}"));
        self.result = result;
        self.failed_at = Some(at.to_owned());
        self.reason = Some(reason);
    }

    /// The step outputs: result, live-color, step, failed-at and reason (empty when unknown).
    pub fn outputs(&self) -> [(&'static str, String); 5] {
        [
            ("result", self.result.as_str().to_owned()),
            (
                "live-color",
                self.live_color.map(|c| c.to_string()).unwrap_or_default(),
            ),
            ("step", self.step.map(|s| s.to_string()).unwrap_or_default()),
            ("failed-at", self.failed_at.clone().unwrap_or_default()),
            ("reason", self.reason.clone().unwrap_or_default()),
        ]
    }

    /// The new version has all the traffic.
    pub fn deployed(&self) -> bool {
        self.result == RolloutResult::Deployed
    }

    /// For people: what happened, then the verdict.
    pub fn text(&self) -> String {
        let mut text: String = self.log.iter().map(|l| format!("{l}\n")).collect();
        let live = self
            .live_color
            .map(|c| format!("; {c} is live"))
            .unwrap_or_default();
        text.push_str(&match self.result {
            RolloutResult::Deployed => format!(
                "{}: deployed ({}){live}\n",
                self.environment,
                self.strategy.as_str()
            ),
            _ => format!(
                "{}: {} at {}: {}{live}\n",
                self.environment,
                self.result.as_str(),
                self.failed_at.as_deref().unwrap_or("?"),
                self.reason.as_deref().unwrap_or("")
            ),
        });
        text
    }

    /// The job summary (Markdown).
    pub fn summary(&self) -> String {
        let mut out = format!(
            "### {} rollout of {}: {}\n\n",
            self.strategy.as_str(),
            self.environment,
            self.result.as_str()
        );
        for line in &self.log {
            out.push_str(&format!("- {line}\n"));
        }
        out
    }
}
