//! `shipgate-notify`: tell people a deployment starts, runs late, ends, fails or is rolled back.
#![allow(clippy::print_stdout)]
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use semver::Version;
use shipgate::ci::{CiEnv, Outputs};
use shipgate::cli::{
    CommonArgs, Failure, ForgeArgs, Format, OutputArgs, TokenNeeds, init_logging, load_config,
    project_name, resolve_version, set_output,
};
use shipgate::config::notify::{Channel, ChannelKind, Event, Language};
use shipgate::config::{Config, Span};
use shipgate::deploy_issue::Image;
use shipgate::forge::{AnyForge, Forge};
use shipgate::notify::{
    self, Component, DeliveryStatus, DeployReport, Facts, Outcome, Secrets, SendRequest, Templates,
    Watched,
};

/// Tell people about a deployment — before it starts (tickets, components, restarts, estimate),
/// when it runs late, and when it ends or fails (with where to report problems) — on Slack,
/// generic webhooks (Teams, Mattermost, Discord), e-mail and the deployment issue.
#[derive(Debug, Parser)]
#[command(name = "shipgate-notify", version, about, long_about, after_long_help = AFTER_HELP)]
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
    /// The deployment is about to start
    Start(EventArgs),
    /// The deployment runs past its estimate
    Delay(EventArgs),
    /// The deployment ended well
    End(EventArgs),
    /// The deployment failed
    Failure(EventArgs),
    /// The deployment was rolled back
    Rollback(EventArgs),
    /// Run the deploy command: `start` first, `delay` once past --estimate, then `end` or
    /// `failure` with the duration; exit with the command's exit code
    Watch {
        #[command(flatten)]
        event: EventArgs,
        /// The deploy command and its arguments, after `--`
        #[arg(last = true, required = true, value_name = "CMD")]
        command: Vec<String>,
    },
    /// Write the deployment report (date, version, strategy, duration, downtime, result, checks,
    /// issues met) to the job summary and as a comment on the deployment issue
    Report(ReportArgs),
}

