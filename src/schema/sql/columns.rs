//! `ADD COLUMN`: the column's nullability and default, and the constraints declared inline.
use sqlparser::ast::{ColumnDef, ColumnOption, Expr};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::Token;

use super::names;
use crate::schema::model::{Change, ConstraintDetail, ConstraintKind};

/// Functions whose default differs per row, so adding the column rewrites the table.
/// `now()` / `CURRENT_TIMESTAMP` are stable within a statement: no rewrite.
const VOLATILE: &[&str] = &[
    "random",
    "clock_timestamp",
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "timeofday",
    "nextval",
];

/// Serial types: a `nextval` default in disguise.
const SERIAL: &[&str] = &[
    "serial",
    "serial4",
    "bigserial",
    "serial8",
    "smallserial",
    "serial2",
];

/// The `AddColumn` for `column` of `table`, then an `AddConstraint` per inline constraint.
/// MySQL (`mysql`) ignores `REFERENCES` in a column definition: no constraint for it.
pub(super) fn add_column(table: &str, column: &ColumnDef, mysql: bool) -> Vec<Change> {
    let mut not_null = false;
    let mut has_default = false;
    let mut volatile_default = false;
    let mut constraints = Vec::new();
    let mut ignored_references = false;
    let type_name = column.data_type.to_string().to_lowercase();
    if SERIAL.contains(&type_name.as_str()) {
        has_default = true;
        volatile_default = true;
    }
    for option in &column.options {
        match &option.option {
            ColumnOption::NotNull => not_null = true,
            ColumnOption::Default(expr) => {
                has_default = true;
                volatile_default |= is_volatile(expr);
            }
            // Identity and stored generated columns are computed for every existing row.
            ColumnOption::Generated { .. } | ColumnOption::Identity(_) => {
                has_default = true;
                volatile_default = true;
            }
            ColumnOption::DialectSpecific(tokens) if is_auto_increment(tokens) => {
                has_default = true;
                volatile_default = true;
            }
            ColumnOption::PrimaryKey(_) => {
                not_null = true;
                constraints.push((ConstraintKind::PrimaryKey, false, None));
            }
            ColumnOption::Unique(_) => constraints.push((ConstraintKind::Unique, false, None)),
            ColumnOption::ForeignKey(_) if mysql => ignored_references = true,
            ColumnOption::ForeignKey(fk) => constraints.push((
                ConstraintKind::ForeignKey,
                super::alter::cascades(fk.on_delete),
                None,
            )),
            ColumnOption::Check(check) => {
                constraints.push((ConstraintKind::Check, false, Some(check.expr.to_string())));
            }
            _ => {}
        }
    }
    let name = names::ident(&column.name);
    let mut changes = vec![Change::AddColumn {
        table: table.to_owned(),
        column: name.clone(),
        not_null,
        has_default,
        volatile_default,
        default_dropped: false,
    }];
    let bare_table = table.rsplit('.').next().unwrap_or(table);
    changes.extend(
        constraints
            .into_iter()
            .map(|(kind, cascades, check)| Change::AddConstraint {
                table: table.to_owned(),
                kind,
                not_valid: false,
                using_index: false,
                columns: vec![name.clone()],
                cascades,
                detail: ConstraintDetail {
                    // PostgreSQL names a column's CHECK `<table>_<column>_check`.
                    name: (check.is_some() && !mysql).then(|| format!("{bare_table}_{name}_check")),
                    check,
                    ..Default::default()
                },
            }),
    );
    if ignored_references {
        changes.push(Change::IgnoredReferences {
            table: table.to_owned(),
            column: name,
        });
    }
    changes
}

fn is_auto_increment(tokens: &[Token]) -> bool {
    tokens.iter().any(|token| {
        matches!(token, Token::Word(word)
            if matches!(word.keyword, Keyword::AUTO_INCREMENT | Keyword::AUTOINCREMENT))
    })
}

/// Whether `expr` calls a volatile function (by name, schema qualification ignored).
pub(super) fn is_volatile(expr: &Expr) -> bool {
    let text = expr.to_string().to_lowercase();
    VOLATILE.iter().any(|name| calls(&text, name))
}

/// Whether `text` has `name` as a whole word followed by `(`.
fn calls(text: &str, name: &str) -> bool {
    let bytes = text.as_bytes();
    text.match_indices(name).any(|(at, _)| {
        let before_ok = at == 0 || !is_word_byte(bytes[at - 1]);
        let after = text[at + name.len()..].trim_start();
        before_ok && after.starts_with('(')
    })
}

fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volatile_calls_are_whole_words() {
        assert!(calls("gen_random_uuid()", "gen_random_uuid"));
        assert!(calls("public.gen_random_uuid ()", "gen_random_uuid"));
        assert!(calls("nextval('s'::regclass)", "nextval"));
        assert!(!calls("my_random()", "random"));
        assert!(!calls("random_value", "random"));
    }
}
