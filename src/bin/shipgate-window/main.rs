//! `shipgate-window`: may a release start deploying to an environment now, and if not, when?
use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser as _};
use clap::{Parser, ValueEnum};
use shipgate::cli::{CommonArgs, ForgeArg, ForgeArgs, Format};
use shipgate::window::Risk;

mod run;

/// Check the deployment window: may a release start deploying to ENV now (or at --at)? Applies
/// the `windows:` policy in its time zone — freezes, vacations, holidays, denied weekdays, the
/// day before a day off, hours and min_time_left — and, on GitLab, the project's deploy freeze
/// periods. When denied, says why and when the window opens next.
#[derive(Debug, Parser)]
#[command(name = "shipgate-window", version, about, long_about, after_long_help = AFTER_HELP)]
#[command(mut_arg("forge", |arg| arg
    .help("Read deploy freeze periods from this forge [default: gitlab in GitLab CI, else none]")
    .value_parser(freeze_forge())))]
#[command(mut_arg("api_url", |arg| arg
    .help("GitLab API base [default: CI_API_V4_URL, else https://gitlab.com/api/v4]")))]
#[command(mut_arg("repository", |arg| arg
    .help("The GitLab project id or path [default: CI_PROJECT_ID]")
    .value_name("ID-OR-PATH")))]
struct Cli {
    /// The environment [default: the last of `environments`, e.g. production]
    #[arg(long = "env", value_name = "NAME")]
    environment: Option<String>,

    /// The moment to check, RFC 3339 (2026-11-27T10:00:00+01:00) [default: now]
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,

    /// The release's risk [default: high for a major bump or a risky --schema-report, else low]
    #[arg(long, value_enum)]
    risk: Option<Risk>,

    /// The release, to derive the risk [default: the pipeline's release tag, or the one on HEAD]
    #[arg(long, value_name = "X.Y.Z")]
    release: Option<String>,

    /// A `shipgate-schema --format json` report, to derive the risk
    #[arg(long, value_name = "FILE")]
    schema_report: Option<PathBuf>,

    /// A path inside the repository
    #[arg(long, value_name = "PATH", default_value = ".")]
    repo: PathBuf,

    #[command(flatten)]
    forge: ForgeArgs,

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

/// `--forge` here names where freeze periods come from: `gitlab`, or `none` (no forge is read).
fn freeze_forge() -> impl clap::builder::TypedValueParser<Value = ForgeArg> {
    PossibleValuesParser::new([
        PossibleValue::new("gitlab").help("Read the project's deploy freeze periods"),
        PossibleValue::new("none").help("Read no freeze periods"),
    ])
    .map(|name| match name.as_str() {
        "gitlab" => ForgeArg::Gitlab,
        _ => ForgeArg::Local,
    })
}

fn main() -> ExitCode {
    shipgate::cli::main::<Cli>()
}
