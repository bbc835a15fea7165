//! The two ways comments arrive: one GitHub `issue_comment` event, or a GitLab poll over every
//! open deployment issue.
use crate::deploy_issue::parse_marker;
use crate::forge::Forge;
use crate::issue::own_open_issues;

use super::answer::answers;
use super::command::{Parsed, parse_command};
use super::decide::Policy;
use super::error::PromoteError;
use super::event::{CommentEvent, skip_reason};
use super::handle::{Handled, Place, handle_comment};

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
    let comments = forge.comments(issue.number).await?;
    let place = Place {
        issue: &issue,
        version: &version,
        comments: &comments,
        own_login: &own_login,
    };
    Ok(EventResult::Handled(
        handle_comment(forge, policy, place, &event.comment).await?,
    ))
}

/// Answer every unanswered command on our open deployment issues, oldest first. System notes,
/// edited notes, bots and our own notes are skipped. A failure on one comment does not stop the
/// others; the first is returned after all were tried.
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
        let mut comments = match forge.comments(issue.number).await {
            Ok(comments) => comments,
            Err(e) => {
                tracing::error!(issue = issue.number, "{e}");
                first_error.get_or_insert(e.into());
                continue;
            }
        };
        // Comments our replies already answer cost no call at all.
        let answered: Vec<u64> = answers(&comments, &own_login)
            .iter()
            .map(|a| a.comment_id)
            .collect();
        let candidates: Vec<_> = comments
            .iter()
            .filter(|c| !answered.contains(&c.id))
            .filter(|c| skip_reason(c, &own_login).is_none())
            .filter(|c| c.updated_at == c.created_at)
            .filter(|c| parse_command(&c.body, &policy.promote.prefix) != Parsed::NotACommand)
            .cloned()
            .collect();
        for comment in candidates {
            let place = Place {
                issue: &issue,
                version: &version,
                comments: &comments,
                own_login: &own_login,
            };
            match handle_comment(forge, policy, place, &comment).await {
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
    }
    match first_error {
        None => Ok(done),
        Some(e) => Err((done, e)),
    }
}
