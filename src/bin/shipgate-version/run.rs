//! What `shipgate-version` does with its flags: the `Binary` implementation.
use std::path::PathBuf;

use shipgate::cli::{
    Binary, Context, Edge, Failure, Report, TokenNeeds, push_auth, read_flag_file, release_tag,
};
use shipgate::git::Identity;
use shipgate::github_release::{PublishRequest, on_github};
use shipgate::preview::{Action, PreviewRequest};
use shipgate::version::{PushTarget, VersionRequest};

use super::{Cli, Command, PreviewArgs, PublishArgs};

impl Binary for Cli {
    fn edge(&self) -> Edge<'_> {
        Edge {
            common: &self.common,
            repo: &self.repo,
            format: self.format,
            dotenv: self.dotenv.as_deref(),
            output: None,
            forge: match &self.command {
                Some(Command::Preview(args)) => Some(&args.forge),
                Some(Command::Publish(args)) => Some(&args.forge),
                None => None,
            },
        }
    }

    async fn run(self, cx: &Context) -> Result<Report, Failure> {
        match self.command {
            Some(Command::Preview(args)) => return preview(args, self.repo, cx).await,
            Some(Command::Publish(args)) => return publish(args, cx).await,
            None => {}
        }
        let request = VersionRequest {
            repo: self.repo,
            config: cx.config.version.clone(),
            bump: self.bump,
            pre: self.pre,
            dry_run: self.dry_run,
            push: (!self.no_push).then(|| PushTarget {
                remote: self.remote,
                auth: push_auth(&cx.ci),
            }),
            sign: self.sign,
            include: self.include,
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

/// `preview`: compute, render, and keep the one comment (or print it with `--dry-run`).
async fn preview(args: PreviewArgs, repo: PathBuf, cx: &Context) -> Result<Report, Failure> {
    let change = &cx.ci.change;
    let base = args
        .base
        .or_else(|| change.base_revision())
        .ok_or_else(|| {
            Failure::usage(anyhow::anyhow!(
                "no base to compare with: pass --base REF (the target branch, e.g. origin/main); \
             in a pull or merge request pipeline it comes from GITHUB_BASE_REF or \
             CI_MERGE_REQUEST_DIFF_BASE_SHA"
            ))
        })?;
    let request = PreviewRequest {
        repo,
        base,
        head: args.head,
        version: cx.config.version.clone(),
        schema: cx.config.schema.clone(),
    };
    let preview = shipgate::preview::compute(&request)?;
    let body = shipgate::preview::render(&preview);
    let mut report = Report::text(String::new());
    report.outputs_from(preview.outputs())?;
    report.summary = Some(body.clone());
    if args.dry_run {
        report.output("comment-url", "")?;
        report.text = body;
        return Ok(report);
    }
    let number = args
        .pr
        .or_else(|| {
            cx.ci
                .github_event_path
                .as_deref()
                .and_then(shipgate::ci::pull_request_number)
        })
        .or(change.number)
        .ok_or_else(|| {
            Failure::usage(anyhow::anyhow!(
                "no pull or merge request to comment on: pass --pr N, run in a pull_request \
                 workflow or a merge request pipeline, or use --dry-run"
            ))
        })?;
    let forge = &cx
        .forge(TokenNeeds {
            github: "pull-requests: write",
            gitlab: "Reporter",
        })?
        .forge;
    let synced = shipgate::preview::sync(forge, number, &body).await?;
    let url =
        shipgate::preview::comment_url(&synced.comment, number, change.project_url.as_deref())
            .unwrap_or_default();
    report.output("comment-url", url.clone())?;
    let done = match synced.action {
        Action::Created => "wrote",
        Action::Edited => "updated",
        Action::Unchanged => "kept (unchanged)",
    };
    report.text = format!("{done} the release preview on #{number}: {url}\n\n{body}");
    Ok(report)
}

/// `publish`: the GitHub release of the tag, with its notes and files.
async fn publish(args: PublishArgs, cx: &Context) -> Result<Report, Failure> {
    let tag = release_tag(args.tag, &cx.ci)?;
    on_github(cx.forge_kind().into())?;
    let notes = (args.notes_file.as_deref())
        .map(|file| read_flag_file(file, "the release notes"))
        .transpose()?;
    let request = PublishRequest::new(tag, args.draft, notes, &args.assets)?;
    let forge = &cx.forge(TokenNeeds::github_only("contents: write"))?.forge;
    let published = shipgate::github_release::publish(forge, &request).await?;
    let mut report = Report::text(published.text());
    report.outputs_from(published.outputs())?;
    Ok(report)
}
