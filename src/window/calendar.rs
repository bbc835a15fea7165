//! [`Calendar`]: the `windows:` configuration made ready to answer "may we deploy now?".
use std::path::Path;

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::cron::CronFreeze;
use super::days::{Days, VacationDays};
use super::{Risk, Verdict, WindowError, ical};
use crate::config::windows::EffectivePolicy;
use crate::config::{self, WindowsConfig};
use crate::forge::FreezePeriod;

/// How far [`Calendar::check`] looks for the next allowed moment.
pub const HORIZON_DAYS: i64 = 400;

/// A freeze from the config, as instants.
#[derive(Debug, Clone)]
pub(crate) struct LocalFreeze {
    pub from: Timestamp,
    pub to: Timestamp,
    pub reason: Option<String>,
    pub environments: Vec<String>,
}

/// The deployment calendar of one run: time zone, days off, freezes and policies.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub(crate) tz: TimeZone,
    pub(crate) tz_name: String,
    pub(crate) days: Days,
    pub(crate) freezes: Vec<LocalFreeze>,
    pub(crate) gitlab: Vec<CronFreeze>,
    pub(crate) config: WindowsConfig,
}

fn civil_date(date: config::Date) -> Date {
    // The config checked the date against its month; its year fits jiff's range.
    Date::new(date.year() as i16, date.month() as i8, date.day() as i8).unwrap_or(Date::MAX)
}

fn civil(at: config::LocalDateTime) -> DateTime {
    civil_date(at.date()).at(at.hour() as i8, at.minute() as i8, 0, 0)
}

impl Calendar {
    /// From the config; reads windows.holidays_file relative to `repo_root`.
    pub fn load(config: &WindowsConfig, repo_root: &Path) -> Result<Self, WindowError> {
        let tz_name = config.timezone.as_str().to_owned();
        let tz = TimeZone::get(&tz_name).map_err(|_| WindowError::UnknownTimeZone {
            name: tz_name.clone(),
        })?;
        let events = match &config.holidays_file {
            Some(file) => {
                let path = repo_root.join(file);
                let text =
                    std::fs::read_to_string(&path).map_err(|cause| WindowError::ReadHolidays {
                        path: path.clone(),
                        cause,
                    })?;
                ical::parse(&text, &path)?
            }
            None => Vec::new(),
        };
        let vacations = config
            .vacations
            .iter()
            .map(|v| VacationDays {
                from: civil_date(v.from),
                to: civil_date(v.to),
                reason: v.reason.clone(),
            })
            .collect();
        let days = Days::new(
            config.non_working_days.clone(),
            config.holidays.iter().map(|d| civil_date(*d)),
            events,
            vacations,
        );
        let instant =
            |at: config::LocalDateTime| tz.to_timestamp(civil(at)).unwrap_or(Timestamp::MAX);
        let freezes = config
            .freezes
            .iter()
            .map(|f| LocalFreeze {
                from: instant(f.from),
                to: instant(f.to),
                reason: f.reason.clone(),
                environments: f.environments.clone(),
            })
            .collect();
        Ok(Self {
            tz,
            tz_name,
            days,
            freezes,
            gitlab: Vec::new(),
            config: config.clone(),
        })
    }

    /// Adds GitLab deploy freeze periods (cron start/end + cron_timezone).
    pub fn with_freeze_periods(mut self, periods: &[FreezePeriod]) -> Result<Self, WindowError> {
        for period in periods {
            self.gitlab.push(CronFreeze::new(period)?);
        }
        Ok(self)
    }

    /// Is starting a deployment of `environment` at `at` allowed for `risk`?
    pub fn check(&self, environment: &str, risk: Risk, at: Timestamp) -> Verdict {
        let policy = self.policy(environment, risk);
        let denials = self.denials(environment, &policy, at);
        if denials.is_empty() {
            return Verdict {
                allowed: true,
                reasons: Vec::new(),
                next: None,
            };
        }
        let mut reasons: Vec<String> = denials
            .iter()
            .map(|d| self.describe(&d.rule, environment))
            .collect();
        let next = self.next_allowed(environment, &policy, at);
        if next.is_none() {
            reasons.push(format!("no allowed moment in the next {HORIZON_DAYS} days"));
        }
        Verdict {
            allowed: false,
            reasons,
            next,
        }
    }

    /// The policy in force for `environment` and `risk`.
    pub fn policy(&self, environment: &str, risk: Risk) -> EffectivePolicy {
        self.config.policy(environment, risk == Risk::High)
    }

    /// The configured time zone's name, as written.
    pub fn timezone(&self) -> &str {
        &self.tz_name
    }

    /// How many GitLab freeze periods were added.
    pub fn freeze_period_count(&self) -> usize {
        self.gitlab.len()
    }

    /// `at` on the wall clock of the configured zone: `2026-11-24 10:00 Europe/Madrid`.
    pub fn local(&self, at: Timestamp) -> String {
        format!(
            "{} {}",
            at.to_zoned(self.tz.clone()).strftime("%Y-%m-%d %H:%M"),
            self.tz_name
        )
    }

    /// The first instant of the day after `date`.
    pub(crate) fn start_of_next_day(&self, date: Date) -> Option<Timestamp> {
        let next = date.tomorrow().ok()?;
        next.to_zoned(self.tz.clone()).ok().map(|z| z.timestamp())
    }

    /// The instant the wall clock of `date` reaches `time`, or passes it: the later of two in
    /// a fold, the end of the gap when `time` is skipped.
    pub(crate) fn wall_clock_end(&self, date: Date, time: Time) -> Option<Timestamp> {
        use jiff::tz::AmbiguousOffset;
        let dt = date.to_datetime(time);
        let ambiguous = self.tz.to_ambiguous_timestamp(dt);
        match ambiguous.offset() {
            AmbiguousOffset::Unambiguous { offset }
            | AmbiguousOffset::Fold { after: offset, .. } => offset.to_timestamp(dt).ok(),
            AmbiguousOffset::Gap { after, .. } => {
                // Read with the later offset the time falls before the transition.
                let before_gap = after.to_timestamp(dt).ok()?;
                self.tz
                    .following(before_gap)
                    .next()
                    .map(|transition| transition.timestamp())
            }
        }
    }

    /// The next zone transition after `at`, if any.
    pub(crate) fn next_transition(&self, at: Timestamp) -> Option<Timestamp> {
        self.tz.following(at).next().map(|t| t.timestamp())
    }

    /// `at + duration`, saturating.
    pub(crate) fn after(at: Timestamp, duration: SignedDuration) -> Timestamp {
        at.checked_add(duration).unwrap_or(Timestamp::MAX)
    }
}
