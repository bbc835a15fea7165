//! The strategies: which hook runs when, which gates judge it, and what a failure undoes.
use std::time::Duration;

use crate::config::{EnvironmentDeploy, Strategy};

use super::RolloutError;
use super::gates::{GateRunner, GateStep, watch};
use super::hook::{HookCall, Hooks};
use super::outcome::{Color, Outcome, RolloutResult};

/// One environment's rollout.
#[derive(Debug, Clone)]
pub struct Rollout<'a> {
    /// The environment.
    pub environment: &'a str,
    /// The release deployed, passed to the hooks as `SHIPGATE_VERSION` when known.
    pub version: Option<&'a str>,
    /// The environment's `deploy:` entry.
    pub plan: &'a EnvironmentDeploy,
}

impl Rollout<'_> {
    /// The variables every hook and gate gets, and `extra`.
    fn env(&self, extra: &[(&str, String)]) -> Vec<(String, String)> {
        let mut env = vec![
            (
                "SHIPGATE_ENVIRONMENT".to_owned(),
                self.environment.to_owned(),
            ),
            (
                "SHIPGATE_STRATEGY".to_owned(),
                self.plan.strategy.as_str().to_owned(),
            ),
        ];
        if let Some(version) = self.version {
            env.push(("SHIPGATE_VERSION".to_owned(), version.to_owned()));
        }
        env.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
        env
    }

    fn call<'c>(
        &'c self,
        purpose: &'c str,
        command: &'c str,
        args: &[&str],
        extra: &[(&str, String)],
    ) -> HookCall<'c> {
        HookCall {
            purpose,
            command,
            args: std::iter::once(self.environment)
                .chain(args.iter().copied())
                .map(str::to_owned)
                .collect(),
            env: self.env(extra),
        }
    }

    fn watch_for(&self) -> Duration {
        self.plan.watch.duration()
    }
}

/// Deploy `rollout` by its strategy with `hooks`, judging each step with `gates`. A failed step
/// or gate is undone as the strategy says and reported in the outcome; an error is returned
/// only when the rollout could not run at all or its undo failed.
pub async fn roll_out<H: Hooks, G: GateRunner>(
    rollout: &Rollout<'_>,
    hooks: &H,
    gates: &G,
) -> Result<Outcome, RolloutError> {
    match rollout.plan.strategy {
        Strategy::Direct => Ok(direct(rollout, hooks)),
        Strategy::BlueGreen => blue_green(rollout, hooks, gates).await,
        Strategy::Canary | Strategy::Rolling => stepwise(rollout, hooks, gates).await,
    }
}

/// Deploy in place. The gates are the job's next step (`shipgate-verify`, which also names the
/// release to roll back to): nothing here moves traffic that a gate could move back.
fn direct<H: Hooks>(rollout: &Rollout<'_>, hooks: &H) -> Outcome {
    let mut outcome = Outcome::new(rollout.environment, Strategy::Direct);
    let call = rollout.call("deploy", &rollout.plan.deploy_hook, &[], &[]);
    match hooks.run(&call) {
        Ok(()) => outcome.note(format!("deployed: {}", call.shown())),
        Err(e) => outcome.failed(RolloutResult::Failed, "deploy", e.to_string()),
    }
    outcome
}

