//! Whether a CHECK constraint admits every value the one it replaces admitted.
//!
//! The common shapes are understood, combined with `AND` per column: `col IN (…)` (also as
//! PostgreSQL stores it, `col = ANY (ARRAY[…])`), `col = v`, numeric bounds (`col > 0`,
//! `col BETWEEN 1 AND 10`), a length limit (`length(col) <= N`, `char_length(col) <= N`),
//! `col IS NOT NULL`, and `col IS NULL OR <one of these>`. Anything else leaves the relation
//! unknown: it is reported as such, never guessed.
use std::collections::BTreeMap;

use sqlparser::ast::{
    BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, InTarget, UnaryOperator,
    Value,
};
use sqlparser::dialect::{MySqlDialect, PostgreSqlDialect};
use sqlparser::parser::Parser;

/// What the new CHECK admits, compared with the old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckRelation {
    /// Every value the old one admitted, and perhaps more: old code's writes still pass.
    AdmitsAll,
    /// Not every value the old one admitted: some writes of old code now fail.
    AdmitsFewer,
    /// Shapes shipgate does not compare.
    Unknown,
}

/// Compare two CHECK expressions (SQL text, as in `CHECK (…)`).
pub fn compare_checks(old: &str, new: &str) -> CheckRelation {
    let (Some(old), Some(new)) = (domains(old), domains(new)) else {
        return CheckRelation::Unknown;
    };
    let any = Domain::default();
    let admits_all = old.keys().chain(new.keys()).all(|term| {
        old.get(term)
            .unwrap_or(&any)
            .within(new.get(term).unwrap_or(&any))
    });
    if admits_all {
        CheckRelation::AdmitsAll
    } else {
        CheckRelation::AdmitsFewer
    }
}

/// A literal value, compared by what it denotes.
#[derive(Debug, Clone, PartialEq)]
enum Literal {
    Number(f64),
    Text(String),
}

/// One bound of an interval: the value and whether it is included.
type Bound = Option<(f64, bool)>;

/// The values a CHECK admits for one term (a column, or a column's length); NULL passes a
/// CHECK unless it says `IS NOT NULL`.
#[derive(Debug, Clone, Default, PartialEq)]
struct Domain {
    /// Only these values (None: any).
    values: Option<Vec<Literal>>,
    low: Bound,
    high: Bound,
    not_null: bool,
}

impl Domain {
    /// Both conditions at once (`AND`).
    fn and(mut self, other: Domain) -> Domain {
        self.values = match (self.values, other.values) {
            (Some(a), Some(b)) => Some(a.into_iter().filter(|v| b.contains(v)).collect()),
            (a, b) => a.or(b),
        };
        self.low = tighter(self.low, other.low, |a, b| a > b);
        self.high = tighter(self.high, other.high, |a, b| a < b);
        self.not_null |= other.not_null;
        self
    }

    /// Whether `value` passes.
    fn admits(&self, value: &Literal) -> bool {
        if let Some(values) = &self.values
            && !values.contains(value)
        {
            return false;
        }
        match value {
            Literal::Number(n) => {
                self.low.is_none_or(|(b, inc)| *n > b || (inc && *n == b))
                    && self.high.is_none_or(|(b, inc)| *n < b || (inc && *n == b))
            }
            Literal::Text(_) => self.low.is_none() && self.high.is_none(),
        }
    }

    /// Whether every value `self` admits, `wider` admits too.
    fn within(&self, wider: &Domain) -> bool {
        if wider.not_null && !self.not_null {
            return false;
        }
        match &self.values {
            Some(values) => values.iter().all(|v| wider.admits(v)),
            None => {
                wider.values.is_none()
                    && covers(wider.low, self.low, |a, b| a < b)
                    && covers(wider.high, self.high, |a, b| a > b)
            }
        }
    }
}

/// The tighter of two bounds; `beyond(a, b)`: a is tighter than b.
fn tighter(a: Bound, b: Bound, beyond: impl Fn(f64, f64) -> bool) -> Bound {
    match (a, b) {
        (Some(x), Some(y)) if x.0 == y.0 => Some((x.0, x.1 && y.1)),
        (Some(x), Some(y)) => Some(if beyond(x.0, y.0) { x } else { y }),
        (a, b) => a.or(b),
    }
}

/// Whether bound `outer` lets through everything `inner` does; `looser(a, b)`: a is looser.
fn covers(outer: Bound, inner: Bound, looser: impl Fn(f64, f64) -> bool) -> bool {
    match (outer, inner) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some((o, o_inc)), Some((i, i_inc))) => looser(o, i) || (o == i && (o_inc || !i_inc)),
    }
}

