//! An OpenAPI 3.0/3.1 description as a contract: the operation a request names (method and
//! path template), its path and query parameters, its JSON request body, and the JSON answer
//! documented for each status, checked with JSON Schema (draft 7, OpenAPI's `nullable` turned
//! into a `null` type, every `$ref` resolved against the whole description).
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use jsonschema::{Draft, Registry, Validator};
use serde_json::{Value, json};

mod dialect;
mod skeleton;

pub use skeleton::merge;

/// The URI the description is registered under; every `#/…` reference is rewritten to it.
const BASE: &str = "https://openapi.invalid/description.json";

/// A loaded description.
pub struct Description {
    doc: Value,
    operations: Vec<Operation>,
    registry: Registry,
    validators: Mutex<HashMap<String, Arc<Validator>>>,
}

/// One operation of the description: `GET /repos/{owner}/{repo}/issues`.
pub struct Operation {
    /// `get`, `post`, … as the description spells it.
    pub method: String,
    /// The path template.
    pub template: String,
    segments: Vec<Segment>,
}

enum Segment {
    Literal(String),
    Param(String),
}

/// A request's body and the headers that say what it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct Body<'a> {
    /// `Content-Type`, when sent.
    pub content_type: Option<&'a str>,
    /// `Content-Length`, when sent.
    pub content_length: Option<&'a str>,
    /// The bytes.
    pub bytes: &'a [u8],
}

/// Why a request is not one the description allows.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// The status the platform answers it with (400 for JSON it cannot parse, 404 for no such
    /// operation, 422 for the rest).
    pub status: u16,
    /// What is wrong, naming the operation and the field.
    pub reason: String,
}

/// The description in `file` (relative to the repository root), installed by
/// `scripts/tools.sh`; panics naming the file and that command when it is not there, so a test
/// that checks against a vendor's definition never silently skips the check.
pub fn installed(file: &str) -> Description {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(file);
    Description::load(&path).unwrap_or_else(|| {
        panic!(
            "{} is missing: the fakes check requests, answers and events against the vendor's \
             published description; install it with `scripts/tools.sh`",
            path.display()
        )
    })
}

