//! Reading back what a body holds: the marker's version, the ticks people left, and the state.
use semver::Version;

use super::marker::parse_marker;
use super::model::{ChecklistItem, EnvRow, HistoryEntry};
use super::sections::{CHECKLIST_END, CHECKLIST_START};
use super::state;

/// What a deployment issue's body holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedBody {
    /// The version of the marker, if there is a well-formed one.
    pub version: Option<Version>,
    /// The runbook items with their ticks as people left them (text trimmed).
    pub checklist: Vec<ChecklistItem>,
    /// Environment rows of the state block.
    pub rows: Vec<EnvRow>,
    /// History of the state block, oldest first.
    pub history: Vec<HistoryEntry>,
    /// Older history entries the state block no longer holds.
    pub history_omitted: usize,
}

/// Reads `body`. Anything missing or unreadable comes back empty; this never fails.
pub fn parse(body: &str) -> ParsedBody {
    let state = state::decode(body);
    ParsedBody {
        version: parse_marker(body),
        checklist: checklist(body),
        rows: state.rows,
        history: state.history,
        history_omitted: state.omitted,
    }
}

/// The task-list lines between the checklist markers (up to the end when the closing one is gone).
fn checklist(body: &str) -> Vec<ChecklistItem> {
    let Some(start) = body.find(CHECKLIST_START) else {
        return Vec::new();
    };
    let rest = &body[start + CHECKLIST_START.len()..];
    let section = rest.find(CHECKLIST_END).map_or(rest, |end| &rest[..end]);
    section.lines().filter_map(task).collect()
}

/// A `- [ ] text` / `* [x] text` line.
fn task(line: &str) -> Option<ChecklistItem> {
    let rest = line.trim_start().strip_prefix(['-', '*', '+'])?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = rest.trim_start();
    let checked = if let Some(r) = rest.strip_prefix("[ ]") {
        (false, r)
    } else if let Some(r) = rest
        .strip_prefix("[x]")
        .or_else(|| rest.strip_prefix("[X]"))
    {
        (true, r)
    } else {
        return None;
    };
    let (checked, text) = checked;
    let text = text.trim();
    (!text.is_empty()).then(|| ChecklistItem {
        text: text.to_owned(),
        checked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_lines_in_every_spelling() {
        let body = format!(
            "{CHECKLIST_START}\n- [ ] One\n* [x] Two  \n  + [X]   Three\n-[x] not a task\n\
             - [y] nor this\n- [ ]\ntext\n{CHECKLIST_END}\n- [x] after the list"
        );
        let items = parse(&body).checklist;
        assert_eq!(
            items,
            [
                ChecklistItem {
                    text: "One".into(),
                    checked: false
                },
                ChecklistItem {
                    text: "Two".into(),
                    checked: true
                },
                ChecklistItem {
                    text: "Three".into(),
                    checked: true
                },
            ]
        );
    }

    #[test]
    fn task_lists_outside_the_checklist_are_ignored() {
        assert!(parse("- [x] Backups verified\n").checklist.is_empty());
    }

    #[test]
    fn garbage_never_panics() {
        for body in [
            "",
            "<!-- shipgate:checklist -->",
            "<!-- shipgate:state {",
            "<!-- shipgate:release v1.2.3",
            "<!-- shipgate:state {\"rows\":[{\"environment\":1}]} -->",
            "é<!-- shipgate:state 😀 -->ü",
        ] {
            let parsed = parse(body);
            assert!(
                parsed.rows.is_empty() && parsed.history.is_empty(),
                "{body}"
            );
        }
    }
}
