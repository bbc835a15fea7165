//! Handling one comment on a deployment issue, from 👀 to 🚀 or 👎.
//!
//! The order makes re-runs safe. Our reply, with its hidden answer marker, is the record that
//! the comment was decided: it is written before anything is started, and a comment that has
//! one (or our final reaction) is never decided again, whatever re-runs. A run that dies between
//! the reply and the start leaves an accepted reply with nothing started, which people see;
//! the opposite order could start a deployment twice.
use semver::Version;

use crate::deploy_issue::{HistoryEntry, history_in_body};
use crate::forge::{Comment, Forge, ForgeKind, Issue, Permission, Reaction, comment_once};
use crate::issue::{own_open_issues, sealed_release};

use super::answer::{Answer, Verdict, answers, tampered};
use super::checks::permission_check;
use super::command::{Command, Parsed, parse_command};
use super::decide::{Decision, Policy, Request, Target, decide, required_permission};
use super::error::PromoteError;
use super::reply::{
    decision_reply, help, info_reply, invalid_reply, start_failed_reply, unauthorised_reply,
};
use super::status::status_text;

/// How many times the history entry is written again when a concurrent writer dropped it.
const HISTORY_ATTEMPTS: u32 = 3;

/// What became of a comment.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Not a command: left without a trace.
    NotACommand,
    /// Decided by an earlier run; nothing done again.
    AlreadyAnswered(Verdict),
    /// Another run is answering it (its 👀 is there, its answer not yet): left to that run.
    InHand,
    /// Decided now.
    Answered {
        /// The decision.
        verdict: Verdict,
        /// What it deploys, when accepted and deploying.
        target: Option<Target>,
        /// Whether a pipeline was started.
        started: bool,
    },
}

/// A handled comment.
#[derive(Debug, Clone)]
pub struct Handled {
    /// The comment.
    pub comment_id: u64,
    /// Its command, when it is one.
    pub command: Option<Command>,
    /// What became of it.
    pub outcome: Outcome,
    /// The replies written, so that a caller handling more comments sees them.
    pub replies: Vec<Comment>,
}

impl Handled {
    /// The command was refused, or failed after it was accepted.
    pub fn refused(&self) -> bool {
        matches!(
            self.outcome,
            Outcome::Answered {
                verdict: Verdict::Refused | Verdict::Failed,
                ..
            }
        )
    }

    /// The outputs of an accepted deploying command: `approved` (true only when nothing was
    /// started, so that a following job deploys; a started pipeline or workflow deploys on its
    /// own), `environment`, `tag`, `version`. Empty for any other outcome.
    pub fn target_outputs(&self) -> Vec<(&'static str, String)> {
        match &self.outcome {
            Outcome::Answered {
                target: Some(target),
                started,
                ..
            } => vec![
                ("approved", (!started).to_string()),
                ("environment", target.environment.clone()),
                ("tag", target.tag.clone()),
                ("version", target.version.to_string()),
            ],
            _ => Vec::new(),
        }
    }

    /// The command was accepted now.
    pub fn accepted(&self) -> bool {
        matches!(
            self.outcome,
            Outcome::Answered {
                verdict: Verdict::Accepted,
                ..
            }
        )
    }

    /// One line for people: the comment, on issue `#issue` unless 0, and what became of it.
    pub fn describe(&self, issue: u64) -> String {
        let id = self.comment_id;
        let command = self
            .command
            .as_ref()
            .map_or_else(|| "an invalid command".to_owned(), |c| format!("`{c}`"));
        let on = if issue == 0 {
            String::new()
        } else {
            format!(" on #{issue}")
        };
        match &self.outcome {
            Outcome::NotACommand => format!("comment {id}{on}: not a command\n"),
            Outcome::InHand => format!("comment {id}{on}: another run is answering it\n"),
            Outcome::AlreadyAnswered(verdict) => {
                format!("comment {id}{on}: {command} was already answered ({verdict})\n")
            }
            Outcome::Answered {
                verdict,
                target,
                started,
            } => {
                let mut line = format!("comment {id}{on}: {command} {verdict}");
                if let Some(target) = target {
                    line.push_str(&format!(": {} to {}", target.tag, target.environment));
                    if *started {
                        line.push_str(" (pipeline started)");
                    }
                }
                line.push('\n');
                line
            }
        }
    }
}

