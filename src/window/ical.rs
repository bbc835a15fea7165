//! Holidays from an iCalendar file (`windows.holidays_file`): the all-day `VEVENT`s, each a
//! range of whole days, optionally repeated every year.
//!
//! Understood: `DTSTART;VALUE=DATE` (required), `DTEND` (exclusive) or `DURATION` (`PnD`,
//! `PnW`), `SUMMARY`, `STATUS:CANCELLED` (skipped), `RRULE:FREQ=YEARLY` with `INTERVAL`,
//! `COUNT` and `UNTIL` (and `BYMONTH`/`BYMONTHDAY` when they repeat the start), and `EXDATE`.
//! Anything that would change which days are off in a way shipgate cannot follow (a timed
//! event, another recurrence) is an error naming the line, never silently ignored.
use std::path::Path;

use ical::LineReader;
use ical::property::{Property, PropertyParser};
use jiff::civil::Date;

use super::WindowError;

/// The longest event accepted, in days; longer ranges are vacations.
const MAX_DAYS: i32 = 366;

/// A yearly repetition of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Yearly {
    /// Every this many years.
    pub interval: i16,
    /// At most this many occurrences, the first included.
    pub count: Option<u32>,
    /// No occurrence starts after this day.
    pub until: Option<Date>,
    /// Occurrences that do not happen, by their first day.
    pub except: Vec<Date>,
}

/// One holiday event: `days` whole days from `first`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HolidayEvent {
    /// The first day off.
    pub first: Date,
    /// How many days, at least 1.
    pub days: i32,
    /// The event's `SUMMARY`.
    pub name: Option<String>,
    /// Set when the event repeats every year.
    pub yearly: Option<Yearly>,
}

/// A property with the line it starts on.
struct Prop {
    line: usize,
    name: String,
    params: Vec<(String, Vec<String>)>,
    value: String,
}

impl Prop {
    fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .and_then(|(_, v)| v.first())
            .map(String::as_str)
    }
}

/// Parses the text of `path` (named in errors).
pub(crate) fn parse(text: &str, path: &Path) -> Result<Vec<HolidayEvent>, WindowError> {
    let fail = |line: usize, message: String| WindowError::Ical {
        path: path.to_owned(),
        line,
        message,
    };
    let mut stack: Vec<(String, usize)> = Vec::new();
    let mut event: Vec<Prop> = Vec::new();
    let mut events = Vec::new();
    let mut last_line = 1;
    for line in LineReader::new(text.as_bytes()) {
        let number = line.number();
        last_line = number;
        let prop = match property(line.as_str()) {
            Ok(prop) => prop,
            Err(_) if stack.is_empty() => {
                return Err(fail(
                    number,
                    "not an iCalendar file: expected BEGIN:VCALENDAR".to_owned(),
                ));
            }
            Err(message) => return Err(fail(number, message)),
        };
        let prop = Prop {
            line: number,
            name: prop.name.to_ascii_uppercase(),
            params: prop.params.unwrap_or_default(),
            value: prop.value.unwrap_or_default(),
        };
        if stack.is_empty()
            && !(prop.name == "BEGIN" && prop.value.eq_ignore_ascii_case("VCALENDAR"))
        {
            return Err(fail(
                number,
                "not an iCalendar file: expected BEGIN:VCALENDAR".to_owned(),
            ));
        }
        match prop.name.as_str() {
            "BEGIN" => {
                let component = prop.value.to_ascii_uppercase();
                if component == "VEVENT" {
                    event.clear();
                }
                stack.push((component, number));
            }
            "END" => {
                let component = prop.value.to_ascii_uppercase();
                let Some((open, opened_at)) = stack.pop() else {
                    return Err(fail(number, format!("END:{component} closes nothing")));
                };
                if open != component {
                    return Err(fail(
                        number,
                        format!("END:{component} does not close BEGIN:{open} (line {opened_at})"),
                    ));
                }
                if component == "VEVENT" {
                    if let Some(found) = holiday(&event, opened_at).map_err(|(l, m)| fail(l, m))? {
                        events.push(found);
                    }
                }
            }
            _ if stack.last().is_some_and(|(c, _)| c == "VEVENT") => event.push(prop),
            _ => {}
        }
    }
    if let Some((open, opened_at)) = stack.last() {
        return Err(fail(
            last_line,
            format!("BEGIN:{open} at line {opened_at} is never closed"),
        ));
    }
    Ok(events)
}

