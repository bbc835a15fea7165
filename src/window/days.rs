//! Which days are off: non-working weekdays, holidays (config and iCalendar) and vacations.
use std::collections::BTreeMap;

use jiff::civil::Date;

use super::ical::HolidayEvent;
use crate::config::windows::Weekday;

/// A vacation, as whole local days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VacationDays {
    /// First day off.
    pub from: Date,
    /// Last day off (included).
    pub to: Date,
    /// Why, from the config.
    pub reason: Option<String>,
}

/// The days-off side of the calendar.
#[derive(Debug, Clone, Default)]
pub(crate) struct Days {
    non_working: Vec<Weekday>,
    /// Single holidays by date, with a name when the holidays file gave one.
    holidays: BTreeMap<Date, Option<String>>,
    /// Events that repeat every year.
    yearly: Vec<HolidayEvent>,
    vacations: Vec<VacationDays>,
}

/// Our weekday for a jiff one.
pub(crate) fn weekday(date: Date) -> Weekday {
    use jiff::civil::Weekday as J;
    match date.weekday() {
        J::Monday => Weekday::Mon,
        J::Tuesday => Weekday::Tue,
        J::Wednesday => Weekday::Wed,
        J::Thursday => Weekday::Thu,
        J::Friday => Weekday::Fri,
        J::Saturday => Weekday::Sat,
        J::Sunday => Weekday::Sun,
    }
}

impl Days {
    /// Days off from the config's lists and the holidays file's events.
    pub fn new(
        non_working: Vec<Weekday>,
        holidays: impl IntoIterator<Item = Date>,
        events: Vec<HolidayEvent>,
        vacations: Vec<VacationDays>,
    ) -> Self {
        let mut days = Self {
            non_working,
            holidays: holidays.into_iter().map(|d| (d, None)).collect(),
            yearly: Vec::new(),
            vacations,
        };
        for event in events {
            if event.yearly.is_some() {
                days.yearly.push(event);
                continue;
            }
            let mut day = event.first;
            for _ in 0..event.days {
                let name = days.holidays.entry(day).or_default();
                if name.is_none() {
                    name.clone_from(&event.name);
                }
                match day.tomorrow() {
                    Ok(next) => day = next,
                    Err(_) => break,
                }
            }
        }
        days
    }

    /// Whether `date`'s weekday is a non-working day.
    pub fn is_non_working(&self, date: Date) -> bool {
        self.non_working.contains(&weekday(date))
    }

    /// `Some(name)` when `date` is a holiday (`name` when the holidays file named it).
    pub fn holiday(&self, date: Date) -> Option<Option<&str>> {
        if let Some(name) = self.holidays.get(&date) {
            return Some(name.as_deref());
        }
        self.yearly
            .iter()
            .find(|event| yearly_covers(event, date))
            .map(|event| event.name.as_deref())
    }

    /// The vacation `date` falls in, if any.
    pub fn vacation(&self, date: Date) -> Option<&VacationDays> {
        self.vacations
            .iter()
            .find(|v| v.from <= date && date <= v.to)
    }

    /// The vacation that starts on `date`, if any.
    pub fn vacation_starting(&self, date: Date) -> Option<&VacationDays> {
        self.vacations.iter().find(|v| v.from == date)
    }
}

/// Whether an occurrence of the yearly `event` covers `date`.
fn yearly_covers(event: &HolidayEvent, date: Date) -> bool {
    let Some(rule) = &event.yearly else {
        return false;
    };
    let first_year = event.first.year();
    // An occurrence that covers `date` starts this year or, for events that run over New
    // Year, the year before.
    (date.year() - 1..=date.year()).any(|year| {
        let since = year - first_year;
        if since < 0 || since % rule.interval != 0 {
            return false;
        }
        let index = u32::try_from(since / rule.interval).unwrap_or(u32::MAX);
        if rule.count.is_some_and(|count| index >= count) {
            return false;
        }
        // RFC 5545: a yearly rule from February 29 skips the years without one.
        let Ok(start) = Date::new(year, event.first.month(), event.first.day()) else {
            return false;
        };
        if rule.until.is_some_and(|until| start > until) || rule.except.contains(&start) {
            return false;
        }
        let days = (date - start).get_days();
        start <= date && days < event.days
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::window::ical::Yearly;
    use jiff::civil::date;

    fn yearly(first: Date, days: i32, rule: Yearly) -> HolidayEvent {
        HolidayEvent {
            first,
            days,
            name: Some("x".into()),
            yearly: Some(rule),
        }
    }

    fn every(interval: i16) -> Yearly {
        Yearly {
            interval,
            count: None,
            until: None,
            except: Vec::new(),
        }
    }

    #[test]
    fn multi_day_events_cover_every_day_and_keep_the_first_name() {
        let event = HolidayEvent {
            first: date(2026, 12, 31),
            days: 2,
            name: Some("New Year".into()),
            yearly: None,
        };
        let days = Days::new(vec![], [date(2026, 12, 31)], vec![event], vec![]);
        assert_eq!(days.holiday(date(2026, 12, 31)), Some(Some("New Year")));
        assert_eq!(days.holiday(date(2027, 1, 1)), Some(Some("New Year")));
        assert_eq!(days.holiday(date(2027, 1, 2)), None);
    }

    #[test]
    fn yearly_events_repeat_with_interval_count_until_and_exceptions() {
        let across = yearly(date(2025, 12, 31), 2, every(1));
        assert!(yearly_covers(&across, date(2030, 1, 1)));
        assert!(yearly_covers(&across, date(2030, 12, 31)));
        assert!(!yearly_covers(&across, date(2025, 12, 30)));
        assert!(
            !yearly_covers(&across, date(2025, 1, 1)),
            "before the first"
        );

        let biennial = yearly(date(2026, 5, 1), 1, every(2));
        assert!(yearly_covers(&biennial, date(2028, 5, 1)));
        assert!(!yearly_covers(&biennial, date(2027, 5, 1)));

        let counted = yearly(
            date(2026, 5, 1),
            1,
            Yearly {
                count: Some(2),
                ..every(1)
            },
        );
        assert!(yearly_covers(&counted, date(2027, 5, 1)));
        assert!(!yearly_covers(&counted, date(2028, 5, 1)));

        let limited = yearly(
            date(2026, 5, 1),
            1,
            Yearly {
                until: Some(date(2027, 5, 1)),
                except: vec![date(2026, 5, 1)],
                ..every(1)
            },
        );
        assert!(!yearly_covers(&limited, date(2026, 5, 1)));
        assert!(yearly_covers(&limited, date(2027, 5, 1)));
        assert!(!yearly_covers(&limited, date(2028, 5, 1)));

        let leap = yearly(date(2028, 2, 29), 1, every(1));
        assert!(yearly_covers(&leap, date(2032, 2, 29)));
        assert!(!yearly_covers(&leap, date(2029, 3, 1)));
    }

    #[test]
    fn vacations_and_non_working_days() {
        let summer = VacationDays {
            from: date(2026, 8, 3),
            to: date(2026, 8, 21),
            reason: None,
        };
        let days = Days::new(vec![Weekday::Sat], [], vec![], vec![summer]);
        assert!(days.vacation(date(2026, 8, 21)).is_some());
        assert!(days.vacation(date(2026, 8, 22)).is_none());
        assert!(days.vacation_starting(date(2026, 8, 3)).is_some());
        assert!(days.is_non_working(date(2026, 8, 1)));
        assert!(!days.is_non_working(date(2026, 8, 2)));
    }
}
