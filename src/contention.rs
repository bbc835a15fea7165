//! Writers that collided on one shared object (a log branch, an issue body) wait apart before
//! they try again, so that they do not collide again in step.

use std::time::Duration;

/// The wait before try `attempt` (from 1): it doubles from 25 ms up to 1 s, and half of it is
/// random.
pub fn backoff(attempt: u32) -> Duration {
    let ceiling = (25u64 << attempt.saturating_sub(1).min(6)).min(1000);
    let jitter = u64::from(getrandom::u32().unwrap_or(0)) % (ceiling / 2 + 1);
    Duration::from_millis(ceiling / 2 + jitter)
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
