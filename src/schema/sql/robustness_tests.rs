//! Bad input: a located `Unparsed`, never a panic.
use proptest::prelude::*;

use super::read_sql;
use crate::config::schema::Dialect;
use crate::schema::model::{Change, Position};

const DIALECTS: [Dialect; 3] = [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite];

fn unparsed_at(sql: &str, dialect: Dialect) -> Vec<(Position, String)> {
    read_sql(sql, dialect, Position::new(1, 1))
        .into_iter()
        .filter_map(|l| match l.item {
            Change::Unparsed { reason } => Some((l.at, reason)),
            _ => None,
        })
        .collect()
}

#[test]
fn unterminated_string_is_one_unparsed_at_its_quote() {
    let sql = "CREATE TABLE a (id int);\nINSERT INTO a VALUES ('oops);\nDROP TABLE a;";
    let changes = read_sql(sql, Dialect::Postgres, Position::new(1, 1));
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert!(matches!(changes[0].item, Change::CreateTable { .. }));
    assert_eq!(changes[1].at, Position::new(2, 23));
    assert!(
        matches!(&changes[1].item, Change::Unparsed { reason } if reason.contains("Unterminated"))
    );
}

#[test]
fn unterminated_dollar_quote_and_comment_are_located() {
    let found = unparsed_at(
        "SELECT 1;\nCREATE FUNCTION f() AS $body$ SELECT 1;",
        Dialect::Postgres,
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0.line, 2);
    assert_eq!(
        found[0].0,
        Position::new(2, 1),
        "the statement's start, not the end of text"
    );
    let found = unparsed_at("SELECT 1;\n/* never closed", Dialect::Postgres);
    assert_eq!(found.len(), 1, "{found:?}");
    // SQLite itself accepts an unterminated block comment, and so does its dialect.
    assert!(unparsed_at("SELECT 1;\n/* never closed", Dialect::Sqlite).is_empty());
}

#[test]
fn a_lexical_error_mid_file_spoils_only_its_statement() {
    let changes = read_sql(
        "SELECT 1_;\nDROP TABLE b;",
        Dialect::Postgres,
        Position::new(1, 1),
    );
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert!(matches!(changes[0].item, Change::Unparsed { .. }));
    assert_eq!(changes[0].at.line, 1);
    assert_eq!(changes[1].at, Position::new(2, 1));
}

#[test]
fn parse_errors_point_at_the_error_with_an_origin() {
    let found = unparsed_at(
        "CREATE TABLE a (id int);\nALTER TABLE a ADD COLUMN;",
        Dialect::Postgres,
    );
    assert_eq!(found.len(), 1);
    // The error is at the end of the statement, which sqlparser does not locate.
    assert_eq!(found[0].0, Position::new(2, 1));
    assert!(found[0].1.starts_with("Expected"), "{}", found[0].1);
    let changes = read_sql(
        "ALTER TABLE a ADD COLUMN",
        Dialect::Postgres,
        Position::new(7, 9),
    );
    assert_eq!(changes[0].at, Position::new(7, 9));
    let changes = read_sql(
        "CREATE TABLE a (id int,, x int)",
        Dialect::Postgres,
        Position::new(7, 9),
    );
    assert_eq!(changes[0].at, Position::new(7, 9 + 23), "{changes:?}");
    let changes = read_sql(
        "SELECT 1;\nCREATE TABLE (",
        Dialect::Postgres,
        Position::new(7, 9),
    );
    assert_eq!(changes[1].at, Position::new(8, 14), "{changes:?}");
}

#[test]
fn deep_nesting_is_reported_not_overflowed() {
    let depth = 5_000;
    let sql = format!("SELECT {}1{}", "(".repeat(depth), ")".repeat(depth));
    for dialect in DIALECTS {
        let found = unparsed_at(&sql, dialect);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].1.contains("nested too deeply"), "{}", found[0].1);
    }
}

#[test]
fn gigantic_statements_and_files_are_read() {
    let values: Vec<String> = (0..20_000).map(|i| format!("({i}, 'v{i}')")).collect();
    let sql = format!("INSERT INTO t VALUES {};\nDROP TABLE t;", values.join(", "));
    let changes = read_sql(&sql, Dialect::Postgres, Position::new(1, 1));
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[1].at, Position::new(2, 1));
    let many = "ALTER TABLE t ADD COLUMN c int;\n".repeat(5_000);
    assert_eq!(
        read_sql(&many, Dialect::Mysql, Position::new(1, 1)).len(),
        5_000
    );
}

