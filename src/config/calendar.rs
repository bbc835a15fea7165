//! Calendar values written in `shipgate.yml`: dates (`2026-12-25`) and local date-times
//! (`2026-12-18T18:00`), validated when the file is loaded.
use std::fmt;
use std::str::FromStr;

use super::text_scalar::{TextScalar, text_scalar_serde};

/// A calendar date, `YYYY-MM-DD`, checked against the length of its month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// The date `year-month-day`, or `None` when no such day exists.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Self> {
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Self { year, month, day })
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1–31.
    pub fn day(self) -> u8 {
        self.day
    }
}

fn is_leap(year: u16) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses exactly `width` ASCII digits.
pub(super) fn digits(text: &str, width: usize) -> Option<u16> {
    if text.len() != width || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Why a date string is not a date; the message is finished by the caller.
enum DateProblem {
    /// Not `YYYY-MM-DD`.
    Shape,
    /// The month is not 01–12.
    Month,
    /// The day does not exist in that month.
    Day(u16, u8),
}

impl DateProblem {
    fn reason(&self) -> String {
        match self {
            Self::Shape => String::new(),
            Self::Month => "the month must be 01 to 12".to_owned(),
            Self::Day(year, month) => format!(
                "{year:04}-{month:02} has {} days",
                days_in_month(*year, *month)
            ),
        }
    }
}

fn parse_date(text: &str) -> Result<Date, DateProblem> {
    let mut parts = text.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(DateProblem::Shape);
    };
    let (Some(year), Some(month), Some(day)) = (digits(y, 4), digits(m, 2), digits(d, 2)) else {
        return Err(DateProblem::Shape);
    };
    let (month, day) = (month as u8, day as u8);
    if !(1..=12).contains(&month) {
        return Err(DateProblem::Month);
    }
    Date::new(year, month, day).ok_or(DateProblem::Day(year, month))
}

impl FromStr for Date {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        parse_date(text).map_err(|problem| match problem {
            DateProblem::Shape => {
                format!("invalid date `{text}`: write dates as YYYY-MM-DD, e.g. 2026-12-25")
            }
            other => format!("invalid date `{text}`: {}", other.reason()),
        })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl TextScalar for Date {
    const EXPECTING: &'static str = "a date YYYY-MM-DD, e.g. 2026-12-25";
}

/// A wall-clock date and time without a zone, `YYYY-MM-DDTHH:MM`; the zone is
/// `windows.timezone`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalDateTime {
    date: Date,
    hour: u8,
    minute: u8,
}

impl LocalDateTime {
    /// The date part.
    pub fn date(self) -> Date {
        self.date
    }

    /// The hour, 0–23.
    pub fn hour(self) -> u8 {
        self.hour
    }

    /// The minute, 0–59.
    pub fn minute(self) -> u8 {
        self.minute
    }
}

impl FromStr for LocalDateTime {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let shape = || {
            format!(
                "invalid date-time `{text}`: write local date-times as YYYY-MM-DDTHH:MM, \
                 e.g. 2026-12-18T18:00"
            )
        };
        let (date, time) = text.split_once('T').ok_or_else(shape)?;
        let date = parse_date(date).map_err(|problem| match problem {
            DateProblem::Shape => shape(),
            other => format!("invalid date-time `{text}`: {}", other.reason()),
        })?;
        let (h, m) = time.split_once(':').ok_or_else(shape)?;
        let (Some(hour), Some(minute)) = (digits(h, 2), digits(m, 2)) else {
            return Err(shape());
        };
        if hour > 23 || minute > 59 {
            return Err(format!(
                "invalid date-time `{text}`: the time must be 00:00 to 23:59"
            ));
        }
        Ok(Self {
            date,
            hour: hour as u8,
            minute: minute as u8,
        })
    }
}

impl fmt::Display for LocalDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}T{:02}:{:02}", self.date, self.hour, self.minute)
    }
}

impl TextScalar for LocalDateTime {
    const EXPECTING: &'static str = "a local date-time YYYY-MM-DDTHH:MM, e.g. 2026-12-18T18:00";
}

text_scalar_serde!(Date, LocalDateTime);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_and_print_back() {
        for text in ["2026-12-25", "2028-02-29", "2000-02-29", "0001-01-01"] {
            assert_eq!(text.parse::<Date>().unwrap().to_string(), text);
        }
    }

    #[test]
    fn impossible_dates_are_rejected_with_a_reason() {
        assert_eq!(
            "2026-02-29".parse::<Date>().unwrap_err(),
            "invalid date `2026-02-29`: 2026-02 has 28 days"
        );
        assert_eq!(
            "1900-02-29".parse::<Date>().unwrap_err(),
            "invalid date `1900-02-29`: 1900-02 has 28 days"
        );
        assert_eq!(
            "2026-13-01".parse::<Date>().unwrap_err(),
            "invalid date `2026-13-01`: the month must be 01 to 12"
        );
        for bad in [
            "2026-1-01",
            "26-01-01",
            "2026/01/01",
            "2026-01-01-01",
            "",
            "2026-0a-01",
        ] {
            assert!(
                bad.parse::<Date>().unwrap_err().contains("YYYY-MM-DD"),
                "{bad}"
            );
        }
    }

    #[test]
    fn dates_order_chronologically() {
        let a: Date = "2026-12-31".parse().unwrap();
        let b: Date = "2027-01-01".parse().unwrap();
        assert!(a < b);
    }

    #[test]
    fn local_date_times_parse_and_print_back() {
        let t: LocalDateTime = "2026-12-18T18:05".parse().unwrap();
        assert_eq!((t.hour(), t.minute()), (18, 5));
        assert_eq!(t.to_string(), "2026-12-18T18:05");
    }

    #[test]
    fn bad_local_date_times_are_rejected() {
        assert_eq!(
            "2026-12-18T24:00".parse::<LocalDateTime>().unwrap_err(),
            "invalid date-time `2026-12-18T24:00`: the time must be 00:00 to 23:59"
        );
        assert_eq!(
            "2026-02-30T10:00".parse::<LocalDateTime>().unwrap_err(),
            "invalid date-time `2026-02-30T10:00`: 2026-02 has 28 days"
        );
        for bad in [
            "2026-12-18",
            "2026-12-18T18",
            "2026-12-18 18:00",
            "2026-12-18T18:00:00",
        ] {
            assert!(bad.parse::<LocalDateTime>().is_err(), "{bad}");
        }
    }
}
