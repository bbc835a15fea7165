//! The part of a `shipgate-schema --format json` report the issue shows.
use serde_json::Value;

use super::DeployIssueError;
use crate::schema::model::Order;

/// The schema order of a release and the migrations to run around the deploy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaSummary {
    /// The order decided by `shipgate-schema`.
    pub order: Order,
    /// Migrations to apply before the new code, in order.
    pub pre_deploy: Vec<String>,
    /// Migrations to apply after the new code, in order.
    pub post_deploy: Vec<String>,
}

impl SchemaSummary {
    /// Reads the `order`, `pre_deploy` and `post_deploy` keys of a `shipgate-schema --format
    /// json` report (other keys are ignored; a missing list counts as empty).
    pub fn from_report_json(json: &str) -> Result<Self, DeployIssueError> {
        let doc: Value = serde_json::from_str(json).map_err(DeployIssueError::ReportJson)?;
        let Value::Object(map) = doc else {
            return Err(key_error(
                "order",
                "cannot be read: the report is not a JSON object",
            ));
        };
        let order = match map.get("order") {
            None => return Err(key_error("order", "is missing")),
            Some(Value::String(s)) => match s.as_str() {
                "none" => Order::None,
                "schema-first" => Order::SchemaFirst,
                "code-first" => Order::CodeFirst,
                "blocked" => Order::Blocked,
                other => {
                    return Err(key_error(
                        "order",
                        &format!(
                            "is `{other}`, not one of none, schema-first, code-first, blocked"
                        ),
                    ));
                }
            },
            Some(_) => return Err(key_error("order", "is not a string")),
        };
        Ok(Self {
            order,
            pre_deploy: paths(&map, "pre_deploy")?,
            post_deploy: paths(&map, "post_deploy")?,
        })
    }
}

fn key_error(key: &'static str, problem: &str) -> DeployIssueError {
    DeployIssueError::ReportKey {
        key,
        problem: problem.to_owned(),
    }
}

fn paths(
    map: &serde_json::Map<String, Value>,
    key: &'static str,
) -> Result<Vec<String>, DeployIssueError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(s) => Ok(s.clone()),
                _ => Err(key_error(key, &format!("item {i} is not a path string"))),
            })
            .collect(),
        Some(_) => Err(key_error(key, "is not a list of paths")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_report() {
        let json = r#"{"order":"schema-first","reason":"r","pre_deploy":["db/V7__a.sql"],
            "post_deploy":["db/post/1.rb","db/post/2.rb"],"migrations":[]}"#;
        let summary = SchemaSummary::from_report_json(json).unwrap();
        assert_eq!(summary.order, Order::SchemaFirst);
        assert_eq!(summary.pre_deploy, ["db/V7__a.sql"]);
        assert_eq!(summary.post_deploy, ["db/post/1.rb", "db/post/2.rb"]);
    }

    #[test]
    fn every_order() {
        for (text, order) in [
            ("none", Order::None),
            ("schema-first", Order::SchemaFirst),
            ("code-first", Order::CodeFirst),
            ("blocked", Order::Blocked),
        ] {
            let json = format!(r#"{{"order":"{text}"}}"#);
            let summary = SchemaSummary::from_report_json(&json).unwrap();
            assert_eq!(summary.order, order);
            assert!(summary.pre_deploy.is_empty() && summary.post_deploy.is_empty());
        }
    }

    #[test]
    fn errors_name_what_is_wrong() {
        let cases = [
            ("not json", "not valid JSON"),
            ("[1]", "the report is not a JSON object"),
            (r#"{"pre_deploy":[]}"#, "`order` is missing"),
            (r#"{"order":3}"#, "`order` is not a string"),
            (r#"{"order":"later"}"#, "`order` is `later`, not one of"),
            (
                r#"{"order":"none","pre_deploy":"a.sql"}"#,
                "`pre_deploy` is not a list",
            ),
            (
                r#"{"order":"none","post_deploy":[1]}"#,
                "`post_deploy` item 0 is not a path",
            ),
        ];
        for (json, expected) in cases {
            let err = SchemaSummary::from_report_json(json)
                .unwrap_err()
                .to_string();
            assert!(err.contains(expected), "{json}: {err}");
            assert!(err.contains("shipgate-schema --format json"), "{err}");
        }
    }
}
