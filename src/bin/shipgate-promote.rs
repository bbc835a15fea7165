//! `shipgate-promote`: act on commands commented on the deployment issue — carefully.
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use jiff::Timestamp;
use shipgate::cli::{
    Binary, CommonArgs, Context, Edge, Failure, ForgeArgs, OutputArgs, Report, TokenNeeds,
    configured_environment, deployed_tag, release_risk,
};
use shipgate::forge::{AnyForge, CiJob};
use shipgate::promote::{self, EventResult, JobCheck, JobVerdict, Policy, PollSummary};
use shipgate::window::{Calendar, Risk};

/// Act on commands commented on a release's deployment issue: `/promote production`,
/// `/rollback production`, `/hold`, `/unhold`, `/status`, `/help`. Only authorised people, only
/// the artifact that passed the environment before, only inside the deployment window, one
/// deployment at a time; every decision is answered on the issue and written into its history.
#[derive(Debug, Parser)]
#[command(name = "shipgate-promote", version, about, long_about, after_long_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    /// The issue_comment event to act on (without a subcommand) [default: GITHUB_EVENT_PATH]
    #[arg(long, value_name = "FILE")]
    event: Option<PathBuf>,

    /// A path inside the repository (for shipgate.yml and the holidays file)
    #[arg(long, value_name = "PATH", default_value = ".", global = true)]
    repo: PathBuf,

    #[command(flatten)]
    forge: ForgeArgs,

    /// Decide as if now were this moment (RFC 3339), for dry runs and tests
    #[arg(long, value_name = "RFC3339", global = true)]
    at: Option<Timestamp>,

    #[command(flatten)]
    output: OutputArgs,

    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// GitLab: answer every unanswered command on the open deployment issues (a scheduled job)
    Poll,
    /// At the start of the deploy job: is deploying still allowed (window, freeze, hold, lock)?
    Check {
        /// The environment about to be deployed
        #[arg(long = "env", value_name = "NAME")]
        environment: String,
        /// The release tag being deployed [default: the pipeline's tag]
        #[arg(long)]
        tag: Option<String>,
        /// The release's risk for the window [default: high for a new major version, or with
        /// --schema-report for a code-first, blocked or destructive schema change]
        #[arg(long, value_enum)]
        risk: Option<Risk>,
        /// A `shipgate-schema --format json` report of the release, to derive the risk
        #[arg(long, value_name = "FILE")]
        schema_report: Option<PathBuf>,
        /// The commit the job deploys [default: GITHUB_SHA or CI_COMMIT_SHA, else the
        /// checkout's HEAD]
        #[arg(long, value_name = "SHA")]
        commit: Option<String>,
        /// The commit the dispatch or pipeline was started for (shipgate-promote passes it as the
        /// `commit` input on GitHub and SHIPGATE_COMMIT on GitLab); refused when it differs
        #[arg(long, value_name = "SHA", env = "SHIPGATE_COMMIT")]
        expect_commit: Option<String>,
    },
}

const AFTER_HELP: &str = concat!(
    "Without a subcommand, reads the issue_comment event (GitHub). It acts only on new comments (edits are ignored: the editor may not be the author) whose first line is a command, by people other than bots and shipgate's own login, on open issues (not pull requests) that shipgate opened and that carry a release marker.\n\n",
    "Checks: who (the repository role from role_name, promote.github.permission, default maintain; GitLab access level, promote.gitlab.access_level, default 40; promote.users and promote.teams when set; --override-window needs admin), what (the environment before the target ran the same tag and commit successfully, as the forge's deployment records say — never the issue body; no downgrade without /rollback), ready (the commit's CI is green: promote.required_checks), when (the deployment window; rollbacks are exempt), alone (no deployment of the environment queued or in progress, no accepted command waiting on any deployment issue, the release not on hold, no reply of shipgate's altered).\n\n",
    "check is the deploy job's gate: after the first environment it needs shipgate's accepted command for the environment and tag (within promote.lock_timeout), and the job's commit (GITHUB_SHA, CI_COMMIT_SHA, --commit) equal to the commit accepted, the tag's commit, the commit that passed before, and --expect-commit (SHIPGATE_COMMIT).\n\n",
    "SHIPGATE_SIGNING_KEY (environment only): seals shipgate's answers with HMAC-SHA256; without it an answer edited after it was written does not count.\n\n",
    "A commenter without the role gets 👎 and one reply. Other commands get 👀 at once, then 🚀 or 👎, a reply with every check, and a history line in the issue. On acceptance: GitHub dispatches promote.dispatch (inputs environment, issue and commit) at the tag, or sets outputs for a following job; GitLab creates a pipeline for the tag with SHIPGATE_ENVIRONMENT, SHIPGATE_ISSUE and SHIPGATE_COMMIT. A comment already answered is never acted on again; every run answers every unanswered command on its issue.\n\n",
    "Outputs: approved, command, environment, tag, version, issue (event); processed, accepted (poll); allowed, reason (check) — to $GITHUB_OUTPUT and --dotenv FILE.\n\n",
    "Tokens: GitHub: issues: write, deployments: read, contents: read, checks: read, statuses: read, actions: write to dispatch (teams: organization members read). GitLab: api scope, Developer to create pipelines (Reporter suffices to read freeze periods).\n\n",
    "Exit codes: 0 done, allowed, or nothing to do; 1 the command was refused, or check denies; 2 usage or configuration error; 3 forge failure after retries. poll exits 0 when every command was answered, refused ones included."
);

fn main() -> ExitCode {
    shipgate::cli::main::<Cli>()
}

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
                let verdict = JobVerdict::of(&promote::check_job(forge, policy, &job).await?);
                let environment = &job.environment;
                let mut report = Report::text(verdict.text(&tag, environment, risk.risk));
                report.output("allowed", verdict.allowed.to_string())?;
                report.output("reason", verdict.reason.clone())?;
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
    for (key, value) in handled.target_outputs() {
        report.output(key, value)?;
    }
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
