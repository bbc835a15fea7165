//! `http` gates: a request answers with the expected status and body, retried with backoff.
use std::time::Instant;

use secrecy::ExposeSecret;

use crate::config::HttpMethod;

use super::model::{HttpCheck, Measured, Outcome, Verdict};

/// Longest body excerpt shown in a failure.
const EXCERPT: usize = 200;

/// Evaluate `check`: the first attempt that meets every expectation passes; after the last
/// retry, the last attempt's problem fails the gate.
pub(crate) async fn evaluate(client: &reqwest::Client, check: &HttpCheck) -> Outcome {
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
        let result = once(client, check).await;
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
                last = problem.message;
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

async fn once(client: &reqwest::Client, check: &HttpCheck) -> Result<u16, Problem> {
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
    if status != check.status {
        return Err(problem(format!(
            "status {status}, expected {}; body: {}",
            check.status,
            excerpt(&body)
        )));
    }
    if let Some(text) = &check.body_contains {
        if !body.contains(text.as_str()) {
            return Err(problem(format!(
                "the body does not contain {text:?}; body: {}",
                excerpt(&body)
            )));
        }
    }
    if let Some((pointer, expected)) = &check.json {
        let json: serde_json::Value = serde_json::from_str(&body).map_err(|e| {
            problem(format!(
                "the body is not JSON ({e}); body: {}",
                excerpt(&body)
            ))
        })?;
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

/// The body's start on one line, at most [`EXCERPT`] characters.
pub(crate) fn excerpt(body: &str) -> String {
    let one_line: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() {
        return "(empty)".to_owned();
    }
    let mut cut: String = one_line.chars().take(EXCERPT).collect();
    if cut.len() < one_line.len() {
        cut.push('…');
    }
    cut
}
