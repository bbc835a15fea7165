//! Our replies to commands, read back: each reply starts with a hidden marker naming the comment
//! it answers and the decision. Only replies by shipgate's own login count, only their first
//! line, so text quoted from a comment can never pass for a decision, and only markers proven
//! unaltered ([`Seal`]), so an edited reply decides nothing.
use jiff::Timestamp;
use std::fmt;

use crate::forge::{Comment, Reaction};
use crate::seal::Seal;

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
    /// The commit the tag pointed at when the command was accepted: the only one the deploy job
    /// may deploy.
    pub sha: Option<String>,
    /// The window was overridden.
    pub override_window: bool,
    /// When the reply was written (to the second).
    pub at: Timestamp,
}

impl Answer {
    /// The marker line that starts the reply on issue `issue`, sealed when `seal` has a key.
    pub fn marker(&self, seal: &Seal, issue: u64) -> String {
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
        if let Some(sha) = &self.sha {
            fields.push(format!("sha={sha}"));
        }
        if self.override_window {
            fields.push("override".to_owned());
        }
        fields.push(format!("at={}", crate::time::rfc3339(self.at)));
        let sealed = seal.seal(&context(issue), &fields.join(" "));
        format!("{MARKER_START}{sealed}{MARKER_END}")
    }

    /// Whether `comment` on issue `issue` is our reply recording exactly this answer: how a
    /// reply whose creation seemed to fail is found again.
    pub fn written_in(&self, comment: &Comment, own_login: &str, seal: &Seal, issue: u64) -> bool {
        Self::read(comment, own_login, seal, issue).as_ref() == Some(self)
    }

    /// Reads the marker at the start of `comment` on issue `issue` when `own_login` wrote it and
    /// `seal` proves it unaltered.
    pub fn read(comment: &Comment, own_login: &str, seal: &Seal, issue: u64) -> Option<Self> {
        if !comment.author.eq_ignore_ascii_case(own_login) {
            return None;
        }
        let line = comment.body.lines().next()?;
        let sealed = line.strip_prefix(MARKER_START)?.strip_suffix(MARKER_END)?;
        let fields = match seal.open(&context(issue), sealed, comment) {
            Ok(fields) => fields,
            Err(why) => {
                tracing::warn!(
                    comment = comment.id,
                    issue,
                    "an answer of shipgate's does not count: {why}"
                );
                return None;
            }
        };
        let mut fields = fields.split(' ');
        let mut answer = Self {
            comment_id: fields.next()?.parse().ok()?,
            verdict: Verdict::parse(fields.next()?)?,
            word: fields.next()?.to_owned(),
            environment: None,
            tag: None,
            sha: None,
            override_window: false,
            at: comment.created_at,
        };
        for field in fields {
            match field.split_once('=') {
                Some(("env", v)) => answer.environment = Some(v.to_owned()),
                Some(("tag", v)) => answer.tag = Some(v.to_owned()),
                Some(("sha", v)) => answer.sha = Some(v.to_owned()),
                Some(("at", v)) => answer.at = v.parse().ok()?,
                None if field == "override" => answer.override_window = true,
                _ => {}
            }
        }
        Some(answer)
    }
}

/// Our comments on issue `issue` that carry an answer marker the seal does not prove: someone
/// edited (or forged) a decision of shipgate's. Such a comment decides nothing, and it stops
/// promotions until people look at it: a hold altered into an unhold must not lift the hold.
pub fn tampered(comments: &[Comment], own_login: &str, seal: &Seal, issue: u64) -> Vec<u64> {
    comments
        .iter()
        .filter(|c| c.author.eq_ignore_ascii_case(own_login))
        .filter(|c| {
            c.body
                .lines()
                .next()
                .is_some_and(|line| line.starts_with(MARKER_START))
        })
        .filter(|c| Answer::read(c, own_login, seal, issue).is_none())
        .map(|c| c.id)
        .collect()
}

/// What a seal binds a marker to: its issue.
fn context(issue: u64) -> String {
    format!("issue {issue}")
}

/// Every proven answer of ours among the comments of issue `issue`, oldest first.
pub fn answers(comments: &[Comment], own_login: &str, seal: &Seal, issue: u64) -> Vec<Answer> {
    comments
        .iter()
        .filter_map(|c| Answer::read(c, own_login, seal, issue))
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
            created_at: "2026-11-24T10:00:00Z".parse().unwrap(),
            updated_at: "2026-11-24T10:00:00Z".parse().unwrap(),
            system: false,
            url: None,
        }
    }

    fn accepted() -> Answer {
        Answer {
            comment_id: 41,
            verdict: Verdict::Accepted,
            word: "promote".to_owned(),
            environment: Some("production".to_owned()),
            tag: Some("v1.2.0".to_owned()),
            sha: Some("9fceb02d".to_owned()),
            override_window: true,
            at: "2026-11-24T10:00:00Z".parse().unwrap(),
        }
    }

    #[test]
    fn markers_read_back() {
        let answer = accepted();
        let body = format!("{}\n🚀 accepted", answer.marker(&Seal::default(), 7));
        let read = Answer::read(&comment("bot", &body), "bot", &Seal::default(), 7);
        assert_eq!(read, Some(answer));
    }

    #[test]
    fn only_our_own_first_lines_count() {
        let read =
            |author, body: &str| Answer::read(&comment(author, body), "bot", &Seal::default(), 7);
        let body = "<!-- shipgate:answer 41 accepted hold -->\n";
        assert!(read("BOT", body).is_some());
        assert_eq!(read("mallory", body), None);
        let quoted = format!("> quoted\n{body}");
        assert_eq!(read("bot", &quoted), None);
        assert_eq!(
            read("bot", "<!-- shipgate:answer x accepted hold -->"),
            None
        );
        assert_eq!(read("bot", "<!-- shipgate:answer 4 maybe hold -->"), None);
    }

    #[test]
    fn an_edited_or_forged_answer_decides_nothing() {
        let unkeyed = Seal::default();
        let refused = Answer {
            verdict: Verdict::Refused,
            ..accepted()
        };
        // Without a key, an edited reply does not count, whatever it says.
        let mut edited = comment(
            "bot",
            &refused.marker(&unkeyed, 7).replace("refused", "accepted"),
        );
        edited.updated_at = "2026-11-24T10:09:00Z".parse().unwrap();
        assert_eq!(Answer::read(&edited, "bot", &unkeyed, 7), None);
        // With a key, the seal proves the text, wherever the comment was edited.
        let seal = Seal::new(Some(secrecy::SecretString::from("k".to_owned())));
        let mut sealed = comment("bot", &accepted().marker(&seal, 7));
        sealed.updated_at = "2026-11-24T10:09:00Z".parse().unwrap();
        assert_eq!(Answer::read(&sealed, "bot", &seal, 7), Some(accepted()));
        // Not on another issue, nor altered, nor unsealed.
        assert_eq!(Answer::read(&sealed, "bot", &seal, 8), None);
        let altered = comment("bot", &sealed.body.replace("v1.2.0", "v1.1.0"));
        assert_eq!(Answer::read(&altered, "bot", &seal, 7), None);
        let unsealed = comment("bot", &accepted().marker(&unkeyed, 7));
        assert_eq!(Answer::read(&unsealed, "bot", &seal, 7), None);
    }
}
