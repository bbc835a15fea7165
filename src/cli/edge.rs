//! The one edge every binary goes through: parse the flags, set up logging, read the CI and the
//! configuration, run, publish the report, and map the outcome to an exit code.
//!
//! A binary is its clap struct, an [`Edge`] saying which shared flags it has, and one
//! [`Binary::run`] that returns a [`Report`]. It never writes an output file nor picks an exit
//! code: [`main`] does, the same way for all of them.
use std::cell::OnceCell;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use crate::ci::{CiEnv, Outputs};
use crate::config::Config;
use crate::exit::{Exit, ExitClass};

use super::forge::{Connected, ForgeArg, ForgeArgs, TokenNeeds};
use super::{CommonArgs, Failure, Format, init_logging, load_config};

/// What a run hands back to the edge to publish.
#[derive(Debug, Default)]
pub struct Report {
    /// The policy said no (exit 1); the report is still published.
    pub denied: bool,
    /// Step outputs: to `$GITHUB_OUTPUT`, the dotenv file, and the JSON form.
    pub outputs: Outputs,
    /// What people read on stdout (or in the output file).
    pub text: String,
    /// The JSON form when it is richer than the outputs (printed as given).
    pub json: Option<String>,
    /// Markdown for the GitHub job summary (`$GITHUB_STEP_SUMMARY`).
    pub summary: Option<String>,
    /// The run fell short after making its report (e.g. a required notification was not
    /// delivered): the report is published all the same, then the exit code is this class's.
    pub failed: Option<Exit>,
    /// The exit status of a command run for the user (`shipgate-notify watch`): when it is not
    /// 0, it is the binary's exit code.
    pub command_status: Option<u8>,
}

impl Report {
    /// A report for people, with no outputs yet.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }

    /// Set one output; a key or value the CI cannot carry is an external failure.
    pub fn output(&mut self, key: &str, value: impl Into<String>) -> Result<&mut Self, Failure> {
        self.outputs.set(key, value).map_err(Failure::external)?;
        Ok(self)
    }

    /// Set every output of `pairs`, as [`Report::output`] does.
    pub fn outputs_from<K: AsRef<str>, V: Into<String>>(
        &mut self,
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<&mut Self, Failure> {
        for (key, value) in pairs {
            self.output(key.as_ref(), value)?;
        }
        Ok(self)
    }

    /// The same report, denied when `denied`.
    pub fn denied_if(mut self, denied: bool) -> Self {
        self.denied = denied;
        self
    }

    /// The same report, failed with the exit class of `error` when there is one.
    pub fn failed_with<E: ExitClass>(mut self, error: Option<E>) -> Self {
        self.failed = error.map(|e| e.exit_class());
        self
    }

    /// The exit code once published: the command's status, else the failure's class, else
    /// denied or done.
    fn exit_code(&self) -> ExitCode {
        match (self.command_status.filter(|s| *s != 0), self.failed) {
            (Some(status), _) => ExitCode::from(status),
            (None, Some(exit)) => exit.into(),
            (None, None) if self.denied => Exit::Denied.into(),
            (None, None) => Exit::Done.into(),
        }
    }
}

/// The shared flags a binary has, borrowed from its parsed command line.
pub struct Edge<'a> {
    /// `--config`, `-v`, `-q`.
    pub common: &'a CommonArgs,
    /// `--repo`: a path inside the repository.
    pub repo: &'a Path,
    /// `--format` (text or JSON on stdout).
    pub format: Format,
    /// `--dotenv FILE`.
    pub dotenv: Option<&'a Path>,
    /// Where the report goes instead of stdout.
    pub output: Option<&'a Path>,
    /// `--forge`, `--api-url`, `--repository`, for binaries that talk to a forge.
    pub forge: Option<&'a ForgeArgs>,
}

