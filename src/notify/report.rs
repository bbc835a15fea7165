//! Printing what was sent: a line per channel for people, one JSON object for machines
//! (`schemas/notify-output.schema.json`). Channels are named, never their addresses.
use serde::Serialize;
use serde_json::Value;

use super::deliver::{Delivery, DeliveryStatus, Outcome};
use super::facts::Facts;
use crate::config::notify::Event;

/// The command `watch` ran, for the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Watched {
    /// Its exit code (128 + signal when killed).
    pub exit_code: i32,
    /// How long it ran.
    pub duration: String,
    /// Whether it ran past the estimate (and `delay` was sent).
    pub delayed: bool,
}

#[derive(Serialize)]
struct Json<'a> {
    version: &'a str,
    environment: &'a str,
    events: Vec<EventJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    command: Option<&'a Watched>,
}

#[derive(Serialize)]
struct EventJson<'a> {
    event: Event,
    channels: &'a [Delivery],
}

/// One line per channel: `sent dev (slack)`, `FAILED hook (webhook, required): …`.
pub fn text_report(facts: &Facts, outcome: &Outcome) -> String {
    let mut out = String::new();
    if outcome.deliveries.is_empty() {
        out.push_str(&format!(
            "{}: no channel hears about this event\n",
            facts.event
        ));
    }
    for d in &outcome.deliveries {
        let required = if d.required { ", required" } else { "" };
        let line = match d.status {
            DeliveryStatus::Sent => format!(
                "sent {} to {} ({}{required})\n",
                facts.event, d.channel, d.kind
            ),
            DeliveryStatus::AlreadySent => {
                format!(
                    "already sent {} to {} ({}{required})\n",
                    facts.event, d.channel, d.kind
                )
            }
            DeliveryStatus::Failed => format!(
                "FAILED {} to {} ({}{required}): {}\n",
                facts.event,
                d.channel,
                d.kind,
                d.error.as_deref().unwrap_or("unknown error")
            ),
        };
        out.push_str(&line);
    }
    out
}

/// The JSON report of the events sent (and of the command `watch` ran).
pub fn json_report(facts: &Facts, sent: &[(Event, Outcome)], watched: Option<&Watched>) -> Value {
    serde_json::to_value(Json {
        version: &facts.version,
        environment: &facts.environment,
        events: sent
            .iter()
            .map(|(event, outcome)| EventJson {
                event: *event,
                channels: &outcome.deliveries,
            })
            .collect(),
        command: watched,
    })
    .unwrap_or(Value::Null)
}
