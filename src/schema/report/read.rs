//! A `--format json` report read back: what the window, promote and the deployment issue use
//! of it (the order, the migrations around the deploy, the destructive findings).
use serde::Deserialize;

use crate::schema::model::Order;

/// The parts of a `shipgate-schema --format json` report other steps read; other keys are
/// ignored and a missing list counts as empty.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ReadReport {
    /// The order decided.
    pub order: Order,
    /// Migrations to apply before the new code, in order.
    #[serde(default)]
    pub pre_deploy: Vec<String>,
    /// Migrations to apply after the new code, in order.
    #[serde(default)]
    pub post_deploy: Vec<String>,
    /// Each migration's findings.
    #[serde(default)]
    pub migrations: Vec<ReadMigration>,
}

/// One migration of a read report.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ReadMigration {
    /// Its findings.
    #[serde(default)]
    pub findings: Vec<ReadFinding>,
}

/// One finding of a read report.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ReadFinding {
    /// The statement's class (`additive`, `destructive`, …).
    pub class: String,
}

impl ReadReport {
    /// Parses a report; the error names the key at fault, as serde does.
    pub fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        match serde_json::from_str(json)? {
            doc @ serde_json::Value::Object(_) => serde_json::from_value(doc),
            _ => Err(serde::de::Error::custom("the report is not a JSON object")),
        }
    }

    /// How many findings say destructive.
    pub fn destructive(&self) -> usize {
        self.migrations
            .iter()
            .flat_map(|m| &m.findings)
            .filter(|f| f.class == "destructive")
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_what_render_writes() {
        let json = r#"{"order":"blocked","reason":"r","pre_deploy":["a.sql"],"post_deploy":[],
            "migrations":[{"path":"a.sql","findings":[{"class":"destructive"},{"class":"additive"}]}]}"#;
        let read = ReadReport::from_json(json).unwrap();
        assert_eq!(read.order, Order::Blocked);
        assert_eq!(read.pre_deploy, ["a.sql"]);
        assert_eq!(read.destructive(), 1);
        let err = ReadReport::from_json(r#"{"order":"sideways"}"#).unwrap_err();
        assert!(
            err.to_string().contains("unknown variant `sideways`"),
            "{err}"
        );
        assert!(
            ReadReport::from_json("{}")
                .unwrap_err()
                .to_string()
                .contains("missing field `order`")
        );
    }

    #[test]
    fn errors_name_what_is_wrong() {
        let cases = [
            ("not json", "expected ident"),
            ("[1]", "the report is not a JSON object"),
            (r#"{"pre_deploy":[]}"#, "missing field `order`"),
            (r#"{"order":3}"#, "invalid type: integer `3`"),
            (
                r#"{"order":"later"}"#,
                "unknown variant `later`, expected one of `none`, `schema-first`",
            ),
            (
                r#"{"order":"none","pre_deploy":"a.sql"}"#,
                "invalid type: string \"a.sql\", expected a sequence",
            ),
            (
                r#"{"order":"none","post_deploy":[1]}"#,
                "invalid type: integer `1`, expected a string",
            ),
        ];
        for (json, expected) in cases {
            let err = ReadReport::from_json(json).unwrap_err().to_string();
            assert!(err.contains(expected), "{json}: {err}");
        }
    }
}
