//! `shipgate-verify`: evaluate the gates that must be green before the pipeline goes on.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use shipgate::cli::{CommonArgs, ForgeArgs, OutputArgs};

mod run;

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
    "maintenance: the environment's deploy.ENV.maintenance.status command (ENV added) prints off; on fails, any other answer is inconclusive. Needs --env.\n\n",
    "Each gate reports pass, fail or inconclusive with what it measured; after a failure the rest are skipped (--keep-going runs them). Inconclusive passes unless --strict. Prometheus unreachable counts as no data; a query it rejects fails.\n\n",
    "Outputs: passed (true/false), failed-gates (comma-separated), inconclusive-gates; with --on-fail-rollback after a failure rollback-to; with --issue issue — to $GITHUB_OUTPUT and --dotenv FILE; a table in $GITHUB_STEP_SUMMARY. --format json prints the whole report (schemas/verify-output.schema.json).\n\n",
    "Deployment issue (--issue): the release (--release, else the pipeline's tag, else the release tag on HEAD) must have an open deployment issue opened by shipgate. Each passed gate with a `checklist` text ticks that item of the issue's runbook checklist; each failed gate gets one comment with what it measured, marked <!-- shipgate:verify GATE run RUN --> so a re-run of the same CI run adds no second one.\n\n",
    "Rollback: the pipeline runs shipgate-verify after the deployment; when passed is false (exit 1) the job fails and the pipeline stops, and a rollback job (if: failure() on GitHub, when: on_failure on GitLab) can start the rollback path: shipgate-promote's rollback redeploys the previous successful version of the environment and records it as rolled-back on the issue and in the log. With --on-fail-rollback --env ENV, a failure also outputs rollback-to: the newest successful deployment of ENV other than this release (empty when none), read from the forge's deployment records.\n\n",
    "Tokens (only with --issue, or --on-fail-rollback after a failure): GitHub issues: write and deployments: read; GitLab Reporter.\n\n",
    "Exit codes: 0 every gate passed (or was inconclusive, without --strict); 1 a gate failed; 2 usage or configuration error (unknown gate, unset header variable, no deployment issue for --issue); 3 the forge failed after retries, or the outputs could not be written."
);

fn main() -> ExitCode {
    shipgate::cli::main::<Cli>()
}
