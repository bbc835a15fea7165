//! The `shipgate-version` flow: find the last release, decide the next, write it, publish it.
use std::path::PathBuf;

use git2::Oid;
use semver::Version;

use super::bump::{self, Bump, BumpRequest};
use super::conventional::ReleaseCommit;
use super::error::VersionError;
use super::include::Included;
use super::manifest::{self, FileEdit};
use super::notes;
use super::outcome::Outcome;
use super::publish::{Prepared, Publish};
use super::tags::{ReleaseTag, ReleaseTags, valid_prerelease_id};
use crate::config::version::{BumpLevel, VersionConfig};
use crate::git::{Identity, PushAuth, Repo, short};

/// Everything one run needs, gathered at the binary's edge.
pub struct VersionRequest {
    /// A path inside the repository.
    pub repo: PathBuf,
    /// The `version:` section of the config.
    pub config: VersionConfig,
    /// `--bump`.
    pub bump: BumpRequest,
    /// `--pre ID`.
    pub pre: Option<String>,
    /// `--dry-run`: compute and report, write nothing.
    pub dry_run: bool,
    /// Where to push; `None` for `--no-push`.
    pub push: Option<PushTarget>,
    /// `--sign`: sign the tag with git's signing setup.
    pub sign: bool,
    /// `--include`: files an earlier step changed that go into the release commit too.
    pub include: Vec<PathBuf>,
    /// `--notes-file`: also write the notes there.
    pub notes_file: Option<PathBuf>,
    /// `--branch`: the branch to push the release commit to (default: the checked-out branch).
    pub branch: Option<String>,
    /// The pipeline's branch, used when HEAD is detached (GitLab CI checks out detached).
    pub ci_branch: Option<String>,
    /// Author and committer of the release commit.
    pub identity: Identity,
}

/// The remote and credentials to push with.
pub struct PushTarget {
    /// Remote name (`--remote`, default `origin`).
    pub remote: String,
    /// HTTPS credentials.
    pub auth: PushAuth,
}

/// Run `shipgate-version`.
pub fn run(request: &VersionRequest) -> Result<Outcome, VersionError> {
    let config = &request.config;
    if let Some(id) = &request.pre {
        if !valid_prerelease_id(id) {
            return Err(VersionError::BadPrerelease { id: id.clone() });
        }
    }
    if config.commit_message.trim().is_empty() {
        return Err(VersionError::EmptyCommitMessage);
    }
    let repo = Repo::discover(&request.repo)?;
    repo.ensure_complete_history()?;
    let included = Included::read(&repo, &request.include)?;
    if !request.dry_run {
        repo.ensure_clean_except(&included.paths())?;
    }
    let head = repo.head()?;
    let tags = ReleaseTags::new(repo.tags()?, &config.tag_prefix);

    if let Some(done) = tags.on_commit(head, request.pre.as_deref()).cloned() {
        return resume(request, &repo, &tags, &done, head);
    }

    let previous = tags.latest_stable(&repo, head)?.cloned();
    let commits = release_commits(&repo, previous.as_ref().map(|t| t.commit), head)?;
    let ignored: Vec<ReleaseCommit> = commits
        .iter()
        .filter(|c| c.conventional.is_none())
        .cloned()
        .collect();
    let mut outcome = Outcome {
        released: false,
        version: None,
        tag: None,
        previous_version: previous.as_ref().map(|t| t.version.clone()),
        previous_tag: previous.as_ref().map(|t| t.name.clone()),
        bump: Bump::None,
        notes: String::new(),
        commit: None,
        ignored,
        dry_run: request.dry_run,
        already_released: false,
        pushed: false,
    };

    let Some((mut version, level)) = next_version(request, &repo, previous.as_ref(), &commits)?
    else {
        return Ok(outcome);
    };
    if let Some(id) = &request.pre {
        version = tags.next_prerelease(&version, id);
    }
    let tag = format!("{}{version}", config.tag_prefix);
    let message = commit_message(config, &version, &tag);
    let subject = message.lines().next().unwrap_or_default();
    if let Some(existing) = repo.tag_target(&tag)? {
        if repo.is_release_commit(existing, head, subject)? {
            tracing::info!(commit = %short(existing), "{tag} names this release's commit from an earlier run");
            let done = ReleaseTag {
                version,
                name: tag,
                commit: existing,
            };
            return resume(request, &repo, &tags, &done, existing);
        }
        return Err(crate::git::GitError::TagElsewhere {
            tag,
            existing: short(existing),
            head: short(head),
        }
        .into());
    }
    outcome.released = true;
    outcome.notes = notes::render(&commits, |kind| config.types.contains_key(kind));
    outcome.bump = Bump::Level(level);
    outcome.version = Some(version.clone());
    outcome.tag = Some(tag.clone());
    outcome.commit = Some(head.to_string());
    if request.dry_run {
        return Ok(outcome);
    }

    let edits = manifest::plan(
        repo.root(),
        &manifest::resolve(repo.root(), config.manifests.as_deref())?,
        &version,
    )?;
    let edits: Vec<FileEdit> = edits.into_iter().filter(|e| e.before != e.after).collect();
    let publish = match &request.push {
        None => None,
        Some(target) => {
            match Publish::prepare(&repo, target, branches(request), &tag, head, subject)? {
                Prepared::Push(publish) => Some(publish),
                Prepared::Adopt {
                    commit,
                    tag_on_remote,
                } => {
                    if tag_on_remote {
                        let refspec = format!("+refs/tags/{tag}:refs/tags/{tag}");
                        repo.fetch(&target.remote, &refspec, &target.auth)?;
                        if repo.tag_target(&tag)? != Some(commit) {
                            let remote = repo.tag_object(&tag).map(short).unwrap_or_default();
                            repo.undo_release(&tag, None)?;
                            return Err(
                                crate::git::GitError::RemoteTagElsewhere { tag, remote }.into()
                            );
                        }
                    } else {
                        let text = tag_message(&tag, &outcome.notes);
                        repo.create_tag(&tag, commit, &text, &request.identity, request.sign)?;
                    }
                    let done = ReleaseTag {
                        version,
                        name: tag,
                        commit,
                    };
                    return resume(request, &repo, &tags, &done, commit);
                }
            }
        }
    };
    let written = Written {
        edits: &edits,
        included: &included,
    };
    let release_commit = write_release(
        &repo,
        request,
        &written,
        &message,
        &tag,
        &outcome.notes,
        head,
    )?;
    outcome.commit = Some(release_commit.to_string());
    write_notes_file(request, &outcome.notes)?;
    if let Some(publish) = publish {
        let made_commit = (release_commit != head).then_some(head);
        publish.push_new(&repo, release_commit, &tag, || {
            undo(&repo, &tag, made_commit, &written)
        })?;
        outcome.pushed = true;
    }
    Ok(outcome)
}

