//! MySQL's prepared-statement DDL: `SET @s = '<statement>'` (often `(SELECT IF(<is it there?>,
//! 'SELECT 1', '<statement>'))`, a check against information_schema), `PREPARE p FROM @s`,
//! `EXECUTE p`, `DEALLOCATE PREPARE p`. The statements in the string literals are read as SQL
//! where `EXECUTE` runs them — every branch of an `IF` or `CASE`, as the condition is only
//! known on the database. A statement built at run time (`CONCAT(…)`) cannot be read: `EXECUTE`
//! says so.
use std::collections::HashMap;

use sqlparser::ast::{
    Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Query, SelectItem, SetExpr, Value,
};
use sqlparser::dialect::Dialect as SqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan};

use super::{position, read_sql};
use crate::config::schema::Dialect;
use crate::schema::model::{Change, Located, Position};

/// A string literal: its text (unescaped) and where its first character is, in the host file.
type Literal = (String, Position);

/// Variables and prepared statements seen so far in one file.
#[derive(Debug, Default)]
pub(super) struct Prepared {
    /// `@var` → the statements it may hold (None: built at run time).
    variables: HashMap<String, Option<Vec<Literal>>>,
    /// Prepared statement name → the statements it may run (None: not readable).
    statements: HashMap<String, Option<Vec<Literal>>>,
}

impl Prepared {
    /// The changes of `tokens` when it is one of the prepared-statement steps; None otherwise.
    pub(super) fn step(
        &mut self,
        tokens: &[TokenWithSpan],
        dialect: &dyn SqlDialect,
        origin: Position,
    ) -> Option<Vec<Located<Change>>> {
        let words: Vec<(usize, String)> = tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| !matches!(t.token, Token::Whitespace(_)))
            .map(|(i, t)| match &t.token {
                Token::Word(w) => (i, w.value.to_lowercase()),
                other => (i, other.to_string()),
            })
            .collect();
        let word = |n: usize| words.get(n).map_or("", |(_, w)| w.as_str());
        let at = |n: usize| {
            let location = words
                .get(n)
                .map_or(Location::new(1, 1), |(i, _)| tokens[*i].span.start);
            position::in_host(location, origin)
        };
        match (word(0), word(1), word(2)) {
            ("set", var, "=") if var.starts_with('@') && !var.starts_with("@@") => {
                let rest = tokens[words[3.min(words.len() - 1)].0..].to_vec();
                let value = Parser::new(dialect)
                    .with_tokens_with_locations(rest)
                    .parse_expr()
                    .ok()
                    .and_then(|expr| branches(&expr, origin));
                self.variables.insert(var.to_owned(), value);
                Some(vec![neutral(at(0), "SET")])
            }
            ("prepare", name, "from") => {
                let source = match words.get(3).map(|(i, _)| &tokens[*i].token) {
                    Some(Token::Word(w)) => self
                        .variables
                        .get(&w.value.to_lowercase())
                        .cloned()
                        .flatten(),
                    Some(Token::SingleQuotedString(s)) => {
                        let start = tokens[words[3].0].span.start;
                        Some(vec![(unescape(s), after_quote(start, origin))])
                    }
                    _ => None,
                };
                self.statements.insert(name.to_owned(), source);
                Some(vec![neutral(at(0), "PREPARE")])
            }
            ("execute", name, _) => Some(match self.statements.get(name) {
                Some(Some(literals)) => literals
                    .iter()
                    .flat_map(|(text, start)| read_sql(text, Dialect::Mysql, *start))
                    .collect(),
                _ => vec![Located {
                    at: at(0),
                    item: Change::Unparsed {
                        reason: format!(
                            "EXECUTE {name} runs a statement built at run time, not a string shipgate can read"
                        ),
                    },
                }],
            }),
            ("deallocate" | "drop", "prepare", _) => {
                Some(vec![neutral(at(0), "DEALLOCATE PREPARE")])
            }
            _ => None,
        }
    }
}

fn neutral(at: Position, what: &str) -> Located<Change> {
    Located {
        at,
        item: Change::Neutral {
            what: what.to_owned(),
        },
    }
}

/// The statements a value may hold: a string, or each branch of `IF` / `CASE` (also inside
/// `(SELECT …)`); None when any part is computed.
fn branches(expr: &Expr, origin: Position) -> Option<Vec<Literal>> {
    match expr {
        Expr::Value(value) => match &value.value {
            Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => {
                Some(vec![(unescape(s), after_quote(value.span.start, origin))])
            }
            _ => None,
        },
        Expr::Nested(inner) => branches(inner, origin),
        Expr::Subquery(query) => branches(single_projection(query)?, origin),
        Expr::Function(function) if function.name.to_string().eq_ignore_ascii_case("if") => {
            let FunctionArguments::List(list) = &function.args else {
                return None;
            };
            let args: Vec<&Expr> = list
                .args
                .iter()
                .map(|a| match a {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
                    _ => None,
                })
                .collect::<Option<_>>()?;
            match args.as_slice() {
                [_, then, otherwise] => {
                    let mut out = branches(then, origin)?;
                    out.extend(branches(otherwise, origin)?);
                    Some(out)
                }
                _ => None,
            }
        }
        Expr::Case {
            conditions,
            else_result,
            ..
        } => {
            let mut out = Vec::new();
            for when in conditions {
                out.extend(branches(&when.result, origin)?);
            }
            if let Some(otherwise) = else_result {
                out.extend(branches(otherwise, origin)?);
            }
            Some(out)
        }
        _ => None,
    }
}

/// `SELECT <expr>` with no `FROM`: its one expression.
fn single_projection(query: &Query) -> Option<&Expr> {
    let SetExpr::Select(select) = query.body.as_ref() else {
        return None;
    };
    match select.projection.as_slice() {
        [SelectItem::UnnamedExpr(expr)] if select.from.is_empty() => Some(expr),
        _ => None,
    }
}

/// Where a literal's text starts in the host file: just after its opening quote.
fn after_quote(quote: Location, origin: Position) -> Position {
    let at = position::in_host(quote, origin);
    Position::new(at.line, at.column + 1)
}

/// The literal's text as MySQL reads it (the tokenizer keeps escapes).
fn unescape(raw: &str) -> String {
    raw.replace("''", "'").replace("\\'", "'")
}
