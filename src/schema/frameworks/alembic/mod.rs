//! Alembic migrations (`versions/*.py`): the `op.*` calls of `def upgrade()`.
use tree_sitter::Node;

use super::python::{self, PyCall, PyString};
use super::source::{Source, children, in_file_order};
use super::types;
use crate::config::schema::Dialect;
use crate::schema::model::{Change, ColumnType, ConstraintDetail, ConstraintKind, Located};
use crate::schema::sql::read_sql;

/// Read an Alembic migration: the `op.*` calls of `def upgrade()` (never `downgrade`), with
/// `batch_op.*` calls of `with op.batch_alter_table(..) as batch_op:` acting on its table.
/// `op.execute` SQL is read with [`read_sql`] in `dialect`; other code becomes [`Change::Code`],
/// syntax errors [`Change::Unparsed`].
pub fn read_alembic(text: &str, dialect: Dialect) -> Vec<Located<Change>> {
    let src = Source::parse(text, tree_sitter_python::LANGUAGE.into());
    let mut out = src.syntax_errors();
    if let Some(tree) = &src.tree {
        let mut reader = Alembic {
            src: &src,
            dialect,
            out: Vec::new(),
            connections: Vec::new(),
        };
        for upgrade in python::top_level(&src, tree.root_node(), "function_definition", "upgrade") {
            if let Some(body) = upgrade.child_by_field_name("body") {
                reader.block(body, None);
            }
        }
        out.append(&mut reader.out);
    }
    in_file_order(out)
}

/// Module roots whose calls only build SQLAlchemy objects.
const PURE: &[&str] = &[
    "sa",
    "sqlalchemy",
    "postgresql",
    "mysql",
    "table",
    "column",
    "text",
];

struct Alembic<'s, 'a> {
    src: &'s Source<'a>,
    dialect: Dialect,
    out: Vec<Located<Change>>,
    /// Names bound to the migration's connection (`conn = op.get_bind()`).
    connections: Vec<String>,
}

/// The batch context: the `as` name and the table.
type Batch<'b> = Option<(&'b str, &'b str)>;

