//! Creating an object exactly once although the forge may fail after doing the work.
//!
//! A create that fails in a way the server may have acted on (5xx, time-out, lost connection,
//! an unreadable success) is never repeated blindly: the object is looked up first (by its
//! marker, CI run or answer), and only when the lookup finds nothing is the create sent again,
//! under the forge's [`RetryPolicy`]. A final refusal (4xx) is returned at once.
//!
//! Not every create can be looked up: starting a pipeline ([`Forge::start_pipeline`]) leaves
//! nothing to find reliably and is never repeated after such a failure.
use std::future::Future;
use std::time::{Duration, Instant};

use super::{Comment, Forge, ForgeError, ForgeResult};
use crate::retry::{RetryPolicy, random};

impl ForgeError {
    /// Whether a create that failed this way may have been carried out by the server: no
    /// answer, a 5xx, or a success whose body could not be read. Refusals (4xx) and setup
    /// errors are final.
    pub fn may_have_acted(&self) -> bool {
        match self {
            Self::Unavailable { .. } => true,
            // 200 is how an unreadable success is reported (a 202 carries no object).
            Self::Unexpected { status, .. } => *status == 200 || *status >= 500,
            _ => false,
        }
    }

    /// The wait the server asked for with its failure (`Retry-After`), if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Unexpected { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The same error, carrying the wait the server asked for.
    pub fn with_retry_after(mut self, after: Option<Duration>) -> Self {
        if let Self::Unexpected { retry_after, .. } = &mut self {
            *retry_after = after;
        }
        self
    }
}

/// Creates an object once: `create`, and after a failure the server may have acted on,
/// `lookup` (after the policy's backoff, so a create still in flight has landed); what it finds
/// is the object, else `create` is tried again, within the policy's attempts and total time.
/// The last error is returned when the lookup still finds nothing.
pub async fn create_once<T, E, C, CF, L, LF>(
    policy: &RetryPolicy,
    what: &str,
    mut create: C,
    mut lookup: L,
) -> Result<T, E>
where
    E: From<ForgeError>,
    C: FnMut() -> CF,
    CF: Future<Output = ForgeResult<T>>,
    L: FnMut() -> LF,
    LF: Future<Output = Result<Option<T>, E>>,
{
    let start = Instant::now();
    let attempts = policy.attempts.max(1);
    let mut made = 0;
    loop {
        made += 1;
        let error = match create().await {
            Ok(created) => return Ok(created),
            Err(error) if error.may_have_acted() => error,
            Err(error) => return Err(error.into()),
        };
        let wait = policy.delay(made - 1, error.retry_after(), random());
        let again = made < attempts && start.elapsed() + wait < policy.total;
        tracing::warn!(
            what,
            attempt = made,
            "{error}; looking for it before going on"
        );
        if again {
            tokio::time::sleep(wait).await;
        }
        if let Some(found) = lookup().await? {
            return Ok(found);
        }
        if !again {
            return Err(error.into());
        }
        tracing::warn!(what, attempt = made, "not there: creating it again");
    }
}