#[derive(Debug, Clone, Args)]
struct ReportArgs {
    /// The release [default: the release tag of the pipeline, or on HEAD]
    #[arg(long)]
    version: Option<String>,
    /// The environment deployed to
    #[arg(long = "env", value_name = "NAME", env = "SHIPGATE_ENVIRONMENT")]
    environment: String,
    /// How it ended
    #[arg(long, value_enum, default_value_t = ResultArg::Success)]
    result: ResultArg,
    /// It was rolled back
    #[arg(long)]
    rolled_back: bool,
    /// How it was deployed (rolling, blue-green, recreate, …)
    #[arg(long, value_name = "NAME")]
    strategy: Option<String>,
    /// How long it took: 90s, 12m30s, 1h
    #[arg(long, value_name = "DURATION")]
    duration: Option<Span>,
    /// How long the service was down
    #[arg(long, value_name = "DURATION")]
    downtime: Option<Span>,
    /// A check and its verdict, NAME=pass or NAME=fail (repeatable)
    #[arg(long, value_name = "NAME=pass|fail")]
    check: Vec<notify::Check>,
    /// A problem met on the way (repeatable)
    #[arg(long, value_name = "TEXT")]
    problem: Vec<String>,
    /// The report's language [default: notify.language]
    #[arg(long, value_enum)]
    language: Option<LanguageArg>,
    /// Do not comment on the deployment issue
    #[arg(long)]
    no_issue: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ResultArg {
    Success,
    Failure,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LanguageArg {
    En,
    Es,
}

#[derive(Debug, Clone, Args)]
struct EventArgs {
    /// The release [default: the release tag of the pipeline, or on HEAD]
    #[arg(long)]
    version: Option<String>,
    /// The environment deployed to
    #[arg(long = "env", value_name = "NAME", env = "SHIPGATE_ENVIRONMENT")]
    environment: String,
    /// The estimated duration: 90s, 15m, 1h30m (units ms, s, m, h)
    #[arg(long, value_name = "DURATION")]
    estimate: Option<Span>,
    /// How long it took, for end, failure and rollback
    #[arg(long, value_name = "DURATION")]
    duration: Option<Span>,
    /// Send only to this channel of notify.channels (repeatable) [default: every channel that
    /// hears about the event]
    #[arg(long, value_name = "NAME")]
    channel: Vec<String>,
    /// A component deployed, NAME=VERSION or NAME=IMAGE (repeatable; adds to notify.components)
    #[arg(long, value_name = "NAME=REF")]
    image: Vec<Image>,
    /// Something that must be restarted (repeatable; replaces notify.restarts)
    #[arg(long, value_name = "WHAT")]
    restart: Vec<String>,
    /// The deployment issue's address [default: found on the forge when an issue channel is used]
    #[arg(long, value_name = "URL")]
    issue_url: Option<String>,
}

const AFTER_HELP: &str = concat!(
    "Channels come from notify.channels in shipgate.yml; each hears about the events it lists. Webhook URLs and SMTP passwords are read from the environment variables the config names (webhook_env, password_env) and never printed: results name channels only.\n\n",
    "Messages come from templates: built-in ones in English (en) and Spanish (es), replaced file by file by notify.templates/LANG/EVENT.txt (first line: the title) and LANG/EVENT.md. Tickets are collected from the release's commits: Refs:/Closes:/Fixes: footers, #123 and notify.ticket_pattern.\n\n",
    "A channel that fails is retried (notify.retries, notify.backoff doubling); the others are sent either way. Issue comments carry a hidden marker and are written once per event, environment and CI run.\n\n",
    "watch: `shipgate-notify watch --env production --estimate 15m -- ./deploy.sh prod` runs the command with this job's stdin, stdout and stderr (stdout goes to stderr with --format json).\n\n",
    "report: the deployment report (LANG/report.md) goes to $GITHUB_STEP_SUMMARY and, once per version, environment and CI run, as a comment on the deployment issue (skipped with a warning when there is none); its output is report-issue.\n\n",
    "Outputs: sent, failed (channel names, comma-separated) — to $GITHUB_OUTPUT and --dotenv FILE.\n\n",
    "Exit codes: 0 done (a channel that is not required may have failed: see the output); 2 usage or configuration error, or a required channel whose secret variable is not set or has no deployment issue; 3 a required channel failed after retries. watch exits with the command's exit code, or with 2 or 3 as above when the command succeeded."
);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let var = |key: &str| std::env::var(key).ok();
    init_logging(&cli.common, var("SHIPGATE_LOG"), var("NO_COLOR").is_some());
    let ci = CiEnv::from_env();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return Failure::external(e).report(),
    };
    match runtime.block_on(run(&cli, &ci)) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => failure.report(),
    }
}

/// Everything one invocation needs, prepared once.
struct Prepared<'a> {
    config: &'a Config,
    channels: Vec<&'a Channel>,
    facts: Facts,
    templates: Templates,
    secrets: Secrets,
    forge: Option<AnyForge>,
    issue: Result<(u64, String), String>,
    run_id: String,
    root: PathBuf,
}

async fn run(cli: &Cli, ci: &CiEnv) -> Result<u8, Failure> {
    let config = load_config(&cli.repo, cli.common.config.as_deref())?;
    let (args, watch) = match &cli.command {
        Command::Report(args) => return report_command(cli, ci, &config, args).await,
        Command::Start(a)
        | Command::Delay(a)
        | Command::End(a)
        | Command::Failure(a)
        | Command::Rollback(a) => (a, None),
        Command::Watch { event, command } => (event, Some(command)),
    };
    let first = match &cli.command {
        Command::Start(_) | Command::Watch { .. } | Command::Report(_) => Event::Start,
        Command::Delay(_) => Event::Delay,
        Command::End(_) => Event::End,
        Command::Failure(_) => Event::Failure,
        Command::Rollback(_) => Event::Rollback,
    };
    let prepared = prepare(cli, ci, &config, args, watch.is_some(), first).await?;
    let Some(command) = watch else {
        let outcome = send(&prepared, &prepared.facts).await?;
        let code = outcome.exit_code();
        let text = notify::text_report(&prepared.facts, &outcome);
        publish(cli, ci, &prepared.facts, &[(first, outcome)], None, &text)?;
        return Ok(code);
    };
    watch_command(cli, ci, &prepared, args, command).await
}

