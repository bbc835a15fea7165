//! GitLab deploy freeze periods: a cron expression for the start, one for the end, and the
//! zone both are read in.
//!
//! An instant is inside a freeze when the latest start at or before it is later than the
//! latest end at or before it; the freeze ends at the next end. croner evaluates the
//! expressions on `jiff::Zoned` values in the period's zone, so DST gaps and folds follow the
//! zone's rules.
use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

use super::WindowError;
use crate::forge::FreezePeriod;

/// One freeze period, parsed.
#[derive(Debug, Clone)]
pub(crate) struct CronFreeze {
    /// The start expression as GitLab gave it.
    pub start_text: String,
    /// The end expression as GitLab gave it.
    pub end_text: String,
    /// The zone name as GitLab gave it.
    pub zone_name: String,
    start: Cron,
    end: Cron,
    zone: TimeZone,
}

/// Where an instant stands with respect to a freeze.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FreezeState {
    /// Not frozen.
    Open,
    /// Frozen until this instant (`None`: the end expression never matches again).
    Frozen(Option<Timestamp>),
}

fn parse(expression: &str, field: &'static str) -> Result<Cron, WindowError> {
    CronParser::builder()
        .seconds(Seconds::Disallowed)
        .year(Year::Disallowed)
        .build()
        .parse(expression)
        .map_err(|err| WindowError::Cron {
            expression: expression.to_owned(),
            field,
            reason: err.to_string(),
        })
}

impl CronFreeze {
    /// Parses a period as the GitLab API returns it.
    pub fn new(period: &FreezePeriod) -> Result<Self, WindowError> {
        let start = parse(&period.freeze_start, "freeze_start")?;
        let end = parse(&period.freeze_end, "freeze_end")?;
        let zone = TimeZone::get(&period.cron_timezone).map_err(|_| WindowError::CronTimeZone {
            start: period.freeze_start.clone(),
            end: period.freeze_end.clone(),
            zone: period.cron_timezone.clone(),
        })?;
        Ok(Self {
            start_text: period.freeze_start.clone(),
            end_text: period.freeze_end.clone(),
            zone_name: period.cron_timezone.clone(),
            start,
            end,
            zone,
        })
    }

    /// Whether `at` is inside the freeze, and until when.
    pub fn state(&self, at: Timestamp) -> FreezeState {
        let here: Zoned = at.to_zoned(self.zone.clone());
        let latest = |cron: &Cron| {
            cron.find_previous_occurrence(&here, true)
                .ok()
                .map(|z| z.timestamp())
        };
        let Some(started) = latest(&self.start) else {
            return FreezeState::Open;
        };
        if latest(&self.end).is_some_and(|ended| ended >= started) {
            return FreezeState::Open;
        }
        let until = self
            .end
            .find_next_occurrence(&here, false)
            .ok()
            .map(|z| z.timestamp());
        FreezeState::Frozen(until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(start: &str, end: &str, zone: &str) -> FreezePeriod {
        FreezePeriod {
            freeze_start: start.into(),
            freeze_end: end.into(),
            cron_timezone: zone.into(),
        }
    }

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn a_weekend_freeze_across_the_dst_change() {
        // Friday 23:00 to Monday 07:00, Madrid time; 2026-03-29 is the spring change.
        let f = CronFreeze::new(&period("0 23 * * 5", "0 7 * * 1", "Europe/Madrid")).unwrap();
        let cases = [
            ("2026-03-27T21:59:59Z", FreezeState::Open), // Fri 22:59 CET
            (
                "2026-03-27T22:00:00Z",                                // Fri 23:00 CET
                FreezeState::Frozen(Some(ts("2026-03-30T05:00:00Z"))), // Mon 07:00 CEST
            ),
            (
                "2026-03-29T12:00:00Z",
                FreezeState::Frozen(Some(ts("2026-03-30T05:00:00Z"))),
            ),
            ("2026-03-30T05:00:00Z", FreezeState::Open),
            ("2026-04-01T12:00:00Z", FreezeState::Open),
        ];
        for (at, expected) in cases {
            assert_eq!(f.state(ts(at)), expected, "{at}");
        }
    }

    #[test]
    fn a_yearly_freeze_in_another_zone() {
        let f = CronFreeze::new(&period("0 18 18 12 *", "0 8 7 1 *", "America/New_York")).unwrap();
        assert_eq!(
            f.state(ts("2026-12-25T12:00:00Z")),
            FreezeState::Frozen(Some(ts("2027-01-07T13:00:00Z")))
        );
        assert_eq!(f.state(ts("2026-12-18T22:59:00Z")), FreezeState::Open);
        assert_eq!(f.state(ts("2027-01-07T13:00:00Z")), FreezeState::Open);
    }

    #[test]
    fn bad_expressions_and_zones_are_named() {
        let err = CronFreeze::new(&period("0 23 * * FRIDAY", "0 7 * * 1", "UTC")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("GitLab deploy freeze period: invalid cron expression `0 23 * * FRIDAY` (freeze_start): "),
            "{err}"
        );
        let err = CronFreeze::new(&period("0 23 * * 5", "0 0 7 * * 1", "UTC")).unwrap_err();
        assert!(
            err.to_string().contains("`0 0 7 * * 1` (freeze_end)"),
            "{err}"
        );
        let err = CronFreeze::new(&period("0 23 * * 5", "0 7 * * 1", "Mars/Olympus")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "GitLab deploy freeze period `0 23 * * 5` to `0 7 * * 1`: unknown cron time zone \
             `Mars/Olympus`; fix it in Settings > CI/CD > Deploy freezes"
        );
    }
}
