//! What a run of the gates gives: the JSON report, the text for people and the step summary.
use serde::Serialize;

use super::issue::IssueUpdate;
use super::model::{GateResult, Verdict};
use super::runner::RunOptions;

/// The outcome of every gate, and the overall answer (`--format json`, described by
/// `schemas/verify-output.schema.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Every gate passed (inconclusive ones too, unless `strict`).
    pub passed: bool,
    /// Inconclusive gates counted as failed.
    pub strict: bool,
    /// The environment the gates ran for (`None`: every environment's gates).
    pub environment: Option<String>,
    /// The step the gates ran for (`None`: every step).
    pub step: Option<String>,
    /// Gates that failed (with `strict`, inconclusive ones too), in order.
    pub failed_gates: Vec<String>,
    /// Gates that were inconclusive.
    pub inconclusive_gates: Vec<String>,
    /// Every gate's result, in order.
    pub gates: Vec<GateResult>,
    /// With `--on-fail-rollback` after a failure: the release to roll back to (`""`: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollback_to: Option<String>,
    /// With `--issue`: what was written on the deployment issue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue: Option<IssueUpdate>,
}

impl Report {
    /// The report of `results`, judged by `options`.
    pub fn new(results: Vec<GateResult>, options: &RunOptions) -> Self {
        let names = |keep: &dyn Fn(Verdict) -> bool| -> Vec<String> {
            results
                .iter()
                .filter(|r| keep(r.verdict))
                .map(|r| r.name.clone())
                .collect()
        };
        let failed_gates =
            names(&|v| v == Verdict::Fail || (options.strict && v == Verdict::Inconclusive));
        let inconclusive_gates = names(&|v| v == Verdict::Inconclusive);
        Self {
            passed: failed_gates.is_empty(),
            strict: options.strict,
            environment: options.environment.clone(),
            step: options.step.clone(),
            failed_gates,
            inconclusive_gates,
            gates: results,
            rollback_to: None,
            issue: None,
        }
    }
}

fn label(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "PASS",
        Verdict::Fail => "FAIL",
        Verdict::Inconclusive => "INCONCLUSIVE",
        Verdict::Skipped => "SKIPPED",
    }
}

fn emoji(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "✅",
        Verdict::Fail => "❌",
        Verdict::Inconclusive => "❔",
        Verdict::Skipped => "⏭️",
    }
}

/// One line per gate, then the overall answer.
pub fn text_report(report: &Report) -> String {
    let mut out = String::new();
    if report.gates.is_empty() {
        out.push_str("no gates configured for this environment and step\n");
    }
    for r in &report.gates {
        out.push_str(&format!(
            "{:<12} {} ({}): {}\n",
            label(r.verdict),
            r.name,
            r.kind,
            r.summary
        ));
    }
    if report.passed {
        out.push_str(&format!("passed: {} gates\n", report.gates.len()));
    } else {
        out.push_str(&format!("failed: {}\n", report.failed_gates.join(", ")));
    }
    let env = report.environment.as_deref().unwrap_or("the environment");
    match report.rollback_to.as_deref() {
        Some("") => out.push_str(&format!(
            "rollback-to: none (no earlier successful release of {env})\n"
        )),
        Some(tag) => out.push_str(&format!(
            "rollback-to: {tag} (the previous successful release of {env})\n"
        )),
        None => {}
    }
    if let Some(issue) = &report.issue {
        let list = |items: &[String]| {
            if items.is_empty() {
                "nothing".to_owned()
            } else {
                items.join(", ")
            }
        };
        out.push_str(&format!(
            "issue #{}: ticked {}; commented on {}\n",
            issue.number,
            list(&issue.ticked),
            list(&issue.commented)
        ));
    }
    out
}

/// A Markdown table for `$GITHUB_STEP_SUMMARY`.
pub fn markdown_summary(report: &Report) -> String {
    let mut out = if report.passed {
        String::from(":white_check_mark: **Gates passed**")
    } else {
        format!(
            ":x: **Gates failed**: {}",
            report
                .failed_gates
                .iter()
                .map(|g| format!("`{g}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    if let Some(env) = &report.environment {
        out.push_str(&format!(" for `{env}`"));
    }
    out.push_str("\n\n| gate | type | result | measured | details |\n|---|---|---|---|---|\n");
    for r in &report.gates {
        let measured = r
            .measured
            .iter()
            .map(|m| format!("{}={}", m.name, m.value))
            .collect::<Vec<_>>()
            .join(", ");
        out.push_str(&format!(
            "| `{}` | {} | {} {} | {} | {} |\n",
            r.name,
            r.kind,
            emoji(r.verdict),
            r.verdict.as_str(),
            cell(&measured),
            cell(&r.summary)
        ));
    }
    out
}

/// Text safe inside a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::Measured;

    fn result(name: &str, verdict: Verdict) -> GateResult {
        GateResult {
            name: name.into(),
            kind: "http".into(),
            verdict,
            summary: "a | b".into(),
            measured: vec![Measured::new("status", 200)],
            elapsed_ms: 1,
            checklist: None,
        }
    }

    #[test]
    fn inconclusive_passes_unless_strict() {
        let results = vec![
            result("a", Verdict::Pass),
            result("b", Verdict::Inconclusive),
        ];
        let lenient = Report::new(results.clone(), &RunOptions::default());
        assert!(lenient.passed);
        assert_eq!(lenient.inconclusive_gates, ["b"]);
        let strict = Report::new(
            results,
            &RunOptions {
                strict: true,
                ..RunOptions::default()
            },
        );
        assert!(!strict.passed);
        assert_eq!(strict.failed_gates, ["b"]);
        assert_eq!(
            text_report(&strict),
            "PASS         a (http): a | b\nINCONCLUSIVE b (http): a | b\nfailed: b\n"
        );
        assert_eq!(
            markdown_summary(&strict),
            ":x: **Gates failed**: `b`\n\n| gate | type | result | measured | details |\n\
             |---|---|---|---|---|\n| `a` | http | ✅ pass | status=200 | a \\| b |\n\
             | `b` | http | ❔ inconclusive | status=200 | a \\| b |\n"
        );
    }
}
