//! Posting JSON to a webhook, with errors that never show its URL.
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

/// Why one attempt failed, and whether trying again may help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AttemptError {
    /// Worth another try: refused, timed out, 5xx, 429.
    Transient(String),
    /// Another try would fail the same way: 4xx.
    Permanent(String),
}

/// An HTTP client for webhooks: one attempt takes at most `timeout`.
pub(crate) fn client(timeout: Duration) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!("shipgate/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {}", e.without_url()))
}

/// POST `body` to the secret `url` once.
pub(crate) async fn post(
    client: &reqwest::Client,
    url: &SecretString,
    body: &Value,
    timeout: Duration,
) -> Result<(), AttemptError> {
    let response = client
        .post(url.expose_secret())
        .json(body)
        .send()
        .await
        .map_err(|e| {
            if e.is_timeout() {
                return AttemptError::Transient(format!(
                    "no answer within {}",
                    crate::config::Span::from_duration(timeout)
                ));
            }
            let what = if e.is_connect() {
                "cannot connect".to_owned()
            } else if e.is_builder() {
                return AttemptError::Permanent(
                    "the webhook URL is not a valid http(s) URL".to_owned(),
                );
            } else {
                "the request failed".to_owned()
            };
            AttemptError::Transient(match std::error::Error::source(&e) {
                Some(source) => format!("{what}: {}", root_cause(source)),
                None => what,
            })
        })?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let body = response.text().await.unwrap_or_default();
    let body: String = body.trim().chars().take(200).collect();
    let message = if body.is_empty() {
        format!("HTTP {status}")
    } else {
        format!("HTTP {status}: {body}")
    };
    if status.is_server_error() || status.as_u16() == 429 {
        Err(AttemptError::Transient(message))
    } else {
        Err(AttemptError::Permanent(message))
    }
}

/// The innermost cause (an OS error such as "Connection refused"), which names no URL.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut error = error;
    while let Some(source) = error.source() {
        error = source;
    }
    error.to_string()
}
