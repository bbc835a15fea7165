//! The two ways comments arrive: one GitHub `issue_comment` event, or a GitLab poll over every
//! open deployment issue.
use crate::deploy_issue::parse_marker;
use semver::Version;

use crate::forge::{Comment, Forge, Issue};
use crate::issue::own_open_issues;

use super::answer::answers;
use super::command::{Parsed, parse_command};
use super::decide::Policy;
use super::error::PromoteError;
use super::event::{CommentEvent, skip_reason};
use super::handle::{Handled, Place, handle_comment, refuse_unauthorised};

/// What became of an event.
#[derive(Debug, Clone)]
pub enum EventResult {
    /// Not for shipgate, with the reason (logged, no trace on the forge).
    Ignored(String),
    /// Handled.
    Handled(Handled),
}

/// Act on one `issue_comment` event: only a new comment, by a person other than us, on an open
/// issue (not a pull request) that we opened and that carries a release marker.
pub async fn on_event<F: Forge>(
    forge: &F,
    policy: Policy<'_>,
    event: &CommentEvent,
) -> Result<EventResult, PromoteError> {
    let ignored = |why: &str| Ok(EventResult::Ignored(why.to_owned()));
    if event.action != "created" {
        return ignored("only new comments are read: an edit may not be the author's");
    }
    if event.on_pull_request {
        return ignored("the comment is on a pull request");
    }
    if parse_command(&event.comment.body, &policy.promote.prefix) == Parsed::NotACommand {
        return ignored("the comment is not a command");
    }
    if event.comment.author_is_bot {
        return ignored("a comment by a bot");
    }
    // The commenter's permission first: an unauthorised one costs three calls at most.
    let has = forge.permission(&event.comment.author).await?;
    if let Some(facts) = &event.issue {
        if !facts.open {
            return ignored("the issue is closed");
        }
        if parse_marker(&facts.body).is_none() {
            return ignored("the issue is not a deployment issue (no release marker)");
        }
        let word = match parse_command(&event.comment.body, &policy.promote.prefix) {
            Parsed::Command(command) => command.word().to_owned(),
            Parsed::Invalid { word, .. } => word,
            Parsed::NotACommand => unreachable!("commands only reach here"),
        };
        if let Some((outcome, replies)) = refuse_unauthorised(
            forge,
            policy,
            event.issue_number,
            &event.comment,
            &word,
            has,
        )
        .await?
        {
            return Ok(EventResult::Handled(Handled {
                comment_id: event.comment.id,
                command: match parse_command(&event.comment.body, &policy.promote.prefix) {
                    Parsed::Command(command) => Some(command),
                    _ => None,
                },
                outcome,
                replies,
            }));
        }
    }
    let own_login = forge.own_login().await?;
    if let Some(why) = skip_reason(&event.comment, &own_login) {
        return ignored(why);
    }
    let issue = forge.issue(event.issue_number).await?;
    if issue.state != crate::forge::IssueState::Open {
        return ignored("the issue is closed");
    }
    if !issue.author.eq_ignore_ascii_case(&own_login) {
        return ignored("the issue was not opened by shipgate's own login");
    }
    let Some(version) = parse_marker(&issue.body) else {
        return ignored("the issue is not a deployment issue (no release marker)");
    };
    let mut comments = forge.comments(issue.number).await?;
    let place = Place {
        issue: &issue,
        version: &version,
        comments: &comments,
        own_login: &own_login,
    };
    let handled = handle_comment(forge, policy, place, &event.comment, Some(has)).await?;
    // A run whose event was superseded while it waited (GitHub keeps one pending run per
    // concurrency group) left its command unanswered: every run answers all of them.
    comments.extend(handled.replies.iter().cloned());
    let (others, error) = answer_issue(forge, policy, &issue, &version, &own_login, comments).await;
    for other in &others {
        tracing::info!(
            comment = other.comment_id,
            "an earlier unanswered command was answered too"
        );
    }
    if let Some(error) = error {
        return Err(error);
    }
    Ok(EventResult::Handled(handled))
}

/// Answer every unanswered command on our open deployment issues, oldest first. A failure on one
/// comment does not stop the others; the first is returned after all were tried.
pub async fn poll<F: Forge>(
    forge: &F,
    policy: Policy<'_>,
) -> Result<Vec<Handled>, (Vec<Handled>, PromoteError)> {
    let mut done = Vec::new();
    let mut first_error = None;
    let own_login = match forge.own_login().await {
        Ok(login) => login,
        Err(e) => return Err((done, e.into())),
    };
    let issues = match own_open_issues(forge, &own_login).await {
        Ok(issues) => issues,
        Err(e) => return Err((done, e.into())),
    };
    for (version, issue) in issues {
        let comments = match forge.comments(issue.number).await {
            Ok(comments) => comments,
            Err(e) => {
                tracing::error!(issue = issue.number, "{e}");
                first_error.get_or_insert(e.into());
                continue;
            }
        };
        let (handled, error) =
            answer_issue(forge, policy, &issue, &version, &own_login, comments).await;
        done.extend(handled);
        if let Some(error) = error {
            first_error.get_or_insert(error);
        }
    }
    match first_error {
        None => Ok(done),
        Some(e) => Err((done, e)),
    }
}

/// Answer every unanswered command among `comments` of `issue`, oldest first. System notes,
/// edited comments, bots and our own comments are skipped; comments our replies already answer
/// cost no call at all. A failure on one comment does not stop the others; the first is returned.
async fn answer_issue<F: Forge>(
    forge: &F,
    policy: Policy<'_>,
    issue: &Issue,
    version: &Version,
    own_login: &str,
    mut comments: Vec<Comment>,
) -> (Vec<Handled>, Option<PromoteError>) {
    let mut done = Vec::new();
    let mut first_error = None;
    let answered: Vec<u64> = answers(&comments, own_login, policy.seal, issue.number)
        .iter()
        .map(|a| a.comment_id)
        .collect();
    let candidates: Vec<_> = comments
        .iter()
        .filter(|c| !answered.contains(&c.id))
        .filter(|c| skip_reason(c, own_login).is_none())
        .filter(|c| c.updated_at == c.created_at)
        .filter(|c| parse_command(&c.body, &policy.promote.prefix) != Parsed::NotACommand)
        .cloned()
        .collect();
    for comment in candidates {
        let place = Place {
            issue,
            version,
            comments: &comments,
            own_login,
        };
        match handle_comment(forge, policy, place, &comment, None).await {
            Ok(handled) => {
                comments.extend(handled.replies.iter().cloned());
                done.push(handled);
            }
            Err(e) => {
                tracing::error!(issue = issue.number, comment = comment.id, "{e}");
                first_error.get_or_insert(e);
            }
        }
    }
    (done, first_error)
}
