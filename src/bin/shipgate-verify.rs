//! `shipgate-verify`: evaluate the gates that must be green before the pipeline goes on.
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use shipgate::ci::{CiEnv, Outputs};
use shipgate::cli::{
    CommonArgs, Exit, Failure, ForgeArgs, Format, OutputArgs, TokenNeeds, load_config,
};
use shipgate::forge::Forge;
use shipgate::verify::{self, IssueRequest, Report, RunOptions, Selection, VerifyError};

/// Evaluate the gates under `gates:` in shipgate.yml for one environment and step — HTTP smoke
/// tests, commands, backup files, Prometheus queries watched for a while, soak periods — and
/// say whether the pipeline may go on.
#[derive(Debug, Parser)]
#[command(name = "shipgate-verify", version, about, long_about, after_long_help = AFTER_HELP)]
struct Cli {
    /// Run only this gate (repeat for more) [default: every gate of the environment and step]
    #[arg(long = "gate", value_name = "NAME")]
    gates: Vec<String>,

    /// The environment: runs the gates without `environments` and those listing it [default:
    /// gates of every environment]
    #[arg(long = "env", value_name = "ENV")]
    environment: Option<String>,

    /// The pipeline step, e.g. pre-deploy or post-deploy: runs the gates without `step` and
    /// those naming it [default: every step]
    #[arg(long, value_name = "STEP")]
    step: Option<String>,

    /// Count inconclusive gates (no data, monitoring unreachable) as failed
    #[arg(long)]
    strict: bool,

    /// Run every gate even after one failed [default: skip the rest]
    #[arg(long)]
    keep_going: bool,

    /// Tick the checklist item of each passed gate on the release's deployment issue, and
    /// comment once per failed gate and CI run
    #[arg(long)]
    issue: bool,

    /// When a gate fails, output rollback-to: the previous successful release of --env, from
    /// the forge's deployment records
    #[arg(long, requires = "environment")]
    on_fail_rollback: bool,

    /// The release being verified, for --issue and --on-fail-rollback (--release, as in
    /// shipgate-window: --version prints the program's version) [default: the release tag of
    /// the pipeline, or on HEAD]
    #[arg(long, value_name = "X.Y.Z")]
    release: Option<String>,

    /// A path inside the repository (shipgate.yml, and the root files and commands run from)
    #[arg(long, value_name = "PATH", default_value = ".")]
    repo: PathBuf,

    #[command(flatten)]
    forge: ForgeArgs,

    #[command(flatten)]
    output: OutputArgs,

    #[command(flatten)]
    common: CommonArgs,
}

const AFTER_HELP: &str = concat!(
    "Gates (shipgate.yml `gates:`, a list run in order; docs/config.md has every key):\n\n",
    "http: a request (method, headers from environment variables — names only, values never printed) answers the expected status, body text or JSON pointer value within a timeout; retried with backoff.\n\n",
    "command: a program with its arguments, no shell unless `shell: true`, exits 0 within a timeout.\n\n",
    "file: a file (a backup) exists and is not empty; its size and sha256 are reported.\n\n",
    "prometheus: a PromQL query (GET /api/v1/query) every `interval` for `duration`: a value matching `fail_fast` fails at once, a breach of `threshold` lasting `for` (default: the whole window) fails, no data at all is inconclusive (`missing: fail` fails instead).\n\n",
    "wait: a soak period.\n\n",
    "Each gate reports pass, fail or inconclusive with what it measured; after a failure the rest are skipped (--keep-going runs them). Inconclusive passes unless --strict. Prometheus unreachable counts as no data; a query it rejects fails.\n\n",
    "Outputs: passed (true/false), failed-gates (comma-separated), inconclusive-gates; with --on-fail-rollback after a failure rollback-to; with --issue issue — to $GITHUB_OUTPUT and --dotenv FILE; a table in $GITHUB_STEP_SUMMARY. --format json prints the whole report (schemas/verify-output.schema.json).\n\n",
    "Deployment issue (--issue): the release (--release, else the pipeline's tag, else the release tag on HEAD) must have an open deployment issue opened by shipgate. Each passed gate with a `checklist` text ticks that item of the issue's runbook checklist; each failed gate gets one comment with what it measured, marked <!-- shipgate:verify GATE run RUN --> so a re-run of the same CI run adds no second one.\n\n",
    "Rollback: the pipeline runs shipgate-verify after the deployment; when passed is false (exit 1) the job fails and the pipeline stops, and a rollback job (if: failure() on GitHub, when: on_failure on GitLab) can start the rollback path: shipgate-promote's rollback redeploys the previous successful version of the environment and records it as rolled-back on the issue and in the log. With --on-fail-rollback --env ENV, a failure also outputs rollback-to: the newest successful deployment of ENV other than this release (empty when none), read from the forge's deployment records.\n\n",
    "Tokens (only with --issue, or --on-fail-rollback after a failure): GitHub issues: write and deployments: read; GitLab Reporter.\n\n",
    "Exit codes: 0 every gate passed (or was inconclusive, without --strict); 1 a gate failed; 2 usage or configuration error (unknown gate, unset header variable, no deployment issue for --issue); 3 the forge failed after retries, or the outputs could not be written."
);

