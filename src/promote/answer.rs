//! Our replies to commands, read back: each reply starts with a hidden marker naming the comment
//! it answers and the decision. Only replies by shipgate's own login count, and only their first
//! line, so text quoted from a comment can never pass for a decision.
use std::fmt;

use crate::forge::{Comment, Reaction};

const MARKER_START: &str = "<!-- shipgate:answer ";
const MARKER_END: &str = " -->";

/// What shipgate decided about a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Accepted (and, for deployments, started).
    Accepted,
    /// Refused by a check.
    Refused,
    /// Accepted, but starting the deployment failed.
    Failed,
}

impl Verdict {
    /// The reaction that closes a decided comment: 🚀 accepted, 👎 otherwise.
    pub fn reaction(self) -> Reaction {
        match self {
            Self::Accepted => Reaction::Rocket,
            Self::Refused | Self::Failed => Reaction::ThumbsDown,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::Refused => "refused",
            Self::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "accepted" => Some(Self::Accepted),
            "refused" => Some(Self::Refused),
            "failed" => Some(Self::Failed),
            _ => None,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The decision a reply of ours records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The comment answered.
    pub comment_id: u64,
    /// The decision.
    pub verdict: Verdict,
    /// The command's word (`promote`, `hold`, …; `invalid` for a misused command).
    pub word: String,
    /// The environment deployed to, for `promote` and `rollback`.
    pub environment: Option<String>,
    /// The tag deployed, for `promote` and `rollback`.
    pub tag: Option<String>,
    /// The window was overridden.
    pub override_window: bool,
    /// When the reply was written (RFC 3339).
    pub at: String,
}

impl Answer {
    /// The marker line that starts the reply.
    pub fn marker(&self) -> String {
        let mut fields = vec![
            self.comment_id.to_string(),
            self.verdict.to_string(),
            self.word.clone(),
        ];
        if let Some(environment) = &self.environment {
            fields.push(format!("env={environment}"));
        }
        if let Some(tag) = &self.tag {
            fields.push(format!("tag={tag}"));
        }
        if self.override_window {
            fields.push("override".to_owned());
        }
        format!("{MARKER_START}{}{MARKER_END}", fields.join(" "))
    }

    /// Reads the marker at the start of `comment` when `own_login` wrote it.
    pub fn read(comment: &Comment, own_login: &str) -> Option<Self> {
        if !comment.author.eq_ignore_ascii_case(own_login) {
            return None;
        }
        let line = comment.body.lines().next()?;
        let fields = line.strip_prefix(MARKER_START)?.strip_suffix(MARKER_END)?;
        let mut fields = fields.split(' ');
        let mut answer = Self {
            comment_id: fields.next()?.parse().ok()?,
            verdict: Verdict::parse(fields.next()?)?,
            word: fields.next()?.to_owned(),
            environment: None,
            tag: None,
            override_window: false,
            at: comment.created_at.clone(),
        };
        for field in fields {
            match field.split_once('=') {
                Some(("env", v)) => answer.environment = Some(v.to_owned()),
                Some(("tag", v)) => answer.tag = Some(v.to_owned()),
                None if field == "override" => answer.override_window = true,
                _ => {}
            }
        }
        Some(answer)
    }
}

/// Every answer of ours among `comments`, oldest first.
pub fn answers(comments: &[Comment], own_login: &str) -> Vec<Answer> {
    comments
        .iter()
        .filter_map(|c| Answer::read(c, own_login))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(author: &str, body: &str) -> Comment {
        Comment {
            id: 9,
            body: body.to_owned(),
            author: author.to_owned(),
            author_is_bot: true,
            created_at: "2026-11-24T10:00:00Z".to_owned(),
            updated_at: "2026-11-24T10:00:00Z".to_owned(),
            system: false,
        }
    }

    #[test]
    fn markers_read_back() {
        let answer = Answer {
            comment_id: 41,
            verdict: Verdict::Accepted,
            word: "promote".to_owned(),
            environment: Some("production".to_owned()),
            tag: Some("v1.2.0".to_owned()),
            override_window: true,
            at: "2026-11-24T10:00:00Z".to_owned(),
        };
        let body = format!("{}\n🚀 accepted", answer.marker());
        assert_eq!(Answer::read(&comment("bot", &body), "bot"), Some(answer));
    }

    #[test]
    fn only_our_own_first_lines_count() {
        let body = "<!-- shipgate:answer 41 accepted hold -->\n";
        assert!(Answer::read(&comment("bot", body), "BOT").is_some());
        assert_eq!(Answer::read(&comment("mallory", body), "bot"), None);
        let quoted = format!("> quoted\n{body}");
        assert_eq!(Answer::read(&comment("bot", &quoted), "bot"), None);
        let bad = "<!-- shipgate:answer x accepted hold -->";
        assert_eq!(Answer::read(&comment("bot", bad), "bot"), None);
        let odd = "<!-- shipgate:answer 4 maybe hold -->";
        assert_eq!(Answer::read(&comment("bot", odd), "bot"), None);
    }
}
