//! OpenAPI's schema dialect rewritten as JSON Schema draft 7.
use serde_json::{Map, Value, json};

/// Rewrites OpenAPI's schema dialect into JSON Schema draft 7: `nullable: true` becomes a
/// `null` type (or an `anyOf` with one, beside a `$ref` or a combinator), and `#/…` references
/// point at `base`.
pub(super) fn to_json_schema(value: &mut Value, base: &str) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key != "example" && key != "examples" {
                    to_json_schema(child, base);
                }
            }
            if let Some(Value::String(r)) = map.get_mut("$ref") {
                if r.starts_with('#') {
                    *r = format!("{base}{r}");
                }
            }
            if map.remove("nullable") == Some(Value::Bool(true)) {
                allow_null(map);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| to_json_schema(i, base)),
        _ => {}
    }
}

fn allow_null(map: &mut Map<String, Value>) {
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        if !values.contains(&Value::Null) {
            values.push(Value::Null);
        }
    }
    match map.get_mut("type") {
        Some(Value::String(t)) => {
            let t = std::mem::take(t);
            map.insert("type".into(), json!([t, "null"]));
        }
        Some(Value::Array(ts)) => {
            if !ts.contains(&json!("null")) {
                ts.push(json!("null"));
            }
        }
        _ => {
            let inner = Value::Object(std::mem::take(map));
            map.insert("anyOf".into(), json!([inner, { "type": "null" }]));
        }
    }
}