/// HEAD already carries the release tag: report it again and finish what an earlier run left.
fn resume(
    request: &VersionRequest,
    repo: &Repo,
    tags: &ReleaseTags,
    done: &ReleaseTag,
    head: Oid,
) -> Result<Outcome, VersionError> {
    let previous = tags.stable_before(repo, head, &done.version)?.cloned();
    let notes = match tag_notes(repo, &done.name)? {
        Some(notes) => notes,
        None => {
            let commits = release_commits(repo, previous.as_ref().map(|t| t.commit), head)?;
            notes::render(&commits, |kind| request.config.types.contains_key(kind))
        }
    };
    let mut outcome = Outcome {
        released: true,
        version: Some(done.version.clone()),
        tag: Some(done.name.clone()),
        previous_version: previous.as_ref().map(|t| t.version.clone()),
        previous_tag: previous.as_ref().map(|t| t.name.clone()),
        bump: Bump::Level(reported_level(
            previous.as_ref().map(|t| &t.version),
            &done.version,
        )),
        notes,
        commit: Some(head.to_string()),
        ignored: Vec::new(),
        dry_run: request.dry_run,
        already_released: true,
        pushed: false,
    };
    if request.dry_run {
        return Ok(outcome);
    }
    write_notes_file(request, &outcome.notes)?;
    if let Some(target) = &request.push {
        Publish::prepare_resume(repo, target, branches(request), &done.name, head)?
            .push_existing(repo, head, &done.name)?;
        outcome.pushed = true;
    }
    Ok(outcome)
}

/// The non-merge commits after `since` up to `head`, interpreted.
pub fn release_commits(
    repo: &Repo,
    since: Option<Oid>,
    head: Oid,
) -> Result<Vec<ReleaseCommit>, VersionError> {
    Ok(repo
        .commits_between(since, head)?
        .iter()
        .filter(|c| c.parent_count <= 1)
        .map(ReleaseCommit::from_commit)
        .collect())
}

/// The stable version this release gets (before any `--pre`), and the level reported.
fn next_version(
    request: &VersionRequest,
    repo: &Repo,
    previous: Option<&ReleaseTag>,
    commits: &[ReleaseCommit],
) -> Result<Option<(Version, BumpLevel)>, VersionError> {
    decide(repo, &request.config, request.bump, previous, commits)
}

/// The stable version `commits` release after `previous` (the last stable release; `None`
/// before the first), and the level reported; `None` when nothing releases.
pub fn decide(
    repo: &Repo,
    config: &VersionConfig,
    bump: BumpRequest,
    previous: Option<&ReleaseTag>,
    commits: &[ReleaseCommit],
) -> Result<Option<(Version, BumpLevel)>, VersionError> {
    let verdict = bump::judge(commits, &config.types)?;
    let forced = match bump {
        BumpRequest::Force(level) => Some(level),
        BumpRequest::Auto => None,
    };
    if forced.is_none() && verdict.level.is_none() && verdict.release_as.is_none() {
        return Ok(None);
    }
    let Some(previous) = previous else {
        let first = match verdict.release_as {
            Some((version, _)) if forced.is_none() => version,
            // A placeholder such as `0.0.0` or `0.0.0-development` (semantic-release's) is no
            // version yet: the first release takes `version.initial`.
            _ => manifest::current_version(
                repo.root(),
                &manifest::resolve(repo.root(), config.manifests.as_deref())?,
            )?
            .filter(|v| (v.major, v.minor, v.patch) != (0, 0, 0))
            .unwrap_or_else(|| config.initial.clone()),
        };
        let first = Version::new(first.major, first.minor, first.patch);
        return Ok(Some((first.clone(), reported_level(None, &first))));
    };
    let current = &previous.version;
    let version = match (forced, verdict.release_as) {
        (Some(level), _) => bump::increment(current, level),
        (None, Some((version, commit))) => {
            if version <= *current {
                return Err(VersionError::ReleaseAsNotHigher {
                    commit,
                    value: version.to_string(),
                    previous: current.to_string(),
                });
            }
            version
        }
        (None, None) => {
            let level = verdict.level.unwrap_or(BumpLevel::Patch);
            bump::increment(current, bump::effective_level(current, level, config))
        }
    };
    Ok(Some((
        version.clone(),
        reported_level(Some(current), &version),
    )))
}