/// One unfolded line as a property, through ical's property parser.
fn property(line: &str) -> Result<Property, String> {
    match PropertyParser::from_reader(line.as_bytes()).next() {
        Some(Ok(prop)) => Ok(prop),
        Some(Err(err)) => {
            // ical numbers the one line it was given; the caller knows the real one.
            let text = err.to_string();
            let text = text.strip_prefix("Line 1: ").unwrap_or(&text).to_owned();
            Err(format!("not an iCalendar content line ({text})"))
        }
        None => Err("not an iCalendar content line".to_owned()),
    }
}

/// The holiday a `VEVENT`'s properties describe; `None` when it is cancelled.
fn holiday(props: &[Prop], begin_line: usize) -> Result<Option<HolidayEvent>, (usize, String)> {
    let get = |name: &str| props.iter().find(|p| p.name == name);
    if get("STATUS").is_some_and(|p| p.value.eq_ignore_ascii_case("CANCELLED")) {
        return Ok(None);
    }
    let start = get("DTSTART").ok_or_else(|| {
        (
            begin_line,
            "the VEVENT has no DTSTART; holidays are all-day events \
             (DTSTART;VALUE=DATE:20261225)"
                .to_owned(),
        )
    })?;
    let first = all_day(start)?;
    let days = match (get("DTEND"), get("DURATION")) {
        (Some(end), Some(_)) => {
            return Err((
                end.line,
                "a VEVENT has DTEND or DURATION, not both".to_owned(),
            ));
        }
        (Some(end), None) => {
            let last = all_day(end)?;
            let days = (last - first).get_days();
            if days < 1 {
                return Err((
                    end.line,
                    format!(
                        "DTEND {} is not after DTSTART {first}; DTEND is the day after the last \
                         day off",
                        end.value
                    ),
                ));
            }
            days
        }
        (None, Some(duration)) => duration_days(duration)?,
        (None, None) => 1,
    };
    if days > MAX_DAYS {
        return Err((
            start.line,
            format!("an event of {days} days is not a holiday; use windows.vacations"),
        ));
    }
    let yearly = match get("RRULE") {
        Some(rule) => {
            let mut yearly = yearly_rule(rule, first)?;
            for exdate in props.iter().filter(|p| p.name == "EXDATE") {
                for value in exdate.value.split(',') {
                    yearly.except.push(date_value(exdate, value.trim())?);
                }
            }
            Some(yearly)
        }
        None => None,
    };
    let name = get("SUMMARY")
        .map(|p| unescape(&p.value))
        .filter(|s| !s.is_empty());
    Ok(Some(HolidayEvent {
        first,
        days,
        name,
        yearly,
    }))
}

/// A `DTSTART`/`DTEND` that must be a whole day.
fn all_day(prop: &Prop) -> Result<Date, (usize, String)> {
    let timed = prop
        .param("VALUE")
        .is_some_and(|v| v.eq_ignore_ascii_case("DATE-TIME"))
        || prop.value.contains('T');
    if timed {
        return Err((
            prop.line,
            format!(
                "{} `{}` has a time of day; holidays must be all-day events \
                 ({}; VALUE=DATE:20261225)",
                prop.name, prop.value, prop.name
            )
            .replace("; VALUE", ";VALUE"),
        ));
    }
    date_value(prop, &prop.value)
}

