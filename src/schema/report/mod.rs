//! Reporters: a [`Report`] rendered for people (`text`), programs (`json`), and the places CI
//! shows findings (GitHub annotations and step summary, GitLab Code Quality, SARIF).
//!
//! Every reporter is a pure function from a report to a `String`; writing it anywhere is the
//! caller's job. Paths are printed as [`Migration::path`] holds them (relative to the
//! repository root), with forward slashes; lines and columns are 1-based everywhere.
use std::path::Path;

use super::model::{Class, FileClass, Finding, Framework, Migration, Report};

pub mod github;
pub mod gitlab;
pub mod json;
mod outputs;
mod read;
pub mod sarif;
pub mod text;

pub use outputs::outputs;
pub use read::{ReadFinding, ReadMigration, ReadReport};

#[cfg(test)]
mod sample;
#[cfg(test)]
mod schema_tests;
#[cfg(test)]
mod snapshot_tests;

/// `path` with forward slashes, as CI systems and SARIF expect.
pub fn path_str(path: &Path) -> String {
    let text = path.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '\\' {
        text.replace('\\', "/")
    } else {
        text.into_owned()
    }
}

/// Every finding of the report with its migration, in report order.
fn findings(report: &Report) -> impl Iterator<Item = (&Migration, &Finding)> {
    report
        .migrations
        .iter()
        .flat_map(|m| m.findings.iter().map(move |f| (m, f)))
}

/// The lowercase name `serde` gives a [`Framework`].
pub fn framework_name(framework: Framework) -> &'static str {
    match framework {
        Framework::Sql => "sql",
        Framework::Rails => "rails",
        Framework::Django => "django",
        Framework::Alembic => "alembic",
    }
}

/// The lowercase name `serde` gives a [`FileClass`].
pub fn file_class_name(class: FileClass) -> &'static str {
    match class {
        FileClass::Neutral => "neutral",
        FileClass::Data => "data",
        FileClass::Additive => "additive",
        FileClass::Destructive => "destructive",
        FileClass::Mixed => "mixed",
        FileClass::Unknown => "unknown",
    }
}

/// The lowercase name `serde` gives a [`Class`].
fn class_name(class: Class) -> &'static str {
    match class {
        Class::Neutral => "neutral",
        Class::Data => "data",
        Class::Additive => "additive",
        Class::Destructive => "destructive",
        Class::Unknown => "unknown",
    }
}
