//! Judging one change: its class and its findings, given what the release created before it.
use std::collections::HashSet;

use super::catalog::{self, Rule};
use super::shapes::{Dropped, Shapes, same};
use super::types::{TypeChange, compare};
use crate::schema::model::{
    Change, Class, ConstraintDetail, ConstraintKind, Finding, Located, ObjectKind, TableShape,
};
use crate::schema::sql::{CheckRelation, compare_checks};

/// What earlier migrations of the same release created: changes to these break no old code.
#[derive(Debug, Default, Clone)]
pub struct ReleaseContext {
    tables: HashSet<String>,
    columns: HashSet<(String, String)>,
    /// Columns added in the release that old code's rows hold NULL in (nullable, and no default
    /// that stays): a UNIQUE covering one never sees old code's keys conflict.
    left_null: HashSet<(String, String)>,
    objects: HashSet<String>,
    /// Tables that lost a foreign key (or a constraint of unknown kind) earlier in the release.
    dropped_constraints: HashSet<String>,
    /// Constraints and unique indexes dropped earlier in the release, not yet replaced.
    dropped: Vec<Dropped>,
    /// Tables' constraints as far as the migrations read so far declare them.
    shapes: Shapes,
    /// How many changes were judged: each change's sequence number.
    seq: usize,
}

impl ReleaseContext {
    /// Take in a change of an earlier migration (one before the release, replayed): the
    /// constraints it declares become the old definition the release's changes are compared with.
    pub fn learn(&mut self, change: &Change) {
        self.shapes.learn(change);
    }

    /// The constraint dropped earlier in the release that one of `kind` added to `table` (on
    /// `columns`, named as `detail` says) replaces: a CHECK of the same name or columns, any
    /// unique, a foreign key (or a constraint of unknown kind).
    fn replaced(
        &mut self,
        table: &str,
        kind: ConstraintKind,
        columns: &[String],
        detail: &ConstraintDetail,
    ) -> Option<Dropped> {
        let pairs = |d: &Dropped| {
            let named = d.name.is_some() && d.name == detail.name;
            d.table == table
                && match kind {
                    ConstraintKind::Check => match d.kind {
                        Some(ConstraintKind::Check) => {
                            named
                                || (!d.columns.is_empty() && same(&d.columns, columns))
                                || (d.name.is_none() && d.columns.is_empty())
                        }
                        None => named,
                        _ => false,
                    },
                    ConstraintKind::Unique | ConstraintKind::PrimaryKey => matches!(
                        d.kind,
                        Some(ConstraintKind::Unique | ConstraintKind::PrimaryKey)
                    ),
                    ConstraintKind::ForeignKey => {
                        matches!(d.kind, None | Some(ConstraintKind::ForeignKey))
                    }
                    ConstraintKind::Exclusion => false,
                }
        };
        let at = self.dropped.iter().rposition(pairs)?;
        Some(self.dropped.remove(at))
    }

    fn new_table(&self, table: &str) -> bool {
        self.tables.contains(table)
    }

    fn new_column(&self, table: &str, column: &str) -> bool {
        self.new_table(table)
            || self
                .columns
                .contains(&(table.to_owned(), column.to_owned()))
    }
}

/// One change judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    /// The class of the change before any finding (creations are additive, data is neutral).
    pub base: Class,
    /// What the rules found.
    pub findings: Vec<Finding>,
    /// This change's sequence number in the release.
    pub seq: usize,
    /// The sequence number of the earlier drop this change replaces: the pair is judged here,
    /// the drop alone no longer counts.
    pub replaces: Option<usize>,
}

fn finding(rule: &Rule, change: &Located<Change>, message: String) -> Finding {
    Finding {
        rule: rule.code,
        severity: rule.severity,
        class: rule.class,
        line: change.at.line,
        column: change.at.column,
        message,
        help: rule.help.to_owned(),
    }
}