/// `YYYYMMDD`.
fn date_value(prop: &Prop, value: &str) -> Result<Date, (usize, String)> {
    let bad = || {
        (
            prop.line,
            format!(
                "{} `{value}` is not a date; write YYYYMMDD, e.g. 20261225",
                prop.name
            ),
        )
    };
    if value.len() != 8 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let number = |range: std::ops::Range<usize>| value[range].parse::<i16>().map_err(|_| bad());
    let (year, month, day) = (number(0..4)?, number(4..6)?, number(6..8)?);
    let (month, day) = (
        i8::try_from(month).map_err(|_| bad())?,
        i8::try_from(day).map_err(|_| bad())?,
    );
    Date::new(year, month, day).map_err(|_| bad())
}

/// `DURATION:P3D` or `P1W`.
fn duration_days(prop: &Prop) -> Result<i32, (usize, String)> {
    let value = prop.value.trim();
    let parsed = value.strip_prefix('P').and_then(|rest| {
        let (number, unit) = rest.split_at(rest.len().checked_sub(1)?);
        let n: i32 = number.parse().ok().filter(|n| *n > 0)?;
        match unit {
            "D" => Some(n),
            "W" => n.checked_mul(7),
            _ => None,
        }
    });
    parsed.ok_or_else(|| {
        (
            prop.line,
            format!(
                "DURATION `{value}` is not a number of whole days; write P1D, P3D or P1W \
                 (or use DTEND)"
            ),
        )
    })
}

/// `RRULE:FREQ=YEARLY[;INTERVAL=n][;COUNT=n|;UNTIL=YYYYMMDD]`.
fn yearly_rule(prop: &Prop, first: Date) -> Result<Yearly, (usize, String)> {
    let unsupported = |part: &str| {
        (
            prop.line,
            format!(
                "RRULE `{}`: `{part}` is not supported; shipgate follows FREQ=YEARLY with \
                 INTERVAL, COUNT or UNTIL only: list the other dates as events of their own",
                prop.value
            ),
        )
    };
    let mut yearly = Yearly {
        interval: 1,
        count: None,
        until: None,
        except: Vec::new(),
    };
    let mut frequency = None;
    for part in prop.value.split(';').filter(|p| !p.is_empty()) {
        let (key, value) = part.split_once('=').ok_or_else(|| unsupported(part))?;
        match key.to_ascii_uppercase().as_str() {
            "FREQ" => frequency = Some(value.to_ascii_uppercase()),
            "INTERVAL" => {
                yearly.interval = value
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| unsupported(part))?;
            }
            "COUNT" => {
                yearly.count = Some(
                    value
                        .parse()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| unsupported(part))?,
                );
            }
            "UNTIL" => yearly.until = Some(date_value(prop, value.get(..8).unwrap_or(value))?),
            "BYMONTH" if value.parse::<i8>().ok() == Some(first.month()) => {}
            "BYMONTHDAY" if value.parse::<i8>().ok() == Some(first.day()) => {}
            "WKST" => {}
            _ => return Err(unsupported(part)),
        }
    }
    match frequency.as_deref() {
        Some("YEARLY") => Ok(yearly),
        Some(other) => Err(unsupported(&format!("FREQ={other}"))),
        None => Err(unsupported("no FREQ")),
    }
}

/// Undoes iCalendar TEXT escapes: `\,` `\;` `\\` `\n`.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push(' '),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn parse_ok(text: &str) -> Vec<HolidayEvent> {
        parse(text, Path::new("holidays.ics")).unwrap()
    }

    fn parse_err(text: &str) -> String {
        parse(text, Path::new("ops/holidays.ics"))
            .unwrap_err()
            .to_string()
    }

    const CALENDAR: &str = "BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Example//Holidays//EN\r
BEGIN:VTIMEZONE\r
TZID:Europe/Madrid\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
UID:1\r
DTSTART;VALUE=DATE:20261225\r
DTEND;VALUE=DATE:20261226\r
SUMMARY:Christmas\\, Day\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:2\r
DTSTART;VALUE=DATE:20261231\r
DTEND;VALUE=DATE:20270102\r
SUMMARY:New Year's break that is described on a long line which the calendar\r
  folded\r
