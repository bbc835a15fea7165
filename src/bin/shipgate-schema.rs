//! `shipgate-schema`: classify a release's migrations and decide whether the schema or the code goes first.
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, ValueEnum};
use shipgate::ci::{CiEnv, Outputs};
use shipgate::cli::{CommonArgs, Exit, Failure, init_logging, load_config};
use shipgate::config::schema::Dialect;
use shipgate::schema::model::{Order, Report, Severity};
use shipgate::schema::{SchemaRequest, report};

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
    let cli = Cli::parse();
    let var = |key: &str| std::env::var(key).ok();
    let no_color = var("NO_COLOR").is_some();
    init_logging(&cli.common, var("SHIPGATE_LOG"), no_color);
    let ci = CiEnv::from_env();
    match check(&cli, &ci, no_color) {
        Ok(exit) => exit.into(),
        Err(failure) => failure.report(),
    }
}

fn check(cli: &Cli, ci: &CiEnv, no_color: bool) -> Result<Exit, Failure> {
    let config = load_config(&cli.repo, cli.common.config.as_deref())?;
    let mut schema = config.schema;
    if let Some(dialect) = cli.dialect {
        schema.dialect = match dialect {
            DialectArg::Postgres => Dialect::Postgres,
            DialectArg::Mysql => Dialect::Mysql,
            DialectArg::Sqlite => Dialect::Sqlite,
        };
    }
    let request = SchemaRequest {
        repo: cli.repo.clone(),
        paths: cli.paths.clone(),
        base: cli.base.clone(),
        head: Some(cli.head.clone()),
        config: schema,
        tag_prefix: config.version.tag_prefix,
    };
    let report = shipgate::schema::run(&request).map_err(|e| match e {
        shipgate::schema::SchemaError::Git(ref git) if git.is_external() => Failure::external(e),
        _ => Failure::usage(e),
    })?;
    publish(cli, ci, &report, no_color).map_err(Failure::external)?;
    let error_found = report
        .migrations
        .iter()
        .flat_map(|m| &m.findings)
        .any(|f| f.severity == Severity::Error);
    Ok(if report.order == Order::Blocked || error_found {
        Exit::Denied
    } else {
        Exit::Done
    })
}

fn publish(cli: &Cli, ci: &CiEnv, report: &Report, no_color: bool) -> anyhow::Result<()> {
    let mut outputs = Outputs::new();
    for (key, value) in report::outputs(report) {
        outputs.set(key, value)?;
    }
    if let Some(path) = &ci.github_output {
        shipgate::ci::write_github_output(path, &outputs)?;
    }
    if let Some(path) = &cli.dotenv {
        shipgate::ci::write_dotenv(path, &outputs)?;
    }
    if let Some(path) = &ci.github_step_summary {
        shipgate::ci::append_step_summary(path, &report::github::step_summary(report))?;
    }
    let color = cli.output.is_none() && !no_color && std::io::stdout().is_terminal();
    let rendered = match cli.format {
        SchemaFormat::Text => report::text::render(report, color),
        SchemaFormat::Json => report::json::render(report),
        SchemaFormat::Github => report::github::annotations(report),
        SchemaFormat::Gitlab => report::gitlab::render(report),
        SchemaFormat::Sarif => report::sarif::render(report, env!("CARGO_PKG_VERSION")),
    };
    match &cli.output {
        Some(path) => std::fs::write(path, rendered)
            .with_context(|| format!("{}: cannot write the report", path.display()))?,
        None => {
            use std::io::Write as _;
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(rendered.as_bytes())?;
            if !rendered.ends_with('\n') {
                stdout.write_all(b"\n")?;
            }
        }
    }
    Ok(())
}
