//! `report`: the deployment report, rendered for the job summary and commented once on the
//! deployment issue.
use serde_json::{Value, json};

use super::deploy_report::{Check, DeployReport, comment_report, render_report, report_marker};
use super::deployment::Deployment;
use super::error::NotifyError;
use super::issue_comment::find_issue;
use crate::config::Span;
use crate::config::notify::Language;
use crate::forge::Forge;

/// How the deployment went, as the edge was told.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    /// It ended well.
    pub success: bool,
    /// It was rolled back.
    pub rolled_back: bool,
    /// How it was deployed.
    pub strategy: Option<String>,
    /// How long it took.
    pub duration: Option<Span>,
    /// How long the service was down.
    pub downtime: Option<Span>,
    /// Checks and their verdicts.
    pub checks: Vec<Check>,
    /// Problems met on the way.
    pub problems: Vec<String>,
    /// The report's language; `None`: `notify.language`.
    pub language: Option<Language>,
    /// Comment it on the deployment issue.
    pub comment: bool,
}

/// The report made, and what became of its issue comment.
#[derive(Debug)]
pub struct Reported {
    /// What it says.
    pub report: DeployReport,
    /// It, as Markdown.
    pub markdown: String,
    /// The issue comment: `commented on #1`, `already on #1`, `skipped: …`, `failed: …`.
    pub issue: String,
    /// The comment could not be written.
    pub failure: Option<NotifyError>,
}

impl Reported {
    /// The step output `report-issue`, on one line.
    pub fn outputs(&self) -> [(&'static str, String); 1] {
        [("report-issue", self.issue.replace(['\n', '\r'], " "))]
    }

    /// The JSON form (`schemas/notify-report-output.schema.json`); `summary`: it went to the
    /// job summary.
    pub fn json(&self, summary: bool) -> Value {
        json!({
            "version": self.report.version,
            "environment": self.report.environment,
            "markdown": self.markdown,
            "summary": summary,
            "issue": self.issue,
        })
    }
}

/// Render the report of `deployment` and, unless told not to, comment it once (per version,
/// environment and CI run) on the deployment issue found through `connect`. No deployment issue
/// is a warning; a comment that fails is in [`Reported::failure`].
pub async fn report<'f, F: Forge + 'f>(
    deployment: &Deployment<'_>,
    request: ReportRequest,
    connect: impl FnOnce() -> Result<&'f F, String>,
) -> Result<Reported, NotifyError> {
    let (previous, _) = deployment.history();
    let report = DeployReport {
        project: deployment.project.clone(),
        environment: deployment.environment.clone(),
        version: deployment.version.to_string(),
        previous_version: previous.map(|v| v.to_string()),
        date: jiff::Timestamp::now()
            .strftime("%Y-%m-%d %H:%M UTC")
            .to_string(),
        strategy: request.strategy,
        duration: request.duration.map(|d| d.to_string()),
        downtime: request.downtime.map(|d| d.to_string()),
        result: if request.success {
            "success"
        } else {
            "failure"
        }
        .to_owned(),
        rolled_back: request.rolled_back,
        checks: request.checks,
        problems: request.problems,
        actor: deployment.ci.who(),
        pipeline_url: deployment.ci.run_url.clone(),
    };
    let language = request
        .language
        .unwrap_or(deployment.config.notify.language);
    let markdown = render_report(&deployment.templates(), &report, language)?;
    let (issue, failure) = match request.comment {
        false => ("skipped".to_owned(), None),
        true => comment(deployment, &report, &markdown, connect).await,
    };
    Ok(Reported {
        report,
        markdown,
        issue,
        failure,
    })
}

/// Comment `markdown` on the deployment issue unless it is there already.
async fn comment<'f, F: Forge + 'f>(
    deployment: &Deployment<'_>,
    report: &DeployReport,
    markdown: &str,
    connect: impl FnOnce() -> Result<&'f F, String>,
) -> (String, Option<NotifyError>) {
    let found = match find_issue(connect, &deployment.version).await {
        Ok(found) => found,
        Err(why) => {
            tracing::warn!("the report is not on the deployment issue: {why}");
            return (format!("skipped: {why}"), None);
        }
    };
    let number = found.number;
    let marker = report_marker(&report.version, &report.environment, &deployment.run_id());
    match comment_report(found.forge, &found.login, number, &marker, markdown).await {
        Ok(true) => (format!("commented on #{number}"), None),
        Ok(false) => (format!("already on #{number}"), None),
        Err(e) => {
            tracing::error!("commenting the report on #{number}: {e}");
            (format!("failed: {e}"), Some(NotifyError::Channel(e)))
        }
    }
}
