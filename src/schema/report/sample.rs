//! Reports built by hand for the reporters' tests.
use std::path::PathBuf;

use crate::schema::model::{
    Class, FileClass, Finding, Framework, Migration, Order, Report, Severity,
};

const SQL: &str = "db/V7__add_email.sql";
const RAILS: &str = "db/migrate/20240501120000_drop_legacy_columns.rb";
const DJANGO: &str = "accounts/migrations/0042_split_name.py";

fn finding(
    rule: &'static str,
    severity: Severity,
    class: Class,
    (line, column): (usize, usize),
    message: &str,
    help: &str,
) -> Finding {
    Finding {
        rule,
        severity,
        class,
        line,
        column,
        message: message.to_owned(),
        help: help.to_owned(),
    }
}

/// A blocked release: an additive SQL file, a destructive Rails file with two findings under
/// the post-deploy paths, and a Django file mixing both.
pub fn blocked() -> Report {
    Report {
        order: Order::Blocked,
        reason: format!(
            "{DJANGO} both adds and removes columns: old code breaks whichever comes first. \
             Move the RemoveField into a migration of the next release."
        ),
        pre_deploy: vec![PathBuf::from(SQL)],
        post_deploy: vec![PathBuf::from(RAILS)],
        migrations: vec![
            Migration {
                path: PathBuf::from(SQL),
                framework: Framework::Sql,
                class: FileClass::Additive,
                post_deploy: false,
                findings: vec![finding(
                    "SG001",
                    Severity::Info,
                    Class::Additive,
                    (1, 1),
                    "adds nullable column users.email: old code ignores it",
                    "apply before the new code",
                )],
            },
            Migration {
                path: PathBuf::from(RAILS),
                framework: Framework::Rails,
                class: FileClass::Destructive,
                post_deploy: true,
                findings: vec![
                    finding(
                        "SG102",
                        Severity::Error,
                        Class::Destructive,
                        (3, 5),
                        "drops column users.legacy_name, which old code still reads",
                        "deploy code that no longer reads users.legacy_name first; keep this \
                         migration under the post-deploy paths",
                    ),
                    finding(
                        "SG106",
                        Severity::Warning,
                        Class::Destructive,
                        (4, 5),
                        "sets users.nickname NOT NULL: old code inserting rows without it fails",
                        "add a CHECK (nickname IS NOT NULL) NOT VALID constraint, validate it, \
                         then set NOT NULL in a later release",
                    ),
                ],
            },
            Migration {
                path: PathBuf::from(DJANGO),
                framework: Framework::Django,
                class: FileClass::Mixed,
                post_deploy: false,
                findings: vec![
                    finding(
                        "SG001",
                        Severity::Info,
                        Class::Additive,
                        (12, 9),
                        "adds nullable column accounts_user.first_name: old code ignores it",
                        "apply before the new code",
                    ),
                    finding(
                        "SG102",
                        Severity::Error,
                        Class::Destructive,
                        (17, 9),
                        "drops column accounts_user.full_name, which old code still reads",
                        "split the release: add first_name now, remove full_name in the next \
                         release",
                    ),
                ],
            },
        ],
    }
}

/// A release without migrations.
pub fn empty() -> Report {
    Report {
        order: Order::None,
        reason: "No new migration in this release.".to_owned(),
        pre_deploy: vec![],
        post_deploy: vec![],
        migrations: vec![],
    }
}
