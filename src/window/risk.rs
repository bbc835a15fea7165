//! A release's risk: given, or derived from its version bump and its schema report.
use std::fmt;
use std::str::FromStr;

use semver::Version;

use crate::schema::model::Order;
use crate::schema::report::ReadReport;

/// How risky a release is; `high` applies `windows.high_risk`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Risk {
    /// An ordinary release.
    Low,
    /// A major bump, or a schema change old code cannot live with.
    High,
}

impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Low => "low",
            Self::High => "high",
        })
    }
}

impl FromStr for Risk {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "low" => Ok(Self::Low),
            "high" => Ok(Self::High),
            _ => Err(format!("invalid risk `{text}`: use low or high")),
        }
    }
}

/// What a `shipgate-schema --format json` report says about risk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaRisk {
    /// The order decided.
    pub order: Order,
    /// How many statements are destructive (old code breaks).
    pub destructive: usize,
}

impl From<&ReadReport> for SchemaRisk {
    /// The report's `order` and how many of its findings are destructive.
    fn from(report: &ReadReport) -> Self {
        Self {
            order: report.order,
            destructive: report.destructive(),
        }
    }
}

/// The risk used, and why, in words for the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskChoice {
    /// The risk.
    pub risk: Risk,
    /// Why: "given with --risk", "major bump 1.4.2 → 2.0.0", ….
    pub why: String,
}

/// The risk: `given` if any; else high for a major bump over `previous` or a schema report
/// with a code-first or blocked order or destructive changes; else low.
pub fn choose_risk(
    given: Option<Risk>,
    version: Option<&Version>,
    previous: Option<&Version>,
    schema: Option<&SchemaRisk>,
) -> RiskChoice {
    if let Some(risk) = given {
        return RiskChoice {
            risk,
            why: "given with --risk".to_owned(),
        };
    }
    let mut high = Vec::new();
    let mut low = Vec::new();
    match (version, previous) {
        (Some(v), Some(p)) if v.major > p.major => high.push(format!("major bump {p} → {v}")),
        (Some(v), Some(p)) => low.push(format!("{v} after {p} is no major bump")),
        (Some(v), None) => low.push(format!("{v} is the first release")),
        (None, _) => low.push("no release version known".to_owned()),
    }
    match schema {
        Some(s) => {
            if matches!(s.order, Order::CodeFirst | Order::Blocked) {
                high.push(format!("schema order {}", order_name(s.order)));
            }
            if s.destructive > 0 {
                let plural = if s.destructive == 1 { "" } else { "s" };
                high.push(format!(
                    "{} destructive schema change{plural}",
                    s.destructive
                ));
            }
            if high.is_empty() {
                low.push(format!(
                    "schema order {}, nothing destructive",
                    order_name(s.order)
                ));
            }
        }
        None => low.push("no schema report".to_owned()),
    }
    if high.is_empty() {
        RiskChoice {
            risk: Risk::Low,
            why: low.join("; "),
        }
    } else {
        RiskChoice {
            risk: Risk::High,
            why: high.join("; "),
        }
    }
}

fn order_name(order: Order) -> &'static str {
    match order {
        Order::None => "none",
        Order::SchemaFirst => "schema-first",
        Order::CodeFirst => "code-first",
        Order::Blocked => "blocked",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        text.parse().unwrap()
    }

    #[test]
    fn risk_parses_and_prints() {
        assert_eq!("HIGH".parse::<Risk>(), Ok(Risk::High));
        assert_eq!(Risk::Low.to_string(), "low");
        assert_eq!(
            "medium".parse::<Risk>().unwrap_err(),
            "invalid risk `medium`: use low or high"
        );
    }

    #[test]
    fn derived_from_the_bump_and_the_schema() {
        let schema = |order, destructive| SchemaRisk { order, destructive };
        let cases = [
            (
                Some(Risk::Low),
                Some(v("2.0.0")),
                Some(v("1.4.2")),
                None,
                Risk::Low,
                "given with --risk",
            ),
            (
                None,
                Some(v("2.0.0")),
                Some(v("1.4.2")),
                None,
                Risk::High,
                "major bump 1.4.2 → 2.0.0",
            ),
            (
                None,
                Some(v("1.5.0")),
                Some(v("1.4.2")),
                None,
                Risk::Low,
                "1.5.0 after 1.4.2 is no major bump; no schema report",
            ),
            (
                None,
                Some(v("1.0.0")),
                None,
                Some(schema(Order::SchemaFirst, 0)),
                Risk::Low,
                "1.0.0 is the first release; schema order schema-first, nothing destructive",
            ),
            (
                None,
                None,
                None,
                Some(schema(Order::CodeFirst, 1)),
                Risk::High,
                "schema order code-first; 1 destructive schema change",
            ),
            (
                None,
                Some(v("1.5.0")),
                Some(v("1.4.2")),
                Some(schema(Order::SchemaFirst, 2)),
                Risk::High,
                "2 destructive schema changes",
            ),
            (
                None,
                Some(v("3.0.0")),
                Some(v("2.9.0")),
                Some(schema(Order::Blocked, 0)),
                Risk::High,
                "major bump 2.9.0 → 3.0.0; schema order blocked",
            ),
        ];
        for (given, version, previous, schema, risk, why) in cases {
            let choice = choose_risk(given, version.as_ref(), previous.as_ref(), schema.as_ref());
            assert_eq!((choice.risk, choice.why.as_str()), (risk, why));
        }
    }

    #[test]
    fn schema_reports_are_read() {
        let report = r#"{"order":"schema-first","pre_deploy":[],"post_deploy":["db/post_migrate/1.rb"],
            "migrations":[{"path":"db/post_migrate/1.rb","findings":[{"class":"destructive"},{"class":"additive"}]}]}"#;
        assert_eq!(
            SchemaRisk::from(&ReadReport::from_json(report).unwrap()),
            SchemaRisk {
                order: Order::SchemaFirst,
                destructive: 1
            }
        );
    }
}
