//! SQL migrations read into [`Change`]s with sqlparser.
//!
//! The text is tokenized once and cut at top-level `;` ([`split`]); each statement is parsed on
//! its own, so one broken statement does not hide the others, and mapped to changes ([`map`],
//! [`alter`], [`columns`]). Positions are carried over from the tokens into the host file.
mod alter;
mod checks;
mod columns;
mod map;
mod names;
mod position;
mod prepared;
mod shape;
mod split;
mod types;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod robustness_tests;

#[cfg(test)]
mod file_tests;

#[cfg(test)]
mod test_support;

use sqlparser::dialect::{Dialect as SqlDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Token, TokenWithSpan};

use crate::config::schema::Dialect;
use crate::schema::model::{Change, Located, Position, TableShape};
use split::Piece;

/// Read every statement of `text` (SQL in `dialect`) into changes located in the host file:
/// `origin` is where `text` starts there ((1, 1) for a `.sql` file; the string's start when the
/// SQL is embedded in Ruby or Python). Never panics: what cannot be parsed is [`Change::Unparsed`].
pub fn read_sql(text: &str, dialect: Dialect, origin: Position) -> Vec<Located<Change>> {
    let mysql = dialect == Dialect::Mysql;
    let dialect: &dyn SqlDialect = match dialect {
        Dialect::Postgres => &PostgreSqlDialect {},
        Dialect::Mysql => &MySqlDialect {},
        Dialect::Sqlite => &SQLiteDialect {},
    };
    let mut out = Vec::new();
    let mut prepared = prepared::Prepared::default();
    for piece in split::split(text, dialect) {
        match piece {
            Piece::Statement(tokens) => {
                match mysql
                    .then(|| prepared.step(&tokens, dialect, origin))
                    .flatten()
                {
                    Some(changes) => out.extend(changes),
                    None => statement(tokens, dialect, mysql, origin, &mut out),
                }
            }
            Piece::LexError { at, message } => out.push(Located {
                at: position::in_host(at, origin),
                item: Change::Unparsed { reason: message },
            }),
        }
    }
    rebuilds(&mut out);
    out
}

/// SQLite's table rebuild — `CREATE TABLE new_t (…)`, copy, `DROP TABLE t`, `ALTER TABLE new_t
/// RENAME TO t` — changes the table's definition, not its name: the `DROP` becomes a
/// [`Change::RebuildTable`] carrying the new definition's constraints (the rules compare them with
/// the old ones); the `CREATE` of `new_t` and the `RENAME` that gives the table back its own name
/// are part of it, nothing old code notices.
fn rebuilds(changes: &mut [Located<Change>]) {
    if !changes
        .iter()
        .any(|c| matches!(c.item, Change::RenameTable { .. }))
    {
        return;
    }
    let created: Vec<String> = changes
        .iter()
        .filter_map(|c| match &c.item {
            Change::CreateTable { table } => Some(table.clone()),
            _ => None,
        })
        .collect();
    let renamed: Vec<(String, String)> = changes
        .iter()
        .filter_map(|c| match &c.item {
            Change::RenameTable { from, to } if created.contains(from) => {
                Some((from.clone(), to.clone()))
            }
            _ => None,
        })
        .collect();
    if renamed.is_empty() {
        return;
    }
    let shape_of = |table: &str| {
        changes
            .iter()
            .find_map(|c| match &c.item {
                Change::TableShape { table: t, shape } if t == table => Some(shape.clone()),
                _ => None,
            })
            .unwrap_or_default()
    };
    let rebuilt: Vec<(String, TableShape)> = renamed
        .iter()
        .filter(|(_, to)| {
            changes
                .iter()
                .any(|c| matches!(&c.item, Change::DropTable { table } if table == to))
        })
        .map(|(from, to)| (to.clone(), shape_of(from)))
        .collect();
    for change in changes.iter_mut() {
        match &change.item {
            Change::DropTable { table } => {
                if let Some((_, shape)) = rebuilt.iter().find(|(t, _)| t == table) {
                    change.item = Change::RebuildTable {
                        table: table.clone(),
                        shape: shape.clone(),
                    };
                }
            }
            Change::CreateTable { table }
                if renamed
                    .iter()
                    .any(|(from, to)| from == table && rebuilt.iter().any(|(t, _)| t == to)) =>
            {
                change.item = Change::Neutral {
                    what: format!("CREATE TABLE {table}, the new definition of a rebuilt table"),
                };
            }
            Change::RenameTable { from, to }
                if rebuilt.iter().any(|(t, _)| t == to)
                    && renamed.iter().any(|(f, t)| f == from && t == to) =>
            {
                change.item = Change::Neutral {
                    what: format!("RENAME of the rebuilt {to} to its own name"),
                };
            }
            _ => {}
        }
    }
}