/// What one `poll` did, for people and for the outputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollSummary {
    /// A line per command answered now, or `no unanswered commands`.
    pub text: String,
    /// Commands answered now, refused ones included.
    pub answered: usize,
    /// Commands accepted now.
    pub accepted: usize,
}

impl PollSummary {
    /// The summary of `handled`: only comments answered now count.
    pub fn of(handled: &[Handled]) -> Self {
        let answered: Vec<&Handled> = handled
            .iter()
            .filter(|h| matches!(h.outcome, Outcome::Answered { .. }))
            .collect();
        let mut text: String = answered.iter().map(|h| h.describe(0)).collect();
        if answered.is_empty() {
            text.push_str("no unanswered commands\n");
        }
        Self {
            text,
            answered: answered.len(),
            accepted: answered.iter().filter(|h| h.accepted()).count(),
        }
    }
}

/// Where a comment was made.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    /// Our open deployment issue.
    pub issue: &'a Issue,
    /// The release it tracks.
    pub version: &'a Version,
    /// Its comments as listed before handling (to find our earlier answers).
    pub comments: &'a [Comment],
    /// The login shipgate acts as.
    pub own_login: &'a str,
}

/// Decide `comment` and answer it: reactions, history, reply, and on acceptance the start.
/// `known` is the commenter's permission when the caller asked it already.
pub async fn handle_comment<F: Forge>(
    forge: &F,
    policy: Policy<'_>,
    place: Place<'_>,
    comment: &Comment,
    known: Option<Permission>,
) -> Result<Handled, PromoteError> {
    let prefix = policy.promote.prefix.as_str();
    let parsed = match parse_command(&comment.body, prefix) {
        Parsed::NotACommand => {
            return Ok(Handled {
                comment_id: comment.id,
                command: None,
                outcome: Outcome::NotACommand,
                replies: Vec::new(),
            });
        }
        Parsed::Command(command) => Ok(command),
        Parsed::Invalid { word, problem } => Err((word, problem)),
    };
    let command = parsed.as_ref().ok().cloned();
    let handled = |outcome, replies| Handled {
        comment_id: comment.id,
        command: command.clone(),
        outcome,
        replies,
    };
    let issue_number = place.issue.number;
    let earlier = answers(place.comments, place.own_login, policy.seal, issue_number);
    if let Some(answer) = earlier.iter().rev().find(|a| a.comment_id == comment.id) {
        forge
            .add_reaction(issue_number, comment.id, answer.verdict.reaction())
            .await?;
        tracing::info!(comment = comment.id, verdict = %answer.verdict, "already answered; nothing to do");
        return Ok(handled(
            Outcome::AlreadyAnswered(answer.verdict),
            Vec::new(),
        ));
    }
    let has = match known {
        Some(has) => has,
        None => forge.permission(&comment.author).await?,
    };
    let word = match &parsed {
        Ok(command) => command.word().to_owned(),
        Err((word, _)) => word.clone(),
    };
    if let Some(refused) =
        refuse_unauthorised(forge, policy, issue_number, comment, &word, has).await?
    {
        return Ok(handled(refused.0, refused.1));
    }
    if let Some(verdict) = reacted(forge, place, comment).await? {
        tracing::info!(comment = comment.id, %verdict, "already answered; nothing to do");
        return Ok(handled(Outcome::AlreadyAnswered(verdict), Vec::new()));
    }
    // 👀 is the claim: when it is there already, another run took the comment and has not
    // answered yet (two polls started together, each from its own listing). Deciding again
    // could start a second deployment, so the comment is left to that run — unless the claim
    // is older than promote.lock_timeout, when that run must have died.
    let claimed = forge
        .add_reaction(place.issue.number, comment.id, Reaction::Eyes)
        .await?;
    if !claimed && !claim_expired(comment, policy) {
        tracing::info!(
            comment = comment.id,
            "another run is answering this comment (its 👀 is there); leaving it to that run"
        );
        return Ok(handled(Outcome::InHand, Vec::new()));
    }
    let now = crate::time::to_the_second(policy.now);
    let mut answer = Answer {
        comment_id: comment.id,
        verdict: Verdict::Refused,
        word: "invalid".to_owned(),
        environment: None,
        tag: None,
        sha: None,
        override_window: false,
        at: now,
    };
    let (reply, decision) = match &parsed {
        Err((word, problem)) => {
            answer.word = word.clone();
            let reply = invalid_reply(
                &answer.marker(policy.seal, issue_number),
                problem,
                &comment.author,
                prefix,
                policy.environments,
            );
            (reply, None)
        }
        Ok(command) => {
            let (elsewhere, claiming) = match command.deploys_to() {
                Some(_) => accepted_elsewhere(forge, policy, place).await?,
                None => (Vec::new(), Vec::new()),
            };
            let sealed = sealed_release(place.comments, place.own_login, policy.seal, issue_number);
            let request = Request {
                command,
                author: &comment.author,
                created_at: comment.created_at,
                version: place.version,
                answers: &earlier,
                elsewhere: &elsewhere,
                claiming: &claiming,
                sealed: sealed.as_ref(),
                permission: has,
                tampered: &tampered(place.comments, place.own_login, policy.seal, issue_number),
            };
            let decision = decide(forge, policy, request).await?;
            answer.word = command.word().to_owned();
            answer.verdict = if decision.accepted() {
                Verdict::Accepted
            } else {
                Verdict::Refused
            };
            if let Some(target) = &decision.target {
                answer.environment = Some(target.environment.clone());
                answer.tag = Some(target.tag.clone());
                answer.sha = Some(target.sha.clone());
            }
            answer.override_window = matches!(
                command,
                Command::Promote {
                    override_window: Some(_),
                    ..
                }
            );
            let reply =
                reply_for(forge, policy, place, &answer, &decision, &comment.author).await?;
            (reply, Some(decision))
        }
    };

    record_history(forge, policy, place, comment, &answer, decision.as_ref()).await?;
    let ours = |c: &Comment, login: &str| answer.written_in(c, login, policy.seal, issue_number);
    let replies = vec![comment_once(forge, issue_number, &reply, ours).await?];

    let target = decision
        .as_ref()
        .filter(|d| d.accepted())
        .and_then(|d| d.target.clone());
    let mut started = false;
    if let Some(target) = &target {
        match start(forge, policy, place.issue.number, target).await {
            Ok(did) => started = did,
            Err(error) => {
                let failed = Answer {
                    verdict: Verdict::Failed,
                    ..answer.clone()
                };
                let text = start_failed_reply(
                    &failed.marker(policy.seal, issue_number),
                    &error.to_string(),
                );
                let ours = |c: &Comment, login: &str| {
                    failed.written_in(c, login, policy.seal, issue_number)
                };
                comment_once(forge, issue_number, &text, ours).await?;
                forge
                    .add_reaction(place.issue.number, comment.id, Verdict::Failed.reaction())
                    .await?;
                return Err(PromoteError::StartFailed(error));
            }
        }
    }
    forge
        .add_reaction(place.issue.number, comment.id, answer.verdict.reaction())
        .await?;
    Ok(handled(
        Outcome::Answered {
            verdict: answer.verdict,
            target,
            started,
        },
        replies,
    ))
}

