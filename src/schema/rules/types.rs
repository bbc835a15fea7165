//! Comparing column types: does a change widen the type (old values and old writes still fit)?
use crate::schema::model::ColumnType;

/// What a type change does to the values a column accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeChange {
    /// Every old value fits, and PostgreSQL does not rewrite the table.
    CheapWidening,
    /// Every old value fits, but the table is rewritten.
    Widening,
    /// Some values may no longer fit, or their meaning changes.
    Incompatible,
}

fn integer_rank(name: &str) -> Option<u8> {
    match name {
        "smallint" => Some(1),
        "integer" | "mediumint" => Some(2),
        "bigint" => Some(3),
        _ => None,
    }
}

fn is_text(name: &str) -> bool {
    matches!(name, "text" | "longtext" | "mediumtext" | "citext")
}

fn is_varchar(name: &str) -> bool {
    matches!(name, "varchar" | "nvarchar")
}

/// Compare `from` with `to`.
pub fn compare(from: &ColumnType, to: &ColumnType) -> TypeChange {
    if from == to {
        return TypeChange::CheapWidening;
    }
    let (f, t) = (from.name.as_str(), to.name.as_str());
    if is_varchar(f) && is_varchar(t) {
        return match (from.args.first(), to.args.first()) {
            (Some(a), Some(b)) if b >= a => TypeChange::CheapWidening,
            (_, None) => TypeChange::CheapWidening,
            _ => TypeChange::Incompatible,
        };
    }
    if (is_varchar(f) || f == "char" || is_text(f)) && is_text(t) {
        return TypeChange::CheapWidening;
    }
    if let (Some(a), Some(b)) = (integer_rank(f), integer_rank(t)) {
        return if b >= a {
            TypeChange::Widening
        } else {
            TypeChange::Incompatible
        };
    }
    if f == "numeric" && t == "numeric" {
        return match (from.args.as_slice(), to.args.as_slice()) {
            (_, []) => TypeChange::CheapWidening,
            ([p1, rest @ ..], [p2, rest2 @ ..]) => {
                let s1 = rest.first().copied().unwrap_or(0);
                let s2 = rest2.first().copied().unwrap_or(0);
                if s1 == s2 && p2 >= p1 {
                    TypeChange::CheapWidening
                } else if s2 >= s1 && p2.saturating_sub(s2) >= p1.saturating_sub(s1) {
                    TypeChange::Widening
                } else {
                    TypeChange::Incompatible
                }
            }
            _ => TypeChange::Incompatible,
        };
    }
    if integer_rank(f).is_some() && t == "numeric" && to.args.is_empty() {
        return TypeChange::Widening;
    }
    if f == "real" && t == "double precision" {
        return TypeChange::Widening;
    }
    TypeChange::Incompatible
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(name: &str, args: &[u64]) -> ColumnType {
        ColumnType {
            name: name.into(),
            args: args.to_vec(),
        }
    }

    #[test]
    fn widenings_and_narrowings() {
        use TypeChange::*;
        let cases = [
            (ty("varchar", &[50]), ty("varchar", &[100]), CheapWidening),
            (ty("varchar", &[100]), ty("varchar", &[50]), Incompatible),
            (ty("varchar", &[100]), ty("varchar", &[]), CheapWidening),
            (ty("varchar", &[]), ty("varchar", &[10]), Incompatible),
            (ty("varchar", &[100]), ty("text", &[]), CheapWidening),
            (ty("text", &[]), ty("varchar", &[255]), Incompatible),
            (ty("integer", &[]), ty("bigint", &[]), Widening),
            (ty("bigint", &[]), ty("integer", &[]), Incompatible),
            (ty("smallint", &[]), ty("integer", &[]), Widening),
            (
                ty("numeric", &[10, 2]),
                ty("numeric", &[12, 2]),
                CheapWidening,
            ),
            (ty("numeric", &[10, 2]), ty("numeric", &[12, 3]), Widening),
            (
                ty("numeric", &[10, 2]),
                ty("numeric", &[10, 3]),
                Incompatible,
            ),
            (ty("numeric", &[10, 2]), ty("numeric", &[]), CheapWidening),
            (ty("integer", &[]), ty("text", &[]), Incompatible),
            (ty("timestamp", &[]), ty("timestamptz", &[]), Incompatible),
            (ty("real", &[]), ty("double precision", &[]), Widening),
        ];
        for (from, to, expected) in cases {
            assert_eq!(compare(&from, &to), expected, "{from:?} → {to:?}");
        }
    }
}
