//! The smallest valid instance of a schema of the description, which a fake fills in with its
//! own state.
use serde_json::{Map, Value, json};

use super::{BASE, Description, encode_fragment};

impl Description {
    /// The smallest instance of the schema at JSON `pointer`: every required property, a
    /// nullable one `null`, an enum its first value, a string its example or `""`, a number
    /// 0, a list empty; for `oneOf`/`anyOf` the first branch whose instance passes the whole.
    pub fn skeleton(&self, pointer: &str) -> Value {
        let schema = json!({ "$ref": format!("{BASE}#{}", encode_fragment(pointer)) });
        self.skeleton_of(&schema, 0)
    }

    fn skeleton_of(&self, schema: &Value, depth: usize) -> Value {
        let Some(schema) = self.deref(schema) else {
            return Value::Null;
        };
        assert!(
            depth < 40,
            "a schema nests too deep for a skeleton: {schema}"
        );
        if let Some(parts) = schema["allOf"].as_array() {
            let mut merged = json!({});
            for part in parts {
                merge(&mut merged, self.skeleton_of(part, depth + 1));
            }
            return merged;
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = schema[key].as_array() {
                let candidates: Vec<Value> = branches
                    .iter()
                    .map(|b| self.skeleton_of(b, depth + 1))
                    .collect();
                return candidates
                    .iter()
                    .find(|c| self.check(schema, c).is_ok())
                    .unwrap_or(&candidates[0])
                    .clone();
            }
        }
        if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
            return first.clone();
        }
        let types: Vec<&str> = match &schema["type"] {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec!["object"],
        };
        if types.contains(&"null") {
            return Value::Null;
        }
        let example = schema.get("example");
        match types.first().copied().unwrap_or("object") {
            "string" => match example {
                Some(Value::String(e)) => json!(e),
                _ if schema["format"] == "date-time" => json!("2026-03-02T08:00:00Z"),
                _ if schema["format"] == "uri" => json!("https://example.invalid/"),
                _ => json!(""),
            },
            "integer" | "number" => match example {
                Some(Value::Number(n)) => Value::Number(n.clone()),
                _ => json!(0),
            },
            "boolean" => json!(false),
            "array" => json!([]),
            _ => {
                let mut object = Map::new();
                for key in schema["required"].as_array().into_iter().flatten() {
                    let Some(key) = key.as_str() else { continue };
                    let property = &schema["properties"][key];
                    let value = if property.is_null() {
                        Value::Null
                    } else {
                        self.skeleton_of(property, depth + 1)
                    };
                    object.insert(key.to_owned(), value);
                }
                Value::Object(object)
            }
        }
    }
}

/// `overlay` written over `base`: objects merge key by key, anything else replaces.
pub fn merge(base: &mut Value, overlay: Value) {
    match (base, overlay) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                merge(b.entry(k).or_insert(Value::Null), v);
            }
        }
        (b, o) => *b = o,
    }
}