impl<'a> Edge<'a> {
    /// The edge of a binary with the shared output flags (`--format`, `--dotenv`), its report
    /// on stdout, and the forge flags when it has them.
    pub fn with_outputs(
        common: &'a CommonArgs,
        repo: &'a Path,
        outputs: &'a super::OutputArgs,
        forge: Option<&'a ForgeArgs>,
    ) -> Self {
        Self {
            common,
            repo,
            format: outputs.format,
            dotenv: outputs.dotenv.as_deref(),
            output: None,
            forge,
        }
    }
}

/// What a run may use: the CI variables, the repository, the configuration, and the forge,
/// connected on first use.
pub struct Context {
    /// The CI variables.
    pub ci: CiEnv,
    /// The `--repo` path as given.
    pub repo: PathBuf,
    /// The configuration (`shipgate.yml`, every key optional).
    pub config: Config,
    forge_args: Option<ForgeArgs>,
    forge: OnceCell<Connected>,
}

impl Context {
    /// A context for `repo` with `config`, reaching the forge the `forge` flags name.
    pub fn new(ci: CiEnv, repo: PathBuf, config: Config, forge: Option<ForgeArgs>) -> Self {
        Self {
            ci,
            repo,
            config,
            forge_args: forge,
            forge: OnceCell::new(),
        }
    }

    /// The root of the repository containing `--repo` (the path itself outside a repository).
    pub fn root(&self) -> PathBuf {
        crate::git::Repo::discover(&self.repo)
            .map(|r| r.root().to_path_buf())
            .unwrap_or_else(|_| self.repo.clone())
    }

    /// The forge, connected on first use; `needs` names what the token must allow, for the
    /// error shown when it is missing.
    pub fn forge(&self, needs: TokenNeeds<'_>) -> Result<&Connected, Failure> {
        if let Some(connected) = self.forge.get() {
            return Ok(connected);
        }
        let args = self.forge_args.clone().unwrap_or_default();
        let connected = args.connect(&self.ci, &self.config, &self.repo, needs)?;
        Ok(self.forge.get_or_init(|| connected))
    }

    /// The forge when its token is set (the local one needs none), connected on first use;
    /// `None` without a token, for a run that can do without the forge.
    pub fn forge_if_token(&self, needs: TokenNeeds<'_>) -> Result<Option<&Connected>, Failure> {
        let args = self.forge_args.clone().unwrap_or_default();
        if !args.has_token(&self.ci) {
            return Ok(None);
        }
        self.forge(needs).map(Some)
    }

    /// Which forge the flags or the CI name.
    pub fn forge_kind(&self) -> ForgeArg {
        self.forge_args.clone().unwrap_or_default().kind(&self.ci)
    }

    /// The seal of shipgate's markers (`SHIPGATE_SIGNING_KEY`).
    pub fn seal(&self) -> crate::seal::Seal {
        super::seal_from_env()
    }

    /// The commit this job works on: `given` (a flag), else the CI's (`GITHUB_SHA`,
    /// `CI_COMMIT_SHA`), else the checkout's HEAD.
    pub fn job_commit(&self, given: Option<String>) -> Option<String> {
        given.or_else(|| self.ci.commit.clone()).or_else(|| {
            crate::git::Repo::discover(&self.repo)
                .and_then(|r| r.head())
                .ok()
                .map(|oid| oid.to_string())
        })
    }
}

/// A shipgate binary: its flags and its one run.
pub trait Binary: Parser {
    /// The shared flags it has.
    fn edge(&self) -> Edge<'_>;

    /// Do the work and say what to publish; a failure carries its exit class.
    fn run(self, cx: &Context) -> impl Future<Output = Result<Report, Failure>>;

    /// Whether the edge reads `shipgate.yml` before the run; `false` gives the run the
    /// defaults (a binary that writes the file reads none).
    fn reads_config(&self) -> bool {
        true
    }
}

