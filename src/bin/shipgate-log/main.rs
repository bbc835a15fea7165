//! `shipgate-log`: the deployment log, one CSV row per deployment on its own branch.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use shipgate::cli::CommonArgs;
use shipgate::config::Span;
use shipgate::deploy_issue::Image;

mod run;

/// Record every deployment in a log that can be shared with the customer: one CSV row per
/// deployment (date, project, environment, version, previous version, components, tickets, who,
/// duration, result, rolled back) in a file per project, committed on its own branch.
#[derive(Debug, Parser)]
#[command(name = "shipgate-log", version, about, long_about, after_long_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// A path inside the repository
    #[arg(long, value_name = "PATH", default_value = ".", global = true)]
    repo: PathBuf,

    /// Result format on stdout (logs always go to stderr)
    #[arg(long, value_enum, default_value_t = LogFormat::Text, global = true)]
    format: LogFormat,

    /// Also write the outputs to this dotenv file (GitLab artifacts:reports:dotenv)
    #[arg(long, value_name = "FILE", global = true)]
    dotenv: Option<PathBuf>,

    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    /// For people: what was appended (show: the CSV itself).
    Text,
    /// One JSON object, shape in schemas/log-output.schema.json.
    Json,
    /// The whole log as a Markdown table.
    Markdown,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Append one deployment to the log and push the log branch
    Append(AppendArgs),
    /// Print the log as the remote branch has it
    Show,
}

#[derive(Debug, Args)]
struct AppendArgs {
    /// The environment deployed to
    #[arg(long = "env", value_name = "NAME", env = "SHIPGATE_ENVIRONMENT")]
    environment: String,
    /// The release [default: the release tag of the pipeline, or on HEAD]
    #[arg(long)]
    version: Option<String>,
    /// How it ended
    #[arg(long, value_enum, default_value_t = ResultArg::Success)]
    result: ResultArg,
    /// It was rolled back
    #[arg(long)]
    rolled_back: bool,
    /// How long it took: 90s, 12m30s, 1h (units s, m, h)
    #[arg(long, value_name = "DURATION")]
    duration: Option<Span>,
    /// A component deployed, NAME=VERSION (repeatable; adds to notify.components)
    #[arg(long, value_name = "NAME=REF")]
    image: Vec<Image>,
    /// Who deployed [default: the CI's user, else $USER]
    #[arg(long, value_name = "NAME")]
    who: Option<String>,
    /// The CI run deploying, kept in the row so a re-run finds it and does not add a second
    /// [default: GITHUB_RUN_ID, or CI_PIPELINE_ID on GitLab]
    #[arg(long, value_name = "ID")]
    run: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ResultArg {
    Success,
    Failure,
}

const AFTER_HELP: &str = concat!(
    "The log is log.path (default deployments/{project}.csv, the project's name lower-cased with dashes) on branch log.branch (default shipgate-log) of log.remote (default origin). The work tree, HEAD and the index are not touched: each attempt fetches the branch, appends the row and pushes; the remote accepts the push only if no other job moved the branch meanwhile, and when one did, the row is appended again on the new tip after a short random wait, for up to 60 s. Earlier rows are never rewritten, and a log that is not valid CSV with our header is reported and left as it is.\n\n",
    "Exit 0 means the row is on the remote branch exactly once; a re-run of the same CI run (same run, project, environment, version and result) finds its row and adds none. Any failure means nothing was written: run again.\n\n",
    "Cells starting with =, +, -, @ (or ') are written with a leading ' so spreadsheets show them as text; reading the log strips it.\n\n",
    "Pushing over HTTPS uses GITHUB_TOKEN (GitHub: contents: write) or GITLAB_TOKEN (GitLab: write_repository), sent only to the forge's host. A remote on a local path is pushed with the git executable.\n\n",
    "Outputs: log-path, log-commit — to $GITHUB_OUTPUT and --dotenv FILE.\n\n",
    "Exit codes: 0 done (or already logged); 2 usage or configuration error, or a malformed log on the branch (fix it there); 3 git failure (fetch, push) or still racing other jobs after 60 s."
);

fn main() -> ExitCode {
    shipgate::cli::main::<Cli>()
}
