//! Writers that collided on one shared object (a log branch, an issue body) wait apart before
//! they try again, so that they do not collide again in step.

use std::time::Duration;

use crate::retry::RetryPolicy;

/// How colliding writers wait: 25 ms doubling up to 1 s, the upper half of each wait random,
/// tried again for as long as `patience` lasts.
pub fn policy(patience: Duration) -> RetryPolicy {
    RetryPolicy {
        attempts: u32::MAX,
        base: Duration::from_millis(25),
        max_delay: Duration::from_secs(1),
        total: patience,
        timeout: patience,
    }
}

/// The wait before try `attempt` (from 1), as [`policy`] spaces them.
pub fn backoff(attempt: u32) -> Duration {
    policy(Duration::MAX).delay(attempt.saturating_sub(1), None, crate::retry::random())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_to_a_second_and_keep_half_their_ceiling() {
        for attempt in 1..12 {
            let ceiling = (25u64 << (attempt - 1).min(6)).min(1000);
            let wait = backoff(attempt).as_millis() as u64;
            assert!((ceiling / 2..=ceiling).contains(&wait), "{attempt}: {wait}");
        }
    }
}
