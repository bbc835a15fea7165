//! `shipgate-schema`: classify a release's migrations and decide whether the schema or the code goes first.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use shipgate::cli::CommonArgs;

mod run;

/// Classify the release's database migrations — additive (old code keeps working), destructive
/// (old code breaks), neutral or unknown — and decide the order: schema-first (migrate, then deploy),
/// code-first (deploy, then migrate), or blocked (split the release).
#[derive(Debug, Parser)]
#[command(name = "shipgate-schema", version, about, long_about, after_long_help = AFTER_HELP)]
struct Cli {
    /// Migration files or directories to check; default: the migrations added since the previous release
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// A path inside the repository
    #[arg(long, value_name = "PATH", default_value = ".")]
    repo: PathBuf,

    /// Start of the release [default: the previous release tag, as shipgate-version finds it]
    #[arg(long, value_name = "REF")]
    base: Option<String>,

    /// End of the release
    #[arg(long, value_name = "REF", default_value = "HEAD")]
    head: String,

    /// SQL dialect [default: schema.dialect, else postgres]
    #[arg(long, value_enum)]
    dialect: Option<DialectArg>,

    /// Report format on stdout (or in --output)
    #[arg(long, value_enum, default_value_t = SchemaFormat::Text)]
    format: SchemaFormat,

    /// Write the report to this file instead of stdout
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Also write the outputs to this dotenv file (GitLab artifacts:reports:dotenv; SHIPGATE_* keys)
    #[arg(long, value_name = "FILE")]
    dotenv: Option<PathBuf>,

    #[command(flatten)]
    common: CommonArgs,
}

const AFTER_HELP: &str = concat!(
    "Orders: none (no migration); schema-first (every change additive or neutral, or the destructive ones in schema.post_deploy_paths: apply the pre-deploy set, deploy, apply the post-deploy set); code-first (only destructive changes: deploy, then migrate); blocked (additive and destructive mixed, or something unknown: expand in this release, contract in the next).\n\n",
    "Rules: SG1xx compatibility, SG2xx locking and rewrite risk, SG3xx hygiene. Suppress one with `-- shipgate:ignore SG102 reason` (`#` in Ruby and Python) on or just above the statement, or `shipgate:ignore-file` for a whole file.\n\n",
    "Outputs: order, pre-deploy, post-deploy, destructive, additive — to $GITHUB_OUTPUT in GitHub Actions and to --dotenv FILE for GitLab.\n\n",
    "Exit codes: 0 the release may go (schema-first, code-first or none); 1 blocked, or an error finding (edited or unreadable migration, unparsable statement); 2 usage or configuration error; 3 git failure."
);

#[derive(Debug, Clone, Copy, ValueEnum)]
enum DialectArg {
    Postgres,
    Mysql,
    Sqlite,
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SchemaFormat {
    /// For people (colour on a terminal unless NO_COLOR).
    Text,
    /// One JSON object (schemas/schema-report.schema.json).
    Json,
    /// GitHub annotations; the full report goes to the step summary.
    Github,
    /// GitLab Code Quality report.
    Gitlab,
    /// SARIF 2.1.0.
    Sarif,
}

fn main() -> ExitCode {
    shipgate::cli::main::<Cli>()
}