impl Description {
    /// Reads `file` (an OpenAPI document in JSON); `None` when it does not exist.
    pub fn load(file: &Path) -> Option<Self> {
        let text = std::fs::read_to_string(file).ok()?;
        let mut doc: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", file.display()));
        dialect::to_json_schema(&mut doc, BASE);
        let mut operations = Vec::new();
        for (template, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, _) in item.as_object().into_iter().flatten() {
                if !is_method(method) {
                    continue;
                }
                operations.push(Operation {
                    method: method.clone(),
                    template: template.clone(),
                    segments: segments(template),
                });
            }
        }
        let registry = Registry::options()
            .draft(Draft::Draft7)
            .build([(BASE, Draft::Draft7.create_resource(doc.clone()))])
            .expect("the description as a JSON Schema resource");
        Some(Self {
            doc,
            operations,
            registry,
            validators: Mutex::new(HashMap::new()),
        })
    }

    /// The value at JSON `pointer` (`/components/schemas/issue`), with a top-level `$ref`
    /// followed.
    pub fn at(&self, pointer: &str) -> Option<&Value> {
        self.deref(self.doc.pointer(pointer)?)
    }

    /// The operation `method` `path` names, and its path parameters (decoded).
    pub fn operation(
        &self,
        method: &str,
        path: &str,
    ) -> Option<(&Operation, Vec<(String, String)>)> {
        let method = method.to_ascii_lowercase();
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        self.operations
            .iter()
            .filter(|op| op.method == method)
            .filter_map(|op| Some((op, op.bind(&parts)?)))
            // The most literal template wins: `/issues/comments` over `/issues/{issue_number}`.
            .max_by_key(|(op, _)| {
                op.segments
                    .iter()
                    .filter(|s| matches!(s, Segment::Literal(_)))
                    .count()
            })
    }

    /// Checks a request: its operation, path and query parameters, and its body: JSON checked
    /// against the operation's schema, or raw bytes (an upload) taken as they are. Returns the
    /// operation's `method template` on success.
    pub fn check_request(
        &self,
        method: &str,
        path: &str,
        query: &[(String, String)],
        body: Body<'_>,
    ) -> Result<String, Refusal> {
        let refuse = |status: u16, reason: String| Refusal { status, reason };
        let Some((op, bound)) = self.operation(method, path) else {
            return Err(refuse(
                404,
                format!("{method} {path}: no such operation in the description"),
            ));
        };
        let name = format!("{} {}", op.method.to_uppercase(), op.template);
        let item = &self.doc["paths"][&op.template];
        let node = &item[&op.method];
        let params: Vec<&Value> = item["parameters"]
            .as_array()
            .into_iter()
            .chain(node["parameters"].as_array())
            .flatten()
            .filter_map(|p| self.deref(p))
            .collect();
        let declared = |place: &'static str| {
            params
                .iter()
                .filter(move |p| p["in"] == place)
                .map(|p| (p["name"].as_str().unwrap_or_default(), *p))
        };
        for (name_, param) in declared("path") {
            let Some((_, value)) = bound.iter().find(|(n, _)| n == name_) else {
                return Err(refuse(
                    422,
                    format!("{name}: path parameter {name_} is missing"),
                ));
            };
            self.check_param(param, value).map_err(|e| {
                refuse(
                    422,
                    format!("{name}: path parameter {name_}={value:?}: {e}"),
                )
            })?;
        }
        for (key, value) in query {
            let Some((_, param)) = declared("query").find(|(n, _)| n == key) else {
                return Err(refuse(
                    422,
                    format!("{name}: query parameter {key:?} is not one the operation takes"),
                ));
            };
            self.check_param(param, value).map_err(|e| {
                refuse(422, format!("{name}: query parameter {key}={value:?}: {e}"))
            })?;
        }
        for (key, param) in declared("query") {
            if param["required"] == true && !query.iter().any(|(k, _)| k == key) {
                return Err(refuse(
                    422,
                    format!("{name}: required query parameter {key} is missing"),
                ));
            }
        }
        let request_body = node.get("requestBody").and_then(|b| self.deref(b));
        if let Some(media) = request_body.and_then(|b| raw_media(b, &body)) {
            return check_raw(&name, media, &body).map(|()| name);
        }
        let schema = request_body.and_then(|b| b.pointer("/content/application~1json/schema"));
        let text = std::str::from_utf8(body.bytes).unwrap_or_default().trim();
        match (request_body, schema) {
            (None, _) if text.is_empty() => {}
            (None, _) => {
                return Err(refuse(422, format!("{name}: the operation takes no body")));
            }
            (Some(b), _) if text.is_empty() => {
                if b["required"] == true {
                    return Err(refuse(422, format!("{name}: the request body is required")));
                }
            }
            (Some(_), None) => {}
            (Some(_), Some(schema)) => {
                let value: Value = serde_json::from_str(text)
                    .map_err(|_| refuse(400, format!("{name}: Problems parsing JSON")))?;
                self.check(schema, &value)
                    .map_err(|e| refuse(422, format!("{name}: request body: {e}")))?;
                self.unknown_properties(schema, &value)
                    .map_err(|e| refuse(422, format!("{name}: request body: {e}")))?;
            }
        }
        Ok(name)
    }

    /// Checks an answer to `method` `path`: a documented status, and a body that matches the
    /// schema documented for it. An error status the operation does not list is checked
    /// against `error_schema` (a JSON pointer), the shape every error of the platform has.
    pub fn check_response(
        &self,
        method: &str,
        path: &str,
        status: u16,
        body: &[u8],
        error_schema: &str,
    ) -> Result<(), String> {
        let Some((op, _)) = self.operation(method, path) else {
            return Err(format!(
                "{method} {path}: no such operation in the description"
            ));
        };
        let name = format!("{} {}", op.method.to_uppercase(), op.template);
        let responses = &self.doc["paths"][&op.template][&op.method]["responses"];
        let documented = responses
            .get(status.to_string())
            .or_else(|| responses.get("default"))
            .and_then(|r| self.deref(r));
        let schema = match documented {
            Some(r) => r.pointer("/content/application~1json/schema").cloned(),
            None if status >= 400 => {
                Some(json!({ "$ref": format!("{BASE}#{}", encode_fragment(error_schema)) }))
            }
            None => {
                return Err(format!(
                    "{name}: status {status} is not a documented answer"
                ));
            }
        };
        let Some(schema) = schema else {
            return Ok(());
        };
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| format!("{name} answered {status} with a body that is not JSON: {e}"))?;
        self.check(&schema, &value)
            .map_err(|e| format!("{name} answered {status}: {e}"))
    }

    /// Checks `instance` against `schema` (a schema of the description).
    pub fn check(&self, schema: &Value, instance: &Value) -> Result<(), String> {
        let key = schema.to_string();
        let validator = {
            let mut cache = self.validators.lock().unwrap();
            match cache.get(&key) {
                Some(v) => v.clone(),
                None => {
                    let v = Arc::new(
                        jsonschema::options()
                            .with_draft(Draft::Draft7)
                            .with_registry(self.registry.clone())
                            .should_validate_formats(false)
                            .build(schema)
                            .unwrap_or_else(|e| panic!("a schema of the description: {e}")),
                    );
                    cache.insert(key, v.clone());
                    v
                }
            }
        };
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| {
                let at = e.instance_path.to_string();
                let at = if at.is_empty() { "/".into() } else { at };
                format!("at {at}: {e}")
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    }

    /// A parameter's string value read as its schema's type, then checked against it.
    fn check_param(&self, param: &Value, value: &str) -> Result<(), String> {
        let Some(schema) = param.get("schema").and_then(|s| self.deref(s)) else {
            return Ok(());
        };
        let kind = match &schema["type"] {
            Value::String(t) => t.as_str(),
            Value::Array(ts) => ts
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")
                .unwrap_or("string"),
            _ => "string",
        };
        let typed = match kind {
            "integer" => value
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| "not an integer".to_owned())?,
            "number" => value
                .parse::<f64>()
                .map(Value::from)
                .map_err(|_| "not a number".to_owned())?,
            "boolean" => match value {
                "true" => json!(true),
                "false" => json!(false),
                _ => return Err("not true or false".into()),
            },
            "array" => Value::Array(value.split(',').map(|v| json!(v)).collect()),
            _ => json!(value),
        };
        self.check(schema, &typed)
    }

    /// Top-level properties of `value` that an object `schema` does not name (the platform
    /// ignores them, so a client sending one means something the platform never reads).
    fn unknown_properties(&self, schema: &Value, value: &Value) -> Result<(), String> {
        let schema = self.deref(schema).unwrap_or(schema);
        let (Some(props), Some(object)) = (schema["properties"].as_object(), value.as_object())
        else {
            return Ok(());
        };
        if schema.get("additionalProperties").is_some() {
            return Ok(());
        }
        match object.keys().find(|k| !props.contains_key(*k)) {
            Some(k) => Err(format!("property {k:?} is not in the schema")),
            None => Ok(()),
        }
    }

    /// `value`, or what its `$ref` (rewritten to [`BASE`]) points at.
    fn deref<'a>(&'a self, value: &'a Value) -> Option<&'a Value> {
        match value.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let pointer = r.strip_prefix(BASE)?.strip_prefix('#')?;
                self.deref(self.doc.pointer(&decode_fragment(pointer))?)
            }
            None => Some(value),
        }
    }
}

