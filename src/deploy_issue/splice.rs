//! Recording a deployment in an existing body: only the environment table, the history and the
//! state block are rendered again; everything else stays as people see it (their ticks, edits of
//! the notes), and no release details need to be given again.
use super::error::DeployIssueError;
use super::marker::parse_marker;
use super::merge::apply_record;
use super::model::{DeployIssue, EnvRecord, HistoryEntry, Release};
use super::parse::parse;
use super::render::fit_state_and_history;
use super::sections::{self, history_line};

const TABLE_START: &str = "\n## Environments\n\n";
const TABLE_END: &str = "\n\n## Commands";
const HISTORY_START: &str = "\n## History\n\n";

/// `body` with `record` applied, or `None` when the record is already in it (nothing to write).
/// `environments` are the configured environments, in order, for the table.
pub fn record_in_body(
    body: &str,
    environments: &[String],
    record: &EnvRecord,
) -> Result<Option<String>, DeployIssueError> {
    splice(body, environments, |issue| apply_record(issue, record))
}

/// `body` with `entry` added to its history, or `None` when an entry with the same key is in it.
pub fn history_in_body(
    body: &str,
    environments: &[String],
    entry: &HistoryEntry,
) -> Result<Option<String>, DeployIssueError> {
    splice(body, environments, |issue| {
        let known = entry.key.is_some() && issue.history.iter().any(|h| h.key == entry.key);
        if !known {
            issue.history.push(entry.clone());
        }
        !known
    })
}

/// Rebuild the body's dynamic sections after `change` (which says whether it changed anything).
fn splice(
    body: &str,
    environments: &[String],
    change: impl FnOnce(&mut DeployIssue) -> bool,
) -> Result<Option<String>, DeployIssueError> {
    let version = parse_marker(body).ok_or(DeployIssueError::NotADeployIssue)?;
    let parsed = parse(body);
    let mut issue = DeployIssue::new(Release {
        version,
        previous: None,
        tag: String::new(),
        commit: String::new(),
        images: Vec::new(),
        notes: String::new(),
        url: None,
    });
    issue.environments = environments.to_vec();
    issue.rows = parsed.rows;
    issue.history = parsed.history;
    issue.history_omitted = parsed.history_omitted;
    if !change(&mut issue) {
        return Ok(None);
    }

    let damaged = || DeployIssueError::DamagedBody;
    let table_start = body.find(TABLE_START).ok_or_else(damaged)? + TABLE_START.len();
    let table_end = table_start + body[table_start..].find(TABLE_END).ok_or_else(damaged)?;
    let history_start = body.rfind(HISTORY_START).ok_or_else(damaged)? + HISTORY_START.len();
    if history_start < table_end {
        return Err(damaged());
    }
    let head = format!(
        "{}{}{}",
        &body[..table_start],
        sections::table(&issue),
        &body[table_end..history_start]
    );
    let head_len = head.chars().count() + 3;
    let lines: Vec<String> = issue.history.iter().map(history_line).collect();
    let (state, history) =
        fit_state_and_history(&issue, &lines, head_len).ok_or(DeployIssueError::BodyTooLong)?;
    Ok(Some(format!("{head}{history}\n\n{state}\n")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy_issue::MAX_BODY_CHARS;
    use crate::deploy_issue::{render, sample};
    use crate::forge::DeploymentState;

    fn envs() -> Vec<String> {
        vec!["stage".into(), "production".into()]
    }

    #[test]
    fn a_record_updates_table_history_and_state_and_keeps_the_rest() {
        let body = render(&sample::full());
        let edited = body.replacen("- [ ] Stage verified", "- [x] Stage verified", 1);
        let record = sample::record(
            "production",
            DeploymentState::Success,
            "2026-03-03T10:00:00Z",
            103,
        );
        let after = record_in_body(&edited, &envs(), &record).unwrap().unwrap();
        assert!(
            after.contains("- [x] Stage verified"),
            "people's ticks stay"
        );
        let parsed = parse(&after);
        let production = parsed
            .rows
            .iter()
            .find(|r| r.environment == "production")
            .unwrap();
        assert_eq!(production.state, Some(DeploymentState::Success));
        assert_eq!(parsed.history.len(), parse(&body).history.len() + 1);
        let (before_notes, after_notes) = (
            body.split("## Schema").next().unwrap(),
            after.split("## Schema").next().unwrap(),
        );
        assert_eq!(before_notes, after_notes, "summary and notes untouched");
        let mut issue = sample::full();
        issue
            .checklist
            .iter_mut()
            .find(|c| c.text == "Stage verified")
            .unwrap()
            .checked = true;
        assert!(apply_record(&mut issue, &record));
        assert_eq!(
            after,
            render(&issue),
            "same as rendering the whole issue again"
        );
    }

    #[test]
    fn a_history_entry_is_added_once_per_key() {
        let body = render(&sample::full());
        let entry = HistoryEntry {
            when: "2026-03-05T12:00:00Z".into(),
            who: "alice".into(),
            what: "closed: completed".into(),
            key: Some("close completed".into()),
        };
        let once = history_in_body(&body, &envs(), &entry).unwrap().unwrap();
        assert_eq!(parse(&once).history.last(), Some(&entry));
        assert_eq!(history_in_body(&once, &envs(), &entry).unwrap(), None);
    }

    #[test]
    fn the_same_record_twice_writes_nothing() {
        let body = render(&sample::full());
        let record = sample::record(
            "stage",
            DeploymentState::Failure,
            "2026-03-04T08:00:00Z",
            104,
        );
        let once = record_in_body(&body, &envs(), &record).unwrap().unwrap();
        assert_eq!(record_in_body(&once, &envs(), &record).unwrap(), None);
    }

    #[test]
    fn a_body_without_marker_or_sections_is_an_error() {
        let record = sample::record("stage", DeploymentState::Success, "2026-03-04T08:00:00Z", 1);
        assert!(matches!(
            record_in_body("hello", &envs(), &record),
            Err(DeployIssueError::NotADeployIssue)
        ));
        let body = render(&sample::full()).replace("## Environments", "## Envs");
        assert!(matches!(
            record_in_body(&body, &envs(), &record),
            Err(DeployIssueError::DamagedBody)
        ));
    }

    #[test]
    fn a_long_history_stays_under_the_limit() {
        let mut body = render(&sample::full());
        let long_link = format!("https://ci.example/{}", "x".repeat(600));
        for run in 0..250 {
            let record = EnvRecord {
                environment: "stage".into(),
                state: DeploymentState::Success,
                version: "1.4.0".into(),
                when: format!("2026-04-01T{:02}:{:02}:00Z", run / 60, run % 60),
                by: "alice".into(),
                link: Some(format!("{long_link}/{run}")),
                deployment: None,
                ci_run: None,
                detail: None,
            };
            if let Some(next) = record_in_body(&body, &envs(), &record).unwrap() {
                body = next;
            }
            assert!(body.chars().count() <= MAX_BODY_CHARS);
        }
        assert!(body.contains("older entries not shown"));
        assert_eq!(
            parse(&body).rows[0].link.as_deref(),
            Some(format!("{long_link}/249").as_str())
        );
    }
}
