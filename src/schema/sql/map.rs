//! A parsed statement → the changes it makes.
use sqlparser::ast::{
    AlterTypeOperation, AssignmentTarget, FromTable, ObjectName, ObjectType, SchemaName, Statement,
};
use sqlparser::tokenizer::Location;

use super::{alter, names, not_understood, shape};
use crate::schema::model::{Change, ObjectKind, TableShape};

/// What the token-level prelude found that sqlparser does not keep.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Hints<'a> {
    /// `DROP INDEX CONCURRENTLY` (the keyword is removed before parsing).
    pub drop_index_concurrently: bool,
    /// The statement's first keywords (`ALTER TYPE`), to name what is not understood.
    pub lead: &'a str,
    /// Read as MySQL, which ignores `REFERENCES` in column definitions.
    pub mysql: bool,
}

/// The changes of one statement, each with a location when it differs from the statement's.
pub(super) fn changes(statement: &Statement, hints: Hints<'_>) -> Vec<(Option<Location>, Change)> {
    if let Statement::AlterTable(alter) = statement {
        let changes = alter::alter_table(alter, hints.mysql);
        if changes.is_empty() {
            return vec![(None, neutral("ALTER TABLE"))];
        }
        return changes;
    }
    let changes = plain(statement, hints);
    changes.into_iter().map(|change| (None, change)).collect()
}

fn plain(statement: &Statement, hints: Hints<'_>) -> Vec<Change> {
    match statement {
        Statement::CreateTable(create) => {
            let table = names::object(&create.name);
            let shape = shape::of_create(create, hints.mysql);
            let mut changes = vec![Change::CreateTable {
                table: table.clone(),
            }];
            if shape != TableShape::default() {
                changes.push(Change::TableShape { table, shape });
            }
            changes
        }
        Statement::CreateVirtualTable { name, .. } => vec![Change::CreateTable {
            table: names::object(name),
        }],
        Statement::Drop {
            object_type, names, ..
        } => names
            .iter()
            .map(|name| drop(*object_type, name, hints))
            .collect(),
        Statement::RenameTable(renames) => renames
            .iter()
            .map(|rename| Change::RenameTable {
                from: names::object(&rename.old_name),
                to: names::object(&rename.new_name),
            })
            .collect(),
        Statement::CreateIndex(index) => vec![Change::CreateIndex {
            table: names::object(&index.table_name),
            unique: index.unique,
            concurrently: index.concurrently || alter::is_online(&index.alter_options),
            columns: index
                .columns
                .iter()
                .flat_map(|c| alter::expression_names(&c.column.expr.to_string()))
                .collect(),
        }],
        Statement::Truncate(truncate) => truncate
            .table_names
            .iter()
            .map(|target| Change::Truncate {
                table: names::object(&target.name),
            })
            .collect(),
        Statement::Update(update) => vec![Change::DataChange {
            table: names::relation(&update.table),
            whole_table: update.selection.is_none(),
            columns: update
                .assignments
                .iter()
                .flat_map(|a| match &a.target {
                    AssignmentTarget::ColumnName(name) => vec![names::last(name)],
                    AssignmentTarget::Tuple(names) => names.iter().map(names::last).collect(),
                })
                .collect(),
        }],
        Statement::Delete(delete) => {
            let (FromTable::WithFromKeyword(from) | FromTable::WithoutKeyword(from)) = &delete.from;
            let table = match (delete.tables.first(), from.first()) {
                (Some(name), _) => names::object(name),
                (None, Some(table)) => names::relation(table),
                (None, None) => String::new(),
            };
            vec![Change::DataChange {
                table,
                whole_table: delete.selection.is_none(),
                columns: Vec::new(),
            }]
        }
        Statement::AlterType(alter) => {
            let name = names::object(&alter.name);
            vec![match &alter.operation {
                AlterTypeOperation::AddValue(_) => Change::AddEnumValue { name },
                AlterTypeOperation::RenameValue(value) => Change::RenameObject {
                    kind: ObjectKind::Type,
                    from: format!("{name}.{}", names::ident(&value.from)),
                    to: format!("{name}.{}", names::ident(&value.to)),
                },
                AlterTypeOperation::Rename(rename) => Change::RenameObject {
                    kind: ObjectKind::Type,
                    to: names::ident(&rename.new_name),
                    from: name,
                },
            }]
        }
        Statement::Insert(_) => vec![Change::Data {
            what: "INSERT".to_owned(),
        }],
        Statement::Call(function) => vec![Change::Code {
            what: format!("CALL {}", names::object(&function.name)),
        }],
        other => create_object(other)
            .or_else(|| drop_object(other))
            .or_else(|| neutral_statement(other).map(neutral))
            .map_or_else(|| vec![not_understood(hints.lead)], |change| vec![change]),
    }
}