/// Judge `change`, then record what it creates in `context`.
pub fn judge(change: &Located<Change>, context: &mut ReleaseContext) -> Judgement {
    context.seq += 1;
    let seq = context.seq;
    let mut replaces = None;
    let mut findings = Vec::new();
    let mut found = |rule: &Rule, message: String| findings.push(finding(rule, change, message));
    let base = match &change.item {
        Change::CreateTable { table } => {
            context.tables.insert(table.clone());
            Class::Additive
        }
        Change::DropTable { table } => {
            if !context.new_table(table) {
                found(
                    &catalog::DROP_TABLE,
                    format!("DROP TABLE {table}: old code still reads it"),
                );
            }
            Class::Neutral
        }
        Change::RenameTable { from, to } => {
            if context.new_table(from) {
                context.tables.insert(to.clone());
            } else {
                found(
                    &catalog::RENAME_TABLE,
                    format!("renaming table {from} to {to}: old code uses {from}"),
                );
            }
            Class::Neutral
        }
        Change::AddColumn {
            table,
            column,
            not_null,
            has_default,
            volatile_default,
            default_dropped,
        } => {
            if !context.new_table(table) {
                if *not_null && *has_default && *default_dropped {
                    found(
                        &catalog::DEFAULT_DROPPED,
                        format!(
                            "new column {table}.{column} is NOT NULL and its database default is dropped once it is added: inserts by old code fail"
                        ),
                    );
                } else if *not_null && !has_default {
                    found(
                        &catalog::NOT_NULL_WITHOUT_DEFAULT,
                        format!(
                            "new column {table}.{column} is NOT NULL without a default: inserts by old code fail"
                        ),
                    );
                }
                if *volatile_default {
                    found(
                        &catalog::VOLATILE_DEFAULT,
                        format!(
                            "new column {table}.{column} has a volatile default: the table is rewritten"
                        ),
                    );
                }
            }
            context.columns.insert((table.clone(), column.clone()));
            if !*not_null && (!*has_default || *default_dropped) {
                context.left_null.insert((table.clone(), column.clone()));
            }
            Class::Additive
        }
        Change::DropColumn { table, column } => {
            if !context.new_column(table, column) {
                found(
                    &catalog::DROP_COLUMN,
                    format!("DROP COLUMN {table}.{column}: old code still reads it"),
                );
            }
            Class::Neutral
        }
        Change::RenameColumn { table, from, to } => {
            if context.new_column(table, from) {
                context.columns.insert((table.clone(), to.clone()));
            } else {
                found(
                    &catalog::RENAME_COLUMN,
                    format!("renaming column {table}.{from} to {to}: old code uses {from}"),
                );
            }
            Class::Neutral
        }
        Change::AlterColumnType {
            table,
            column,
            from,
            to,
        } => {
            if context.new_table(table) {
                return Judgement {
                    base: Class::Neutral,
                    findings,
                    seq,
                    replaces,
                };
            }
            let verdict = from.as_ref().map(|from| compare(from, to));
            let new_column = context.new_column(table, column);
            match verdict {
                _ if new_column => {}
                Some(TypeChange::CheapWidening | TypeChange::Widening) => {}
                Some(TypeChange::Incompatible) => found(
                    &catalog::CHANGE_TYPE,
                    format!(
                        "{table}.{column} changes to {} and may not hold what old code writes",
                        to.name
                    ),
                ),
                None => found(
                    &catalog::UNKNOWN_TYPE_CHANGE,
                    format!(
                        "{table}.{column} changes to {}; the old type is not known here",
                        to.name
                    ),
                ),
            }
            if verdict != Some(TypeChange::CheapWidening) {
                found(
                    &catalog::TYPE_REWRITE,
                    format!("changing the type of {table}.{column} rewrites {table}"),
                );
            }
            match verdict {
                Some(TypeChange::CheapWidening | TypeChange::Widening) => Class::Additive,
                _ => Class::Neutral,
            }
        }
        Change::SetNotNull { table, column } => {
            context.left_null.remove(&(table.clone(), column.clone()));
            if !context.new_table(table) {
                found(
                    &catalog::SET_NOT_NULL,
                    format!("{table}.{column} becomes NOT NULL: old code may still insert NULL"),
                );
            }
            Class::Neutral
        }
        Change::SetDefault { table, column } => {
            context.left_null.remove(&(table.clone(), column.clone()));
            Class::Additive
        }
        Change::DropNotNull { .. } => Class::Additive,
        Change::DropDefault { table, column } => {
            if !context.new_column(table, column) {
                found(
                    &catalog::DROP_DEFAULT,
                    format!("{table}.{column} loses its default: old code may rely on it"),
                );
            }
            Class::Neutral
        }
        Change::AddConstraint {
            table,
            kind,
            not_valid,
            using_index,
            columns,
            cascades,
            detail,
        } => {
            let on_new_columns =
                !columns.is_empty() && columns.iter().all(|c| context.new_column(table, c));
            let recreated = *kind == ConstraintKind::ForeignKey
                && context.dropped_constraints.contains(table.as_str());
            let replaced = (!context.new_table(table) && !on_new_columns)
                .then(|| context.replaced(table, *kind, columns, detail))
                .flatten();
            replaces = replaced.as_ref().map(|d| d.seq);
            let unique = matches!(kind, ConstraintKind::Unique | ConstraintKind::PrimaryKey);
            // Old code's keys hold NULL in such a column, and NULLs are distinct.
            let null_column = (*kind == ConstraintKind::Unique && !detail.nulls_not_distinct)
                .then(|| {
                    columns
                        .iter()
                        .find(|c| context.left_null.contains(&(table.clone(), (*c).clone())))
                })
                .flatten();
            let null_exempt = |column: &String| {
                format!(
                    "the UNIQUE on {table} ({}) covers {column}, added in this release and NULL in old code's rows: their keys never conflict",
                    columns.join(", ")
                )
            };
            if let Some(old) = replaced.as_ref().filter(|_| *kind == ConstraintKind::Check) {
                let name = detail.name.as_ref().or(old.name.as_ref());
                let (rule, message) =
                    check_replaced(table, name, old.check.as_deref(), detail.check.as_deref());
                found(rule, message);
            } else if let Some(old) = replaced.as_ref().filter(|_| unique) {
                if let Some(message) = unique_replaced(table, &old.columns, columns) {
                    match null_column {
                        Some(column) => {
                            found(&catalog::UNIQUE_ON_NEW_NULL_COLUMN, null_exempt(column))
                        }
                        None => found(&catalog::UNIQUE_MOVED, message),
                    }
                }
            } else if recreated && !context.new_table(table) && !on_new_columns {
                if *cascades {
                    found(
                        &catalog::REFERENTIAL_ACTION_RELAXED,
                        format!(
                            "the foreign key re-created on {table} cascades: deletes old code makes no longer fail"
                        ),
                    );
                } else {
                    found(
                        &catalog::REFERENTIAL_ACTION_RESTRICTS,
                        format!(
                            "the foreign key re-created on {table} restricts deletes (RESTRICT / NO ACTION) that a cascading one let old code make"
                        ),
                    );
                }
            } else if on_new_columns && !context.new_table(table) {
                found(
                    &catalog::CONSTRAINT_ON_NEW_COLUMN,
                    format!(
                        "the new {} constraint on {table} covers only {}, added in this release",
                        constraint_name(*kind),
                        columns.join(", ")
                    ),
                );
            } else if let Some(column) = null_column.filter(|_| !context.new_table(table)) {
                found(&catalog::UNIQUE_ON_NEW_NULL_COLUMN, null_exempt(column));
            } else if !context.new_table(table) {
                found(
                    &catalog::NEW_CONSTRAINT,
                    format!(
                        "new {} constraint on {table} rejects writes old code may make",
                        constraint_name(*kind)
                    ),
                );
            }
            if !context.new_table(table) {
                let scans = matches!(kind, ConstraintKind::Check | ConstraintKind::ForeignKey);
                if scans && !not_valid {
                    found(
                        &catalog::CONSTRAINT_VALIDATES,
                        format!(
                            "the new {} constraint on {table} scans it under lock",
                            constraint_name(*kind)
                        ),
                    );
                }
                let builds_index = matches!(
                    kind,
                    ConstraintKind::Unique | ConstraintKind::PrimaryKey | ConstraintKind::Exclusion
                );
                if builds_index && !using_index {
                    found(
                        &catalog::INDEX_NOT_CONCURRENT,
                        format!(
                            "the new {} constraint on {table} builds its index while blocking writes; build it CONCURRENTLY first and add the constraint USING INDEX",
                            constraint_name(*kind)
                        ),
                    );
                }
            }
            Class::Additive
        }
        Change::ValidateConstraint { .. } => Class::Neutral,
        Change::DropConstraint {
            table,
            kind,
            columns,
            detail,
        } => {
            let (kind, columns, check) = context.shapes.take(table, *kind, columns, detail);
            if matches!(kind, None | Some(ConstraintKind::ForeignKey)) {
                context.dropped_constraints.insert(table.clone());
            }
            context.dropped.push(Dropped {
                seq,
                table: table.clone(),
                kind,
                name: detail.name.clone(),
                columns,
                check,
            });
            Class::Additive
        }
        Change::CreateIndex {
            table,
            unique,
            concurrently,
            columns,
        } => {
            let old_table = !context.new_table(table);
            if !concurrently && old_table {
                found(
                    &catalog::INDEX_NOT_CONCURRENT,
                    format!("CREATE INDEX on {table} without CONCURRENTLY blocks writes to it"),
                );
            }
            let on_new_columns =
                !columns.is_empty() && columns.iter().all(|c| context.new_column(table, c));
            let replaced = (*unique && old_table && !on_new_columns)
                .then(|| {
                    let any = ConstraintDetail::default();
                    context.replaced(table, ConstraintKind::Unique, columns, &any)
                })
                .flatten();
            replaces = replaced.as_ref().map(|d| d.seq);
            if let Some(old) = &replaced {
                if let Some(message) = unique_replaced(table, &old.columns, columns) {
                    found(&catalog::UNIQUE_MOVED, message);
                }
            } else if *unique && old_table && on_new_columns {
                found(
                    &catalog::CONSTRAINT_ON_NEW_COLUMN,
                    format!(
                        "the new UNIQUE index on {table} covers only {}, added in this release",
                        columns.join(", ")
                    ),
                );
            } else if *unique && old_table {
                found(
                    &catalog::NEW_CONSTRAINT,
                    format!("new UNIQUE index on {table} rejects writes old code may make"),
                );
            }
            // A plain index changes no result, only speed: either side of the code will do.
            if *unique {
                Class::Additive
            } else {
                Class::Neutral
            }
        }
        Change::DropIndex {
            concurrently,
            unique,
        } => {
            if let Some(index) = unique {
                context.dropped.push(Dropped {
                    seq,
                    table: index.table.clone(),
                    kind: Some(ConstraintKind::Unique),
                    name: None,
                    columns: index.columns.clone(),
                    check: None,
                });
            }
            if !concurrently {
                found(
                    &catalog::DROP_INDEX_NOT_CONCURRENT,
                    "DROP INDEX without CONCURRENTLY takes an exclusive lock".to_owned(),
                );
            }
            Class::Neutral
        }
        Change::TableShape { .. } => Class::Neutral,
        Change::RebuildTable { table, shape } => {
            if let Some(old) = context
                .shapes
                .get(table)
                .filter(|_| !context.new_table(table))
            {
                for (rule, message) in rebuilt(table, old, shape) {
                    found(rule, message);
                }
            }
            // A new definition of a table old code uses: an expansion unless a finding says otherwise.
            Class::Additive
        }
        Change::CreateObject { name, .. } => {
            context.objects.insert(name.clone());
            Class::Additive
        }
        Change::DropObject { kind, name } => {
            if !context.objects.contains(name) {
                found(
                    &catalog::DROP_OBJECT,
                    format!(
                        "DROP {} {name}: old code may still use it",
                        object_name(*kind)
                    ),
                );
            }
            Class::Neutral
        }
        Change::AddEnumValue { .. } => Class::Additive,
        Change::RenameObject { kind, from, to } => {
            if !context.objects.contains(from) {
                found(
                    &catalog::RENAME_OBJECT,
                    format!(
                        "renaming {} {from} to {to}: old code uses {from}",
                        object_name(*kind)
                    ),
                );
            }
            Class::Neutral
        }
        Change::Truncate { table } => {
            if !context.new_table(table) {
                found(
                    &catalog::TRUNCATE,
                    format!("TRUNCATE {table}: every row old code reads is gone"),
                );
            }
            Class::Neutral
        }
        Change::DataChange {
            table,
            whole_table,
            columns,
        } => {
            let old_table = !context.new_table(table);
            if *whole_table && old_table {
                found(
                    &catalog::WHOLE_TABLE_DATA_CHANGE,
                    format!("UPDATE or DELETE of every row of {table} in one statement"),
                );
            }
            let old: Vec<&str> = columns
                .iter()
                .filter(|c| !context.new_column(table, c))
                .map(String::as_str)
                .collect();
            if old_table && columns.is_empty() {
                found(
                    &catalog::DATA_REWRITES_OLD_ROWS,
                    format!("DELETE from {table}: old code may still read these rows"),
                );
            } else if old_table && !old.is_empty() {
                found(
                    &catalog::DATA_REWRITES_OLD_ROWS,
                    format!(
                        "UPDATE of {table}.{} overwrites values old code reads",
                        old.join(", ")
                    ),
                );
            }
            Class::Data
        }
        Change::Data { what } => {
            if what != "INSERT" {
                found(
                    &catalog::DATA_MIGRATION,
                    format!("{what}: a data migration, order neutral"),
                );
            }
            Class::Data
        }
        Change::IgnoredReferences { table, column } => {
            found(
                &catalog::MYSQL_INLINE_REFERENCES,
                format!("MySQL makes no foreign key for REFERENCES on {table}.{column}"),
            );
            Class::Neutral
        }
        Change::NoDatabaseChange { what } => {
            found(
                &catalog::NO_DATABASE_CHANGE,
                format!("{what}: no SQL, nothing old code can notice"),
            );
            Class::Neutral
        }
        Change::Neutral { .. } => Class::Neutral,
        Change::Code { what } => {
            found(
                &catalog::ARBITRARY_CODE,
                format!("{what}: code in a migration cannot be judged"),
            );
            Class::Neutral
        }
        Change::Unparsed { reason } => {
            found(
                &catalog::UNPARSABLE,
                format!("cannot read this statement: {reason}"),
            );
            Class::Neutral
        }
    };
    if !matches!(change.item, Change::DropConstraint { .. }) {
        context.shapes.learn(&change.item);
    }
    Judgement {
        base,
        findings,
        seq,
        replaces,
    }
}

