//! `shipgate-promote`: act on commands commented on the deployment issue — carefully.
#![allow(clippy::print_stdout)]
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use jiff::Timestamp;
use shipgate::ci::{CiEnv, Outputs};
use shipgate::cli::{
    CommonArgs, Exit, Failure, ForgeArgs, OutputArgs, TokenNeeds, load_config, release_risk,
    set_output,
};
use shipgate::config::Config;
use shipgate::deploy_issue::parse_version;
use shipgate::forge::{AnyForge, CiJob};
use shipgate::promote::{
    self, Check, EventResult, Handled, JobCheck, Outcome, Policy, PromoteError, Verdict,
};
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
    let parsed = Cli::parse();
    let cli = &parsed;
    shipgate::cli::run_main(&cli.common, |ci| async move { run(cli, &ci).await })
}

async fn run(cli: &Cli, ci: &CiEnv) -> Result<Exit, Failure> {
    let config = load_config(&cli.repo, cli.common.config.as_deref())?;
    let root = shipgate::git::Repo::discover(&cli.repo)
        .map(|r| r.root().to_path_buf())
        .unwrap_or_else(|_| cli.repo.clone());
    let connected = cli.forge.connect(
        ci,
        &config,
        &cli.repo,
        TokenNeeds {
            github: "issues: write, deployments: read, contents: read and actions: write",
            gitlab: "Developer to create pipelines",
        },
    )?;
    let forge = &connected.forge;
    let calendar = calendar(&config, &root, forge).await?;
    let seal = shipgate::cli::seal_from_env();
    let policy = Policy {
        promote: &config.promote,
        environments: &config.environments,
        tag_prefix: &config.version.tag_prefix,
        calendar: &calendar,
        now: cli.at.unwrap_or_else(Timestamp::now),
        seal: &seal,
    };
    let mut outputs = Outputs::new();
    let (exit, text) = match &cli.command {
        None => on_event(cli, ci, forge, policy, &mut outputs).await?,
        Some(Command::Poll) => poll(forge, policy, &mut outputs).await?,
        Some(Command::Check {
            environment,
            tag,
            risk,
            schema_report,
            commit,
            expect_commit,
        }) => {
            let job = CheckArgs {
                environment,
                tag: tag.as_deref(),
                risk: *risk,
                schema_report: schema_report.as_deref(),
                commit: commit.clone(),
                expect_commit: expect_commit.clone().filter(|c| !c.is_empty()),
            };
            check(cli, ci, &config, forge, policy, job, &mut outputs).await?
        }
    };
    shipgate::cli::publish(ci, &cli.output, &outputs, &text).map_err(Failure::external)?;
    Ok(exit)
}

/// The windows, with GitLab's deploy freeze periods when on GitLab.
async fn calendar(
    config: &Config,
    root: &std::path::Path,
    forge: &AnyForge,
) -> Result<Calendar, Failure> {
    let calendar = Calendar::load(&config.windows, root)?;
    Ok(calendar.with_forge_freeze_periods(forge).await?)
}

fn promote_failure(error: PromoteError) -> Failure {
    Failure::from(error)
}

async fn on_event(
    cli: &Cli,
    ci: &CiEnv,
    forge: &AnyForge,
    policy: Policy<'_>,
    outputs: &mut Outputs,
) -> Result<(Exit, String), Failure> {
    let path = cli
        .event
        .clone()
        .or_else(|| ci.github_event_path.clone())
        .ok_or_else(|| {
            Failure::usage(anyhow::anyhow!(
                "no event: run in a workflow triggered `on: issue_comment` (GITHUB_EVENT_PATH), \
                 pass --event FILE, or use `shipgate-promote poll` on GitLab"
            ))
        })?;
    let event = promote::read_event(&path).map_err(promote_failure)?;
    set_output(outputs, "approved", "false")?;
    set_output(outputs, "issue", event.issue_number.to_string())?;
    match promote::on_event(forge, policy, &event)
        .await
        .map_err(promote_failure)?
    {
        EventResult::Ignored(why) => {
            tracing::info!("comment {} ignored: {why}", event.comment.id);
            Ok((Exit::Done, format!("ignored: {why}\n")))
        }
        EventResult::Handled(handled) => {
            if let Some(command) = &handled.command {
                set_output(outputs, "command", command.word())?;
            }
            if let Outcome::Answered {
                target: Some(target),
                started,
                ..
            } = &handled.outcome
            {
                // With a dispatched workflow, no following job may deploy as well.
                set_output(outputs, "approved", (!started).to_string())?;
                set_output(outputs, "environment", target.environment.clone())?;
                set_output(outputs, "tag", target.tag.clone())?;
                set_output(outputs, "version", target.version.to_string())?;
            }
            let exit = match &handled.outcome {
                Outcome::Answered {
                    verdict: Verdict::Refused | Verdict::Failed,
                    ..
                } => Exit::Denied,
                _ => Exit::Done,
            };
            Ok((exit, describe(&handled, event.issue_number)))
        }
    }
}

