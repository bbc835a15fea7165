//! Test helper: the JSON Schemas we publish under `schemas/` are valid, closed and described.
use serde_json::Value as Json;

/// Assert that every object of `schema` that lists `properties` forbids others
/// (`additionalProperties: false`) and describes each property.
pub(crate) fn assert_closed_and_described(schema: &Json) {
    fn walk(node: &Json, at: &str) {
        let Json::Object(map) = node else { return };
        if let Some(Json::Object(props)) = map.get("properties") {
            assert_eq!(
                map.get("additionalProperties"),
                Some(&Json::Bool(false)),
                "{at} is not closed"
            );
            for (name, prop) in props {
                assert!(
                    prop.get("description").is_some(),
                    "{at}/{name} has no description"
                );
            }
        }
        for (key, child) in map {
            match child {
                Json::Array(items) => items.iter().for_each(|i| walk(i, &format!("{at}/{key}"))),
                _ => walk(child, &format!("{at}/{key}")),
            }
        }
    }
    walk(schema, "#");
}

#[test]
fn every_published_schema_is_draft_2020_12_closed_and_described() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let schema: Json = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema",
            "{}",
            path.display()
        );
        assert!(jsonschema::meta::is_valid(&schema), "{}", path.display());
        assert_closed_and_described(&schema);
        checked += 1;
    }
    assert!(checked >= 3, "found only {checked} schemas in {dir}");
}

#[test]
#[should_panic(expected = "#/properties/a is not closed")]
fn an_open_object_is_caught() {
    assert_closed_and_described(&serde_json::json!({
        "type": "object", "additionalProperties": false,
        "properties": { "a": { "description": "x", "type": "object", "properties": { "b": { "description": "y" } } } }
    }));
}
