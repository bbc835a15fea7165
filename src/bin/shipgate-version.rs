//! `shipgate-version`: the next semantic version from Conventional Commits; manifests bumped, commit, annotated tag, push.
#![allow(clippy::print_stdout, clippy::print_stderr)]
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, ValueEnum};
use secrecy::SecretString;
use shipgate::ci::{CiEnv, Outputs, Platform};
use shipgate::cli::{CommonArgs, Exit, Failure, Format, init_logging, load_config};
use shipgate::config::version::BumpLevel;
use shipgate::git::{Identity, PushAuth};
use shipgate::version::{BumpRequest, Outcome, PushTarget, VersionRequest};

/// Release the commits since the last tag: decide the next semantic version from their
/// Conventional Commit messages, bump the version in the manifests, commit
/// `chore(release): vX.Y.Z`, create an annotated tag holding the release notes, and push both.
#[derive(Debug, Parser)]
#[command(name = "shipgate-version", version, about, long_about, after_long_help = AFTER_HELP)]
struct Cli {
    /// A path inside the repository to release
    #[arg(long, value_name = "PATH", default_value = ".")]
    repo: PathBuf,

    /// The bump to apply; auto decides from the commits
    #[arg(long, value_enum, default_value_t = BumpArg::Auto)]
    bump: BumpArg,

    /// Make a prerelease X.Y.Z-ID.N (N counted from existing tags), e.g. --pre rc
    #[arg(long, value_name = "ID")]
    pre: Option<String>,

    /// Compute and print everything; write nothing (works on a dirty tree)
    #[arg(long)]
    dry_run: bool,

    /// Commit and tag locally, do not push
    #[arg(long)]
    no_push: bool,

    /// The remote to push to
    #[arg(long, value_name = "NAME", default_value = "origin")]
    remote: String,

    /// The branch to push the release commit to [default: the checked-out branch, or the CI's branch when HEAD is detached]
    #[arg(long, value_name = "NAME")]
    branch: Option<String>,

    /// Sign the tag with your git signing setup (user.signingkey, gpg.format)
    #[arg(long)]
    sign: bool,

    /// Also write the release notes (Markdown) to this file
    #[arg(long, value_name = "PATH")]
    notes_file: Option<PathBuf>,

    /// Also write the outputs to this dotenv file (GitLab artifacts:reports:dotenv; SHIPGATE_* keys, single-line values)
    #[arg(long, value_name = "FILE")]
    dotenv: Option<PathBuf>,

    /// Result format on stdout (logs always go to stderr)
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    #[command(flatten)]
    common: CommonArgs,
}

const AFTER_HELP: &str = concat!(
    "Bump rules: feat → minor; fix, perf, revert → patch (version.types); `!` or a BREAKING CHANGE: / BREAKING-CHANGE: footer → major. While the major version is 0, a breaking change bumps minor (version.pre_major_breaking) and a feature bumps minor (version.pre_major_feature). A `Release-As: X.Y.Z` footer forces that version; --bump overrides everything. Commits that are not Conventional Commits are listed as ignored.\n\n",
    "Outputs: released, version, tag, previous-version, previous-tag, bump, notes — to $GITHUB_OUTPUT in GitHub Actions, to --dotenv FILE for GitLab, and on stdout (--format json: one object, snake_case keys).\n\n",
    "Pushing uses GITHUB_TOKEN or GITLAB_TOKEN for HTTPS remotes on the forge's host (GITHUB_SERVER_URL, CI_SERVER_URL), else git's credential helpers or ssh-agent.\n\n",
    "Exit codes: 0 done (also when there is nothing to release); 2 usage, configuration or repository state (not a repository, shallow clone, dirty tree, bad manifest, tag already on another commit); 3 git or remote failure (push failed, network). Re-running after a success or a failed push is safe."
);

#[derive(Debug, Clone, Copy, ValueEnum)]
enum BumpArg {
    Auto,
    Major,
    Minor,
    Patch,
}

impl From<BumpArg> for BumpRequest {
    fn from(arg: BumpArg) -> Self {
        match arg {
            BumpArg::Auto => BumpRequest::Auto,
            BumpArg::Major => BumpRequest::Force(BumpLevel::Major),
            BumpArg::Minor => BumpRequest::Force(BumpLevel::Minor),
            BumpArg::Patch => BumpRequest::Force(BumpLevel::Patch),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let var = |key: &str| std::env::var(key).ok();
    init_logging(&cli.common, var("SHIPGATE_LOG"), var("NO_COLOR").is_some());
    let ci = CiEnv::from_env();
    match release(&cli, &ci) {
        Ok(()) => Exit::Done.into(),
        Err(failure) => failure.report(),
    }
}

fn release(cli: &Cli, ci: &CiEnv) -> Result<(), Failure> {
    let config = load_config(&cli.repo, cli.common.config.as_deref())?;
    let request = VersionRequest {
        repo: cli.repo.clone(),
        config: config.version,
        bump: cli.bump.into(),
        pre: cli.pre.clone(),
        dry_run: cli.dry_run,
        push: (!cli.no_push).then(|| PushTarget {
            remote: cli.remote.clone(),
            auth: push_auth(ci),
        }),
        sign: cli.sign,
        notes_file: cli.notes_file.clone(),
        branch: cli.branch.clone(),
        ci_branch: ci.branch.clone(),
        identity: Identity::from_git_vars(|k| std::env::var(k).ok()),
    };
    let outcome = shipgate::version::run(&request).map_err(|e| Failure {
        exit: if e.is_external() {
            Exit::External
        } else {
            Exit::Usage
        },
        error: e.into(),
    })?;
    report(cli, ci, &outcome).map_err(Failure::external)
}

/// The forge token for HTTPS pushes, and the only host it may be sent to.
fn push_auth(ci: &CiEnv) -> PushAuth {
    let secret = |key: &str| {
        std::env::var(key)
            .ok()
            .filter(|v| !v.is_empty())
            .map(SecretString::from)
    };
    let gitlab = ci.platform == Platform::GitLabCi
        || (ci.platform == Platform::Local && secret("GITHUB_TOKEN").is_none());
    if gitlab {
        PushAuth {
            token: secret("GITLAB_TOKEN"),
            username: "oauth2".to_owned(),
            host: ci.gitlab_host(),
        }
    } else {
        PushAuth {
            token: secret("GITHUB_TOKEN"),
            username: "x-access-token".to_owned(),
            host: ci.github_host(),
        }
    }
}

fn report(cli: &Cli, ci: &CiEnv, outcome: &Outcome) -> anyhow::Result<()> {
    let mut outputs = Outputs::new();
    for (key, value) in outcome.outputs() {
        match key {
            "notes" => outputs.set_multiline(key, value)?,
            _ => outputs.set(key, value)?,
        };
    }
    if let Some(path) = &ci.github_output {
        shipgate::ci::write_github_output(path, &outputs)?;
    }
    if let Some(path) = &cli.dotenv {
        let skipped = shipgate::ci::write_dotenv(path, &outputs)?;
        if !skipped.is_empty() {
            tracing::info!(
                "not in the dotenv file (multi-line): {}",
                skipped.join(", ")
            );
        }
    }
    if let Some(path) = &ci.github_step_summary {
        shipgate::ci::append_step_summary(path, &outcome.summary())?;
    }
    match cli.format {
        Format::Text => print!("{}", outcome.text()),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&outcome.json()).context("serialising the result")?
        ),
    }
    Ok(())
}