/// The `bump` output: how far `version` is from the previous release (from 0.0.0 for the first).
fn reported_level(previous: Option<&Version>, version: &Version) -> BumpLevel {
    let zero = Version::new(0, 0, 0);
    let stable = Version::new(version.major, version.minor, version.patch);
    bump::level_between(previous.unwrap_or(&zero), &stable)
}

fn branches(request: &VersionRequest) -> (Option<&str>, Option<&str>) {
    (request.branch.as_deref(), request.ci_branch.as_deref())
}

fn commit_message(config: &VersionConfig, version: &Version, tag: &str) -> String {
    config
        .commit_message
        .replace("{version}", &version.to_string())
        .replace("{tag}", tag)
}

/// The tag message: the tag name, a blank line, the notes.
fn tag_message(tag: &str, notes: &str) -> String {
    if notes.is_empty() {
        format!("{tag}\n")
    } else {
        format!("{tag}\n\n{notes}")
    }
}

/// The release notes kept in a tag written by shipgate-version (`None` for other tags).
pub fn tag_notes(repo: &Repo, tag: &str) -> Result<Option<String>, crate::git::GitError> {
    Ok(repo
        .tag_message(tag)?
        .and_then(|message| notes_in_tag_message(tag, &message)))
}

/// The notes in `message`, the message of tag `tag` as [`tag_message`] writes it (`vX.Y.Z`, a
/// blank line, the notes): what follows the first line and the blank line; `None` when the
/// message does not start with the tag's name on a line of its own.
pub fn notes_in_tag_message(tag: &str, message: &str) -> Option<String> {
    let rest = message.strip_prefix(tag).and_then(|m| m.strip_prefix('\n'));
    rest.map(|r| r.strip_prefix('\n').unwrap_or(r).to_owned())
}

/// What a release writes into the work tree: the manifests' edits, and the included files.
struct Written<'a> {
    edits: &'a [FileEdit],
    included: &'a Included,
}

/// Rewrite manifests, commit them and the included files (when any changed) and tag; undo
/// everything if a step fails.
fn write_release(
    repo: &Repo,
    request: &VersionRequest,
    written: &Written<'_>,
    message: &str,
    tag: &str,
    notes: &str,
    head: Oid,
) -> Result<Oid, VersionError> {
    manifest::apply(repo.root(), written.edits)?;
    let result = (|| {
        let commit = if written.edits.is_empty() && !written.included.changed(repo)? {
            head
        } else {
            let mut paths: Vec<PathBuf> = written.edits.iter().map(|e| e.path.clone()).collect();
            paths.extend(written.included.paths());
            repo.commit_paths(&paths, message, &request.identity)?
        };
        repo.create_tag(
            tag,
            commit,
            &tag_message(tag, notes),
            &request.identity,
            request.sign,
        )?;
        Ok::<_, VersionError>(commit)
    })();
    if result.is_err() {
        let made = repo.head().ok().filter(|h| *h != head).map(|_| head);
        undo(repo, tag, made, written);
    }
    result
}

/// Best-effort return to the state before this run (the error that led here is what we report).
/// The included files keep what the earlier step wrote into them.
fn undo(repo: &Repo, tag: &str, made_commit_on: Option<Oid>, written: &Written<'_>) {
    if let Err(e) = repo.undo_release(tag, made_commit_on) {
        tracing::error!("could not undo the local release: {e}");
    }
    if made_commit_on.is_none() {
        let reverse: Vec<FileEdit> = written
            .edits
            .iter()
            .map(|e| FileEdit {
                path: e.path.clone(),
                before: e.after.clone(),
                after: e.before.clone(),
            })
            .collect();
        if let Err(e) = manifest::apply(repo.root(), &reverse) {
            tracing::error!("could not restore the manifests: {e}");
        }
    }
    written.included.restore(repo.root());
}

fn write_notes_file(request: &VersionRequest, notes: &str) -> Result<(), VersionError> {
    if let Some(path) = &request.notes_file {
        std::fs::write(path, notes).map_err(|source| VersionError::NotesFile {
            path: path.clone(),
            cause: source,
        })?;
    }
    Ok(())
}
