//! Properties over random calendars and instants: the next allowed moment is allowed, comes
//! after the instant checked, and nothing allowed lies between them.
use std::collections::BTreeMap;

use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

use super::*;
use crate::config::windows::{EnvironmentWindow, Freeze, PolicyOverlay, Vacation, Weekday};
use crate::config::{DailyHours, Minutes, WindowsConfig};
use crate::forge::FreezePeriod;

const ZONES: [&str; 6] = [
    "UTC",
    "Europe/Madrid",
    "America/New_York",
    "Australia/Lord_Howe", // 30-minute DST shifts
    "America/Santiago",    // changes at midnight
    "Asia/Kolkata",
];

const CRONS: [(&str, &str, &str); 4] = [
    ("0 23 * * 5", "0 7 * * 1", "Europe/Madrid"),
    ("30 2 * * *", "30 3 * * *", "America/New_York"), // inside the spring gap
    ("0 18 18 12 *", "0 8 7 1 *", "UTC"),
    ("15 1 * * 0", "45 1 * * 0", "America/Santiago"),
];

const DAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn weekdays(mask: u8) -> Vec<Weekday> {
    DAYS.iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, d)| *d)
        .collect()
}

fn day(offset: i64) -> jiff::civil::Date {
    date(2026, 1, 1)
        .checked_add(jiff::Span::new().days(offset))
        .unwrap()
}

fn config_date(offset: i64) -> crate::config::Date {
    day(offset).to_string().parse().unwrap()
}

fn hours(start: u16, length: u16) -> DailyHours {
    let end = (start + length).min(24 * 60);
    format!(
        "{:02}:{:02}-{:02}:{:02}",
        start / 60,
        start % 60,
        end / 60,
        end % 60
    )
    .parse()
    .unwrap()
}

/// A random calendar and an instant in 2026–2027.
#[derive(Debug, Clone)]
struct Scenario {
    config: WindowsConfig,
    periods: Vec<FreezePeriod>,
    risk: Risk,
    at: Timestamp,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    let policy = (
        0usize..ZONES.len(),
        0u8..128,
        0u8..128,
        any::<bool>(),
        (0u16..1440, 1u16..1440),
        0u32..600,
    );
    let days_off = (
        proptest::collection::vec(0i64..730, 0..8),
        proptest::collection::vec((0i64..730, 0i64..15), 0..3),
        proptest::collection::vec((0i64..730 * 1440, 1i64..10 * 1440), 0..3),
    );
    let extra = (
        proptest::option::of(0usize..CRONS.len()),
        proptest::option::of((0u8..128, proptest::option::of(0u32..600))),
        any::<bool>(),
        0i64..(730 * 86_400),
    );
    (policy, days_off, extra).prop_map(
        |(
            (zone, deny, non_working, day_before, (start, length), margin),
            (holidays, vacations, freezes),
            (cron, overlay, high, at),
        )| {
            let freeze = |(from, length): (i64, i64)| {
                let civil = day(0).to_datetime(jiff::civil::Time::midnight());
                let text = |minutes: i64| {
                    civil
                        .checked_add(jiff::Span::new().minutes(minutes))
                        .unwrap()
                        .strftime("%Y-%m-%dT%H:%M")
                        .to_string()
                        .parse()
                        .unwrap()
                };
                Freeze {
                    from: text(from),
                    to: text(from + length),
                    reason: None,
                    environments: Vec::new(),
                }
            };
            let config = WindowsConfig {
                timezone: ZONES[zone].parse().unwrap(),
                non_working_days: weekdays(non_working),
                holidays: holidays.into_iter().map(config_date).collect(),
                holidays_file: None,
                vacations: vacations
                    .into_iter()
                    .map(|(from, length)| Vacation {
                        from: config_date(from),
                        to: config_date(from + length),
                        reason: None,
                    })
                    .collect(),
                freezes: freezes.into_iter().map(freeze).collect(),
                gitlab_freeze_periods: true,
                deny_weekdays: weekdays(deny),
                deny_day_before_holiday: day_before,
                hours: hours(start, length),
                min_time_left: Minutes(margin),
                high_risk: overlay
                    .map(|(mask, margin)| PolicyOverlay {
                        deny_weekdays: Some(weekdays(mask)),
                        min_time_left: margin.map(Minutes),
                        ..PolicyOverlay::default()
                    })
                    .unwrap_or_default(),
                environments: BTreeMap::from([("stage".to_owned(), EnvironmentWindow::open())]),
            };
            let periods = cron
                .map(|i| {
                    let (start, end, zone) = CRONS[i];
                    vec![FreezePeriod {
                        freeze_start: start.into(),
                        freeze_end: end.into(),
                        cron_timezone: zone.into(),
                    }]
                })
                .unwrap_or_default();
            let at = Timestamp::from_second(1_767_225_600 + at).unwrap();
            Scenario {
                config,
                periods,
                risk: if high { Risk::High } else { Risk::Low },
                at,
            }
        },
    )
}

fn build(s: &Scenario) -> Calendar {
    Calendar::load(&s.config, std::path::Path::new("."))
        .unwrap()
        .with_freeze_periods(&s.periods)
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_next_allowed_moment_is_allowed_and_later(s in scenario()) {
        let cal = build(&s);
        let verdict = cal.check("production", s.risk, s.at);
        if verdict.allowed {
            prop_assert!(verdict.reasons.is_empty());
            prop_assert_eq!(verdict.next, None);
        } else {
            prop_assert!(!verdict.reasons.is_empty());
            if let Some(next) = verdict.next {
                prop_assert!(next > s.at);
                let again = cal.check("production", s.risk, next);
                prop_assert!(again.allowed, "{} is denied: {}", next, again.reason());
            }
        }
        prop_assert!(cal.check("stage", s.risk, s.at).allowed, "stage is open");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Minute by minute for up to two days: nothing allowed before the next allowed moment.
    #[test]
    fn nothing_allowed_is_skipped(s in scenario()) {
        let cal = build(&s);
        let verdict = cal.check("production", s.risk, s.at);
        let policy = cal.policy("production", s.risk);
        let end = verdict
            .next
            .unwrap_or(Timestamp::MAX)
            .min(s.at + SignedDuration::from_hours(48));
        let mut t = s.at + SignedDuration::from_mins(1);
        while !verdict.allowed && t < end {
            prop_assert!(!cal.allows("production", &policy, t), "{} is allowed before {:?}", t, verdict.next);
            t += SignedDuration::from_mins(1);
        }
    }
}
