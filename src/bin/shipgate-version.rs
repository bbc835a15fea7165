//! `shipgate-version`: the next semantic version from Conventional Commits; manifests bumped, commit, annotated tag, push.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use shipgate::cli::{Binary, CommonArgs, Context, Edge, Failure, Format, Report, push_auth};
use shipgate::config::version::BumpLevel;
use shipgate::git::Identity;
use shipgate::version::{BumpRequest, PushTarget, VersionRequest};

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
    shipgate::cli::main::<Cli>()
}

impl Binary for Cli {
    fn edge(&self) -> Edge<'_> {
        Edge {
            common: &self.common,
            repo: &self.repo,
            format: self.format,
            dotenv: self.dotenv.as_deref(),
            output: None,
            forge: None,
        }
    }

    async fn run(self, cx: &Context) -> Result<Report, Failure> {
        let request = VersionRequest {
            repo: self.repo,
            config: cx.config.version.clone(),
            bump: self.bump.into(),
            pre: self.pre,
            dry_run: self.dry_run,
            push: (!self.no_push).then(|| PushTarget {
                remote: self.remote,
                auth: push_auth(&cx.ci),
            }),
            sign: self.sign,
            notes_file: self.notes_file,
            branch: self.branch,
            ci_branch: cx.ci.branch.clone(),
            identity: Identity::from_git_vars(|k| std::env::var(k).ok()),
        };
        let outcome = shipgate::version::run(&request)?;
        let mut report = Report::text(outcome.text());
        for (key, value) in outcome.outputs() {
            match key {
                "notes" => report.outputs.set_multiline(key, value),
                _ => report.outputs.set(key, value),
            }
            .map_err(Failure::external)?;
        }
        report.summary = Some(outcome.summary());
        report.json =
            Some(serde_json::to_string_pretty(&outcome.json()).map_err(Failure::external)?);
        Ok(report)
    }
}