/// The domains of every term the expression restricts; None when a part is not understood.
fn domains(text: &str) -> Option<BTreeMap<String, Domain>> {
    let expr = Parser::new(&PostgreSqlDialect {})
        .try_with_sql(text)
        .and_then(|mut p| p.parse_expr())
        .or_else(|_| {
            Parser::new(&MySqlDialect {})
                .try_with_sql(text)
                .and_then(|mut p| p.parse_expr())
        })
        .ok()?;
    let mut out = BTreeMap::new();
    conjuncts(&expr, &mut out)?;
    Some(out)
}

fn conjuncts(expr: &Expr, out: &mut BTreeMap<String, Domain>) -> Option<()> {
    match bare(expr) {
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => {
            conjuncts(left, out)?;
            conjuncts(right, out)
        }
        other => {
            let (term, domain) = atom(other)?;
            let merged = out.remove(&term).unwrap_or_default().and(domain);
            out.insert(term, merged);
            Some(())
        }
    }
}

/// One condition on one term.
fn atom(expr: &Expr) -> Option<(String, Domain)> {
    let only = |values: Vec<Literal>| Domain {
        values: Some(values),
        ..Domain::default()
    };
    match bare(expr) {
        Expr::IsNotNull(inner) => Some((
            term(inner)?,
            Domain {
                not_null: true,
                ..Domain::default()
            },
        )),
        // `col IS NULL OR <condition on col>`: NULL passes a CHECK anyway.
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Or,
            right,
        } => {
            let (null_side, other) = match (bare(left), bare(right)) {
                (Expr::IsNull(inner), other) | (other, Expr::IsNull(inner)) => {
                    (term(inner)?, other)
                }
                _ => return None,
            };
            let (term, domain) = atom(other)?;
            (term == null_side && !domain.not_null).then_some((term, domain))
        }
        Expr::In {
            expr,
            target: InTarget::List(list),
            negated: false,
            ..
        } => Some((
            term(expr)?,
            only(list.iter().map(literal).collect::<Option<_>>()?),
        )),
        Expr::AnyOp {
            left,
            compare_op: BinaryOperator::Eq,
            right,
            ..
        } => match bare(right) {
            Expr::Array(array) => Some((
                term(left)?,
                only(array.elem.iter().map(literal).collect::<Option<_>>()?),
            )),
            _ => None,
        },
        Expr::Between {
            expr,
            negated: false,
            low,
            high,
        } => Some((
            term(expr)?,
            Domain {
                low: Some((number(low)?, true)),
                high: Some((number(high)?, true)),
                ..Domain::default()
            },
        )),
        Expr::BinaryOp { left, op, right } => {
            // `col op literal`, or `literal op col` read the other way round.
            let (term, op, value) = match (term(left), term(right)) {
                (Some(t), None) => (t, op.clone(), right),
                (None, Some(t)) => (t, flipped(op)?, left),
                _ => return None,
            };
            if op == BinaryOperator::Eq {
                return Some((term, only(vec![literal(value)?])));
            }
            let n = number(value)?;
            let domain = match op {
                BinaryOperator::Gt => Domain {
                    low: Some((n, false)),
                    ..Domain::default()
                },
                BinaryOperator::GtEq => Domain {
                    low: Some((n, true)),
                    ..Domain::default()
                },
                BinaryOperator::Lt => Domain {
                    high: Some((n, false)),
                    ..Domain::default()
                },
                BinaryOperator::LtEq => Domain {
                    high: Some((n, true)),
                    ..Domain::default()
                },
                _ => return None,
            };
            Some((term, domain))
        }
        _ => None,
    }
}

fn flipped(op: &BinaryOperator) -> Option<BinaryOperator> {
    Some(match op {
        BinaryOperator::Eq => BinaryOperator::Eq,
        BinaryOperator::Gt => BinaryOperator::Lt,
        BinaryOperator::GtEq => BinaryOperator::LtEq,
        BinaryOperator::Lt => BinaryOperator::Gt,
        BinaryOperator::LtEq => BinaryOperator::GtEq,
        _ => return None,
    })
}

/// The expression without parentheses and casts (`(status)::text`).
fn bare(expr: &Expr) -> &Expr {
    match expr {
        Expr::Nested(inner) | Expr::Cast { expr: inner, .. } => bare(inner),
        other => other,
    }
}

