//! `ALTER TABLE`: one change per operation.
use sqlparser::ast::{
    AlterColumnOperation, AlterTable, AlterTableAlgorithm, AlterTableLock, AlterTableOperation,
    Ident, RenameTableNameKind, Spanned, TableConstraint,
};
use sqlparser::tokenizer::Location;

use super::{columns, names, not_understood, shape, types};
use crate::schema::model::{Change, ConstraintDetail, ConstraintKind, TableShape};

/// The changes of `alter`, each with its operation's location when sqlparser knows it.
pub(super) fn alter_table(alter: &AlterTable, mysql: bool) -> Vec<(Option<Location>, Change)> {
    let table = names::object(&alter.name);
    let online = is_online(&alter.operations);
    let mut out = Vec::new();
    for op in &alter.operations {
        let start = op.span().start;
        let at = (start.line > 0).then_some(start);
        for change in operation(&table, op, online, mysql) {
            out.push((at, change));
        }
    }
    out
}

/// MySQL's `LOCK=NONE` (with `ALGORITHM=INPLACE` / `INSTANT` or none): no lock on writes.
pub(super) fn is_online(operations: &[AlterTableOperation]) -> bool {
    let mut lock_none = false;
    let mut copy = false;
    for op in operations {
        match op {
            AlterTableOperation::Lock { lock, .. } => lock_none = *lock == AlterTableLock::None,
            AlterTableOperation::Algorithm { algorithm, .. } => {
                copy = *algorithm == AlterTableAlgorithm::Copy;
            }
            _ => {}
        }
    }
    lock_none && !copy
}

fn operation(table: &str, op: &AlterTableOperation, online: bool, mysql: bool) -> Vec<Change> {
    let table_owned = || table.to_owned();
    let column = |ident: &Ident| (table.to_owned(), names::ident(ident));
    match op {
        AlterTableOperation::AddColumn { column_def, .. } => {
            columns::add_column(table, column_def, mysql)
        }
        AlterTableOperation::AddConstraint {
            constraint,
            not_valid,
        } => vec![add_constraint(table, constraint, *not_valid, online, mysql)],
        AlterTableOperation::DropConstraint { name, .. } => vec![Change::DropConstraint {
            table: table_owned(),
            kind: None,
            columns: Vec::new(),
            detail: ConstraintDetail {
                name: Some(names::ident(name)),
                check: None,
                ..Default::default()
            },
        }],
        AlterTableOperation::DropPrimaryKey { .. } => vec![Change::DropConstraint {
            table: table_owned(),
            kind: Some(ConstraintKind::PrimaryKey),
            columns: Vec::new(),
            detail: ConstraintDetail::default(),
        }],
        AlterTableOperation::DropForeignKey { name, .. } => vec![Change::DropConstraint {
            table: table_owned(),
            kind: Some(ConstraintKind::ForeignKey),
            columns: Vec::new(),
            detail: ConstraintDetail {
                name: Some(names::ident(name)),
                check: None,
                ..Default::default()
            },
        }],
        AlterTableOperation::DropIndex { .. } => vec![Change::DropIndex {
            concurrently: online,
            unique: None,
        }],
        AlterTableOperation::DropColumn { column_names, .. } => column_names
            .iter()
            .map(|name| {
                let (table, column) = column(name);
                Change::DropColumn { table, column }
            })
            .collect(),
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => vec![Change::RenameColumn {
            table: table_owned(),
            from: names::ident(old_column_name),
            to: names::ident(new_column_name),
        }],
        AlterTableOperation::RenameTable { table_name } => {
            let (RenameTableNameKind::As(to) | RenameTableNameKind::To(to)) = table_name;
            vec![Change::RenameTable {
                from: table_owned(),
                to: names::object(to),
            }]
        }
        AlterTableOperation::ChangeColumn {
            old_name,
            new_name,
            data_type,
            ..
        } => {
            let mut out = Vec::new();
            let (from, to) = (names::ident(old_name), names::ident(new_name));
            if from != to {
                out.push(Change::RenameColumn {
                    table: table_owned(),
                    from,
                    to: to.clone(),
                });
            }
            out.push(Change::AlterColumnType {
                table: table_owned(),
                column: to,
                from: None,
                to: types::column_type(data_type),
            });
            out
        }
        AlterTableOperation::ModifyColumn {
            col_name,
            data_type,
            ..
        } => vec![Change::AlterColumnType {
            table: table_owned(),
            column: names::ident(col_name),
            from: None,
            to: types::column_type(data_type),
        }],
        AlterTableOperation::AlterColumn { column_name, op } => {
            let (table, column) = column(column_name);
            vec![alter_column(table, column, op)]
        }
        AlterTableOperation::ValidateConstraint { .. } => {
            vec![Change::ValidateConstraint {
                table: table_owned(),
            }]
        }
        AlterTableOperation::RenameConstraint { .. } => vec![Change::Neutral {
            what: "RENAME CONSTRAINT".to_owned(),
        }],
        AlterTableOperation::OwnerTo { .. } => vec![Change::Neutral {
            what: "OWNER TO".to_owned(),
        }],
        // Modifiers of the other operations, read by `is_online`.
        AlterTableOperation::Algorithm { .. } | AlterTableOperation::Lock { .. } => Vec::new(),
        other => {
            let text = other.to_string();
            let what: Vec<&str> = text.split_whitespace().take(2).collect();
            vec![not_understood(&format!(
                "ALTER TABLE .. {}",
                what.join(" ")
            ))]
        }
    }
}