impl Operation {
    /// The path parameters when `parts` fits the template; the last parameter takes the rest
    /// of the path (a git ref such as `tags/v1.0.0`).
    fn bind(&self, parts: &[&str]) -> Option<Vec<(String, String)>> {
        if parts.len() < self.segments.len() {
            return None;
        }
        let last = self.segments.len() - 1;
        if parts.len() > self.segments.len() && !matches!(self.segments[last], Segment::Param(_)) {
            return None;
        }
        let mut bound = Vec::new();
        for (at, segment) in self.segments.iter().enumerate() {
            match segment {
                Segment::Literal(l) if parts[at] == l => {}
                Segment::Literal(_) => return None,
                Segment::Param(name) => {
                    let raw = if at == last {
                        parts[at..].join("/")
                    } else {
                        parts[at].to_owned()
                    };
                    if raw.is_empty() {
                        return None;
                    }
                    let value = percent_encoding::percent_decode_str(&raw)
                        .decode_utf8_lossy()
                        .into_owned();
                    bound.push((name.clone(), value));
                }
            }
        }
        Some(bound)
    }
}

/// The media types of an operation's body when it takes raw bytes rather than JSON (`type:
/// string, format: binary`, e.g. `application/octet-stream` for an upload) and bytes were sent.
fn raw_media<'a>(request_body: &'a Value, body: &Body<'_>) -> Option<Vec<&'a str>> {
    let content = request_body["content"].as_object()?;
    if body.bytes.is_empty() || content.contains_key("application/json") {
        return None;
    }
    let raw: Vec<&str> = content
        .iter()
        .filter(|(_, c)| c.pointer("/schema/format").and_then(Value::as_str) == Some("binary"))
        .map(|(media, _)| media.as_str())
        .collect();
    (!raw.is_empty()).then_some(raw)
}

/// A raw body as an upload endpoint takes it: never read as JSON; the `Content-Type` that
/// names its media type is required (any type: the platform keeps it as the file's, whatever
/// `media` the description lists as its example), and a `Content-Length` that counts it.
fn check_raw(name: &str, media: Vec<&str>, body: &Body<'_>) -> Result<(), Refusal> {
    let refuse = |status: u16, reason: String| Refusal { status, reason };
    let declared = body
        .content_type
        .map(|c| c.split(';').next().unwrap_or_default().trim())
        .filter(|c| c.contains('/'));
    if declared.is_none() {
        return Err(refuse(
            415,
            format!(
                "{name}: raw bytes without the Content-Type naming their media type (e.g. {})",
                media.join(", ")
            ),
        ));
    }
    let length = body
        .content_length
        .and_then(|l| l.trim().parse::<usize>().ok());
    if length != Some(body.bytes.len()) {
        return Err(refuse(
            411,
            format!(
                "{name}: Content-Length {:?} does not count the {} bytes sent",
                body.content_length,
                body.bytes.len()
            ),
        ));
    }
    Ok(())
}

fn segments(template: &str) -> Vec<Segment> {
    template
        .trim_start_matches('/')
        .split('/')
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => Segment::Param(name.to_owned()),
                None => Segment::Literal(s.to_owned()),
            },
        )
        .collect()
}

fn is_method(key: &str) -> bool {
    matches!(
        key,
        "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
    )
}

fn encode_fragment(pointer: &str) -> String {
    pointer.replace('{', "%7B").replace('}', "%7D")
}

fn decode_fragment(fragment: &str) -> String {
    percent_encoding::percent_decode_str(fragment)
        .decode_utf8_lossy()
        .into_owned()
}
