//! `shipgate-issue`: open, record in and close the deployment issue that tracks one release.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use shipgate::cli::{CommonArgs, ForgeArgs, OutputArgs};
use shipgate::deploy_issue::Image;

mod run;

/// Keep one deployment issue per release ("Deploy vX.Y.Z") up to date: what is deployed, the
/// schema order, the runbook checklist, each environment's status, and who did what when.
#[derive(Debug, Parser)]
#[command(name = "shipgate-issue", version, about, long_about, after_long_help = AFTER_HELP)]
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
    /// Find the release's open deployment issue (or create it) and bring it up to date
    Open {
        /// The release [default: the release tag of the pipeline, or on HEAD]
        #[arg(long)]
        version: Option<String>,
        /// The release tag [default: version.tag_prefix + version]
        #[arg(long)]
        tag: Option<String>,
        /// An image deployed, NAME=REF (repeatable)
        #[arg(long, value_name = "NAME=REF")]
        image: Vec<Image>,
        /// Release notes (Markdown) [default: the notes in the tag's message]
        #[arg(long, value_name = "FILE")]
        notes: Option<PathBuf>,
        /// A `shipgate-schema --format json` report, for the schema section
        #[arg(long, value_name = "FILE")]
        schema_report: Option<PathBuf>,
        /// A label for a new issue (repeatable) [default: issue.labels]
        #[arg(long)]
        label: Vec<String>,
        /// An assignee for a new issue (repeatable)
        #[arg(long)]
        assignee: Vec<String>,
    },
    /// Record an environment's deployment state in the issue and on the forge
    Record {
        /// The environment (one of `environments`)
        #[arg(long = "env", value_name = "NAME")]
        environment: String,
        /// The state
        #[arg(long, value_enum)]
        status: StatusArg,
        /// The release [default: the release tag of the pipeline, or on HEAD]
        #[arg(long)]
        version: Option<String>,
        /// A link to the logs or the environment [default: the CI run]
        #[arg(long)]
        url: Option<String>,
        /// What the deployment left live, shown beside the status, e.g. "green live"
        #[arg(long, value_name = "TEXT")]
        detail: Option<String>,
    },
    /// Add a final history entry and close the issue
    Close {
        /// The release [default: the release tag of the pipeline, or on HEAD]
        #[arg(long)]
        version: Option<String>,
        /// Why
        #[arg(long, value_enum, default_value_t = ReasonArg::Completed)]
        reason: ReasonArg,
    },
}

const AFTER_HELP: &str = concat!(
    "The issue is found again by a hidden marker, <!-- shipgate:release vX.Y.Z -->, among open issues opened by shipgate's own login (forge.login, else the token's user, else github-actions[bot]). Re-running updates it and keeps ticked checkboxes and history.\n\n",
    "The release is also sealed in a comment of shipgate's, written once: promotions read it from there, since anyone who may edit issues may edit the body. SHIPGATE_SIGNING_KEY (environment only) seals it with HMAC-SHA256, as shipgate-promote seals its answers; without it the comment must never be edited.\n\n",
    "Forges: github (GITHUB_TOKEN with issues: write and deployments: write), gitlab (GITLAB_TOKEN with the api scope: Reporter to open issues, Developer to record deployments), local (a directory, forge.local_dir, to try the flow with no server).\n\n",
    "Outputs: issue-number, issue-url (and deployment-id for record) — to $GITHUB_OUTPUT and --dotenv FILE.\n\n",
    "Exit codes: 0 done; 2 usage or configuration error (no issue to record in, bad version); 3 forge failure after retries."
);

#[derive(Debug, Clone, Copy, ValueEnum)]
enum StatusArg {
    Queued,
    InProgress,
    Success,
    Failure,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ReasonArg {
    Completed,
    RolledBack,
    Abandoned,
}

fn main() -> ExitCode {
    shipgate::cli::main::<Cli>()
}