fn alter_column(table: String, column: String, op: &AlterColumnOperation) -> Change {
    match op {
        AlterColumnOperation::SetNotNull => Change::SetNotNull { table, column },
        AlterColumnOperation::DropNotNull => Change::DropNotNull { table, column },
        AlterColumnOperation::SetDefault { .. } => Change::SetDefault { table, column },
        AlterColumnOperation::DropDefault => Change::DropDefault { table, column },
        AlterColumnOperation::SetDataType { data_type, .. } => Change::AlterColumnType {
            table,
            column,
            from: None,
            to: types::column_type(data_type),
        },
        AlterColumnOperation::AddGenerated { .. } => {
            not_understood("ALTER COLUMN .. ADD GENERATED")
        }
        AlterColumnOperation::GenericOptions { .. } => not_understood("ALTER COLUMN .. OPTIONS"),
    }
}

fn add_constraint(
    table: &str,
    constraint: &TableConstraint,
    not_valid: bool,
    online: bool,
    mysql: bool,
) -> Change {
    let (kind, using_index) = match constraint {
        TableConstraint::Unique(_) => (ConstraintKind::Unique, false),
        TableConstraint::PrimaryKey(_) => (ConstraintKind::PrimaryKey, false),
        TableConstraint::ForeignKey(_) => (ConstraintKind::ForeignKey, false),
        TableConstraint::Check(_) => (ConstraintKind::Check, false),
        TableConstraint::PrimaryKeyUsingIndex(_) => (ConstraintKind::PrimaryKey, true),
        TableConstraint::UniqueUsingIndex(_) => (ConstraintKind::Unique, true),
        TableConstraint::Exclude(_) => (ConstraintKind::Exclusion, false),
        // MySQL `ADD INDEX` / `ADD FULLTEXT` / `ADD SPATIAL`: an index, not a constraint.
        TableConstraint::Index(index) => {
            return Change::CreateIndex {
                table: table.to_owned(),
                unique: false,
                concurrently: online,
                columns: index
                    .columns
                    .iter()
                    .flat_map(|c| expression_names(&c.column.expr.to_string()))
                    .collect(),
            };
        }
        TableConstraint::FulltextOrSpatial(_) => {
            return Change::CreateIndex {
                table: table.to_owned(),
                unique: false,
                concurrently: online,
                columns: Vec::new(),
            };
        }
    };
    Change::AddConstraint {
        table: table.to_owned(),
        kind,
        not_valid,
        using_index,
        columns: constraint_columns(constraint),
        cascades: match constraint {
            TableConstraint::ForeignKey(foreign) => cascades(foreign.on_delete),
            _ => false,
        },
        detail: detail(table, constraint, mysql),
    }
}

