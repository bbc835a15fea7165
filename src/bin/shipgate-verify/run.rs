//! What `shipgate-verify` does with its flags: the `Binary` implementation.

use shipgate::cli::{
    Binary, Context, Edge, Failure, Report, TokenNeeds, configured_environment, resolve_version,
};
use shipgate::verify::{self, IssueRequest, RunOptions, Selection};

use super::Cli;

impl Binary for Cli {
    fn edge(&self) -> Edge<'_> {
        Edge::with_outputs(&self.common, &self.repo, &self.output, Some(&self.forge))
    }

    async fn run(self, cx: &Context) -> Result<Report, Failure> {
        let config = &cx.config;
        if let Some(env) = &self.environment {
            configured_environment(config, env)?;
        }
        if let Some(step) = &self.step {
            if !config.gates.iter().any(|g| g.step.as_ref() == Some(step)) {
                tracing::warn!(
                    "no gate names the step `{step}`; only gates without `step` run (check the spelling)"
                );
            }
        }
        let selection = Selection {
            names: &self.gates,
            environment: self.environment.as_deref(),
            step: self.step.as_deref(),
        };
        let secret = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let gates =
            verify::select(config, &selection, &cx.root(), &secret).map_err(Failure::usage)?;
        let options = RunOptions {
            strict: self.strict,
            keep_going: self.keep_going,
            environment: self.environment.clone(),
            step: self.step.clone(),
            ..RunOptions::default()
        };
        let mut gates = verify::run(&gates, &options)
            .await
            .map_err(Failure::external)?;
        let rollback = self.on_fail_rollback && !gates.passed;
        if self.issue || rollback {
            let prefix = &config.version.tag_prefix;
            let version = resolve_version(
                self.release.as_deref(),
                "--release",
                &cx.ci,
                &cx.repo,
                prefix,
            )?;
            let forge = &cx
                .forge(TokenNeeds {
                    github: "issues: write and deployments: read",
                    gitlab: "Reporter",
                })?
                .forge;
            if rollback {
                let environment = self.environment.as_deref().unwrap_or_default();
                let target = verify::rollback_to(forge, environment, &version, prefix).await?;
                gates.rollback_to = Some(target);
            }
            if self.issue {
                let request = IssueRequest {
                    version,
                    ci_run: cx.ci.run_id.clone().unwrap_or_else(|| "local".to_owned()),
                    run_url: cx.ci.run_url.clone(),
                };
                gates.issue = Some(verify::report_on_issue(forge, &gates, &request).await?);
            }
        }
        report(&gates)
    }
}

/// The edge's report of the gates: outputs, text, the whole report as JSON, and the summary.
fn report(gates: &verify::Report) -> Result<Report, Failure> {
    let mut report = Report::text(verify::text_report(gates)).denied_if(!gates.passed);
    report.output("passed", gates.passed.to_string())?;
    report.output("failed-gates", gates.failed_gates.join(","))?;
    report.output("inconclusive-gates", gates.inconclusive_gates.join(","))?;
    if let Some(tag) = &gates.rollback_to {
        report.output("rollback-to", tag.as_str())?;
    }
    if let Some(issue) = &gates.issue {
        report.output("issue", issue.number.to_string())?;
    }
    report.summary = Some(verify::markdown_summary(gates));
    report.json = Some(format!(
        "{}\n",
        serde_json::to_string_pretty(gates).map_err(Failure::external)?
    ));
    Ok(report)
}
