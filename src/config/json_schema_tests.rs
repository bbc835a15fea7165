//! Ties `schemas/shipgate.schema.json`, `docs/config.md` and [`parse`] together: every YAML
//! example in the docs is valid for both, and invalid documents are rejected by both.
use serde_json::Value as Json;

use super::doc_examples::fenced_blocks;
use super::{Config, parse};

const SCHEMA: &str = include_str!("../../schemas/shipgate.schema.json");
const CONFIG_DOC: &str = include_str!("../../docs/config.md");
const README: &str = include_str!("../../README.md");

/// The validator of `schemas/shipgate.schema.json`.
pub(crate) fn validator() -> jsonschema::Validator {
    let schema: Json = serde_json::from_str(SCHEMA).unwrap();
    jsonschema::draft202012::new(&schema).unwrap()
}

/// The YAML text as the JSON instance editors validate; an empty document is `{}`.
fn instance(yaml: &str) -> Json {
    match serde_yaml::from_str::<Json>(yaml).unwrap() {
        Json::Null => Json::Object(Default::default()),
        other => other,
    }
}

/// Where the schema rejects `yaml`, one line each (empty: valid).
pub(crate) fn schema_errors(validator: &jsonschema::Validator, yaml: &str) -> Vec<String> {
    let instance = instance(yaml);
    validator
        .iter_errors(&instance)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect()
}

#[test]
fn schema_is_draft_2020_12_with_our_id() {
    let schema: Json = serde_json::from_str(SCHEMA).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(
        schema["$id"],
        format!(
            "https://raw.githubusercontent.com/shipgate/shipgate/v{}/schemas/shipgate.schema.json",
            env!("CARGO_PKG_VERSION")
        )
    );
    assert!(jsonschema::meta::is_valid(&schema));
}

/// Every object in the schema is closed and every property is described.
#[test]
fn schema_objects_are_closed_and_properties_described() {
    crate::schema_checks::assert_closed_and_described(&serde_json::from_str(SCHEMA).unwrap());
}

#[test]
fn every_yaml_example_in_the_config_doc_is_valid() {
    let validator = validator();
    let blocks = fenced_blocks(CONFIG_DOC, "yaml");
    assert!(
        blocks.len() >= 7,
        "expected an example per section, found {}",
        blocks.len()
    );
    for block in blocks {
        let label = format!("docs/config.md (block at line {})", block.line);
        if let Err(err) = parse(&block.text, &label) {
            panic!("{err}");
        }
        let errors = schema_errors(&validator, &block.text);
        assert!(errors.is_empty(), "{label}: schema rejects it: {errors:#?}");
    }
}

/// README.md marks its configuration examples as ```` ```yaml shipgate.yml ````; other YAML there
/// (pipeline snippets) is not shipgate configuration.
#[test]
fn every_config_example_in_the_readme_is_valid() {
    let validator = validator();
    let blocks: Vec<_> = fenced_blocks(README, "yaml")
        .into_iter()
        .filter(|b| b.info.split_whitespace().any(|w| w == "shipgate.yml"))
        .collect();
    assert!(
        !blocks.is_empty(),
        "README.md shows no ```yaml shipgate.yml example"
    );
    for block in blocks {
        let label = format!("README.md (block at line {})", block.line);
        if let Err(err) = parse(&block.text, &label) {
            panic!("{err}");
        }
        let errors = schema_errors(&validator, &block.text);
        assert!(errors.is_empty(), "{label}: schema rejects it: {errors:#?}");
    }
}

#[test]
fn the_complete_example_is_in_the_config_doc() {
    let sketch_start = "version:\n  tag_prefix: \"v\"            # \"\" for bare 1.2.3 tags\n";
    assert!(
        fenced_blocks(CONFIG_DOC, "yaml")
            .iter()
            .any(|b| b.text.starts_with(sketch_start)
                && b.text
                    .contains("min_time_left: 60m         # 0m: no margin")),
        "docs/config.md lost its complete example of shipgate.yml"
    );
}

#[test]
fn the_defaults_written_out_in_the_doc_are_the_defaults() {
    let blocks = fenced_blocks(CONFIG_DOC, "yaml");
    let last = blocks.last().unwrap();
    assert_eq!(
        parse(&last.text, "docs/config.md").unwrap(),
        Config::default()
    );
}

