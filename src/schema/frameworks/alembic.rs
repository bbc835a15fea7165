//! Alembic migrations (`versions/*.py`): the `op.*` calls of `def upgrade()`.
use tree_sitter::Node;

use super::python::{self, PyCall, PyString};
use super::source::{Source, children, in_file_order};
use super::types;
use crate::config::schema::Dialect;
use crate::schema::model::{Change, ColumnType, ConstraintKind, Located};
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
                    self.push(
                        n,
                        Change::CreateIndex {
                            table,
                            unique,
                            concurrently,
                        },
                    );
                }
                None => return false,
            },
            "drop_index" => {
                let concurrently = call.kw_true("postgresql_concurrently");
                self.push(n, Change::DropIndex { concurrently });
            }
            "create_unique_constraint" | "create_check_constraint" | "create_primary_key" => {
                let kind = match call.name.as_str() {
                    "create_unique_constraint" => ConstraintKind::Unique,
                    "create_check_constraint" => ConstraintKind::Check,
                    _ => ConstraintKind::PrimaryKey,
                };
                match table_at(1, "table_name") {
                    Some(table) => self.push(
                        n,
                        Change::AddConstraint {
                            table,
                            kind,
                            not_valid: false,
                            using_index: false,
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
                    self.push(n, Change::DropConstraint { table, kind });
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
            PyString::Interpolated => self.code(sql, "interpolated SQL"),
            PyString::NotString => self.code(call.node, "op.execute with computed SQL"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::model::Position;

    const MIGRATION: &str = r#""""add things

Revision ID: abc
"""
from alembic import op
import sqlalchemy as sa

revision = "abc"


def upgrade() -> None:
    op.create_table("accounts", sa.Column("id", sa.Integer, primary_key=True))
    op.drop_table("sessions")
    op.add_column("users", sa.Column("token", sa.String(36), nullable=False, server_default=sa.text("gen_random_uuid()")))
    op.add_column("users", sa.Column("nick", sa.String(50)))
    op.drop_column("users", "legacy")
    op.alter_column("users", "name", type_=sa.String(100), existing_type=sa.String(50), nullable=False)
    op.alter_column("users", "bio", nullable=True, server_default=None, new_column_name="about")
    op.rename_table("people", "persons")
    op.create_index("ix_users_email", "users", ["email"], unique=True, postgresql_concurrently=True)
    op.drop_index("ix_old", table_name="users")
    op.create_unique_constraint("uq_email", "users", ["email"])
    op.create_foreign_key("fk_owner", "accounts", "users", ["owner_id"], ["id"])
    op.create_check_constraint("ck_age", "users", "age > 0")
    op.drop_constraint("fk_x", "posts", type_="foreignkey")
    with op.batch_alter_table("orders") as batch_op:
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch_op.drop_column("coupon")
        batch_op.alter_column("amount", type_=sa.BigInteger())
    op.execute("UPDATE users SET nick = ''")
    op.execute(sa.text("""
        DELETE FROM sessions
    """))
    op.bulk_insert(accounts, [])
    conn = op.get_bind()
    conn.execute(sa.text("SELECT 1"))


def downgrade() -> None:
    op.drop_table("accounts")
"#;

    fn at(line: usize, column: usize, item: Change) -> Located<Change> {
        Located {
            at: Position::new(line, column),
            item,
        }
    }

    fn ty(name: &str, args: Vec<u64>) -> ColumnType {
        ColumnType {
            name: name.into(),
            args,
        }
    }

    #[test]
    fn reads_every_operation_of_upgrade_and_ignores_downgrade() {
        let u = || "users".to_owned();
        let c = |s: &str| s.to_owned();
        let constraint = |line, table: &str, kind| {
            at(
                line,
                5,
                Change::AddConstraint {
                    table: table.into(),
                    kind,
                    not_valid: false,
                    using_index: false,
                },
            )
        };
        let expected = vec![
            at(
                12,
                5,
                Change::CreateTable {
                    table: "accounts".into(),
                },
            ),
            at(
                13,
                5,
                Change::DropTable {
                    table: "sessions".into(),
                },
            ),
            at(
                14,
                5,
                Change::AddColumn {
                    table: u(),
                    column: c("token"),
                    not_null: true,
                    has_default: true,
                    volatile_default: true,
                },
            ),
            at(
                15,
                5,
                Change::AddColumn {
                    table: u(),
                    column: c("nick"),
                    not_null: false,
                    has_default: false,
                    volatile_default: false,
                },
            ),
            at(
                16,
                5,
                Change::DropColumn {
                    table: u(),
                    column: c("legacy"),
                },
            ),
            at(
                17,
                5,
                Change::AlterColumnType {
                    table: u(),
                    column: c("name"),
                    from: Some(ty("varchar", vec![50])),
                    to: ty("varchar", vec![100]),
                },
            ),
            at(
                17,
                5,
                Change::SetNotNull {
                    table: u(),
                    column: c("name"),
                },
            ),
            at(
                18,
                5,
                Change::DropNotNull {
                    table: u(),
                    column: c("bio"),
                },
            ),
            at(
                18,
                5,
                Change::DropDefault {
                    table: u(),
                    column: c("bio"),
                },
            ),
            at(
                18,
                5,
                Change::RenameColumn {
                    table: u(),
                    from: c("bio"),
                    to: c("about"),
                },
            ),
            at(
                19,
                5,
                Change::RenameTable {
                    from: c("people"),
                    to: c("persons"),
                },
            ),
            at(
                20,
                5,
                Change::CreateIndex {
                    table: u(),
                    unique: true,
                    concurrently: true,
                },
            ),
            at(
                21,
                5,
                Change::DropIndex {
                    concurrently: false,
                },
            ),
            constraint(22, "users", ConstraintKind::Unique),
            constraint(23, "accounts", ConstraintKind::ForeignKey),
            constraint(24, "users", ConstraintKind::Check),
            at(
                25,
                5,
                Change::DropConstraint {
                    table: c("posts"),
                    kind: Some(ConstraintKind::ForeignKey),
                },
            ),
            at(
                27,
                9,
                Change::AddColumn {
                    table: c("orders"),
                    column: c("note"),
                    not_null: false,
                    has_default: false,
                    volatile_default: false,
                },
            ),
            at(
                28,
                9,
                Change::DropColumn {
                    table: c("orders"),
                    column: c("coupon"),
                },
            ),
            at(
                29,
                9,
                Change::AlterColumnType {
                    table: c("orders"),
                    column: c("amount"),
                    from: None,
                    to: ty("bigint", vec![]),
                },
            ),
            at(
                30,
                17,
                Change::DataChange {
                    table: "users".into(),
                    whole_table: true,
                },
            ), // embedded SQL, read at its place
            at(
                32,
                9,
                Change::DataChange {
                    table: "sessions".into(),
                    whole_table: true,
                },
            ), // embedded SQL, read at its place
            at(34, 5, Change::Neutral { what: c("INSERT") }),
            at(
                36,
                5,
                Change::Code {
                    what: c("conn.execute"),
                },
            ),
        ];
        assert_eq!(read_alembic(MIGRATION, Dialect::Postgres), expected);
    }

    #[test]
    fn unknown_ops_and_interpolation_are_code() {
        let text = "def upgrade():\n    op.execute(f\"DROP {t}\")\n    op.invoke(x)\n    for t in ts:\n        op.drop_table(t)\n";
        assert_eq!(
            read_alembic(text, Dialect::Postgres),
            vec![
                at(
                    2,
                    16,
                    Change::Code {
                        what: "interpolated SQL".into()
                    }
                ),
                at(
                    3,
                    5,
                    Change::Code {
                        what: "op.invoke".into()
                    }
                ),
                at(
                    4,
                    5,
                    Change::Code {
                        what: "for_statement".into()
                    }
                ),
            ]
        );
    }

    #[test]
    fn syntax_errors_and_empty_files() {
        assert_eq!(read_alembic("", Dialect::Postgres), vec![]);
        let changes = read_alembic("def upgrade(:\n    op.drop_table('x'\n", Dialect::Postgres);
        assert!(
            changes
                .iter()
                .any(|c| matches!(c.item, Change::Unparsed { .. }))
        );
    }
}
