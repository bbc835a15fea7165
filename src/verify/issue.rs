//! Telling the deployment issue: tick the checklist item of each passed gate, and add one
//! comment per failed gate and CI run (found again by a hidden marker, so re-runs add none).
use semver::Version;

use crate::deploy_issue::{parse, tick_in_body};
use crate::forge::{Comment, Forge, comment_once};
use crate::issue::own_open_issue;

use super::model::Verdict;
use super::{Report, VerifyError};

/// How many times the body is written again when someone else replaced it meanwhile.
const ATTEMPTS: u32 = 3;

/// Where and as what the results are written.
#[derive(Debug, Clone)]
pub struct IssueRequest {
    /// The release whose deployment issue is updated.
    pub version: Version,
    /// The CI run, part of each failure comment's marker.
    pub ci_run: String,
    /// A link to the run's logs.
    pub run_url: Option<String>,
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct IssueUpdate {
    /// The issue.
    pub number: u64,
    /// Checklist items ticked by this run.
    pub ticked: Vec<String>,
    /// Gates whose failure comment this run added.
    pub commented: Vec<String>,
}

/// The hidden marker of a failure comment.
pub fn failure_marker(gate: &str, ci_run: &str) -> String {
    format!("<!-- shipgate:verify {gate} run {ci_run} -->")
}

/// Tick and comment on our open deployment issue for the release.
pub async fn report_on_issue<F: Forge>(
    forge: &F,
    report: &Report,
    request: &IssueRequest,
) -> Result<IssueUpdate, VerifyError> {
    let login = forge.own_login().await?;
    let issue = own_open_issue(forge, &login, &request.version)
        .await?
        .ok_or_else(|| VerifyError::NoIssue {
            version: request.version.to_string(),
            login: login.clone(),
        })?;
    let mut update = IssueUpdate {
        number: issue.number,
        ..IssueUpdate::default()
    };
    let items: Vec<&str> = report
        .gates
        .iter()
        .filter(|g| g.verdict == Verdict::Pass)
        .filter_map(|g| g.checklist.as_deref())
        .collect();
    let mut body = issue.body;
    for _ in 0..ATTEMPTS {
        let mut next = body.clone();
        let mut ticked = Vec::new();
        for item in &items {
            if let Some(after) = tick_in_body(&next, item) {
                next = after;
                ticked.push((*item).to_owned());
            }
        }
        if ticked.is_empty() {
            break;
        }
        forge.update_issue_body(issue.number, &next).await?;
        update.ticked.extend(ticked);
        // Another writer may have replaced the body between our read and our write: read it
        // back, and tick again what is missing.
        body = forge.issue(issue.number).await?.body;
    }
    update.ticked.sort();
    update.ticked.dedup();
    let checklist = parse(&body).checklist;
    for item in &items {
        if !checklist.iter().any(|c| c.text == one_line_text(item)) {
            tracing::warn!(
                "issue #{}: the checklist has no item {item:?} to tick; check the gate's \
                 `checklist` against `issue.checklist`",
                issue.number
            );
        }
    }

    let comments = forge.comments(issue.number).await?;
    for gate in report
        .gates
        .iter()
        .filter(|g| report.failed_gates.contains(&g.name))
    {
        let marker = failure_marker(&gate.name, &request.ci_run);
        let known = comments
            .iter()
            .any(|c| c.author.eq_ignore_ascii_case(&login) && c.body.contains(&marker));
        if known {
            continue;
        }
        let mut text = format!(
            ":x: **Gate `{}` ({}) {}**",
            gate.name,
            gate.kind,
            if gate.verdict == Verdict::Fail {
                "failed"
            } else {
                "was inconclusive (strict)"
            }
        );
        if let Some(env) = &report.environment {
            text.push_str(&format!(" for `{env}`"));
        }
        if let Some(step) = &report.step {
            text.push_str(&format!(" at step `{step}`"));
        }
        text.push_str(&format!(
            "\n\n{}\n",
            gate.summary.replace("<!--", "&lt;!--")
        ));
        if !gate.measured.is_empty() {
            text.push_str("\n| measured | value |\n|---|---|\n");
            for m in &gate.measured {
                text.push_str(&format!(
                    "| {} | `{}` |\n",
                    m.name,
                    m.value.replace('|', "\\|")
                ));
            }
        }
        if let Some(url) = &request.run_url {
            text.push_str(&format!("\n[CI run]({url})\n"));
        }
        text.push_str(&format!("\n{marker}\n"));
        let ours = |c: &Comment, login: &str| {
            c.author.eq_ignore_ascii_case(login) && c.body.contains(&marker)
        };
        comment_once(forge, issue.number, &text, ours).await?;
        update.commented.push(gate.name.clone());
    }
    Ok(update)
}

/// `text` as the checklist shows it: on one line, trimmed.
fn one_line_text(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
