//! The machine-readable reports validate against their schemas: ours
//! (`schemas/schema-report.schema.json`) and the published SARIF 2.1.0 and GitLab Code Quality
//! schemas copied under `tests/data/schemas/` (see the README there for their origin).
use jsonschema::{Draft, Validator};
use serde_json::Value as Json;

use super::sample;
use super::{gitlab, json, sarif};
use crate::schema::model::Report;

const REPORT_SCHEMA: &str = include_str!("../../../schemas/schema-report.schema.json");
const SARIF_SCHEMA: &str = include_str!("../../../tests/data/schemas/sarif-schema-2.1.0.json");
const GITLAB_SCHEMA: &str = include_str!("../../../tests/data/schemas/gitlab-codeclimate.json");

fn validator(schema: &str, draft: Draft) -> Validator {
    let schema: Json = serde_json::from_str(schema).unwrap();
    jsonschema::options()
        .with_draft(draft)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn errors(validator: &Validator, instance: &Json) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect()
}

/// The sample reports, plus one with awkward paths and text.
fn reports() -> Vec<Report> {
    let mut awkward = sample::blocked();
    awkward.migrations[0].path = "db/sql/V8__a b,c:d%é.sql".into();
    awkward.migrations[0].findings[0].message = "quotes \" and\nnew lines | pipes".to_owned();
    // The data class, on a file and on a finding.
    let mut data = sample::blocked();
    data.migrations[0].class = crate::schema::model::FileClass::Data;
    data.migrations[0].findings[0].class = crate::schema::model::Class::Data;
    vec![sample::blocked(), sample::empty(), awkward, data]
}

#[test]
fn report_schema_is_draft_2020_12_closed_and_described() {
    let schema: Json = serde_json::from_str(REPORT_SCHEMA).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert!(jsonschema::meta::is_valid(&schema));
    crate::schema_checks::assert_closed_and_described(&schema);
}

#[test]
fn json_reports_match_our_schema() {
    let validator = validator(REPORT_SCHEMA, Draft::Draft202012);
    for report in reports() {
        let doc: Json = serde_json::from_str(&json::render(&report)).unwrap();
        assert_eq!(errors(&validator, &doc), Vec::<String>::new());
    }
    let mut wrong: Json = serde_json::from_str(&json::render(&sample::blocked())).unwrap();
    wrong["migrations"][1]["findings"][0]["line"] = Json::from(0);
    wrong["extra"] = Json::Null;
    assert_eq!(errors(&validator, &wrong).len(), 2);
}

#[test]
fn sarif_logs_match_the_published_schema() {
    let validator = validator(SARIF_SCHEMA, Draft::Draft4);
    for report in reports() {
        let doc: Json = serde_json::from_str(&sarif::render(&report, "0.1.0")).unwrap();
        assert_eq!(errors(&validator, &doc), Vec::<String>::new());
        assert_eq!(doc["version"], "2.1.0");
    }
    // The schema is strict enough to catch a wrong level.
    let mut wrong: Json =
        serde_json::from_str(&sarif::render(&sample::blocked(), "0.1.0")).unwrap();
    wrong["runs"][0]["results"][0]["level"] = Json::from("info");
    assert_eq!(errors(&validator, &wrong).len(), 1);
}

#[test]
fn code_quality_reports_match_gitlabs_schema_and_documented_rules() {
    let validator = validator(GITLAB_SCHEMA, Draft::Draft7);
    for report in reports() {
        let doc: Json = serde_json::from_str(&gitlab::render(&report)).unwrap();
        // GitLab validates each issue of the array on its own.
        for issue in doc.as_array().unwrap() {
            assert_eq!(errors(&validator, issue), Vec::<String>::new());
            // What GitLab's documentation adds to the schema.
            assert!(
                ["info", "minor", "major", "critical", "blocker"]
                    .contains(&issue["severity"].as_str().unwrap())
            );
            assert!(!issue["check_name"].as_str().unwrap().is_empty());
            assert!(!issue["location"]["path"].as_str().unwrap().starts_with('/'));
            assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        }
    }
}
