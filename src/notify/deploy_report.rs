//! The deployment report written when a deployment ends: date, version, strategy, duration,
//! downtime, result, checks and issues met — for the job summary and the deployment issue.
use serde::Serialize;

use super::error::NotifyError;
use super::templates::Templates;
use crate::config::notify::Language;

/// One check run during the deployment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// What was checked (`smoke tests`).
    pub name: String,
    /// Whether it passed.
    pub passed: bool,
}

impl std::str::FromStr for Check {
    type Err = String;

    /// Reads `NAME=pass` or `NAME=fail`.
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("invalid check `{text}`; write NAME=pass or NAME=fail");
        let (name, verdict) = text.rsplit_once('=').ok_or_else(bad)?;
        let passed = match verdict.trim() {
            "pass" | "passed" | "ok" => true,
            "fail" | "failed" => false,
            _ => return Err(bad()),
        };
        let name = name.trim();
        if name.is_empty() {
            return Err(bad());
        }
        Ok(Self {
            name: name.to_owned(),
            passed,
        })
    }
}

/// What the report says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeployReport {
    /// The project.
    pub project: String,
    /// The environment.
    pub environment: String,
    /// The version deployed.
    pub version: String,
    /// The version before it.
    pub previous_version: Option<String>,
    /// When it ended, UTC (`2026-11-24 10:42 UTC`).
    pub date: String,
    /// How it was deployed (`rolling`, `blue-green`, `recreate`).
    pub strategy: Option<String>,
    /// How long it took.
    pub duration: Option<String>,
    /// How long the service was down.
    pub downtime: Option<String>,
    /// `success` or `failure`.
    pub result: String,
    /// Whether it was rolled back.
    pub rolled_back: bool,
    /// Checks run.
    pub checks: Vec<Check>,
    /// Problems met on the way.
    pub problems: Vec<String>,
    /// Who deployed.
    pub actor: String,
    /// The CI pipeline.
    pub pipeline_url: Option<String>,
}

/// The hidden marker of the report comment: one per version, environment and CI run.
pub fn report_marker(version: &str, environment: &str, run: &str) -> String {
    format!("<!-- shipgate:report v{version} {environment} run {run} -->")
}

/// The report as Markdown, from `LANG/report.md` (built in, or the project's).
pub fn render_report(
    templates: &Templates,
    report: &DeployReport,
    language: Language,
) -> Result<String, NotifyError> {
    let name = format!("{}/report.md", language.code());
    Ok(templates.render_named(&name, report)?.trim().to_owned() + "\n")
}

/// Comment `markdown` on issue `number` under `marker`, unless our comment with that marker is
/// already there. `Ok(true)`: written now; `Ok(false)`: it was there.
pub async fn comment_report<F: crate::forge::Forge>(
    forge: &F,
    login: &str,
    number: u64,
    marker: &str,
    markdown: &str,
) -> Result<bool, String> {
    use super::issue_comment::{Commented, comment};
    use super::webhook::AttemptError;
    match comment(forge, login, number, marker, markdown).await {
        Ok(Commented::New) => Ok(true),
        Ok(Commented::Already) => Ok(false),
        Err(AttemptError::Transient(e) | AttemptError::Permanent(e)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> DeployReport {
        DeployReport {
            project: "Acme shop".into(),
            environment: "production".into(),
            version: "1.4.0".into(),
            previous_version: Some("1.3.2".into()),
            date: "2026-11-24 10:42 UTC".into(),
            strategy: Some("rolling".into()),
            duration: Some("12m30s".into()),
            downtime: Some("0s".into()),
            result: "success".into(),
            rolled_back: false,
            checks: vec![
                "smoke tests=pass".parse().unwrap(),
                "latency=fail".parse().unwrap(),
            ],
            problems: vec!["the worker restarted twice".into()],
            actor: "ada".into(),
            pipeline_url: Some("https://ci.example/runs/77".into()),
        }
    }

    #[test]
    fn reports_in_both_languages() {
        for language in Language::ALL {
            insta::assert_snapshot!(
                format!("report_{language}"),
                render_report(&Templates::default(), &sample(), language).unwrap()
            );
        }
        let mut bare = sample();
        bare.checks.clear();
        bare.problems.clear();
        bare.strategy = None;
        bare.result = "failure".into();
        bare.rolled_back = true;
        insta::assert_snapshot!(
            "report_en_bare",
            render_report(&Templates::default(), &bare, Language::En).unwrap()
        );
    }

    #[test]
    fn checks_read_name_and_verdict() {
        assert_eq!(
            "db=migrations=pass".parse::<Check>(),
            Ok(Check {
                name: "db=migrations".into(),
                passed: true
            })
        );
        assert!("smoke".parse::<Check>().is_err());
        assert!("smoke=maybe".parse::<Check>().is_err());
    }
}
