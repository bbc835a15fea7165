//! `prometheus` gates: an instant query evaluated every `interval` for `duration` through the
//! Prometheus HTTP API (`GET /api/v1/query`).
//!
//! A value matching `fail_fast` fails at once; a breach of `threshold` that lasts `for`
//! without a break fails; a window without any data is inconclusive (or, with
//! `missing: fail`, the first sample without data fails). NaN (e.g. `0/0` rates with no
//! traffic) counts as no data. Prometheus unreachable or overloaded counts as a sample without
//! data; a query Prometheus rejects (400/422) fails the gate, since it can never pass.
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Deserialize;

use crate::config::MissingData;

use super::http::excerpt;
use super::model::{Measured, Outcome, PromCheck, Verdict};
use super::scrub::Scrubber;

/// The answer of `/api/v1/query`.
#[derive(Debug, Deserialize)]
struct Answer {
    status: String,
    #[serde(default)]
    data: Option<Data>,
    #[serde(default, rename = "errorType")]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Data {
    #[serde(rename = "resultType")]
    result_type: String,
    result: serde_json::Value,
}

/// Why a query gave no values.
#[derive(Debug)]
enum QueryError {
    /// Prometheus could not be asked, or could not answer now.
    Unavailable(String),
    /// Prometheus rejected the query itself.
    Rejected(String),
}

/// What the window saw so far.
#[derive(Default)]
struct Tally {
    samples: u32,
    with_data: u32,
    missing: u32,
    unavailable: Option<String>,
    breaches: u32,
    min: Option<f64>,
    max: Option<f64>,
    last: Option<f64>,
}

impl Tally {
    fn measured(&self) -> Vec<Measured> {
        let mut m = vec![
            Measured::new("samples", self.samples),
            Measured::new("with_data", self.with_data),
            Measured::new("breaches", self.breaches),
        ];
        for (name, value) in [("min", self.min), ("max", self.max), ("last", self.last)] {
            if let Some(v) = value {
                m.push(Measured::new(name, number(v)));
            }
        }
        m
    }

    fn see(&mut self, values: &[f64]) {
        for &v in values {
            self.min = Some(self.min.map_or(v, |m| m.min(v)));
            self.max = Some(self.max.map_or(v, |m| m.max(v)));
        }
    }
}

/// Watch the query for the whole window, or until it fails.
pub(crate) async fn evaluate(
    client: &reqwest::Client,
    check: &PromCheck,
    scrub: &Scrubber,
) -> Outcome {
    let start = Instant::now();
    let mut tally = Tally::default();
    let mut breach_since: Option<Duration> = None;
    let mut offset = Duration::ZERO;
    loop {
        let due = start + offset;
        tokio::time::sleep_until(tokio::time::Instant::from_std(due)).await;
        tally.samples += 1;
        let at = format!("at {}s", offset.as_secs());
        match query(client, check, scrub).await {
            Err(QueryError::Rejected(message)) => {
                return Outcome::new(
                    Verdict::Fail,
                    format!("Prometheus rejected the query: {message}"),
                    tally.measured(),
                );
            }
            Err(QueryError::Unavailable(message)) => {
                let message = scrub.scrub(&message);
                tracing::warn!("prometheus gate: {message}");
                tally.unavailable = Some(message);
                breach_since = None;
            }
            Ok(values) if values.is_empty() => {
                tally.missing += 1;
                breach_since = None;
                if check.missing == MissingData::Fail {
                    return Outcome::new(
                        Verdict::Fail,
                        format!("the query returned no data {at} (missing: fail)"),
                        tally.measured(),
                    );
                }
            }
            Ok(values) => {
                tally.with_data += 1;
                tally.see(&values);
                if let Some(fast) = check.fail_fast {
                    if let Some(v) = values.iter().copied().find(|v| fast.holds(*v)) {
                        tally.last = Some(v);
                        return Outcome::new(
                            Verdict::Fail,
                            format!("{} {at}, beyond the fail-fast bound {fast}", number(v)),
                            tally.measured(),
                        );
                    }
                }
                let breaching = values.iter().copied().find(|v| !check.threshold.holds(*v));
                tally.last = Some(breaching.unwrap_or(values[0]));
                match breaching {
                    Some(v) => {
                        tally.breaches += 1;
                        let since = *breach_since.get_or_insert(offset);
                        if offset - since >= check.breach_for {
                            return Outcome::new(
                                Verdict::Fail,
                                format!(
                                    "{} {at}: not {} for {}s without a break",
                                    number(v),
                                    check.threshold,
                                    (offset - since).as_secs()
                                ),
                                tally.measured(),
                            );
                        }
                    }
                    None => breach_since = None,
                }
            }
        }
        offset += check.interval;
        if offset > check.duration {
            break;
        }
    }
    conclude(check, &tally)
}