/// Comments `body` on issue `number` once: after a failure the server may have acted on, the
/// issue's comments are searched for one that `is_it` recognises (given the comment and
/// shipgate's own login, asked only then) before commenting again.
pub async fn comment_once<F: Forge>(
    forge: &F,
    number: u64,
    body: &str,
    is_it: impl Fn(&Comment, &str) -> bool,
) -> ForgeResult<Comment> {
    let is_it = &is_it;
    create_once(
        &forge.retry_policy(),
        "commenting",
        || forge.create_comment(number, body),
        || async move {
            let login = forge.own_login().await?;
            let comments = forge.comments(number).await?;
            Ok::<_, ForgeError>(comments.into_iter().find(|c| is_it(c, &login)))
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;

    use super::*;

    fn server_error() -> ForgeError {
        ForgeError::Unexpected {
            retry_after: None,
            what: "creating".into(),
            status: 500,
            body: "Server Error".into(),
        }
    }

    async fn run(
        policy: &RetryPolicy,
        creates: &AtomicU32,
        lookups: &AtomicU32,
        answer: impl Fn(u32) -> ForgeResult<u32>,
        found: impl Fn(u32) -> Option<u32>,
    ) -> ForgeResult<u32> {
        create_once(
            policy,
            "creating",
            || std::future::ready(answer(creates.fetch_add(1, Ordering::SeqCst) + 1)),
            || std::future::ready(Ok(found(lookups.fetch_add(1, Ordering::SeqCst) + 1))),
        )
        .await
    }

    #[tokio::test]
    async fn two_server_errors_then_success_create_once_more_each() {
        let (creates, lookups) = (AtomicU32::new(0), AtomicU32::new(0));
        let got = run(
            &RetryPolicy::fast(),
            &creates,
            &lookups,
            |n| if n <= 2 { Err(server_error()) } else { Ok(n) },
            |_| None,
        )
        .await;
        assert_eq!(got.unwrap(), 3);
        assert_eq!(creates.load(Ordering::SeqCst), 3);
        assert_eq!(lookups.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn what_the_lookup_finds_is_the_object() {
        let (creates, lookups) = (AtomicU32::new(0), AtomicU32::new(0));
        let lost = |_| {
            Err(ForgeError::Unavailable {
                what: "creating".into(),
                attempts: 1,
                last: "connection reset".into(),
            })
        };
        let got = run(&RetryPolicy::fast(), &creates, &lookups, lost, |_| Some(7)).await;
        assert_eq!(got.unwrap(), 7);
        assert_eq!(creates.load(Ordering::SeqCst), 1, "never created twice");
        assert_eq!(lookups.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_refusal_is_final() {
        let (creates, lookups) = (AtomicU32::new(0), AtomicU32::new(0));
        let refused = |_| {
            Err(ForgeError::Unexpected {
                retry_after: None,
                what: "creating".into(),
                status: 422,
                body: "Validation Failed".into(),
            })
        };
        let err = run(&RetryPolicy::fast(), &creates, &lookups, refused, |_| None)
            .await
            .unwrap_err();
        assert!(matches!(err, ForgeError::Unexpected { status: 422, .. }));
        assert_eq!(creates.load(Ordering::SeqCst), 1);
        assert_eq!(lookups.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn the_attempts_and_the_total_bound_it() {
        let (creates, lookups) = (AtomicU32::new(0), AtomicU32::new(0));
        let err = run(
            &RetryPolicy::fast(),
            &creates,
            &lookups,
            |_| Err(server_error()),
            |_| None,
        )
        .await
        .unwrap_err();
        assert!(matches!(err, ForgeError::Unexpected { status: 500, .. }));
        assert_eq!(creates.load(Ordering::SeqCst), 4);
        assert_eq!(lookups.load(Ordering::SeqCst), 4, "the last failure too");

        let short = RetryPolicy {
            base: Duration::from_secs(2),
            max_delay: Duration::from_secs(2),
            total: Duration::from_secs(1),
            ..RetryPolicy::fast()
        };
        let (creates, lookups) = (AtomicU32::new(0), AtomicU32::new(0));
        let started = Instant::now();
        run(
            &short,
            &creates,
            &lookups,
            |_| Err(server_error()),
            |_| None,
        )
        .await
        .unwrap_err();
        assert_eq!(creates.load(Ordering::SeqCst), 1);
        assert!(started.elapsed() < Duration::from_millis(500));
    }

    #[test]
    fn which_failures_the_server_may_have_acted_on() {
        let unexpected = |status| ForgeError::Unexpected {
            retry_after: None,
            what: String::new(),
            status,
            body: String::new(),
        };
        for status in [200, 500, 502, 503] {
            assert!(unexpected(status).may_have_acted(), "{status}");
        }
        for status in [0, 202, 400, 409, 422] {
            assert!(!unexpected(status).may_have_acted(), "{status}");
        }
        let refused = ForgeError::Unauthorized {
            what: String::new(),
            status: 403,
            needs: String::new(),
        };
        assert!(!refused.may_have_acted());
        assert!(!ForgeError::Setup(String::new()).may_have_acted());
    }
}
