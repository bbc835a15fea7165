//! `shipgate-promote`: act on commands commented on the deployment issue — carefully.
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use jiff::Timestamp;
use shipgate::cli::{
    Binary, CommonArgs, Context, Edge, Failure, ForgeArgs, OutputArgs, Report, TokenNeeds,
    configured_environment, release_risk,
};
use shipgate::forge::{AnyForge, CiJob};
use shipgate::promote::{self, EventResult, Handled, JobCheck, Outcome, Policy, Verdict};
use shipgate::release::{parse_version, version_of_tag};
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
        risk: Option<RiskArg>,
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

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RiskArg {
    Low,
    High,
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
                let tag = tag.or_else(|| cx.ci.tag.clone()).ok_or_else(|| {
                    Failure::usage(anyhow::anyhow!(
                        "no --tag given and the pipeline is not a tag pipeline; pass --tag {prefix}X.Y.Z"
                    ))
                })?;
                let version = match version_of_tag(&tag, prefix) {
                    Some(version) => version,
                    None => parse_version(&tag).map_err(Failure::usage)?,
                };
                let risk = match risk {
                    Some(RiskArg::Low) => Risk::Low,
                    Some(RiskArg::High) => Risk::High,
                    None => {
                        let choice = release_risk(
                            &cx.repo,
                            prefix,
                            Some(&version),
                            schema_report.as_deref(),
                        )?;
                        tracing::info!("risk {} ({})", choice.risk, choice.why);
                        choice.risk
                    }
                };
                let head = || {
                    shipgate::git::Repo::discover(&cx.repo)
                        .and_then(|r| r.head())
                        .ok()
                };
                let job = JobCheck {
                    environment,
                    version,
                    risk,
                    job: CiJob {
                        run: cx.ci.run_id.clone(),
                        job: cx.ci.job_id.clone(),
                    },
                    commit: commit
                        .or_else(|| cx.ci.commit.clone())
                        .or_else(|| head().map(|oid| oid.to_string())),
                    expected_commit: expect_commit.filter(|c| !c.is_empty()),
                };
                let checks = promote::check_job(forge, policy, &job).await?;
                let allowed = checks.iter().all(|c| c.passed);
                let reason = promote::failed_reasons(&checks);
                let environment = &job.environment;
                let mut report = Report::text(if allowed {
                    format!("allowed: {tag} to {environment} (risk {risk})\n")
                } else {
                    format!("denied: {tag} to {environment}: {reason}\n")
                });
                report.output("allowed", allowed.to_string())?;
                report.output("reason", reason.clone())?;
                report.summary = (!allowed).then(|| {
                    format!("### Deployment of `{tag}` to {environment} stopped\n\n{reason}\n")
                });
                Ok(report.denied_if(!allowed))
            }
        }
    }
}

/// The windows, with GitLab's deploy freeze periods when on GitLab.
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
    if let Outcome::Answered {
        target: Some(target),
        started,
        ..
    } = &handled.outcome
    {
        // With a dispatched workflow, no following job may deploy as well.
        report.output("approved", (!started).to_string())?;
        report.output("environment", target.environment.clone())?;
        report.output("tag", target.tag.clone())?;
        report.output("version", target.version.to_string())?;
    }
    let refused = matches!(
        handled.outcome,
        Outcome::Answered {
            verdict: Verdict::Refused | Verdict::Failed,
            ..
        }
    );
    report.text = handled.describe(event.issue_number);
    Ok(report.denied_if(refused))
}

async fn poll(forge: &AnyForge, policy: Policy<'_>) -> Result<Report, Failure> {
    let (handled, error) = match promote::poll(forge, policy).await {
        Ok(handled) => (handled, None),
        Err((handled, error)) => (handled, Some(error)),
    };
    let answered: Vec<&Handled> = handled
        .iter()
        .filter(|h| matches!(h.outcome, Outcome::Answered { .. }))
        .collect();
    let mut text: String = answered.iter().map(|h| h.describe(0)).collect();
    if let Some(error) = error {
        // The commands answered before the failure are told, though no report is published.
        for line in text.lines() {
            tracing::warn!("{line}");
        }
        return Err(error.into());
    }
    if answered.is_empty() {
        text.push_str("no unanswered commands\n");
    }
    let mut report = Report::text(text);
    report.output("processed", answered.len().to_string())?;
    let accepted = answered.iter().filter(|h| h.accepted()).count();
    report.output("accepted", accepted.to_string())?;
    Ok(report)
}
