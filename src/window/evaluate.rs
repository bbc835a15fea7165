//! The rules, applied to one instant: which deny it, and for each the earliest instant at
//! which it could stop denying (the bound [`next`](super::next) jumps to).
use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Timestamp};

use super::calendar::Calendar;
use super::cron::FreezeState;
use super::days::weekday;
use crate::config::windows::{EffectivePolicy, Weekday};
use crate::config::{DailyHours, Minutes};

/// A rule that denies, with what its sentence needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Rule {
    /// A freeze from the config.
    Freeze {
        reason: Option<String>,
        until: Timestamp,
    },
    /// A GitLab deploy freeze period (index into the calendar's list).
    GitlabFreeze {
        index: usize,
        until: Option<Timestamp>,
    },
    /// A vacation day.
    Vacation {
        reason: Option<String>,
        from: Date,
        to: Date,
    },
    /// A holiday.
    Holiday { date: Date, name: Option<String> },
    /// A denied day of the week (`high_risk`: denied only for high-risk releases).
    Weekday { day: Weekday, high_risk: bool },
    /// The day before a day off.
    DayBefore { date: Date, what: String },
    /// Outside the hours.
    Hours { time: Time, hours: DailyHours },
    /// Too close to the end of the hours.
    TimeLeft {
        left: SignedDuration,
        hours: DailyHours,
        margin: Minutes,
    },
}

/// A denying rule and the earliest instant it could allow (`None`: never within reach).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Denial {
    pub rule: Rule,
    pub not_before: Option<Timestamp>,
}

fn time_of(minute: u16) -> Time {
    Time::new((minute / 60) as i8, (minute % 60) as i8, 0, 0).unwrap_or(Time::MAX)
}

