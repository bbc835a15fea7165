//! Django migrations (`migrations/NNNN_*.py`): the `operations` of the `Migration` class.
use tree_sitter::Node;

use super::python::{self, PyCall, PyString};
use super::source::{Source, children, in_file_order};
use super::types;
use crate::config::schema::Dialect;
use crate::schema::model::{Change, ConstraintKind, Located};
use crate::schema::sql::read_sql;

/// Read a Django migration's `operations = [...]`. Tables are named `<app_label>_<model>` as
/// Django does (the app label is the directory above `migrations/`; without one, the model name
/// lower-cased). `RunSQL` is read with [`read_sql`] in `dialect`, `RunPython` becomes
/// [`Change::Code`], syntax errors [`Change::Unparsed`].
pub fn read_django(text: &str, dialect: Dialect, app_label: Option<&str>) -> Vec<Located<Change>> {
    let src = Source::parse(text, tree_sitter_python::LANGUAGE.into());
    let mut out = src.syntax_errors();
    if let Some(tree) = &src.tree {
        let mut reader = Django {
            src: &src,
            dialect,
            app_label,
            out: Vec::new(),
        };
        for class in python::top_level(&src, tree.root_node(), "class_definition", "Migration") {
            reader.class(class);
        }
        out.append(&mut reader.out);
    }
    in_file_order(out)
}

struct Django<'s, 'a> {
    src: &'s Source<'a>,
    dialect: Dialect,
    app_label: Option<&'s str>,
    out: Vec<Located<Change>>,
}

