//! What every binary shares at its edge: common flags, logging, exit codes, the forge.
mod edge;
mod environment;
mod files;
mod forge;
mod push;
mod release;
mod risk;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use tracing_subscriber::EnvFilter;

use crate::config::Config;

pub use crate::exit::{Exit, ExitClass};
pub use edge::{Binary, Context, Edge, FailureContext, Report, main};
pub use environment::configured_environment;
pub use files::{read_flag_file, read_schema_report};
pub use forge::{Connected, ForgeArg, ForgeArgs, TokenNeeds};
pub use push::push_auth;
pub use release::{deployed_tag, known_version, project_name, release_tag, resolve_version};
pub use risk::release_risk;

/// Flags every shipgate binary takes (each also takes its own `--format`).
#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    /// Configuration file [default: shipgate.yml at the repository root; every key optional]
    #[arg(long, value_name = "PATH", global = true)]
    pub config: Option<PathBuf>,

    /// More log detail on stderr (-v debug, -vv trace); SHIPGATE_LOG overrides
    #[arg(short, long, action = clap::ArgAction::Count, global = true, conflicts_with = "quiet")]
    pub verbose: u8,

    /// Only errors on stderr
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

/// Where a binary's results go: stdout in a format, and a dotenv file for GitLab.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Result format on stdout (logs always go to stderr)
    #[arg(long, value_enum, default_value_t = Format::Text, global = true)]
    pub format: Format,

    /// Also write the outputs to this dotenv file (GitLab artifacts:reports:dotenv)
    #[arg(long, value_name = "FILE", global = true)]
    pub dotenv: Option<PathBuf>,
}

/// How results are printed on stdout (binaries with more formats declare their own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// One JSON object, shapes in `schemas/`.
    Json,
}

/// Send logs to stderr: `SHIPGATE_LOG` filter if set, else by `-v`/`-q`; colour unless `NO_COLOR`.
pub fn init_logging(common: &CommonArgs, shipgate_log: Option<String>, no_color: bool) {
    let default = match (common.quiet, common.verbose) {
        (true, _) => "error",
        (false, 0) => "warn,shipgate=info",
        (false, 1) => "info,shipgate=debug",
        (false, _) => "debug,shipgate=trace",
    };
    let filter = shipgate_log
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new(default));
    let ansi = !no_color && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_target(false)
        .without_time()
        .try_init();
}

/// An error at a binary's edge, with the exit code it maps to.
#[derive(Debug)]
pub struct Failure {
    /// What went wrong, with context.
    pub error: anyhow::Error,
    /// The exit code.
    pub exit: Exit,
}

impl Failure {
    /// A usage or configuration error (exit 2).
    pub fn usage(error: impl Into<anyhow::Error>) -> Self {
        Self {
            error: error.into(),
            exit: Exit::Usage,
        }
    }

    /// An external failure (exit 3).
    pub fn external(error: impl Into<anyhow::Error>) -> Self {
        Self {
            error: error.into(),
            exit: Exit::External,
        }
    }

    /// Print `error: …` with its whole chain on stderr and give the exit code.
    #[allow(clippy::print_stderr)]
    pub fn report(self) -> ExitCode {
        eprintln!("error: {:#}", self.error);
        self.exit.into()
    }
}

/// The configuration: `--config PATH` (which must exist), else `shipgate.yml` at the root of the
/// repository containing `repo` (optional).
pub fn load_config(repo: &Path, explicit: Option<&Path>) -> Result<Config, Failure> {
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None => crate::git::Repo::discover(repo)
            .map(|r| r.root().to_path_buf())
            .unwrap_or_else(|_| repo.to_path_buf())
            .join(crate::config::DEFAULT_PATH),
    };
    crate::config::load(&path, explicit.is_some()).map_err(Failure::usage)
}

/// The variable holding the key that seals shipgate's deciding markers.
pub const SIGNING_KEY_VARIABLE: &str = "SHIPGATE_SIGNING_KEY";

/// The seal of shipgate's markers, keyed by `SHIPGATE_SIGNING_KEY` when it is set (read here,
/// at the edge, and held as a secret).
pub fn seal_from_env() -> crate::seal::Seal {
    crate::seal::Seal::new(
        std::env::var(SIGNING_KEY_VARIABLE)
            .ok()
            .map(secrecy::SecretString::from),
    )
}
