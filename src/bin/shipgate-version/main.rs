//! `shipgate-version`: the next semantic version from Conventional Commits; manifests bumped, commit, annotated tag, push.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use shipgate::cli::{CommonArgs, ForgeArgs, Format};
use shipgate::config::version::BumpLevel;
use shipgate::version::BumpRequest;

mod run;

/// Release the commits since the last tag: decide the next semantic version from their
/// Conventional Commit messages, bump the version in the manifests, commit
/// `chore(release): vX.Y.Z`, create an annotated tag holding the release notes, and push both.
#[derive(Debug, Parser)]
#[command(name = "shipgate-version", version, about, long_about, after_long_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    /// A path inside the repository to release
    #[arg(long, value_name = "PATH", default_value = ".", global = true)]
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

    /// Also commit this file in the release commit: one an earlier step changed (checksums, a changelog); repeatable
    #[arg(long, value_name = "PATH")]
    include: Vec<PathBuf>,

    /// Also write the release notes (Markdown) to this file
    #[arg(long, value_name = "PATH")]
    notes_file: Option<PathBuf>,

    /// Also write the outputs to this dotenv file (GitLab artifacts:reports:dotenv; SHIPGATE_* keys, single-line values)
    #[arg(long, value_name = "FILE", global = true)]
    dotenv: Option<PathBuf>,

    /// Result format on stdout (logs always go to stderr)
    #[arg(long, value_enum, default_value_t = Format::Text, global = true)]
    format: Format,

    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// On a pull or merge request: what merging it would release, kept in one comment on it
    #[command(after_long_help = PREVIEW_HELP)]
    Preview(PreviewArgs),
}

#[derive(Debug, Args)]
struct PreviewArgs {
    /// The target branch's revision [default: origin/$GITHUB_BASE_REF on GitHub;
    /// $CI_MERGE_REQUEST_DIFF_BASE_SHA, else origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME on GitLab]
    #[arg(long, value_name = "REF")]
    base: Option<String>,

    /// The change's revision
    #[arg(long, value_name = "REF", default_value = "HEAD")]
    head: String,

    /// The pull or merge request to comment on [default: the event's pull_request.number, else
    /// refs/pull/N/merge in GITHUB_REF; CI_MERGE_REQUEST_IID on GitLab]
    #[arg(long, value_name = "N")]
    pr: Option<u64>,

    /// Print the comment; write nothing (needs no token)
    #[arg(long)]
    dry_run: bool,

    #[command(flatten)]
    forge: ForgeArgs,
}

const PREVIEW_HELP: &str = concat!(
    "What merging would release: the change's commits (base..head) on top of those already on the base since its last release tag decide the next version and bump as shipgate-version will after the merge; the notes are the release's; the change's commits that are not Conventional Commits are listed with how to fix them; the migrations the change adds (files added from the merge base to head under schema.paths) get their order (schema-first, code-first, none or blocked) and each file its class, as shipgate-schema judges a release.\n\n",
    "The comment: one per pull or merge request, found again by its hidden marker <!-- shipgate:preview --> among the comments of shipgate's own login (forge.login, else the token's user, else github-actions[bot]); edited in place when its text changed, left alone when not. A comment by anyone else is never taken for it.\n\n",
    "Outputs: version, tag, bump, released, order, comment-url — to $GITHUB_OUTPUT, --dotenv FILE and stdout (--format json).\n\n",
    "Tokens: GitHub: pull-requests: write (GITHUB_TOKEN); check out with the full history (fetch-depth: 0). GitLab: GITLAB_TOKEN with the api scope, Reporter; GIT_DEPTH: 0.\n\n",
    "Exit codes: 0 done (also when nothing releases, and whatever the order); 2 usage, configuration or repository state (no base, shallow clone); 3 git or forge failure."
);

const AFTER_HELP: &str = concat!(
    "Bump rules: feat → minor; fix, perf, revert → patch (version.types); `!` or a BREAKING CHANGE: / BREAKING-CHANGE: footer → major. While the major version is 0, a breaking change bumps minor (version.pre_major_breaking) and a feature bumps minor (version.pre_major_feature). A `Release-As: X.Y.Z` footer forces that version; --bump overrides everything. Commits that are not Conventional Commits are listed as ignored.\n\n",
    "Outputs: released, version, tag, previous-version, previous-tag, bump, notes — to $GITHUB_OUTPUT in GitHub Actions, to --dotenv FILE for GitLab, and on stdout (--format json: one object, snake_case keys).\n\n",
    "Pushing uses GITHUB_TOKEN or GITLAB_TOKEN for HTTPS remotes on the forge's host (GITHUB_SERVER_URL, CI_SERVER_URL), else git's credential helpers or ssh-agent.\n\n",
    "Subcommand: preview — on a pull or merge request, what merging it would release, kept in one comment on it (shipgate-version preview --help).\n\n",
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
