//! A length of time in whole seconds, for gates: `30s`, `5m`, `1h`, `1m30s`.
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use super::text_scalar::{TextScalar, text_scalar_serde};

/// Whole seconds, written as hours, minutes and seconds in that order, each optional but at
/// least one present: `30s`, `5m`, `1h`, `1h30m`, `1m30s`, `0s`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Seconds(pub u32);

impl Seconds {
    /// As a [`Duration`].
    pub fn duration(self) -> Duration {
        Duration::from_secs(u64::from(self.0))
    }
}

impl FromStr for Seconds {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "invalid duration `{text}`: write whole seconds, minutes or hours, e.g. 30s, \
                 5m, 1h or 1m30s"
            )
        };
        let too_long = || format!("invalid duration `{text}`: too long");
        let mut rest = text;
        let mut total: u32 = 0;
        let mut any = false;
        for (unit, factor) in [('h', 3600u32), ('m', 60), ('s', 1)] {
            let Some(at) = rest.find(unit) else { continue };
            let digits = &rest[..at];
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            let n: u32 = digits.parse().map_err(|_| too_long())?;
            total = n
                .checked_mul(factor)
                .and_then(|v| total.checked_add(v))
                .ok_or_else(too_long)?;
            rest = &rest[at + 1..];
            any = true;
        }
        if !any || !rest.is_empty() {
            return Err(bad());
        }
        Ok(Self(total))
    }
}

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s) = (self.0 / 3600, self.0 / 60 % 60, self.0 % 60);
        let mut out = String::new();
        if h > 0 {
            out.push_str(&format!("{h}h"));
        }
        if m > 0 {
            out.push_str(&format!("{m}m"));
        }
        if s > 0 || out.is_empty() {
            out.push_str(&format!("{s}s"));
        }
        f.write_str(&out)
    }
}

impl TextScalar for Seconds {
    const EXPECTING: &'static str = "a duration such as 30s, 5m or 1h";
}

text_scalar_serde!(Seconds);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_and_print() {
        for (text, secs, shown) in [
            ("30s", 30, "30s"),
            ("5m", 300, "5m"),
            ("1h", 3600, "1h"),
            ("1h30m", 5400, "1h30m"),
            ("1m30s", 90, "1m30s"),
            ("90s", 90, "1m30s"),
            ("0s", 0, "0s"),
            ("1h0m5s", 3605, "1h5s"),
        ] {
            let parsed: Seconds = text.parse().unwrap();
            assert_eq!(parsed, Seconds(secs), "{text}");
            assert_eq!(parsed.to_string(), shown, "{text}");
        }
        assert_eq!(Seconds(2).duration(), Duration::from_secs(2));
    }

    #[test]
    fn bad_durations_are_rejected() {
        for bad in [
            "", "30", "s", "1.5s", "-1s", "5s1m", "1h 5m", " 5s", "5ms", "1d", "m5",
        ] {
            let err = bad.parse::<Seconds>().unwrap_err();
            assert!(err.starts_with("invalid duration"), "{bad}: {err}");
        }
        assert_eq!(
            "99999999999s".parse::<Seconds>().unwrap_err(),
            "invalid duration `99999999999s`: too long"
        );
        assert!("2000000h".parse::<Seconds>().is_err());
    }
}