#[test]
fn binary_garbage_and_control_characters() {
    let garbage =
        String::from_utf8_lossy(&[0, 159, 146, 150, 7, 27, b';', 0, b'\'', 255, b'$', b'$']);
    for dialect in DIALECTS {
        let changes = read_sql(&garbage, dialect, Position::new(1, 1));
        assert!(!changes.is_empty());
        assert!(
            changes
                .iter()
                .all(|l| matches!(l.item, Change::Unparsed { .. }))
        );
        assert!(changes.iter().all(|l| l.at.line >= 1 && l.at.column >= 1));
    }
}

/// Words and symbols that migrations are made of, to build plausible nonsense from.
const SOUP: &[&str] = &[
    "CREATE",
    "ALTER",
    "DROP",
    "TABLE",
    "INDEX",
    "CONCURRENTLY",
    "UNIQUE",
    "ON",
    "ADD",
    "COLUMN",
    "CONSTRAINT",
    "NOT",
    "NULL",
    "VALID",
    "DEFAULT",
    "RENAME",
    "TO",
    "TYPE",
    "SET",
    "BEGIN",
    "END",
    "CASE",
    "WHEN",
    "THEN",
    "IF",
    "EXISTS",
    "TRIGGER",
    "FUNCTION",
    "AS",
    "SELECT",
    "FROM",
    "WHERE",
    "UPDATE",
    "DELETE",
    "INSERT",
    "INTO",
    "VALUES",
    "MODIFY",
    "CHANGE",
    "ALGORITHM",
    "LOCK",
    "=",
    "t",
    "c",
    "\"Q\"",
    "`b`",
    "1",
    "1_",
    "0x",
    "'s'",
    "'",
    "$$",
    "$t$",
    "--",
    "/*",
    "*/",
    "(",
    ")",
    ",",
    ";",
    ".",
    "::",
    "varchar(10)",
    "gen_random_uuid()",
    "\n",
    "\0",
    "DO",
    "E'\\'",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(SOUP), 0..40).prop_map(|words| words.join(" "))
}

fn check(text: &str, origin: Position) {
    for dialect in DIALECTS {
        for located in read_sql(text, dialect, origin) {
            assert!(
                located.at >= origin,
                "{located:?} before {origin:?} in {text:?}"
            );
            assert!(located.at.column >= 1);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        check(&String::from_utf8_lossy(&bytes), Position::new(1, 1));
    }

    #[test]
    fn token_soup_never_panics(text in soup(), line in 1usize..50, column in 1usize..80) {
        check(&text, Position::new(line, column));
    }
}

/// A realistic migration: a table, columns, an index, a backfill, a constraint.
fn migration(i: usize) -> String {
    format!(
        "-- migration {i}\n\
         BEGIN;\n\
         CREATE TABLE IF NOT EXISTS orders_{i} (\n  id bigserial PRIMARY KEY,\n  \
         user_id bigint NOT NULL REFERENCES users(id),\n  note text,\n  \
         created_at timestamptz NOT NULL DEFAULT now()\n);\n\
         ALTER TABLE users ADD COLUMN flag_{i} boolean NOT NULL DEFAULT false;\n\
         CREATE INDEX CONCURRENTLY idx_{i} ON orders_{i} (user_id);\n\
         UPDATE users SET flag_{i} = true WHERE id < {i};\n\
         ALTER TABLE orders_{i} ADD CONSTRAINT c_{i} CHECK (id > 0) NOT VALID;\n\
         ALTER TABLE orders_{i} ALTER COLUMN note TYPE varchar(200);\n\
         COMMENT ON TABLE orders_{i} IS 'orders; {i}';\n\
         COMMIT;\n"
    )
}

/// Every statement of a realistic migration is read, file after file (the reader keeps no state
/// between files). Its speed is measured by `cargo bench --bench schema_files`, not here.
#[test]
fn every_statement_of_realistic_migrations_is_read() {
    for i in 0..20 {
        let kinds: Vec<String> = read_sql(&migration(i), Dialect::Postgres, Position::new(1, 1))
            .iter()
            .map(|c| {
                let debug = format!("{:?}", c.item);
                debug
                    .split([' ', '('])
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "Neutral",
                "CreateTable",
                "TableShape",
                "AddColumn",
                "CreateIndex",
                "DataChange",
                "AddConstraint",
                "AlterColumnType",
                "Neutral",
                "Neutral"
            ],
            "migration {i}"
        );
    }
}
