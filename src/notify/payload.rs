//! The JSON bodies posted to Slack and to generic webhooks.
use serde_json::{Value, json};

use super::facts::Facts;
use super::templates::Message;

/// Slack limits: header text 150 characters, section text 3000.
const SLACK_HEADER: usize = 150;
const SLACK_SECTION: usize = 3000;
/// Discord's `content` limit.
const DISCORD_CONTENT: usize = 2000;

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// A Slack incoming-webhook body: a header block and a section, with `text` as the fallback
/// shown in notifications.
pub fn slack_payload(message: &Message) -> Value {
    let mut blocks = vec![json!({
        "type": "header",
        "text": { "type": "plain_text", "text": cut(&message.title, SLACK_HEADER), "emoji": true }
    })];
    if !message.text.is_empty() {
        blocks.push(json!({
            "type": "section",
            "text": { "type": "mrkdwn", "text": cut(&message.text, SLACK_SECTION) }
        }));
    }
    json!({ "text": message.title, "blocks": blocks })
}

/// A generic webhook body: `text` (Mattermost, Teams connectors), `content` (Discord), a
/// `title`, and the event's facts for receivers that read fields.
pub fn webhook_payload(message: &Message, facts: &Facts) -> Value {
    let full = if message.text.is_empty() {
        message.title.clone()
    } else {
        format!("{}\n\n{}", message.title, message.text)
    };
    json!({
        "title": message.title,
        "text": full,
        "content": cut(&full, DISCORD_CONTENT),
        "event": facts.event,
        "project": facts.project,
        "environment": facts.environment,
        "version": facts.version,
        "previous_version": facts.previous_version,
        "tickets": facts.tickets.iter().map(|t| t.key.as_str()).collect::<Vec<_>>(),
        "duration": facts.duration,
        "pipeline_url": facts.pipeline_url,
        "issue_url": facts.issue_url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::notify::Language;
    use crate::notify::Templates;
    use crate::notify::facts::sample;

    #[test]
    fn slack_and_webhook_bodies() {
        let facts = sample();
        let message = Templates::default().render(&facts, Language::En).unwrap();
        let pretty = |v: Value| serde_json::to_string_pretty(&v).unwrap();
        insta::assert_snapshot!("slack_start_en", pretty(slack_payload(&message)));
        insta::assert_snapshot!(
            "webhook_start_en",
            pretty(webhook_payload(&message, &facts))
        );
    }

    #[test]
    fn long_texts_are_cut_to_the_limits() {
        let message = Message {
            title: "t".repeat(200),
            text: "x".repeat(4000),
            markdown: String::new(),
        };
        let body = slack_payload(&message);
        assert_eq!(
            body["blocks"][0]["text"]["text"]
                .as_str()
                .unwrap()
                .chars()
                .count(),
            150
        );
        assert_eq!(
            body["blocks"][1]["text"]["text"]
                .as_str()
                .unwrap()
                .chars()
                .count(),
            3000
        );
    }
}
