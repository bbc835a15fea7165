//! What `shipgate-window` tells: one line of text, one JSON object
//! (`schemas/window-output.schema.json`), the step outputs and the step summary.
use jiff::Timestamp;
use serde::Serialize;

use super::{Calendar, RiskChoice, Verdict};
use crate::ci::{CiError, Outputs};

/// The answer for one environment, instant and risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WindowReport {
    /// Whether a deployment may start.
    pub allowed: bool,
    /// The environment checked.
    pub environment: String,
    /// The instant checked, RFC 3339 in UTC.
    pub at: String,
    /// The same on the configured wall clock: `2026-11-24 10:00 Europe/Madrid`.
    pub at_local: String,
    /// The configured time zone.
    pub timezone: String,
    /// `low` or `high`.
    pub risk: String,
    /// Why that risk.
    pub risk_reason: String,
    /// Every denying rule joined with "; ", or "allowed".
    pub reason: String,
    /// Every denying rule, one sentence each.
    pub reasons: Vec<String>,
    /// When denied, the next allowed moment, RFC 3339 in UTC.
    pub next: Option<String>,
    /// The same on the configured wall clock.
    pub next_local: Option<String>,
    /// How many GitLab deploy freeze periods were taken into account.
    pub gitlab_freeze_periods: usize,
}

impl WindowReport {
    /// The report of `verdict`, given for `environment` at `at`.
    pub fn new(
        calendar: &Calendar,
        environment: &str,
        at: Timestamp,
        risk: &RiskChoice,
        verdict: &Verdict,
    ) -> Self {
        Self {
            allowed: verdict.allowed,
            environment: environment.to_owned(),
            at: crate::time::rfc3339(at),
            at_local: calendar.local(at),
            timezone: calendar.timezone().to_owned(),
            risk: risk.risk.to_string(),
            risk_reason: risk.why.clone(),
            reason: verdict.reason(),
            reasons: verdict.reasons.clone(),
            next: verdict.next.map(crate::time::rfc3339),
            next_local: verdict.next.map(|t| calendar.local(t)),
            gitlab_freeze_periods: calendar.freeze_period_count(),
        }
    }

    /// `allowed: production at … (risk low: …)` or `denied: … ; next allowed …`, one line.
    pub fn text(&self) -> String {
        let head = format!(
            "{} at {} (risk {}: {})",
            self.environment, self.at_local, self.risk, self.risk_reason
        );
        if self.allowed {
            return format!("allowed: {head}\n");
        }
        let next = match (&self.next_local, &self.next) {
            (Some(local), Some(utc)) => format!("; next allowed {local} ({utc})"),
            _ => String::new(),
        };
        format!("denied: {head}: {}{next}\n", self.reason)
    }

    /// The JSON object, pretty-printed, with a final newline.
    pub fn json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// `allowed` (`true`/`false`), `reason`, `next` (empty when none) and `risk`.
    pub fn outputs(&self) -> Result<Outputs, CiError> {
        let mut outputs = Outputs::new();
        outputs
            .set("allowed", self.allowed.to_string())?
            .set("reason", self.reason.clone())?
            .set("next", self.next.clone().unwrap_or_default())?
            .set("risk", self.risk.clone())?;
        Ok(outputs)
    }

    /// One Markdown line for the job summary when denied; `None` when allowed.
    pub fn step_summary(&self) -> Option<String> {
        if self.allowed {
            return None;
        }
        let next = match &self.next_local {
            Some(local) => format!(" Next allowed: **{local}**."),
            None => String::new(),
        };
        Some(format!(
            ":no_entry: **Deployment window closed** for `{}` at {} (risk {}): {}.{next}\n",
            self.environment, self.at_local, self.risk, self.reason
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::window::{Risk, RiskChoice};

    fn report(at: &str) -> WindowReport {
        let config = crate::config::parse(
            "windows: {timezone: Europe/Madrid, hours: \"09:00-17:00\"}\n",
            "f",
        )
        .unwrap();
        let calendar = Calendar::load(&config.windows, std::path::Path::new(".")).unwrap();
        let at: Timestamp = at.parse().unwrap();
        let risk = RiskChoice {
            risk: Risk::High,
            why: "major bump 1.4.2 → 2.0.0".into(),
        };
        let verdict = calendar.check("production", risk.risk, at);
        WindowReport::new(&calendar, "production", at, &risk, &verdict)
    }

    #[test]
    fn allowed_is_one_line_and_no_summary() {
        let r = report("2026-11-24T09:00:00.5Z");
        assert_eq!(
            r.text(),
            "allowed: production at 2026-11-24 10:00 Europe/Madrid (risk high: major bump 1.4.2 → 2.0.0)\n"
        );
        assert_eq!(r.at, "2026-11-24T09:00:00Z");
        assert_eq!(r.step_summary(), None);
        let pairs: Vec<_> = r
            .outputs()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        assert_eq!(
            pairs,
            ["allowed=true", "reason=allowed", "next=", "risk=high"]
        );
    }

    #[test]
    fn denied_gives_reasons_and_the_next_moment() {
        let r = report("2026-11-27T09:00:00Z");
        assert_eq!(
            r.text(),
            "denied: production at 2026-11-27 10:00 Europe/Madrid (risk high: major bump 1.4.2 → \
             2.0.0): Friday is a denied weekday for production; Friday 2026-11-27 is the day \
             before a non-working day (Saturday); next allowed 2026-11-30 09:00 Europe/Madrid \
             (2026-11-30T08:00:00Z)\n"
        );
        assert_eq!(
            r.step_summary().unwrap(),
            ":no_entry: **Deployment window closed** for `production` at 2026-11-27 10:00 \
             Europe/Madrid (risk high): Friday is a denied weekday for production; Friday \
             2026-11-27 is the day before a non-working day (Saturday). Next allowed: \
             **2026-11-30 09:00 Europe/Madrid**.\n"
        );
        let json: serde_json::Value = serde_json::from_str(&r.json()).unwrap();
        assert_eq!(json["next"], "2026-11-30T08:00:00Z");
        assert_eq!(json["reasons"].as_array().unwrap().len(), 2);
        assert_eq!(r.outputs().unwrap().get("allowed"), Some("false"));
    }
}
