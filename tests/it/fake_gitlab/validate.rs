//! Applies [`super::rules`] to a request as Grape does: every declared parameter is checked
//! (missing, type, `values:`, `except_values:`), the messages joined into one
//! `400 {"error": "…"}`; then the route's ability (404 for a non-member, 403 below the role);
//! then the checks an endpoint's body makes before it acts (e.g. `DeploymentsFinder#validate!`).
use serde_json::{Map, Value, json};

use super::rules::{ANY_USER, ENDPOINTS, Endpoint, Kind, Param};

/// A request the rules refuse: what GitLab answers, and which rule refused it.
#[derive(Debug, Clone)]
pub(super) struct Refusal {
    pub status: u16,
    pub body: Value,
    pub rule: String,
}

/// The request's parameters by name: path, query and JSON body together, as Grape merges them.
pub(super) type Fields = Map<String, Value>;

/// The endpoint serving `method` and `path` (under `/api/v4`), with the path's parameters.
pub(super) fn endpoint_for(method: &str, path: &str) -> Option<(&'static Endpoint, Fields)> {
    let path = path.strip_prefix("/api/v4").unwrap_or(path);
    let got: Vec<&str> = path.trim_matches('/').split('/').collect();
    ENDPOINTS.iter().find_map(|e| {
        if e.method != method {
            return None;
        }
        let want: Vec<&str> = e.path.trim_matches('/').split('/').collect();
        if want.len() != got.len() {
            return None;
        }
        let mut fields = Fields::new();
        for (w, g) in want.iter().zip(&got) {
            match w.strip_prefix(':') {
                Some(name) if !g.is_empty() => {
                    fields.insert(name.to_owned(), Value::String(decode(g)));
                }
                Some(_) => return None,
                None if w == g => {}
                None => return None,
            }
        }
        Some((e, fields))
    })
}

/// Adds the query's pairs (`name[]=` gathered into an array) and the JSON body's members.
pub(super) fn gather(fields: &mut Fields, query: &str, body: &[u8]) -> Result<(), Refusal> {
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (k, v) = (decode(k), decode(v));
        match k.strip_suffix("[]") {
            Some(base) => {
                let entry = fields
                    .entry(base.to_owned())
                    .or_insert_with(|| Value::Array(vec![]));
                if let Value::Array(items) = entry {
                    items.push(Value::String(v));
                }
            }
            None => {
                fields.insert(k, Value::String(v));
            }
        }
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(members)) => {
            fields.extend(members);
            Ok(())
        }
        // Grape's JSON parser: a body that is not a JSON object is a 400.
        _ => Err(Refusal {
            status: 400,
            body: json!({ "message": "400 Bad request - invalid JSON body" }),
            rule: "the body must be a JSON object".to_owned(),
        }),
    }
}

/// The declared parameters' checks; `Ok` lists the parameters the endpoint does not declare
/// (GitLab ignores them, so a client relying on one is mistaken).
pub(super) fn check_params(e: &Endpoint, fields: &Fields) -> Result<Vec<String>, Refusal> {
    let mut errors = Vec::new();
    for p in e.params {
        match fields.get(p.name) {
            None | Some(Value::Null) if p.required => errors.push(format!("{} is missing", p.name)),
            None | Some(Value::Null) => {}
            Some(v) => errors.extend(check_value(p, p.name, v)),
        }
    }
    if !e.at_least_one_of.is_empty()
        && !e
            .at_least_one_of
            .iter()
            .any(|n| fields.get(*n).is_some_and(|v| !v.is_null()))
    {
        errors.push(format!(
            "{} are missing, at least one parameter must be provided",
            e.at_least_one_of.join(", ")
        ));
    }
    if !errors.is_empty() {
        let message = errors.join(", ");
        return Err(Refusal {
            status: 400,
            body: json!({ "error": message }),
            rule: format!("{} {} ({}): {message}", e.method, e.path, e.source),
        });
    }
    let route: Vec<&str> = e
        .path
        .split('/')
        .filter_map(|s| s.strip_prefix(':'))
        .collect();
    Ok(fields
        .keys()
        .filter(|k| !route.contains(&k.as_str()) && !e.params.iter().any(|p| p.name == *k))
        .cloned()
        .collect())
}

