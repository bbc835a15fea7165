//! `shipgate-notify`: tell people a deployment starts, runs late, ends, fails or is rolled back.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::{PossibleValuesParser, TypedValueParser as _};
use clap::{Args, Parser, Subcommand};
use shipgate::cli::{CommonArgs, ForgeArgs, OutputArgs};
use shipgate::config::Span;
use shipgate::config::notify::Language;
use shipgate::deploy_issue::Image;
use shipgate::notify::{self};

mod run;

/// Tell people about a deployment — before it starts (tickets, components, restarts, estimate),
/// when it runs late, and when it ends or fails (with where to report problems) — on Slack,
/// generic webhooks (Teams, Mattermost, Discord), e-mail and the deployment issue.
#[derive(Debug, Parser)]
#[command(name = "shipgate-notify", version, about, long_about, after_long_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// A path inside the repository
    #[arg(long, value_name = "PATH", default_value = ".", global = true)]
    repo: PathBuf,

    #[command(flatten)]
    forge: ForgeArgs,

    #[command(flatten)]
    output: OutputArgs,

    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The deployment is about to start
    Start(EventArgs),
    /// The deployment runs past its estimate
    Delay(EventArgs),
    /// The deployment ended well
    End(EventArgs),
    /// The deployment failed
    Failure(EventArgs),
    /// The deployment was rolled back
    Rollback(EventArgs),
    /// The environment went into maintenance mode for the deployment
    Maintenance(EventArgs),
    /// The environment came out of maintenance mode
    MaintenanceEnd(EventArgs),
    /// Run the deploy command: `start` first, `delay` once past --estimate, then `end` or
    /// `failure` with the duration; exit with the command's exit code
    Watch {
        #[command(flatten)]
        event: EventArgs,
        /// The deploy command and its arguments, after `--`
        #[arg(last = true, required = true, value_name = "CMD")]
        command: Vec<String>,
    },
    /// Write the deployment report (date, version, strategy, duration, downtime, result, checks,
    /// issues met) to the job summary and as a comment on the deployment issue
    Report(ReportArgs),
}

#[derive(Debug, Clone, Args)]
struct ReleaseArgs {
    /// The release [default: the release tag of the pipeline, or on HEAD]
    #[arg(long)]
    version: Option<String>,
    /// The environment deployed to
    #[arg(long = "env", value_name = "NAME", env = "SHIPGATE_ENVIRONMENT")]
    environment: String,
}

#[derive(Debug, Clone, Args)]
struct ReportArgs {
    #[command(flatten)]
    release: ReleaseArgs,
    /// How it ended
    #[arg(long, default_value = "success", action = clap::ArgAction::Set,
        value_parser = PossibleValuesParser::new(["success", "failure"]).map(|r| r == "success"))]
    result: bool,
    /// It was rolled back
    #[arg(long)]
    rolled_back: bool,
    /// How it was deployed (rolling, blue-green, recreate, …)
    #[arg(long, value_name = "NAME")]
    strategy: Option<String>,
    /// How long it took: 90s, 12m30s, 1h
    #[arg(long, value_name = "DURATION")]
    duration: Option<Span>,
    /// How long the service was down
    #[arg(long, value_name = "DURATION")]
    downtime: Option<Span>,
    /// A check and its verdict, NAME=pass or NAME=fail (repeatable)
    #[arg(long, value_name = "NAME=pass|fail")]
    check: Vec<notify::Check>,
    /// A problem met on the way (repeatable)
    #[arg(long, value_name = "TEXT")]
    problem: Vec<String>,
    /// The report's language [default: notify.language]
    #[arg(long, value_parser = PossibleValuesParser::new(["en", "es"])
        .map(|l| if l == "es" { Language::Es } else { Language::En }))]
    language: Option<Language>,
    /// Do not comment on the deployment issue
    #[arg(long)]
    no_issue: bool,
}

#[derive(Debug, Clone, Args)]
struct EventArgs {
    #[command(flatten)]
    release: ReleaseArgs,
    /// The estimated duration: 90s, 15m, 1h30m (units ms, s, m, h)
    #[arg(long, value_name = "DURATION")]
    estimate: Option<Span>,
    /// How long it took, for end, failure and rollback
    #[arg(long, value_name = "DURATION")]
    duration: Option<Span>,
    /// Send only to this channel of notify.channels (repeatable) [default: every channel that
    /// hears about the event]
    #[arg(long, value_name = "NAME")]
    channel: Vec<String>,
    /// A component deployed, NAME=VERSION or NAME=IMAGE (repeatable; adds to notify.components)
    #[arg(long, value_name = "NAME=REF")]
    image: Vec<Image>,
    /// Something that must be restarted (repeatable; replaces notify.restarts)
    #[arg(long, value_name = "WHAT")]
    restart: Vec<String>,
    /// The deployment issue's address [default: found on the forge when an issue channel is used]
    #[arg(long, value_name = "URL")]
    issue_url: Option<String>,
}

const AFTER_HELP: &str = concat!(
    "Channels come from notify.channels in shipgate.yml; each hears about the events it lists. Webhook URLs and SMTP passwords are read from the environment variables the config names (webhook_env, password_env) and never printed: results name channels only.\n\n",
    "Messages come from templates: built-in ones in English (en) and Spanish (es), replaced file by file by notify.templates/LANG/EVENT.txt (first line: the title) and LANG/EVENT.md. Tickets are collected from the release's commits: Refs:/Closes:/Fixes: footers, #123 and notify.ticket_pattern.\n\n",
    "A channel that fails is retried (notify.retries, notify.backoff doubling); the others are sent either way. Issue comments carry a hidden marker and are written once per event, environment and CI run.\n\n",
    "watch: `shipgate-notify watch --env production --estimate 15m -- ./deploy.sh prod` runs the command with this job's stdin, stdout and stderr (stdout goes to stderr with --format json).\n\n",
    "report: the deployment report (LANG/report.md) goes to $GITHUB_STEP_SUMMARY and, once per version, environment and CI run, as a comment on the deployment issue (skipped with a warning when there is none); its output is report-issue.\n\n",
    "Outputs: sent, failed (channel names, comma-separated) — to $GITHUB_OUTPUT and --dotenv FILE.\n\n",
    "Exit codes: 0 done (a channel that is not required may have failed: see the output); 2 usage or configuration error, or a required channel whose secret variable is not set or has no deployment issue; 3 a required channel failed after retries. watch exits with the command's exit code, or with 2 or 3 as above when the command succeeded."
);

fn main() -> ExitCode {
    shipgate::cli::main::<Cli>()
}