/// The accepted answers of ours on the other open deployment issues (one release at a time goes
/// to an environment, whichever issue promoted it), and the other issues whose sealed comment
/// names this issue's release.
async fn accepted_elsewhere<F: Forge>(
    forge: &F,
    policy: Policy<'_>,
    place: Place<'_>,
) -> Result<(Vec<Answer>, Vec<u64>), PromoteError> {
    let mut out = Vec::new();
    let mut claiming = Vec::new();
    for (_, issue) in own_open_issues(forge, place.own_login).await? {
        if issue.number == place.issue.number {
            continue;
        }
        let comments = forge.comments(issue.number).await?;
        if sealed_release(&comments, place.own_login, policy.seal, issue.number).as_ref()
            == Some(place.version)
        {
            claiming.push(issue.number);
        }
        out.extend(
            answers(&comments, place.own_login, policy.seal, issue.number)
                .into_iter()
                .filter(|a| a.verdict != Verdict::Refused),
        );
    }
    Ok((out, claiming))
}

/// Whether a claim (👀) on `comment` is too old to belong to a run still at work: the comment
/// is older than `promote.lock_timeout`.
fn claim_expired(comment: &Comment, policy: Policy<'_>) -> bool {
    policy.now.duration_since(comment.created_at)
        > jiff::SignedDuration::from_mins(i64::from(policy.promote.lock_timeout.0))
}

