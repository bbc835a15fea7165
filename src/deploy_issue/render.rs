//! The body, kept under GitHub's 65,536-character limit.
//!
//! When the whole body is too long, the release notes are cut first (at a line boundary), then
//! the oldest visible history entries, then the oldest history entries of the state block. The
//! marker, checklist, table and state block always stay.
use super::marker::marker;
use super::model::{DeployIssue, EnvRow};
use super::sections::{self, history_line, history_text};
use super::state::{self, State};

/// The most characters (not bytes) a rendered body holds: GitHub accepts fewer than 65,536.
pub const MAX_BODY_CHARS: usize = 65_535;

/// The sections that are never cut.
struct Fixed {
    head: String,
    schema: String,
    checklist: String,
    table: String,
}

impl Fixed {
    fn assemble(&self, notes: &str, history: &str, state: &str) -> String {
        format!(
            "{}\n\n## Release notes\n\n{notes}\n\n## Schema\n\n{}\n\n## Runbook\n\n{}\n\n\
             ## Environments\n\n{}\n\n## Commands\n\n{}\n\n## History\n\n{history}\n\n{state}\n",
            self.head,
            self.schema,
            self.checklist,
            self.table,
            sections::COMMANDS
        )
    }
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

/// Renders the issue body (Markdown), always at most [`MAX_BODY_CHARS`] characters.
pub fn render(issue: &DeployIssue) -> String {
    let release = &issue.release;
    let fixed = Fixed {
        head: format!(
            "{}\n{}",
            marker(&release.version.to_string()),
            sections::summary(release)
        ),
        schema: sections::schema(issue.schema.as_ref()),
        checklist: sections::checklist(&issue.checklist),
        table: sections::table(issue),
    };
    let fixed_len = chars(&fixed.assemble("", "", ""));
    let notes = sections::notes_lines(release);
    let full_notes = sections::notes_full(&notes);
    let lines: Vec<String> = issue.history.iter().map(history_line).collect();
    let full_history = history_text(&lines, issue.history_omitted);
    let full_state = state::encode(&State {
        rows: issue.rows.clone(),
        history: issue.history.clone(),
        omitted: issue.history_omitted,
    });
    let (history_len, state_len) = (chars(&full_history), chars(&full_state));
    if fixed_len + chars(&full_notes) + history_len + state_len <= MAX_BODY_CHARS {
        return fixed.assemble(&full_notes, &full_history, &full_state);
    }

    // 1. The notes.
    let cut_line = sections::notes_cut_line(release);
    if let Some(budget) = MAX_BODY_CHARS.checked_sub(fixed_len + history_len + state_len) {
        if let Some(cut) = cut_notes(&notes, &cut_line, budget) {
            return fixed.assemble(&cut, &full_history, &full_state);
        }
    }
    let notes_len = chars(&cut_line);

    // 2. The oldest visible history entries.
    if let Some(budget) = MAX_BODY_CHARS.checked_sub(fixed_len + notes_len + state_len) {
        if let Some(history) = fit_history(&lines, issue.history_omitted, budget) {
            return fixed.assemble(&cut_line, &history, &full_state);
        }
    }

    // 3. The oldest entries of the state block as well.
    if let Some((state, history)) = fit_state_and_history(issue, &lines, fixed_len + notes_len) {
        return fixed.assemble(&cut_line, &history, &state);
    }

    // 4. Only inputs far beyond any real release get here (thousands of checklist items or
    //    environments, megabyte fields): keep the marker and the state, cut the rest.
    last_resort(issue, &fixed, &cut_line)
}

/// The notes' first lines that fit in `budget` characters with the cut line, or `None` when
/// not even the cut line fits.
fn cut_notes(notes: &[String], cut_line: &str, budget: usize) -> Option<String> {
    // Room for "\n\n" before the cut line and a fence closed after the last line kept.
    let reserve = chars(cut_line) + 2 + 4;
    let room = budget.checked_sub(reserve)?;
    let mut used = 0;
    let mut kept = 0;
    for line in notes {
        let add = chars(line) + usize::from(kept > 0);
        if used + add > room {
            break;
        }
        used += add;
        kept += 1;
    }
    if kept == 0 {
        return (chars(cut_line) <= budget).then(|| cut_line.to_owned());
    }
    let text = sections::close_fences(notes[..kept].join("\n"));
    Some(format!("{text}\n\n{cut_line}"))
}

/// The state block and history section that fit beside `used` characters: the state block keeps
/// the newest entries it can, and the section shows the newest of those that still fit; `None`
/// when not even an empty history fits. `lines` are the rendered history lines, oldest first.
pub(super) fn fit_state_and_history(
    issue: &DeployIssue,
    lines: &[String],
    used: usize,
) -> Option<(String, String)> {
    let total = issue.history.len();
    let state_for = |dropped: usize| {
        state::encode(&State {
            rows: issue.rows.clone(),
            history: issue.history[dropped..].to_vec(),
            omitted: issue.history_omitted + dropped,
        })
    };
    // Dropping an entry always shortens the block, so the first count that fits is found by halving.
    let fits = |dropped: usize| {
        let hidden = history_text(&[], issue.history_omitted + total);
        used + chars(&hidden) + chars(&state_for(dropped)) <= MAX_BODY_CHARS
    };
    let dropped = (0..=total)
        .collect::<Vec<_>>()
        .partition_point(|&d| !fits(d));
    if dropped > total {
        return None;
    }
    let state = state_for(dropped);
    let budget = MAX_BODY_CHARS.saturating_sub(used + chars(&state));
    let history = fit_history(&lines[dropped..], issue.history_omitted + dropped, budget)?;
    Some((state, history))
}

/// The newest history lines that fit in `budget` characters, with the line counting the rest.
fn fit_history(lines: &[String], omitted: usize, budget: usize) -> Option<String> {
    let total = lines.len();
    let len_for = |shown: usize, lines_len: usize| {
        let hidden = omitted + total - shown;
        let omitted_len = if hidden > 0 {
            chars(&sections::omitted_line(hidden)) + usize::from(shown > 0)
        } else {
            0
        };
        let empty = if shown == 0 && hidden == 0 {
            chars(&history_text(&[], 0))
        } else {
            0
        };
        lines_len + shown.saturating_sub(1) + omitted_len + empty
    };
    if len_for(0, 0) > budget {
        return None;
    }
    let mut shown = 0;
    let mut lines_len = 0;
    while shown < total {
        let next = lines_len + chars(&lines[total - shown - 1]);
        if len_for(shown + 1, next) > budget {
            break;
        }
        lines_len = next;
        shown += 1;
    }
    Some(history_text(
        &lines[total - shown..],
        omitted + total - shown,
    ))
}

/// Keeps the marker and a state block without history; cuts the visible text to fit.
fn last_resort(issue: &DeployIssue, fixed: &Fixed, cut_line: &str) -> String {
    let omitted = issue.history_omitted + issue.history.len();
    let clip = |text: &Option<String>| text.as_ref().map(|t| t.chars().take(200).collect());
    let clipped: Vec<EnvRow> = issue
        .rows
        .iter()
        .map(|r| EnvRow {
            environment: r.environment.chars().take(200).collect(),
            state: r.state,
            version: clip(&r.version),
            when: clip(&r.when),
            by: clip(&r.by),
            link: clip(&r.link),
            deployment: r.deployment,
            ci_run: clip(&r.ci_run),
            detail: clip(&r.detail),
        })
        .collect();
    let notice = "\n\n… body cut: it does not fit in GitHub's 65,536 characters\n\n";
    let marker_line = marker(&issue.release.version.to_string());
    for rows in [issue.rows.clone(), clipped, Vec::new()] {
        let state = state::encode(&State {
            rows,
            history: Vec::new(),
            omitted,
        });
        let tail = chars(notice) + chars(&state) + 1;
        let Some(room) = MAX_BODY_CHARS.checked_sub(tail) else {
            continue;
        };
        let visible = fixed.assemble(cut_line, &history_text(&[], omitted), "");
        let visible = visible.trim_end();
        let mut kept: String = visible.chars().take(room).collect();
        if chars(&kept) < chars(visible) {
            if let Some(at) = kept.rfind('\n') {
                kept.truncate(at);
            }
        }
        if chars(&kept) >= chars(&marker_line) {
            return format!("{kept}{notice}{state}\n");
        }
    }
    format!("{marker_line}\n")
}
