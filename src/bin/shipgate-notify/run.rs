//! What `shipgate-notify` does with its flags: the `Binary` implementation.

use shipgate::cli::{
    Binary, Context, Edge, Failure, Format, Report, TokenNeeds, project_name, resolve_version,
};
use shipgate::config::notify::Event;
use shipgate::forge::AnyForge;
use shipgate::notify::{self, Deployment, EventRequest, ReportRequest, Secrets, Watched};

use super::{Cli, Command, ReleaseArgs, ReportArgs};

impl Binary for Cli {
    fn edge(&self) -> Edge<'_> {
        Edge {
            common: &self.common,
            repo: &self.repo,
            format: self.output.format,
            dotenv: self.output.dotenv.as_deref(),
            output: None,
            forge: Some(&self.forge),
        }
    }

    async fn run(self, cx: &Context) -> Result<Report, Failure> {
        let (event, args, command) = match self.command {
            Command::Report(args) => return report(args, cx).await,
            Command::Start(args) => (Event::Start, args, None),
            Command::Delay(args) => (Event::Delay, args, None),
            Command::End(args) => (Event::End, args, None),
            Command::Failure(args) => (Event::Failure, args, None),
            Command::Rollback(args) => (Event::Rollback, args, None),
            Command::Maintenance(args) => (Event::Maintenance, args, None),
            Command::MaintenanceEnd(args) => (Event::MaintenanceEnd, args, None),
            Command::Watch { event, command } => (Event::Start, event, Some(command)),
        };
        let request = EventRequest {
            event,
            watching: command.is_some(),
            estimate: args.estimate,
            duration: args.duration,
            channels: args.channel,
            images: args.image,
            restarts: args.restart,
            issue_url: args.issue_url,
            secrets: Secrets::from_lookup(&cx.config.notify, |name| std::env::var(name).ok()),
        };
        let deployment = deployment(cx, &args.release)?;
        let prepared = notify::prepare(&deployment, request, issue_forge(cx)).await?;
        let sent = match command {
            Some(command) => {
                notify::watch(&prepared, &command, self.output.format == Format::Json).await?
            }
            None => prepared.announce().await?,
        };
        let mut report = Report::text(sent.text());
        report.json = Some(pretty(&sent.json())?);
        report.outputs_from(sent.outputs())?;
        report.command_status = sent.watched.as_ref().map(Watched::status);
        Ok(report.failed_with(sent.undelivered()))
    }
}

/// The deployment report: on stdout, in the job summary, and on the deployment issue.
async fn report(args: ReportArgs, cx: &Context) -> Result<Report, Failure> {
    let request = ReportRequest {
        success: args.result,
        rolled_back: args.rolled_back,
        strategy: args.strategy,
        duration: args.duration,
        downtime: args.downtime,
        checks: args.check,
        problems: args.problem,
        language: args.language,
        comment: !args.no_issue,
    };
    let deployment = deployment(cx, &args.release)?;
    let reported = notify::report(&deployment, request, issue_forge(cx)).await?;
    let mut report = Report::text(reported.markdown.clone());
    report.summary = Some(reported.markdown.clone());
    report.json = Some(pretty(&reported.json(cx.ci.github_step_summary.is_some()))?);
    report.outputs_from(reported.outputs())?;
    Ok(report.failed_with(reported.failure))
}

/// The release, environment and project the flags, the CI and the repository name.
fn deployment<'a>(cx: &'a Context, release: &ReleaseArgs) -> Result<Deployment<'a>, Failure> {
    let prefix = &cx.config.version.tag_prefix;
    let version = resolve_version(
        release.version.as_deref(),
        "--version",
        &cx.ci,
        &cx.repo,
        prefix,
    )?;
    let root = cx.root();
    Ok(Deployment {
        project: project_name(&[&cx.config.notify.project], &cx.ci, &root),
        config: &cx.config,
        ci: &cx.ci,
        repo: &cx.repo,
        root,
        version,
        environment: release.environment.clone(),
    })
}

/// The forge of the deployment issue, connected on first use; why not, as text.
fn issue_forge<'a>(cx: &'a Context) -> impl FnOnce() -> Result<&'a AnyForge, String> {
    let needs = TokenNeeds {
        github: "issues: write",
        gitlab: "Reporter",
    };
    move || (cx.forge(needs).map(|c| &c.forge)).map_err(|f| format!("{:#}", f.error))
}

fn pretty(json: &serde_json::Value) -> Result<String, Failure> {
    serde_json::to_string_pretty(json).map_err(Failure::external)
}
