//! `shipgate-promote`: act on commands commented on the deployment issue — carefully.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use jiff::Timestamp;
use shipgate::cli::{CommonArgs, ForgeArgs, OutputArgs};
use shipgate::window::Risk;

mod run;

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
    "Outputs: approved, command, environment, tag, version, issue (event); processed, accepted (poll); allowed, reason, images, image (check: the images the deployment issue sealed) — to $GITHUB_OUTPUT and --dotenv FILE.\n\n",
    "Tokens: GitHub: issues: write, deployments: read, contents: read, checks: read, statuses: read, actions: write to dispatch (teams: organization members read). GitLab: api scope, Developer to create pipelines (Reporter suffices to read freeze periods).\n\n",
    "Exit codes: 0 done, allowed, or nothing to do; 1 the command was refused, or check denies; 2 usage or configuration error; 3 forge failure after retries. poll exits 0 when every command was answered, refused ones included."
);

fn main() -> ExitCode {
    shipgate::cli::main::<Cli>()
}
