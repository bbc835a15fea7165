//! What each statement becomes, and where.
use super::test_support::{neutral, pg, s};
use crate::config::schema::Dialect;
use crate::schema::model::{
    Change, Check, ColumnType, ConstraintDetail, ConstraintKind, ObjectKind, Position, TableShape,
    Unique,
};

fn one(sql: &str) -> Change {
    let mut changes = pg(sql);
    assert_eq!(changes.len(), 1, "{sql}: {changes:?}");
    changes.remove(0)
}

fn is_unparsed(change: &Change, containing: &str) -> bool {
    matches!(change, Change::Unparsed { reason } if reason.contains(containing))
}

#[test]
fn empty_text_and_comments_only_yield_nothing() {
    assert_eq!(pg(""), vec![]);
    assert_eq!(pg("  \n\t;\n;;"), vec![]);
    assert_eq!(pg("-- nothing\n/* still nothing; */\n"), vec![]);
}

#[test]
fn tables() {
    assert_eq!(
        pg("CREATE TABLE Users (id bigint PRIMARY KEY, email text UNIQUE, CHECK (id > 0))"),
        vec![
            Change::CreateTable { table: s("users") },
            Change::TableShape {
                table: s("users"),
                shape: TableShape {
                    foreign_keys: Vec::new(),
                    checks: vec![Check {
                        name: Some(s("users_id_check")),
                        expr: s("id > 0"),
                        columns: vec![s("id")],
                    }],
                    uniques: vec![
                        Unique {
                            name: Some(s("users_pkey")),
                            columns: vec![s("id")],
                        },
                        Unique {
                            name: Some(s("users_email_key")),
                            columns: vec![s("email")],
                        },
                    ],
                },
            },
        ]
    );
    assert_eq!(
        pg("DROP TABLE IF EXISTS a, public.\"B\" CASCADE"),
        vec![
            Change::DropTable { table: s("a") },
            Change::DropTable {
                table: s("public.B")
            }
        ]
    );
    assert_eq!(
        one("ALTER TABLE users RENAME TO people"),
        Change::RenameTable {
            from: s("users"),
            to: s("people")
        }
    );
    assert_eq!(one("TRUNCATE a"), Change::Truncate { table: s("a") });
    assert_eq!(pg("TRUNCATE TABLE a, b").len(), 2);
}

#[test]
fn add_column_reads_nullability_and_default() {
    let add = |sql: &str| match one(sql) {
        Change::AddColumn {
            not_null,
            has_default,
            volatile_default,
            ..
        } => (not_null, has_default, volatile_default),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        add("ALTER TABLE t ADD COLUMN c text"),
        (false, false, false)
    );
    assert_eq!(
        add("ALTER TABLE t ADD COLUMN c text NOT NULL"),
        (true, false, false)
    );
    assert_eq!(
        add("ALTER TABLE t ADD c int NOT NULL DEFAULT 0"),
        (true, true, false)
    );
    assert_eq!(
        add("ALTER TABLE t ADD c timestamptz DEFAULT now()"),
        (false, true, false)
    );
    assert_eq!(
        add("ALTER TABLE t ADD c timestamptz DEFAULT CURRENT_TIMESTAMP"),
        (false, true, false)
    );
    assert_eq!(
        add("ALTER TABLE t ADD c uuid DEFAULT gen_random_uuid()"),
        (false, true, true)
    );
    assert_eq!(
        add("ALTER TABLE t ADD c float DEFAULT random()"),
        (false, true, true)
    );
    assert_eq!(
        add("ALTER TABLE t ADD c timestamptz DEFAULT clock_timestamp()"),
        (false, true, true)
    );
    assert_eq!(
        add("ALTER TABLE t ADD c bigint DEFAULT nextval('s')"),
        (false, true, true)
    );
    assert_eq!(add("ALTER TABLE t ADD c bigserial"), (false, true, true));
    assert_eq!(
        add("ALTER TABLE t ADD c int GENERATED ALWAYS AS IDENTITY"),
        (false, true, true)
    );
}