/// The verdict at the end of the window.
fn conclude(check: &PromCheck, tally: &Tally) -> Outcome {
    let window = check.duration.as_secs();
    if tally.with_data == 0 {
        let why = match &tally.unavailable {
            Some(message) if tally.missing == 0 => format!("Prometheus was unavailable: {message}"),
            _ => format!("the query returned no data in {} samples", tally.samples),
        };
        return Outcome::new(Verdict::Inconclusive, why, tally.measured());
    }
    let mut summary = format!(
        "{} over {window}s ({} samples; max {})",
        check.threshold,
        tally.samples,
        tally.max.map(number).unwrap_or_default()
    );
    if tally.breaches > 0 {
        summary.push_str(&format!("; {} brief breaches", tally.breaches));
    }
    if tally.with_data < tally.samples {
        summary.push_str(&format!(
            "; {} samples without data",
            tally.samples - tally.with_data
        ));
    }
    Outcome::new(Verdict::Pass, summary, tally.measured())
}

/// A number as Prometheus users read it: at most 6 significant decimals.
fn number(v: f64) -> String {
    let text = format!("{v:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text.is_empty() || text == "-" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// One instant query at the current time: the values of the result (NaN dropped).
async fn query(
    client: &reqwest::Client,
    check: &PromCheck,
    scrub: &Scrubber,
) -> Result<Vec<f64>, QueryError> {
    let base = check.url.trim_end_matches('/');
    let mut url = reqwest::Url::parse(&format!("{base}/api/v1/query"))
        .map_err(|e| QueryError::Rejected(format!("`{base}` is not a valid address: {e}")))?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64();
    url.query_pairs_mut()
        .append_pair("query", &check.query)
        .append_pair("time", &format!("{now:.3}"));
    let response = client
        .get(url)
        .timeout(check.timeout)
        .send()
        .await
        .map_err(|e| QueryError::Unavailable(format!("cannot reach {base}: {e}")))?;
    let status = response.status().as_u16();
    let body = response
        .text()
        .await
        .map_err(|e| QueryError::Unavailable(format!("reading the answer of {base}: {e}")))?;
    let answer: Answer = serde_json::from_str(&body).map_err(|_| {
        QueryError::Unavailable(format!(
            "{base} answered {status} with something other than the query API's JSON: {}",
            excerpt(&body, scrub)
        ))
    })?;
    if answer.status != "success" {
        let message = format!(
            "{} ({})",
            answer.error.unwrap_or_default(),
            answer.error_type.unwrap_or_default()
        );
        return Err(if matches!(status, 400 | 422) {
            QueryError::Rejected(message)
        } else {
            QueryError::Unavailable(format!("{base} answered {status}: {message}"))
        });
    }
    let data = answer
        .data
        .ok_or_else(|| QueryError::Unavailable(format!("{base} answered without data")))?;
    values(&data).map_err(QueryError::Rejected)
}

/// The numbers of a `vector` or `scalar` result; NaN dropped.
fn values(data: &Data) -> Result<Vec<f64>, String> {
    let sample =
        |pair: &serde_json::Value| -> Option<f64> { pair.get(1)?.as_str()?.parse::<f64>().ok() };
    let all: Vec<Option<f64>> = match data.result_type.as_str() {
        "vector" => data
            .result
            .as_array()
            .map(|series| {
                series
                    .iter()
                    .map(|s| s.get("value").and_then(sample))
                    .collect()
            })
            .unwrap_or_default(),
        "scalar" => vec![sample(&data.result)],
        other => {
            return Err(format!(
                "the query gives a {other}; write one that gives an instant vector or a scalar"
            ));
        }
    };
    Ok(all.into_iter().flatten().filter(|v| !v.is_nan()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(json: serde_json::Value) -> Data {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn vectors_and_scalars_give_their_numbers_without_nan() {
        let vector = data(serde_json::json!({"resultType": "vector", "result": [
            {"metric": {"a": "1"}, "value": [1.5, "0.25"]},
            {"metric": {"a": "2"}, "value": [1.5, "NaN"]},
            {"metric": {"a": "3"}, "value": [1.5, "+Inf"]}
        ]}));
        assert_eq!(values(&vector).unwrap(), [0.25, f64::INFINITY]);
        let scalar = data(serde_json::json!({"resultType": "scalar", "result": [1.5, "2"]}));
        assert_eq!(values(&scalar).unwrap(), [2.0]);
        let empty = data(serde_json::json!({"resultType": "vector", "result": []}));
        assert!(values(&empty).unwrap().is_empty());
        let matrix = data(serde_json::json!({"resultType": "matrix", "result": []}));
        assert!(values(&matrix).unwrap_err().contains("instant vector"));
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(number(0.05), "0.05");
        assert_eq!(number(2.0), "2");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(1.0 / 3.0), "0.333333");
    }
}
