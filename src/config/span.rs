//! Short durations written in `shipgate.yml` and on the command line: `500ms`, `10s`, `15m`,
//! `1h30m` (units `ms`, `s`, `m`, `h`, largest first).
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use super::text_scalar::{TextScalar, text_scalar_serde};

/// A duration such as `15m` or `1h30m`, kept in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span(pub u64);

impl Span {
    /// `n` seconds.
    pub const fn seconds(n: u64) -> Self {
        Self(n * 1000)
    }

    /// As a standard duration.
    pub fn duration(self) -> Duration {
        Duration::from_millis(self.0)
    }

    /// From a standard duration (sub-millisecond parts dropped).
    pub fn from_duration(duration: Duration) -> Self {
        Self(u64::try_from(duration.as_millis()).unwrap_or(u64::MAX))
    }
}

const UNITS: [(&str, u64); 4] = [("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)];

impl FromStr for Span {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "invalid duration `{text}`; write a number with a unit, largest first: \
                 500ms, 10s, 15m, 1h30m (units ms, s, m, h)"
            )
        };
        let mut rest = text.trim();
        if rest.is_empty() {
            return Err(bad());
        }
        let mut total: u64 = 0;
        let mut last_unit = usize::MAX;
        while !rest.is_empty() {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(bad());
            }
            let number: u64 = rest[..digits].parse().map_err(|_| bad())?;
            rest = &rest[digits..];
            let letters = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
            let unit = &rest[..letters];
            let index = UNITS.iter().position(|(u, _)| *u == unit).ok_or_else(bad)?;
            if last_unit != usize::MAX && index <= last_unit {
                return Err(bad());
            }
            last_unit = index;
            total = number
                .checked_mul(UNITS[index].1)
                .and_then(|n| total.checked_add(n))
                .ok_or_else(bad)?;
            rest = &rest[letters..];
        }
        Ok(Self(total))
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.0;
        for (unit, size) in UNITS {
            if rest >= size {
                write!(f, "{}{unit}", rest / size)?;
                rest %= size;
            }
        }
        Ok(())
    }
}

impl TextScalar for Span {
    const EXPECTING: &'static str = "a duration such as 10s, 15m or 1h30m";
}

text_scalar_serde!(Span);

#[cfg(test)]
mod tests {
    use super::Span;

    #[test]
    fn parses_units_largest_first() {
        for (text, ms) in [
            ("500ms", 500),
            ("1s", 1000),
            ("15m", 900_000),
            ("1h30m", 5_400_000),
            ("1m5s", 65_000),
            ("0s", 0),
        ] {
            assert_eq!(text.parse::<Span>(), Ok(Span(ms)), "{text}");
        }
    }

    #[test]
    fn rejects_what_it_cannot_read() {
        for text in ["", "15", "m", "1.5h", "30m1h", "1m1m", "10 s", "2d", "-1s"] {
            assert!(text.parse::<Span>().is_err(), "{text}");
        }
    }

    #[test]
    fn displays_in_the_same_notation() {
        for text in ["500ms", "10s", "15m", "1h30m", "1h0m1s", "0s"] {
            let span: Span = text.parse().unwrap();
            let shown = span.to_string();
            assert_eq!(shown.parse::<Span>().unwrap(), span, "{text}");
        }
        assert_eq!(Span(5_400_000).to_string(), "1h30m");
    }
}