#[test]
fn add_column_with_inline_constraints_adds_them() {
    assert_eq!(
        pg("ALTER TABLE Orders ADD COLUMN User_Id bigint NOT NULL REFERENCES users(id) UNIQUE"),
        vec![
            Change::AddColumn {
                table: s("orders"),
                column: s("user_id"),
                not_null: true,
                has_default: false,
                volatile_default: false,
                default_dropped: false,
            },
            Change::AddConstraint {
                table: s("orders"),
                kind: ConstraintKind::ForeignKey,
                not_valid: false,
                using_index: false,
                columns: vec![s("user_id")],
                cascades: false,
                detail: Default::default(),
            },
            Change::AddConstraint {
                table: s("orders"),
                kind: ConstraintKind::Unique,
                not_valid: false,
                using_index: false,
                columns: vec![s("user_id")],
                cascades: false,
                detail: Default::default(),
            },
        ]
    );
    let check = pg("ALTER TABLE t ADD COLUMN n int CHECK (n > 0)");
    assert!(matches!(
        check[1],
        Change::AddConstraint {
            kind: ConstraintKind::Check,
            ..
        }
    ));
    let pk = pg("ALTER TABLE t ADD COLUMN id int PRIMARY KEY");
    assert!(matches!(pk[0], Change::AddColumn { not_null: true, .. }));
    assert!(matches!(
        pk[1],
        Change::AddConstraint {
            kind: ConstraintKind::PrimaryKey,
            ..
        }
    ));
}

#[test]
fn columns_are_dropped_renamed_and_altered() {
    let col = |c: &str| (s("t"), s(c));
    assert_eq!(
        pg("ALTER TABLE t DROP COLUMN a, DROP COLUMN IF EXISTS \"B\""),
        vec![
            Change::DropColumn {
                table: col("a").0,
                column: col("a").1
            },
            Change::DropColumn {
                table: s("t"),
                column: s("B")
            },
        ]
    );
    assert_eq!(
        one("ALTER TABLE t RENAME COLUMN a TO b"),
        Change::RenameColumn {
            table: s("t"),
            from: s("a"),
            to: s("b")
        }
    );
    assert_eq!(
        one("ALTER TABLE t ALTER COLUMN a TYPE character varying(100) USING a::text"),
        Change::AlterColumnType {
            table: s("t"),
            column: s("a"),
            from: None,
            to: ColumnType {
                name: s("varchar"),
                args: vec![100]
            },
        }
    );
    assert_eq!(
        pg(
            "ALTER TABLE t ALTER a SET NOT NULL, ALTER b DROP NOT NULL, \
            ALTER c SET DEFAULT 1, ALTER d DROP DEFAULT"
        ),
        vec![
            Change::SetNotNull {
                table: s("t"),
                column: s("a")
            },
            Change::DropNotNull {
                table: s("t"),
                column: s("b")
            },
            Change::SetDefault {
                table: s("t"),
                column: s("c")
            },
            Change::DropDefault {
                table: s("t"),
                column: s("d")
            },
        ]
    );
}

#[test]
fn constraints() {
    let add = |sql: &str| match one(sql) {
        Change::AddConstraint {
            kind,
            not_valid,
            using_index,
            ..
        } => (kind, not_valid, using_index),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        add("ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users(id) NOT VALID"),
        (ConstraintKind::ForeignKey, true, false)
    );
    assert_eq!(
        add("ALTER TABLE t ADD CONSTRAINT c CHECK (n > 0)"),
        (ConstraintKind::Check, false, false)
    );
    assert_eq!(
        add("ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX t_u_idx"),
        (ConstraintKind::Unique, false, true)
    );
    assert_eq!(
        add("ALTER TABLE t ADD PRIMARY KEY (id)"),
        (ConstraintKind::PrimaryKey, false, false)
    );
    assert_eq!(
        one("ALTER TABLE t VALIDATE CONSTRAINT fk"),
        Change::ValidateConstraint { table: s("t") }
    );
    assert_eq!(
        one("ALTER TABLE t DROP CONSTRAINT IF EXISTS fk"),
        Change::DropConstraint {
            table: s("t"),
            kind: None,
            columns: Vec::new(),
            detail: ConstraintDetail {
                name: Some(s("fk")),
                check: None,
                ..Default::default()
            },
        }
    );
}

