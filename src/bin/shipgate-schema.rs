//! `shipgate-schema`: classify a release's migrations and decide whether the schema or the code goes first.
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use shipgate::cli::{Binary, CommonArgs, Context, Edge, Failure, Format, Report};
use shipgate::config::schema::Dialect;
use shipgate::schema::model::{Order, Severity};
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
    shipgate::cli::main::<Cli>()
}

impl Binary for Cli {
    fn edge(&self) -> Edge<'_> {
        Edge {
            common: &self.common,
            repo: &self.repo,
            // The JSON report is richer than the outputs; every other format is text.
            format: match self.format {
                SchemaFormat::Json => Format::Json,
                _ => Format::Text,
            },
            dotenv: self.dotenv.as_deref(),
            output: self.output.as_deref(),
            forge: None,
        }
    }

    async fn run(self, cx: &Context) -> Result<Report, Failure> {
        let mut schema = cx.config.schema.clone();
        if let Some(dialect) = self.dialect {
            schema.dialect = match dialect {
                DialectArg::Postgres => Dialect::Postgres,
                DialectArg::Mysql => Dialect::Mysql,
                DialectArg::Sqlite => Dialect::Sqlite,
            };
        }
        let request = SchemaRequest {
            repo: self.repo,
            paths: self.paths,
            base: self.base,
            head: Some(self.head),
            config: schema,
            tag_prefix: cx.config.version.tag_prefix.clone(),
        };
        let found = shipgate::schema::run(&request)?;
        let color = self.output.is_none()
            && std::env::var_os("NO_COLOR").is_none()
            && std::io::stdout().is_terminal();
        let mut out = Report::text(match self.format {
            SchemaFormat::Text => report::text::render(&found, color),
            SchemaFormat::Json => String::new(),
            SchemaFormat::Github => report::github::annotations(&found),
            SchemaFormat::Gitlab => report::gitlab::render(&found),
            SchemaFormat::Sarif => report::sarif::render(&found, env!("CARGO_PKG_VERSION")),
        });
        out.json = Some(report::json::render(&found));
        for (key, value) in report::outputs(&found) {
            out.output(key, value)?;
        }
        out.summary = Some(report::github::step_summary(&found));
        let error_found = found
            .migrations
            .iter()
            .flat_map(|m| &m.findings)
            .any(|f| f.severity == Severity::Error);
        Ok(out.denied_if(found.order == Order::Blocked || error_found))
    }
}
