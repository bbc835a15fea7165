//! GitHub Actions: one annotation per finding, and a Markdown step summary that carries
//! everything (GitHub shows at most 10 annotations of each level per step).
use std::fmt::Write as _;
use std::path::PathBuf;

use super::{file_class_name, findings, framework_name, path_str};
use crate::ci::{AnnotationLevel, github_annotation};
use crate::schema::model::{Report, Severity};

/// One workflow command per finding (`::error`, `::warning` or `::notice`), each on its own
/// line; the message is `RULE: message` followed by a `help:` line. Empty without findings.
pub fn annotations(report: &Report) -> String {
    let mut out = String::new();
    for (migration, f) in findings(report) {
        let level = match f.severity {
            Severity::Error => AnnotationLevel::Error,
            Severity::Warning => AnnotationLevel::Warning,
            Severity::Info => AnnotationLevel::Notice,
        };
        let message = format!("{}: {}\nhelp: {}", f.rule, f.message, f.help);
        let path = path_str(&migration.path);
        out.push_str(&github_annotation(level, &path, f.line, f.column, &message));
        out.push('\n');
    }
    out
}

/// The step summary: the order, the reason, both sets, each migration's class, and a table of
/// every finding.
pub fn step_summary(report: &Report) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "## shipgate-schema: order `{}`\n", report.order);
    let _ = writeln!(md, "{}\n", escape(&report.reason));
    let _ = writeln!(
        md,
        "**Pre-deploy** (apply before the new code): {}  ",
        set(&report.pre_deploy)
    );
    let _ = writeln!(
        md,
        "**Post-deploy** (apply after the new code): {}",
        set(&report.post_deploy)
    );
    if report.migrations.is_empty() {
        return md;
    }
    md.push_str(
        "\n### Migrations\n\n| Migration | Framework | Class | Post-deploy path | Findings |\n",
    );
    md.push_str("|---|---|---|---|---|\n");
    for m in &report.migrations {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} |",
            code(&path_str(&m.path)),
            framework_name(m.framework),
            file_class_name(m.class),
            if m.post_deploy { "yes" } else { "no" },
            m.findings.len()
        );
    }
    let count = findings(report).count();
    if count == 0 {
        md.push_str("\nNo findings.\n");
        return md;
    }
    let _ = write!(
        md,
        "\n### Findings ({count})\n\n| Severity | Rule | Location | Message | Help |\n|---|---|---|---|---|\n"
    );
    for (m, f) in findings(report) {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} |",
            f.severity,
            f.rule,
            code(&format!("{}:{}:{}", path_str(&m.path), f.line, f.column)),
            escape(&f.message),
            escape(&f.help)
        );
    }
    md
}

/// The set's paths as code spans, or `none`.
fn set(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "none".to_owned();
    }
    paths
        .iter()
        .map(|p| code(&path_str(p)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `text` as a code span safe in a table cell; backticks inside are matched by a longer fence.
fn code(text: &str) -> String {
    let text = text.replace('|', "\\|").replace(['\r', '\n'], " ");
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

/// `text` safe in Markdown prose and table cells: no raw HTML, no cell breaks, one line.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace(['\r', '\n'], "<br>")
}

#[cfg(test)]
mod tests {
    use super::super::sample;
    use super::*;

    #[test]
    fn one_annotation_per_finding_with_mapped_levels() {
        let text = annotations(&sample::blocked());
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines.len(), 5);
        assert!(lines[0].starts_with("::notice file=db/V7__add_email.sql,line=1,col=1::SG001: "));
        assert!(lines[1].starts_with("::error file="));
        assert!(lines[2].starts_with("::warning file="));
        assert!(lines[1].contains("%0Ahelp: deploy code"));
        assert_eq!(annotations(&sample::empty()), "");
    }

    #[test]
    fn summary_cells_are_escaped() {
        let mut report = sample::blocked();
        report.migrations[0].findings[0].message = "a | b <script>\nc".to_owned();
        let md = step_summary(&report);
        assert!(md.contains("| a \\| b &lt;script&gt;<br>c |"), "{md}");
        assert_eq!(code("a`b|c"), "`` a`b\\|c ``");
    }
}