/// The verdict of an earlier run that reacted but died before its reply was listed.
async fn reacted<F: Forge>(
    forge: &F,
    place: Place<'_>,
    comment: &Comment,
) -> Result<Option<Verdict>, PromoteError> {
    let reactions = forge
        .reactions_by(place.issue.number, comment.id, place.own_login)
        .await?;
    Ok(if reactions.contains(&Reaction::Rocket) {
        Some(Verdict::Accepted)
    } else if reactions.contains(&Reaction::ThumbsDown) {
        Some(Verdict::Refused)
    } else {
        None
    })
}

/// A commenter below the configured permission is refused at the least cost: 👎 and, when the
/// reaction is new (a re-run finds it there), one reply; no 👀, no history line, nothing else
/// read. `None` when the commenter may go on.
pub(super) async fn refuse_unauthorised<F: Forge>(
    forge: &F,
    policy: Policy<'_>,
    issue: u64,
    comment: &Comment,
    word: &str,
    has: Permission,
) -> Result<Option<(Outcome, Vec<Comment>)>, PromoteError> {
    let required = required_permission(forge.kind(), policy.promote);
    if has >= required {
        return Ok(None);
    }
    let answer = Answer {
        comment_id: comment.id,
        verdict: Verdict::Refused,
        word: word.to_owned(),
        environment: None,
        tag: None,
        sha: None,
        override_window: false,
        at: crate::time::to_the_second(policy.now),
    };
    let refused = Outcome::Answered {
        verdict: Verdict::Refused,
        target: None,
        started: false,
    };
    if !forge
        .add_reaction(issue, comment.id, Reaction::ThumbsDown)
        .await?
    {
        return Ok(Some((
            Outcome::AlreadyAnswered(Verdict::Refused),
            Vec::new(),
        )));
    }
    let check = permission_check(&comment.author, has, required, &format!("`{word}`"));
    let reply = unauthorised_reply(&answer.marker(policy.seal, issue), &check);
    let ours = |c: &Comment, login: &str| answer.written_in(c, login, policy.seal, issue);
    let written = comment_once(forge, issue, &reply, ours).await?;
    tracing::info!(comment = comment.id, "refused: {}", check.detail);
    Ok(Some((refused, vec![written])))
}

/// The reply text: status and help answer with information, the rest with the checks.
async fn reply_for<F: Forge>(
    forge: &F,
    policy: Policy<'_>,
    place: Place<'_>,
    answer: &Answer,
    decision: &Decision,
    author: &str,
) -> Result<String, PromoteError> {
    let prefix = policy.promote.prefix.as_str();
    let marker = answer.marker(policy.seal, place.issue.number);
    if !decision.accepted() {
        return Ok(decision_reply(&marker, decision, author, prefix, None));
    }
    Ok(match &decision.command {
        Command::Help => info_reply(&marker, author, &help(prefix, policy.environments)),
        Command::Status => {
            let earlier = answers(
                place.comments,
                place.own_login,
                policy.seal,
                place.issue.number,
            );
            let text = status_text(forge, policy, place.version, &earlier).await?;
            info_reply(&marker, author, &text)
        }
        Command::Hold { .. } => decision_reply(
            &marker,
            decision,
            author,
            prefix,
            Some("The release is on hold: no promotion until `unhold`."),
        ),
        Command::Unhold => decision_reply(
            &marker,
            decision,
            author,
            prefix,
            Some("The hold is lifted."),
        ),
        Command::Promote { .. } | Command::Rollback { .. } => {
            let what = starts_what(forge.kind(), policy);
            decision_reply(&marker, decision, author, prefix, Some(&what))
        }
    })
}

