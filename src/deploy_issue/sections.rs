//! The visible sections of the body, each a pure function of the issue.
use super::model::{ChecklistItem, DeployIssue, EnvRow, HistoryEntry, Release};
use super::schema_summary::SchemaSummary;
use crate::forge::DeploymentState;
use crate::schema::model::Order;

/// Opens the runbook checklist (hidden), so that task lists in the notes are never read as it.
pub(crate) const CHECKLIST_START: &str = "<!-- shipgate:checklist -->";
/// Closes the runbook checklist.
pub(crate) const CHECKLIST_END: &str = "<!-- /shipgate:checklist -->";

/// `text` with anything that could pass for one of our hidden markers made visible and inert.
pub(crate) fn neutralize(text: &str) -> String {
    text.replace("<!-- shipgate:", "&lt;!-- shipgate:")
        .replace("<!-- /shipgate:", "&lt;!-- /shipgate:")
}

/// `text` on one line: lines trimmed and joined with spaces, markers neutralized.
pub(crate) fn one_line(text: &str) -> String {
    let joined = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    neutralize(&joined)
}

/// `text` as inline code.
fn code(text: &str) -> String {
    let text = one_line(text);
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

/// A table cell: one line, pipes escaped, `—` when empty.
fn cell(text: Option<&str>) -> String {
    match text.map(one_line) {
        Some(t) if !t.is_empty() => t.replace('|', "\\|"),
        _ => "—".to_owned(),
    }
}

/// An address usable inside `[..](..)`.
fn href(url: &str) -> String {
    url.trim()
        .replace(' ', "%20")
        .replace('(', "%28")
        .replace(')', "%29")
        .replace('|', "%7C")
        .replace('<', "%3C")
        .replace('>', "%3E")
}

/// The summary: version, previous version, tag, short commit, images.
pub(crate) fn summary(release: &Release) -> String {
    let previous = release
        .previous
        .as_ref()
        .map_or_else(|| "first release".to_owned(), |p| format!("previous: v{p}"));
    let tag = match &release.url {
        Some(url) => format!("[{}]({})", code(&release.tag), href(url)),
        None => code(&release.tag),
    };
    let commit: String = release.commit.trim().chars().take(7).collect();
    let commit = if commit.is_empty() {
        "—".to_owned()
    } else {
        code(&commit)
    };
    let mut out = format!(
        "**Release v{}** ({previous})\n\n- Tag: {tag}\n- Commit: {commit}\n- Images:",
        release.version
    );
    if release.images.is_empty() {
        out.push_str(" none");
    }
    for image in &release.images {
        out.push_str(&format!(
            "\n  - {}: {}",
            code(&image.name),
            code(&image.reference)
        ));
    }
    out
}

/// Closes a code fence left open (by the notes, or by cutting them).
pub(crate) fn close_fences(text: String) -> String {
    let fences = text
        .lines()
        .filter(|l| {
            let l = l.trim_start();
            l.starts_with("```") || l.starts_with("~~~")
        })
        .count();
    if fences % 2 == 1 {
        format!("{text}\n```")
    } else {
        text
    }
}

/// The release notes' lines, markers neutralized, trailing blank space dropped, headings moved
/// down so that none is above level 3 (the body's own sections are level 2).
pub(crate) fn notes_lines(release: &Release) -> Vec<String> {
    let notes = neutralize(release.notes.trim_end());
    let mut lines: Vec<String> = notes
        .trim_start_matches(['\n', '\r'])
        .lines()
        .map(str::to_owned)
        .collect();
    let headings: Vec<(usize, usize)> = outside_fences(&lines)
        .filter_map(|i| heading_level(&lines[i]).map(|level| (i, level)))
        .collect();
    let shift = headings
        .iter()
        .map(|&(_, level)| level)
        .min()
        .map_or(0, |min| 3usize.saturating_sub(min));
    if shift > 0 {
        for (i, level) in headings {
            let extra = "#".repeat((level + shift).min(6) - level);
            lines[i] = format!("{extra}{}", lines[i]);
        }
    }
    lines
}

/// Indices of the lines not inside a code fence.
fn outside_fences(lines: &[String]) -> impl Iterator<Item = usize> + '_ {
    let mut inside = false;
    lines.iter().enumerate().filter_map(move |(i, line)| {
        let l = line.trim_start();
        if l.starts_with("```") || l.starts_with("~~~") {
            inside = !inside;
            return None;
        }
        (!inside).then_some(i)
    })
}

/// The level of an ATX heading line (`## Fixes` → 2).
fn heading_level(line: &str) -> Option<usize> {
    let level = line.chars().take_while(|&c| c == '#').count();
    let rest = &line[level..];
    ((1..=6).contains(&level) && (rest.is_empty() || rest.starts_with(' '))).then_some(level)
}

/// The notes in full, or a placeholder when there are none.
pub(crate) fn notes_full(lines: &[String]) -> String {
    if lines.is_empty() {
        "_No release notes._".to_owned()
    } else {
        close_fences(lines.join("\n"))
    }
}

/// The line that ends notes that were cut.
pub(crate) fn notes_cut_line(release: &Release) -> String {
    match &release.url {
        Some(url) => format!("… notes cut; full notes: {}", href(url)),
        None => "… notes cut; see the tag".to_owned(),
    }
}

fn migration_list(out: &mut String, heading: &str, paths: &[String]) {
    if paths.is_empty() {
        return;
    }
    out.push_str(&format!("\n\n{heading}\n"));
    let items: Vec<String> = paths
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{}. {}", i + 1, code(p)))
        .collect();
    out.push_str(&items.join("\n"));
}

