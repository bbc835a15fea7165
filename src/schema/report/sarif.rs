//! SARIF 2.1.0: the log GitHub code scanning and other viewers read.
use serde::Serialize;

use super::json::pretty;
use super::{findings, path_str};
use crate::schema::model::{Finding, Report, Severity};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/shipgate/shipgate";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    information_uri: &'static str,
    version: &'a str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'static str>,
    short_description: OwnedText,
    help: Text<'a>,
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

/// The SARIF description of rule `code`: from the rule catalogue, or (for a code it does not
/// know) from the finding itself.
fn describe<'a>(code: &'a str, finding: &'a Finding) -> Rule<'a> {
    match crate::schema::rules::catalog::by_code(code) {
        Some(rule) => Rule {
            id: code,
            name: Some(rule.name),
            short_description: OwnedText {
                text: sentence(rule.name),
            },
            help: Text { text: rule.help },
        },
        None => Rule {
            id: code,
            name: None,
            short_description: OwnedText {
                text: finding.message.clone(),
            },
            help: Text {
                text: &finding.help,
            },
        },
    }
}

/// `drop-column` → `Drop column`.
fn sentence(name: &str) -> String {
    let words = name.replace('-', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    locations: [Location; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
}

/// Renders `report` as a SARIF 2.1.0 log with one run of `shipgate-schema` at `tool_version`.
/// Each rule that fired is described once, from the rule catalogue; each
/// finding is a result at a relative, percent-encoded URI, with columns in code points.
pub fn render(report: &Report, tool_version: &str) -> String {
    let mut rules: Vec<Rule<'_>> = Vec::new();
    let mut results = Vec::new();
    for (migration, f) in findings(report) {
        let rule_index = match rules.iter().position(|r| r.id == f.rule) {
            Some(index) => index,
            None => {
                rules.push(describe(f.rule, f));
                rules.len() - 1
            }
        };
        results.push(SarifResult {
            rule_id: f.rule,
            rule_index,
            level: match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "note",
            },
            message: Text { text: &f.message },
            locations: [Location {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri: uri_reference(&path_str(&migration.path)),
                    },
                    region: Region {
                        start_line: f.line,
                        start_column: f.column,
                    },
                },
            }],
        });
    }
    pretty(&Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "shipgate-schema",
                    information_uri: INFORMATION_URI,
                    version: tool_version,
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    })
}

/// A relative path as a URI reference (RFC 3986): unreserved characters, `/` and the
/// sub-delimiters stay; every other byte, `%` included, is percent-encoded.
fn uri_reference(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::super::sample;
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(uri_reference("db/V1__init.sql"), "db/V1__init.sql");
        assert_eq!(uri_reference("db/a b%.sql"), "db/a%20b%25.sql");
        assert_eq!(uri_reference("db/é:x.sql"), "db/%C3%A9%3Ax.sql");
    }

    #[test]
    fn rules_are_listed_once_and_indexed() {
        let doc: serde_json::Value =
            serde_json::from_str(&render(&sample::blocked(), "1.2.3")).unwrap();
        let run = &doc["runs"][0];
        let ids: Vec<_> = run["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["SG001", "SG102", "SG106"]);
        let last = &run["results"][4];
        assert_eq!(last["ruleId"], "SG102");
        assert_eq!(last["ruleIndex"], 1);
        assert_eq!(last["level"], "error");
    }

    #[test]
    fn rules_are_described_from_the_catalogue_or_else_from_their_finding() {
        use crate::schema::rules::catalog;
        let doc: serde_json::Value =
            serde_json::from_str(&render(&sample::blocked(), "1.2.3")).unwrap();
        let rules = &doc["runs"][0]["tool"]["driver"]["rules"];
        assert_eq!(rules[1]["name"], catalog::DROP_COLUMN.name);
        assert_eq!(rules[1]["shortDescription"]["text"], "Drop column");
        assert_eq!(rules[1]["help"]["text"], catalog::DROP_COLUMN.help);
        assert_eq!(rules[2]["shortDescription"]["text"], "Set not null");
        assert!(
            rules[0].get("name").is_none(),
            "SG001 is not in the catalogue"
        );
        assert_eq!(
            rules[0]["shortDescription"]["text"],
            "adds nullable column users.email: old code ignores it"
        );
    }
}