impl<'s> Alembic<'s, '_> {
    fn push(&mut self, node: Node<'_>, change: Change) {
        let located = self.src.at(node, change);
        self.out.push(located);
    }

    fn code(&mut self, node: Node<'_>, what: impl Into<String>) {
        self.push(node, Change::Code { what: what.into() });
    }

    fn block(&mut self, block: Node<'s>, batch: Batch<'_>) {
        for statement in children(block) {
            match statement.kind() {
                "pass_statement" | "import_statement" | "import_from_statement" => {}
                "expression_statement" => {
                    for expr in children(statement) {
                        self.expression(expr, batch);
                    }
                }
                "with_statement" => self.with(statement, batch),
                // `if dialect == "mysql": … else: …`: the condition only inspects the
                // connection; what either branch does is what the migration may do — except a
                // branch only another database runs.
                "if_statement" => {
                    let (src, dialect) = (self.src, self.dialect);
                    let runs = |node: Node<'_>| {
                        node.child_by_field_name("condition")
                            .is_none_or(|c| runs_on(src, dialect, c))
                    };
                    if let Some(body) = statement.child_by_field_name("consequence")
                        && runs(statement)
                    {
                        self.block(body, batch);
                    }
                    for branch in children(statement) {
                        if matches!(branch.kind(), "elif_clause" | "else_clause") && runs(branch) {
                            let body = branch
                                .child_by_field_name("consequence")
                                .or_else(|| branch.child_by_field_name("body"));
                            if let Some(body) = body {
                                self.block(body, batch);
                            }
                        }
                    }
                }
                kind => self.code(statement, kind),
            }
        }
    }

    fn expression(&mut self, expr: Node<'s>, batch: Batch<'_>) {
        match expr.kind() {
            "string" | "concatenated_string" => {} // docstring
            "assignment" => match expr
                .child_by_field_name("right")
                .and_then(|r| PyCall::of(self.src, r))
            {
                Some(call) if call.callee == "op.get_bind" => {
                    if let Some(left) = expr.child_by_field_name("left") {
                        self.connections.push(self.src.text_of(left).to_owned());
                    }
                }
                Some(call)
                    if call.receiver == "op" || batch.is_some_and(|b| b.0 == call.receiver) =>
                {
                    self.call(&call, batch);
                }
                Some(call)
                    if !PURE.contains(&call.callee.split('.').next().unwrap_or_default()) =>
                {
                    self.code(expr, call.callee);
                }
                _ => {}
            },
            _ => match PyCall::of(self.src, expr) {
                Some(call) => self.call(&call, batch),
                None => self.code(expr, expr.kind()),
            },
        }
    }

    fn with(&mut self, statement: Node<'s>, batch: Batch<'_>) {
        let item = statement
            .named_child(0)
            .filter(|c| c.kind() == "with_clause")
            .and_then(|c| c.named_child(0))
            .and_then(|i| i.child_by_field_name("value"));
        let (value, alias) = match item {
            Some(v) if v.kind() == "as_pattern" => (
                v.named_child(0),
                v.child_by_field_name("alias")
                    .map(|a| self.src.text_of(a).to_owned()),
            ),
            other => (other, None),
        };
        let call = value.and_then(|v| PyCall::of(self.src, v));
        let body = statement.child_by_field_name("body");
        match (call, body) {
            (Some(call), Some(body)) if call.callee == "op.batch_alter_table" => {
                match python::name(self.src, call.arg(0, "table_name")) {
                    Some(table) => {
                        let alias = alias.unwrap_or_default();
                        self.block(body, Some((&alias, &table)));
                    }
                    None => self.code(statement, call.callee),
                }
            }
            (Some(call), Some(body)) if call.name == "autocommit_block" => self.block(body, batch),
            (call, _) => {
                let what = call.map_or_else(|| "with".to_owned(), |c| c.callee);
                self.code(statement, what);
            }
        }
    }

    fn call(&mut self, call: &PyCall<'s>, batch: Batch<'_>) {
        let in_batch = batch.filter(|b| b.0 == call.receiver).map(|b| b.1);
        if call.name == "execute" && self.connections.contains(&call.receiver) {
            // `conn.execute(...)` on `conn = op.get_bind()`: SQL run as op.execute runs it.
            self.execute(call);
            return;
        }
        if call.receiver != "op" && in_batch.is_none() {
            self.code(call.node, call.callee.clone());
            return;
        }
        if !self.op(call, in_batch) {
            self.code(call.node, call.callee.clone());
        }
    }

    /// An `op.*` call, or a `batch_op.*` call on table `batch`. False when not understood.
    fn op(&mut self, call: &PyCall<'s>, batch: Option<&str>) -> bool {
        let src = self.src;
        let n = call.node;
        // Positional index `i` of `op.<name>`, whose table is at `table_pos`, in a batch call
        // (which has no table argument).
        let pos = |i: usize, table_pos: usize| {
            if batch.is_some() && i > table_pos {
                i - 1
            } else {
                i
            }
        };
        let table_at = |i: usize, kw: &str| match batch {
            Some(t) => Some(t.to_owned()),
            None => python::name(src, call.arg(i, kw)),
        };
        let name = |i: usize, kw: &str| python::name(src, call.arg(i, kw));
        // A list of column names: `["a", "b"]`.
        let names_at = |i: usize, kw: &str| -> Vec<String> {
            call.arg(i, kw)
                .map(|list| {
                    children(list)
                        .into_iter()
                        .filter_map(|n| python::name(src, Some(n)))
                        .collect()
                })
                .unwrap_or_default()
        };
        match call.name.as_str() {
            "get_bind" | "get_context" | "f" | "inline_literal" => {}
            "execute" => self.execute(call),
            "bulk_insert" => self.push(
                n,
                Change::Neutral {
                    what: "INSERT".to_owned(),
                },
            ),
            "create_table" => match name(0, "table_name") {
                Some(table) => self.push(n, Change::CreateTable { table }),
                None => return false,
            },
            "drop_table" => match name(0, "table_name") {
                Some(table) => self.push(n, Change::DropTable { table }),
                None => return false,
            },
            "rename_table" => match (name(0, "old_table_name"), name(1, "new_table_name")) {
                (Some(from), Some(to)) => self.push(n, Change::RenameTable { from, to }),
                _ => return false,
            },
            "add_column" => {
                let column = call
                    .arg(pos(1, 0), "column")
                    .and_then(|c| PyCall::of(src, c));
                match (table_at(0, "table_name"), column) {
                    (Some(table), Some(column)) => self.add_column(n, table, &column),
                    _ => return false,
                }
            }
            "drop_column" => match (table_at(0, "table_name"), name(pos(1, 0), "column_name")) {
                (Some(table), Some(column)) => self.push(n, Change::DropColumn { table, column }),
                _ => return false,
            },
            "alter_column" => match (table_at(0, "table_name"), name(pos(1, 0), "column_name")) {
                (Some(table), Some(column)) => self.alter_column(call, &table, &column),
                _ => return false,
            },
            "create_index" => match table_at(1, "table_name") {
                Some(table) => {
                    let unique = call.kw_true("unique");
                    let concurrently = call.kw_true("postgresql_concurrently");
                    let columns = names_at(pos(2, 1), "columns");
                    self.push(
                        n,
                        Change::CreateIndex {
                            table,
                            unique,
                            concurrently,
                            columns,
                        },
                    );
                }
                None => return false,
            },
            "drop_index" => {
                let concurrently = call.kw_true("postgresql_concurrently");
                self.push(
                    n,
                    Change::DropIndex {
                        concurrently,
                        unique: None,
                    },
                );
            }
            "create_unique_constraint" | "create_check_constraint" | "create_primary_key" => {
                let kind = match call.name.as_str() {
                    "create_unique_constraint" => ConstraintKind::Unique,
                    "create_check_constraint" => ConstraintKind::Check,
                    _ => ConstraintKind::PrimaryKey,
                };
                let condition = (kind == ConstraintKind::Check)
                    .then(|| name(pos(2, 1), "condition"))
                    .flatten();
                let columns = match &condition {
                    Some(c) => crate::schema::sql::expression_names(c),
                    None if kind == ConstraintKind::Check => Vec::new(),
                    None => names_at(pos(2, 1), "columns"),
                };
                let detail = ConstraintDetail {
                    name: name(pos(0, 0), "constraint_name"),
                    check: condition,
                    ..Default::default()
                };
                match table_at(1, "table_name") {
                    Some(table) => self.push(
                        n,
                        Change::AddConstraint {
                            table,
                            kind,
                            not_valid: false,
                            using_index: false,
                            columns,
                            cascades: false,
                            detail,
                        },
                    ),
                    None => return false,
                }
            }
            "create_foreign_key" => match table_at(1, "source_table") {
                Some(table) => self.push(
                    n,
                    Change::AddConstraint {
                        table,
                        kind: ConstraintKind::ForeignKey,
                        not_valid: false,
                        using_index: false,
                        columns: names_at(pos(3, 1), "local_cols"),
                        cascades: name(usize::MAX, "ondelete").is_some_and(|action| {
                            matches!(
                                action.to_ascii_uppercase().as_str(),
                                "CASCADE" | "SET NULL" | "SET DEFAULT"
                            )
                        }),
                        detail: ConstraintDetail {
                            name: name(pos(0, 0), "constraint_name"),
                            check: None,
                            ..Default::default()
                        },
                    },
                ),
                None => return false,
            },
            "drop_constraint" => match table_at(1, "table_name") {
                Some(table) => {
                    let kind = match python::name(src, call.kw("type_")).as_deref() {
                        Some("foreignkey") => Some(ConstraintKind::ForeignKey),
                        Some("unique") => Some(ConstraintKind::Unique),
                        Some("check") => Some(ConstraintKind::Check),
                        Some("primary") => Some(ConstraintKind::PrimaryKey),
                        _ => None,
                    };
                    let detail = ConstraintDetail {
                        name: name(pos(0, 0), "constraint_name"),
                        check: None,
                        ..Default::default()
                    };
                    self.push(
                        n,
                        Change::DropConstraint {
                            table,
                            kind,
                            columns: Vec::new(),
                            detail,
                        },
                    );
                }
                None => return false,
            },
            _ => return false,
        }
        true
    }

    /// A SQLAlchemy type expression: `sa.String(50)`, `sa.Integer`, `postgresql.JSONB()`.
    fn column_type(&self, node: Node<'_>) -> ColumnType {
        let (name, call) = match PyCall::of(self.src, node) {
            Some(call) => (call.name.clone(), Some(call)),
            None => {
                let text = self.src.text_of(node);
                (text.rsplit('.').next().unwrap_or(text).to_owned(), None)
            }
        };
        let args: Vec<u64> = call.as_ref().map_or_else(Vec::new, |c| {
            let positional = c.args.iter().map(|a| python::int(self.src, Some(*a)));
            let named = ["length", "precision", "scale"].map(|k| python::int(self.src, c.kw(k)));
            positional.chain(named).flatten().collect()
        });
        let timezone = call.as_ref().is_some_and(|c| c.kw_true("timezone"));
        types::sqlalchemy(&name, &args, timezone)
    }

    fn add_column(&mut self, n: Node<'_>, table: String, column: &PyCall<'_>) {
        let Some(name) = python::name(self.src, column.arg(0, "name")) else {
            return self.code(n, "add_column");
        };
        let not_null = column.kw("nullable").is_some_and(|v| v.kind() == "false")
            || column.kw_true("primary_key");
        let default = column.kw("server_default").filter(|d| d.kind() != "none");
        let volatile_default = default.is_some_and(|d| types::calls_volatile(self.src.text_of(d)));
        let foreign_key = column
            .args
            .iter()
            .any(|a| self.src.text_of(*a).contains("ForeignKey("));
        self.push(
            n,
            Change::AddColumn {
                table: table.clone(),
                column: name,
                not_null,
                has_default: default.is_some(),
                volatile_default,
                default_dropped: false,
            },
        );
        if foreign_key {
            self.push(
                n,
                Change::AddConstraint {
                    table,
                    kind: ConstraintKind::ForeignKey,
                    not_valid: false,
                    using_index: false,
                    columns: Vec::new(),
                    cascades: false,
                    detail: Default::default(),
                },
            );
        }
    }

    fn alter_column(&mut self, call: &PyCall<'_>, table: &str, column: &str) {
        let n = call.node;
        let (t, c) = (|| table.to_owned(), || column.to_owned());
        if let Some(to) = call.kw("type_") {
            let to = self.column_type(to);
            let from = call.kw("existing_type").map(|f| self.column_type(f));
            self.push(
                n,
                Change::AlterColumnType {
                    table: t(),
                    column: c(),
                    from,
                    to,
                },
            );
        }
        match call.kw("nullable").map(|v| v.kind()) {
            Some("false") => self.push(
                n,
                Change::SetNotNull {
                    table: t(),
                    column: c(),
                },
            ),
            Some("true") => self.push(
                n,
                Change::DropNotNull {
                    table: t(),
                    column: c(),
                },
            ),
            _ => {}
        }
        match call.kw("server_default").map(|v| v.kind()) {
            None | Some("false") => {}
            Some("none") => self.push(
                n,
                Change::DropDefault {
                    table: t(),
                    column: c(),
                },
            ),
            Some(_) => self.push(
                n,
                Change::SetDefault {
                    table: t(),
                    column: c(),
                },
            ),
        }
        if let Some(to) = python::name(self.src, call.kw("new_column_name")) {
            self.push(
                n,
                Change::RenameColumn {
                    table: t(),
                    from: c(),
                    to,
                },
            );
        }
    }

    fn execute(&mut self, call: &PyCall<'_>) {
        let Some(mut sql) = call.arg(0, "sqltext") else {
            return self.code(call.node, "op.execute");
        };
        // `sa.text("...")` / `text("...")`.
        if let Some(text) = PyCall::of(self.src, sql).filter(|c| c.name == "text") {
            match text.args.first() {
                Some(arg) => sql = *arg,
                None => return self.code(call.node, "op.execute"),
            }
        }
        match python::string(self.src, sql) {
            PyString::Plain { text, start } => {
                let origin = self.src.position_of_byte(start);
                self.out.extend(read_sql(&text, self.dialect, origin));
            }
            PyString::Interpolated => {
                // Fields read as values: when that is SQL shipgate reads, it is what runs.
                let read = python::string_with_values(self.src, sql).map(|(text, start)| {
                    read_sql(&text, self.dialect, self.src.position_of_byte(start))
                });
                match read {
                    Some(changes)
                        if !changes
                            .iter()
                            .any(|c| matches!(c.item, Change::Unparsed { .. })) =>
                    {
                        self.out.extend(changes)
                    }
                    _ => self.code(sql, "interpolated SQL"),
                }
            }
            PyString::NotString => self.code(call.node, "op.execute with computed SQL"),
        }
    }
}

/// False for a condition that names another database than `dialect`
/// (`dialect_name == "sqlite"` when reading PostgreSQL); true otherwise.
fn runs_on(src: &Source<'_>, dialect: Dialect, condition: Node<'_>) -> bool {
    if condition.kind() != "comparison_operator" {
        return true;
    }
    let text = src.text_of(condition).replace(' ', "");
    let Some((_, named)) = text.split_once("==") else {
        return true;
    };
    let named = named.trim_matches(['"', '\'']);
    let this: &[&str] = match dialect {
        Dialect::Postgres => &["postgresql", "postgres"],
        Dialect::Mysql => &["mysql", "mariadb"],
        Dialect::Sqlite => &["sqlite"],
    };
    let known = [
        "postgresql",
        "postgres",
        "mysql",
        "mariadb",
        "sqlite",
        "mssql",
        "oracle",
    ];
    !known.contains(&named) || this.contains(&named)
}

#[cfg(test)]
mod tests;
