//! Whole files: positions, statements cut apart, dialects.
use super::read_sql;
use super::test_support::{items, neutral, pg, s};
use crate::config::schema::Dialect;
use crate::schema::model::{Change, ColumnType, Located, ObjectKind, Position, TableShape, Unique};

#[test]
fn positions_are_in_the_host_file() {
    let sql = "CREATE TABLE a (id int);\n  DROP TABLE b;\nALTER TABLE c\n  ADD COLUMN x int,\n  DROP COLUMN y;";
    let at: Vec<Position> = read_sql(sql, Dialect::Postgres, Position::new(1, 1))
        .into_iter()
        .map(|l| l.at)
        .collect();
    assert_eq!(
        at,
        vec![
            Position::new(1, 1),
            Position::new(2, 3),
            Position::new(4, 14),
            Position::new(5, 15)
        ]
    );
    // Embedded in a host file: the string starts at line 10, column 12.
    let at: Vec<Position> = read_sql(sql, Dialect::Postgres, Position::new(10, 12))
        .into_iter()
        .map(|l| l.at)
        .collect();
    assert_eq!(at[0], Position::new(10, 12));
    assert_eq!(at[1], Position::new(11, 3));
}

#[test]
fn a_broken_statement_does_not_hide_the_others() {
    let sql = "CREATE TABLE a (id int);\nALTER TABLE a ADD COLUMN;\nDROP TABLE b;";
    let changes = read_sql(sql, Dialect::Postgres, Position::new(1, 1));
    assert_eq!(changes.len(), 3, "{changes:?}");
    assert_eq!(changes[0].item, Change::CreateTable { table: s("a") });
    assert!(matches!(changes[1].item, Change::Unparsed { .. }));
    assert_eq!(changes[1].at.line, 2);
    assert_eq!(
        changes[2],
        Located {
            at: Position::new(3, 1),
            item: Change::DropTable { table: s("b") }
        }
    );
}

#[test]
fn semicolons_inside_strings_comments_and_bodies_do_not_split() {
    let sql = "INSERT INTO t VALUES ('a;b'); -- x; y\n\
               /* ; */ CREATE FUNCTION f() RETURNS trigger AS $body$ BEGIN x := 1; RETURN NEW; END $body$ LANGUAGE plpgsql;\n\
               SELECT 1";
    assert_eq!(
        pg(sql),
        vec![
            Change::Data { what: s("INSERT") },
            Change::CreateObject {
                kind: ObjectKind::Function,
                name: s("f")
            },
            neutral("SELECT"),
        ]
    );
}

#[test]
fn sqlite_trigger_bodies_and_table_rebuilds() {
    let sql = "CREATE TRIGGER trg AFTER INSERT ON t BEGIN UPDATE t SET a = 1 WHERE id = NEW.id; \
               SELECT CASE WHEN 1 THEN 2 END; END;\n\
               CREATE TABLE new_t (id INTEGER PRIMARY KEY AUTOINCREMENT);\n\
               INSERT INTO new_t SELECT id FROM t;\n\
               DROP TABLE t;\n\
               ALTER TABLE new_t RENAME TO t;";
    let changes = items(sql, Dialect::Sqlite);
    assert_eq!(changes.len(), 6, "{changes:?}");
    assert_eq!(
        changes[1],
        neutral("CREATE TABLE new_t, the new definition of a rebuilt table")
    );
    let shape = TableShape {
        uniques: vec![Unique {
            name: Some(s("new_t_pkey")),
            columns: vec![s("id")],
        }],
        ..TableShape::default()
    };
    assert_eq!(
        changes[2],
        Change::TableShape {
            table: s("new_t"),
            shape: shape.clone()
        }
    );
    assert_eq!(
        changes[4],
        Change::RebuildTable {
            table: s("t"),
            shape
        },
        "a rebuild with the new definition, not a drop old code can notice"
    );
    assert_eq!(
        changes[5],
        neutral("RENAME of the rebuilt t to its own name"),
        "the table keeps its name"
    );
}