/// A CHECK replaced by another: does the new one admit every value the old one did?
fn check_replaced(
    table: &str,
    name: Option<&String>,
    old: Option<&str>,
    new: Option<&str>,
) -> (&'static Rule, String) {
    let name = name.map_or_else(|| format!("on {table}"), |n| format!("{n} on {table}"));
    match (old, new) {
        (Some(old), Some(new)) => match compare_checks(old, new) {
            CheckRelation::AdmitsAll => (
                &catalog::CHECK_RELAXED,
                format!(
                    "the CHECK {name} is replaced by one that admits every value it did: ({old}) → ({new})"
                ),
            ),
            CheckRelation::AdmitsFewer => (
                &catalog::CHECK_NARROWED,
                format!(
                    "the CHECK {name} is replaced by one that rejects values it admitted: ({old}) → ({new}); old code may still write them"
                ),
            ),
            CheckRelation::Unknown => (
                &catalog::CHECK_REPLACED,
                format!(
                    "the CHECK {name} is replaced: shipgate cannot tell whether ({new}) admits every value ({old}) did"
                ),
            ),
        },
        (None, _) => (
            &catalog::CHECK_REPLACED,
            format!(
                "the CHECK {name} is replaced: its old definition is not known here, so whether the new one admits every value it did cannot be told"
            ),
        ),
        (Some(old), None) => (
            &catalog::CHECK_REPLACED,
            format!(
                "the CHECK {name} ({old}) is replaced by one whose definition is not known here"
            ),
        ),
    }
}

