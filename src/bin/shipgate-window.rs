//! `shipgate-window`: may a release start deploying to an environment now, and if not, when?
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, anyhow};
use clap::{Parser, ValueEnum};
use secrecy::SecretString;
use semver::Version;
use shipgate::ci::{CiEnv, Platform};
use shipgate::cli::{CommonArgs, Exit, Failure, Format, init_logging, load_config, release_risk};
use shipgate::config::Config;
use shipgate::forge::Forge as _;
use shipgate::forge::gitlab::GitlabForge;
use shipgate::window::report::WindowReport;
use shipgate::window::{Calendar, Risk, RiskChoice, choose_risk};

/// Check the deployment window: may a release start deploying to ENV now (or at --at)? Applies
/// the `windows:` policy in its time zone — freezes, vacations, holidays, denied weekdays, the
/// day before a day off, hours and min_time_left — and, on GitLab, the project's deploy freeze
/// periods. When denied, says why and when the window opens next.
#[derive(Debug, Parser)]
#[command(name = "shipgate-window", version, about, long_about, after_long_help = AFTER_HELP)]
struct Cli {
    /// The environment [default: the last of `environments`, e.g. production]
    #[arg(long = "env", value_name = "NAME")]
    environment: Option<String>,

    /// The moment to check, RFC 3339 (2026-11-27T10:00:00+01:00) [default: now]
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,

    /// The release's risk [default: high for a major bump or a risky --schema-report, else low]
    #[arg(long, value_enum)]
    risk: Option<RiskArg>,

    /// The release, to derive the risk [default: the pipeline's release tag, or the one on HEAD]
    #[arg(long, value_name = "X.Y.Z")]
    release: Option<String>,

    /// A `shipgate-schema --format json` report, to derive the risk
    #[arg(long, value_name = "FILE")]
    schema_report: Option<PathBuf>,

    /// A path inside the repository
    #[arg(long, value_name = "PATH", default_value = ".")]
    repo: PathBuf,

    /// Read deploy freeze periods from this forge [default: gitlab in GitLab CI, else none]
    #[arg(long, value_enum)]
    forge: Option<ForgeArg>,

    /// GitLab API base [default: CI_API_V4_URL, else https://gitlab.com/api/v4]
    #[arg(long, value_name = "URL")]
    api_url: Option<String>,

    /// The GitLab project id or path [default: CI_PROJECT_ID]
    #[arg(long, value_name = "ID-OR-PATH")]
    repository: Option<String>,

    /// Result format on stdout (logs always go to stderr)
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// Also write the outputs to this dotenv file (GitLab artifacts:reports:dotenv; SHIPGATE_* keys)
    #[arg(long, value_name = "FILE")]
    dotenv: Option<PathBuf>,

    #[command(flatten)]
    common: CommonArgs,
}