/// What an accepted deployment starts, said before it is started.
fn starts_what(kind: ForgeKind, policy: Policy<'_>) -> String {
    match kind {
        ForgeKind::Gitlab => {
            "Starting a pipeline for the tag with `SHIPGATE_ENVIRONMENT` set.".to_owned()
        }
        _ if policy.promote.dispatch.is_empty() => {
            "The next job of this workflow deploys it (output `approved=true`).".to_owned()
        }
        _ => format!(
            "Starting workflow `{}` at the tag.",
            policy.promote.dispatch
        ),
    }
}

/// Start the deployment pipeline for `target`; `false` when the workflow's next job does it.
async fn start<F: Forge>(
    forge: &F,
    policy: Policy<'_>,
    issue: u64,
    target: &Target,
) -> Result<bool, crate::forge::ForgeError> {
    let (workflow, environment_key, issue_key, commit_key) = match forge.kind() {
        ForgeKind::Gitlab => (
            "",
            "SHIPGATE_ENVIRONMENT",
            "SHIPGATE_ISSUE",
            "SHIPGATE_COMMIT",
        ),
        _ if policy.promote.dispatch.is_empty() => return Ok(false),
        _ => (
            policy.promote.dispatch.as_str(),
            "environment",
            "issue",
            "commit",
        ),
    };
    let inputs = [
        (environment_key.to_owned(), target.environment.clone()),
        (issue_key.to_owned(), issue.to_string()),
        (commit_key.to_owned(), target.sha.clone()),
    ];
    forge.start_pipeline(workflow, &target.tag, &inputs).await?;
    Ok(true)
}

/// One history line per decided comment (keyed by the comment, so re-runs add nothing), checked
/// after writing because `shipgate-issue record` may write the body at the same time.
async fn record_history<F: Forge>(
    forge: &F,
    policy: Policy<'_>,
    place: Place<'_>,
    comment: &Comment,
    answer: &Answer,
    decision: Option<&Decision>,
) -> Result<(), PromoteError> {
    let prefix = policy.promote.prefix.as_str();
    let what = match decision {
        Some(decision) => {
            let failed: Vec<String> = decision
                .checks
                .iter()
                .filter(|c| !c.passed)
                .map(|c| c.gate.to_string())
                .collect();
            let mut text = format!(
                "`{}` {}",
                decision.command.canonical(prefix).replace('`', "'"),
                answer.verdict
            );
            if !failed.is_empty() {
                text.push_str(&format!(" ({} failed)", failed.join(", ")));
            }
            if let Some(target) = decision.target.as_ref().filter(|_| decision.accepted()) {
                text.push_str(&format!(": {} to {}", target.tag, target.environment));
            }
            text
        }
        None => format!("`{prefix}{}` refused (not a valid command)", answer.word),
    };
    let entry = HistoryEntry {
        when: crate::time::rfc3339(answer.at),
        who: comment.author.clone(),
        what,
        key: Some(format!("comment {}", comment.id)),
    };
    for _ in 0..HISTORY_ATTEMPTS {
        let issue = forge.issue(place.issue.number).await?;
        // Someone may have broken the body's sections; the reply still records the decision,
        // and a command (a hold above all) must never fail for it.
        match history_in_body(&issue.body, policy.environments, &entry) {
            Ok(Some(body)) => {
                forge.update_issue_body(issue.number, &body).await?;
            }
            Ok(None) => return Ok(()),
            Err(error) => {
                tracing::warn!(
                    issue = issue.number,
                    "the history was not written ({error}); the reply records the decision"
                );
                return Ok(());
            }
        }
    }
    tracing::warn!(
        issue = place.issue.number,
        "the history entry kept being overwritten; the reply still records the decision"
    );
    Ok(())
}