BEGIN:VALARM\r
ACTION:DISPLAY\r
TRIGGER:-PT15M\r
END:VALARM\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART:20260501\r
SUMMARY:Labour Day\r
RRULE:FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=1;UNTIL=20300101T000000Z\r
EXDATE;VALUE=DATE:20280501\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART;VALUE=DATE:20260815\r
DURATION:P1W\r
STATUS:CANCELLED\r
END:VEVENT\r
END:VCALENDAR\r
";

    #[test]
    fn all_day_events_with_exclusive_ends_names_and_yearly_rules() {
        let events = parse_ok(CALENDAR);
        assert_eq!(events.len(), 3, "the cancelled event is skipped");
        assert_eq!(
            events[0],
            HolidayEvent {
                first: date(2026, 12, 25),
                days: 1,
                name: Some("Christmas, Day".into()),
                yearly: None
            }
        );
        assert_eq!((events[1].first, events[1].days), (date(2026, 12, 31), 2));
        assert_eq!(
            events[1].name.as_deref(),
            Some("New Year's break that is described on a long line which the calendar folded")
        );
        let yearly = events[2].yearly.clone().unwrap();
        assert_eq!(yearly.interval, 1);
        assert_eq!(yearly.until, Some(date(2030, 1, 1)));
        assert_eq!(yearly.except, [date(2028, 5, 1)]);
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            (
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261225T100000Z\nEND:VEVENT\nEND:VCALENDAR\n",
                "ops/holidays.ics:3: DTSTART `20261225T100000Z` has a time of day; holidays must be all-day events (DTSTART;VALUE=DATE:20261225)",
            ),
            (
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nEND:VEVENT\nEND:VCALENDAR\n",
                "ops/holidays.ics:2: the VEVENT has no DTSTART; holidays are all-day events (DTSTART;VALUE=DATE:20261225)",
            ),
            (
                "BEGIN:VCALENDAR\n\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261325\nEND:VEVENT\nEND:VCALENDAR\n",
                "ops/holidays.ics:4: DTSTART `20261325` is not a date; write YYYYMMDD, e.g. 20261225",
            ),
            (
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261225\nDTEND;VALUE=DATE:20261225\nEND:VEVENT\nEND:VCALENDAR\n",
                "ops/holidays.ics:4: DTEND 20261225 is not after DTSTART 2026-12-25; DTEND is the day after the last day off",
            ),
            (
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261126\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH\nEND:VEVENT\nEND:VCALENDAR\n",
                "ops/holidays.ics:4: RRULE `FREQ=YEARLY;BYMONTH=11;BYDAY=4TH`: `BYDAY=4TH` is not supported; shipgate follows FREQ=YEARLY with INTERVAL, COUNT or UNTIL only: list the other dates as events of their own",
            ),
            (
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261225\nEND:VCALENDAR\n",
                "ops/holidays.ics:4: END:VCALENDAR does not close BEGIN:VEVENT (line 2)",
            ),
            (
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261225\n",
                "ops/holidays.ics:3: BEGIN:VEVENT at line 2 is never closed",
            ),
            (
                "Christmas,2026-12-25\n",
                "ops/holidays.ics:1: not an iCalendar file: expected BEGIN:VCALENDAR",
            ),
            (
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261225\nDURATION:PT4H\nEND:VEVENT\nEND:VCALENDAR\n",
                "ops/holidays.ics:4: DURATION `PT4H` is not a number of whole days; write P1D, P3D or P1W (or use DTEND)",
            ),
            (
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\n:nameless\nEND:VEVENT\nEND:VCALENDAR\n",
                "ops/holidays.ics:3: not an iCalendar content line (Missing property name.)",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_err(text), expected, "{text}");
        }
    }

    #[test]
    fn durations_and_a_missing_end_give_the_length() {
        let events = parse_ok(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260406\nDURATION:P3D\nEND:VEVENT\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260410\nEND:VEVENT\nEND:VCALENDAR\n",
        );
        assert_eq!(events[0].days, 3);
        assert_eq!(events[1].days, 1);
        assert_eq!(events[1].name, None);
    }
}