/// The ability check: a non-member cannot see the project (404), a member below the role is
/// forbidden (403).
pub(super) fn check_role(e: &Endpoint, level: u64) -> Result<(), Refusal> {
    if e.role == ANY_USER || level >= e.role {
        return Ok(());
    }
    let rule = format!(
        "{} {} needs {} (access level {}), the token's user has {level}",
        e.method, e.path, e.ability, e.role
    );
    if level == 0 {
        return Err(Refusal {
            status: 404,
            body: json!({ "message": "404 Project Not Found" }),
            rule,
        });
    }
    Err(Refusal {
        status: 403,
        body: json!({ "message": "403 Forbidden" }),
        rule,
    })
}

/// What an endpoint's body refuses before acting: `DeploymentsFinder#validate!`
/// (`app/finders/deployments_finder.rb`), answered by `bad_request!`.
pub(super) fn check_body(e: &Endpoint, fields: &Fields) -> Result<(), Refusal> {
    if (e.method, e.path) != ("GET", "/projects/:id/deployments") {
        return Ok(());
    }
    let has = |n: &str| fields.get(n).is_some_and(|v| v.as_str() != Some(""));
    let is = |n: &str, want: &str| fields.get(n).and_then(Value::as_str) == Some(want);
    let updated = has("updated_after") || has("updated_before");
    let finished = has("finished_after") || has("finished_before");
    let why = if updated && finished {
        Some("Both `updated_at` filter and `finished_at` filter can not be specified")
    } else if finished != is("order_by", "finished_at") {
        Some("`finished_at` filter and `finished_at` sorting must be paired")
    } else if finished && !is("status", "success") {
        Some("`finished_at` filter must be combined with `success` status filter.")
    } else {
        // `updated_at` filter without `updated_at` sorting is only reported in production.
        None
    };
    match why {
        Some(why) => Err(Refusal {
            status: 400,
            body: json!({ "message": format!("400 Bad request - {why}") }),
            rule: format!("GET {} (app/finders/deployments_finder.rb): {why}", e.path),
        }),
        None => Ok(()),
    }
}

fn check_value(p: &Param, name: &str, v: &Value) -> Vec<String> {
    if !coerces(p.kind, v) {
        return vec![format!("{name} is invalid")];
    }
    if p.kind == Kind::Variables {
        return variables(name, v);
    }
    let text = scalar(v);
    if !p.values.is_empty() && !text.as_deref().is_some_and(|t| p.values.contains(&t)) {
        return vec![format!("{name} does not have a valid value")];
    }
    if text.as_deref().is_some_and(|t| p.except.contains(&t)) {
        return vec![format!("{name} has a value not allowed")];
    }
    vec![]
}

/// `variables[i][variable_type]` must be `env_var` or `file`
/// (`Ci::PipelineVariable.variable_types`); `key` and `value` are strings.
fn variables(name: &str, v: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    for (i, item) in v.as_array().into_iter().flatten().enumerate() {
        for key in ["key", "value"] {
            if item
                .get(key)
                .is_some_and(|v| !v.is_null() && !coerces(Kind::Str, v))
            {
                errors.push(format!("{name}[{i}][{key}] is invalid"));
            }
        }
        if let Some(t) = item.get("variable_type").filter(|t| !t.is_null())
            && !matches!(t.as_str(), Some("env_var" | "file"))
        {
            errors.push(format!(
                "{name}[{i}][variable_type] does not have a valid value"
            ));
        }
    }
    errors
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn int(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.is_i64() || n.is_u64(),
        Value::String(s) => s.trim().parse::<i64>().is_ok(),
        _ => false,
    }
}

/// Whether Grape coerces `v` to `kind`.
fn coerces(kind: Kind, v: &Value) -> bool {
    match kind {
        Kind::Str => matches!(v, Value::String(_) | Value::Number(_)),
        Kind::Int => int(v),
        Kind::Bool => match v {
            Value::Bool(_) => true,
            Value::String(s) => matches!(
                s.to_ascii_lowercase().as_str(),
                "1" | "on" | "t" | "true" | "y" | "yes" | "0" | "off" | "f" | "false" | "n" | "no"
            ),
            _ => false,
        },
        Kind::DateTime => v.as_str().is_some_and(datetime),
        Kind::Ints => match v {
            Value::Array(items) => items.iter().all(int),
            Value::String(s) => s.split(',').all(|p| p.trim().parse::<i64>().is_ok()),
            other => int(other),
        },
        Kind::Strs => match v {
            Value::Array(items) => items.iter().all(|i| matches!(i, Value::String(_))),
            Value::String(_) => true,
            _ => false,
        },
        Kind::IntNoneAny => {
            int(v)
                || matches!(
                    v.as_str().map(str::to_ascii_lowercase).as_deref(),
                    Some("none" | "any")
                )
        }
        Kind::Hash => v.is_object(),
        Kind::Variables => v
            .as_array()
            .is_some_and(|items| items.iter().all(Value::is_object)),
    }
}

