//! The part of a `shipgate-schema --format json` report the issue shows.
use super::DeployIssueError;
use crate::schema::model::Order;
use crate::schema::report::ReadReport;

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
        Ok(Self::from(
            &ReadReport::from_json(json).map_err(DeployIssueError::Report)?,
        ))
    }
}

impl From<&ReadReport> for SchemaSummary {
    fn from(report: &ReadReport) -> Self {
        Self {
            order: report.order,
            pre_deploy: report.pre_deploy.clone(),
            post_deploy: report.post_deploy.clone(),
        }
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
            let err = SchemaSummary::from_report_json(json)
                .unwrap_err()
                .to_string();
            assert!(err.contains(expected), "{json}: {err}");
            assert!(err.contains("shipgate-schema --format json"), "{err}");
        }
    }
}
