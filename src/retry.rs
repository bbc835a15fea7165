//! The retry policy shipgate shares (forge calls first): exponential backoff with jitter, `Retry-After` honoured,
//! a time-out per attempt and a cap on the whole call.
//!
//! Only calls that are safe to repeat are retried after a failure the server may have acted on
//! (5xx, time-out, lost connection). A create ([`CallKind::Create`]) is retried here only when
//! the server said it did nothing (429, secondary rate limit); otherwise the error is returned
//! and [`create_once`](crate::forge::create_once) looks the object up (by its marker or CI run)
//! before creating it again.
use std::future::Future;
use std::time::{Duration, Instant};

use crate::forge::{ForgeError, ForgeResult};

/// How long GitHub asks to wait after a secondary rate limit that names no `Retry-After`.
const SECONDARY_LIMIT_WAIT: Duration = Duration::from_secs(60);

/// When and how often to try a forge call again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included (at least 1).
    pub attempts: u32,
    /// The backoff before the first retry; it doubles with each retry.
    pub base: Duration,
    /// The longest backoff (a server's `Retry-After` may ask for longer).
    pub max_delay: Duration,
    /// The whole call, waits included, never runs longer than this.
    pub total: Duration,
    /// One attempt (request and response body) is abandoned after this.
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    /// 5 attempts, backoff 1 s doubling to 30 s, 30 s per attempt, 3 minutes in all.
    fn default() -> Self {
        Self {
            attempts: 5,
            base: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            total: Duration::from_secs(180),
            timeout: Duration::from_secs(30),
        }
    }
}

/// Whether repeating a call could do something twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// Reads, and writes whose repetition changes nothing (PATCH, a reaction, a status).
    Idempotent,
    /// Creates: repeated only when the server said it did nothing (429, rate limits).
    Create,
}

/// What to do with one answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A 2xx: done.
    Success,
    /// Try again, after at least `after` when the server said so.
    Retry {
        /// The server's `Retry-After`, or GitHub's one minute for a secondary rate limit.
        after: Option<Duration>,
    },
    /// A failure that another attempt would not fix (or that must not be repeated).
    Fail,
}

/// The outcome of one attempt, as the caller of [`RetryPolicy::run`] reports it.
#[derive(Debug)]
pub enum Attempt<T> {
    /// It worked.
    Done(T),
    /// A transient failure: `last` describes it, `after` is the server's wait, if any.
    Retry {
        /// What went wrong, for the final error.
        last: String,
        /// The server's `Retry-After`.
        after: Option<Duration>,
    },
    /// A failure to return as it is.
    Fail(ForgeError),
}

