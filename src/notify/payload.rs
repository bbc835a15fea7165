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

/// `text` escaped as Slack asks for text in mrkdwn: `&`, `<` and `>` as `&amp;`, `&lt;` and
/// `&gt;`, so `<!channel>` or `<http://x|y>` is shown, not acted on.
pub(crate) fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A Slack incoming-webhook body: a header block (plain text, which Slack does not parse) and
/// a mrkdwn section, with `text` as the fallback shown in notifications. Values in the mrkdwn
/// parts were escaped when the template was rendered.
pub fn slack_payload(message: &Message) -> Value {
    let mut blocks = vec![json!({
        "type": "header",
        "text": { "type": "plain_text", "text": cut(&message.title, SLACK_HEADER), "emoji": true }
    })];
    if !message.slack_text.is_empty() {
        blocks.push(json!({
            "type": "section",
            "text": { "type": "mrkdwn", "text": cut(&message.slack_text, SLACK_SECTION) }
        }));
    }
    json!({ "text": message.slack_title, "blocks": blocks })
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
    fn values_are_escaped_for_slack_and_the_template_text_is_not() {
        let mut facts = sample();
        facts.project = "R&D <!channel>".into();
        facts.tickets = vec![crate::notify::Ticket {
            key: "<http://evil.example|click>".into(),
            url: None,
        }];
        facts.restarts = vec!["<!here>".into(), "<@U123>".into()];
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("en")).unwrap();
        std::fs::write(
            dir.path().join("en/start.txt"),
            "<!here> {{ project }} starts\n<{{ pipeline_url }}|Pipeline> {{ tickets[0].key }} \
             {{ restarts | join(\", \") }}\n",
        )
        .unwrap();
        let message = Templates::new(Some(dir.path()))
            .render(&facts, Language::En)
            .unwrap();
        assert_eq!(message.title, "<!here> R&D <!channel> starts");
        let body = slack_payload(&message);
        assert_eq!(body["text"], "<!here> R&amp;D &lt;!channel&gt; starts");
        assert_eq!(body["blocks"][0]["text"]["text"], message.title);
        assert_eq!(
            body["blocks"][1]["text"]["text"],
            "<https://github.com/acme/shop/actions/runs/77|Pipeline> \
             &lt;http://evil.example|click&gt; &lt;!here&gt;, &lt;@U123&gt;"
        );
    }

    #[test]
    fn long_texts_are_cut_to_the_limits() {
        let message = Message {
            title: "t".repeat(200),
            text: String::new(),
            markdown: String::new(),
            slack_title: "t".repeat(200),
            slack_text: "x".repeat(4000),
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
