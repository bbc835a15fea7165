//! Applies [`super::rules`] to a request as Grape does: every declared parameter is checked
//! (missing, type, `values:`, `except_values:`), the messages joined into one
//! `400 {"error": "…"}`; then the route's ability (404 for a non-member, 403 below the role);
//! then the checks an endpoint's body makes before it acts (e.g. `DeploymentsFinder#validate!`).
//! The fake's contract ([`super::contract`]) calls [`check`] for every request.
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use super::rules::{ANY_USER, ENDPOINTS, Endpoint, Kind, Param};
use crate::fake_server::Refused;

/// GitLab's refusal: `status`, the message answered, and the rule.
fn refused(status: u16, text: impl Into<String>, rule: String) -> Refused {
    Refused {
        status,
        text: text.into(),
        rule,
    }
}

/// The rules for `method` `path` (under `/api/v4`) with the query's decoded pairs and the
/// body, for a token whose user has access `level` on the project: `Err` with GitLab's answer
/// when GitLab refuses the request; `Ok` with the parameters GitLab would ignore (the request
/// is served, but a client relying on one is mistaken).
pub(super) fn check(
    method: &str,
    path: &str,
    query: &[(String, String)],
    body: &[u8],
    level: u64,
) -> Result<Vec<String>, Refused> {
    let Some((endpoint, mut fields)) = endpoint_for(method, path) else {
        return Err(refused(
            404,
            "404 Not Found",
            "no rule in the table for this route".to_owned(),
        ));
    };
    gather(&mut fields, query, body)?;
    let ignored = check_params(endpoint, &fields)?;
    check_role(endpoint, level)?;
    check_body(endpoint, &fields)?;
    Ok(ignored
        .into_iter()
        .map(|name| {
            format!(
                "{} {} ({}) declares no parameter `{name}`: GitLab ignores it",
                endpoint.method, endpoint.path, endpoint.source
            )
        })
        .collect())
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
                    let value = percent_decode_str(g).decode_utf8_lossy().into_owned();
                    fields.insert(name.to_owned(), Value::String(value));
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
pub(super) fn gather(
    fields: &mut Fields,
    query: &[(String, String)],
    body: &[u8],
) -> Result<(), Refused> {
    for (k, v) in query {
        match k.strip_suffix("[]") {
            Some(base) => {
                let entry = fields
                    .entry(base.to_owned())
                    .or_insert_with(|| Value::Array(vec![]));
                if let Value::Array(items) = entry {
                    items.push(Value::String(v.clone()));
                }
            }
            None => {
                fields.insert(k.clone(), Value::String(v.clone()));
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
        _ => Err(refused(
            400,
            "400 Bad request - invalid JSON body",
            "the body must be a JSON object".to_owned(),
        )),
    }
}

/// The declared parameters' checks; `Ok` lists the parameters the endpoint does not declare
/// (GitLab ignores them, so a client relying on one is mistaken).
pub(super) fn check_params(e: &Endpoint, fields: &Fields) -> Result<Vec<String>, Refused> {
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
        let rule = format!("{} {} ({}): {message}", e.method, e.path, e.source);
        return Err(refused(400, message, rule));
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
pub(super) fn check_role(e: &Endpoint, level: u64) -> Result<(), Refused> {
    if e.role == ANY_USER || level >= e.role {
        return Ok(());
    }
    let rule = format!(
        "{} {} needs {} (access level {}), the token's user has {level}",
        e.method, e.path, e.ability, e.role
    );
    if level == 0 {
        return Err(refused(404, "404 Project Not Found", rule));
    }
    Err(refused(403, "403 Forbidden", rule))
}

/// What an endpoint's body refuses before acting: `DeploymentsFinder#validate!`
/// (`app/finders/deployments_finder.rb`), answered by `bad_request!`.
pub(super) fn check_body(e: &Endpoint, fields: &Fields) -> Result<(), Refused> {
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
        Some(why) => Err(refused(
            400,
            format!("400 Bad request - {why}"),
            format!("GET {} (app/finders/deployments_finder.rb): {why}", e.path),
        )),
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
    if p.nonblank && text.as_deref().is_some_and(|t| t.trim().is_empty()) {
        return vec![format!("{name} is empty")];
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

#[cfg(test)]
mod tests {
    use axum::http::Uri;

    use super::*;

    fn pairs(query: &str) -> Vec<(String, String)> {
        let uri: Uri = format!("/?{query}").parse().unwrap();
        crate::fake_server::query_params(&uri)
    }

    /// The message GitLab answers when it refuses the request.
    fn refusal(method: &str, path: &str, query: &str, body: &str) -> Option<String> {
        check(method, path, &pairs(query), body.as_bytes(), 40)
            .err()
            .map(|r| r.text)
    }

    #[test]
    fn grape_messages() {
        let p = "/api/v4/projects/acme%2Fshop/deployments";
        let body = r#"{"environment":"stage","sha":"a","ref":"v1","tag":true,"status":"created"}"#;
        assert_eq!(
            refusal("POST", p, "", body).as_deref(),
            Some("status does not have a valid value")
        );
        assert_eq!(
            refusal(
                "POST",
                p,
                "",
                r#"{"environment":"stage","status":"running"}"#
            )
            .as_deref(),
            Some("sha is missing, ref is missing, tag is missing")
        );
        assert_eq!(
            refusal("GET", p, "per_page=0&page=x", "").as_deref(),
            Some("page is invalid, per_page has a value not allowed")
        );
        assert_eq!(
            refusal(
                "GET",
                p,
                "finished_after=2026-01-01T00:00:00Z&order_by=finished_at",
                ""
            )
            .as_deref(),
            Some(
                "400 Bad request - `finished_at` filter must be combined with `success` status filter."
            )
        );
        assert_eq!(
            refusal("GET", p, "environment=a%20b&order_by=id&sort=desc", ""),
            None
        );
        let issue = "/api/v4/projects/42/issues/7";
        assert!(
            refusal("PUT", issue, "", r#"{"state_event":"shut"}"#)
                .unwrap()
                .contains("state_event does not have a valid value")
        );
        assert!(
            refusal("PUT", issue, "", "{}")
                .unwrap()
                .contains("at least one parameter must be provided")
        );
        assert!(
            refusal("GET", "/api/v4/projects/42/issues/x", "", "")
                .unwrap()
                .contains("issue_iid is invalid")
        );
        assert_eq!(
            refusal("PUT", issue, "", "[1]").as_deref(),
            Some("400 Bad request - invalid JSON body")
        );
        let pipeline = "/api/v4/projects/42/pipeline";
        assert!(
            refusal(
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
        gather(&mut fields, &pairs("environment=stage&ref=v1"), b"").unwrap();
        assert_eq!(check_params(e, &fields).unwrap(), ["ref"]);
        assert_eq!(check_role(e, 10).unwrap_err().status, 403);
        assert_eq!(check_role(e, 0).unwrap_err().status, 404);
        assert!(check_role(e, 20).is_ok());
        assert!(endpoint_for("GET", "/api/v4/projects/42/nothing").is_none());
        let (_, fields) = endpoint_for("GET", "/api/v4/projects/acme%2Fshop/issues/1").unwrap();
        assert_eq!(fields["id"], "acme/shop");
        let ignored = check(
            "GET",
            "/api/v4/projects/42/deployments",
            &pairs("ref=v1"),
            b"",
            20,
        );
        assert!(ignored.unwrap()[0].contains("declares no parameter `ref`"));
        let missing = check("GET", "/api/v4/projects/42/nothing", &[], b"", 40);
        assert_eq!(missing.unwrap_err().status, 404);
    }
}