#[test]
fn mysql_modify_change_and_online_indexes() {
    let my = |sql: &str| items(sql, Dialect::Mysql);
    assert_eq!(
        my("ALTER TABLE t MODIFY COLUMN name VARCHAR(200) NOT NULL"),
        vec![Change::AlterColumnType {
            table: s("t"),
            column: s("name"),
            from: None,
            to: ColumnType {
                name: s("varchar"),
                args: vec![200]
            },
        }]
    );
    assert_eq!(
        my("ALTER TABLE t CHANGE COLUMN old_name new_name INT(11)"),
        vec![
            Change::RenameColumn {
                table: s("t"),
                from: s("old_name"),
                to: s("new_name")
            },
            Change::AlterColumnType {
                table: s("t"),
                column: s("new_name"),
                from: None,
                to: ColumnType {
                    name: s("integer"),
                    args: vec![]
                },
            },
        ]
    );
    assert_eq!(
        my("CREATE INDEX i ON t (a) ALGORITHM=INPLACE LOCK=NONE"),
        vec![Change::CreateIndex {
            table: s("t"),
            unique: false,
            concurrently: true,
            columns: vec![s("a")],
        }]
    );
    assert_eq!(
        my("CREATE INDEX i ON t (a)"),
        vec![Change::CreateIndex {
            table: s("t"),
            unique: false,
            concurrently: false,
            columns: vec![s("a")],
        }]
    );
    assert_eq!(
        my("ALTER TABLE t ADD INDEX i (a), ALGORITHM=INPLACE, LOCK=NONE"),
        vec![Change::CreateIndex {
            table: s("t"),
            unique: false,
            concurrently: true,
            columns: vec![s("a")],
        }]
    );
    assert_eq!(
        my("RENAME TABLE a TO b"),
        vec![Change::RenameTable {
            from: s("a"),
            to: s("b")
        }]
    );
    assert_eq!(my("SELECT `x` FROM `T`"), vec![neutral("SELECT")]);
}

#[test]
fn dialects_differ() {
    // Backticks quote identifiers in MySQL, not in PostgreSQL.
    assert_eq!(
        items("DROP TABLE `Users`", Dialect::Mysql),
        vec![Change::DropTable { table: s("Users") }]
    );
    assert!(matches!(
        pg("DROP TABLE `Users`")[0],
        Change::Unparsed { .. }
    ));
    // Dollar quotes are PostgreSQL's.
    assert_eq!(pg("SELECT $$a;b$$").len(), 1);
    // `#` starts a comment in MySQL only.
    assert_eq!(items("# comment\nDROP TABLE a", Dialect::Mysql).len(), 1);
}

#[test]
fn mysql_prepared_statements_are_read_from_their_string_literals() {
    let my = |sql: &str| read_sql(sql, Dialect::Mysql, Position::new(1, 1));
    // Mattermost's shape: the DDL runs only when information_schema says it is needed.
    let sql = "SET @s = (SELECT IF(\n    NOT EXISTS(SELECT 1 FROM INFORMATION_SCHEMA.COLUMNS\n        WHERE table_name = 'Teams' AND column_name = 'Archived'),\n    'ALTER TABLE Teams ADD COLUMN Archived BOOLEAN NOT NULL DEFAULT FALSE;',\n    'SELECT 1'\n));\nPREPARE addIfMissing FROM @s;\nEXECUTE addIfMissing;\nDEALLOCATE PREPARE addIfMissing;\n";
    let changes = my(sql);
    let items: Vec<&Change> = changes.iter().map(|c| &c.item).collect();
    assert_eq!(
        items,
        vec![
            &neutral("SET"),
            &neutral("PREPARE"),
            &Change::AddColumn {
                table: s("teams"),
                column: s("archived"),
                not_null: true,
                has_default: true,
                volatile_default: false,
                default_dropped: false,
            },
            &neutral("SELECT"),
            &neutral("DEALLOCATE PREPARE"),
        ]
    );
    assert_eq!(
        changes[2].at,
        Position::new(4, 35),
        "located in the string literal: the column `Archived` on line 4"
    );
    let direct =
        my("SET @d = 'ALTER TABLE Posts DROP COLUMN Legacy';\nPREPARE p FROM @d;\nEXECUTE p;");
    assert_eq!(
        direct[2].item,
        Change::DropColumn {
            table: s("posts"),
            column: s("legacy")
        }
    );
    let built = my(
        "SET @b = CONCAT('ALTER TABLE ', @t, ' DROP COLUMN x');\nPREPARE p FROM @b;\nEXECUTE p;",
    );
    assert!(
        matches!(&built[2].item, Change::Unparsed { reason } if reason.contains("built at run time")),
        "{built:?}"
    );
    let unknown = my("EXECUTE nothing_prepared;");
    assert!(matches!(&unknown[0].item, Change::Unparsed { .. }));
}

#[test]
fn mysql_multi_table_updates_are_data_changes() {
    let changes = items(
        "UPDATE Threads, Posts SET Threads.ThreadDeleteAt = Posts.DeleteAt WHERE Posts.Id = Threads.PostId",
        Dialect::Mysql,
    );
    assert_eq!(
        changes,
        vec![Change::DataChange {
            table: s("threads"),
            whole_table: false,
            columns: vec![s("threaddeleteat")],
        }]
    );
}

#[test]
fn sequences_restarted_are_neutral_and_renamed_are_not() {
    assert_eq!(
        pg(
            "ALTER SEQUENCE sentry_stringindexer_id_seq START WITH 65536;\nALTER SEQUENCE sentry_stringindexer_id_seq RESTART;"
        ),
        vec![neutral("ALTER SEQUENCE"), neutral("ALTER SEQUENCE")]
    );
    assert!(matches!(
        &pg("ALTER SEQUENCE s RENAME TO t")[0],
        Change::Unparsed { .. }
    ));
}
