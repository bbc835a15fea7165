//! The `windows:` section of `shipgate.yml`: when deployments are allowed.
//!
//! The calendar (time zone, non-working days, holidays, vacations, freezes) is shared by every
//! environment; the policy (denied weekdays, the day-before rule, hours, `min_time_left`) has a
//! default at this level, a `high_risk` overlay, and per-environment overrides.
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::calendar::{Date, LocalDateTime};
use super::clock::{DailyHours, Minutes, TimeZoneName};

/// A day of the week, written `mon` … `sun`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl Weekday {
    /// The English name, `Monday` … `Sunday`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Mon => "Monday",
            Self::Tue => "Tuesday",
            Self::Wed => "Wednesday",
            Self::Thu => "Thursday",
            Self::Fri => "Friday",
            Self::Sat => "Saturday",
            Self::Sun => "Sunday",
        }
    }
}

impl fmt::Display for Weekday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A vacation: whole days `from` through `to`, both included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vacation {
    /// First day of the vacation.
    pub from: Date,
    /// Last day of the vacation (included); not before `from`.
    pub to: Date,
    /// Why, shown when a deployment is denied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A freeze: no deployments from `from` (included) until `to` (excluded), local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Freeze {
    /// Start of the freeze.
    pub from: LocalDateTime,
    /// End of the freeze; after `from`.
    pub to: LocalDateTime,
    /// Why, shown when a deployment is denied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The environments it freezes; empty: every environment that is not `open`. An
    /// environment named here is frozen even when it is `open`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub environments: Vec<String>,
}

/// Policy keys that `high_risk` may change, each optional.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicyOverlay {
    /// Days of the week added to the denied ones for high-risk releases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deny_weekdays: Option<Vec<Weekday>>,
    /// Replaces `deny_day_before_holiday` for high-risk releases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deny_day_before_holiday: Option<bool>,
    /// Replaces `hours` for high-risk releases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<DailyHours>,
    /// Replaces `min_time_left` for high-risk releases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_time_left: Option<Minutes>,
}

impl PolicyOverlay {
    /// `self`'s keys where set, else `under`'s: an environment's `high_risk` over the
    /// section's.
    pub fn over(&self, under: &Self) -> Self {
        Self {
            deny_weekdays: self
                .deny_weekdays
                .clone()
                .or_else(|| under.deny_weekdays.clone()),
            deny_day_before_holiday: self
                .deny_day_before_holiday
                .or(under.deny_day_before_holiday),
            hours: self.hours.or(under.hours),
            min_time_left: self.min_time_left.or(under.min_time_left),
        }
    }
}

/// One environment's policy: `open`, or keys that replace the section's defaults.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EnvironmentWindow {
    /// Always open: no calendar rule applies, and only freezes that name this environment do.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub open: bool,
    /// Replaces `deny_weekdays`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deny_weekdays: Option<Vec<Weekday>>,
    /// Replaces `deny_day_before_holiday`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deny_day_before_holiday: Option<bool>,
    /// Replaces `hours`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<DailyHours>,
    /// Replaces `min_time_left`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_time_left: Option<Minutes>,
    /// Replaces the section's `high_risk` key by key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high_risk: Option<PolicyOverlay>,
}

impl EnvironmentWindow {
    /// `{ open: true }`.
    pub fn open() -> Self {
        Self {
            open: true,
            ..Self::default()
        }
    }
}

/// The `windows:` section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WindowsConfig {
    /// The zone of every date, time and hour in this section.
    pub timezone: TimeZoneName,
    /// Days of the week nobody works; the day before one is denied by
    /// `deny_day_before_holiday`.
    pub non_working_days: Vec<Weekday>,
    /// Days without deployments.
    pub holidays: Vec<Date>,
    /// An iCalendar file of holidays (all-day events), relative to the repository root.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holidays_file: Option<PathBuf>,
    /// Ranges of whole days without deployments.
    pub vacations: Vec<Vacation>,
    /// Ranges of local date-times without deployments.
    pub freezes: Vec<Freeze>,
    /// Also honour the project's GitLab deploy freeze periods when running on GitLab.
    pub gitlab_freeze_periods: bool,
    /// Days of the week without deployments.
    pub deny_weekdays: Vec<Weekday>,
    /// Also deny the day before a non-working day, a holiday or the first day of a vacation.
    pub deny_day_before_holiday: bool,
    /// The part of each allowed day when deployments may start.
    pub hours: DailyHours,
    /// A deployment must start at least this long before the allowed hours end.
    pub min_time_left: Minutes,
    /// Changes to the policy for high-risk releases; its `deny_weekdays` add to the list.
    #[serde(deserialize_with = "super::null_as_default")]
    pub high_risk: PolicyOverlay,
    /// Per-environment policies; an environment not listed uses the section's.
    #[serde(deserialize_with = "super::null_as_default")]
    pub environments: BTreeMap<String, EnvironmentWindow>,
}

