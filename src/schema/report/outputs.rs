//! Step outputs of `shipgate-schema`: what a later CI step branches on.
use std::path::PathBuf;

use super::path_str;
use crate::schema::model::{Class, FileClass, Report};

/// The step outputs of a report, in order: `order`, `pre-deploy`, `post-deploy`, `destructive`,
/// `additive`.
///
/// `pre-deploy` and `post-deploy` are the sets' paths separated by single spaces, so that every
/// value is one line: GitLab dotenv reports cannot hold multi-line values, and `for f in
/// $PRE_DEPLOY` works in a shell. A path containing whitespace is then ambiguous; migration
/// naming conventions exclude it, and `--format json` carries exact paths. `destructive` and
/// `additive` are `true` when any migration has a statement of that class.
pub fn outputs(report: &Report) -> Vec<(&'static str, String)> {
    let destructive = report.migrations.iter().any(|m| {
        matches!(m.class, FileClass::Destructive | FileClass::Mixed)
            || m.findings.iter().any(|f| f.class == Class::Destructive)
    });
    let additive = report.migrations.iter().any(|m| {
        matches!(m.class, FileClass::Additive | FileClass::Mixed)
            || m.findings.iter().any(|f| f.class == Class::Additive)
    });
    vec![
        ("order", report.order.to_string()),
        ("pre-deploy", joined(&report.pre_deploy)),
        ("post-deploy", joined(&report.post_deploy)),
        ("destructive", destructive.to_string()),
        ("additive", additive.to_string()),
    ]
}

fn joined(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| path_str(p))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::super::sample;
    use super::*;
    use crate::ci::Outputs;

    #[test]
    fn blocked_release_outputs() {
        assert_eq!(
            outputs(&sample::blocked()),
            [
                ("order", "blocked".to_owned()),
                ("pre-deploy", "db/V7__add_email.sql".to_owned()),
                (
                    "post-deploy",
                    "db/migrate/20240501120000_drop_legacy_columns.rb".to_owned()
                ),
                ("destructive", "true".to_owned()),
                ("additive", "true".to_owned()),
            ]
        );
    }

    #[test]
    fn empty_release_outputs() {
        let pairs = outputs(&sample::empty());
        assert_eq!(
            pairs,
            [
                ("order", "none".to_owned()),
                ("pre-deploy", String::new()),
                ("post-deploy", String::new()),
                ("destructive", "false".to_owned()),
                ("additive", "false".to_owned()),
            ]
        );
    }

    #[test]
    fn keys_are_valid_ci_outputs_and_values_single_line() {
        let mut ci = Outputs::new();
        for (key, value) in outputs(&sample::blocked()) {
            assert!(!value.contains('\n'), "{key}");
            ci.set(key, value).unwrap();
        }
        assert_eq!(ci.len(), 5);
    }
}
