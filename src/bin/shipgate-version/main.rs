//! `shipgate-version`: the next semantic version from Conventional Commits; manifests bumped, commit, annotated tag, push.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use shipgate::cli::{CommonArgs, ForgeArgs, Format};
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
    #[arg(long, default_value = "auto", value_parser = PossibleValuesParser::new(["auto", "major", "minor", "patch"]).try_map(|b| b.parse::<BumpRequest>()))]
    bump: BumpRequest,

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
    /// On GitHub: the release of a tag (the Releases page), its notes and files, made once
    #[command(after_long_help = PUBLISH_HELP)]
    Publish(PublishArgs),
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

#[derive(Debug, Args)]
struct PublishArgs {
    /// The tag, already pushed [default: the pipeline's tag]
    #[arg(long, value_name = "TAG")]
    tag: Option<String>,
    /// Leave a new release unpublished (a published one stays published)
    #[arg(long)]
    draft: bool,
    /// The notes (Markdown), replacing the release's [default: a new release takes the tag's]
    #[arg(long, value_name = "FILE")]
    notes_file: Option<PathBuf>,
    /// A file to attach, named by its file name (repeat for more)
    #[arg(long = "asset", value_name = "FILE")]
    assets: Vec<PathBuf>,
    #[command(flatten)]
    forge: ForgeArgs,
}

const PUBLISH_HELP: &str = concat!(
    "The GitHub release of a tag that is on GitHub already (else exit 2: push the tag first; nothing is made). It is found among all the repository's releases, drafts included, and made only when there is none, named after the tag, with the notes of --notes-file, else those of the tag's message (shipgate-version's tags: what follows the first line; a lightweight tag: none). An existing release keeps its notes unless --notes-file gives others. Without --draft a draft is published, once its files are all there; with --draft a new release stays a draft and a published one stays published.\n\n",
    "Files (--asset): an asset of the file's name with its size and sha256 digest is kept; a different one is deleted and uploaded again; a missing one is uploaded (to uploads.github.com, or a GitHub Enterprise Server's /api/uploads). Every file is read before anything is made. Re-running makes nothing twice and uploads nothing unchanged.\n\n",
    "GitHub only: on GitLab a release is made by the `release:` keyword of .gitlab-ci.yml (exit 2 here).\n\n",
    "Outputs: tag, release-id, release-url, draft, uploaded, skipped — to $GITHUB_OUTPUT, --dotenv FILE and stdout (--format json).\n\n",
    "Tokens: contents: write (GITHUB_TOKEN).\n\n",
    "Exit codes: 0 done; 2 usage (no tag, tag not on GitHub, an unreadable file, not GitHub); 3 GitHub failure."
);

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
    "Subcommands: preview — on a pull or merge request, what merging it would release, kept in one comment on it; publish — on GitHub, the release of a tag with its files (shipgate-version preview --help, publish --help).\n\n",
    "Exit codes: 0 done (also when there is nothing to release); 2 usage, configuration or repository state (not a repository, shallow clone, dirty tree, bad manifest, tag already on another commit); 3 git or remote failure (push failed, network). Re-running after a success or a failed push is safe."
);

fn main() -> ExitCode {
    shipgate::cli::main::<Cli>()
}