/// Reads a `Retry-After` header given in seconds (GitHub's form); dates are ignored.
pub fn parse_retry_after(value: Option<&str>) -> Option<Duration> {
    value
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// Classifies an HTTP answer: 2xx succeed; 429 and GitHub's rate limits (403 with `Retry-After`
/// or a body naming a secondary rate limit) are retried after the server's wait; 5xx are retried
/// when the call is idempotent; everything else fails.
pub fn classify(status: u16, retry_after: Option<&str>, body: &str, kind: CallKind) -> Verdict {
    let after = parse_retry_after(retry_after);
    match status {
        200..=299 => Verdict::Success,
        429 => Verdict::Retry { after },
        403 if after.is_some() => Verdict::Retry { after },
        403 if body.to_ascii_lowercase().contains("secondary rate limit") => Verdict::Retry {
            after: Some(SECONDARY_LIMIT_WAIT),
        },
        500..=599 if kind == CallKind::Idempotent => Verdict::Retry { after },
        _ => Verdict::Fail,
    }
}

impl RetryPolicy {
    /// Millisecond-scale delays for tests (a `Retry-After` of 1 s still fits in `total`).
    pub fn fast() -> Self {
        Self {
            attempts: 4,
            base: Duration::from_millis(5),
            max_delay: Duration::from_millis(50),
            total: Duration::from_secs(10),
            timeout: Duration::from_secs(3),
        }
    }

    /// The full backoff before retry number `retry` (0 for the first): `base·2^retry` capped at
    /// `max_delay`, without jitter.
    pub fn backoff(&self, retry: u32) -> Duration {
        self.base
            .saturating_mul(2u32.saturating_pow(retry.min(30)))
            .min(self.max_delay)
    }

    /// The backoff before retry number `retry` (0 for the first): [`backoff`](Self::backoff),
    /// of which the upper half is jittered by `random`; never less than `after`.
    pub fn delay(&self, retry: u32, after: Option<Duration>, random: u64) -> Duration {
        let half = self.backoff(retry) / 2;
        let span = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        let jitter = if span == 0 {
            Duration::ZERO
        } else {
            Duration::from_nanos(random % (span + 1))
        };
        let backoff = half + jitter;
        after.map_or(backoff, |a| a.max(backoff))
    }

    /// Runs `attempt` until it succeeds, fails for good, or the policy's budget is spent.
    /// Each attempt is cut off after `timeout`: an idempotent call is then tried again, a
    /// create is not (the server may have acted; the caller looks the object up).
    pub async fn run<T, F, Fut>(&self, what: &str, kind: CallKind, mut attempt: F) -> ForgeResult<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Attempt<T>>,
    {
        let start = Instant::now();
        let attempts = self.attempts.max(1);
        let mut made = 0;
        loop {
            made += 1;
            let remaining = self.total.saturating_sub(start.elapsed());
            let limit = self.timeout.min(remaining);
            let (last, after) = match tokio::time::timeout(limit, attempt()).await {
                Ok(Attempt::Done(value)) => return Ok(value),
                Ok(Attempt::Fail(error)) => return Err(error),
                Ok(Attempt::Retry { last, after }) => (last, after),
                Err(_) if kind == CallKind::Create => {
                    return Err(ForgeError::Unavailable {
                        what: what.to_owned(),
                        attempts: made,
                        last: format!(
                            "no answer within {limit:?}; the object may have been created: look it up before creating it again"
                        ),
                    });
                }
                Err(_) => (format!("no answer within {limit:?}"), None),
            };
            let wait = self.delay(made - 1, after, random());
            let give_up = Err(ForgeError::Unavailable {
                what: what.to_owned(),
                attempts: made,
                last: last.clone(),
            });
            if made >= attempts || start.elapsed() + wait >= self.total {
                return give_up;
            }
            tracing::debug!(what, attempt = made, ?wait, %last, "retrying");
            tokio::time::sleep(wait).await;
        }
    }
}

/// Randomness for the jitter; a fixed value if the system has none to give.
pub(super) fn random() -> u64 {
    getrandom::u64().unwrap_or(0x9e37_79b9_7f4a_7c15)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_and_jitters_its_upper_half() {
        let p = RetryPolicy {
            attempts: 10,
            base: ms(100),
            max_delay: ms(1000),
            total: Duration::from_secs(60),
            timeout: Duration::from_secs(1),
        };
        assert_eq!(p.delay(0, None, 0), ms(50));
        assert_eq!(p.delay(0, None, u64::MAX), p.delay(0, None, u64::MAX));
        for (retry, full) in [
            (0, 100),
            (1, 200),
            (2, 400),
            (3, 800),
            (4, 1000),
            (20, 1000),
        ] {
            for random in [0, 1, 12_345_678, u64::MAX] {
                let d = p.delay(retry, None, random);
                assert!(d >= ms(full / 2) && d <= ms(full), "{retry}: {d:?}");
            }
        }
        assert_eq!(p.delay(99, None, 0), ms(500), "no overflow on many retries");
        let exact: Vec<Duration> = (0..6).map(|retry| p.backoff(retry)).collect();
        assert_eq!(exact, [100, 200, 400, 800, 1000, 1000].map(ms));
    }

    #[test]
    fn retry_after_is_a_lower_bound_even_beyond_the_cap() {
        let p = RetryPolicy::fast();
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(1)), 7),
            Duration::from_secs(1)
        );
        assert_eq!(
            p.delay(0, Some(Duration::ZERO), 0),
            ms(2) + Duration::from_micros(500)
        );
        assert_eq!(parse_retry_after(Some(" 7 ")), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after(Some("Wed, 21 Oct 2015 07:28:00 GMT")),
            None
        );
        assert_eq!(parse_retry_after(None), None);
    }

    #[test]
    fn classification() {
        use CallKind::*;
        let retry = |s| Verdict::Retry {
            after: Some(Duration::from_secs(s)),
        };
        assert_eq!(classify(200, None, "", Create), Verdict::Success);
        assert_eq!(classify(204, None, "", Idempotent), Verdict::Success);
        assert_eq!(classify(429, Some("3"), "", Create), retry(3));
        assert_eq!(
            classify(429, None, "", Idempotent),
            Verdict::Retry { after: None }
        );
        assert_eq!(classify(403, Some("2"), "", Create), retry(2));
        let secondary = r#"{"message":"You have exceeded a secondary rate limit."}"#;
        assert_eq!(classify(403, None, secondary, Idempotent), retry(60));
        assert_eq!(
            classify(403, None, "Resource not accessible", Idempotent),
            Verdict::Fail
        );
        assert_eq!(
            classify(500, None, "", Idempotent),
            Verdict::Retry { after: None }
        );
        assert_eq!(classify(503, Some("1"), "", Idempotent), retry(1));
        assert_eq!(
            classify(502, None, "", Create),
            Verdict::Fail,
            "a create may have happened"
        );
        for status in [400, 401, 404, 409, 422] {
            assert_eq!(
                classify(status, None, "", Idempotent),
                Verdict::Fail,
                "{status}"
            );
        }
    }

    fn counting<T>(
        calls: &AtomicU32,
        answer: impl Fn(u32) -> Attempt<T>,
    ) -> impl FnMut() -> std::future::Ready<Attempt<T>> {
        move || std::future::ready(answer(calls.fetch_add(1, Ordering::SeqCst) + 1))
    }

    #[tokio::test]
    async fn retries_until_success_within_the_attempts() {
        let calls = AtomicU32::new(0);
        let got = RetryPolicy::fast()
            .run(
                "reading",
                CallKind::Idempotent,
                counting(&calls, |n| match n {
                    1..=3 => Attempt::Retry {
                        last: format!("500 #{n}"),
                        after: None,
                    },
                    _ => Attempt::Done(n),
                }),
            )
            .await;
        assert_eq!(got.unwrap(), 4);
        let calls = AtomicU32::new(0);
        let err = RetryPolicy::fast()
            .run(
                "reading",
                CallKind::Idempotent,
                counting(&calls, |n| Attempt::<()>::Retry {
                    last: format!("500 #{n}"),
                    after: None,
                }),
            )
            .await
            .unwrap_err();
        assert_eq!(calls.load(Ordering::SeqCst), 4);
        assert_eq!(
            err.to_string(),
            "reading: the forge did not answer successfully after 4 attempts: 500 #4"
        );
    }

    #[tokio::test]
    async fn a_wait_beyond_the_total_gives_up_at_once() {
        let calls = AtomicU32::new(0);
        let started = Instant::now();
        let err = RetryPolicy::fast()
            .run(
                "listing",
                CallKind::Idempotent,
                counting(&calls, |_| Attempt::<()>::Retry {
                    last: "429".into(),
                    after: Some(Duration::from_secs(60)),
                }),
            )
            .await
            .unwrap_err();
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(matches!(err, ForgeError::Unavailable { attempts: 1, .. }));
    }

    #[tokio::test]
    async fn a_timed_out_create_is_not_repeated_but_a_read_is() {
        let p = RetryPolicy {
            timeout: ms(30),
            ..RetryPolicy::fast()
        };
        let calls = AtomicU32::new(0);
        let slow = || {
            calls.fetch_add(1, Ordering::SeqCst);
            async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                Attempt::Done(())
            }
        };
        let err = p.run("creating", CallKind::Create, slow).await.unwrap_err();
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(err.to_string().contains("look it up"), "{err}");
        let err = p
            .run("reading", CallKind::Idempotent, slow)
            .await
            .unwrap_err();
        assert_eq!(calls.load(Ordering::SeqCst), 1 + 4);
        assert!(matches!(err, ForgeError::Unavailable { attempts: 4, .. }));
    }

    #[tokio::test]
    async fn a_definite_failure_is_returned_at_once() {
        let calls = AtomicU32::new(0);
        let err = RetryPolicy::fast()
            .run(
                "reading",
                CallKind::Idempotent,
                counting(&calls, |_| {
                    Attempt::<()>::Fail(ForgeError::Setup("no".into()))
                }),
            )
            .await
            .unwrap_err();
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(matches!(err, ForgeError::Setup(_)));
    }
}
