//! Tests of the Alembic reader.
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
    let constraint = |line, table: &str, kind, column: &str, name: &str, check: Option<&str>| {
        at(
            line,
            5,
            Change::AddConstraint {
                table: table.into(),
                kind,
                not_valid: false,
                using_index: false,
                columns: vec![column.into()],
                cascades: false,
                detail: ConstraintDetail {
                    name: Some(name.into()),
                    check: check.map(Into::into),
                    ..Default::default()
                },
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
                default_dropped: false,
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
                default_dropped: false,
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
                columns: vec!["email".into()],
            },
        ),
        at(
            21,
            5,
            Change::DropIndex {
                concurrently: false,
                unique: None,
            },
        ),
        constraint(
            22,
            "users",
            ConstraintKind::Unique,
            "email",
            "uq_email",
            None,
        ),
        constraint(
            23,
            "accounts",
            ConstraintKind::ForeignKey,
            "owner_id",
            "fk_owner",
            None,
        ),
        constraint(
            24,
            "users",
            ConstraintKind::Check,
            "age",
            "ck_age",
            Some("age > 0"),
        ),
        at(
            25,
            5,
            Change::DropConstraint {
                table: c("posts"),
                kind: Some(ConstraintKind::ForeignKey),
                columns: Vec::new(),
                detail: ConstraintDetail {
                    name: Some(c("fk_x")),
                    check: None,
                    ..Default::default()
                },
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
                default_dropped: false,
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
                columns: vec!["nick".into()],
            },
        ), // embedded SQL, read at its place
        at(
            32,
            9,
            Change::DataChange {
                table: "sessions".into(),
                whole_table: true,
                columns: Vec::new(),
            },
        ), // embedded SQL, read at its place
        at(34, 5, Change::Neutral { what: c("INSERT") }),
        // `conn = op.get_bind()`: its `execute` runs SQL as `op.execute` does.
        at(36, 27, Change::Neutral { what: c("SELECT") }),
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

#[test]
fn both_branches_of_a_dialect_test_are_read() {
    let text = "def upgrade():\n    conn = op.get_bind()\n    if conn.dialect.name == \"mysql\":\n        op.add_column(\"t\", sa.Column(\"a\", sa.Text(), nullable=True))\n    else:\n        op.drop_column(\"t\", \"b\")\n    if conn.dialect.name == \"sqlite\":\n        op.execute(\"INSERT OR IGNORE INTO t (a) VALUES (1)\")\n";
    let items = |dialect| -> Vec<Change> {
        read_alembic(text, dialect)
            .into_iter()
            .map(|c| c.item)
            .collect()
    };
    let mysql = items(Dialect::Mysql);
    assert!(
        matches!(
            mysql.as_slice(),
            [Change::AddColumn { .. }, Change::DropColumn { .. }]
        ),
        "both branches may run on MySQL: {mysql:?}"
    );
    let postgres = items(Dialect::Postgres);
    assert!(
        matches!(postgres.as_slice(), [Change::DropColumn { .. }]),
        "the MySQL and SQLite branches never run on PostgreSQL: {postgres:?}"
    );
}

#[test]
fn interpolated_values_and_names_bound_to_constants_are_read() {
    // Airflow's shapes: a literal compiled per database interpolated as a value, and the table
    // named by a module constant.
    let text = "TABLE_NAME = \"task_instance\"\n\ndef upgrade():\n    with op.batch_alter_table(TABLE_NAME) as batch_op:\n        batch_op.add_column(sa.Column(\"note\", sa.String(100)))\n    op.execute(sa.text(f\"UPDATE slot_pool SET include_deferred = {sa.false().compile(op.get_bind())}\"))\n";
    let items: Vec<Change> = read_alembic(text, Dialect::Postgres)
        .into_iter()
        .map(|c| c.item)
        .collect();
    assert_eq!(
        items,
        vec![
            Change::AddColumn {
                table: "task_instance".into(),
                column: "note".into(),
                not_null: false,
                has_default: false,
                volatile_default: false,
                default_dropped: false,
            },
            Change::DataChange {
                table: "slot_pool".into(),
                whole_table: true,
                columns: vec!["include_deferred".into()],
            },
        ]
    );
}
