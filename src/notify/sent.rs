//! What one invocation sent: a line per channel for people, one JSON object for machines
//! (`schemas/notify-output.schema.json`), the step outputs, and whether a required channel
//! missed it. Channels are named, never their addresses.
use serde::Serialize;
use serde_json::Value;

use super::deliver::{Delivery, DeliveryStatus, Outcome};
use super::error::NotifyError;
use crate::config::notify::Event;

/// The command `watch` ran, for the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Watched {
    /// The command line, for people.
    #[serde(skip)]
    pub command: String,
    /// Its exit code (128 + signal when killed).
    pub exit_code: i32,
    /// How long it ran.
    pub duration: String,
    /// Whether it ran past the estimate (and `delay` was sent).
    pub delayed: bool,
}

impl Watched {
    /// The exit status to pass on: its exit code, or 1 when that does not fit in a byte.
    pub fn status(&self) -> u8 {
        u8::try_from(self.exit_code).unwrap_or(1)
    }
}

/// Every event one invocation sent, in order, and the command `watch` ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sent {
    /// The release, without the tag prefix.
    pub version: String,
    /// The environment.
    pub environment: String,
    /// Each event and how its channels fared.
    #[serde(serialize_with = "events")]
    pub events: Vec<(Event, Outcome)>,
    /// The command `watch` ran.
    #[serde(rename = "command", skip_serializing_if = "Option::is_none")]
    pub watched: Option<Watched>,
}

fn events<S: serde::Serializer>(events: &[(Event, Outcome)], to: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct EventJson<'a> {
        event: Event,
        channels: &'a [Delivery],
    }
    to.collect_seq(events.iter().map(|(event, outcome)| EventJson {
        event: *event,
        channels: &outcome.deliveries,
    }))
}

impl Sent {
    /// One line per channel: `sent start to dev (slack)`, `FAILED end to hook (webhook,
    /// required): …`; then how the watched command ended.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (event, outcome) in &self.events {
            out.push_str(&text_report(*event, outcome));
        }
        if let Some(w) = &self.watched {
            out.push_str(&format!(
                "`{}` exited with {} after {}\n",
                w.command, w.exit_code, w.duration
            ));
        }
        out
    }

    /// The JSON report.
    pub fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The step outputs `sent` and `failed`: channel names, comma-separated.
    pub fn outputs(&self) -> [(&'static str, String); 2] {
        let names = |failed: bool| {
            let mut names: Vec<&str> = Vec::new();
            let deliveries = self.events.iter().flat_map(|(_, o)| &o.deliveries);
            for d in deliveries.filter(|d| (d.status == DeliveryStatus::Failed) == failed) {
                if !names.contains(&d.channel.as_str()) {
                    names.push(&d.channel);
                }
            }
            names.join(",")
        };
        [("sent", names(false)), ("failed", names(true))]
    }

    /// The required channels that did not get an event: a configuration error when each failed
    /// for the configuration's sake, else an external failure.
    pub fn undelivered(&self) -> Option<NotifyError> {
        let mut channels: Vec<&str> = Vec::new();
        let mut config = true;
        for d in self.events.iter().flat_map(|(_, o)| o.undelivered()) {
            config &= d.config_error;
            if !channels.contains(&d.channel.as_str()) {
                channels.push(&d.channel);
            }
        }
        (!channels.is_empty()).then(|| NotifyError::Undelivered {
            channels: channels.join(", "),
            config,
        })
    }
}

/// One line per channel of one event.
fn text_report(event: Event, outcome: &Outcome) -> String {
    let mut out = String::new();
    if outcome.deliveries.is_empty() {
        out.push_str(&format!("{event}: no channel hears about this event\n"));
    }
    for d in &outcome.deliveries {
        let required = if d.required { ", required" } else { "" };
        let line = match d.status {
            DeliveryStatus::Sent => {
                format!("sent {event} to {} ({}{required})\n", d.channel, d.kind)
            }
            DeliveryStatus::AlreadySent => {
                format!(
                    "already sent {event} to {} ({}{required})\n",
                    d.channel, d.kind
                )
            }
            DeliveryStatus::Failed => format!(
                "FAILED {event} to {} ({}{required}): {}\n",
                d.channel,
                d.kind,
                d.error.as_deref().unwrap_or("unknown error")
            ),
        };
        out.push_str(&line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::notify::ChannelKind;
    use crate::exit::{Exit, ExitClass};

    fn delivery(channel: &str, required: bool, status: DeliveryStatus, config: bool) -> Delivery {
        Delivery {
            channel: channel.into(),
            kind: ChannelKind::Webhook,
            required,
            status,
            attempts: 1,
            error: (status == DeliveryStatus::Failed).then(|| "HTTP 500".into()),
            config_error: config,
        }
    }

    fn sent(events: Vec<(Event, Vec<Delivery>)>) -> Sent {
        Sent {
            version: "1.2.0".into(),
            environment: "production".into(),
            events: (events.into_iter())
                .map(|(e, deliveries)| (e, Outcome { deliveries }))
                .collect(),
            watched: None,
        }
    }

    #[test]
    fn outputs_name_each_channel_once_and_the_text_ends_with_the_command() {
        use DeliveryStatus::*;
        let mut sent = sent(vec![
            (Event::Start, vec![delivery("dev", false, Sent, false)]),
            (Event::Delay, vec![]),
            (
                Event::End,
                vec![
                    delivery("dev", false, AlreadySent, false),
                    delivery("hook", false, Failed, false),
                ],
            ),
        ]);
        sent.watched = Some(Watched {
            command: "sh -c true".into(),
            exit_code: 0,
            duration: "3s".into(),
            delayed: false,
        });
        assert_eq!(
            sent.outputs(),
            [("sent", "dev".to_owned()), ("failed", "hook".to_owned())]
        );
        assert_eq!(
            sent.text(),
            "sent start to dev (webhook)\ndelay: no channel hears about this event\n\
             already sent end to dev (webhook)\nFAILED end to hook (webhook): HTTP 500\n\
             `sh -c true` exited with 0 after 3s\n"
        );
        assert_eq!(sent.json()["command"]["exit_code"], 0);
        assert!(sent.json()["command"].get("command").is_none());
        assert!(sent.undelivered().is_none(), "hook is not required");
    }

    #[test]
    fn a_required_channel_missed_is_a_usage_error_only_when_every_miss_is_the_config_s() {
        use DeliveryStatus::Failed;
        let config = sent(vec![
            (Event::Start, vec![delivery("issue", true, Failed, true)]),
            (Event::End, vec![delivery("issue", true, Failed, true)]),
        ]);
        let missed = config.undelivered().unwrap();
        assert_eq!(missed.exit_class(), Exit::Usage);
        assert_eq!(
            missed.to_string(),
            "not delivered to the required channels issue"
        );
        let mixed = sent(vec![
            (Event::Start, vec![delivery("issue", true, Failed, true)]),
            (Event::End, vec![delivery("must", true, Failed, false)]),
        ]);
        assert_eq!(mixed.undelivered().unwrap().exit_class(), Exit::External);
    }

    #[test]
    fn a_status_that_does_not_fit_a_byte_is_1() {
        let watched = |exit_code| Watched {
            command: String::new(),
            exit_code,
            duration: "0s".into(),
            delayed: false,
        };
        assert_eq!(watched(143).status(), 143);
        assert_eq!(watched(-1).status(), 1);
        assert_eq!(watched(256).status(), 1);
    }
}
