//! Re-rendering without losing people's work, and recording what environments saw.
use super::model::{DeployIssue, EnvRecord, EnvRow, HistoryEntry};
use super::parse::parse;
use super::sections::{one_line, state_words};
use super::time::is_later;

/// `fresh` with what `existing_body` holds: ticks (by item text; items `fresh` no longer lists
/// are dropped), environment rows (unless `fresh` has a later one for that environment) and
/// history (the existing entries, then the fresh ones it does not hold yet).
pub fn merge(fresh: DeployIssue, existing_body: &str) -> DeployIssue {
    let old = parse(existing_body);
    let mut issue = fresh;

    for item in &mut issue.checklist {
        // Compared as rendered: one line, surrounding whitespace ignored.
        let key = one_line(&item.text);
        if old
            .checklist
            .iter()
            .any(|o| o.checked && o.text.trim() == key)
        {
            item.checked = true;
        }
    }

    let mut rows: Vec<EnvRow> = Vec::new();
    for row in old.rows.iter().chain(&issue.rows) {
        match rows.iter_mut().find(|r| r.environment == row.environment) {
            None => rows.push(row.clone()),
            Some(kept) => {
                if is_later(row.when.as_deref(), kept.when.as_deref()) {
                    *kept = row.clone();
                }
            }
        }
    }
    issue.rows = rows;

    let mut history = old.history;
    for entry in issue.history.drain(..) {
        if !history.iter().any(|h| same_entry(h, &entry)) {
            history.push(entry);
        }
    }
    issue.history = history;
    issue.history_omitted = issue.history_omitted.max(old.history_omitted);
    issue
}

fn same_entry(a: &HistoryEntry, b: &HistoryEntry) -> bool {
    match (&a.key, &b.key) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// Records what an environment saw: its row takes the record unless the row is later, and the
/// history gains one entry. Applying a record already in the history changes nothing; returns
/// whether anything changed.
pub fn apply_record(issue: &mut DeployIssue, record: &EnvRecord) -> bool {
    let key = record.key();
    if issue.history.iter().any(|h| h.key.as_deref() == Some(&key)) {
        return false;
    }
    let row = EnvRow {
        environment: record.environment.clone(),
        state: Some(record.state),
        version: Some(record.version.clone()),
        when: Some(record.when.clone()),
        by: Some(record.by.clone()),
        link: record.link.clone(),
        deployment: record.deployment,
        ci_run: record.ci_run.clone(),
        detail: record.detail.clone(),
    };
    match issue
        .rows
        .iter_mut()
        .find(|r| r.environment == record.environment)
    {
        None => issue.rows.push(row),
        Some(existing) => {
            if !is_later(existing.when.as_deref(), Some(&record.when)) {
                *existing = row;
            }
        }
    }
    let link = record
        .link
        .as_deref()
        .map_or_else(String::new, |l| format!(" ({})", l.trim()));
    issue.history.push(HistoryEntry {
        when: record.when.clone(),
        who: record.by.clone(),
        what: format!(
            "{} {} on {}{detail}{link}",
            record.version,
            state_words(Some(record.state)),
            record.environment,
            detail = record
                .detail
                .as_deref()
                .map_or_else(String::new, |d| format!(", {}", d.trim())),
        ),
        key: Some(key),
    });
    true
}
