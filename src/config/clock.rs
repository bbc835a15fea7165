//! Clock values written in `shipgate.yml`: daily hours (`09:00-17:00`), durations (`60m`,
//! `1h30m`) and time zone names (`Europe/Madrid`), validated when the file is loaded.
use std::fmt;
use std::str::FromStr;

use super::calendar::digits;
use super::text_scalar::{TextScalar, text_scalar_serde};

/// Minutes in a day; `24:00` is the end of the day.
const DAY: u16 = 24 * 60;

/// The part of each day when deployments may start, `HH:MM-HH:MM`, start inclusive and end
/// exclusive, in `windows.timezone`. `00:00-24:00` is the whole day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DailyHours {
    start: u16,
    end: u16,
}

impl DailyHours {
    /// The whole day, `00:00-24:00`.
    pub const ALL_DAY: Self = Self { start: 0, end: DAY };

    /// Start, in minutes after midnight (0–1439).
    pub fn start_minute(self) -> u16 {
        self.start
    }

    /// End, in minutes after midnight (1–1440; 1440 is midnight at the end of the day).
    pub fn end_minute(self) -> u16 {
        self.end
    }
}

impl Default for DailyHours {
    fn default() -> Self {
        Self::ALL_DAY
    }
}

/// Parses `HH:MM` into minutes after midnight; `24:00` only when `allow_end_of_day`.
fn clock_minutes(text: &str, allow_end_of_day: bool) -> Option<u16> {
    let (h, m) = text.split_once(':')?;
    let (hour, minute) = (digits(h, 2)?, digits(m, 2)?);
    match (hour, minute) {
        (24, 0) if allow_end_of_day => Some(DAY),
        (0..=23, 0..=59) => Some(hour * 60 + minute),
        _ => None,
    }
}

impl FromStr for DailyHours {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (start, end) = text
            .split_once('-')
            .and_then(|(s, e)| Some((clock_minutes(s, false)?, clock_minutes(e, true)?)))
            .ok_or_else(|| {
                format!(
                    "invalid hours `{text}`: write HH:MM-HH:MM with times from 00:00 to 24:00, \
                     e.g. \"09:00-17:00\" (\"00:00-24:00\" means all day)"
                )
            })?;
        if start >= end {
            return Err(format!(
                "invalid hours `{text}`: the start must be before the end; \
                 ranges that cross midnight are not supported"
            ));
        }
        Ok(Self { start, end })
    }
}

impl fmt::Display for DailyHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (s, e) = (self.start, self.end);
        write!(f, "{:02}:{:02}-{:02}:{:02}", s / 60, s % 60, e / 60, e % 60)
    }
}

impl TextScalar for DailyHours {
    const EXPECTING: &'static str = "hours as a string HH:MM-HH:MM, e.g. \"09:00-17:00\"";
}

/// A length of time in whole minutes, written `60m`, `1h`, `1h30m` or `0m`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Minutes(pub u32);

impl FromStr for Minutes {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "invalid duration `{text}`: write whole minutes or hours, e.g. 60m, 1h, 1h30m \
                 or 0m"
            )
        };
        let number = |digits: &str| -> Result<u32, String> {
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            digits
                .parse()
                .map_err(|_| format!("invalid duration `{text}`: too long"))
        };
        let (hours, rest) = match text.split_once('h') {
            Some((hours, rest)) => (number(hours)?, rest),
            None => (0, text),
        };
        let minutes = match rest.strip_suffix('m') {
            Some(minutes) => number(minutes)?,
            None if rest.is_empty() && text.ends_with('h') => 0,
            None => return Err(bad()),
        };
        hours
            .checked_mul(60)
            .and_then(|h| h.checked_add(minutes))
            .map(Self)
            .ok_or_else(|| format!("invalid duration `{text}`: too long"))
    }
}

impl fmt::Display for Minutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}m", self.0)
    }
}

impl TextScalar for Minutes {
    const EXPECTING: &'static str = "a duration such as 60m, 1h or 0m";
}

/// An IANA time zone name such as `UTC` or `Europe/Madrid`. Only its shape is checked when
/// the file is loaded; whether the zone exists is checked where it is used.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TimeZoneName(String);

impl TimeZoneName {
    /// The name as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for TimeZoneName {
    fn default() -> Self {
        Self("UTC".to_owned())
    }
}

impl FromStr for TimeZoneName {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let part_ok = |part: &str| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'+' | b'-'))
        };
        if text.split('/').all(part_ok) {
            Ok(Self(text.to_owned()))
        } else {
            Err(format!(
                "invalid time zone `{text}`: use an IANA name such as UTC, Europe/Madrid or \
                 America/New_York"
            ))
        }
    }
}

impl fmt::Display for TimeZoneName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TextScalar for TimeZoneName {
    const EXPECTING: &'static str = "an IANA time zone name such as Europe/Madrid";
}

text_scalar_serde!(DailyHours, Minutes, TimeZoneName);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_parse_including_the_whole_day() {
        let h: DailyHours = "09:00-17:30".parse().unwrap();
        assert_eq!((h.start_minute(), h.end_minute()), (540, 1050));
        assert_eq!(h.to_string(), "09:00-17:30");
        assert_eq!(
            "00:00-24:00".parse::<DailyHours>().unwrap(),
            DailyHours::ALL_DAY
        );
        assert_eq!(DailyHours::default().to_string(), "00:00-24:00");
    }

    #[test]
    fn bad_hours_are_rejected() {
        for bad in [
            "9:00-17:00",
            "09:00",
            "09:00-24:01",
            "24:00-24:00",
            "09:60-10:00",
            "",
        ] {
            let err = bad.parse::<DailyHours>().unwrap_err();
            assert!(err.contains("HH:MM-HH:MM"), "{bad}: {err}");
        }
        assert_eq!(
            "17:00-09:00".parse::<DailyHours>().unwrap_err(),
            "invalid hours `17:00-09:00`: the start must be before the end; ranges that cross \
             midnight are not supported"
        );
    }

    #[test]
    fn durations_parse() {
        for (text, minutes) in [("60m", 60), ("1h", 60), ("1h30m", 90), ("0m", 0), ("0h", 0)] {
            assert_eq!(text.parse::<Minutes>().unwrap(), Minutes(minutes), "{text}");
        }
        assert_eq!(Minutes(90).to_string(), "90m");
    }

    #[test]
    fn bad_durations_are_rejected() {
        for bad in [
            "60", "m", "h", "1h30", "1.5h", "-5m", "30m1h", "", " 5m", "1hm",
        ] {
            assert!(bad.parse::<Minutes>().is_err(), "{bad}");
        }
        assert_eq!(
            "99999999999m".parse::<Minutes>().unwrap_err(),
            "invalid duration `99999999999m`: too long"
        );
        assert!(
            "71582789h"
                .parse::<Minutes>()
                .unwrap_err()
                .ends_with("too long")
        );
    }

    #[test]
    fn time_zone_names_are_shape_checked() {
        for ok in [
            "UTC",
            "Europe/Madrid",
            "America/Argentina/Buenos_Aires",
            "Etc/GMT+1",
        ] {
            assert_eq!(ok.parse::<TimeZoneName>().unwrap().as_str(), ok);
        }
        for bad in ["", "Europe Madrid", "Europe/", "/UTC"] {
            assert!(bad.parse::<TimeZoneName>().is_err(), "{bad}");
        }
    }
}