/// Parse one statement's tokens and push its changes.
fn statement(
    mut tokens: Vec<TokenWithSpan>,
    dialect: &dyn SqlDialect,
    mysql: bool,
    origin: Position,
    out: &mut Vec<Located<Change>>,
) {
    let start = tokens.first().map_or(Location::new(1, 1), |t| t.span.start);
    let at = position::in_host(start, origin);
    let lead = lead(&tokens);
    if lead == "DO" {
        out.push(Located {
            at,
            item: Change::Code {
                what: "DO block".to_owned(),
            },
        });
        return;
    }
    if lead == "ALTER SEQUENCE" && !renames(&tokens) {
        // A new start, increment, cache or owner changes the numbers new rows get, nothing old
        // code reads or writes.
        out.push(Located {
            at,
            item: Change::Neutral {
                what: "ALTER SEQUENCE".to_owned(),
            },
        });
        return;
    }
    let drop_index_concurrently = take_drop_index_concurrently(&mut tokens);
    if mysql && lead.starts_with("UPDATE") {
        join_update_tables(&mut tokens);
    }
    let hints = map::Hints {
        drop_index_concurrently,
        lead: &lead,
        mysql,
    };
    match Parser::new(dialect)
        .with_tokens_with_locations(tokens)
        .parse_statements()
    {
        Ok(statements) => {
            for statement in &statements {
                for (location, item) in map::changes(statement, hints) {
                    let at = location.map_or(at, |l| position::in_host(l, origin));
                    out.push(Located { at, item });
                }
            }
        }
        Err(error) => {
            let (reason, location) = match &error {
                ParserError::RecursionLimitExceeded => (
                    "the statement is nested too deeply to read (recursion limit exceeded)",
                    None,
                ),
                ParserError::ParserError(message) | ParserError::TokenizerError(message) => {
                    position::split_message(message)
                }
            };
            out.push(Located {
                at: location.map_or(at, |l| position::in_host(l, origin)),
                item: Change::Unparsed {
                    reason: reason.to_owned(),
                },
            });
        }
    }
}

/// The first two keywords, upper-cased: `ALTER TYPE`, `DO`.
fn lead(tokens: &[TokenWithSpan]) -> String {
    let mut words = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .take(2)
        .map_while(|t| match &t.token {
            Token::Word(word)
                if word.quote_style.is_none() && word.keyword != Keyword::NoKeyword =>
            {
                Some(word.value.to_uppercase())
            }
            _ => None,
        });
    match (words.next(), words.next()) {
        (Some(first), Some(second)) if first != "DO" => format!("{first} {second}"),
        (Some(first), _) => first,
        (None, _) => "this statement".to_owned(),
    }
}

/// Whether the statement renames something or moves it to another schema.
fn renames(tokens: &[TokenWithSpan]) -> bool {
    tokens.windows(3).any(|w| {
        let keyword = |t: &TokenWithSpan| match &t.token {
            Token::Word(word) => word.keyword,
            _ => Keyword::NoKeyword,
        };
        keyword(&w[0]) == Keyword::RENAME
            || (keyword(&w[0]) == Keyword::SET && keyword(&w[2]) == Keyword::SCHEMA)
    })
}

/// MySQL's multi-table `UPDATE a, b SET a.x = b.y WHERE …`, which sqlparser does not read, as
/// the equivalent `UPDATE a CROSS JOIN b SET …`.
fn join_update_tables(tokens: &mut Vec<TokenWithSpan>) {
    let mut depth = 0usize;
    let mut at = 0;
    while at < tokens.len() {
        match &tokens[at].token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            Token::Word(word) if depth == 0 && word.keyword == Keyword::SET => return,
            Token::Comma if depth == 0 => {
                let span = tokens[at].span;
                let with = |token| TokenWithSpan { token, span };
                let join = [
                    with(Token::Whitespace(sqlparser::tokenizer::Whitespace::Space)),
                    with(Token::make_keyword("CROSS")),
                    with(Token::Whitespace(sqlparser::tokenizer::Whitespace::Space)),
                    with(Token::make_keyword("JOIN")),
                ];
                tokens.splice(at..=at, join);
                at += 3;
            }
            _ => {}
        }
        at += 1;
    }
}

/// Remove `CONCURRENTLY` from `DROP INDEX CONCURRENTLY …`, which sqlparser does not read.
fn take_drop_index_concurrently(tokens: &mut Vec<TokenWithSpan>) -> bool {
    let words: Vec<(usize, Keyword)> = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| !matches!(t.token, Token::Whitespace(_)))
        .take(3)
        .map(|(i, t)| match &t.token {
            Token::Word(word) if word.quote_style.is_none() => (i, word.keyword),
            _ => (i, Keyword::NoKeyword),
        })
        .collect();
    match words.as_slice() {
        [
            (_, Keyword::DROP),
            (_, Keyword::INDEX),
            (at, Keyword::CONCURRENTLY),
        ] => {
            tokens.remove(*at);
            true
        }
        _ => false,
    }
}

pub use alter::expression_names;
pub use checks::{CheckRelation, compare_checks};

/// The reason given for a statement that parses but means nothing to shipgate yet.
fn not_understood(what: &str) -> Change {
    Change::Unparsed {
        reason: format!("{what} is not understood by shipgate"),
    }
}
