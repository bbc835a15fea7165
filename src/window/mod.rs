//! Deployment windows: may a release start deploying to an environment now, and if not, when?
//!
//! A [`Calendar`] is built once per run from `windows:` ([`Calendar::load`]), plus the
//! project's GitLab deploy freeze periods read through the forge
//! ([`Calendar::with_forge_freeze_periods`]). Its
//! [`check`](Calendar::check) applies, in the configured time zone:
//!
//! - freezes from the config (to every environment that is not `open`, or to the ones they
//!   name) and from GitLab;
//! - vacations and holidays (the config's list and the iCalendar `holidays_file`);
//! - the policy of the environment and risk: denied weekdays (`high_risk` adds some), the day
//!   before a non-working day, a holiday or a vacation, the daily hours and the
//!   `min_time_left` margin before they end.
//!
//! An `open` environment skips every rule but the freezes that name it. When denied, the
//! [`Verdict`] gives every reason and the next allowed moment.
mod calendar;
mod cron;
mod days;
mod error;
mod evaluate;
mod freeze;
mod ical;
mod next;
pub mod report;
mod risk;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub use calendar::{Calendar, HORIZON_DAYS};
pub use error::WindowError;
pub use risk::{Risk, RiskChoice, SchemaRisk, choose_risk};

/// The answer of [`Calendar::check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Whether a deployment may start.
    pub allowed: bool,
    /// Every rule that denies, one sentence each; empty when allowed.
    pub reasons: Vec<String>,
    /// When denied: the earliest allowed moment after the instant checked (`None` when there
    /// is none within [`HORIZON_DAYS`], which the last reason says).
    pub next: Option<jiff::Timestamp>,
}

impl Verdict {
    /// The reasons joined with "; ", or "allowed".
    pub fn reason(&self) -> String {
        if self.reasons.is_empty() {
            "allowed".to_owned()
        } else {
            self.reasons.join("; ")
        }
    }
}