/// ISO 8601 as Ruby's `DateTime.parse` takes it: a timestamp with an offset, a civil date-time
/// or a date.
fn datetime(s: &str) -> bool {
    s.parse::<jiff::Timestamp>().is_ok()
        || s.parse::<jiff::civil::DateTime>().is_ok()
        || s.parse::<jiff::civil::Date>().is_ok()
}

/// Percent-decoding (`+` is a space in a query).
pub(super) fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(method: &str, path: &str, query: &str, body: &str) -> Option<String> {
        let (e, mut fields) = endpoint_for(method, path).expect("an endpoint");
        if let Err(r) = gather(&mut fields, query, body.as_bytes()) {
            return Some(r.body.to_string());
        }
        check_params(e, &fields)
            .err()
            .or_else(|| check_body(e, &fields).err())
            .map(|r| r.body.to_string())
    }

    #[test]
    fn grape_messages() {
        let p = "/api/v4/projects/acme%2Fshop/deployments";
        let body = r#"{"environment":"stage","sha":"a","ref":"v1","tag":true,"status":"created"}"#;
        assert_eq!(
            refused("POST", p, "", body).as_deref(),
            Some(r#"{"error":"status does not have a valid value"}"#)
        );
        assert_eq!(
            refused(
                "POST",
                p,
                "",
                r#"{"environment":"stage","status":"running"}"#
            )
            .as_deref(),
            Some(r#"{"error":"sha is missing, ref is missing, tag is missing"}"#)
        );
        assert_eq!(
            refused("GET", p, "per_page=0&page=x", "").as_deref(),
            Some(r#"{"error":"page is invalid, per_page has a value not allowed"}"#)
        );
        assert_eq!(
            refused(
                "GET",
                p,
                "finished_after=2026-01-01T00:00:00Z&order_by=finished_at",
                ""
            )
            .as_deref(),
            Some(
                r#"{"message":"400 Bad request - `finished_at` filter must be combined with `success` status filter."}"#
            )
        );
        assert_eq!(
            refused("GET", p, "environment=a%20b&order_by=id&sort=desc", ""),
            None
        );
        let issue = "/api/v4/projects/42/issues/7";
        assert!(
            refused("PUT", issue, "", r#"{"state_event":"shut"}"#)
                .unwrap()
                .contains("state_event does not have a valid value")
        );
        assert!(
            refused("PUT", issue, "", "{}")
                .unwrap()
                .contains("at least one parameter must be provided")
        );
        assert!(
            refused("GET", "/api/v4/projects/42/issues/x", "", "")
                .unwrap()
                .contains("issue_iid is invalid")
        );
        let pipeline = "/api/v4/projects/42/pipeline";
        assert!(
            refused(
                "POST",
                pipeline,
                "",
                r#"{"ref":"v1","variables":[{"key":"A","value":"1","variable_type":"env"}]}"#
            )
            .unwrap()
            .contains("variables[0][variable_type] does not have a valid value")
        );
    }

    #[test]
    fn roles_and_ignored_parameters() {
        let (e, mut fields) = endpoint_for("GET", "/api/v4/projects/42/deployments").unwrap();
        gather(&mut fields, "environment=stage&ref=v1", b"").unwrap();
        assert_eq!(check_params(e, &fields).unwrap(), ["ref"]);
        assert_eq!(check_role(e, 10).unwrap_err().status, 403);
        assert_eq!(check_role(e, 0).unwrap_err().status, 404);
        assert!(check_role(e, 20).is_ok());
        assert!(endpoint_for("GET", "/api/v4/projects/42/nothing").is_none());
        assert_eq!(decode("acme%2Fshop+x"), "acme/shop x");
    }
}
