//! `--format json`: the report as described by `schemas/schema-report.schema.json`.
use serde::Serialize;

use super::{class_name, file_class_name, framework_name, path_str};
use crate::schema::model::{Order, Report, Severity};

#[derive(Serialize)]
struct JsonReport<'a> {
    order: Order,
    reason: &'a str,
    pre_deploy: Vec<String>,
    post_deploy: Vec<String>,
    migrations: Vec<JsonMigration<'a>>,
}

#[derive(Serialize)]
struct JsonMigration<'a> {
    path: String,
    framework: &'static str,
    class: &'static str,
    post_deploy: bool,
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    class: &'static str,
    line: usize,
    column: usize,
    message: &'a str,
    help: &'a str,
}

/// Renders `report` as pretty-printed JSON with a final newline. Keys keep the order of the
/// schema; paths use forward slashes.
pub fn render(report: &Report) -> String {
    let doc = JsonReport {
        order: report.order,
        reason: &report.reason,
        pre_deploy: report.pre_deploy.iter().map(|p| path_str(p)).collect(),
        post_deploy: report.post_deploy.iter().map(|p| path_str(p)).collect(),
        migrations: report
            .migrations
            .iter()
            .map(|m| JsonMigration {
                path: path_str(&m.path),
                framework: framework_name(m.framework),
                class: file_class_name(m.class),
                post_deploy: m.post_deploy,
                findings: m
                    .findings
                    .iter()
                    .map(|f| JsonFinding {
                        rule: f.rule,
                        severity: f.severity,
                        class: class_name(f.class),
                        line: f.line,
                        column: f.column,
                        message: &f.message,
                        help: &f.help,
                    })
                    .collect(),
            })
            .collect(),
    };
    pretty(&doc)
}

/// Pretty JSON with a final newline. The documents here hold only strings, numbers, booleans,
/// unit enums, sequences and structs, which `serde_json` always serializes.
pub(super) fn pretty<T: Serialize>(doc: &T) -> String {
    match serde_json::to_string_pretty(doc) {
        Ok(mut text) => {
            text.push('\n');
            text
        }
        Err(err) => unreachable!("report documents always serialize: {err}"),
    }
}
