//! What every binary shares at its edge: common flags, logging, exit codes.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use tracing_subscriber::EnvFilter;

/// Flags every shipgate binary takes.
#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    /// Configuration file [default: shipgate.yml at the repository root; every key optional]
    #[arg(long, value_name = "PATH", global = true)]
    pub config: Option<PathBuf>,

    /// Result format on stdout (logs always go to stderr)
    #[arg(long, value_enum, default_value_t = Format::Text, global = true)]
    pub format: Format,

    /// More log detail on stderr (-v debug, -vv trace); SHIPGATE_LOG overrides
    #[arg(short, long, action = clap::ArgAction::Count, global = true, conflicts_with = "quiet")]
    pub verbose: u8,

    /// Only errors on stderr
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

/// How results are printed on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// One JSON object, shapes in `schemas/`.
    Json,
}

/// The exit codes of every binary (DESIGN §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Done, or allowed.
    Done = 0,
    /// The policy said no.
    Denied = 1,
    /// Usage or configuration error.
    Usage = 2,
    /// An external failure (git, API) after retries.
    External = 3,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
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
