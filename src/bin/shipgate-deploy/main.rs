//! `shipgate-deploy`: deploy an environment by its strategy, and switch maintenance mode.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use shipgate::cli::{CommonArgs, OutputArgs};

mod run;

/// Deploy one environment by the strategy `deploy:` in shipgate.yml gives it — direct,
/// blue-green, canary or rolling — running the gates between the steps and undoing a failed
/// step; and switch maintenance mode on and off around releases that need it.
#[derive(Debug, Parser)]
#[command(name = "shipgate-deploy", version, about, long_about, after_long_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// The environment
    #[arg(long = "env", value_name = "ENV", global = true)]
    environment: Option<String>,

    /// The release deployed, passed to the hooks as SHIPGATE_VERSION [default: the release tag
    /// of the pipeline, or on HEAD]
    #[arg(long, value_name = "X.Y.Z", global = true)]
    release: Option<String>,

    /// A path inside the repository (shipgate.yml; hooks run from its root)
    #[arg(long, value_name = "PATH", default_value = ".", global = true)]
    repo: PathBuf,

    #[command(flatten)]
    output: OutputArgs,

    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Deploy by the environment's strategy, gates between the steps
    Rollout,
    /// Switch maintenance mode on or off, when the release needs it (deploy.ENV.maintenance)
    Maintenance {
        /// on or off
        #[arg(value_parser = ["on", "off"])]
        switch: String,
        /// A `shipgate-schema --format json` report of the release, for maintenance.when
        /// schema-first and destructive [default: without it, those apply]
        #[arg(long, value_name = "FILE")]
        schema_report: Option<PathBuf>,
    },
}

const AFTER_HELP: &str = concat!(
    "Strategies (deploy.ENV.strategy): direct runs `deploy_hook ENV` (the gates are the job's next step: shipgate-verify). blue-green asks `switch_hook ENV` which colour is live (it prints blue or green), runs `deploy_hook ENV --color IDLE`, the pre-switch gates, `switch_hook ENV IDLE`, then watches the post-deploy gates for keep_previous (or watch); a failure after the switch runs `switch_hook ENV LIVE`. canary and rolling run `deploy_hook ENV --step N` for each of steps, watching the post-deploy gates for watch after each; a failure runs `deploy_hook ENV --step 0`.\n\n",
    "Hooks get SHIPGATE_ENVIRONMENT, SHIPGATE_STRATEGY, SHIPGATE_VERSION, and per strategy SHIPGATE_COLOR or SHIPGATE_STEP, SHIPGATE_STEP_INDEX, SHIPGATE_STEPS; command gates get the same. Gates are those of gates: for the environment whose step is pre-switch or post-deploy, and those without a step.\n\n",
    "Maintenance (deploy.ENV.maintenance): `on ENV` / `off ENV` run when maintenance.when says the release needs it: always; schema-first (any migration); destructive (default: a destructive change, or order code-first or blocked). Run `maintenance off` in a step that runs whatever happened before it.\n\n",
    "Outputs: result (deployed, rolled-back, failed), live-color, step, failed-at, reason (rollout); maintenance (on, off or skipped), why (maintenance) — to $GITHUB_OUTPUT and --dotenv FILE.\n\n",
    "Exit codes: 0 deployed, or maintenance switched (or not needed); 1 a step or gate failed (undone as the strategy says); 2 usage or configuration error; 3 a hook failed where nothing can be undone, or the undo failed (act by hand)."
);

fn main() -> ExitCode {
    shipgate::cli::main::<Cli>()
}