/// A unique constraint or index added where one was dropped: on the same columns it is
/// re-created (nothing changes for old code); on others it moved.
fn unique_replaced(table: &str, old: &[String], new: &[String]) -> Option<String> {
    if !old.is_empty() && same(old, new) {
        return None;
    }
    let old = if old.is_empty() {
        "columns not known here".to_owned()
    } else {
        format!("({})", old.join(", "))
    };
    let new = if new.is_empty() {
        "columns not known here".to_owned()
    } else {
        format!("({})", new.join(", "))
    };
    Some(format!(
        "the UNIQUE on {table} moves from {old} to {new}: old code writes {new} without keeping it unique"
    ))
}

/// What a rebuilt table's new definition changes for old code, against the old one.
fn rebuilt(table: &str, old: &TableShape, new: &TableShape) -> Vec<(&'static Rule, String)> {
    let mut out = Vec::new();
    for fk in &new.foreign_keys {
        let columns = fk.columns.join(", ");
        let Some(before) = old
            .foreign_keys
            .iter()
            .find(|o| same(&o.columns, &fk.columns))
        else {
            out.push((
                &catalog::NEW_CONSTRAINT,
                format!("the rebuilt {table} gains a FOREIGN KEY on ({columns}) that rejects writes old code may make"),
            ));
            continue;
        };
        for (clause, was, now) in [
            ("ON DELETE", before.on_delete, fk.on_delete),
            ("ON UPDATE", before.on_update, fk.on_update),
        ] {
            if !was.restricts() && now.restricts() {
                out.push((
                    &catalog::REFERENTIAL_ACTION_RESTRICTS,
                    format!("the rebuilt {table}'s foreign key on ({columns}) goes from {clause} {was} to {clause} {now}: what old code relied on it for now fails"),
                ));
            } else if was.restricts() && !now.restricts() {
                out.push((
                    &catalog::REFERENTIAL_ACTION_RELAXED,
                    format!("the rebuilt {table}'s foreign key on ({columns}) goes from {clause} {was} to {clause} {now}"),
                ));
            }
        }
    }
    for check in &new.checks {
        let before = old.checks.iter().find(|o| {
            (o.name.is_some() && o.name == check.name) || same(&o.columns, &check.columns)
        });
        match before {
            Some(before) if before.expr == check.expr => {}
            Some(before) => out.push(check_replaced(
                table,
                check.name.as_ref(),
                Some(&before.expr),
                Some(&check.expr),
            )),
            None => out.push((
                &catalog::NEW_CONSTRAINT,
                format!(
                    "the rebuilt {table} gains CHECK ({}) that rejects writes old code may make",
                    check.expr
                ),
            )),
        }
    }
    for unique in &new.uniques {
        if old
            .uniques
            .iter()
            .any(|o| same(&o.columns, &unique.columns))
        {
            continue;
        }
        let gone = old
            .uniques
            .iter()
            .find(|o| !new.uniques.iter().any(|n| same(&n.columns, &o.columns)));
        match gone {
            Some(gone) => out.extend(
                unique_replaced(table, &gone.columns, &unique.columns)
                    .map(|m| (&catalog::UNIQUE_MOVED, m)),
            ),
            None => out.push((
                &catalog::NEW_CONSTRAINT,
                format!(
                    "the rebuilt {table} gains UNIQUE ({}) that rejects writes old code may make",
                    unique.columns.join(", ")
                ),
            )),
        }
    }
    out
}

