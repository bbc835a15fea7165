//! Sending one event to its channels: each retried with backoff on its own, a failure never
//! stopping the others; `required` channels decide the exit code.
use std::time::Duration;

use serde::Serialize;

use super::error::NotifyError;
use super::facts::Facts;
use super::issue_comment::{Commented, comment, comment_marker};
use super::payload::{slack_payload, webhook_payload};
use super::secrets::Secrets;
use super::templates::{Message, Templates};
use super::webhook::{AttemptError, client, post};
use crate::config::NotifyConfig;
use crate::config::notify::{Channel, ChannelKind, Language};
use crate::forge::Forge;
use crate::retry::RetryPolicy;

/// What to send, and where.
pub struct SendRequest<'a> {
    /// The `notify:` section (language, timeout, retries, backoff).
    pub config: &'a NotifyConfig,
    /// The channels that hear about this event (already chosen by event and `--channel`).
    pub channels: Vec<&'a Channel>,
    /// What the messages say.
    pub facts: &'a Facts,
    /// Where the templates come from.
    pub templates: &'a Templates,
    /// Webhook URLs and passwords.
    pub secrets: &'a Secrets,
    /// The directory relative paths of the config (`smtp.ca_file`) start from: the repository root.
    pub base_dir: std::path::PathBuf,
    /// The CI run (issue comments are written once per event and run).
    pub run_id: String,
    /// For `issue` channels: the deployment issue's number and the login comments are made
    /// as, or why there is none.
    pub issue: Result<(u64, String), String>,
}

/// How a channel fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Delivered.
    Sent,
    /// An issue comment for this event and run was already there.
    AlreadySent,
    /// Not delivered after every attempt.
    Failed,
}

/// One channel's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    /// The channel's name (never its address).
    pub channel: String,
    /// Its kind.
    #[serde(rename = "type")]
    pub kind: ChannelKind,
    /// Whether its failure fails the command.
    pub required: bool,
    /// How it fared.
    pub status: DeliveryStatus,
    /// Attempts made (0 when it could not even start, e.g. a missing secret).
    pub attempts: u32,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The failure is the configuration's (a missing secret, no deployment issue).
    #[serde(skip)]
    pub config_error: bool,
}

/// Every channel's result.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    /// One per channel, in config order.
    pub deliveries: Vec<Delivery>,
}

impl Outcome {
    /// The required channels that did not get the message.
    pub fn undelivered(&self) -> impl Iterator<Item = &Delivery> {
        self.deliveries
            .iter()
            .filter(|d| d.required && d.status == DeliveryStatus::Failed)
    }
}

/// Render and send the event to every channel of `request`. Only template errors stop it
/// early; channel failures are in the outcome.
pub async fn send<F: Forge>(
    request: &SendRequest<'_>,
    forge: Option<&F>,
) -> Result<Outcome, NotifyError> {
    let mut messages: Vec<(Language, Message)> = Vec::new();
    for channel in &request.channels {
        let language = channel.language.unwrap_or(request.config.language);
        if !messages.iter().any(|(l, _)| *l == language) {
            messages.push((language, request.templates.render(request.facts, language)?));
        }
    }
    let timeout = request.config.timeout.duration();
    let http = client(timeout).map_err(NotifyError::Channel)?;
    let mut outcome = Outcome::default();
    for channel in &request.channels {
        let language = channel.language.unwrap_or(request.config.language);
        let message = &messages
            .iter()
            .find(|(l, _)| *l == language)
            .expect("rendered above")
            .1;
        let mut delivery = Delivery {
            channel: channel.name.clone(),
            kind: channel.kind,
            required: channel.required,
            status: DeliveryStatus::Failed,
            attempts: 0,
            error: None,
            config_error: false,
        };
        match deliver(
            request,
            forge,
            &http,
            channel,
            message,
            &mut delivery.attempts,
        )
        .await
        {
            Ok(status) => delivery.status = status,
            Err(Failed { message, config }) => {
                delivery.error = Some(request.secrets.redact(&message));
                delivery.config_error = config;
            }
        }
        match delivery.status {
            DeliveryStatus::Failed => tracing::warn!(
                "channel {}: not sent: {}",
                delivery.channel,
                delivery.error.as_deref().unwrap_or_default()
            ),
            _ => tracing::info!("channel {}: sent", delivery.channel),
        }
        outcome.deliveries.push(delivery);
    }
    Ok(outcome)
}

struct Failed {
    message: String,
    config: bool,
}

impl Failed {
    fn config(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            config: true,
        }
    }
}