/// The `main` of every binary: parse, log, load, run on a current-thread runtime, publish, exit.
pub fn main<B: Binary>() -> ExitCode {
    let cli = B::parse();
    let var = |key: &str| std::env::var(key).ok();
    let edge = cli.edge();
    init_logging(edge.common, var("SHIPGATE_LOG"), var("NO_COLOR").is_some());
    let loaded = if cli.reads_config() {
        load_config(edge.repo, edge.common.config.as_deref())
    } else {
        Ok(Config::default())
    };
    let config = match loaded {
        Ok(config) => config,
        Err(failure) => return failure.report(),
    };
    let publish = Publish {
        format: edge.format,
        dotenv: edge.dotenv.map(Path::to_path_buf),
        output: edge.output.map(Path::to_path_buf),
    };
    let cx = Context::new(
        CiEnv::from_env(),
        edge.repo.to_path_buf(),
        config,
        edge.forge.cloned(),
    );
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return Failure::external(e).report(),
    };
    let outcome = runtime
        .block_on(cli.run(&cx))
        .and_then(|report| publish.write(&cx.ci, &report).map(|()| report.exit_code()));
    match outcome {
        Ok(code) => code,
        Err(failure) => failure.report(),
    }
}

/// Where a report goes.
struct Publish {
    format: Format,
    dotenv: Option<PathBuf>,
    output: Option<PathBuf>,
}

/// Write the outputs where the CI reads them, the summary where GitHub shows it, and the
/// report on stdout or in `output`.
impl Publish {
    fn write(&self, ci: &CiEnv, report: &Report) -> Result<(), Failure> {
        let (format, dotenv, output) =
            (self.format, self.dotenv.as_deref(), self.output.as_deref());
        if let Some(path) = &ci.github_output {
            crate::ci::write_github_output(path, &report.outputs).map_err(Failure::external)?;
        }
        if let Some(path) = dotenv {
            let skipped =
                crate::ci::write_dotenv(path, &report.outputs).map_err(Failure::external)?;
            if !skipped.is_empty() {
                tracing::info!(
                    "not in the dotenv file (multi-line): {}",
                    skipped.join(", ")
                );
            }
        }
        if let (Some(path), Some(summary)) = (&ci.github_step_summary, &report.summary) {
            crate::ci::append_step_summary(path, summary).map_err(Failure::external)?;
        }
        let mut body = match (format, &report.json) {
            (Format::Text, _) => report.text.clone(),
            (Format::Json, Some(json)) => json.clone(),
            (Format::Json, None) => {
                let map: serde_json::Map<String, serde_json::Value> = report
                    .outputs
                    .iter()
                    .map(|(k, v)| (k.replace('-', "_"), serde_json::Value::String(v.to_owned())))
                    .collect();
                serde_json::to_string_pretty(&map).map_err(Failure::external)?
            }
        };
        match output {
            Some(path) => std::fs::write(path, body).map_err(|e| {
                Failure::external(anyhow::anyhow!(
                    "{}: cannot write the report: {e}",
                    path.display()
                ))
            }),
            None => {
                use std::io::Write as _;
                if !body.is_empty() && !body.ends_with('\n') {
                    body.push('\n');
                }
                std::io::stdout()
                    .lock()
                    .write_all(body.as_bytes())
                    .map_err(Failure::external)
            }
        }
    }
}

impl<E> From<E> for Failure
where
    E: ExitClass + std::error::Error + Send + Sync + 'static,
{
    fn from(error: E) -> Self {
        Self {
            exit: error.exit_class(),
            error: error.into(),
        }
    }
}

/// Context for a library error at the edge, keeping its exit class.
pub trait FailureContext<T> {
    /// The error, with `what` was being done.
    fn doing(self, what: impl FnOnce() -> String) -> Result<T, Failure>;
}

impl<T, E> FailureContext<T> for Result<T, E>
where
    E: ExitClass + std::error::Error + Send + Sync + 'static,
{
    fn doing(self, what: impl FnOnce() -> String) -> Result<T, Failure> {
        self.map_err(|error| Failure {
            exit: error.exit_class(),
            error: anyhow::Error::new(error).context(what()),
        })
    }
}
