//! Release notes in Markdown, grouped by kind of change.
use std::fmt::Write as _;

use super::conventional::{Conventional, ReleaseCommit};

/// Sections in the order they appear; commit types not listed here go under "Other changes".
const SECTIONS: [(&str, &str); 4] = [
    ("feat", "Features"),
    ("fix", "Fixes"),
    ("perf", "Performance"),
    ("revert", "Reverts"),
];

/// Render the notes of a release: breaking changes first, then each type that releases.
///
/// `releasing` says whether a commit type is in the configured type map; commits of other
/// types (docs, chore, …) and non-conventional commits are left out.
pub fn render(commits: &[ReleaseCommit], releasing: impl Fn(&str) -> bool) -> String {
    let conventional = || {
        commits
            .iter()
            .filter_map(|c| c.conventional.as_ref().map(|conv| (c, conv)))
    };
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();

    let breaking: Vec<String> = conventional()
        .filter(|(_, c)| c.breaking)
        .map(|(commit, c)| {
            let mut line = entry(commit, c);
            if let Some(note) = &c.breaking_note {
                for note_line in note.lines() {
                    let _ = write!(line, "\n  {note_line}");
                }
            }
            line
        })
        .collect();
    sections.push(("Breaking changes".to_owned(), breaking));

    for (kind, title) in SECTIONS {
        let entries = conventional()
            .filter(|(_, c)| !c.breaking && c.kind == kind && releasing(kind))
            .map(|(commit, c)| entry(commit, c))
            .collect();
        sections.push((title.to_owned(), entries));
    }
    let other = conventional()
        .filter(|(_, c)| {
            !c.breaking && releasing(&c.kind) && !SECTIONS.iter().any(|(k, _)| *k == c.kind)
        })
        .map(|(commit, c)| format!("{} ({})", entry(commit, c), c.kind))
        .collect();
    sections.push(("Other changes".to_owned(), other));

    let mut notes = String::new();
    for (title, entries) in sections.into_iter().filter(|(_, e)| !e.is_empty()) {
        if !notes.is_empty() {
            notes.push('\n');
        }
        let _ = writeln!(notes, "### {title}\n");
        for line in entries {
            let _ = writeln!(notes, "- {line}");
        }
    }
    notes
}

fn entry(commit: &ReleaseCommit, c: &Conventional) -> String {
    match &c.scope {
        Some(scope) => format!("**{scope}:** {} ({})", c.description, commit.short_id),
        None => format!("{} ({})", c.description, commit.short_id),
    }
}