/// Deploy to the idle colour, gate it, switch, gate again while the old colour is kept; switch
/// back on any failure after the switch.
async fn blue_green<H: Hooks, G: GateRunner>(
    rollout: &Rollout<'_>,
    hooks: &H,
    gates: &G,
) -> Result<Outcome, RolloutError> {
    let plan = rollout.plan;
    let mut outcome = Outcome::new(rollout.environment, Strategy::BlueGreen);
    let ask = rollout.call("switch", &plan.switch_hook, &[], &[]);
    let printed = hooks.read(&ask)?;
    let live: Color = printed.parse().map_err(|()| RolloutError::UnknownColor {
        shown: ask.shown(),
        printed: printed.clone(),
    })?;
    let idle = live.other();
    outcome.live_color = Some(live);
    outcome.note(format!("{live} is live; deploying to {idle}"));
    let colour = [("SHIPGATE_COLOR", idle.to_string())];
    let idle_name = idle.to_string();
    let deploy = rollout.call(
        "deploy",
        &plan.deploy_hook,
        &["--color", &idle_name],
        &colour,
    );
    if let Err(e) = hooks.run(&deploy) {
        outcome.failed(RolloutResult::Failed, "deploy", e.to_string());
        return Ok(outcome);
    }
    let env = rollout.env(&colour);
    let run = gates.run(GateStep::PreSwitch, &env).await?;
    if !run.passed {
        let reason = format!(
            "{} (on {idle}; the traffic stayed on {live})",
            failed_gates(&run.failed)
        );
        outcome.failed(RolloutResult::Failed, "pre-switch", reason);
        return Ok(outcome);
    }
    outcome.note(format!("gates passed on {idle}"));
    let switch = rollout.call("switch", &plan.switch_hook, &[&idle_name], &colour);
    let mut watched = 0;
    let failure = match hooks.run(&switch) {
        Err(e) => Some(("switch", e.to_string())),
        Ok(()) => {
            outcome.live_color = Some(idle);
            outcome.note(format!("switched the traffic to {idle}"));
            let kept = plan.keep_previous.duration().max(rollout.watch_for());
            let run = watch(gates, GateStep::PostDeploy, &env, kept).await?;
            watched = run.count;
            (!run.passed).then(|| ("post-deploy", failed_gates(&run.failed)))
        }
    };
    if let Some((at, reason)) = failure {
        let live_name = live.to_string();
        let back = rollout.call(
            "switch",
            &plan.switch_hook,
            &[&live_name],
            &[("SHIPGATE_COLOR", live_name.clone())],
        );
        if let Err(undo) = hooks.run(&back) {
            return Err(RolloutError::UndoFailed {
                failure: format!("{at} failed: {reason}"),
                undo: Box::new(undo),
            });
        }
        outcome.live_color = Some(live);
        outcome.failed(
            RolloutResult::RolledBack,
            at,
            format!("{reason}; switched back to {live}"),
        );
        return Ok(outcome);
    }
    outcome.note(if watched == 0 {
        format!("no post-deploy gate to watch; {idle} has the traffic")
    } else {
        format!(
            "gates passed on {idle}; {live} was kept ready for {}",
            plan.keep_previous
        )
    });
    Ok(outcome)
}

/// Canary and rolling: each step with its gates watched; back to 0 on any failure.
async fn stepwise<H: Hooks, G: GateRunner>(
    rollout: &Rollout<'_>,
    hooks: &H,
    gates: &G,
) -> Result<Outcome, RolloutError> {
    let plan = rollout.plan;
    let mut outcome = Outcome::new(rollout.environment, plan.strategy);
    outcome.step = Some(0);
    let count = plan.steps.len().to_string();
    for (index, step) in plan.steps.iter().enumerate() {
        let step_text = step.to_string();
        let extra = [
            ("SHIPGATE_STEP", step_text.clone()),
            ("SHIPGATE_STEP_INDEX", (index + 1).to_string()),
            ("SHIPGATE_STEPS", count.clone()),
        ];
        let call = rollout.call("deploy", &plan.deploy_hook, &["--step", &step_text], &extra);
        let failure = match hooks.run(&call) {
            Err(e) => Some(e.to_string()),
            Ok(()) => {
                outcome.note(format!("step {}/{count}: {step}%", index + 1));
                let run = watch(
                    gates,
                    GateStep::PostDeploy,
                    &rollout.env(&extra),
                    rollout.watch_for(),
                )
                .await?;
                (!run.passed).then(|| failed_gates(&run.failed))
            }
        };
        if let Some(reason) = failure {
            let at = format!("step {}/{count} ({step}%)", index + 1);
            let zero = [
                ("SHIPGATE_STEP", "0".to_owned()),
                ("SHIPGATE_STEP_INDEX", "0".to_owned()),
                ("SHIPGATE_STEPS", count.clone()),
            ];
            let back = rollout.call("rollback", &plan.deploy_hook, &["--step", "0"], &zero);
            if let Err(undo) = hooks.run(&back) {
                return Err(RolloutError::UndoFailed {
                    failure: format!("{at} failed: {reason}"),
                    undo: Box::new(undo),
                });
            }
            outcome.step = Some(0);
            outcome.failed(
                RolloutResult::RolledBack,
                &at,
                format!("{reason}; back to 0%"),
            );
            return Ok(outcome);
        }
        outcome.step = Some(*step);
    }
    outcome.note("every step passed");
    Ok(outcome)
}

fn failed_gates(failed: &[String]) -> String {
    if failed.is_empty() {
        "a gate failed".to_owned()
    } else {
        format!("gates failed: {}", failed.join(", "))
    }
}
