//! The hidden state block `<!-- shipgate:state {json} -->` at the end of the body: environment
//! rows and history, so that reading them back never depends on the visible table.
//!
//! JSON inside an HTML comment must not hold `--` (nor `<`/`>`, so that nothing can look like a
//! comment boundary): those only occur inside JSON strings and are written as `\u` escapes,
//! which any JSON reader turns back into the same text.
use serde::{Deserialize, Serialize};

use super::model::{EnvRow, HistoryEntry};

const PREFIX: &str = "<!-- shipgate:state ";
const SUFFIX: &str = " -->";

/// The machine state kept in the body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub(crate) struct State {
    /// Environment rows.
    #[serde(default)]
    pub rows: Vec<EnvRow>,
    /// History, oldest first.
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
    /// Older history entries dropped for the body limit.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub omitted: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Makes serialized JSON safe inside an HTML comment.
fn escape(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace("--", "-\\u002d")
}

/// The state block, on one line.
pub(crate) fn encode(state: &State) -> String {
    // Serializing plain strings, numbers and enums cannot fail.
    let json = serde_json::to_string(state).unwrap_or_else(|_| String::from("{}"));
    format!("{PREFIX}{}{SUFFIX}", escape(&json))
}

/// The state of the last state block in `body`; empty when there is none or it is unreadable.
pub(crate) fn decode(body: &str) -> State {
    let Some(start) = body.rfind(PREFIX) else {
        return State::default();
    };
    let rest = &body[start + PREFIX.len()..];
    let Some(end) = rest.find("-->") else {
        return State::default();
    };
    serde_json::from_str(rest[..end].trim()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forge::DeploymentState;

    fn entry(what: &str) -> HistoryEntry {
        HistoryEntry {
            when: "2026-03-02T10:00:00Z".into(),
            who: "alice".into(),
            what: what.into(),
            key: None,
        }
    }

    #[test]
    fn dashes_and_comment_ends_survive() {
        let state = State {
            rows: vec![EnvRow {
                environment: "stage".into(),
                state: Some(DeploymentState::Success),
                link: Some("https://ci/--x".into()),
                ..EnvRow::default()
            }],
            history: vec![
                entry("/hold reason --> sneaky"),
                entry("a -- b --- c ---- d"),
                entry("<!-- shipgate:state {} --> <b>"),
                entry("--!>"),
            ],
            omitted: 3,
        };
        let block = encode(&state);
        let inner = &block[PREFIX.len()..block.len() - SUFFIX.len()];
        assert!(!inner.contains("--"), "{block}");
        assert!(!inner.contains('<') && !inner.contains('>'), "{block}");
        assert!(!block.contains('\n'));
        assert_eq!(decode(&format!("text\n\n{block}\n")), state);
    }

    #[test]
    fn missing_or_broken_block_is_empty() {
        for body in [
            "",
            "no state",
            "<!-- shipgate:state ",
            "<!-- shipgate:state {not json} -->",
            "<!-- shipgate:state [1,2] -->",
            "<!-- shipgate:state {\"rows\":5} -->",
        ] {
            assert_eq!(decode(body), State::default(), "{body}");
        }
    }

    #[test]
    fn the_last_block_wins() {
        let old = encode(&State {
            omitted: 1,
            ..State::default()
        });
        let new = encode(&State {
            omitted: 2,
            ..State::default()
        });
        assert_eq!(decode(&format!("{old}\n{new}")).omitted, 2);
    }
}