async fn prepare<'a>(
    cli: &Cli,
    ci: &CiEnv,
    config: &'a Config,
    args: &EventArgs,
    watching: bool,
    event: Event,
) -> Result<Prepared<'a>, Failure> {
    let notify = &config.notify;
    for name in &args.channel {
        if !notify.channels.iter().any(|c| &c.name == name) {
            return Err(Failure::usage(anyhow::anyhow!(
                "--channel {name}: no such channel in notify.channels ({})",
                notify
                    .channels
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    let channels: Vec<&Channel> = notify
        .channels
        .iter()
        .filter(|c| args.channel.is_empty() || args.channel.contains(&c.name))
        .collect();
    let prefix = &config.version.tag_prefix;
    let version = resolve_version(args.version.as_deref(), "--version", ci, &cli.repo, prefix)?;
    let (previous, messages) = release_history(&cli.repo, &version, prefix);
    let pattern = regex::Regex::new(&notify.ticket_pattern).map_err(Failure::usage)?;
    let mut components: Vec<Component> = notify
        .components
        .iter()
        .map(|(name, version)| Component {
            name: name.clone(),
            version: version.clone(),
        })
        .collect();
    for image in &args.image {
        components.retain(|c| c.name != image.name);
        components.push(Component {
            name: image.name.clone(),
            version: image.reference.clone(),
        });
    }
    let root = shipgate::git::Repo::discover(&cli.repo)
        .map(|r| r.root().to_path_buf())
        .unwrap_or_else(|_| cli.repo.clone());
    let project = if notify.project.is_empty() {
        project_name(&[], ci, &root)
    } else {
        notify.project.clone()
    };
    let templates = Templates::new(
        (!notify.templates.as_os_str().is_empty())
            .then(|| root.join(&notify.templates))
            .as_deref(),
    );
    let needs_issue = channels.iter().any(|c| {
        c.kind == ChannelKind::Issue
            && (c.wants(event) || (watching && Event::ALL.iter().any(|e| c.wants(*e))))
    });
    let (forge, issue) = if needs_issue {
        find_issue(cli, ci, config, &version).await
    } else {
        (None, Err("no issue channel".to_owned()))
    };
    let issue_url = args.issue_url.clone();
    let mut facts = Facts {
        event,
        project,
        environment: args.environment.clone(),
        version: version.to_string(),
        previous_version: previous.map(|v| v.to_string()),
        tickets: notify::collect_tickets(&messages, &pattern, &notify.ticket_url),
        components,
        restarts: if args.restart.is_empty() {
            notify.restarts.clone()
        } else {
            args.restart.clone()
        },
        estimate: args.estimate.map(|s| s.to_string()),
        duration: args.duration.map(|s| s.to_string()),
        exit_code: None,
        issue_url,
        pipeline_url: ci.run_url.clone(),
        actor: ci
            .actor
            .clone()
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_else(|| "shipgate".to_owned()),
        support: notify.support.clone(),
    };
    let (issue, url) = match issue {
        Ok((number, login, url)) => (Ok((number, login)), Some(url)),
        Err(why) => (Err(why), None),
    };
    if facts.issue_url.is_none() {
        facts.issue_url = url;
    }
    Ok(Prepared {
        config,
        channels,
        facts,
        templates,
        secrets: Secrets::from_lookup(notify, |name| std::env::var(name).ok()),
        forge,
        issue,
        run_id: ci.run_id.clone().unwrap_or_else(|| "local".to_owned()),
        root,
    })
}

/// Connect to the forge and find our open deployment issue for `version`.
async fn find_issue(
    cli: &Cli,
    ci: &CiEnv,
    config: &Config,
    version: &Version,
) -> (Option<AnyForge>, Result<(u64, String, String), String>) {
    let connected = match cli.forge.connect(
        ci,
        config,
        &cli.repo,
        TokenNeeds {
            github: "issues: write",
            gitlab: "Reporter",
        },
    ) {
        Ok(connected) => connected,
        Err(failure) => return (None, Err(format!("{:#}", failure.error))),
    };
    let forge = connected.forge;
    let found = async {
        let login = forge.own_login().await.map_err(|e| e.to_string())?;
        match shipgate::issue::own_open_issue(&forge, &login, version).await {
            Ok(Some(issue)) => Ok((issue.number, login, issue.url)),
            Ok(None) => Err(format!(
                "no open deployment issue for v{version}: run `shipgate-issue open` first"
            )),
            Err(e) => Err(e.to_string()),
        }
    }
    .await;
    (Some(forge), found)
}

async fn send(prepared: &Prepared<'_>, facts: &Facts) -> Result<Outcome, Failure> {
    let request = SendRequest {
        config: &prepared.config.notify,
        channels: prepared
            .channels
            .iter()
            .copied()
            .filter(|c| c.wants(facts.event))
            .collect(),
        facts,
        templates: &prepared.templates,
        secrets: &prepared.secrets,
        base_dir: prepared.root.clone(),
        run_id: prepared.run_id.clone(),
        issue: prepared.issue.clone(),
    };
    notify::send(&request, prepared.forge.as_ref())
        .await
        .map_err(Failure::usage)
}

/// Run the deploy command between `start` and `end`/`failure`, with `delay` past the estimate.
async fn watch_command(
    cli: &Cli,
    ci: &CiEnv,
    prepared: &Prepared<'_>,
    args: &EventArgs,
    command: &[String],
) -> Result<u8, Failure> {
    let mut sent = Vec::new();
    let mut text = String::new();
    let mut worst = 0u8;
    let mut record = |event: Event, facts: &Facts, outcome: Outcome| {
        text.push_str(&notify::text_report(facts, &outcome));
        worst = worst.max(outcome.exit_code());
        sent.push((event, outcome));
    };
    let outcome = send(prepared, &prepared.facts).await?;
    record(Event::Start, &prepared.facts, outcome);

    let delay = prepared.facts.for_event(Event::Delay);
    let mut late_outcome = None;
    let finished = notify::run_watched(
        command,
        cli.output.format == Format::Json,
        args.estimate.map(Span::duration),
        || async {
            late_outcome = Some(send(prepared, &delay).await?);
            Ok::<(), Failure>(())
        },
    )
    .await?;
    if let Some(outcome) = late_outcome {
        record(Event::Delay, &delay, outcome);
    }
    let (code, delayed) = (finished.exit_code, finished.delayed);
    // Whole seconds: people read "12m30s", not milliseconds.
    let duration = Span::seconds(finished.elapsed.as_secs());
    let mut facts = prepared.facts.for_event(if code == 0 {
        Event::End
    } else {
        Event::Failure
    });
    facts.duration = Some(duration.to_string());
    facts.exit_code = (code != 0).then_some(code);
    let outcome = send(prepared, &facts).await?;
    let event = facts.event;
    record(event, &facts, outcome);
    let watched = Watched {
        exit_code: code,
        duration: duration.to_string(),
        delayed,
    };
    text.push_str(&format!(
        "`{}` exited with {code} after {}\n",
        command.join(" "),
        watched.duration
    ));
    publish(cli, ci, &facts, &sent, Some(&watched), &text)?;
    Ok(match code {
        0 => worst,
        c => u8::try_from(c).unwrap_or(1),
    })
}

/// The deployment report: to the job summary, as a comment on the deployment issue, and on
/// stdout.
async fn report_command(
    cli: &Cli,
    ci: &CiEnv,
    config: &Config,
    args: &ReportArgs,
) -> Result<u8, Failure> {
    let prefix = &config.version.tag_prefix;
    let version = resolve_version(args.version.as_deref(), "--version", ci, &cli.repo, prefix)?;
    let (previous, _) = release_history(&cli.repo, &version, prefix);
    let root = shipgate::git::Repo::discover(&cli.repo)
        .map(|r| r.root().to_path_buf())
        .unwrap_or_else(|_| cli.repo.clone());
    let notify_config = &config.notify;
    let report = DeployReport {
        project: if notify_config.project.is_empty() {
            project_name(&[], ci, &root)
        } else {
            notify_config.project.clone()
        },
        environment: args.environment.clone(),
        version: version.to_string(),
        previous_version: previous.map(|v| v.to_string()),
        date: jiff::Timestamp::now()
            .strftime("%Y-%m-%d %H:%M UTC")
            .to_string(),
        strategy: args.strategy.clone(),
        duration: args.duration.map(|d| d.to_string()),
        downtime: args.downtime.map(|d| d.to_string()),
        result: match args.result {
            ResultArg::Success => "success",
            ResultArg::Failure => "failure",
        }
        .to_owned(),
        rolled_back: args.rolled_back,
        checks: args.check.clone(),
        problems: args.problem.clone(),
        actor: ci
            .actor
            .clone()
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_else(|| "shipgate".to_owned()),
        pipeline_url: ci.run_url.clone(),
    };
    let language = match args.language {
        Some(LanguageArg::En) => Language::En,
        Some(LanguageArg::Es) => Language::Es,
        None => notify_config.language,
    };
    let templates = Templates::new(
        (!notify_config.templates.as_os_str().is_empty())
            .then(|| root.join(&notify_config.templates))
            .as_deref(),
    );
    let markdown = notify::render_report(&templates, &report, language).map_err(Failure::usage)?;
    let summary = match &ci.github_step_summary {
        Some(path) => {
            shipgate::ci::append_step_summary(path, &markdown).map_err(Failure::external)?;
            true
        }
        None => false,
    };
    let (issue, code) = if args.no_issue {
        ("skipped".to_owned(), 0)
    } else {
        match find_issue(cli, ci, config, &version).await {
            (Some(forge), Ok((number, login, _))) => {
                let run = ci.run_id.clone().unwrap_or_else(|| "local".to_owned());
                let marker = notify::report_marker(&report.version, &report.environment, &run);
                match notify::comment_report(&forge, &login, number, &marker, &markdown).await {
                    Ok(true) => (format!("commented on #{number}"), 0),
                    Ok(false) => (format!("already on #{number}"), 0),
                    Err(e) => {
                        tracing::error!("commenting the report on #{number}: {e}");
                        (format!("failed: {e}"), 3)
                    }
                }
            }
            (None, Ok(_)) => ("skipped: no forge".to_owned(), 0),
            (_, Err(why)) => {
                tracing::warn!("the report is not on the deployment issue: {why}");
                (format!("skipped: {why}"), 0)
            }
        }
    };
    let mut outputs = Outputs::new();
    set_output(
        &mut outputs,
        "report-issue",
        issue.replace(['\n', '\r'], " "),
    )?;
    if let Some(path) = &ci.github_output {
        shipgate::ci::write_github_output(path, &outputs).map_err(Failure::external)?;
    }
    if let Some(path) = &cli.output.dotenv {
        shipgate::ci::write_dotenv(path, &outputs).map_err(Failure::external)?;
    }
    match cli.output.format {
        Format::Text => print!("{markdown}"),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "version": report.version,
                "environment": report.environment,
                "markdown": markdown,
                "summary": summary,
                "issue": issue,
            }))
            .map_err(Failure::external)?
        ),
    }
    Ok(code)
}