#[test]
fn indexes() {
    assert_eq!(
        one("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON public.t (a)"),
        Change::CreateIndex {
            table: s("public.t"),
            unique: true,
            concurrently: true,
            columns: vec![s("a")],
        }
    );
    assert_eq!(
        one("CREATE INDEX i ON t (a) WHERE a IS NOT NULL"),
        Change::CreateIndex {
            table: s("t"),
            unique: false,
            concurrently: false,
            columns: vec![s("a")],
        }
    );
    assert_eq!(
        one("DROP INDEX CONCURRENTLY IF EXISTS i"),
        Change::DropIndex {
            concurrently: true,
            unique: None,
        }
    );
    assert_eq!(
        pg("DROP INDEX i, j"),
        vec![
            Change::DropIndex {
                concurrently: false,
                unique: None,
            };
            2
        ]
    );
}

#[test]
fn other_objects_are_created_and_dropped() {
    let created = |sql: &str| match one(sql) {
        Change::CreateObject { kind, name } => (kind, name),
        other => panic!("{sql}: {other:?}"),
    };
    let dropped = |sql: &str| match one(sql) {
        Change::DropObject { kind, name } => (kind, name),
        other => panic!("{sql}: {other:?}"),
    };
    assert_eq!(
        created("CREATE VIEW v AS SELECT 1"),
        (ObjectKind::View, s("v"))
    );
    assert_eq!(
        created("CREATE MATERIALIZED VIEW mv AS SELECT 1"),
        (ObjectKind::View, s("mv"))
    );
    assert_eq!(
        created("CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$"),
        (ObjectKind::Function, s("f"))
    );
    assert_eq!(
        created("CREATE TYPE mood AS ENUM ('sad', 'ok')"),
        (ObjectKind::Type, s("mood"))
    );
    assert_eq!(
        created("CREATE DOMAIN posint AS int CHECK (VALUE > 0)"),
        (ObjectKind::Type, s("posint"))
    );
    assert_eq!(created("CREATE SCHEMA app"), (ObjectKind::Schema, s("app")));
    assert_eq!(
        created("CREATE SEQUENCE s START 1"),
        (ObjectKind::Sequence, s("s"))
    );
    assert_eq!(
        created("CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()"),
        (ObjectKind::Trigger, s("trg"))
    );
    assert_eq!(
        created("CREATE EXTENSION IF NOT EXISTS pgcrypto"),
        (ObjectKind::Extension, s("pgcrypto"))
    );

    assert_eq!(dropped("DROP VIEW v"), (ObjectKind::View, s("v")));
    assert_eq!(
        dropped("DROP MATERIALIZED VIEW mv"),
        (ObjectKind::View, s("mv"))
    );
    assert_eq!(
        dropped("DROP FUNCTION f(int)"),
        (ObjectKind::Function, s("f"))
    );
    assert_eq!(dropped("DROP PROCEDURE p"), (ObjectKind::Function, s("p")));
    assert_eq!(dropped("DROP TYPE mood"), (ObjectKind::Type, s("mood")));
    assert_eq!(
        dropped("DROP DOMAIN posint"),
        (ObjectKind::Type, s("posint"))
    );
    assert_eq!(
        dropped("DROP SCHEMA app CASCADE"),
        (ObjectKind::Schema, s("app"))
    );
    assert_eq!(dropped("DROP SEQUENCE s"), (ObjectKind::Sequence, s("s")));
    assert_eq!(
        dropped("DROP TRIGGER trg ON t"),
        (ObjectKind::Trigger, s("trg"))
    );
    assert_eq!(
        dropped("DROP EXTENSION pgcrypto"),
        (ObjectKind::Extension, s("pgcrypto"))
    );
}

#[test]
fn data_changes() {
    assert_eq!(
        one("UPDATE users SET a = 1"),
        Change::DataChange {
            table: s("users"),
            whole_table: true,
            columns: vec![s("a")],
        }
    );
    assert_eq!(
        one("UPDATE users SET a = 1 WHERE id < 100"),
        Change::DataChange {
            table: s("users"),
            whole_table: false,
            columns: vec![s("a")],
        }
    );
    assert_eq!(
        one("DELETE FROM Logs"),
        Change::DataChange {
            table: s("logs"),
            whole_table: true,
            columns: Vec::new(),
        }
    );
    assert_eq!(
        one("DELETE FROM logs WHERE at < now()"),
        Change::DataChange {
            table: s("logs"),
            whole_table: false,
            columns: Vec::new(),
        }
    );
}

