//! From changes to verdicts: each change judged against the rule catalogue, ignores applied,
//! each file classed, and the release's order decided.
pub mod catalog;
mod classify;
mod order;
#[cfg(test)]
mod replacement_tests;
mod shapes;
mod suppress;
mod types;

use std::path::PathBuf;

pub use classify::{Judgement, ReleaseContext, judge};
pub use order::decide;
pub use suppress::Ignores;
pub use types::{TypeChange, compare};

use crate::schema::model::{Change, Class, FileClass, Finding, Framework, Located, Migration};

/// A migration file read into changes, ready to be judged.
#[derive(Debug, Clone)]
pub struct ReadMigration {
    /// Path relative to the repository root.
    pub path: PathBuf,
    /// How it is written.
    pub framework: Framework,
    /// Under `schema.post_deploy_paths`.
    pub post_deploy: bool,
    /// Its text, for ignore comments.
    pub text: String,
    /// Its changes, in order.
    pub changes: Vec<Located<Change>>,
    /// Findings about the file itself (edited, unreadable).
    pub file_findings: Vec<Finding>,
}

/// Judge every change of `migration` (in release order, through `context`) and class the file.
pub fn assess(migration: ReadMigration, context: &mut ReleaseContext) -> Migration {
    let mut ignores = Ignores::scan(&migration.text);
    let mut findings = ignores.filter(migration.file_findings);
    let mut classes = Vec::new();
    // Each change's sequence number → its place in `classes`, for a replaced drop.
    let mut places = std::collections::HashMap::new();
    for change in &migration.changes {
        let judgement = judge(change, context);
        let kept = ignores.filter(judgement.findings);
        let class = kept
            .iter()
            .map(|f| f.class)
            .fold(judgement.base, Class::max);
        // A constraint dropped and replaced in this file is judged as the pair, at the replacement.
        if let Some(place) = judgement.replaces.and_then(|seq| places.get(&seq)) {
            classes[*place] = Class::Neutral;
        }
        places.insert(judgement.seq, classes.len());
        classes.push(class);
        findings.extend(kept);
    }
    classes.extend(
        findings
            .iter()
            .filter(|f| f.class == Class::Unknown)
            .map(|f| f.class),
    );
    findings.extend(ignores.hygiene());
    findings.sort_by_key(|f| (f.line, f.column));
    Migration {
        path: migration.path,
        framework: migration.framework,
        class: file_class(&classes),
        post_deploy: migration.post_deploy,
        findings,
    }
}

/// Combine statement classes into the file's class.
pub fn file_class(classes: &[Class]) -> FileClass {
    let has = |c: Class| classes.contains(&c);
    if has(Class::Unknown) {
        FileClass::Unknown
    } else if has(Class::Additive) && has(Class::Destructive) {
        FileClass::Mixed
    } else if has(Class::Destructive) {
        FileClass::Destructive
    } else if has(Class::Additive) {
        FileClass::Additive
    } else if has(Class::Data) {
        FileClass::Data
    } else {
        FileClass::Neutral
    }
}