impl<'s> Django<'s, '_> {
    fn class(&mut self, class: Node<'s>) {
        let body = class
            .child_by_field_name("body")
            .map(children)
            .unwrap_or_default();
        for statement in body {
            let Some(assignment) = children(statement)
                .into_iter()
                .find(|n| n.kind() == "assignment")
            else {
                continue;
            };
            let left = assignment
                .child_by_field_name("left")
                .map(|n| self.src.text_of(n));
            if left == Some("operations") {
                if let Some(list) = assignment.child_by_field_name("right") {
                    self.operations(list);
                }
            }
        }
    }

    fn push(&mut self, node: Node<'_>, change: Change) {
        let located = self.src.at(node, change);
        self.out.push(located);
    }

    fn operations(&mut self, list: Node<'s>) {
        if !matches!(list.kind(), "list" | "tuple") {
            self.push(
                list,
                Change::Code {
                    what: "computed operations".to_owned(),
                },
            );
            return;
        }
        for op in children(list) {
            match PyCall::of(self.src, op) {
                Some(call) => self.operation(&call),
                None => self.push(
                    op,
                    Change::Code {
                        what: op.kind().to_owned(),
                    },
                ),
            }
        }
    }

    fn table(&self, model: &str) -> String {
        let model = model.to_ascii_lowercase();
        match self.app_label {
            Some(app) => format!("{app}_{model}"),
            None => model,
        }
    }

    fn operation(&mut self, call: &PyCall<'s>) {
        let src = self.src;
        let n = call.node;
        let model = |pos, kw| python::name(src, call.arg(pos, kw)).map(|m| self.table(&m));
        let table = model(0, "model_name");
        let name = python::name(src, call.arg(1, "name"));
        let field = call.arg(2, "field").and_then(|f| PyCall::of(src, f));
        match (call.name.as_str(), table) {
            ("CreateModel", _) => match self.model_table(call) {
                Some(table) => self.push(n, Change::CreateTable { table }),
                None => self.code(call),
            },
            ("DeleteModel", _) => match model(0, "name") {
                Some(table) => self.push(n, Change::DropTable { table }),
                None => self.code(call),
            },
            ("RenameModel", _) => match (model(0, "old_name"), model(1, "new_name")) {
                (Some(from), Some(to)) => self.push(n, Change::RenameTable { from, to }),
                _ => self.code(call),
            },
            ("AddField", Some(table)) => match (name, field) {
                (Some(name), Some(field)) => self.add_field(n, table, name, &field),
                _ => self.code(call),
            },
            ("RemoveField", Some(table)) => match name {
                Some(column) => self.push(n, Change::DropColumn { table, column }),
                None => self.code(call),
            },
            ("AlterField", Some(table)) => match (name, field) {
                (Some(name), Some(field)) => {
                    let column = self.column(&name, &field);
                    let to = self.field_type(&field);
                    self.push(
                        n,
                        Change::AlterColumnType {
                            table,
                            column,
                            from: None,
                            to,
                        },
                    );
                }
                _ => self.code(call),
            },
            ("RenameField", Some(table)) => {
                let from = python::name(src, call.arg(1, "old_name"));
                let to = python::name(src, call.arg(2, "new_name"));
                match (from, to) {
                    (Some(from), Some(to)) => {
                        self.push(n, Change::RenameColumn { table, from, to })
                    }
                    _ => self.code(call),
                }
            }
            ("AddIndex" | "AddIndexConcurrently", Some(table)) => {
                let concurrently = call.name == "AddIndexConcurrently";
                self.push(
                    n,
                    Change::CreateIndex {
                        table,
                        unique: false,
                        concurrently,
                    },
                );
            }
            ("RemoveIndex" | "RemoveIndexConcurrently", Some(_)) => {
                let concurrently = call.name == "RemoveIndexConcurrently";
                self.push(n, Change::DropIndex { concurrently });
            }
            ("AddConstraint" | "AddConstraintNotValid", Some(table)) => {
                let constraint = call.arg(1, "constraint").and_then(|c| PyCall::of(src, c));
                let kind = match constraint.as_ref().map(|c| c.name.as_str()) {
                    Some("UniqueConstraint") => ConstraintKind::Unique,
                    Some("CheckConstraint") => ConstraintKind::Check,
                    Some("ExclusionConstraint") => ConstraintKind::Exclusion,
                    _ => return self.code(call),
                };
                let not_valid = call.name == "AddConstraintNotValid";
                self.push(
                    n,
                    Change::AddConstraint {
                        table,
                        kind,
                        not_valid,
                        using_index: false,
                    },
                );
            }
            ("RemoveConstraint", Some(table)) => {
                self.push(n, Change::DropConstraint { table, kind: None });
            }
            ("ValidateConstraint", Some(table)) => {
                self.push(n, Change::ValidateConstraint { table })
            }
            ("AlterModelOptions" | "AlterModelManagers", _) => {
                self.push(
                    n,
                    Change::Neutral {
                        what: call.name.clone(),
                    },
                );
            }
            ("RunSQL", _) => match call.arg(0, "sql") {
                Some(sql) => self.run_sql(n, sql),
                None => self.code(call),
            },
            ("RunPython", _) => {
                let code = call.arg(0, "code").map(|c| src.text_of(c));
                if !code.is_some_and(|c| c.ends_with("RunPython.noop")) {
                    self.code(call);
                }
            }
            ("SeparateDatabaseAndState", _) => {
                if let Some(ops) = call.arg(0, "database_operations") {
                    self.operations(ops);
                }
            }
            _ => self.code(call),
        }
    }

    fn code(&mut self, call: &PyCall<'_>) {
        self.push(
            call.node,
            Change::Code {
                what: call.name.clone(),
            },
        );
    }

    /// The table of a `CreateModel`: its `db_table` option, else `<app>_<name>`.
    fn model_table(&self, call: &PyCall<'_>) -> Option<String> {
        let db_table = call
            .arg(2, "options")
            .filter(|o| o.kind() == "dictionary")
            .and_then(|options| {
                children(options).into_iter().find_map(|pair| {
                    let key = python::name(self.src, pair.child_by_field_name("key"))?;
                    (key == "db_table")
                        .then(|| python::name(self.src, pair.child_by_field_name("value")))?
                })
            });
        db_table.or_else(|| python::name(self.src, call.arg(0, "name")).map(|m| self.table(&m)))
    }

    /// The column a field is stored in: `db_column`, `<name>_id` for relations, else the name.
    fn column(&self, name: &str, field: &PyCall<'_>) -> String {
        if let Some(column) = python::name(self.src, field.kw("db_column")) {
            return column;
        }
        match field.name.as_str() {
            "ForeignKey" | "OneToOneField" => format!("{name}_id"),
            _ => name.to_owned(),
        }
    }

    fn field_type(&self, field: &PyCall<'_>) -> crate::schema::model::ColumnType {
        let int = |kw| python::int(self.src, field.kw(kw));
        types::django(
            &field.name,
            int("max_length"),
            int("max_digits"),
            int("decimal_places"),
            self.dialect,
        )
    }

    fn add_field(&mut self, n: Node<'_>, table: String, name: String, field: &PyCall<'_>) {
        if field.name == "ManyToManyField" {
            // A join table `<app>_<model>_<field>`, no column on this table.
            let table = format!("{table}_{}", name.to_ascii_lowercase());
            self.push(n, Change::CreateTable { table });
            return;
        }
        let column = self.column(&name, field);
        let not_null = !field.kw_true("null");
        let default = field.kw("default").or_else(|| field.kw("db_default"));
        let volatile_default = field.kw("db_default").is_some_and(|d| {
            let text = self.src.text_of(d);
            text.contains("RandomUUID") || text.contains("Random()") || types::calls_volatile(text)
        });
        self.push(
            n,
            Change::AddColumn {
                table: table.clone(),
                column,
                not_null,
                has_default: default.is_some(),
                volatile_default,
            },
        );
        if matches!(field.name.as_str(), "ForeignKey" | "OneToOneField") {
            let unique = field.name == "OneToOneField";
            if unique || field.kw("db_index").is_none_or(|v| v.kind() != "false") {
                self.push(
                    n,
                    Change::CreateIndex {
                        table: table.clone(),
                        unique,
                        concurrently: false,
                    },
                );
            }
            if field
                .kw("db_constraint")
                .is_none_or(|v| v.kind() != "false")
            {
                self.push(
                    n,
                    Change::AddConstraint {
                        table,
                        kind: ConstraintKind::ForeignKey,
                        not_valid: false,
                        using_index: false,
                    },
                );
            }
        }
    }

    fn run_sql(&mut self, n: Node<'_>, sql: Node<'s>) {
        let parts = if matches!(sql.kind(), "list" | "tuple") {
            children(sql)
        } else {
            vec![sql]
        };
        for part in parts {
            // `(sql, params)` pairs: the SQL is the first element.
            let part = if part.kind() == "tuple" {
                children(part).into_iter().next().unwrap_or(part)
            } else {
                part
            };
            match python::string(self.src, part) {
                PyString::Plain { text, start } => {
                    let origin = self.src.position_of_byte(start);
                    self.out.extend(read_sql(&text, self.dialect, origin));
                }
                PyString::Interpolated => self.push(
                    part,
                    Change::Code {
                        what: "interpolated SQL".to_owned(),
                    },
                ),
                PyString::NotString => {
                    if !self.src.text_of(part).ends_with("RunSQL.noop") {
                        self.push(
                            n,
                            Change::Code {
                                what: "RunSQL with computed SQL".to_owned(),
                            },
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