fn main() -> ExitCode {
    let parsed = Cli::parse();
    let cli = &parsed;
    shipgate::cli::run_main(&cli.common, |ci| async move { run(cli, &ci).await })
}

async fn run(cli: &Cli, ci: &CiEnv) -> Result<Exit, Failure> {
    let config = load_config(&cli.repo, cli.common.config.as_deref())?;
    if let Some(env) = &cli.environment {
        if !config.environments.contains(env) {
            return Err(Failure::usage(anyhow::anyhow!(
                "--env {env}: not one of the environments ({}); check `environments`",
                config.environments.join(", ")
            )));
        }
    }
    if let Some(step) = &cli.step {
        if !config.gates.iter().any(|g| g.step.as_ref() == Some(step)) {
            tracing::warn!(
                "no gate names the step `{step}`; only gates without `step` run (check the spelling)"
            );
        }
    }
    let root = shipgate::git::Repo::discover(&cli.repo)
        .map(|r| r.root().to_path_buf())
        .unwrap_or_else(|_| cli.repo.clone());
    let selection = Selection {
        names: &cli.gates,
        environment: cli.environment.as_deref(),
        step: cli.step.as_deref(),
    };
    let secret = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let gates = verify::select(&config, &selection, &root, &secret).map_err(Failure::usage)?;
    let options = RunOptions {
        strict: cli.strict,
        keep_going: cli.keep_going,
        environment: cli.environment.clone(),
        step: cli.step.clone(),
    };
    let mut report = verify::run(&gates, &options)
        .await
        .map_err(Failure::external)?;
    let forge_used = cli.issue || (cli.on_fail_rollback && !report.passed);
    if forge_used {
        let prefix = &config.version.tag_prefix;
        let version = shipgate::cli::resolve_version(
            cli.release.as_deref(),
            "--release",
            ci,
            &cli.repo,
            prefix,
        )?;
        let connected = cli.forge.connect(
            ci,
            &config,
            &cli.repo,
            TokenNeeds {
                github: "issues: write and deployments: read",
                gitlab: "Reporter",
            },
        )?;
        let forge = &connected.forge;
        if cli.on_fail_rollback && !report.passed {
            let current = format!("{}{version}", config.version.tag_prefix);
            report.rollback_to = Some(rollback(cli, forge, &current).await?);
        }
        if cli.issue {
            let request = IssueRequest {
                version,
                ci_run: ci.run_id.clone().unwrap_or_else(|| "local".to_owned()),
                run_url: ci.run_url.clone(),
            };
            let update = verify::report_on_issue(forge, &report, &request)
                .await
                .map_err(verify_failure)?;
            report.issue = Some(update);
        }
    }
    publish(cli, ci, &report).map_err(Failure::external)?;
    Ok(if report.passed {
        Exit::Done
    } else {
        Exit::Denied
    })
}

fn outputs(report: &Report) -> anyhow::Result<Outputs> {
    let mut outputs = Outputs::new();
    outputs.set("passed", report.passed.to_string())?;
    outputs.set("failed-gates", report.failed_gates.join(","))?;
    outputs.set("inconclusive-gates", report.inconclusive_gates.join(","))?;
    if let Some(tag) = &report.rollback_to {
        outputs.set("rollback-to", tag.as_str())?;
    }
    if let Some(issue) = &report.issue {
        outputs.set("issue", issue.number.to_string())?;
    }
    Ok(outputs)
}

/// The previous successful release of `--env` other than `current` (`""` when none).
async fn rollback<F: Forge>(cli: &Cli, forge: &F, current: &str) -> Result<String, Failure> {
    let environment = cli.environment.as_deref().unwrap_or_default();
    let deployments = forge
        .deployments(environment)
        .await
        .map_err(|e| verify_failure(e.into()))?;
    Ok(verify::rollback_target(&deployments, current).unwrap_or_default())
}

fn verify_failure(error: VerifyError) -> Failure {
    Failure::from(error)
}

fn publish(cli: &Cli, ci: &CiEnv, report: &Report) -> anyhow::Result<()> {
    let outputs = &outputs(report)?;
    if let Some(path) = &ci.github_output {
        shipgate::ci::write_github_output(path, outputs)?;
    }
    if let Some(path) = &cli.output.dotenv {
        shipgate::ci::write_dotenv(path, outputs)?;
    }
    if let Some(path) = &ci.github_step_summary {
        shipgate::ci::append_step_summary(path, &verify::markdown_summary(report))?;
    }
    let text = match cli.output.format {
        Format::Text => verify::text_report(report),
        Format::Json => format!("{}\n", serde_json::to_string_pretty(report)?),
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}