#[test]
fn invalid_documents_are_rejected_by_both() {
    let validator = validator();
    for yaml in [
        "windoes: {}\n",
        "version: {tag_prefx: x}\n",
        "version: {initial: \"1.x\"}\n",
        "version: {types: {feat: mayor}}\n",
        "version: {manifests: [{path: x}]}\n",
        "version: {manifests: [{path: x, pattern: \"(x)\", al: true}]}\n",
        "version: {manifests: [{path: x, pattern: \"(x)\", all: \"yes\"}]}\n",
        "schema: {dialect: oracle}\n",
        "schema: {paths: db}\n",
        "environments: []\n",
        "environments: [stage, stage]\n",
        "environments: [pre prod]\n",
        "promote: {github: {permission: triage}}\n",
        "promote: {gitlab: {access_level: 35}}\n",
        "promote: {prefix: \"\"}\n",
        "promote: {prefix: \"/ \"}\n",
        "promote: {dispatch: .github/workflows/deploy.yml}\n",
        "promote: {teams: [releasers]}\n",
        "promote: {lock_timeout: 2 hours}\n",
        "windows: {deny_weekdays: [monday]}\n",
        "windows: {deny_day_before_holiday: \"yes\"}\n",
        "windows: {holidays: [2026-13-01]}\n",
        "windows: {holidays: [26-12-25]}\n",
        "windows: {vacations: [{from: 2026-08-03}]}\n",
        "windows: {freezes: [{from: 2026-12-18 18:00, to: 2027-01-07T08:00}]}\n",
        "windows: {hours: \"9:00-17:00\"}\n",
        "windows: {hours: \"09:00-24:30\"}\n",
        "windows: {min_time_left: 60}\n",
        "windows: {min_time_left: 1.5h}\n",
        "windows: {timezone: Europe Madrid}\n",
        "windows: {non_working_days: [saturday]}\n",
        "windows: {holidays_file: [a.ics]}\n",
        "windows: {gitlab_freeze_periods: \"no\"}\n",
        "windows: {vacations: [{from: 2026-08-03, to: 2026-08-04, why: x}]}\n",
        "windows: {freezes: [{from: 2026-12-18T18:00, to: 2027-01-07T08:00, environments: stage}]}\n",
        "windows: {high_risk: {deny_weekdays: [friday]}}\n",
        "windows: {high_risk: {open: true}}\n",
        "windows: {high_risk: {hours: \"9-5\"}}\n",
        "windows: {environments: {production: {closed: true}}}\n",
        "windows: {environments: {production: {open: \"yes\"}}}\n",
        "windows: {environments: {production: {min_time_left: 60}}}\n",
        "windows: {environments: {production: {high_risk: {min_time_left: soon}}}}\n",
        "windows: {environments: [stage]}\n",
        "gates: [{name: a, type: sleep}]\n",
        "gates: [{name: a, type: wait}]\n",
        "gates: [{name: a, type: wait, duration: 5}]\n",
        "gates: [{name: a, type: wait, duration: 1s, url: http://x}]\n",
        "gates: [{name: a, type: http}]\n",
        "gates: [{name: a, type: http, url: http://x, status: 99}]\n",
        "gates: [{name: a, type: http, url: http://x, headers_env: {A: \"Bearer x\"}}]\n",
        "gates: [{name: a, type: file, path: x, min_size: -1}]\n",
        "gates: [{name: a, type: command, command: []}]\n",
        "gates: [{name: a, type: prometheus, url: http://p, query: up}]\n",
        "gates: [{name: a, type: prometheus, url: http://p, query: up, threshold: \"=> 1\"}]\n",
        "gates: [{name: a, type: prometheus, url: http://p, query: up, threshold: \"< 1\", missing: pass}]\n",
        "gates: [{name: a b, type: wait, duration: 1s}]\n",
        "prometheus: {address: http://p}\n",
        "notify: {channels: [{name: a, type: sms}]}\n",
        "notify: {channels: [{name: a b, type: issue}]}\n",
        "notify: {timeout: 10}\n",
        "notify: {language: fr}\n",
        "notify: {channels: [{name: a, type: issue, events: [begin]}]}\n",
        "notify: {channels: [{name: m, type: email, smtp: {host: h, from: a, to: []}}]}\n",
        "log: {path: /abs.csv}\n",
        "log: {branch: \"a b\"}\n",
        "[]\n",
    ] {
        assert!(parse(yaml, "t").is_err(), "parse accepts {yaml:?}");
        assert!(
            !schema_errors(&validator, yaml).is_empty(),
            "schema accepts {yaml:?}"
        );
    }
}
