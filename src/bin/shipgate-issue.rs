//! `shipgate-issue`: open, record in and close the deployment issue that tracks one release.
#![allow(clippy::print_stdout)]
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};
use shipgate::ci::{CiEnv, Outputs};
use shipgate::cli::{
    CommonArgs, Exit, Failure, ForgeArgs, OutputArgs, TokenNeeds, load_config, set_output,
};
use shipgate::config::Config;
use shipgate::deploy_issue::{Image, Release, SchemaSummary};
use shipgate::forge::{DeploymentState, Forge};
use shipgate::issue::{self, CloseReason, CloseRequest, OpenRequest, RecordRequest};

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
    let parsed = Cli::parse();
    let cli = &parsed;
    shipgate::cli::run_main(&cli.common, |ci| async move {
        run(cli, &ci).await.map(|()| Exit::Done)
    })
}

async fn run(cli: &Cli, ci: &CiEnv) -> Result<(), Failure> {
    let config = load_config(&cli.repo, cli.common.config.as_deref())?;
    let connected = cli.forge.connect(
        ci,
        &config,
        &cli.repo,
        TokenNeeds {
            github: "issues: write and deployments: write",
            gitlab: "Reporter to open issues, Developer to record deployments",
        },
    )?;
    command(cli, ci, &config, &connected.forge, connected.tag_base).await
}

fn forge_failure(error: issue::IssueError) -> Failure {
    Failure::from(error)
}

async fn command<F: Forge>(
    cli: &Cli,
    ci: &CiEnv,
    config: &Config,
    forge: &F,
    tag_base: Option<String>,
) -> Result<(), Failure> {
    let prefix = &config.version.tag_prefix;
    let actor = ci
        .actor
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "shipgate".to_owned());
    let now = jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let mut outputs = Outputs::new();
    let text = match &cli.command {
        Command::Open {
            version,
            tag,
            image,
            notes,
            schema_report,
            label,
            assignee,
        } => {
            let version = shipgate::cli::resolve_version(
                version.as_deref(),
                "--version",
                ci,
                &cli.repo,
                prefix,
            )?;
            let facts = shipgate::release::release_facts(&cli.repo, &version, prefix)
                .map_err(Failure::usage)?;
            let tag = tag.clone().unwrap_or(facts.tag);
            let notes = match notes {
                Some(path) => std::fs::read_to_string(path)
                    .with_context(|| format!("{}: cannot read the release notes", path.display()))
                    .map_err(Failure::usage)?,
                None => facts.notes.unwrap_or_default(),
            };
            let schema = match schema_report {
                Some(path) => {
                    let json = std::fs::read_to_string(path)
                        .with_context(|| {
                            format!("{}: cannot read the schema report", path.display())
                        })
                        .map_err(Failure::usage)?;
                    Some(
                        SchemaSummary::from_report_json(&json)
                            .with_context(|| path.display().to_string())
                            .map_err(Failure::usage)?,
                    )
                }
                None => None,
            };
            let request = OpenRequest {
                release: Release {
                    version: version.clone(),
                    previous: facts.previous,
                    url: tag_base.map(|base| format!("{base}{tag}")),
                    tag,
                    commit: facts.commit,
                    images: image.clone(),
                    notes,
                },
                schema,
                checklist: config.issue.checklist.clone(),
                environments: config.environments.clone(),
                labels: if label.is_empty() {
                    config.issue.labels.clone()
                } else {
                    label.clone()
                },
                assignees: assignee.clone(),
                close_superseded: config.issue.close_superseded,
                seal: shipgate::cli::seal_from_env(),
            };
            let opened = issue::open(forge, &request).await.map_err(forge_failure)?;
            set_output(&mut outputs, "issue-number", opened.number.to_string())?;
            set_output(&mut outputs, "issue-url", opened.url.clone())?;
            let what = match (opened.created, opened.updated) {
                (true, _) => "created",
                (false, true) => "updated",
                (false, false) => "unchanged",
            };
            let mut text = format!(
                "deployment issue #{} for v{version} {what}: {}\n",
                opened.number, opened.url
            );
            if opened.claimed {
                text.push_str(&format!(
                    "sealed v{version} in a comment on #{}\n",
                    opened.number
                ));
            }
            for number in &opened.superseded {
                text.push_str(&format!("closed #{number} as superseded\n"));
            }
            text
        }
        Command::Record {
            environment,
            status,
            version,
            url,
        } => {
            if !config.environments.contains(environment) {
                return Err(Failure::usage(anyhow::anyhow!(
                    "--env {environment} is not one of the configured environments ({}); check `environments` in shipgate.yml",
                    config.environments.join(", ")
                )));
            }
            let version = shipgate::cli::resolve_version(
                version.as_deref(),
                "--version",
                ci,
                &cli.repo,
                prefix,
            )?;
            let facts = shipgate::release::release_facts(&cli.repo, &version, prefix)
                .map_err(Failure::usage)?;
            let request = RecordRequest {
                version: version.clone(),
                tag: facts.tag,
                sha: facts.commit,
                environment: environment.clone(),
                state: match status {
                    StatusArg::Queued => DeploymentState::Queued,
                    StatusArg::InProgress => DeploymentState::InProgress,
                    StatusArg::Success => DeploymentState::Success,
                    StatusArg::Failure => DeploymentState::Failure,
                },
                url: url.clone().or_else(|| ci.run_url.clone()),
                ci_run: ci.run_id.clone().unwrap_or_else(|| "local".to_owned()),
                ci_job: ci.job_id.clone(),
                actor,
                when: now,
                environments: config.environments.clone(),
            };
            let recorded = issue::record(forge, &request)
                .await
                .map_err(forge_failure)?;
            set_output(&mut outputs, "issue-number", recorded.number.to_string())?;
            set_output(&mut outputs, "issue-url", recorded.url.clone())?;
            set_output(
                &mut outputs,
                "deployment-id",
                recorded.deployment.to_string(),
            )?;
            format!(
                "recorded {} on {environment} for v{version} in #{} (deployment {})\n",
                request.state, recorded.number, recorded.deployment
            )
        }
        Command::Close { version, reason } => {
            let version = shipgate::cli::resolve_version(
                version.as_deref(),
                "--version",
                ci,
                &cli.repo,
                prefix,
            )?;
            let request = CloseRequest {
                version: version.clone(),
                reason: match reason {
                    ReasonArg::Completed => CloseReason::Completed,
                    ReasonArg::RolledBack => CloseReason::RolledBack,
                    ReasonArg::Abandoned => CloseReason::Abandoned,
                },
                actor,
                when: now,
                environments: config.environments.clone(),
            };
            match issue::close(forge, &request).await.map_err(forge_failure)? {
                Some(number) => {
                    set_output(&mut outputs, "issue-number", number.to_string())?;
                    format!(
                        "closed deployment issue #{number} for v{version} ({})\n",
                        request.reason
                    )
                }
                None => format!("no open deployment issue for v{version}: nothing to close\n"),
            }
        }
    };
    shipgate::cli::publish(ci, &cli.output, &outputs, &text).map_err(Failure::external)
}
