//! What `shipgate-deploy` does with its flags: the `Binary` implementation.
use shipgate::cli::{
    Binary, Context, Edge, Failure, Report, configured_environment, known_version,
    read_schema_report,
};
use shipgate::rollout::{Rollout, ShellHooks, Switch, VerifyGates, maintain, roll_out};

use super::{Cli, Command};

impl Binary for Cli {
    fn edge(&self) -> Edge<'_> {
        Edge::with_outputs(&self.common, &self.repo, &self.output, None)
    }

    async fn run(self, cx: &Context) -> Result<Report, Failure> {
        let config = &cx.config;
        let environment = match &self.environment {
            Some(name) => configured_environment(config, name)?.to_owned(),
            None => {
                return Err(Failure::usage(anyhow::anyhow!(
                    "--env is required; name the environment to deploy"
                )));
            }
        };
        let plan = config.deploy.get(&environment).cloned().unwrap_or_default();
        let prefix = &config.version.tag_prefix;
        let version = known_version(self.release.as_deref(), &cx.ci, &cx.repo, prefix)?
            .map(|v| v.to_string());
        let root = cx.root();
        let hooks = ShellHooks { root: &root };
        match self.command {
            Command::Rollout => {
                let gates = VerifyGates::from_config(config, &environment, &root)?;
                let rollout = Rollout {
                    environment: &environment,
                    version: version.as_deref(),
                    plan: &plan,
                };
                let outcome = roll_out(&rollout, &hooks, &gates).await?;
                let mut report = Report::text(outcome.text());
                report.outputs_from(outcome.outputs())?;
                report.summary = Some(outcome.summary());
                Ok(report.denied_if(!outcome.deployed()))
            }
            Command::Maintenance {
                switch,
                schema_report,
            } => {
                let switch = if switch == "on" {
                    Switch::On
                } else {
                    Switch::Off
                };
                let schema = match schema_report {
                    Some(path) => Some(read_schema_report(&path)?),
                    None => None,
                };
                let outcome = maintain(
                    &hooks,
                    plan.maintenance.as_ref(),
                    &environment,
                    switch,
                    version.as_deref(),
                    schema.as_ref(),
                )?;
                let mut report = Report::text(outcome.text.clone());
                report.outputs_from(outcome.outputs())?;
                Ok(report)
            }
        }
    }
}