impl Default for WindowsConfig {
    fn default() -> Self {
        Self {
            timezone: TimeZoneName::default(),
            non_working_days: vec![Weekday::Sat, Weekday::Sun],
            holidays: Vec::new(),
            holidays_file: None,
            vacations: Vec::new(),
            freezes: Vec::new(),
            gitlab_freeze_periods: true,
            deny_weekdays: vec![Weekday::Fri, Weekday::Sat, Weekday::Sun],
            deny_day_before_holiday: true,
            hours: DailyHours::ALL_DAY,
            min_time_left: Minutes(0),
            high_risk: PolicyOverlay::default(),
            environments: default_environments(),
        }
    }
}

/// `{ stage: { open: true } }`.
pub fn default_environments() -> BTreeMap<String, EnvironmentWindow> {
    BTreeMap::from([("stage".to_owned(), EnvironmentWindow::open())])
}

/// The policy in force for one environment and risk, every key resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectivePolicy {
    /// No calendar rule applies.
    pub open: bool,
    /// Denied days of the week for every release.
    pub deny_weekdays: Vec<Weekday>,
    /// Days of the week denied in addition, because the release is high-risk.
    pub high_risk_weekdays: Vec<Weekday>,
    /// Deny the day before a non-working day, a holiday or the first day of a vacation.
    pub deny_day_before_holiday: bool,
    /// When deployments may start.
    pub hours: DailyHours,
    /// The margin before the end of `hours`.
    pub min_time_left: Minutes,
}

impl WindowsConfig {
    /// The policy for `environment`: its entry in `environments` over the section's keys, then
    /// for a high-risk release the `high_risk` overlay (the environment's over the section's),
    /// whose `deny_weekdays` add to the list and whose other keys replace.
    pub fn policy(&self, environment: &str, high_risk: bool) -> EffectivePolicy {
        let env = self
            .environments
            .get(environment)
            .cloned()
            .unwrap_or_default();
        let mut policy = EffectivePolicy {
            open: env.open,
            deny_weekdays: env
                .deny_weekdays
                .clone()
                .unwrap_or_else(|| self.deny_weekdays.clone()),
            high_risk_weekdays: Vec::new(),
            deny_day_before_holiday: env
                .deny_day_before_holiday
                .unwrap_or(self.deny_day_before_holiday),
            hours: env.hours.unwrap_or(self.hours),
            min_time_left: env.min_time_left.unwrap_or(self.min_time_left),
        };
        policy.deny_weekdays.sort_unstable();
        policy.deny_weekdays.dedup();
        if high_risk {
            let overlay = env
                .high_risk
                .as_ref()
                .map_or_else(|| self.high_risk.clone(), |mine| mine.over(&self.high_risk));
            let mut added: Vec<Weekday> = overlay
                .deny_weekdays
                .unwrap_or_default()
                .into_iter()
                .filter(|day| !policy.deny_weekdays.contains(day))
                .collect();
            added.sort_unstable();
            added.dedup();
            policy.high_risk_weekdays = added;
            if let Some(value) = overlay.deny_day_before_holiday {
                policy.deny_day_before_holiday = value;
            }
            if let Some(hours) = overlay.hours {
                policy.hours = hours;
            }
            if let Some(margin) = overlay.min_time_left {
                policy.min_time_left = margin;
            }
        }
        policy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(yaml: &str) -> WindowsConfig {
        crate::config::parse(yaml, "t").unwrap().windows
    }

    #[test]
    fn stage_is_open_and_production_uses_the_section() {
        let w = WindowsConfig::default();
        assert!(w.policy("stage", true).open);
        let p = w.policy("production", false);
        assert!(!p.open);
        assert_eq!(p.deny_weekdays, [Weekday::Fri, Weekday::Sat, Weekday::Sun]);
        assert!(p.deny_day_before_holiday);
        assert_eq!(p.hours, DailyHours::ALL_DAY);
    }

    #[test]
    fn environment_keys_replace_and_high_risk_merges_key_by_key() {
        let w = config(
            "windows:
  deny_weekdays: [sat, sun]
  high_risk: { deny_weekdays: [thu], min_time_left: 2h }
  environments:
    production:
      hours: \"09:00-17:00\"
      min_time_left: 60m
      high_risk: { deny_weekdays: [fri] }
",
        );
        let low = w.policy("production", false);
        assert_eq!(low.deny_weekdays, [Weekday::Sat, Weekday::Sun]);
        assert!(low.high_risk_weekdays.is_empty());
        assert_eq!(low.min_time_left, Minutes(60));
        let high = w.policy("production", true);
        assert_eq!(high.high_risk_weekdays, [Weekday::Fri]);
        assert_eq!(high.min_time_left, Minutes(120));
        assert_eq!(high.hours.to_string(), "09:00-17:00");
        let other = w.policy("qa", true);
        assert_eq!(other.high_risk_weekdays, [Weekday::Thu]);
        assert_eq!(other.hours, DailyHours::ALL_DAY);
        assert!(
            !w.policy("stage", false).open,
            "a given map replaces the default"
        );
    }
}
