//! The release's order: schema first, code first, or blocked — and why.
use std::path::PathBuf;

use crate::schema::model::{FileClass, Migration, Order, Report};

fn list(paths: &[&Migration]) -> String {
    paths
        .iter()
        .map(|m| m.path.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn paths(migrations: &[&Migration]) -> Vec<PathBuf> {
    migrations.iter().map(|m| m.path.clone()).collect()
}

/// Decide the order for `migrations` (in release order). `first_release`: no earlier release
/// exists, so no old code runs and nothing can break.
pub fn decide(migrations: Vec<Migration>, first_release: bool) -> Report {
    let all: Vec<&Migration> = migrations.iter().collect();
    let (order, reason, pre, post) = if all.is_empty() {
        (
            Order::None,
            "the release has no new migration".to_owned(),
            vec![],
            vec![],
        )
    } else if first_release {
        (
            Order::SchemaFirst,
            "first release: no old code runs, so the schema goes first".to_owned(),
            paths(&all),
            vec![],
        )
    } else {
        decide_between(&all)
    };
    Report {
        order,
        reason,
        pre_deploy: pre,
        post_deploy: post,
        migrations,
    }
}

fn decide_between(all: &[&Migration]) -> (Order, String, Vec<PathBuf>, Vec<PathBuf>) {
    let of = |class: FileClass| -> Vec<&Migration> {
        all.iter().copied().filter(|m| m.class == class).collect()
    };
    let unknown = of(FileClass::Unknown);
    if !unknown.is_empty() {
        return (
            Order::Blocked,
            format!(
                "cannot judge {}: fix or suppress (with a reason) the findings marked unknown, then run again",
                list(&unknown)
            ),
            vec![],
            vec![],
        );
    }
    let (post, pre): (Vec<&Migration>, Vec<&Migration>) =
        all.iter().copied().partition(|m| m.post_deploy);
    let breaks = |m: &&Migration| matches!(m.class, FileClass::Destructive | FileClass::Mixed);
    let adds = |m: &&Migration| matches!(m.class, FileClass::Additive | FileClass::Mixed);
    let destructive_before: Vec<&Migration> = pre.iter().copied().filter(breaks).collect();
    if destructive_before.is_empty() {
        let reason = if post.is_empty() {
            "every change is additive or neutral: apply the migrations, then deploy the code"
                .to_owned()
        } else {
            format!(
                "additive changes go before the code; the destructive ones are in post-deploy migrations ({}), applied after it",
                list(&post)
            )
        };
        return (Order::SchemaFirst, reason, paths(&pre), paths(&post));
    }
    if !all.iter().any(adds) {
        return (
            Order::CodeFirst,
            "only destructive (and neutral) changes: deploy the code, then apply the migrations"
                .to_owned(),
            vec![],
            paths(all),
        );
    }
    let additive: Vec<&Migration> = all.iter().copied().filter(adds).collect();
    (
        Order::Blocked,
        format!(
            "additive changes ({}) must go before the code and destructive ones ({}) after it: expand in this release and contract in the next, or move the destructive part to a post-deploy path (schema.post_deploy_paths)",
            list(&additive),
            list(&destructive_before)
        ),
        vec![],
        vec![],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::model::Framework;

    fn migration(path: &str, class: FileClass, post_deploy: bool) -> Migration {
        Migration {
            path: path.into(),
            framework: Framework::Sql,
            class,
            post_deploy,
            findings: vec![],
        }
    }

    fn order_of(migrations: &[(FileClass, bool)]) -> Order {
        let migrations = migrations
            .iter()
            .enumerate()
            .map(|(i, (class, post))| migration(&format!("m{i}.sql"), *class, *post))
            .collect();
        decide(migrations, false).order
    }

    #[test]
    fn decision_matrix() {
        use FileClass::*;
        assert_eq!(order_of(&[]), Order::None);
        assert_eq!(order_of(&[(Neutral, false)]), Order::SchemaFirst);
        assert_eq!(
            order_of(&[(Additive, false), (Neutral, false)]),
            Order::SchemaFirst
        );
        assert_eq!(order_of(&[(Destructive, false)]), Order::CodeFirst);
        assert_eq!(
            order_of(&[(Destructive, false), (Neutral, false)]),
            Order::CodeFirst
        );
        assert_eq!(
            order_of(&[(Additive, false), (Destructive, false)]),
            Order::Blocked
        );
        assert_eq!(order_of(&[(Mixed, false)]), Order::Blocked);
        assert_eq!(
            order_of(&[(Additive, false), (Destructive, true)]),
            Order::SchemaFirst
        );
        assert_eq!(
            order_of(&[(Additive, false), (Mixed, true)]),
            Order::SchemaFirst
        );
        assert_eq!(order_of(&[(Destructive, true)]), Order::SchemaFirst);
        assert_eq!(
            order_of(&[(Additive, false), (Unknown, false)]),
            Order::Blocked
        );
        assert_eq!(order_of(&[(Unknown, true)]), Order::Blocked);
    }

    #[test]
    fn schema_first_lists_pre_and_post_sets() {
        let report = decide(
            vec![
                migration("db/migrate/1_add.rb", FileClass::Additive, false),
                migration("db/post_migrate/2_drop.rb", FileClass::Destructive, true),
            ],
            false,
        );
        assert_eq!(report.order, Order::SchemaFirst);
        assert_eq!(
            report.pre_deploy,
            vec![PathBuf::from("db/migrate/1_add.rb")]
        );
        assert_eq!(
            report.post_deploy,
            vec![PathBuf::from("db/post_migrate/2_drop.rb")]
        );
        assert!(
            report.reason.contains("db/post_migrate/2_drop.rb"),
            "{}",
            report.reason
        );
    }

    #[test]
    fn blocked_names_the_files_and_how_to_split() {
        let report = decide(
            vec![
                migration("a.sql", FileClass::Additive, false),
                migration("b.sql", FileClass::Destructive, false),
            ],
            false,
        );
        assert_eq!(report.order, Order::Blocked);
        assert!(
            report.reason.contains("(a.sql)") && report.reason.contains("(b.sql)"),
            "{}",
            report.reason
        );
        assert!(
            report
                .reason
                .contains("expand in this release and contract in the next")
        );
    }

    #[test]
    fn first_release_goes_schema_first() {
        let report = decide(
            vec![migration("a.sql", FileClass::Destructive, false)],
            true,
        );
        assert_eq!(report.order, Order::SchemaFirst);
        assert_eq!(report.pre_deploy.len(), 1);
    }
}