/// The earlier of two bounds, either possibly absent.
fn earlier(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

impl Calendar {
    /// Every rule that denies starting a deployment of `environment` at `at` under `policy`.
    pub(crate) fn denials(
        &self,
        environment: &str,
        policy: &EffectivePolicy,
        at: Timestamp,
    ) -> Vec<Denial> {
        let mut out = Vec::new();
        for freeze in &self.freezes {
            let applies = if freeze.environments.is_empty() {
                !policy.open
            } else {
                freeze.environments.iter().any(|e| e == environment)
            };
            if applies && freeze.from <= at && at < freeze.to {
                out.push(Denial {
                    rule: Rule::Freeze {
                        reason: freeze.reason.clone(),
                        until: freeze.to,
                    },
                    not_before: Some(freeze.to),
                });
            }
        }
        if policy.open {
            return out;
        }
        for (index, period) in self.gitlab.iter().enumerate() {
            if let FreezeState::Frozen(until) = period.state(at) {
                out.push(Denial {
                    rule: Rule::GitlabFreeze { index, until },
                    not_before: until,
                });
            }
        }
        let here = at.to_zoned(self.tz.clone());
        let date = here.date();
        // Until the zone's next transition the wall clock runs with the instant, so the day
        // and the time of day only move forward: bounds computed on the wall clock hold until
        // then, and are re-checked from there.
        let transition = self.next_transition(at);
        let tomorrow = self.start_of_next_day(date).filter(|t| *t > at);
        let next_day = earlier(tomorrow, transition);
        self.day_rules(policy, date, next_day, &mut out);

        let time = here.time();
        let hours = policy.hours;
        let (start, end) = (time_of(hours.start_minute()), hours.end_minute());
        if time < start {
            let opens = Calendar::after(at, start.duration_since(time));
            out.push(Denial {
                rule: Rule::Hours { time, hours },
                not_before: earlier(Some(opens), next_day),
            });
        } else if end < 24 * 60 && time >= time_of(end) {
            out.push(Denial {
                rule: Rule::Hours { time, hours },
                not_before: next_day,
            });
        } else if policy.min_time_left.0 > 0 {
            let closes = if end < 24 * 60 {
                self.wall_clock_end(date, time_of(end))
            } else {
                self.start_of_next_day(date)
            };
            let margin = SignedDuration::from_mins(i64::from(policy.min_time_left.0));
            if let Some(closes) = closes {
                if Calendar::after(at, margin) > closes {
                    out.push(Denial {
                        rule: Rule::TimeLeft {
                            left: closes.duration_since(at).max(SignedDuration::ZERO),
                            hours,
                            margin: policy.min_time_left,
                        },
                        not_before: next_day,
                    });
                }
            }
        }
        out
    }

    /// The rules that deny whole days: vacation, holiday, weekday, day before a day off.
    fn day_rules(
        &self,
        policy: &EffectivePolicy,
        date: Date,
        next_day: Option<Timestamp>,
        out: &mut Vec<Denial>,
    ) {
        let mut deny = |rule| {
            out.push(Denial {
                rule,
                not_before: next_day,
            });
        };
        if let Some(v) = self.days.vacation(date) {
            deny(Rule::Vacation {
                reason: v.reason.clone(),
                from: v.from,
                to: v.to,
            });
        }
        if let Some(name) = self.days.holiday(date) {
            deny(Rule::Holiday {
                date,
                name: name.map(str::to_owned),
            });
        }
        let day = weekday(date);
        if policy.deny_weekdays.contains(&day) {
            deny(Rule::Weekday {
                day,
                high_risk: false,
            });
        } else if policy.high_risk_weekdays.contains(&day) {
            deny(Rule::Weekday {
                day,
                high_risk: true,
            });
        }
        if policy.deny_day_before_holiday {
            if let Some(what) = date.tomorrow().ok().and_then(|next| self.day_off(next)) {
                deny(Rule::DayBefore { date, what });
            }
        }
    }

    /// Why `date` is a day off, for "the day before …": a holiday, a vacation's first day or
    /// a non-working day.
    fn day_off(&self, date: Date) -> Option<String> {
        if let Some(name) = self.days.holiday(date) {
            return Some(match name {
                Some(name) => format!("a holiday ({date}, {name})"),
                None => format!("a holiday ({date})"),
            });
        }
        if let Some(v) = self.days.vacation_starting(date) {
            return Some(match &v.reason {
                Some(reason) => format!("vacation \"{reason}\" (from {date})"),
                None => format!("a vacation (from {date})"),
            });
        }
        self.days
            .is_non_working(date)
            .then(|| format!("a non-working day ({})", weekday(date)))
    }

    /// The sentence for a denying rule.
    pub(crate) fn describe(&self, rule: &Rule, environment: &str) -> String {
        match rule {
            Rule::Freeze { reason, until } => match reason {
                Some(reason) => format!("freeze \"{reason}\" until {}", self.local(*until)),
                None => format!("freeze until {}", self.local(*until)),
            },
            Rule::GitlabFreeze { index, until } => {
                let period = &self.gitlab[*index];
                let until = match until {
                    Some(t) => format!("until {}", self.local(*t)),
                    None => "with no end in sight".to_owned(),
                };
                format!(
                    "GitLab deploy freeze (`{}` to `{}`, {}) {until}",
                    period.start_text, period.end_text, period.zone_name
                )
            }
            Rule::Vacation { reason, from, to } => match reason {
                Some(reason) => format!("vacation \"{reason}\" ({from} to {to})"),
                None => format!("vacation ({from} to {to})"),
            },
            Rule::Holiday { date, name } => match name {
                Some(name) => format!("{date} is a holiday ({name})"),
                None => format!("{date} is a holiday"),
            },
            Rule::Weekday { day, high_risk } => {
                if *high_risk {
                    format!("{day} is a denied weekday for high-risk releases to {environment}")
                } else {
                    format!("{day} is a denied weekday for {environment}")
                }
            }
            Rule::DayBefore { date, what } => {
                format!("{} {date} is the day before {what}", weekday(*date))
            }
            Rule::Hours { time, hours } => format!(
                "{} is outside the deployment hours {hours} {}",
                time.strftime("%H:%M"),
                self.tz_name
            ),
            Rule::TimeLeft {
                left,
                hours,
                margin,
            } => {
                let minutes = left.as_secs() / 60;
                let end = time_of(hours.end_minute());
                let end = if hours.end_minute() == 24 * 60 {
                    "24:00".to_owned()
                } else {
                    end.strftime("%H:%M").to_string()
                };
                format!(
                    "only {minutes}m left before the deployment hours end at {end}; \
                     min_time_left is {margin}"
                )
            }
        }
    }
}