/// What to do about the schema.
pub(crate) fn schema(summary: Option<&SchemaSummary>) -> String {
    let Some(summary) = summary else {
        return "No schema report was attached to this release.".to_owned();
    };
    let mut out = match summary.order {
        Order::None => "**Order: none.** No migration.".to_owned(),
        Order::SchemaFirst => "**Order: schema-first.** This release needs its schema change \
                               applied before the new code goes out."
            .to_owned(),
        Order::CodeFirst => {
            "**Order: code-first.** Deploy the code first, then apply the migrations.".to_owned()
        }
        Order::Blocked => "**Order: blocked.** This release is blocked: do not deploy it. Why, \
                           and how to split the release, is in the pipeline's schema report."
            .to_owned(),
    };
    migration_list(
        &mut out,
        "Before the new code (pre-deploy):",
        &summary.pre_deploy,
    );
    migration_list(
        &mut out,
        "After the new code (post-deploy):",
        &summary.post_deploy,
    );
    out
}

/// The runbook as a task list between hidden markers.
pub(crate) fn checklist(items: &[ChecklistItem]) -> String {
    let mut out = String::from(CHECKLIST_START);
    for item in items {
        let tick = if item.checked { 'x' } else { ' ' };
        out.push_str(&format!("\n- [{tick}] {}", one_line(&item.text)));
    }
    out.push('\n');
    out.push_str(CHECKLIST_END);
    out
}

fn status(state: Option<DeploymentState>, detail: Option<&str>) -> String {
    let emoji = match state {
        None => "⚪",
        Some(DeploymentState::Queued) => "⏳",
        Some(DeploymentState::InProgress) => "🔄",
        Some(DeploymentState::Success) => "✅",
        Some(DeploymentState::Failure) => "❌",
    };
    match detail.map(str::trim).filter(|d| !d.is_empty()) {
        Some(detail) => format!("{emoji} {} ({})", state_words(state), cell(Some(detail))),
        None => format!("{emoji} {}", state_words(state)),
    }
}

/// A state in words (`in progress`).
pub(crate) fn state_words(state: Option<DeploymentState>) -> &'static str {
    match state {
        None => "not deployed",
        Some(DeploymentState::Queued) => "queued",
        Some(DeploymentState::InProgress) => "in progress",
        Some(DeploymentState::Success) => "success",
        Some(DeploymentState::Failure) => "failure",
    }
}

fn row_line(environment: &str, row: Option<&EnvRow>) -> String {
    let by = row
        .and_then(|r| r.by.as_deref())
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(|b| format!("@{}", b.trim_start_matches('@')));
    let link = row
        .and_then(|r| r.link.as_deref())
        .filter(|l| !l.trim().is_empty())
        .map_or_else(|| "—".to_owned(), |l| format!("[logs]({})", href(l)));
    format!(
        "| {} | {} | {} | {} | {} | {link} |",
        cell(Some(environment)),
        status(
            row.and_then(|r| r.state),
            row.and_then(|r| r.detail.as_deref())
        ),
        cell(row.and_then(|r| r.version.as_deref())),
        cell(row.and_then(|r| r.when.as_deref())),
        cell(by.as_deref()),
    )
}

/// The status table: configured environments in order, then any other environment with a row.
pub(crate) fn table(issue: &DeployIssue) -> String {
    let mut lines = vec![
        "| Environment | Status | Version | When | By | Link |".to_owned(),
        "|---|---|---|---|---|---|".to_owned(),
    ];
    let find = |env: &str| issue.rows.iter().find(|r| r.environment == env);
    for env in &issue.environments {
        lines.push(row_line(env, find(env)));
    }
    for row in &issue.rows {
        if !issue.environments.contains(&row.environment) {
            lines.push(row_line(&row.environment, Some(row)));
        }
    }
    lines.join("\n")
}

/// The commands people can comment, one line each.
pub(crate) const COMMANDS: &str = "Comment one of these on this issue:\n\
- `/promote ENV` — deploy this release to ENV once its gates pass (production needs a successful stage deployment of the same tag and commit).\n\
- `/promote ENV --override-window \"reason\"` — promote outside the deployment window; the reason is kept in the history.\n\
- `/rollback ENV [vX.Y.Z]` — deploy the previous release (or the version given) to ENV again.\n\
- `/hold [reason]` — stop every promotion of this release until `/unhold`.\n\
- `/unhold` — lift the hold.\n\
- `/status` — reply with the state of every environment.\n\
- `/help` — reply with this list.";

/// One history line.
pub(crate) fn history_line(entry: &HistoryEntry) -> String {
    let who = one_line(&entry.who);
    let who = who.trim_start_matches('@');
    let who = if who.is_empty() {
        "someone".to_owned()
    } else {
        format!("@{who}")
    };
    format!(
        "- {} — {who}: {}",
        one_line(&entry.when),
        one_line(&entry.what)
    )
}

/// The line standing for history entries not shown.
pub(crate) fn omitted_line(count: usize) -> String {
    if count == 1 {
        "_1 older entry not shown_".to_owned()
    } else {
        format!("_{count} older entries not shown_")
    }
}

/// The history section's text from the lines shown (newest last) and how many are hidden.
pub(crate) fn history_text(shown: &[String], hidden: usize) -> String {
    let mut parts: Vec<&str> = Vec::with_capacity(shown.len() + 1);
    let omitted = omitted_line(hidden);
    if hidden > 0 {
        parts.push(&omitted);
    }
    parts.extend(shown.iter().map(String::as_str));
    if parts.is_empty() {
        "_Nothing yet._".to_owned()
    } else {
        parts.join("\n")
    }
}
