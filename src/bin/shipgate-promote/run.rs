//! What `shipgate-promote` does with its flags: the `Binary` implementation.
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use shipgate::cli::{
    Binary, Context, Edge, Failure, Report, TokenNeeds, configured_environment, deployed_tag,
    release_risk,
};
use shipgate::forge::{AnyForge, CiJob};
use shipgate::promote::{self, EventResult, JobCheck, JobVerdict, Policy, PollSummary};
use shipgate::window::Calendar;

use super::{Cli, Command};

impl Binary for Cli {
    fn edge(&self) -> Edge<'_> {
        Edge::with_outputs(&self.common, &self.repo, &self.output, Some(&self.forge))
    }

    async fn run(self, cx: &Context) -> Result<Report, Failure> {
        let config = &cx.config;
        let forge = &cx
            .forge(TokenNeeds {
                github: "issues: write, deployments: read, contents: read and actions: write",
                gitlab: "Developer to create pipelines",
            })?
            .forge;
        let calendar = calendar(cx, forge).await?;
        let seal = cx.seal();
        let policy = Policy {
            promote: &config.promote,
            environments: &config.environments,
            tag_prefix: &config.version.tag_prefix,
            calendar: &calendar,
            now: self.at.unwrap_or_else(Timestamp::now),
            seal: &seal,
        };
        match self.command {
            None => on_event(self.event, cx, forge, policy).await,
            Some(Command::Poll) => poll(forge, policy).await,
            Some(Command::Check {
                environment,
                tag,
                risk,
                schema_report,
                commit,
                expect_commit,
            }) => {
                configured_environment(config, &environment)?;
                let prefix = &config.version.tag_prefix;
                let (tag, version) = deployed_tag(tag, &cx.ci, prefix)?;
                let schema = schema_report.as_deref();
                let risk = release_risk(risk, &cx.repo, prefix, Some(&version), schema)?;
                tracing::info!("risk {} ({})", risk.risk, risk.why);
                let job = JobCheck {
                    environment,
                    version,
                    risk: risk.risk,
                    job: CiJob {
                        run: cx.ci.run_id.clone(),
                        job: cx.ci.job_id.clone(),
                    },
                    commit: cx.job_commit(commit),
                    expected_commit: expect_commit.filter(|c| !c.is_empty()),
                };
                let checked = promote::check_job(forge, policy, &job).await?;
                let verdict = JobVerdict::of(&checked.checks);
                let environment = &job.environment;
                let mut report = Report::text(verdict.text(&tag, environment, risk.risk));
                report.output("allowed", verdict.allowed.to_string())?;
                report.output("reason", verdict.reason.clone())?;
                report.outputs_from(checked.outputs())?;
                report.summary = verdict.summary(&tag, environment);
                Ok(report.denied_if(!verdict.allowed))
            }
        }
    }
}

async fn calendar(cx: &Context, forge: &AnyForge) -> Result<Calendar, Failure> {
    let calendar = Calendar::load(&cx.config.windows, &cx.root())?;
    Ok(calendar.with_forge_freeze_periods(forge).await?)
}

async fn on_event(
    event: Option<PathBuf>,
    cx: &Context,
    forge: &AnyForge,
    policy: Policy<'_>,
) -> Result<Report, Failure> {
    let path = event
        .or_else(|| cx.ci.github_event_path.clone())
        .ok_or_else(|| {
            Failure::usage(anyhow::anyhow!(
                "no event: run in a workflow triggered `on: issue_comment` (GITHUB_EVENT_PATH), \
             pass --event FILE, or use `shipgate-promote poll` on GitLab"
            ))
        })?;
    let event = promote::read_event(Path::new(&path))?;
    let mut report = Report::default();
    report.output("approved", "false")?;
    report.output("issue", event.issue_number.to_string())?;
    let handled = match promote::on_event(forge, policy, &event).await? {
        EventResult::Ignored(why) => {
            tracing::info!("comment {} ignored: {why}", event.comment.id);
            report.text = format!("ignored: {why}\n");
            return Ok(report);
        }
        EventResult::Handled(handled) => handled,
    };
    if let Some(command) = &handled.command {
        report.output("command", command.word())?;
    }
    report.outputs_from(handled.target_outputs())?;
    report.text = handled.describe(event.issue_number);
    Ok(report.denied_if(handled.refused()))
}

async fn poll(forge: &AnyForge, policy: Policy<'_>) -> Result<Report, Failure> {
    let (handled, error) = match promote::poll(forge, policy).await {
        Ok(handled) => (handled, None),
        Err((handled, error)) => (handled, Some(error)),
    };
    let summary = PollSummary::of(&handled);
    if let Some(error) = error {
        // The commands answered before the failure are told, though no report is published.
        for line in summary.text.lines().take(summary.answered) {
            tracing::warn!("{line}");
        }
        return Err(error.into());
    }
    let mut report = Report::text(summary.text);
    report.output("processed", summary.answered.to_string())?;
    report.output("accepted", summary.accepted.to_string())?;
    Ok(report)
}
