//! A comparison a measured number must satisfy, written `< 0.05`, `>= 200`, `== 1`.
use std::fmt;
use std::str::FromStr;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl Op {
    fn symbol(self) -> &'static str {
        match self {
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
            Self::Eq => "==",
            Self::Ne => "!=",
        }
    }
}

/// `value OP bound`: an operator and a finite bound.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    /// The operator.
    pub op: Op,
    /// The bound (finite).
    pub bound: f64,
}

// Bounds are finite (checked when parsed), so equality is reflexive.
impl Eq for Threshold {}

impl Threshold {
    /// Whether `value` satisfies the comparison (NaN never does).
    pub fn holds(self, value: f64) -> bool {
        match self.op {
            Op::Lt => value < self.bound,
            Op::Le => value <= self.bound,
            Op::Gt => value > self.bound,
            Op::Ge => value >= self.bound,
            Op::Eq => value == self.bound,
            Op::Ne => value != self.bound && !value.is_nan(),
        }
    }
}

impl FromStr for Threshold {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "invalid threshold `{text}`: write an operator (<, <=, >, >=, ==, !=) and a \
                 number, e.g. \"< 0.05\""
            )
        };
        let trimmed = text.trim();
        let ops = [
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("==", Op::Eq),
            ("!=", Op::Ne),
            ("<", Op::Lt),
            (">", Op::Gt),
        ];
        let (op, rest) = ops
            .iter()
            .find_map(|(s, op)| trimmed.strip_prefix(s).map(|rest| (*op, rest)))
            .ok_or_else(bad)?;
        let number = rest.trim();
        if number.is_empty()
            || !number
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        {
            return Err(bad());
        }
        let bound: f64 = number.parse().map_err(|_| bad())?;
        if !bound.is_finite() {
            return Err(bad());
        }
        Ok(Self { op, bound })
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.op.symbol(), self.bound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_parse_compare_and_print() {
        let t: Threshold = "< 0.05".parse().unwrap();
        assert_eq!(
            t,
            Threshold {
                op: Op::Lt,
                bound: 0.05
            }
        );
        assert!(t.holds(0.01) && !t.holds(0.05) && !t.holds(f64::NAN));
        assert_eq!(t.to_string(), "< 0.05");
        for (text, yes, no) in [
            ("<=2", 2.0, 2.1),
            ("> 0.10", 0.2, 0.1),
            (">= 1e3", 1000.0, 999.0),
            ("== 1", 1.0, 0.0),
            ("!= 0", 1.0, 0.0),
            ("  < -1  ", -2.0, -1.0),
        ] {
            let t: Threshold = text.parse().unwrap();
            assert!(t.holds(yes) && !t.holds(no), "{text}");
        }
        assert!(!"!= 0".parse::<Threshold>().unwrap().holds(f64::NAN));
    }

    #[test]
    fn bad_thresholds_are_rejected() {
        for bad in [
            "", "0.05", "< ", "=< 1", "< abc", "< inf", "< NaN", "=1", "<< 1",
        ] {
            let err = bad.parse::<Threshold>().unwrap_err();
            assert!(err.starts_with("invalid threshold"), "{bad}: {err}");
        }
    }
}