async fn poll(
    forge: &AnyForge,
    policy: Policy<'_>,
    outputs: &mut Outputs,
) -> Result<(Exit, String), Failure> {
    let (handled, error) = match promote::poll(forge, policy).await {
        Ok(handled) => (handled, None),
        Err((handled, error)) => (handled, Some(error)),
    };
    let answered: Vec<&Handled> = handled
        .iter()
        .filter(|h| matches!(h.outcome, Outcome::Answered { .. }))
        .collect();
    let accepted = answered.iter().filter(|h| h.accepted()).count();
    set_output(outputs, "processed", answered.len().to_string())?;
    set_output(outputs, "accepted", accepted.to_string())?;
    let mut text: String = answered.iter().map(|h| describe(h, 0)).collect();
    if answered.is_empty() {
        text.push_str("no unanswered commands\n");
    }
    match error {
        Some(error) => {
            print!("{text}");
            Err(promote_failure(error))
        }
        None => Ok((Exit::Done, text)),
    }
}

/// What `check` was asked.
struct CheckArgs<'a> {
    environment: &'a str,
    tag: Option<&'a str>,
    risk: Option<RiskArg>,
    schema_report: Option<&'a std::path::Path>,
    commit: Option<String>,
    expect_commit: Option<String>,
}

async fn check(
    cli: &Cli,
    ci: &CiEnv,
    config: &Config,
    forge: &AnyForge,
    policy: Policy<'_>,
    args: CheckArgs<'_>,
    outputs: &mut Outputs,
) -> Result<(Exit, String), Failure> {
    let environment = args.environment;
    if !config.environments.iter().any(|e| e == environment) {
        return Err(Failure::usage(anyhow::anyhow!(
            "--env {environment} is not one of the configured environments ({}); check `environments` in shipgate.yml",
            config.environments.join(", ")
        )));
    }
    let prefix = &config.version.tag_prefix;
    let tag = args
        .tag
        .map(str::to_owned)
        .or_else(|| ci.tag.clone())
        .ok_or_else(|| {
            Failure::usage(anyhow::anyhow!(
                "no --tag given and the pipeline is not a tag pipeline; pass --tag {prefix}X.Y.Z"
            ))
        })?;
    let version =
        parse_version(tag.strip_prefix(prefix.as_str()).unwrap_or(&tag)).map_err(Failure::usage)?;
    let risk = match args.risk {
        Some(RiskArg::Low) => Risk::Low,
        Some(RiskArg::High) => Risk::High,
        None => {
            let choice = release_risk(&cli.repo, prefix, Some(&version), args.schema_report)?;
            tracing::info!("risk {} ({})", choice.risk, choice.why);
            choice.risk
        }
    };
    let job = JobCheck {
        environment: environment.to_owned(),
        version,
        risk,
        job: CiJob {
            run: ci.run_id.clone(),
            job: ci.job_id.clone(),
        },
        commit: args.commit.or_else(|| ci.commit.clone()).or_else(|| {
            shipgate::git::Repo::discover(&cli.repo)
                .and_then(|repo| repo.head())
                .map(|oid| oid.to_string())
                .ok()
        }),
        expected_commit: args.expect_commit,
    };
    let checks = promote::check_job(forge, policy, &job)
        .await
        .map_err(promote_failure)?;
    let allowed = checks.iter().all(|c| c.passed);
    let reason = failed_reasons(&checks);
    set_output(outputs, "allowed", allowed.to_string())?;
    set_output(outputs, "reason", reason.clone())?;
    if allowed {
        Ok((
            Exit::Done,
            format!("allowed: {tag} to {environment} (risk {risk})\n"),
        ))
    } else {
        if let Some(path) = &ci.github_step_summary {
            let markdown =
                format!("### Deployment of `{tag}` to {environment} stopped\n\n{reason}\n");
            shipgate::ci::append_step_summary(path, &markdown).map_err(Failure::external)?;
        }
        Ok((
            Exit::Denied,
            format!("denied: {tag} to {environment}: {reason}\n"),
        ))
    }
}

fn failed_reasons(checks: &[Check]) -> String {
    checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| format!("{}: {}", c.gate, c.detail))
        .collect::<Vec<_>>()
        .join("; ")
}

fn describe(handled: &Handled, issue: u64) -> String {
    let command = handled
        .command
        .as_ref()
        .map_or_else(|| "an invalid command".to_owned(), |c| format!("`{c}`"));
    let on = if issue == 0 {
        String::new()
    } else {
        format!(" on #{issue}")
    };
    match &handled.outcome {
        Outcome::NotACommand => format!("comment {}{on}: not a command\n", handled.comment_id),
        Outcome::InHand => format!(
            "comment {}{on}: another run is answering it\n",
            handled.comment_id
        ),
        Outcome::AlreadyAnswered(verdict) => format!(
            "comment {}{on}: {command} was already answered ({verdict})\n",
            handled.comment_id
        ),
        Outcome::Answered {
            verdict,
            target,
            started,
        } => {
            let mut line = format!("comment {}{on}: {command} {verdict}", handled.comment_id);
            if let Some(target) = target {
                line.push_str(&format!(": {} to {}", target.tag, target.environment));
                if *started {
                    line.push_str(" (pipeline started)");
                }
            }
            line.push('\n');
            line
        }
    }
}