const AFTER_HELP: &str = concat!(
    "Rules, in windows.timezone (DST included): freezes (windows.freezes, and GitLab deploy freeze periods when on GitLab with GITLAB_TOKEN and windows.gitlab_freeze_periods); vacations; holidays (windows.holidays and the iCalendar windows.holidays_file); denied weekdays (windows.deny_weekdays, default fri, sat, sun); the day before a non-working day, a holiday or a vacation (deny_day_before_holiday); hours; and min_time_left before the hours end. windows.environments gives an environment its own policy; `open: true` (stage by default) skips every rule except freezes that name it. High-risk releases get windows.high_risk on top.\n\n",
    "Risk: --risk, else high when the major version went up since the previous release (--release, else the release tag of the pipeline or on HEAD), or when --schema-report has order code-first or blocked or a destructive change; else low. The output says which and why.\n\n",
    "Outputs: allowed (true/false), reason, next (RFC 3339, empty when allowed), risk — to $GITHUB_OUTPUT in GitHub Actions and to --dotenv FILE for GitLab. When denied on GitHub, one line goes to the job summary.\n\n",
    "Exit codes: 0 allowed; 1 denied; 2 usage or configuration error (bad --at, unknown environment, bad holidays file); 3 external failure (the GitLab API after retries)."
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RiskArg {
    Low,
    High,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ForgeArg {
    /// Read the project's deploy freeze periods.
    Gitlab,
    /// Read no freeze periods.
    None,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let var = |key: &str| std::env::var(key).ok();
    init_logging(&cli.common, var("SHIPGATE_LOG"), var("NO_COLOR").is_some());
    let ci = CiEnv::from_env();
    let token = var("GITLAB_TOKEN")
        .filter(|t| !t.is_empty())
        .map(SecretString::from);
    match run(&cli, &ci, token) {
        Ok(exit) => exit.into(),
        Err(failure) => failure.report(),
    }
}

fn run(cli: &Cli, ci: &CiEnv, token: Option<SecretString>) -> Result<Exit, Failure> {
    let config = load_config(&cli.repo, cli.common.config.as_deref())?;
    let environment = match &cli.environment {
        Some(name) if config.environments.contains(name) => name.clone(),
        Some(name) => {
            return Err(Failure::usage(anyhow!(
                "--env {name} is not one of the configured environments ({}); check \
                 `environments` in shipgate.yml",
                config.environments.join(", ")
            )));
        }
        None => config.environments.last().cloned().unwrap_or_default(),
    };
    let at = match &cli.at {
        Some(text) => text
            .parse::<jiff::Timestamp>()
            .with_context(|| {
                format!(
                    "--at {text}: not an RFC 3339 instant; write e.g. 2026-11-27T10:00:00+01:00 \
                     or 2026-11-27T09:00:00Z"
                )
            })
            .map_err(Failure::usage)?,
        None => jiff::Timestamp::now(),
    };
    let root = shipgate::git::Repo::discover(&cli.repo)
        .map(|r| r.root().to_path_buf())
        .unwrap_or_else(|_| cli.repo.clone());
    let mut calendar = Calendar::load(&config.windows, &root).map_err(Failure::usage)?;
    let on_gitlab = cli.forge.unwrap_or(match ci.platform {
        Platform::GitLabCi => ForgeArg::Gitlab,
        _ => ForgeArg::None,
    }) == ForgeArg::Gitlab;
    if on_gitlab && config.windows.gitlab_freeze_periods {
        match token {
            Some(token) => {
                let periods = freeze_periods(cli, ci, &config, token)?;
                tracing::info!("{} GitLab deploy freeze period(s)", periods.len());
                calendar = calendar
                    .with_freeze_periods(&periods)
                    .map_err(Failure::usage)?;
            }
            None => tracing::warn!(
                "GITLAB_TOKEN is not set: the project's deploy freeze periods are not checked"
            ),
        }
    }
    let risk = risk(cli, ci, &config)?;
    let verdict = calendar.check(&environment, risk.risk, at);
    let report = WindowReport::new(&calendar, &environment, at, &risk, &verdict);
    publish(cli, ci, &report).map_err(Failure::external)?;
    Ok(if report.allowed {
        Exit::Done
    } else {
        Exit::Denied
    })
}

/// The project's deploy freeze periods, through the GitLab API.
fn freeze_periods(
    cli: &Cli,
    ci: &CiEnv,
    config: &Config,
    token: SecretString,
) -> Result<Vec<shipgate::forge::FreezePeriod>, Failure> {
    let project = cli
        .repository
        .clone()
        .or_else(|| ci.gitlab_project_id.clone())
        .ok_or_else(|| {
            Failure::usage(anyhow!(
                "no GitLab project for the deploy freeze periods: pass --repository ID-OR-PATH \
                 or set CI_PROJECT_ID"
            ))
        })?;
    let server = ci
        .gitlab_server_url
        .clone()
        .unwrap_or_else(|| "https://gitlab.com".to_owned());
    let api = cli
        .api_url
        .clone()
        .or_else(|| ci.gitlab_api_url.clone())
        .unwrap_or_else(|| format!("{}/api/v4", server.trim_end_matches('/')));
    let login = Some(config.forge.login.clone()).filter(|l| !l.is_empty());
    let forge = GitlabForge::new(&api, &project, token, login).map_err(Failure::usage)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Failure::external)?;
    runtime
        .block_on(forge.freeze_periods())
        .context("reading the GitLab deploy freeze periods")
        .map_err(Failure::external)
}

/// `--risk`, else derived from the release's bump and `--schema-report`.
fn risk(cli: &Cli, ci: &CiEnv, config: &Config) -> Result<RiskChoice, Failure> {
    if let Some(given) = cli.risk {
        let risk = match given {
            RiskArg::Low => Risk::Low,
            RiskArg::High => Risk::High,
        };
        return Ok(choose_risk(Some(risk), None, None, None));
    }
    let prefix = &config.version.tag_prefix;
    let version = release_version(cli, ci, prefix)?;
    release_risk(
        &cli.repo,
        prefix,
        version.as_ref(),
        cli.schema_report.as_deref(),
    )
}

/// `--release`, else the pipeline's release tag, else the release tag on HEAD.
fn release_version(cli: &Cli, ci: &CiEnv, prefix: &str) -> Result<Option<Version>, Failure> {
    if let Some(text) = &cli.release {
        let text = text.strip_prefix(prefix).unwrap_or(text);
        return Version::parse(text)
            .with_context(|| format!("--release {text}: not a version such as 1.4.2"))
            .map(Some)
            .map_err(Failure::usage);
    }
    if let Some(version) = ci
        .tag
        .as_deref()
        .and_then(|tag| tag.strip_prefix(prefix))
        .and_then(|v| Version::parse(v).ok())
    {
        return Ok(Some(version));
    }
    match shipgate::release::version_at_head(&cli.repo, prefix) {
        Ok(version) => Ok(version),
        Err(err) => {
            tracing::warn!("cannot read the release tag on HEAD: {err}");
            Ok(None)
        }
    }
}

fn publish(cli: &Cli, ci: &CiEnv, report: &WindowReport) -> anyhow::Result<()> {
    let outputs = report.outputs()?;
    if let Some(path) = &ci.github_output {
        shipgate::ci::write_github_output(path, &outputs)?;
    }
    if let Some(path) = &cli.dotenv {
        shipgate::ci::write_dotenv(path, &outputs)?;
    }
    if let (Some(path), Some(line)) = (&ci.github_step_summary, report.step_summary()) {
        shipgate::ci::append_step_summary(path, &line)?;
    }
    let text = match cli.format {
        Format::Text => report.text(),
        Format::Json => report.json(),
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}
