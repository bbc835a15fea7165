//! GitLab Code Quality report (`artifacts:reports:codequality`): a JSON array of Code Climate
//! issues, shown in merge requests.
use std::fmt::Write as _;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::json::pretty;
use super::{findings, path_str};
use crate::schema::model::{Finding, Report, Severity};

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

/// Renders `report` as a Code Quality report: one issue per finding, `check_name` the rule,
/// severity `critical` for errors (they fail the step), `minor` for warnings and `info` for
/// information; `[]` without findings.
pub fn render(report: &Report) -> String {
    let issues: Vec<_> = findings(report)
        .map(|(migration, f)| {
            let path = path_str(&migration.path);
            Issue {
                description: format!("{}: {}", f.rule, f.message),
                check_name: f.rule,
                fingerprint: fingerprint(&path, f),
                severity: match f.severity {
                    Severity::Error => "critical",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                location: Location {
                    path,
                    lines: Lines { begin: f.line },
                },
            }
        })
        .collect();
    pretty(&issues)
}

/// SHA-256 (hex) of the rule, path, line, column and message, NUL-separated: the same finding
/// gets the same fingerprint on every run and Rust version (unlike `DefaultHasher`), and two
/// findings of one rule on one line still differ by column.
fn fingerprint(path: &str, f: &Finding) -> String {
    let stable = format!(
        "{}\0{path}\0{}\0{}\0{}",
        f.rule, f.line, f.column, f.message
    );
    let digest = Sha256::digest(stable.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::super::sample;
    use super::*;

    #[test]
    fn fingerprints_are_stable_sha256_and_unique() {
        let report = sample::blocked();
        let f = &report.migrations[1].findings[0];
        let print = fingerprint("db/migrate/x.rb", f);
        assert_eq!(print.len(), 64);
        // Pinned: a change here re-opens every finding in every merge request.
        assert_eq!(
            print,
            "eb5f18fde7eb36205644546a782bb57ab2608582febf5576c0e060344d7e3607"
        );
        let doc: serde_json::Value = serde_json::from_str(&render(&report)).unwrap();
        let mut prints: Vec<_> = doc
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_owned())
            .collect();
        prints.sort();
        prints.dedup();
        assert_eq!(prints.len(), 5);
    }

    #[test]
    fn empty_report_is_an_empty_array() {
        assert_eq!(render(&sample::empty()), "[]\n");
    }
}
