//! SQL migrations read into [`Change`]s with sqlparser.
//! STUB: the real reader replaces this file; only the signature below is the contract.
use crate::config::schema::Dialect;
use crate::schema::model::{Change, Located, Position};

/// Read every statement of `text` (SQL in `dialect`) into changes located in the host file:
/// `origin` is where `text` starts there ((1, 1) for a `.sql` file; the string's start when the
/// SQL is embedded in Ruby or Python). Never panics: what cannot be parsed is [`Change::Unparsed`].
pub fn read_sql(text: &str, dialect: Dialect, origin: Position) -> Vec<Located<Change>> {
    let _ = (text, dialect);
    vec![Located {
        at: origin,
        item: Change::Unparsed {
            reason: "stub".to_owned(),
        },
    }]
}