fn drop(object_type: ObjectType, name: &ObjectName, hints: Hints<'_>) -> Change {
    let name_text = names::object(name);
    let kind = match object_type {
        ObjectType::Table | ObjectType::ForeignTable => {
            return Change::DropTable { table: name_text };
        }
        ObjectType::Index => {
            return Change::DropIndex {
                concurrently: hints.drop_index_concurrently,
                unique: None,
            };
        }
        ObjectType::View | ObjectType::MaterializedView => ObjectKind::View,
        ObjectType::Schema => ObjectKind::Schema,
        ObjectType::Sequence => ObjectKind::Sequence,
        ObjectType::Type => ObjectKind::Type,
        _ => ObjectKind::Other,
    };
    Change::DropObject {
        kind,
        name: name_text,
    }
}

fn create_object(statement: &Statement) -> Option<Change> {
    let (kind, name) = match statement {
        Statement::CreateView(view) => (ObjectKind::View, names::object(&view.name)),
        Statement::CreateFunction(function) => {
            (ObjectKind::Function, names::object(&function.name))
        }
        Statement::CreateProcedure { name, .. } => (ObjectKind::Function, names::object(name)),
        Statement::CreateType { name, .. } => (ObjectKind::Type, names::object(name)),
        Statement::CreateDomain(domain) => (ObjectKind::Type, names::object(&domain.name)),
        Statement::CreateSchema { schema_name, .. } => (ObjectKind::Schema, schema(schema_name)),
        Statement::CreateSequence { name, .. } => (ObjectKind::Sequence, names::object(name)),
        Statement::CreateTrigger(trigger) => (ObjectKind::Trigger, names::object(&trigger.name)),
        Statement::CreateExtension(extension) => {
            (ObjectKind::Extension, names::ident(&extension.name))
        }
        Statement::CreateDatabase { db_name, .. } => (ObjectKind::Other, names::object(db_name)),
        Statement::CreatePolicy(policy) => (ObjectKind::Other, names::ident(&policy.name)),
        Statement::CreateRole(role) => (
            ObjectKind::Other,
            role.names.first().map(names::object).unwrap_or_default(),
        ),
        _ => return None,
    };
    Some(Change::CreateObject { kind, name })
}

fn drop_object(statement: &Statement) -> Option<Change> {
    let (kind, name) = match statement {
        Statement::DropFunction(drop) => (
            ObjectKind::Function,
            first_name(drop.func_desc.iter().map(|f| &f.name)),
        ),
        Statement::DropProcedure { proc_desc, .. } => (
            ObjectKind::Function,
            first_name(proc_desc.iter().map(|f| &f.name)),
        ),
        Statement::DropDomain(drop) => (ObjectKind::Type, names::object(&drop.name)),
        Statement::DropTrigger(drop) => (ObjectKind::Trigger, names::object(&drop.trigger_name)),
        Statement::DropExtension(drop) => (
            ObjectKind::Extension,
            drop.names
                .iter()
                .map(names::ident)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Statement::DropPolicy(drop) => (ObjectKind::Other, names::ident(&drop.name)),
        _ => return None,
    };
    Some(Change::DropObject { kind, name })
}

/// Several dropped functions are named together: `a, b`.
fn first_name<'a>(names: impl Iterator<Item = &'a ObjectName>) -> String {
    names.map(names::object).collect::<Vec<_>>().join(", ")
}

fn schema(name: &SchemaName) -> String {
    match name {
        SchemaName::Simple(name) | SchemaName::NamedAuthorization(name, _) => names::object(name),
        SchemaName::UnnamedAuthorization(owner) => names::ident(owner),
    }
}

/// What a statement that cannot affect old code is called in messages.
fn neutral_statement(statement: &Statement) -> Option<&'static str> {
    Some(match statement {
        Statement::Copy { .. } => "COPY",
        Statement::Comment { .. } => "COMMENT",
        Statement::Grant(_) | Statement::GrantRole(_) => "GRANT",
        Statement::Revoke(_) | Statement::RevokeRole(_) => "REVOKE",
        Statement::AlterDefaultPrivileges(_) => "ALTER DEFAULT PRIVILEGES",
        Statement::Set(_) | Statement::Reset(_) | Statement::Use(_) => "SET",
        Statement::Pragma { .. } => "PRAGMA",
        Statement::StartTransaction { .. } => "BEGIN",
        Statement::Commit { .. } => "COMMIT",
        Statement::Rollback { .. } => "ROLLBACK",
        Statement::Savepoint { .. } | Statement::ReleaseSavepoint { .. } => "SAVEPOINT",
        Statement::Analyze(_) => "ANALYZE",
        Statement::Vacuum(_) => "VACUUM",
        Statement::Query(_) => "SELECT",
        Statement::Explain { .. } | Statement::ExplainTable { .. } => "EXPLAIN",
        Statement::Lock(_) | Statement::LockTables { .. } | Statement::UnlockTables => "LOCK",
        Statement::AlterIndex { .. } => "ALTER INDEX",
        _ => return None,
    })
}

fn neutral(what: &str) -> Change {
    Change::Neutral {
        what: what.to_owned(),
    }
}
