//! `shipgate-issue`: open, record in and close the deployment issue that tracks one release.
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};
use shipgate::cli::{
    Binary, CommonArgs, Context, Edge, Failure, ForgeArgs, OutputArgs, Report, TokenNeeds,
    configured_environment, resolve_version,
};
use shipgate::deploy_issue::{Image, Release, SchemaSummary};
use shipgate::forge::DeploymentState;
use shipgate::issue::{self, CloseReason, CloseRequest, OpenRequest, RecordRequest};
use shipgate::release::release_facts;

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

impl Binary for Cli {
    fn edge(&self) -> Edge<'_> {
        Edge::with_outputs(&self.common, &self.repo, &self.output, Some(&self.forge))
    }

    async fn run(self, cx: &Context) -> Result<Report, Failure> {
        let (config, prefix) = (&cx.config, &cx.config.version.tag_prefix);
        let connected = cx.forge(TokenNeeds {
            github: "issues: write and deployments: write",
            gitlab: "Reporter to open issues, Developer to record deployments",
        })?;
        let forge = &connected.forge;
        let now = shipgate::time::rfc3339(jiff::Timestamp::now());
        let version =
            |given: Option<&str>| resolve_version(given, "--version", &cx.ci, &cx.repo, prefix);
        let mut report = Report::default();
        match self.command {
            Command::Open {
                version: given,
                tag,
                image,
                notes,
                schema_report,
                label,
                assignee,
            } => {
                let version = version(given.as_deref())?;
                let facts = release_facts(&cx.repo, &version, prefix).map_err(Failure::usage)?;
                let tag = tag.unwrap_or(facts.tag);
                let notes = match notes {
                    Some(path) => read(&path, "the release notes")?,
                    None => facts.notes.unwrap_or_default(),
                };
                let schema = match schema_report {
                    Some(path) => Some(
                        SchemaSummary::from_report_json(&read(&path, "the schema report")?)
                            .with_context(|| path.display().to_string())
                            .map_err(Failure::usage)?,
                    ),
                    None => None,
                };
                let request = OpenRequest {
                    release: Release {
                        version: version.clone(),
                        previous: facts.previous,
                        url: connected
                            .tag_base
                            .as_ref()
                            .map(|base| format!("{base}{tag}")),
                        tag,
                        commit: facts.commit,
                        images: image,
                        notes,
                    },
                    schema,
                    checklist: config.issue.checklist.clone(),
                    environments: config.environments.clone(),
                    labels: if label.is_empty() {
                        config.issue.labels.clone()
                    } else {
                        label
                    },
                    assignees: assignee,
                    close_superseded: config.issue.close_superseded,
                    seal: cx.seal(),
                };
                let opened = issue::open(forge, &request).await?;
                report.text = opened.text(&version);
                report.output("issue-number", opened.number.to_string())?;
                report.output("issue-url", opened.url)?;
            }
            Command::Record {
                environment,
                status,
                version: given,
                url,
                detail,
            } => {
                configured_environment(config, &environment)?;
                let version = version(given.as_deref())?;
                let facts = release_facts(&cx.repo, &version, prefix).map_err(Failure::usage)?;
                let request = RecordRequest {
                    version: version.clone(),
                    tag: facts.tag,
                    sha: facts.commit,
                    environment,
                    state: match status {
                        StatusArg::Queued => DeploymentState::Queued,
                        StatusArg::InProgress => DeploymentState::InProgress,
                        StatusArg::Success => DeploymentState::Success,
                        StatusArg::Failure => DeploymentState::Failure,
                    },
                    url: url.or_else(|| cx.ci.run_url.clone()),
                    ci_run: cx.ci.run_id.clone().unwrap_or_else(|| "local".to_owned()),
                    ci_job: cx.ci.job_id.clone(),
                    actor: cx.ci.who(),
                    when: now.to_string(),
                    detail: detail.filter(|d| !d.trim().is_empty()),
                    environments: config.environments.clone(),
                };
                let recorded = issue::record(forge, &request).await?;
                report.text = format!(
                    "recorded {} on {} for v{version} in #{} (deployment {})\n",
                    request.state, request.environment, recorded.number, recorded.deployment
                );
                report.output("issue-number", recorded.number.to_string())?;
                report.output("issue-url", recorded.url)?;
                report.output("deployment-id", recorded.deployment.to_string())?;
            }
            Command::Close {
                version: given,
                reason,
            } => {
                let version = version(given.as_deref())?;
                let request = CloseRequest {
                    version: version.clone(),
                    reason: match reason {
                        ReasonArg::Completed => CloseReason::Completed,
                        ReasonArg::RolledBack => CloseReason::RolledBack,
                        ReasonArg::Abandoned => CloseReason::Abandoned,
                    },
                    actor: cx.ci.who(),
                    when: now.to_string(),
                    environments: config.environments.clone(),
                };
                report.text = match issue::close(forge, &request).await? {
                    Some(number) => {
                        report.output("issue-number", number.to_string())?;
                        format!(
                            "closed deployment issue #{number} for v{version} ({})\n",
                            request.reason
                        )
                    }
                    None => format!("no open deployment issue for v{version}: nothing to close\n"),
                };
            }
        }
        Ok(report)
    }
}

/// A file the flags name, whole; one that cannot be read is a usage error naming it.
fn read(path: &Path, what: &str) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read {what}", path.display()))
        .map_err(Failure::usage)
}
