//! Helpers the SQL reader's tests share.
use super::read_sql;
use crate::config::schema::Dialect;
use crate::schema::model::{Change, Position};

/// The changes of PostgreSQL `sql` read from (1, 1), without positions.
pub(super) fn pg(sql: &str) -> Vec<Change> {
    items(sql, Dialect::Postgres)
}

/// The changes of `sql` in `dialect` read from (1, 1), without positions.
pub(super) fn items(sql: &str, dialect: Dialect) -> Vec<Change> {
    read_sql(sql, dialect, Position::new(1, 1))
        .into_iter()
        .map(|located| located.item)
        .collect()
}

/// An owned string.
pub(super) fn s(text: &str) -> String {
    text.to_owned()
}

/// `Change::Neutral { what }`.
pub(super) fn neutral(what: &str) -> Change {
    Change::Neutral { what: s(what) }
}
