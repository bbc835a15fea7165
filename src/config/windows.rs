//! The `windows:` section of `shipgate.yml`: when deployments are allowed.
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

/// A vacation: whole days `from` through `to`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vacation {
    /// First day of the vacation.
    pub from: Date,
    /// Last day of the vacation (included); not before `from`.
    pub to: Date,
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
}

/// The `windows:` section.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WindowsConfig {
    /// The zone of every date, time and hour in this section.
    pub timezone: TimeZoneName,
    /// Days of the week without deployments.
    pub deny_weekdays: Vec<Weekday>,
    /// Also deny the day before each holiday.
    pub deny_day_before_holiday: bool,
    /// Days without deployments.
    pub holidays: Vec<Date>,
    /// Ranges of whole days without deployments.
    pub vacations: Vec<Vacation>,
    /// Ranges of local date-times without deployments.
    pub freezes: Vec<Freeze>,
    /// The part of each allowed day when deployments may start.
    pub hours: DailyHours,
    /// A deployment must start at least this long before the allowed hours end.
    pub min_time_left: Minutes,
}