fn object_name(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::View => "VIEW",
        ObjectKind::Function => "FUNCTION",
        ObjectKind::Type => "TYPE",
        ObjectKind::Schema => "SCHEMA",
        ObjectKind::Sequence => "SEQUENCE",
        ObjectKind::Trigger => "TRIGGER",
        ObjectKind::Extension => "EXTENSION",
        ObjectKind::Other => "object",
    }
}

fn constraint_name(kind: ConstraintKind) -> &'static str {
    match kind {
        ConstraintKind::Unique => "UNIQUE",
        ConstraintKind::Check => "CHECK",
        ConstraintKind::ForeignKey => "FOREIGN KEY",
        ConstraintKind::PrimaryKey => "PRIMARY KEY",
        ConstraintKind::Exclusion => "EXCLUDE",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::model::{ColumnType, Position};

    fn at(line: usize, item: Change) -> Located<Change> {
        Located {
            at: Position::new(line, 1),
            item,
        }
    }

    fn codes(changes: Vec<Change>) -> Vec<(Class, Vec<&'static str>)> {
        let mut context = ReleaseContext::default();
        changes
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let j = judge(&at(i + 1, c), &mut context);
                let class = j.findings.iter().map(|f| f.class).fold(j.base, Class::max);
                (class, j.findings.iter().map(|f| f.rule).collect())
            })
            .collect()
    }

    fn t(s: &str) -> String {
        s.to_owned()
    }

    fn ty(name: &str, args: &[u64]) -> ColumnType {
        ColumnType {
            name: t(name),
            args: args.to_vec(),
        }
    }

    #[test]
    fn destructive_changes_to_existing_objects() {
        let verdicts = codes(vec![
            Change::DropTable { table: t("a") },
            Change::DropColumn {
                table: t("a"),
                column: t("c"),
            },
            Change::RenameColumn {
                table: t("a"),
                from: t("c"),
                to: t("d"),
            },
            Change::RenameTable {
                from: t("a"),
                to: t("b"),
            },
            Change::SetNotNull {
                table: t("a"),
                column: t("c"),
            },
            Change::DropDefault {
                table: t("a"),
                column: t("c"),
            },
            Change::Truncate { table: t("a") },
            Change::DropObject {
                kind: ObjectKind::View,
                name: t("v"),
            },
        ]);
        let expected = [
            "SG101", "SG102", "SG104", "SG103", "SG106", "SG109", "SG110", "SG111",
        ];
        for ((class, rules), code) in verdicts.iter().zip(expected) {
            assert_eq!(*class, Class::Destructive, "{code}");
            assert_eq!(rules, &vec![code]);
        }
    }

    #[test]
    fn objects_created_in_the_release_are_exempt() {
        let verdicts = codes(vec![
            Change::CreateTable { table: t("new") },
            Change::CreateIndex {
                table: t("new"),
                unique: false,
                concurrently: false,
                columns: Vec::new(),
            },
            Change::DropColumn {
                table: t("new"),
                column: t("c"),
            },
            Change::SetNotNull {
                table: t("new"),
                column: t("c"),
            },
            Change::AddColumn {
                table: t("old"),
                column: t("x"),
                not_null: false,
                has_default: false,
                volatile_default: false,
                default_dropped: false,
            },
            Change::RenameColumn {
                table: t("old"),
                from: t("x"),
                to: t("y"),
            },
            Change::DropColumn {
                table: t("old"),
                column: t("y"),
            },
            Change::DropTable { table: t("new") },
        ]);
        assert_eq!(verdicts[0], (Class::Additive, vec![]));
        assert_eq!(verdicts[1], (Class::Neutral, vec![]), "a plain index");
        for verdict in &verdicts[2..] {
            assert!(verdict.1.is_empty(), "{verdicts:?}");
            assert_ne!(verdict.0, Class::Destructive);
        }
    }

    #[test]
    fn add_column_rules() {
        let add = |not_null, has_default, volatile_default| Change::AddColumn {
            table: t("users"),
            column: t("c"),
            not_null,
            has_default,
            volatile_default,
            default_dropped: false,
        };
        let v = codes(vec![
            add(false, false, false),
            add(true, false, false),
            add(true, true, false),
            add(false, true, true),
        ]);
        assert_eq!(v[0], (Class::Additive, vec![]));
        assert_eq!(v[1], (Class::Destructive, vec!["SG107"]));
        assert_eq!(v[2], (Class::Additive, vec![]));
        assert_eq!(v[3], (Class::Additive, vec!["SG205"]));
    }

    #[test]
    fn type_changes() {
        let alter = |from: Option<ColumnType>, to: ColumnType| Change::AlterColumnType {
            table: t("a"),
            column: t("c"),
            from,
            to,
        };
        let v = codes(vec![
            alter(Some(ty("varchar", &[50])), ty("varchar", &[100])),
            alter(Some(ty("integer", &[])), ty("bigint", &[])),
            alter(Some(ty("varchar", &[100])), ty("varchar", &[50])),
            alter(None, ty("bigint", &[])),
        ]);
        assert_eq!(v[0], (Class::Additive, vec![]));
        assert_eq!(v[1], (Class::Additive, vec!["SG204"]));
        assert_eq!(v[2], (Class::Destructive, vec!["SG105", "SG204"]));
        assert_eq!(v[3], (Class::Destructive, vec!["SG112", "SG204"]));
    }

    #[test]
    fn constraints_and_indexes() {
        let add = |kind, not_valid, using_index| Change::AddConstraint {
            table: t("a"),
            kind,
            not_valid,
            using_index,
            columns: Vec::new(),
            cascades: false,
            detail: Default::default(),
        };
        let v = codes(vec![
            add(ConstraintKind::ForeignKey, false, false),
            add(ConstraintKind::ForeignKey, true, false),
            add(ConstraintKind::Unique, false, true),
            add(ConstraintKind::Unique, false, false),
            Change::DropConstraint {
                table: t("a"),
                kind: Some(ConstraintKind::Check),
                columns: Vec::new(),
                detail: Default::default(),
            },
            Change::DropNotNull {
                table: t("a"),
                column: t("c"),
            },
            Change::CreateIndex {
                table: t("a"),
                unique: false,
                concurrently: true,
                columns: Vec::new(),
            },
            Change::CreateIndex {
                table: t("a"),
                unique: false,
                concurrently: false,
                columns: Vec::new(),
            },
            Change::DropIndex {
                concurrently: false,
                unique: None,
            },
        ]);
        assert_eq!(v[0], (Class::Destructive, vec!["SG108", "SG203"]));
        assert_eq!(
            v[1],
            (Class::Destructive, vec!["SG108"]),
            "NOT VALID still restricts new writes"
        );
        assert_eq!(v[2], (Class::Destructive, vec!["SG108"]));
        assert_eq!(v[3], (Class::Destructive, vec!["SG108", "SG201"]));
        assert_eq!(v[4], (Class::Additive, vec![]), "relaxation");
        assert_eq!(v[5], (Class::Additive, vec![]), "relaxation");
        assert_eq!(
            v[6],
            (Class::Neutral, vec![]),
            "a plain index changes no result"
        );
        assert_eq!(v[7], (Class::Neutral, vec!["SG201"]));
        assert_eq!(v[8], (Class::Neutral, vec!["SG202"]));
    }

    fn column(table: &str, name: &str) -> Change {
        Change::AddColumn {
            table: t(table),
            column: t(name),
            not_null: false,
            has_default: false,
            volatile_default: false,
            default_dropped: false,
        }
    }

    #[test]
    fn constraints_on_columns_added_in_the_release_are_additive() {
        let constraint = |kind, columns: &[&str]| Change::AddConstraint {
            table: t("orders"),
            kind,
            not_valid: true,
            using_index: false,
            columns: columns.iter().map(|c| t(c)).collect(),
            cascades: false,
            detail: Default::default(),
        };
        let unique_index = |columns: &[&str]| Change::CreateIndex {
            table: t("orders"),
            unique: true,
            concurrently: true,
            columns: columns.iter().map(|c| t(c)).collect(),
        };
        let v = codes(vec![
            column("orders", "coupon_id"),
            constraint(ConstraintKind::ForeignKey, &["coupon_id"]),
            constraint(ConstraintKind::Check, &["coupon_id"]),
            unique_index(&["coupon_id"]),
            constraint(ConstraintKind::Unique, &["coupon_id", "user_id"]),
            unique_index(&["user_id"]),
            constraint(ConstraintKind::Check, &[]),
        ]);
        assert_eq!(v[1], (Class::Additive, vec!["SG120"]));
        assert_eq!(v[2], (Class::Additive, vec!["SG120"]));
        assert_eq!(v[3], (Class::Additive, vec!["SG120"]));
        assert_eq!(
            v[4],
            (Class::Additive, vec!["SG128", "SG201"]),
            "user_id is old, but old code leaves coupon_id NULL: its keys never conflict"
        );
        assert_eq!(v[5], (Class::Destructive, vec!["SG108"]));
        assert_eq!(v[6], (Class::Destructive, vec!["SG108"]), "columns unknown");
    }

    #[test]
    fn recreated_foreign_keys_are_judged_by_their_action() {
        let fk = |cascades| Change::AddConstraint {
            table: t("posts"),
            kind: ConstraintKind::ForeignKey,
            not_valid: false,
            using_index: false,
            columns: vec![t("user_id")],
            cascades,
            detail: ConstraintDetail::default(),
        };
        let drop = || Change::DropConstraint {
            table: t("posts"),
            kind: None,
            columns: Vec::new(),
            detail: Default::default(),
        };
        let v = codes(vec![drop(), fk(false)]);
        assert_eq!(v[1].0, Class::Destructive);
        assert_eq!(
            v[1].1[0], "SG115",
            "CASCADE → RESTRICT restricts old code's deletes"
        );
        let v = codes(vec![drop(), fk(true)]);
        assert_eq!(v[1].0, Class::Additive, "{v:?}");
        assert_eq!(v[1].1[0], "SG123", "RESTRICT → CASCADE relaxes");
        let v = codes(vec![fk(true)]);
        assert_eq!(v[0].1[0], "SG108", "a new foreign key, nothing re-created");
    }

    #[test]
    fn django_default_dropped_after_the_column_is_added() {
        let add = |default_dropped| Change::AddColumn {
            table: t("shop_order"),
            column: t("total"),
            not_null: true,
            has_default: true,
            volatile_default: false,
            default_dropped,
        };
        let v = codes(vec![add(true), add(false)]);
        assert_eq!(v[0], (Class::Destructive, vec!["SG116"]));
        assert_eq!(
            v[1],
            (Class::Additive, vec![]),
            "the database default stays"
        );
    }

    #[test]
    fn no_database_change_and_ignored_references_are_neutral() {
        let v = codes(vec![
            Change::NoDatabaseChange {
                what: t("AlterField of shop_order.status"),
            },
            Change::IgnoredReferences {
                table: t("orders"),
                column: t("user_id"),
            },
        ]);
        assert_eq!(v[0], (Class::Neutral, vec!["SG122"]));
        assert_eq!(v[1], (Class::Neutral, vec!["SG117"]));
    }

    #[test]
    fn enum_values_added_are_additive_and_renames_destructive() {
        let v = codes(vec![
            Change::AddEnumValue { name: t("mood") },
            Change::RenameObject {
                kind: ObjectKind::Type,
                from: t("mood.sad"),
                to: t("mood.blue"),
            },
            Change::CreateObject {
                kind: ObjectKind::Type,
                name: t("fresh"),
            },
            Change::RenameObject {
                kind: ObjectKind::Type,
                from: t("fresh"),
                to: t("new"),
            },
        ]);
        assert_eq!(v[0], (Class::Additive, vec![]));
        assert_eq!(v[1], (Class::Destructive, vec!["SG113"]));
        assert_eq!(
            v[3],
            (Class::Neutral, vec![]),
            "a type created in this release"
        );
    }

    #[test]
    fn data_code_and_unparsed() {
        let v = codes(vec![
            Change::DataChange {
                table: t("a"),
                whole_table: true,
                columns: Vec::new(),
            },
            Change::DataChange {
                table: t("a"),
                whole_table: false,
                columns: vec![t("c")],
            },
            Change::Data { what: t("INSERT") },
            Change::Code { what: t("a block") },
            Change::Unparsed {
                reason: t("syntax error"),
            },
            Change::Data {
                what: t("RunPython"),
            },
            column("a", "fresh"),
            Change::DataChange {
                table: t("a"),
                whole_table: false,
                columns: vec![t("fresh")],
            },
        ]);
        assert_eq!(
            v[0],
            (Class::Data, vec!["SG206", "SG114"]),
            "DELETE of every row"
        );
        assert_eq!(
            v[1],
            (Class::Data, vec!["SG114"]),
            "overwrites a column old code reads"
        );
        assert_eq!(v[2], (Class::Data, vec![]));
        assert_eq!(v[3], (Class::Unknown, vec!["SG303"]));
        assert_eq!(v[4], (Class::Unknown, vec!["SG302"]));
        assert_eq!(v[5], (Class::Data, vec!["SG121"]));
        assert_eq!(
            v[7],
            (Class::Data, vec![]),
            "a backfill of a column added in the release"
        );
    }
}
