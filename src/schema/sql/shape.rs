//! The constraints a table's definition declares ([`TableShape`]), and the names PostgreSQL
//! gives the ones left unnamed, so that a later `DROP CONSTRAINT <name>` finds them.
use sqlparser::ast::{
    ColumnOption, CreateTable, Ident, ReferentialAction as Action, TableConstraint,
};

use super::alter::expression_names;
use super::names;
use crate::schema::model::{ForeignKey, ReferentialAction, TableShape, Unique};

/// The shape `CREATE TABLE` declares: column and table constraints alike.
pub(super) fn of_create(create: &CreateTable, mysql: bool) -> TableShape {
    let table = names::object(&create.name);
    let mut shape = TableShape::default();
    for column in &create.columns {
        let name = names::ident(&column.name);
        for option in &column.options {
            let constraint = match &option.option {
                ColumnOption::ForeignKey(fk) if !mysql => {
                    TableConstraint::ForeignKey(sqlparser::ast::ForeignKeyConstraint {
                        columns: vec![column.name.clone()],
                        name: fk.name.clone().or_else(|| option.name.clone()),
                        ..fk.clone()
                    })
                }
                ColumnOption::Check(check) => {
                    let mut check = check.clone();
                    check.name = check.name.or_else(|| option.name.clone());
                    add_check(&mut shape, &table, &check, Some(&name), mysql);
                    continue;
                }
                ColumnOption::Unique(unique) => {
                    shape.uniques.push(Unique {
                        name: ident(unique.name.as_ref().or(option.name.as_ref()))
                            .or_else(|| derived(&table, Some(&name), "key", mysql)),
                        columns: vec![name.clone()],
                    });
                    continue;
                }
                ColumnOption::PrimaryKey(_) => {
                    shape.uniques.push(Unique {
                        name: derived(&table, None, "pkey", mysql),
                        columns: vec![name.clone()],
                    });
                    continue;
                }
                _ => continue,
            };
            add(&mut shape, &table, &constraint, mysql);
        }
    }
    for constraint in &create.constraints {
        add(&mut shape, &table, constraint, mysql);
    }
    shape
}

/// Record `constraint` (declared on `table`) in `shape`.
pub(super) fn add(shape: &mut TableShape, table: &str, constraint: &TableConstraint, mysql: bool) {
    match constraint {
        TableConstraint::ForeignKey(fk) => {
            let columns: Vec<String> = fk.columns.iter().map(names::ident).collect();
            shape.foreign_keys.push(ForeignKey {
                name: ident(fk.name.as_ref())
                    .or_else(|| derived(table, columns.first().map(String::as_str), "fkey", mysql)),
                columns,
                references: names::object(&fk.foreign_table),
                on_delete: action(fk.on_delete),
                on_update: action(fk.on_update),
            });
        }
        TableConstraint::Check(check) => add_check(shape, table, check, None, mysql),
        TableConstraint::Unique(unique) => {
            let columns = index_columns(&unique.columns);
            shape.uniques.push(Unique {
                name: ident(unique.name.as_ref())
                    .or_else(|| derived(table, columns.first().map(String::as_str), "key", mysql)),
                columns,
            });
        }
        TableConstraint::PrimaryKey(primary) => shape.uniques.push(Unique {
            name: ident(primary.name.as_ref()).or_else(|| derived(table, None, "pkey", mysql)),
            columns: index_columns(&primary.columns),
        }),
        _ => {}
    }
}

fn add_check(
    shape: &mut TableShape,
    table: &str,
    check: &sqlparser::ast::CheckConstraint,
    column: Option<&str>,
    mysql: bool,
) {
    let expr = check.expr.to_string();
    let columns = expression_names(&expr);
    let first = column.or(columns.first().map(String::as_str));
    shape.checks.push(crate::schema::model::Check {
        name: ident(check.name.as_ref()).or_else(|| derived(table, first, "check", mysql)),
        expr,
        columns,
    });
}

/// PostgreSQL's name for an unnamed constraint: `<table>_<column>_<suffix>` (`<table>_pkey`).
/// MySQL numbers its own (`<table>_chk_1`): no name is derived for it.
fn derived(table: &str, column: Option<&str>, suffix: &str, mysql: bool) -> Option<String> {
    if mysql {
        return None;
    }
    let table = table.rsplit('.').next().unwrap_or(table);
    Some(match column {
        Some(column) => format!("{table}_{column}_{suffix}"),
        None => format!("{table}_{suffix}"),
    })
}

fn ident(name: Option<&Ident>) -> Option<String> {
    name.map(names::ident)
}

fn index_columns(columns: &[sqlparser::ast::IndexColumn]) -> Vec<String> {
    columns
        .iter()
        .flat_map(|c| expression_names(&c.column.expr.to_string()))
        .collect()
}

/// The model's action for sqlparser's (none written: `NO ACTION`).
pub(super) fn action(action: Option<Action>) -> ReferentialAction {
    match action {
        None | Some(Action::NoAction) => ReferentialAction::NoAction,
        Some(Action::Restrict) => ReferentialAction::Restrict,
        Some(Action::Cascade) => ReferentialAction::Cascade,
        Some(Action::SetNull) => ReferentialAction::SetNull,
        Some(Action::SetDefault) => ReferentialAction::SetDefault,
    }
}
