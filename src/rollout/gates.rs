//! The gates a rollout runs between its steps, and how long it watches them.
use std::time::{Duration, Instant};

use crate::verify::{self, Gate, RunOptions};

use super::RolloutError;

/// Which gates run: those whose `step:` names it, and those without a `step:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateStep {
    /// Blue-green: against the idle colour, before the traffic moves (`step: pre-switch`).
    PreSwitch,
    /// After the traffic moved, or after each step (`step: post-deploy`).
    PostDeploy,
}

impl GateStep {
    /// The name gates give in `step:`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PreSwitch => "pre-switch",
            Self::PostDeploy => "post-deploy",
        }
    }
}

/// One run of the gates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateRun {
    /// Every gate passed.
    pub passed: bool,
    /// The gates that failed (or were inconclusive, when strict).
    pub failed: Vec<String>,
    /// How many gates ran.
    pub count: usize,
}

/// Runs the gates of a step; `env` tells `command` gates where the rollout stands.
pub trait GateRunner {
    /// Run the gates of `step` once.
    fn run(
        &self,
        step: GateStep,
        env: &[(String, String)],
    ) -> impl Future<Output = Result<GateRun, RolloutError>>;
}

/// The configured gates, run by `shipgate-verify`'s library.
#[derive(Debug, Clone)]
pub struct VerifyGates {
    /// The environment, for the reports.
    pub environment: String,
    /// `step: pre-switch` gates and those without a step.
    pub pre_switch: Vec<Gate>,
    /// `step: post-deploy` gates and those without a step.
    pub post_deploy: Vec<Gate>,
}

impl VerifyGates {
    /// The gates `config` names for `environment`, per step; header secrets are read from the
    /// environment variables the gates name.
    pub fn from_config(
        config: &crate::config::Config,
        environment: &str,
        root: &std::path::Path,
    ) -> Result<Self, RolloutError> {
        let secret = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let of = |step: GateStep| {
            let selection = verify::Selection {
                names: &[],
                environment: Some(environment),
                step: Some(step.as_str()),
            };
            // A maintenance gate checks the end state, after `maintenance off`: between the
            // rollout's steps maintenance mode is on by design.
            verify::select(config, &selection, root, &secret).map(|gates| {
                gates
                    .into_iter()
                    .filter(|g| !matches!(g.check, verify::Check::Maintenance(_)))
                    .collect::<Vec<_>>()
            })
        };
        Ok(Self {
            environment: environment.to_owned(),
            pre_switch: of(GateStep::PreSwitch)?,
            post_deploy: of(GateStep::PostDeploy)?,
        })
    }
}

impl GateRunner for VerifyGates {
    async fn run(&self, step: GateStep, env: &[(String, String)]) -> Result<GateRun, RolloutError> {
        let gates = match step {
            GateStep::PreSwitch => &self.pre_switch,
            GateStep::PostDeploy => &self.post_deploy,
        };
        let options = RunOptions {
            environment: Some(self.environment.clone()),
            step: Some(step.as_str().to_owned()),
            env: env.to_vec(),
            ..RunOptions::default()
        };
        let report = verify::run(gates, &options).await?;
        for line in verify::text_report(&report).lines() {
            tracing::info!("{line}");
        }
        Ok(GateRun {
            passed: report.passed,
            failed: report.failed_gates,
            count: gates.len(),
        })
    }
}

/// Run the gates of `step` until `watch` has passed (at least once), pausing between runs; the
/// first failing run ends the watch, and with no gate there is nothing to watch.
pub(super) async fn watch<G: GateRunner>(
    gates: &G,
    step: GateStep,
    env: &[(String, String)],
    watch: Duration,
) -> Result<GateRun, RolloutError> {
    let started = Instant::now();
    let pause = (watch / 5).clamp(Duration::from_millis(200), Duration::from_secs(30));
    loop {
        let run = gates.run(step, env).await?;
        let left = watch.saturating_sub(started.elapsed());
        if !run.passed || left.is_zero() || run.count == 0 {
            return Ok(run);
        }
        tokio::time::sleep(pause.min(left)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rollout_leaves_maintenance_gates_to_the_end() {
        let config = crate::config::parse(
            "gates:\n  \
             - { name: smoke, type: wait, duration: 0s, step: post-deploy }\n  \
             - { name: out-of-maintenance, type: maintenance, step: post-deploy }\n\
             deploy:\n  production:\n    maintenance: { on: 'true', off: 'true', status: echo on }\n\
             environments: [production]\n",
            "shipgate.yml",
        )
        .unwrap();
        let gates =
            VerifyGates::from_config(&config, "production", std::path::Path::new(".")).unwrap();
        let names: Vec<&str> = gates.post_deploy.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["smoke"]);
    }
}
