//! `http` gates: a request answers with the expected status and body, retried with backoff.
//!
//! Redirects are followed only within the origin (scheme, host and port) of the address asked:
//! the gate's headers (tokens, cookies) must never reach another server.
use std::time::Instant;

use reqwest::redirect::{Attempt, Policy};
use secrecy::ExposeSecret;

use crate::config::HttpMethod;

use super::model::{HttpCheck, Measured, Outcome, Verdict};
use super::scrub::Scrubber;

/// Longest body excerpt shown in a failure.
const EXCERPT: usize = 200;

/// A redirect to another origin than the first request's.
#[derive(Debug, thiserror::Error)]
#[error("redirected to {to}, another origin (scheme, host or port) than {from}")]
struct CrossOrigin {
    from: String,
    to: String,
}

/// Follow redirects (at most 10, as reqwest does) while they stay in the origin of the first
/// request; a redirect elsewhere is an error naming its target.
pub(crate) fn redirect_policy() -> Policy {
    Policy::custom(|attempt: Attempt<'_>| {
        let first = attempt.previous().first().cloned();
        match first {
            Some(first) if first.origin() != attempt.url().origin() => {
                let to = attempt.url().to_string();
                attempt.error(CrossOrigin {
                    from: first.origin().ascii_serialization(),
                    to,
                })
            }
            _ => Policy::default().redirect(attempt),
        }
    })
}

/// Evaluate `check`: the first attempt that meets every expectation passes; after the last
/// retry, the last attempt's problem fails the gate. What a server answers is shown through
/// `scrub`.
pub(crate) async fn evaluate(
    client: &reqwest::Client,
    check: &HttpCheck,
    scrub: &Scrubber,
) -> Outcome {
    let attempts = check.retries.saturating_add(1);
    let mut backoff = check.backoff;
    let mut last = String::new();
    let mut measured = Vec::new();
    for attempt in 1..=attempts {
        if attempt > 1 {
            tracing::info!("{last}; retrying in {}s", backoff.as_secs_f64());
            tokio::time::sleep(backoff).await;
            backoff = backoff.saturating_mul(2);
        }
        let started = Instant::now();
        let result = once(client, check, scrub).await;
        let ms = started.elapsed().as_millis();
        measured = vec![Measured::new("attempts", attempt)];
        match result {
            Ok(status) => {
                measured.push(Measured::new("status", status));
                measured.push(Measured::new("time_ms", ms));
                return Outcome::new(
                    Verdict::Pass,
                    format!(
                        "{} {} answered {status} in {ms} ms (attempt {attempt} of {attempts})",
                        method(check.method),
                        check.url
                    ),
                    measured,
                );
            }
            Err(problem) => {
                if let Some(status) = problem.status {
                    measured.push(Measured::new("status", status));
                }
                measured.push(Measured::new("time_ms", ms));
                last = scrub.scrub(&problem.message);
            }
        }
    }
    Outcome::new(
        Verdict::Fail,
        format!(
            "{} {}: {last} (after {attempts} attempt{})",
            method(check.method),
            check.url,
            if attempts == 1 { "" } else { "s" }
        ),
        measured,
    )
}

struct Problem {
    status: Option<u16>,
    message: String,
}

async fn once(
    client: &reqwest::Client,
    check: &HttpCheck,
    scrub: &Scrubber,
) -> Result<u16, Problem> {
    let method = match check.method {
        HttpMethod::Get => reqwest::Method::GET,
        HttpMethod::Head => reqwest::Method::HEAD,
        HttpMethod::Post => reqwest::Method::POST,
    };
    let mut request = client.request(method, &check.url).timeout(check.timeout);
    for (name, value) in &check.headers {
        let mut value =
            reqwest::header::HeaderValue::from_str(value.expose_secret()).map_err(|_| Problem {
                status: None,
                message: format!("header `{name}` has a value HTTP cannot carry"),
            })?;
        value.set_sensitive(true);
        request = request.header(name.as_str(), value);
    }
    let response = request.send().await.map_err(|e| Problem {
        status: None,
        message: if e.is_timeout() {
            format!("no answer within {}s", check.timeout.as_secs_f64())
        } else if let Some(redirect) = cross_origin(&e) {
            format!(
                "{redirect}; shipgate follows redirects within the gate's origin only, so that \
                 its headers never reach another server: set `url` to the address that answers"
            )
        } else {
            format!("request failed: {}", error_chain(&e))
        },
    })?;
    let status = response.status().as_u16();
    let body = response.text().await.map_err(|e| Problem {
        status: Some(status),
        message: if e.is_timeout() {
            format!(
                "the body did not arrive within {}s",
                check.timeout.as_secs_f64()
            )
        } else {
            format!("reading the body failed: {}", error_chain(&e))
        },
    })?;
    let problem = |message: String| Problem {
        status: Some(status),
        message,
    };
    let shown = || excerpt(&body, scrub);
    if status != check.status {
        return Err(problem(format!(
            "status {status}, expected {}; body: {}",
            check.status,
            shown()
        )));
    }
    if let Some(text) = &check.body_contains {
        if !body.contains(text.as_str()) {
            return Err(problem(format!(
                "the body does not contain {text:?}; body: {}",
                shown()
            )));
        }
    }
    if let Some((pointer, expected)) = &check.json {
        let json: serde_json::Value = serde_json::from_str(&body)
            .map_err(|e| problem(format!("the body is not JSON ({e}); body: {}", shown())))?;
        match json.pointer(pointer) {
            Some(found) if found == expected => {}
            Some(found) => {
                return Err(problem(format!(
                    "{pointer} is {found}, expected {expected}"
                )));
            }
            None => return Err(problem(format!("the body has no {pointer}"))),
        }
    }
    Ok(status)
}

fn method(method: HttpMethod) -> &'static str {
    match method {
        HttpMethod::Get => "GET",
        HttpMethod::Head => "HEAD",
        HttpMethod::Post => "POST",
    }
}

/// The refused cross-origin redirect behind `error`, if that is what stopped the request.
fn cross_origin(error: &reqwest::Error) -> Option<&CrossOrigin> {
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(found) = cause.downcast_ref::<CrossOrigin>() {
            return Some(found);
        }
        source = cause.source();
    }
    None
}

/// The error and its causes, joined.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The body's start on one line, at most [`EXCERPT`] characters, secrets scrubbed before it
/// is cut (so no part of one is left at the cut).
pub(crate) fn excerpt(body: &str, scrub: &Scrubber) -> String {
    let one_line: String = scrub
        .scrub(body)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if one_line.is_empty() {
        return "(empty)".to_owned();
    }
    let mut cut: String = one_line.chars().take(EXCERPT).collect();
    if cut.len() < one_line.len() {
        cut.push('…');
    }
    cut
}