async fn deliver<F: Forge>(
    request: &SendRequest<'_>,
    forge: Option<&F>,
    http: &reqwest::Client,
    channel: &Channel,
    message: &Message,
    attempts: &mut u32,
) -> Result<DeliveryStatus, Failed> {
    let policy = retry_policy(request.config);
    let timeout = policy.timeout;
    match channel.kind {
        ChannelKind::Slack | ChannelKind::Webhook => {
            let url = request.secrets.get(&channel.webhook_env).ok_or_else(|| {
                Failed::config(
                    NotifyError::MissingSecret {
                        channel: channel.name.clone(),
                        variable: channel.webhook_env.clone(),
                        what: "webhook URL",
                    }
                    .to_string(),
                )
            })?;
            let body = match channel.kind {
                ChannelKind::Slack => slack_payload(message),
                _ => webhook_payload(message, request.facts),
            };
            retry(&policy, attempts, || post(http, url, &body, timeout)).await?;
            Ok(DeliveryStatus::Sent)
        }
        ChannelKind::Issue => {
            let (number, login) = request
                .issue
                .as_ref()
                .map_err(|why| Failed::config(why.clone()))?;
            let forge = forge.ok_or_else(|| Failed::config("no forge to comment on"))?;
            let marker = comment_marker(
                request.facts.event,
                &request.facts.version,
                &request.facts.environment,
                &request.run_id,
            );
            let done = retry(&policy, attempts, || {
                comment(forge, login, *number, &marker, &message.markdown)
            })
            .await?;
            Ok(match done {
                Commented::New => DeliveryStatus::Sent,
                Commented::Already => DeliveryStatus::AlreadySent,
            })
        }
        ChannelKind::Email => {
            let smtp = channel
                .smtp
                .as_ref()
                .ok_or_else(|| Failed::config("an email channel needs `smtp:`"))?;
            let password = if smtp.username.is_empty() {
                None
            } else {
                Some(request.secrets.get(&smtp.password_env).ok_or_else(|| {
                    Failed::config(
                        NotifyError::MissingSecret {
                            channel: channel.name.clone(),
                            variable: smtp.password_env.clone(),
                            what: "SMTP password",
                        }
                        .to_string(),
                    )
                })?)
            };
            retry(&policy, attempts, || {
                super::email::send(smtp, password, message, timeout, &request.base_dir)
            })
            .await?;
            Ok(DeliveryStatus::Sent)
        }
    }
}

/// The retry policy of `config`: `retries` more tries after the first, waiting `backoff`
/// before the first retry and doubling up to a minute; no cap on the whole.
fn retry_policy(config: &NotifyConfig) -> RetryPolicy {
    RetryPolicy {
        attempts: config.retries.saturating_add(1),
        base: config.backoff.duration(),
        max_delay: Duration::from_secs(60),
        total: Duration::MAX,
        timeout: config.timeout.duration(),
    }
}

/// Run `attempt` until it succeeds, fails for good, or the policy's attempts are spent.
async fn retry<T, Fut>(
    policy: &RetryPolicy,
    attempts: &mut u32,
    mut attempt: impl FnMut() -> Fut,
) -> Result<T, Failed>
where
    Fut: Future<Output = Result<T, AttemptError>>,
{
    loop {
        *attempts += 1;
        match attempt().await {
            Ok(value) => return Ok(value),
            Err(AttemptError::Permanent(message)) => {
                return Err(Failed {
                    message,
                    config: false,
                });
            }
            Err(AttemptError::Transient(message)) => {
                if *attempts >= policy.attempts {
                    let tries = if *attempts == 1 { "try" } else { "tries" };
                    return Err(Failed {
                        message: format!("{message} ({attempts} {tries})"),
                        config: false,
                    });
                }
                let wait = policy.backoff(*attempts - 1);
                tracing::debug!("attempt {attempts} failed: {message}; again in {wait:?}");
                tokio::time::sleep(wait).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_and_backoff_make_the_policy_waiting_backoff_then_doubling() {
        let yaml = "notify:\n  retries: 3\n  backoff: 2s\n  timeout: 5s\n";
        let policy = retry_policy(&crate::config::parse(yaml, "t").unwrap().notify);
        assert_eq!(
            (policy.attempts, policy.timeout),
            (4, Duration::from_secs(5))
        );
        let waits: Vec<u64> = (0..7).map(|r| policy.backoff(r).as_secs()).collect();
        assert_eq!(waits, [2, 4, 8, 16, 32, 60, 60]);
    }
}