#[test]
fn neutral_statements() {
    let cases = [
        ("COMMENT ON TABLE t IS 'x'", "COMMENT"),
        ("GRANT SELECT ON t TO app", "GRANT"),
        ("REVOKE SELECT ON t FROM app", "REVOKE"),
        ("SET lock_timeout = '2s'", "SET"),
        ("BEGIN", "BEGIN"),
        ("COMMIT", "COMMIT"),
        ("ANALYZE t", "ANALYZE"),
        ("SELECT 1", "SELECT"),
    ];
    for (sql, what) in cases {
        assert_eq!(one(sql), neutral(what), "{sql}");
    }
    assert_eq!(
        one("INSERT INTO t VALUES (1)"),
        Change::Data { what: s("INSERT") },
        "an INSERT writes rows: data"
    );
}

#[test]
fn enum_types_gain_and_rename_values() {
    assert_eq!(
        one("ALTER TYPE mood ADD VALUE 'happy' AFTER 'ok'"),
        Change::AddEnumValue { name: s("mood") }
    );
    assert_eq!(
        one("ALTER TYPE public.mood RENAME VALUE 'sad' TO 'blue'"),
        Change::RenameObject {
            kind: ObjectKind::Type,
            from: s("public.mood.sad"),
            to: s("public.mood.blue")
        }
    );
    assert_eq!(
        one("ALTER TYPE mood RENAME TO feeling"),
        Change::RenameObject {
            kind: ObjectKind::Type,
            from: s("mood"),
            to: s("feeling")
        }
    );
}

#[test]
fn parsed_but_not_understood_and_code() {
    assert!(is_unparsed(
        &one("ALTER OPERATOR + (int, int) OWNER TO admin"),
        "ALTER OPERATOR is not understood by shipgate"
    ));
    assert_eq!(
        one("DO $$ BEGIN PERFORM 1; END $$"),
        Change::Code {
            what: s("DO block")
        }
    );
    assert_eq!(
        one("CALL refresh()"),
        Change::Code {
            what: s("CALL refresh")
        }
    );
}

#[test]
fn mysql_ignores_inline_references() {
    let changes = crate::schema::sql::read_sql(
        "ALTER TABLE orders ADD COLUMN user_id bigint REFERENCES users(id)",
        Dialect::Mysql,
        Position::new(1, 1),
    );
    let items: Vec<Change> = changes.into_iter().map(|c| c.item).collect();
    assert!(
        !items
            .iter()
            .any(|c| matches!(c, Change::AddConstraint { .. })),
        "{items:?}"
    );
    assert!(items.contains(&Change::IgnoredReferences {
        table: s("orders"),
        column: s("user_id"),
    }));
}

#[test]
fn foreign_keys_carry_their_delete_action() {
    let cascades = |sql: &str| match one(sql) {
        Change::AddConstraint {
            cascades, columns, ..
        } => (cascades, columns),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        cascades(
            "ALTER TABLE posts ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE"
        ),
        (true, vec![s("user_id")])
    );
    assert_eq!(
        cascades(
            "ALTER TABLE posts ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE RESTRICT"
        ),
        (false, vec![s("user_id")])
    );
    assert_eq!(
        cascades(
            "ALTER TABLE posts ADD CONSTRAINT c CHECK (price >= 0 AND currency IN ('EUR', 'USD'))"
        ),
        (false, vec![s("price"), s("currency")])
    );
}

#[test]
fn a_sqlite_table_rebuild_is_no_drop() {
    let sql = "CREATE TABLE new_posts (id integer PRIMARY KEY, user_id integer REFERENCES users (id) ON DELETE RESTRICT);\n\
               INSERT INTO new_posts SELECT id, user_id FROM posts;\n\
               DROP TABLE posts;\n\
               ALTER TABLE new_posts RENAME TO posts;";
    let items: Vec<Change> =
        crate::schema::sql::read_sql(sql, Dialect::Sqlite, Position::new(1, 1))
            .into_iter()
            .map(|c| c.item)
            .collect();
    assert!(
        !items.iter().any(|c| matches!(c, Change::DropTable { .. })),
        "{items:?}"
    );
}