/// Outputs and the report on stdout.
fn publish(
    cli: &Cli,
    ci: &CiEnv,
    facts: &Facts,
    sent: &[(Event, Outcome)],
    watched: Option<&Watched>,
    text: &str,
) -> Result<(), Failure> {
    let names = |status: fn(DeliveryStatus) -> bool| {
        let mut names: Vec<&str> = Vec::new();
        for (_, outcome) in sent {
            for d in &outcome.deliveries {
                if status(d.status) && !names.contains(&d.channel.as_str()) {
                    names.push(&d.channel);
                }
            }
        }
        names.join(",")
    };
    let mut outputs = Outputs::new();
    set_output(&mut outputs, "sent", names(|s| s != DeliveryStatus::Failed))?;
    set_output(
        &mut outputs,
        "failed",
        names(|s| s == DeliveryStatus::Failed),
    )?;
    if let Some(path) = &ci.github_output {
        shipgate::ci::write_github_output(path, &outputs).map_err(Failure::external)?;
    }
    if let Some(path) = &cli.output.dotenv {
        shipgate::ci::write_dotenv(path, &outputs).map_err(Failure::external)?;
    }
    match cli.output.format {
        Format::Text => print!("{text}"),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&notify::json_report(facts, sent, watched))
                .map_err(Failure::external)?
        ),
    }
    Ok(())
}

/// The release before `version` and the messages of the commits since it (both empty when
/// git cannot tell: notifications still go out).
fn release_history(repo: &Path, version: &Version, prefix: &str) -> (Option<Version>, Vec<String>) {
    notify::release_history(repo, version, prefix).unwrap_or_else(|e| {
        tracing::warn!("no tickets or previous version from git: {e}");
        (None, Vec::new())
    })
}
