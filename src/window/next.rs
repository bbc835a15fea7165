//! The next allowed moment: jump from bound to bound instead of scanning minutes.
//!
//! Every denial carries the earliest instant at which its rule could allow again (the end of
//! a freeze, the start of the hours, the next day). An allowed instant must satisfy every
//! rule, so nothing before the latest of those bounds is allowed; the search jumps there and
//! checks again. Each jump moves forward, so the search ends, and it returns the first
//! instant it finds allowed: the earliest one.
use jiff::{SignedDuration, Timestamp};

use super::calendar::{Calendar, HORIZON_DAYS};
use crate::config::windows::EffectivePolicy;

impl Calendar {
    /// The earliest allowed instant at or after `at`, if one comes within [`HORIZON_DAYS`].
    pub(crate) fn next_allowed(
        &self,
        environment: &str,
        policy: &EffectivePolicy,
        at: Timestamp,
    ) -> Option<Timestamp> {
        let horizon = Calendar::after(at, SignedDuration::from_hours(24 * HORIZON_DAYS));
        let mut t = at;
        loop {
            let denials = self.denials(environment, policy, t);
            if denials.is_empty() {
                return Some(t);
            }
            let mut bound = t;
            for denial in &denials {
                bound = bound.max(denial.not_before?);
            }
            if bound <= t || bound > horizon {
                return None;
            }
            t = bound;
        }
    }

    /// Whether starting at `at` is allowed, without looking for the next allowed moment.
    #[cfg(test)]
    pub(crate) fn allows(
        &self,
        environment: &str,
        policy: &EffectivePolicy,
        at: Timestamp,
    ) -> bool {
        self.denials(environment, policy, at).is_empty()
    }
}
