//! `shipgate-log`: the deployment log, one CSV row per deployment on its own branch.
#![allow(clippy::print_stdout)]
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use secrecy::SecretString;
use shipgate::ci::{CiEnv, Outputs, Platform};
use shipgate::cli::{
    CommonArgs, Exit, Failure, init_logging, load_config, project_name, resolve_version, set_output,
};
use shipgate::config::Span;
use shipgate::deploy_issue::Image;
use shipgate::deploy_log::{self, AppendRequest, LogError, Row};
use shipgate::git::{Identity, PushAuth};

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
    Append {
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
    },
    /// Print the log as the remote branch has it
    Show,
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

/// How long an append keeps trying while other jobs push to the log branch first.
const PATIENCE: std::time::Duration = std::time::Duration::from_secs(60);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let var = |key: &str| std::env::var(key).ok();
    init_logging(&cli.common, var("SHIPGATE_LOG"), var("NO_COLOR").is_some());
    let ci = CiEnv::from_env();
    match run(&cli, &ci) {
        Ok(()) => Exit::Done.into(),
        Err(failure) => failure.report(),
    }
}

fn log_failure(error: LogError) -> Failure {
    Failure::from(error)
}

fn run(cli: &Cli, ci: &CiEnv) -> Result<(), Failure> {
    let config = load_config(&cli.repo, cli.common.config.as_deref())?;
    let root = shipgate::git::Repo::discover(&cli.repo)
        .map_err(Failure::usage)?
        .root()
        .to_path_buf();
    let project = project_name(&[&config.log.project, &config.notify.project], ci, &root);
    let path = PathBuf::from(config.log.path.replace("{project}", &slug(&project)));
    let log = &config.log;
    let auth = push_auth(ci);
    match &cli.command {
        Command::Show => {
            let rows = deploy_log::read(&cli.repo, &log.remote, &log.branch, &path, &auth)
                .map_err(log_failure)?;
            match cli.format {
                LogFormat::Text => {
                    print!("{}", String::from_utf8_lossy(&deploy_log::to_csv(&rows)))
                }
                LogFormat::Markdown => print!("{}", deploy_log::markdown_table(&rows)),
                LogFormat::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "branch": log.branch,
                        "path": path.display().to_string(),
                        "rows": rows,
                    }))
                    .map_err(Failure::external)?
                ),
            }
            Ok(())
        }
        Command::Append {
            environment,
            version,
            result,
            rolled_back,
            duration,
            image,
            who,
            run,
        } => {
            let prefix = &config.version.tag_prefix;
            let version = resolve_version(version.as_deref(), "--version", ci, &cli.repo, prefix)?;
            let (previous, messages) = shipgate::notify::release_history(
                &cli.repo, &version, prefix,
            )
            .unwrap_or_else(|e| {
                tracing::warn!("no tickets or previous version from git: {e}");
                (None, Vec::new())
            });
            let pattern =
                regex::Regex::new(&config.notify.ticket_pattern).map_err(Failure::usage)?;
            let tickets = shipgate::notify::collect_tickets(&messages, &pattern, "");
            let mut components: Vec<(String, String)> = config
                .notify
                .components
                .iter()
                .map(|(n, v)| (n.clone(), v.clone()))
                .collect();
            for i in image {
                components.retain(|(n, _)| n != &i.name);
                components.push((i.name.clone(), i.reference.clone()));
            }
            let row = Row {
                date: jiff::Timestamp::now()
                    .strftime("%Y-%m-%dT%H:%M:%SZ")
                    .to_string(),
                project: project.clone(),
                environment: environment.clone(),
                version: version.to_string(),
                previous_version: previous.map(|v| v.to_string()).unwrap_or_default(),
                components: components
                    .iter()
                    .map(|(n, v)| format!("{n}={v}"))
                    .collect::<Vec<_>>()
                    .join("; "),
                tickets: tickets
                    .iter()
                    .map(|t| t.key.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                who: who
                    .clone()
                    .or_else(|| ci.actor.clone())
                    .or_else(|| std::env::var("USER").ok())
                    .unwrap_or_else(|| "shipgate".to_owned()),
                duration: duration.map(|d| d.to_string()).unwrap_or_default(),
                result: match result {
                    ResultArg::Success => "success",
                    ResultArg::Failure => "failure",
                }
                .to_owned(),
                rolled_back: if *rolled_back { "yes" } else { "no" }.to_owned(),
                run: run
                    .clone()
                    .or_else(|| ci.run_id.clone())
                    .unwrap_or_default(),
            };
            let request = AppendRequest {
                repo: &cli.repo,
                remote: log.remote.clone(),
                branch: log.branch.clone(),
                path: path.clone(),
                row,
                auth,
                identity: Identity::from_git_vars(|k| std::env::var(k).ok()),
                patience: PATIENCE,
            };
            let appended = deploy_log::append(&request).map_err(log_failure)?;
            let mut outputs = Outputs::new();
            set_output(&mut outputs, "log-path", path.display().to_string())?;
            set_output(&mut outputs, "log-commit", appended.commit.clone())?;
            if let Some(file) = &ci.github_output {
                shipgate::ci::write_github_output(file, &outputs).map_err(Failure::external)?;
            }
            if let Some(file) = &cli.dotenv {
                shipgate::ci::write_dotenv(file, &outputs).map_err(Failure::external)?;
            }
            let row = request.row;
            let short = &appended.commit[..7.min(appended.commit.len())];
            match cli.format {
                LogFormat::Text if !appended.written => println!(
                    "already in the log: {} {} v{} ({}) of run {} in {} on branch {} (commit {short}); nothing appended",
                    row.project,
                    row.environment,
                    row.version,
                    row.result,
                    row.run,
                    path.display(),
                    log.branch,
                ),
                LogFormat::Text => println!(
                    "appended {} {} v{} ({}) to {} on branch {} ({} rows, commit {})",
                    row.project,
                    row.environment,
                    row.version,
                    row.result,
                    path.display(),
                    log.branch,
                    appended.rows.len(),
                    short
                ),
                LogFormat::Markdown => print!("{}", deploy_log::markdown_table(&appended.rows)),
                LogFormat::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "branch": log.branch,
                        "path": path.display().to_string(),
                        "commit": appended.commit,
                        "attempts": appended.attempts,
                        "written": appended.written,
                        "row": row,
                    }))
                    .map_err(Failure::external)?
                ),
            }
            Ok(())
        }
    }
}

/// A file-name-safe form of a project name: `Acme shop` → `acme-shop`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() || c == '.' || c == '_' {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "project".to_owned()
    } else {
        out
    }
}

/// The forge token for HTTPS pushes, and the only host it may be sent to.
fn push_auth(ci: &CiEnv) -> PushAuth {
    let secret = |key: &str| {
        std::env::var(key)
            .ok()
            .filter(|v| !v.is_empty())
            .map(SecretString::from)
    };
    let gitlab = ci.platform == Platform::GitLabCi
        || (ci.platform == Platform::Local && secret("GITHUB_TOKEN").is_none());
    if gitlab {
        PushAuth {
            token: secret("GITLAB_TOKEN"),
            username: "oauth2".to_owned(),
            host: ci.gitlab_host(),
        }
    } else {
        PushAuth {
            token: secret("GITHUB_TOKEN"),
            username: "x-access-token".to_owned(),
            host: ci.github_host(),
        }
    }
}
