//! The part of a `shipgate-schema --format json` report the issue shows.
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
        let summary = SchemaSummary::from(&ReadReport::from_json(json).unwrap());
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
            let summary = SchemaSummary::from(&ReadReport::from_json(&json).unwrap());
            assert_eq!(summary.order, order);
            assert!(summary.pre_deploy.is_empty() && summary.post_deploy.is_empty());
        }
    }
}