/// The name of an added constraint (as given, or as PostgreSQL names it) and a CHECK's expression.
fn detail(table: &str, constraint: &TableConstraint, mysql: bool) -> ConstraintDetail {
    let mut shape = TableShape::default();
    shape::add(&mut shape, table, constraint, mysql);
    let name = match constraint {
        TableConstraint::UniqueUsingIndex(c) | TableConstraint::PrimaryKeyUsingIndex(c) => {
            Some(names::ident(c.name.as_ref().unwrap_or(&c.index_name)))
        }
        _ => shape
            .checks
            .first()
            .and_then(|c| c.name.clone())
            .or_else(|| shape.foreign_keys.first().and_then(|f| f.name.clone()))
            .or_else(|| shape.uniques.first().and_then(|u| u.name.clone())),
    };
    ConstraintDetail {
        name,
        check: shape.checks.into_iter().next().map(|c| c.expr),
        nulls_not_distinct: matches!(
            constraint,
            TableConstraint::Unique(u) if u.nulls_distinct == sqlparser::ast::NullsDistinctOption::NotDistinct
        ),
    }
}

/// `ON DELETE CASCADE`, `SET NULL` or `SET DEFAULT`: deleting a referenced row never fails.
pub(super) fn cascades(on_delete: Option<sqlparser::ast::ReferentialAction>) -> bool {
    use sqlparser::ast::ReferentialAction;
    matches!(
        on_delete,
        Some(
            ReferentialAction::Cascade | ReferentialAction::SetNull | ReferentialAction::SetDefault
        )
    )
}

/// The columns a constraint covers; for a `CHECK`, the names its expression reads.
fn constraint_columns(constraint: &TableConstraint) -> Vec<String> {
    let index_columns = |columns: &[sqlparser::ast::IndexColumn]| -> Vec<String> {
        columns
            .iter()
            .map(|c| expression_names(&c.column.expr.to_string()))
            .collect::<Vec<_>>()
            .concat()
    };
    match constraint {
        TableConstraint::Unique(unique) => index_columns(&unique.columns),
        TableConstraint::PrimaryKey(primary) => index_columns(&primary.columns),
        TableConstraint::ForeignKey(foreign) => foreign.columns.iter().map(names::ident).collect(),
        TableConstraint::Check(check) => expression_names(&check.expr.to_string()),
        _ => Vec::new(),
    }
}

/// Words in an SQL expression that name columns: not keywords, literals or called functions.
pub fn expression_names(expr: &str) -> Vec<String> {
    const NOT_NAMES: &[&str] = &[
        "and", "or", "not", "is", "null", "true", "false", "in", "like", "ilike", "between",
        "case", "when", "then", "else", "end", "any", "all", "some", "similar", "to", "escape",
        "distinct", "from", "array", "interval", "collate", "cast", "as",
    ];
    let mut out: Vec<String> = Vec::new();
    let mut rest = expr;
    while let Some(start) =
        rest.find(|c: char| c.is_alphabetic() || c == '_' || c == '"' || c == '\'')
    {
        let tail = &rest[start..];
        if let Some(quoted) = tail.strip_prefix('\'') {
            // A string literal: skip it.
            rest = quoted.find('\'').map_or("", |end| &quoted[end + 1..]);
            continue;
        }
        let (word, after, quoted) = match tail.strip_prefix('"') {
            Some(q) => match q.find('"') {
                Some(end) => (q[..end].to_owned(), &q[end + 1..], true),
                None => break,
            },
            None => {
                let end = tail
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(tail.len());
                (tail[..end].to_lowercase(), &tail[end..], false)
            }
        };
        let preceded_by_cast = rest[..start].trim_end().ends_with("::");
        let called = after.trim_start().starts_with('(');
        let qualified = after.starts_with('.');
        if !called
            && !qualified
            && !preceded_by_cast
            && (quoted || !NOT_NAMES.contains(&word.as_str()))
            && !out.contains(&word)
        {
            out.push(word);
        }
        rest = after;
    }
    out
}
