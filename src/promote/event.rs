//! The GitHub `issue_comment` event (the file at `GITHUB_EVENT_PATH`), and which of its
//! comments shipgate may act on at all.
use std::path::Path;

use serde::Deserialize;

use crate::forge::Comment;

use super::error::PromoteError;

/// What shipgate reads of an `issue_comment` event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentEvent {
    /// `created`, `edited` or `deleted`.
    pub action: String,
    /// The issue (or pull request) number.
    pub issue_number: u64,
    /// The comment is on a pull request.
    pub on_pull_request: bool,
    /// The issue as the event describes it, when it does: open, and its body. Used only to
    /// refuse an unauthorised commenter cheaply; a decision reads the issue from the forge.
    pub issue: Option<EventIssueFacts>,
    /// The comment, as it was when the event fired.
    pub comment: Comment,
}

/// What the event says of its issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventIssueFacts {
    /// `state` is `open`.
    pub open: bool,
    /// The body.
    pub body: String,
}

#[derive(Deserialize)]
struct Event {
    action: String,
    issue: EventIssue,
    comment: EventComment,
}

#[derive(Deserialize)]
struct EventIssue {
    number: u64,
    #[serde(default)]
    pull_request: Option<serde_json::Value>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    body: Option<String>,
}

#[derive(Deserialize)]
struct EventComment {
    id: u64,
    #[serde(default)]
    body: Option<String>,
    user: EventUser,
    created_at: jiff::Timestamp,
    updated_at: jiff::Timestamp,
}

#[derive(Deserialize)]
struct EventUser {
    login: String,
    #[serde(rename = "type", default)]
    kind: String,
}

/// Reads the event file.
pub fn read_event(path: &Path) -> Result<CommentEvent, PromoteError> {
    let problem = |problem: String| PromoteError::Event {
        path: path.display().to_string(),
        problem,
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| problem(format!("cannot read the event file: {e}")))?;
    parse_event(&text).map_err(|e| {
        problem(format!(
            "not an issue_comment event ({e}); run shipgate-promote from a workflow triggered \
             `on: issue_comment`, or use `poll` on GitLab"
        ))
    })
}

fn parse_event(text: &str) -> Result<CommentEvent, serde_json::Error> {
    let event: Event = serde_json::from_str(text)?;
    Ok(CommentEvent {
        action: event.action,
        issue_number: event.issue.number,
        on_pull_request: event.issue.pull_request.is_some_and(|v| !v.is_null()),
        issue: event
            .issue
            .state
            .zip(event.issue.body)
            .map(|(state, body)| EventIssueFacts {
                open: state == "open",
                body,
            }),
        comment: Comment {
            id: event.comment.id,
            body: event.comment.body.unwrap_or_default(),
            author_is_bot: event.comment.user.kind.eq_ignore_ascii_case("bot"),
            author: event.comment.user.login,
            created_at: event.comment.created_at,
            updated_at: event.comment.updated_at,
            system: false,
            url: None,
        },
    })
}

/// Why a comment is not for shipgate, before any API call; `None` when it may be.
pub fn skip_reason(comment: &Comment, own_login: &str) -> Option<&'static str> {
    if comment.system {
        Some("a system note")
    } else if comment.author.eq_ignore_ascii_case(own_login) {
        Some("our own comment")
    } else if comment.author_is_bot {
        Some("a comment by a bot")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str = r#"{
      "action": "created",
      "issue": { "number": 12, "state": "open", "title": "Deploy v1.2.0", "user": { "login": "github-actions[bot]", "type": "Bot" } },
      "comment": { "id": 99, "body": "/promote production", "user": { "login": "alice", "type": "User" },
                   "created_at": "2026-11-24T10:00:00Z", "updated_at": "2026-11-24T10:00:00Z" },
      "repository": { "full_name": "acme/shop" },
      "sender": { "login": "alice" }
    }"#;

    #[test]
    fn reads_the_comment_and_its_issue() {
        let event = parse_event(EVENT).unwrap();
        assert_eq!(event.action, "created");
        assert_eq!(event.issue_number, 12);
        assert!(!event.on_pull_request);
        assert_eq!(event.comment.id, 99);
        assert_eq!(event.comment.author, "alice");
        assert!(!event.comment.author_is_bot);
        assert_eq!(skip_reason(&event.comment, "github-actions[bot]"), None);
    }

    #[test]
    fn pull_requests_bots_and_ourselves_are_told_apart() {
        let pr = EVENT.replace(
            r#""number": 12,"#,
            r#""number": 12, "pull_request": { "url": "x" },"#,
        );
        assert!(parse_event(&pr).unwrap().on_pull_request);
        let bot = EVENT.replace(r#""type": "User""#, r#""type": "Bot""#);
        let bot = parse_event(&bot).unwrap();
        assert_eq!(skip_reason(&bot.comment, "x"), Some("a comment by a bot"));
        let own = parse_event(EVENT).unwrap();
        assert_eq!(skip_reason(&own.comment, "ALICE"), Some("our own comment"));
    }

    #[test]
    fn other_events_are_refused_with_the_file_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("event.json");
        std::fs::write(&path, r#"{"action":"opened","pull_request":{}}"#).unwrap();
        let error = read_event(&path).unwrap_err().to_string();
        assert!(error.starts_with(&path.display().to_string()), "{error}");
        assert!(error.contains("not an issue_comment event"), "{error}");
    }
}
