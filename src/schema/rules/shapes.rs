//! What is known of tables' constraints — from `CREATE TABLE`, constraints added and dropped,
//! in earlier migrations (replayed) and earlier in the release — and the constraints the release
//! dropped, so that one added in a dropped one's place is judged as its replacement.
use std::collections::HashMap;

use crate::schema::model::{
    Change, Check, ConstraintDetail, ConstraintKind, ForeignKey, ReferentialAction, TableShape,
    Unique,
};

/// A constraint dropped in the release, as far as it is known.
#[derive(Debug, Clone)]
pub(super) struct Dropped {
    /// The sequence number of the change that dropped it.
    pub seq: usize,
    pub table: String,
    pub kind: Option<ConstraintKind>,
    pub name: Option<String>,
    /// The columns it covered (empty: unknown).
    pub columns: Vec<String>,
    /// A CHECK's expression, when known.
    pub check: Option<String>,
}

/// Tables' constraints as far as migrations read so far declare them.
#[derive(Debug, Default, Clone)]
pub struct Shapes {
    tables: HashMap<String, TableShape>,
}

impl Shapes {
    /// The known shape of `table`.
    pub fn get(&self, table: &str) -> Option<&TableShape> {
        self.tables.get(table)
    }

    /// Update the shapes with what `change` does.
    pub fn learn(&mut self, change: &Change) {
        match change {
            Change::TableShape { table, shape } | Change::RebuildTable { table, shape } => {
                self.tables.insert(table.clone(), shape.clone());
            }
            Change::DropTable { table } => {
                self.tables.remove(table);
            }
            Change::RenameTable { from, to } => {
                if let Some(shape) = self.tables.remove(from) {
                    self.tables.insert(to.clone(), shape);
                }
            }
            Change::AddConstraint {
                table,
                kind,
                columns,
                cascades,
                detail,
                ..
            } => {
                let shape = self.tables.entry(table.clone()).or_default();
                match kind {
                    ConstraintKind::Check => {
                        if let Some(expr) = &detail.check {
                            shape.checks.push(Check {
                                name: detail.name.clone(),
                                expr: expr.clone(),
                                columns: columns.clone(),
                            });
                        }
                    }
                    ConstraintKind::Unique | ConstraintKind::PrimaryKey => {
                        shape.uniques.push(Unique {
                            name: detail.name.clone(),
                            columns: columns.clone(),
                        });
                    }
                    ConstraintKind::ForeignKey => shape.foreign_keys.push(ForeignKey {
                        name: detail.name.clone(),
                        columns: columns.clone(),
                        references: String::new(),
                        on_delete: if *cascades {
                            ReferentialAction::Cascade
                        } else {
                            ReferentialAction::NoAction
                        },
                        on_update: ReferentialAction::NoAction,
                    }),
                    ConstraintKind::Exclusion => {}
                }
            }
            Change::DropConstraint {
                table,
                kind,
                columns,
                detail,
            } => {
                self.take(table, *kind, columns, detail);
            }
            _ => {}
        }
    }

    /// Remove the constraint a `DROP CONSTRAINT` names from `table`'s shape and say what it was.
    pub(super) fn take(
        &mut self,
        table: &str,
        kind: Option<ConstraintKind>,
        columns: &[String],
        detail: &ConstraintDetail,
    ) -> (Option<ConstraintKind>, Vec<String>, Option<String>) {
        let mut out = (kind, columns.to_vec(), detail.check.clone());
        let Some(shape) = self.tables.get_mut(table) else {
            return out;
        };
        let named = |name: &Option<String>| name.is_some() && *name == detail.name;
        let by_columns =
            |c: &[String]| detail.name.is_none() && !columns.is_empty() && same(c, columns);
        let check_kind = matches!(kind, None | Some(ConstraintKind::Check));
        if let Some(at) = shape
            .checks
            .iter()
            .position(|c| check_kind && (named(&c.name) || by_columns(&c.columns)))
        {
            let check = shape.checks.remove(at);
            out = (Some(ConstraintKind::Check), check.columns, Some(check.expr));
        } else if let Some(at) = shape.uniques.iter().position(|u| {
            matches!(kind, None | Some(ConstraintKind::Unique))
                && (named(&u.name) || by_columns(&u.columns))
        }) {
            let unique = shape.uniques.remove(at);
            out = (Some(ConstraintKind::Unique), unique.columns, None);
        } else if let Some(at) = shape.foreign_keys.iter().position(|f| {
            matches!(kind, None | Some(ConstraintKind::ForeignKey))
                && (named(&f.name) || by_columns(&f.columns))
        }) {
            let fk = shape.foreign_keys.remove(at);
            out = (Some(ConstraintKind::ForeignKey), fk.columns, None);
        }
        out
    }
}

/// Whether two column lists name the same columns (in any order).
pub(super) fn same(a: &[String], b: &[String]) -> bool {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort();
    b.sort();
    a == b
}