/// A column (`status`, `t.status`) or a column's length (`char_length(name)`).
fn term(expr: &Expr) -> Option<String> {
    match bare(expr) {
        Expr::Identifier(ident) => Some(ident.value.to_lowercase()),
        Expr::CompoundIdentifier(parts) => parts.last().map(|i| i.value.to_lowercase()),
        Expr::Function(function) => {
            let name = function.name.to_string().to_lowercase();
            if !matches!(name.as_str(), "length" | "char_length" | "character_length") {
                return None;
            }
            let FunctionArguments::List(list) = &function.args else {
                return None;
            };
            match list.args.as_slice() {
                [FunctionArg::Unnamed(FunctionArgExpr::Expr(arg))] => {
                    let column = term(arg)?;
                    (!column.contains('(')).then(|| format!("length({column})"))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

fn literal(expr: &Expr) -> Option<Literal> {
    match bare(expr) {
        Expr::Value(value) => match &value.value {
            Value::Number(n, _) => n.to_string().parse().ok().map(Literal::Number),
            Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => {
                Some(Literal::Text(s.clone()))
            }
            Value::Boolean(b) => Some(Literal::Text(b.to_string())),
            _ => None,
        },
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => match literal(expr)? {
            Literal::Number(n) => Some(Literal::Number(-n)),
            Literal::Text(_) => None,
        },
        _ => None,
    }
}

fn number(expr: &Expr) -> Option<f64> {
    match literal(expr)? {
        Literal::Number(n) => Some(n),
        Literal::Text(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::CheckRelation::{AdmitsAll, AdmitsFewer, Unknown};
    use super::*;

    #[test]
    fn value_lists_gaining_or_losing_values() {
        let old = "channel IN ('youtube', 'instagram', 'facebook')";
        assert_eq!(
            compare_checks(
                old,
                "channel IN ('youtube', 'tiktok', 'instagram', 'facebook')"
            ),
            AdmitsAll
        );
        assert_eq!(
            compare_checks(old, "channel IN ('youtube', 'facebook')"),
            AdmitsFewer
        );
        assert_eq!(compare_checks(old, old), AdmitsAll);
        // As PostgreSQL stores it (pg_dump, Rails' schema dump).
        let stored_old = "(scope)::text = ANY ((ARRAY['parent'::character varying, 'subagent_child'::character varying])::text[])";
        let stored_new = "(scope)::text = ANY ((ARRAY['parent'::character varying, 'subagent'::character varying])::text[])";
        assert_eq!(
            compare_checks(stored_old, stored_new),
            AdmitsFewer,
            "a value renamed"
        );
        assert_eq!(
            compare_checks("scope IN ('parent')", stored_old),
            AdmitsAll,
            "one value → two"
        );
    }

    #[test]
    fn numeric_bounds() {
        assert_eq!(compare_checks("amount > 0", "amount >= 0"), AdmitsAll);
        assert_eq!(compare_checks("amount >= 0", "amount > 0"), AdmitsFewer);
        assert_eq!(compare_checks("0 < amount", "amount >= 0"), AdmitsAll);
        assert_eq!(
            compare_checks("amount BETWEEN 1 AND 10", "amount >= 0 AND amount <= 100"),
            AdmitsAll
        );
        assert_eq!(
            compare_checks("amount >= 0", "amount BETWEEN 0 AND 100"),
            AdmitsFewer
        );
        assert_eq!(compare_checks("amount IN (1, 2)", "amount > 0"), AdmitsAll);
        assert_eq!(compare_checks("amount > -1", "amount >= 0"), AdmitsFewer);
    }

    #[test]
    fn length_limits() {
        assert_eq!(
            compare_checks("char_length(name) <= 255", "char_length(name) <= 1024"),
            AdmitsAll
        );
        assert_eq!(
            compare_checks(
                "char_length(name) <= 1024",
                "char_length((name)::text) <= 255"
            ),
            AdmitsFewer
        );
        assert_eq!(
            compare_checks("length(name) <= 255", "char_length(name) <= 255"),
            AdmitsAll,
            "length and char_length count characters alike"
        );
    }

    #[test]
    fn nulls_and_other_columns() {
        assert_eq!(
            compare_checks(
                "state IN ('a', 'b')",
                "state IS NULL OR state IN ('a', 'b', 'c')"
            ),
            AdmitsAll
        );
        assert_eq!(
            compare_checks("state IN ('a')", "state IN ('a') AND state IS NOT NULL"),
            AdmitsFewer
        );
        assert_eq!(
            compare_checks("state IN ('a')", "state IN ('a') AND kind = 'x'"),
            AdmitsFewer,
            "a condition on another column"
        );
        assert_eq!(
            compare_checks("state IN ('a') AND kind = 'x'", "state IN ('a', 'b')"),
            AdmitsAll
        );
    }

    #[test]
    fn other_shapes_are_unknown() {
        assert_eq!(
            compare_checks("full_access = true OR token IS NULL", "token IS NULL"),
            Unknown
        );
        assert_eq!(compare_checks("a < b", "a <= b"), Unknown);
        assert_eq!(
            compare_checks("status NOT IN ('x')", "status IN ('y')"),
            Unknown
        );
        assert_eq!(compare_checks("not sql at all (", "a > 0"), Unknown);
    }
}
